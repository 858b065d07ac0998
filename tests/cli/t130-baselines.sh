#!/bin/sh
# Baselines, confirmed regression alerts, the gate, drift, and triage, on
# benchmarks whose values the test controls: a custom metric read from
# NAME.val, times a fixed cycle of -2%..+2% over the samples (val.sh), so
# every verdict is deterministic however loaded the machine is.
. "$(dirname "$0")/lib.sh"

cat > val.sh <<'SH'
f=$1; n=$(cat "$f.n" 2>/dev/null || echo 0); echo $((n + 1)) > "$f.n"
awk -v b="$(cat "$f.val")" -v n="$n" 'BEGIN { printf "v %.6f\n", b * (1 + 0.01 * (n % 5 - 2)) }' > "$PERFGUARD_METRICS"
SH
cat > perfguard.json <<'JSON'
{
  "confirm_runs": 1,
  "drift_window": 20,
  "defaults": {"runs": 6, "warmup": 1},
  "baseline_runs": 1, "components": [{"name": "app", "benchmarks": [
    {"name": "step", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower", "command": ["sh", "val.sh", "step"]},
    {"name": "creep", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower", "command": ["sh", "val.sh", "creep"]},
    {"name": "steady", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower", "command": ["sh", "val.sh", "steady"]}
  ]}]
}
JSON
echo 100 > step.val
echo 100 > creep.val
echo 50 > steady.val
q() { sqlite3 .perfguard/perfguard.db "$1"; }

expect_success 'a gate with no runs is a usage error' '
	expect_exit 2 pg gate &&
	expect_contains .err "no database at"
'

expect_success 'the first run proposes a baseline per benchmark, approved by hand' '
	pg run >out.txt &&
	expect_contains out.txt "baseline 1 proposed" &&
	test "$(q "SELECT count(*) FROM baseline WHERE state = '"'"'proposed'"'"' AND reason = '"'"'first run'"'"'")" = 3 &&
	pg baseline approve 1 2 3 --note "looks right" --by alice >/dev/null &&
	test "$(q "SELECT group_concat(state || '"'"':'"'"' || decided_by) FROM baseline")" = "approved:alice,approved:alice,approved:alice" &&
	pg baseline list --state approved --json | python3 -c "
import json, sys
b = json.load(sys.stdin)
assert len(b) == 3 and all(x[\"note\"] == \"looks right\" for x in b), b
"
'

expect_success 'an unchanged run is no change and the gate passes' '
	pg run app/step --gate >out.txt &&
	expect_contains out.txt "no_change" && expect_contains out.txt "gate: PASS"
'

expect_success 'a 30% slowdown is a confirmed major regression and fails the gate' '
	echo 130 > step.val &&
	pg run --json app/step > run.json &&
	python3 - <<-PY &&
	import json
	b = json.load(open("run.json"))["benchmarks"][0]
	c = b["comparison"]
	assert c["verdict"] == "regression" and c["severity"] == "major", c
	assert c["confirm_runs"] == 1 and len(b["samples"]) == 12, b
	assert 20 <= c["change_pct"] < 50 and c["ci_low_pct"] > 5, c
	assert c["p_value"] < 0.05 and c["alert_id"] == 1, c
	PY
	expect_exit 1 pg gate &&
	expect_contains .out "FAIL app/step: major regression" &&
	expect_contains .out "gate: FAIL" &&
	expect_exit 0 pg gate --fail-on critical &&
	pg alerts list --json | python3 -c "
import json, sys
a = json.load(sys.stdin)
assert len(a) == 1 and a[0][\"kind\"] == \"regression\" and a[0][\"state\"] == \"new\", a
assert a[0][\"severity\"] == \"major\" and a[0][\"benchmark\"] == \"app/step\", a
"
'

expect_success 'run --gate runs and judges in one step' '
	expect_exit 1 pg run --gate app/step &&
	expect_contains .out "still alert 1" && expect_contains .out "gate: FAIL" &&
	test "$(q "SELECT count(*) FROM alert")" = 1
'

expect_success 'marking the alert invalid lets the gate pass, with history kept' '
	pg alerts ack 1 --by bob >/dev/null &&
	pg alerts invalid 1 --note "expected: new feature" --by bob >/dev/null &&
	pg gate >gate.txt && expect_contains gate.txt "gate: PASS" &&
	pg alerts show 1 >show.txt &&
	expect_contains show.txt "new -> acknowledged" &&
	expect_contains show.txt "acknowledged -> invalid: expected: new feature" &&
	pg log >log.txt && expect_contains log.txt "bob" && expect_contains log.txt "alert 1 invalid"
'

expect_success 'a benchmark back within threshold marks its open alert recovered' '
	pg alerts investigate 1 >/dev/null &&
	echo 100 > step.val &&
	pg run app/step >out.txt && expect_contains out.txt "1 alert recovered" &&
	test "$(q "SELECT state || '"'"' '"'"' || (recovered_run_id IS NOT NULL) FROM alert WHERE id = 1")" = "investigating 1"
'

expect_success 'illegal transitions and unknown ids are usage errors' '
	expect_exit 2 pg alerts investigate 1 &&
	expect_contains .err "alert 1 is already investigating" &&
	pg alerts fix 1 >/dev/null &&
	expect_exit 2 pg alerts ack 1 &&
	expect_contains .err "alert 1 is fixed: it cannot become acknowledged" &&
	expect_exit 2 pg alerts ack 999 &&
	expect_contains .err "no alert 999" &&
	expect_exit 2 pg baseline approve 77 &&
	expect_contains .err "no baseline 77" &&
	expect_exit 2 pg alerts ack abc &&
	expect_exit 2 pg baseline frob &&
	expect_exit 2 pg alerts list --state sleepy &&
	expect_exit 2 pg alerts list --note hi &&
	expect_contains .err "--note does not apply to '"'"'list'"'"'"
'

expect_success 'approving a new baseline supersedes the old; a rejected one cannot be approved' '
	pg baseline propose app/steady --note "rebase" >/dev/null &&
	pg baseline propose app/steady >/dev/null &&
	pg baseline approve 4 >/dev/null &&
	test "$(q "SELECT state FROM baseline WHERE id = 3")" = superseded &&
	test "$(q "SELECT count(*) FROM baseline WHERE state = '"'"'approved'"'"' AND benchmark_id = 3")" = 1 &&
	pg baseline reject 5 --note "no" >/dev/null &&
	expect_exit 2 pg baseline approve 5 &&
	expect_contains .err "baseline 5 of app/steady is rejected: only a proposed baseline can be approved" &&
	expect_exit 2 pg baseline approve 4 &&
	expect_contains .err "is approved"
'

expect_success 'a slow creep of 1% per run over 20 runs raises a drift alert' '
	for i in $(seq 1 20); do
		awk -v i=$i "BEGIN { printf \"%.5f\n\", 100 * (1 + 0.01 * i) }" > creep.val
		pg run app/creep >/dev/null || exit 1
	done &&
	pg alerts list --json | python3 -c "
import json, sys
a = [x for x in json.load(sys.stdin) if x[\"benchmark\"] == \"app/creep\" and x[\"kind\"] == \"drift\"]
assert len(a) == 1, a
assert a[0][\"change_pct\"] >= 5, a
" &&
	pg alerts list >list.txt && expect_contains list.txt "drift"
'

expect_success 'an unchanged benchmark over many runs raises no alert' '
	for i in $(seq 1 20); do pg run app/steady >/dev/null || exit 1; done &&
	test "$(q "SELECT count(*) FROM alert a JOIN benchmark b ON b.id = a.benchmark_id WHERE b.name = '"'"'steady'"'"'")" = 0
'

cat > level.json <<'JSON'
{"rebaseline_after": 4, "defaults": {"runs": 3, "warmup": 0},
 "baseline_runs": 1, "components": [{"name": "app", "benchmarks": [
   {"name": "level", "type": "custom", "metric": "v", "direction": "lower",
    "command": "echo \"v $(cat level.val)\" > \"$PERFGUARD_METRICS\""}]}]}
JSON
lq() { sqlite3 level.db "$1"; }

expect_success 'a shift in the history is stored as a change point and, once held, proposes a baseline' '
	echo 100 > level.val &&
	for i in $(seq 1 8); do pg -c level.json --db level.db run >/dev/null || exit 1; done &&
	pg -c level.json --db level.db baseline approve 1 >/dev/null &&
	test "$(lq "SELECT count(*) FROM change_point")" = 0 &&
	echo 130 > level.val &&
	for i in $(seq 1 3); do pg -c level.json --db level.db run >/dev/null || exit 1; done &&
	test "$(lq "SELECT count(*) FROM baseline WHERE state = '"'"'proposed'"'"'")" = 0 &&
	pg -c level.json --db level.db run >out.txt &&
	test "$(lq "SELECT run_id || '"'"' '"'"' || mean_before || '"'"' '"'"' || mean_after || '"'"' '"'"' || change_pct FROM change_point")" = "9 100.0 130.0 30.0" &&
	test "$(lq "SELECT group_concat(run_id) FROM baseline_run WHERE baseline_id = 2")" = "9,10,11,12" &&
	expect_contains out.txt "baseline 2 proposed" &&
	lq "SELECT reason FROM baseline WHERE id = 2" | grep -q "sustained shift: change point at run 9 (+30.0%), held for 4 runs" &&
	test "$(lq "SELECT state FROM baseline WHERE id = 1")" = approved
'

expect_success 'a CI run and an operator approving a baseline at once both succeed' '
	pg baseline propose app/step >/dev/null
	id=$(q "SELECT max(id) FROM baseline")
	( rc=0; pg run app/steady app/creep >ci.out 2>&1 || rc=$?; echo $rc > ci.rc ) &
	sleep 0.3 &&
	pg baseline approve "$id" --by operator >/dev/null &&
	wait &&
	test "$(cat ci.rc)" = 0 &&
	test "$(q "SELECT state FROM baseline WHERE id = $id")" = approved
'

finish
