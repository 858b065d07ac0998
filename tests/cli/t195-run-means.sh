#!/bin/sh
# A baseline of several runs (baseline_runs): runs judged by their means
# against the machine's run-to-run noise, end to end through perfguard run,
# on a custom metric the test controls (NAME.val times a -2%..+2% cycle).
. "$(dirname "$0")/lib.sh"

cat > val.sh <<'SH'
f=$1; n=$(cat "$f.n" 2>/dev/null || echo 0); echo $((n + 1)) > "$f.n"
awk -v b="$(cat "$f.val")" -v n="$n" 'BEGIN { printf "v %.6f\n", b * (1 + 0.01 * (n % 5 - 2)) }' > "$PERFGUARD_METRICS"
SH
cat > perfguard.json <<'JSON'
{"baseline_runs": 4, "confirm_runs": 1, "defaults": {"runs": 8, "warmup": 0},
 "components": [{"name": "app", "benchmarks": [
  {"name": "b", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower",
   "command": ["sh", "val.sh", "b"]}]}]}
JSON
q() { sqlite3 .perfguard/perfguard.db "$1"; }

expect_success 'the first baseline waits for 4 runs and summarises them' '
	for v in 100 103 97; do echo $v > b.val; pg run >out.txt || exit 1; done &&
	test "$(q "SELECT count(*) FROM baseline")" = 0 &&
	echo 101 > b.val && pg run >out.txt &&
	expect_contains out.txt "baseline 1 proposed" &&
	test "$(q "SELECT reason || '"'"' '"'"' || (SELECT count(*) FROM baseline_run) FROM baseline")" = "first 4 runs 4" &&
	pg baseline approve 1 >/dev/null
'

expect_success 'a run inside the run-to-run noise is no regression, and says what it was judged on' '
	echo 108 > b.val && pg run >out.txt &&
	expect_contains out.txt "judged on run means: between-run noise" &&
	expect_contains out.txt "4 baseline runs" &&
	test "$(q "SELECT count(*) FROM alert")" = 0 &&
	pg gate >/dev/null
'

expect_success 'twice as slow is a confirmed regression that fails the gate' '
	echo 200 > b.val &&
	expect_exit 1 pg run --gate &&
	expect_contains .out "regression (critical)" &&
	expect_contains .out "judged on run means" &&
	test "$(q "SELECT count(*) FROM alert")" = 1
'

finish
