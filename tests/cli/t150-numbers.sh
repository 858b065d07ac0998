#!/bin/sh
# t150-numbers.sh: numbers that break the statistics, and numbers out of
# range on the command line: a clear outcome, never an abort.
. "$(dirname "$0")/lib.sh"

# A custom metric whose value the test controls through value.txt.
cat > perfguard.json <<'JSON'
{"baseline_runs": 1, "components": [{"name": "app", "benchmarks": [
   {"name": "level", "type": "custom", "metric": "v", "direction": "lower", "runs": 4,
    "warmup": 0, "command": "echo \"v $(cat value.txt)\" > \"$PERFGUARD_METRICS\""}]}]}
JSON
q() { sqlite3 .perfguard/perfguard.db "$1"; }

expect_success 'a metric of 1e308 against an approved baseline: not_comparable with the reason, run complete' '
	echo 100 > value.txt &&
	pg run >/dev/null &&
	pg baseline approve 1 >/dev/null &&
	echo 1e308 > value.txt &&
	expect_exit 0 pg run &&
	expect_contains .out "vs baseline 1: cannot be compared (values too large to compare: the variance overflows (max 1e+308))" &&
	test "$(q "SELECT status FROM run WHERE id = 2")" = complete &&
	test "$(q "SELECT count(*) FROM run WHERE status = '"'"'running'"'"'")" = 0 &&
	test "$(q "SELECT verdict FROM comparison WHERE run_id = 2")" = not_comparable &&
	test "$(q "SELECT count(*) FROM alert")" = 0
'

expect_success 'the gate judges that run, not the one before' '
	expect_exit 0 pg gate &&
	expect_contains .out "the suite'"'"'s state" &&
	expect_exit 0 pg gate --run 2 &&
	expect_contains .out "gate: run 2 (complete), 1 benchmark judged"
'

expect_success 'back to 100: compared again' '
	echo 100 > value.txt &&
	pg run >out.txt &&
	expect_contains out.txt "vs baseline 1: +0.0%" &&
	test "$(q "SELECT status FROM run WHERE id = 3")" = complete
'

expect_success 'measure: numbers out of range are usage errors naming the range' '
	expect_exit 2 pg measure --timeout 1e12 -- true &&
	expect_contains .err "perfguard measure: --timeout: expected a number of seconds between 0.001 and 86400, got '"'"'1e12'"'"'" &&
	expect_exit 2 pg measure --timeout nan -- true &&
	expect_exit 2 pg measure --timeout 0.0001 -- true &&
	expect_exit 2 pg measure --runs 99999999999 -- true &&
	expect_contains .err "perfguard measure: --runs: expected an integer between 1 and 1000000, got '"'"'99999999999'"'"'" &&
	expect_exit 2 pg measure --runs 1000001 -- true &&
	expect_exit 2 pg measure --warmup 99999999999999999999 -- true &&
	expect_contains .err "--warmup: expected an integer between 0 and 1000000"
'

expect_success 'ids beyond what SQLite holds are usage errors' '
	expect_exit 2 pg baseline approve 99999999999999999999 &&
	expect_contains .err "expected a baseline id (an integer between 1 and 9223372036854775807), got '"'"'99999999999999999999'"'"'" &&
	expect_exit 2 pg alerts show 9223372036854775808 &&
	expect_contains .err "expected an alert id (an integer between 1 and 9223372036854775807)" &&
	expect_exit 2 pg gate --run 0 &&
	expect_exit 2 pg history --limit 99999999999 app/level &&
	expect_contains .err "--limit: expected an integer between 1 and 1000000000"
'

expect_success 'a negative schema version is a runtime error naming the file' '
	sqlite3 odd.db "PRAGMA user_version = -5" &&
	expect_exit 3 pg --db odd.db list &&
	expect_contains .err "odd.db: schema version -5 is not one perfguard knows (expected 0..8); is this a perfguard database?"
'

finish
