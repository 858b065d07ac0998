#!/bin/sh
# Unknown ids and names: exit 2 and one line in the store's words ("no
# alert 3"), to which the command line adds where to look ("see 'perfguard
# alerts list'"); the store itself names no command (test_store.c).
. "$(dirname "$0")/lib.sh"

cat > perfguard.json <<'JSON'
{"confirm_runs": 1, "defaults": {"runs": 3, "warmup": 0},
 "baseline_runs": 1, "components": [{"name": "app", "benchmarks": [
  {"name": "hot", "type": "custom", "metric": "v", "direction": "lower",
   "command": ["sh", "-c", "echo v 5 > \"$PERFGUARD_METRICS\""]}]}]}
JSON
mkdir .perfguard && sqlite3 .perfguard/perfguard.db "CREATE TABLE x (a); DROP TABLE x;"
db=./.perfguard/perfguard.db

expect_success 'the gate of a database without runs says to run first' '
	expect_exit 2 pg gate &&
	test "$(cat .err)" = "perfguard gate: $db holds no finished run yet: run '"'"'perfguard run'"'"' first" &&
	expect_exit 2 pg gate --run 5 &&
	test "$(cat .err)" = "perfguard gate: no run 5 in $db"
'

expect_success 'an unknown benchmark points at perfguard list' '
	expect_exit 2 pg history app/nope &&
	test "$(cat .err)" = "perfguard history: no benchmark '"'"'app/nope'"'"' in $db: run it first, or see '"'"'perfguard list'"'"'" &&
	expect_exit 2 pg baseline propose app/nope &&
	test "$(cat .err)" = "perfguard baseline: no benchmark '"'"'app/nope'"'"' in $db: run it first, or see '"'"'perfguard list'"'"'"
'

expect_success 'an unknown alert points at alerts list, for show, ack and note' '
	pg run >/dev/null &&
	for c in "show" "ack" "note --note x"; do
		expect_exit 2 pg alerts $c 3 &&
		test "$(cat .err)" = "perfguard alerts: no alert 3 (see '"'"'perfguard alerts list'"'"')" || exit 1
	done
'

expect_success 'an unknown baseline points at baseline list; none is changed' '
	expect_exit 2 pg baseline show 3 &&
	test "$(cat .err)" = "perfguard baseline: no baseline 3 (see '"'"'perfguard baseline list'"'"')" &&
	expect_exit 2 pg baseline approve 1 3 &&
	test "$(cat .err)" = "perfguard baseline: no baseline 3 (see '"'"'perfguard baseline list'"'"'); none of the baselines given was changed" &&
	pg baseline show 1 >.out && expect_contains .out "baseline 1 of app/hot: proposed"
'

expect_success 'a state that forbids the change is bad input, not "not found"' '
	pg baseline approve 1 >/dev/null &&
	expect_exit 2 pg baseline approve 1 &&
	expect_contains .err "is approved: only a proposed baseline can be approved" &&
	! grep -q "see '"'"'perfguard baseline list" .err
'

finish
