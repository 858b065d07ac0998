#!/bin/sh
# The gate judges the suite's state, a dismissal covers only what was
# dismissed, decisions are all-or-nothing, and the database survives
# concurrent writers and read-only places. Values come from a custom
# metric the test controls (see t130), so every verdict is deterministic.
. "$(dirname "$0")/lib.sh"

cat > val.sh <<'SH'
f=$1; n=$(cat "$f.n" 2>/dev/null || echo 0); echo $((n + 1)) > "$f.n"
awk -v b="$(cat "$f.val")" -v n="$n" 'BEGIN { printf "v %.6f\n", b * (1 + 0.01 * (n % 5 - 2)) }' > "$PERFGUARD_METRICS"
SH
cat > perfguard.json <<'JSON'
{"confirm_runs": 1, "defaults": {"runs": 6, "warmup": 0},
 "baseline_runs": 1, "components": [{"name": "app", "benchmarks": [
  {"name": "hot", "type": "custom", "metric": "v", "direction": "lower", "command": ["sh", "val.sh", "hot"]},
  {"name": "calm", "type": "custom", "metric": "v", "direction": "lower", "command": ["sh", "val.sh", "calm"]}]}]}
JSON
echo 100 > hot.val
echo 50 > calm.val
q() { sqlite3 .perfguard/perfguard.db "$1"; }

expect_success 'setup: baselines approved, then a critical regression of app/hot' '
	pg run >/dev/null && pg baseline approve 1 2 >/dev/null &&
	echo 300 > hot.val && pg run app/hot >/dev/null &&
	test "$(q "SELECT kind || '"'"' '"'"' || severity || '"'"' '"'"' || state FROM alert")" = "regression critical new"
'

expect_success 'rerunning an unrelated benchmark does not turn the gate green' '
	pg run app/calm >/dev/null &&
	expect_exit 1 pg gate &&
	expect_contains .out "the suite'"'"'s state" &&
	expect_contains .out "FAIL app/hot: critical regression +20" &&
	expect_contains .out "(run 2, alert 1, new)" &&
	pg gate --json | python3 -c "
import json, sys
g = json.load(sys.stdin)
assert g[\"scope\"] == \"suite\" and g[\"verdict\"] == \"fail\" and g[\"benchmarks\"] == 2, g
it = [i for i in g[\"items\"] if i[\"fails\"]]
assert len(it) == 1 and it[0][\"benchmark\"] == \"app/hot\" and it[0][\"run_id\"] == 2, g
"
'

expect_success '--run judges one run; run --gate judges what that run measured' '
	expect_exit 0 pg gate --run 3 && expect_contains .out "gate: run 3 (complete)" &&
	expect_exit 1 pg gate --run 2 &&
	expect_exit 0 pg run --gate app/calm && expect_contains .out "gate: PASS" &&
	expect_exit 1 pg run --gate app/hot && expect_contains .out "gate: FAIL"
'

expect_success 'a benchmark of the config that never ran is named, and fails with fail_on_missing_baseline' '
	sed "s/\"confirm_runs\": 1,/\"confirm_runs\": 1, \"gate\": {\"fail_on_missing_baseline\": true},/; s/\"name\": \"calm\"/\"name\": \"fresh\"/" perfguard.json > fresh.json &&
	expect_exit 1 pg -c fresh.json --db .perfguard/perfguard.db gate &&
	expect_contains .out "FAIL app/fresh: no result in this environment yet"
'

expect_success 'a dismissed alert covers a regression no worse than it, so the gate passes' '
	pg alerts invalid 1 --note "expected: bigger model" >/dev/null &&
	expect_exit 0 pg gate &&
	pg run app/hot >/dev/null &&
	expect_exit 0 pg gate && expect_contains .out "alert 1, invalid" &&
	test "$(q "SELECT count(*) FROM alert")" = 1
'

expect_success 'a 6x slowdown past an invalid alert raises a new alert and fails the gate' '
	echo 600 > hot.val &&
	expect_exit 1 pg run --gate app/hot &&
	expect_contains .out "alert 2 raised" &&
	test "$(q "SELECT state || '"'"' '"'"' || severity FROM alert WHERE id = 2")" = "new critical" &&
	q "SELECT detail FROM alert WHERE id = 2" | grep -q "worse than dismissed alert 1" &&
	expect_exit 1 pg gate && expect_contains .out "FAIL app/hot: critical regression +50"
'

expect_success 'wontfix covers what it covered; an interval wholly above it is new' '
	pg alerts wontfix 2 >/dev/null && expect_exit 0 pg gate &&
	echo 900 > hot.val && pg run app/hot >/dev/null &&
	test "$(q "SELECT count(*) FROM alert")" = 3 &&
	expect_exit 1 pg gate && expect_contains .out "alert 3, new"
'

expect_success 'a higher severity past a dismissed minor alert is new even inside its interval' '
	pg alerts invalid 3 >/dev/null &&
	echo 53 > calm.val && pg run app/calm >/dev/null &&
	id=$(q "SELECT max(id) FROM alert") &&
	test "$(q "SELECT severity FROM alert WHERE id = $id")" = minor &&
	pg alerts invalid "$id" >/dev/null &&
	echo 56 > calm.val && pg run app/calm >/dev/null &&
	test "$(q "SELECT count(*) FROM alert WHERE benchmark_id = 2")" = 2 &&
	test "$(q "SELECT severity FROM alert WHERE id = (SELECT max(id) FROM alert)")" = moderate
'

expect_success 'approving several baselines is all or nothing' '
	pg baseline propose app/hot >/dev/null && pg baseline propose app/calm >/dev/null &&
	a=$(q "SELECT max(id) - 1 FROM baseline") && b=$((a + 1)) &&
	expect_exit 2 pg baseline approve "$a" 999 &&
	expect_contains .err "no baseline 999" && expect_contains .err "none of the baselines given was changed" &&
	test "$(q "SELECT state FROM baseline WHERE id = $a")" = proposed &&
	pg baseline approve "$a" "$b" >/dev/null &&
	test "$(q "SELECT group_concat(state) FROM baseline WHERE id IN ($a, $b)")" = "approved,approved"
'

expect_success 'approving over an approved baseline writes one superseded entry' '
	test "$(q "SELECT count(*) FROM audit_log WHERE entity_id = 1 AND action = '"'"'superseded'"'"'")" = 1 &&
	q "SELECT detail FROM audit_log WHERE entity_id = 1 AND action = '"'"'superseded'"'"'" | grep -q "by baseline"
'

expect_success '--db creates every missing directory level' '
	pg --db deep/a/b/c.db run app/calm >/dev/null &&
	test -f deep/a/b/c.db
'

expect_success 'commands that only read work on a database they cannot write' '
	mkdir ro && cp .perfguard/perfguard.db ro/ && chmod 0444 ro/perfguard.db && chmod 0555 ro &&
	chmod 0755 "$WORK" &&
	if [ "$(id -u)" = 0 ]; then as="setpriv --reuid=65534 --regid=65534 --clear-groups"; else as=""; fi &&
	for c in list "history app/hot" "alerts list" "baseline list" log; do
		expect_exit 0 $as "$PERFGUARD" --db ro/perfguard.db $c || exit 1
	done &&
	expect_exit 0 $as "$PERFGUARD" --db ro/perfguard.db -c perfguard.json gate &&
	expect_contains .out "gate: PASS" &&
	expect_exit 3 $as "$PERFGUARD" --db ro/perfguard.db -c perfguard.json run app/calm &&
	expect_contains .err "read-only" &&
	chmod 0755 ro
'

cat > many.json <<'JSON'
{"defaults": {"runs": 2, "warmup": 0}, "rebaseline_after": 3,
 "baseline_runs": 1, "components": [{"name": "c", "benchmarks": [
  {"name": "b", "type": "custom", "metric": "v", "direction": "lower", "command": ["sh", "val.sh", "many"]}]}]}
JSON
echo 10 > many.val

expect_success 'three writers at once: every run that says complete is stored complete' '
	for w in 1 2 3; do
		( for i in $(seq 1 12); do
			rc=0; pg -c many.json --db many.db run >/dev/null 2>"w$w.$i.err" || rc=$?
			echo "$rc" >> "w$w.rc"
		done ) &
	done
	wait &&
	cat w*.err &&
	test "$(cat w1.rc w2.rc w3.rc | sort -u)" = 0 &&
	test "$(sqlite3 many.db "SELECT count(*) FROM run WHERE status = '"'"'complete'"'"'")" = 36
'

finish
