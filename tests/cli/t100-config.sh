#!/bin/sh
# Bad configs: every problem reported with file, line and path; exit 2;
# nothing run, nothing stored.
. "$(dirname "$0")/lib.sh"

good='{"components": [{"name": "c", "benchmarks": [
  {"name": "b", "type": "latency", "command": ["touch", "ran"], "runs": 2}]}]}'

expect_success 'a missing config is an error naming the file' '
	expect_exit 2 pg run &&
	expect_contains .err "perfguard.json: No such file or directory" &&
	expect_contains .err "nothing was run or stored"
'

expect_success 'malformed JSON names the line' '
	printf "{\n \"components\": [\n  {\"name\": \"c\",,}\n ]\n}\n" > perfguard.json &&
	expect_exit 2 pg run &&
	expect_contains .err "perfguard.json:3: malformed JSON"
'

expect_success 'a wrong type names file, line, path and value' '
	cat > perfguard.json <<-JSON
	{
	  "components": [
	    {
	      "name": "c",
	      "benchmarks": [
	        {"name": "b", "type": "latency", "command": ["touch", "ran"], "runs": "ten"}
	      ]
	    }
	  ]
	}
	JSON
	expect_exit 2 pg run &&
	expect_contains .err "perfguard.json:6: components[0].benchmarks[0].runs: expected a positive integer or \"auto\", got \"ten\"" &&
	test ! -e ran && test ! -e .perfguard
'

expect_success 'every problem is reported at once' '
	cat > perfguard.json <<-JSON
	{"colour": 1, "components": [{"name": "c", "benchmarks": [
	  {"name": "b", "type": "speed", "command": "true"},
	  {"name": "b", "type": "cpu"}]}]}
	JSON
	expect_exit 2 pg run &&
	expect_contains .err "perfguard.json:1: colour: unknown key" &&
	expect_contains .err "perfguard.json:2: components[0].benchmarks[0].type: expected one of" &&
	expect_contains .err "perfguard.json:3: components[0].benchmarks[1]: missing required key \"command\"" &&
	expect_contains .err "perfguard.json:3: components[0].benchmarks[1].name: duplicate benchmark name" &&
	expect_contains .err "4 problems in the config" &&
	test ! -e .perfguard
'

expect_success 'a timeout beyond a day names the field, the range and the value as written' '
	cat > perfguard.json <<-JSON
	{
	  "defaults": {
	    "runs": 2,
	    "warmup": 0,
	    "env": {"A": "b"},
	    "cwd": ".",
	    "timeout": 9300000000
	  },
	  "components": [{"name": "c", "benchmarks": [
	    {"name": "b", "type": "latency", "command": ["touch", "ran"]}]}]
	}
	JSON
	expect_exit 2 pg run &&
	expect_contains .err "perfguard.json:7: defaults.timeout: expected a number of seconds between 0.001 and 86400 (0: no timeout), got 9300000000" &&
	test ! -e ran && test ! -e .perfguard
'

expect_success 'numbers too large for a double say what was written, not null' '
	cat > perfguard.json <<-JSON
	{"confirm_runs": 1e999, "components": [{"name": "c", "benchmarks": [
	  {"name": "b", "type": "latency", "command": ["touch", "ran"], "runs": 1e999}]}]}
	JSON
	expect_exit 2 pg run &&
	expect_contains .err "perfguard.json:1: confirm_runs: expected an integer between 0 and 10, got 1e999" &&
	expect_contains .err "perfguard.json:2: components[0].benchmarks[0].runs: expected an integer between 1 and 1000000, got 1e999" &&
	! grep -q null .err && test ! -e ran
'

expect_success 'every number has a range: thresholds, alpha, windows, ops' '
	cat > perfguard.json <<-JSON
	{"thresholds": {"critical": 1e300}, "statistics": {"alpha": 0.9},
	 "drift_window": 100000, "rebaseline_after": 0,
	 "components": [{"name": "c", "benchmarks": [
	  {"name": "b", "type": "throughput", "command": "true", "ops": -5, "warmup": 1e7}]}]}
	JSON
	expect_exit 2 pg run &&
	expect_contains .err "perfguard.json:1: thresholds.critical: expected a percentage between 0 and 100000, got 1e300" &&
	expect_contains .err "perfguard.json:1: statistics.alpha: expected a probability between 1e-06 and 0.5, got 0.9" &&
	expect_contains .err "perfguard.json:2: drift_window: expected an integer between 3 and 10000, got 100000" &&
	expect_contains .err "perfguard.json:2: rebaseline_after: expected an integer between 1 and 10000, got 0" &&
	expect_contains .err "perfguard.json:4: components[0].benchmarks[0].ops: expected a number of operations per run between 1e-09 and 1e+15" &&
	expect_contains .err "perfguard.json:4: components[0].benchmarks[0].warmup: expected an integer between 0 and 1000000, got 1e7" &&
	expect_contains .err "6 problems in the config"
'

expect_success 'a value with a newline or an escape sequence stays on one line' '
	printf "%s\n" "{\"components\": [{\"name\": \"c\", \"benchmarks\": [" \
	  "{\"name\": \"b\\nx\\u001b[2J\", \"type\": \"latency\", \"command\": \"true\"}]}]}" > perfguard.json &&
	expect_exit 2 pg run &&
	test "$(wc -l < .err)" = 2 &&
	expect_contains .err "perfguard.json:2: components[0].benchmarks[0].name: expected letters, digits, '"'"'_'"'"', '"'"'.'"'"' or '"'"'-'"'"', got \"b\\nx\\x1b[2J\"" &&
	! grep -q "$(printf "\033")" .err
'

expect_success 'a NUL inside a string is an error naming the field' '
	cat > perfguard.json <<-JSON
	{"components": [{"name": "c", "benchmarks": [
	  {"name": "b", "type": "latency", "command": ["touch", "ran\u0000; rm -rf x"]}]}]}
	JSON
	expect_exit 2 pg run &&
	expect_contains .err "perfguard.json:2: components[0].benchmarks[0].command[1]: a string here holds \\u0000 (a NUL character)" &&
	test ! -e ran && test ! -e .perfguard
'

expect_success 'list checks the config too' '
	echo "[1, 2]" > perfguard.json &&
	expect_exit 2 pg list &&
	expect_contains .err "perfguard.json:1: expected an object"
'

expect_success '-c, --config and PERFGUARD_CONFIG choose the config' '
	mkdir -p sub && echo "$good" > sub/suite.json && rm -f perfguard.json &&
	pg -c sub/suite.json run >/dev/null && test -e sub/ran && rm sub/ran &&
	pg run --config sub/suite.json >/dev/null && test -e sub/ran && rm sub/ran &&
	PERFGUARD_CONFIG=sub/suite.json pg run >/dev/null && test -e sub/ran &&
	test -e sub/.perfguard/perfguard.db
'

expect_success 'a pattern that matches nothing is a usage error' '
	echo "$good" > perfguard.json &&
	expect_exit 2 pg run "nope/*" &&
	expect_contains .err "no benchmark matches '"'"'nope/*'"'"'" && test ! -e ran
'

expect_success 'unknown options and commands are usage errors' '
	expect_exit 2 pg run --bogus &&
	expect_contains .err "Try '"'"'perfguard run --help'"'"'" &&
	expect_exit 2 pg frobnicate &&
	expect_contains .err "no command '"'"'frobnicate'"'"'" &&
	expect_exit 2 pg
'

expect_success 'help, --help and --version' '
	pg --version | grep -q "^perfguard [0-9]" &&
	pg help | grep -q "history" &&
	pg help run | grep -q "Usage: perfguard run" &&
	pg run --help | grep -q "Usage: perfguard run" &&
	expect_exit 2 pg help nope
'

finish
