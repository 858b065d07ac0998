#!/bin/sh
# Tables for people fit the width: COLUMNS (else the terminal's), eliding
# long names in the middle; a pipe without COLUMNS gets whole names.
# Baseline means carry their unit.
. "$(dirname "$0")/lib.sh"

long=a_rather_long_component_name/and_an_even_longer_benchmark_name_042

expect_success 'a suite with a long name, a baseline and an alert' '
	cat > perfguard.json <<JSON &&
{"defaults": {"runs": 3, "warmup": 0}, "confirm_runs": 0,
 "baseline_runs": 1, "components": [{"name": "a_rather_long_component_name", "benchmarks": [
  {"name": "and_an_even_longer_benchmark_name_042", "type": "custom", "metric": "v",
   "unit": "ms", "direction": "lower", "command": ["sh", "-c", "echo v \$(cat v) > \$PERFGUARD_METRICS"]}]}]}
JSON
	echo 10 > v && pg run >/dev/null 2>&1 && pg baseline approve 1 >/dev/null &&
	echo 30 > v && pg run >/dev/null 2>&1 &&
	test "$(sqlite3 .perfguard/perfguard.db "SELECT count(*) FROM alert")" = 1
'

expect_success 'COLUMNS=80: run, alerts list and baseline list fit, names elided in the middle' '
	for cmd in "run" "alerts list" "baseline list"; do
		COLUMNS=80 pg $cmd >out 2>/dev/null || test $? = 1 || exit 1
		awk "length > 80 { print; bad = 1 } END { exit bad }" out || { cat out; exit 1; }
		grep -q "^.*a_rather.*\.\.\..*name_042" out || { echo "no elided name in $cmd:"; cat out; exit 1; }
	done
'

expect_success 'without COLUMNS a pipe gets whole names' '
	pg alerts list | grep -qF "$long" &&
	pg baseline list | grep -qF "$long"
'

expect_success 'baseline list and show print means with their units' '
	pg baseline list | grep -q " 10 ms " &&
	pg baseline show 1 | grep -q "mean 10 ms, median 10 ms"
'

finish
