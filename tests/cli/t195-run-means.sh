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

expect_success 'baseline propose --run FROM..TO summarises a range of runs; bad ranges are refused' '
	pg baseline propose app/b --run 2..4 --note "runs 2 to 4" >out.txt &&
	id=$(sed -n "s/^proposed baseline \([0-9]*\) of app\/b.*/\1/p" out.txt) &&
	test -n "$id" &&
	pg baseline show --json "$id" >show.json &&
	python3 -c "import json; b = json.load(open(\"show.json\")); assert b[\"runs\"] == [2, 3, 4], b" &&
	pg baseline show "$id" >show.txt &&
	expect_contains show.txt "runs 2 to 4" &&
	expect_exit 2 pg baseline propose app/b --run 4..2 &&
	expect_contains .err "the first run comes after the last" &&
	expect_exit 2 pg baseline propose app/b --run 1..x &&
	expect_contains .err "expected a run id" &&
	expect_exit 2 pg baseline propose app/b --run 100..200 &&
	expect_contains .err "runs 100 to 200 hold no successful result of app/b" &&
	test "$(q "SELECT count(*) FROM baseline")" = 2
'

finish
