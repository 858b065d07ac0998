#!/bin/sh
# perfguard measure: ad hoc timing of one command, nothing stored.
. "$(dirname "$0")/lib.sh"

expect_success '--help shows the usage and exits 0' '
	expect_exit 0 pg measure --help &&
	expect_contains .out "Usage: perfguard measure" &&
	expect_contains .out "--runs N"
'

expect_success '--json has one sample per run, warmup runs not counted' '
	expect_exit 0 pg measure --json --runs 4 --warmup 2 --shell -- "echo x >> count" &&
	test "$(wc -l < count)" -eq 6 &&
	python3 - .out <<-PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["runs"] == 4 and d["warmup"] == 2, d
	assert len(d["samples"]) == 4, d["samples"]
	for s in d["samples"]:
	    assert set(s) == {"wall_ns", "user_ns", "sys_ns", "max_rss_kib", "exit_code"}, s
	    assert s["wall_ns"] > 0 and s["max_rss_kib"] > 0 and s["exit_code"] == 0, s
	w = d["summary"]["wall_ns"]
	walls = sorted(s["wall_ns"] for s in d["samples"])
	assert w["min"] == walls[0] and w["max"] == walls[-1], w
	assert abs(w["mean"] - sum(walls) / 4) < 1e-6 * w["mean"], w
	assert w["median"] == (walls[1] + walls[2]) / 2, w
	assert d["summary"]["max_rss_kib"]["max"] == max(s["max_rss_kib"] for s in d["samples"])
	PY
	test ! -e .perfguard && test ! -e perfguard.json
'

expect_success 'the time of a sleep is measured' '
	expect_exit 0 pg measure --json --runs 3 --warmup 0 -- sleep 0.05 &&
	python3 - .out <<-PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert all(s["wall_ns"] >= 50e6 for s in d["samples"]), d["samples"]
	PY
'

expect_success 'the command output does not reach stdout; the table does' '
	expect_exit 0 pg measure --runs 3 -- echo the-command-spoke &&
	! grep -qx the-command-spoke .out &&
	expect_contains .out "Command:    echo the-command-spoke" &&
	expect_contains .out "Median:" &&
	expect_contains .out "Peak RSS:" &&
	expect_contains .out "Runs:       3, after 1 warmup run"
'

expect_success 'arguments reach the command verbatim, without a shell' '
	expect_exit 0 pg measure --runs 1 -- sh -c "test \"\$1\" = \"a b;*\"" sh "a b;*"
'

expect_success '--runs, --warmup and --timeout must lie in their ranges' '
	expect_exit 2 pg measure --runs 0 -- true &&
	expect_contains .err "--runs: expected an integer between 1 and 1000000, got '\''0'\''" &&
	expect_exit 2 pg measure --runs ten -- true &&
	expect_contains .err "--runs: expected an integer between 1 and 1000000, got '\''ten'\''" &&
	expect_exit 2 pg measure --warmup -1 -- true &&
	expect_contains .err "--warmup: expected an integer between 0 and 1000000" &&
	expect_exit 2 pg measure --timeout soon -- true &&
	expect_contains .err "--timeout: expected a number of seconds between 0.001 and 86400"
'

expect_success 'no command is a usage error' '
	expect_exit 2 pg measure --runs 3 &&
	expect_contains .err "no command to measure"
'

expect_success 'a command that does not exist exits 2 and says so' '
	expect_exit 2 pg measure -- perfguard-no-such-command arg &&
	expect_contains .err "no such command: perfguard-no-such-command" &&
	! grep -q "exit code 127" .err
'

expect_success 'a failing run exits 3 with its stderr' '
	expect_exit 3 pg measure --runs 3 --warmup 0 --shell -- \
		"echo x >> n; if [ \$(wc -l < n) -ge 2 ]; then echo it-broke-here >&2; exit 4; fi" &&
	expect_contains .err "run 2 of 3 failed: exit code 4" &&
	expect_contains .err "it-broke-here" &&
	test ! -s .out
'

expect_success 'a crash is reported with its signal' '
	expect_exit 3 pg measure --shell -- "kill -SEGV \$\$" &&
	expect_contains .err "warmup run 1 of 1 failed: killed by signal 11"
'

expect_success '--timeout kills a hanging run and exits 3' '
	start=$(date +%s) &&
	expect_exit 3 pg measure --timeout 0.3 --runs 2 -- sleep 30 &&
	test $(( $(date +%s) - start )) -lt 10 &&
	expect_contains .err "timed out after 0.3 s"
'

# Start a measure of `sleep 5` in the background, wait until the sleep
# runs, send signal $1 and leave its exit status in file status.
stop_measure_with() {
	rm -f status
	"$PERFGUARD" measure --runs 3 --warmup 0 -- sleep 5 >m.out 2>m.err &
	pid=$!
	for i in $(seq 1 200); do
		pgrep -P $pid -x sleep >/dev/null && break
		sleep 0.05
	done
	child=$(pgrep -P $pid -x sleep) || return 1
	kill -"$1" $pid
	rc=0
	wait $pid || rc=$?
	echo $rc > status
	for i in $(seq 1 50); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$child" 2>/dev/null
}

expect_success 'Ctrl-C stops a measurement with exit 130, as run does' '
	stop_measure_with INT &&
	test "$(cat status)" = 130 &&
	expect_contains m.err "interrupted after 0 of 3 runs"
'

expect_success 'SIGTERM exits 143 and SIGHUP 129' '
	stop_measure_with TERM && test "$(cat status)" = 143 &&
	stop_measure_with HUP && test "$(cat status)" = 129
'

finish
