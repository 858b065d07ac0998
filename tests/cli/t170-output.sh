#!/bin/sh
# Output stays valid and harmless: JSON is valid UTF-8 whatever bytes a
# benchmark, a config or a person put in; text for people never carries a
# raw escape sequence to the terminal; the actor without $USER.
. "$(dirname "$0")/lib.sh"

# A custom benchmark whose values the test sets (level.val, plus 0..2 so
# that there is some noise), and one that fails after writing invalid UTF-8
# and escape sequences to stderr. The unit holds ESC [ 2 J, BEL and a
# Latin-1 byte.
{
	printf '%s\n' '{"confirm_runs": 1, "defaults": {"runs": 5, "warmup": 0},' \
		' "baseline_runs": 1, "components": [{"name": "app", "benchmarks": [' \
		'   {"name": "level", "type": "custom", "metric": "v", "direction": "lower",' \
		'    "command": "sh level.sh",'
	printf '    "unit": "\\u001b[2J\\u0007ms\377"},\n'
	printf '%s\n' '   {"name": "broken", "type": "latency", "command": "sh broken.sh"}]}]}'
} > perfguard.json
cat > level.sh <<'EOF'
n=$(cat level.n 2>/dev/null || echo 0)
echo $((n + 1)) > level.n
echo "v $(( $(cat level.val) + n % 3 ))" > "$PERFGUARD_METRICS"
EOF
cat > broken.sh <<'EOF'
printf 'bad \377\376 bytes \033[2J\007 and a cut \342\202' >&2
exit 3
EOF
echo 100 > level.val
ESC=$(printf '\033')

# Parse file $1 as JSON read as bytes and decoded as strict UTF-8, then run
# the python statements $2 with the value in j.
json_check() {
	python3 -c '
import json, sys
j = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
exec(sys.argv[2])' "$@"
}

# Fail when file $1 holds a raw ESC (0x1b), BEL (0x07) or C1 CSI (0xc2 0x9b).
no_raw_controls() {
	python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
for bad in (b"\x1b", b"\x07", b"\xc2\x9b"):
    assert bad not in d, "raw %r in %s: %r" % (bad, sys.argv[1], d)' "$1"
}

expect_success 'run --json is valid UTF-8 when a failing benchmark writes bad bytes' '
	expect_exit 3 pg run --json &&
	json_check .out "
b = {x[\"id\"]: x for x in j[\"benchmarks\"]}
t = b[\"app/broken\"][\"stderr_tail\"]
assert t == \"bad \ufffd\ufffd bytes \x1b[2J\x07 and a cut \ufffd\", repr(t)
assert b[\"app/level\"][\"unit\"] == \"\x1b[2J\x07ms\ufffd\", b
assert b[\"app/level\"][\"ok\"] and not b[\"app/broken\"][\"ok\"], b
"
'

expect_success 'run for people shows the stderr and the unit with controls visible' '
	expect_exit 3 pg run &&
	cat .out .err > both.txt && no_raw_controls both.txt &&
	expect_contains .err "bad \\xff\\xfe bytes ^[[2J^G and a cut \\xe2\\x82" &&
	expect_contains .out "101 ^[[2J^Gms\\xff" &&
	expect_contains .out "app/broken" && expect_contains .out "FAILED"
'

expect_success 'measure shows a failing command and its stderr with controls visible' '
	expect_exit 3 pg measure --runs 2 --warmup 0 --shell "sh broken.sh # $(printf "\033]0;t\007")" &&
	no_raw_controls .err && no_raw_controls .out &&
	expect_contains .err "bad \\xff\\xfe bytes ^[[2J^G and a cut \\xe2\\x82"
'

expect_success 'list shows the unit with controls visible; its JSON is valid UTF-8' '
	pg list >list.txt && no_raw_controls list.txt &&
	expect_contains list.txt "^[[2J^Gms\\xff" &&
	pg list --json >list.json &&
	json_check list.json "assert j[0][\"unit\"] == \"\x1b[2J\x07ms\ufffd\", j"
'

expect_success 'a regression raises alert 1 on the deterministic benchmark' '
	pg baseline approve 1 >/dev/null &&
	echo 130 > level.val &&
	pg run app/level >out.txt &&
	expect_contains out.txt "alert 1 raised" &&
	pg alerts list --json >alerts.json &&
	json_check alerts.json "assert len(j) == 1 and j[0][\"id\"] == 1, j"
'

expect_success 'a note and an actor with bad bytes read back as valid JSON' '
	pg alerts note 1 --note "$(printf "bad \377 note \033[31m red\nline2")" \
		--by "$(printf "eve\033[2J\007\302\233\300")" >/dev/null &&
	pg alerts show 1 --json >show.json &&
	json_check show.json "
h = j[\"history\"][-1]
assert h[\"note\"] == \"bad \ufffd note \x1b[31m red\nline2\", h
assert h[\"actor\"] == \"eve\x1b[2J\x07\x9b\ufffd\", h
" &&
	pg log --json >log.json &&
	json_check log.json "assert j[-1][\"actor\"] == \"eve\x1b[2J\x07\x9b\ufffd\", j[-1]"
'

expect_success 'alerts show, log and history show notes, actors and units visibly' '
	pg alerts show 1 >show.txt && no_raw_controls show.txt &&
	expect_contains show.txt "eve^[[2J^GM-^[\\xc0: note: bad \\xff note ^[[31m red^Jline2" &&
	pg log >log.txt && no_raw_controls log.txt &&
	expect_contains log.txt "alert 1 note: bad \\xff note ^[[31m red^Jline2" &&
	pg history app/level >history.txt && no_raw_controls history.txt &&
	expect_contains history.txt "131 ^[[2J^Gms\\xff" &&
	pg baseline show 1 >baseline.txt && no_raw_controls baseline.txt
'

expect_success 'a benchmark name with escapes in a config error is shown visibly' '
	printf "%s\n" "{\"components\": [{\"name\": \"x\", \"benchmarks\": [" \
		"{\"name\": \"a\\u001b[2J\\u0007b\", \"type\": \"latency\", \"command\": \"true\"}]}]}" \
		> badname.json &&
	expect_exit 2 pg -c badname.json run &&
	no_raw_controls .err && expect_contains .err "a\\x1b[2J\\x07b"
'

expect_success 'names with escapes and bad bytes in the database are shown visibly' '
	cp .perfguard/perfguard.db names.db &&
	sqlite3 names.db "UPDATE component SET name = '"'"'ev'"'"' || char(27) || '"'"'[2J'"'"' || char(7) || CAST(X'"'"'ff'"'"' AS TEXT) WHERE name = '"'"'app'"'"'" &&
	pg --db names.db alerts list >names.txt &&
	pg --db names.db alerts show 1 >>names.txt &&
	{ pg --db names.db gate >>names.txt 2>&1 || true; } &&
	pg --db names.db baseline list >>names.txt &&
	pg --db names.db history "$(printf "ev\033[2J\007\377/level")" >>names.txt &&
	expect_exit 2 pg --db names.db history "$(printf "ev\033[2J\007/none")" &&
	cat .err >>names.txt &&
	no_raw_controls names.txt &&
	expect_contains names.txt "ev^[[2J^G\\xff/level" &&
	expect_contains names.txt "131 ^[[2J^Gms\\xff" &&
	pg --db names.db alerts list --json >names.json &&
	json_check names.json "assert j[0][\"benchmark\"] == \"ev\x1b[2J\x07\ufffd/level\", j"
'

expect_success 'without $USER the actor is the login name of the uid' '
	who=$(id -un 2>/dev/null || echo "uid $(id -u)") &&
	env -u USER "$PERFGUARD" alerts ack 1 >/dev/null &&
	pg log >log.txt && tail -n 1 log.txt >last.txt &&
	expect_contains last.txt "$who" && expect_contains last.txt "alert 1 acknowledged" &&
	pg log --json >log.json &&
	json_check log.json "assert j[-1][\"actor\"] == sys.argv[3], (j[-1], sys.argv[3])" "$who"
'

finish
