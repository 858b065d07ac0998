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
	expect_contains .err "perfguard.json:6: components[0].benchmarks[0].runs: expected a positive integer, got \"ten\"" &&
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
