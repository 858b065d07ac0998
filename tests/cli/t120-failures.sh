#!/bin/sh
# Benchmarks that crash, hang, lie or vanish; a run stopped by a signal; a
# database that is read-only or locked. Clear errors, nothing lost.
. "$(dirname "$0")/lib.sh"

cat > perfguard.json <<'JSON'
{"baseline_runs": 1, "components": [{"name": "c", "benchmarks": [
 {"name": "ok", "type": "latency", "command": "true", "runs": 3},
 {"name": "crash", "type": "latency", "command": "echo dying words >&2; kill -SEGV $$", "runs": 3},
 {"name": "exit", "type": "cpu", "command": "echo bad input >&2; exit 4", "runs": 3, "warmup": 0},
 {"name": "missing", "type": "latency", "command": ["no-such-command-xyz"], "runs": 3},
 {"name": "garbage", "type": "custom", "metric": "m", "direction": "lower", "warmup": 0,
  "command": "echo 'm twelve' > \"$PERFGUARD_METRICS\"", "runs": 3},
 {"name": "nometric", "type": "custom", "metric": "m", "direction": "lower", "warmup": 0,
  "command": "echo 'other 1' > \"$PERFGUARD_METRICS\"", "runs": 3},
 {"name": "hang", "type": "latency", "command": "sleep 100", "runs": 2, "timeout": 0.3, "warmup": 0},
 {"name": "badsetup", "type": "latency", "setup": "exit 9", "cleanup": "touch cleaned",
  "command": "true", "runs": 2}
]}]}
JSON

expect_success 'failing benchmarks fail the run with exit 3 and say why' '
	expect_exit 3 pg run &&
	expect_contains .out "c/ok" && expect_contains .out "run 1: failed" &&
	expect_contains .err "c/crash: warmup run 1 of 1: killed by signal 11" &&
	expect_contains .err "dying words" &&
	expect_contains .err "c/exit: measured run 1 of 3: exit code 4" &&
	expect_contains .err "bad input" &&
	expect_contains .err "c/missing: no such command: no-such-command-xyz" &&
	expect_contains .err "metrics file line 1" &&
	expect_contains .err "c/nometric: measured run 1 of 3: the benchmark wrote no '"'"'m VALUE'"'"' line" &&
	expect_contains .err "c/hang: measured run 1 of 2: timed out after 0.3 s" &&
	expect_contains .err "c/badsetup: setup failed: exit code 9" &&
	test -e cleaned
'

expect_success 'the failures are stored, the good benchmark intact' '
	db=.perfguard/perfguard.db &&
	test "$(sqlite3 $db "SELECT status FROM run")" = failed &&
	test "$(sqlite3 $db "SELECT count(*) FROM result WHERE ok = 0")" = 7 &&
	test "$(sqlite3 $db "SELECT n FROM result r JOIN benchmark b ON b.id = r.benchmark_id WHERE b.name = '"'"'ok'"'"'")" = 3 &&
	expect_exit 3 pg run --json c/exit &&
	python3 -c "
import json
b = json.load(open(\".out\"))[\"benchmarks\"][0]
assert not b[\"ok\"] and \"exit code 4\" in b[\"error\"] and \"bad input\" in b[\"stderr_tail\"], b
"
'

cat > slow.json <<'JSON'
{"baseline_runs": 1, "components": [{"name": "c", "benchmarks": [
 {"name": "fast", "type": "latency", "command": "true", "runs": 3},
 {"name": "slow", "type": "latency", "runs": 50, "warmup": 0,
  "command": "echo $$ >> pids; sleep 1000 & echo $! >> pids; [ -e go ] && sleep 0.05 && kill $! && exit 0; wait"}
]}]}
JSON

# Wait up to 3 s until none of the pids in file $1 is alive (zombies are dead).
all_dead() {
	for i in $(seq 1 15); do
		alive=0
		for p in $(cat "$1"); do
			if kill -0 "$p" 2>/dev/null &&
			   [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ]; then
				alive=1
			fi
		done
		[ "$alive" = 0 ] && return 0
		sleep 0.2
	done
	echo "still alive: $(cat "$1")"
	return 1
}

# Start a run of slow.json in the background, wait until $1 samples or the
# hang, then send signal $2; the run's exit status goes to file status.
stop_run_with() {
	rm -f pids status
	( rc=0; pg -c slow.json --db slow.db run >run.out 2>run.err || rc=$?; echo $rc > status ) &
	for i in $(seq 1 100); do
		[ -s pids ] && [ "$(wc -l < pids)" -ge "$1" ] && break
		sleep 0.05
	done
	sleep 0.2
	kill -"$2" $(pgrep -f "perfguard -c slow.json" | head -n 1)
	wait
}

expect_success 'Ctrl-C leaves the run interrupted with what it finished' '
	stop_run_with 2 INT &&
	test "$(cat status)" = 130 &&
	expect_contains run.err "interrupted" &&
	all_dead pids &&
	test "$(sqlite3 slow.db "SELECT status FROM run ORDER BY id DESC LIMIT 1")" = interrupted &&
	test "$(sqlite3 slow.db "SELECT n FROM result r JOIN benchmark b ON b.id = r.benchmark_id WHERE b.name = '"'"'fast'"'"'")" = 3 &&
	test "$(sqlite3 slow.db "SELECT ok || '"'"' '"'"' || error FROM result r JOIN benchmark b ON b.id = r.benchmark_id WHERE b.name = '"'"'slow'"'"'")" = "0 interrupted after 0 of 50 runs"
'

expect_success 'SIGTERM too, keeping finished samples of the stopped benchmark' '
	touch go &&
	stop_run_with 12 TERM && rm go &&
	test "$(cat status)" = 143 &&
	all_dead pids &&
	n=$(sqlite3 slow.db "SELECT n FROM result r JOIN benchmark b ON b.id = r.benchmark_id WHERE b.name = '"'"'slow'"'"' ORDER BY run_id DESC LIMIT 1") &&
	test "$n" -ge 1 && test "$n" -lt 50 &&
	test "$(samples slow.db "SELECT count(*) FROM sample s JOIN benchmark b ON b.id = s.benchmark_id WHERE b.name = '"'"'slow'"'"'")" = "$n"
'

expect_success 'a perfguard killed with SIGKILL leaves an interrupted run, found on next open' '
	rm -f pids
	"$PERFGUARD" -c slow.json --db crash.db run >/dev/null 2>&1 &
	echo $! > pg.pid &&
	for i in $(seq 1 300); do [ -s pids ] && break; sleep 0.05; done &&
	test -s pids && kill -KILL "$(cat pg.pid)" && wait;
	kill $(sed -n 2p pids) &&
	test "$(sqlite3 crash.db "SELECT status FROM run")" = running &&
	pg -c slow.json --db crash.db list >/dev/null &&
	test "$(sqlite3 crash.db "SELECT status FROM run")" = interrupted &&
	test "$(sqlite3 crash.db "SELECT count(*) FROM result")" = 1
'

cat > quick.json <<'JSON'
{"baseline_runs": 1, "components": [{"name": "q", "benchmarks": [
 {"name": "t", "type": "latency", "command": "true", "runs": 2}]}]}
JSON

expect_success 'a read-only database is a runtime error (exit 3) that names it' '
	pg -c quick.json --db ro.db run >/dev/null &&
	chmod 0444 ro.db && chmod 0755 "$WORK" &&
	before=$(samples ro.db "SELECT count(*) FROM sample") &&
	if [ "$(id -u)" = 0 ]; then as="setpriv --reuid=65534 --regid=65534 --clear-groups"; else as=""; fi &&
	expect_exit 3 $as "$PERFGUARD" -c quick.json --db ro.db run &&
	expect_contains .err "ro.db" && expect_contains .err "read-only" &&
	test "$(samples ro.db "SELECT count(*) FROM sample")" = "$before"
'

expect_success 'a database locked longer than the busy timeout fails with exit 3' '
	pg -c quick.json --db locked.db run >/dev/null
	( { echo ".timeout 5000"; echo "BEGIN IMMEDIATE; INSERT INTO component (name) VALUES ('"'"'x'"'"');"; sleep 7; echo "ROLLBACK;"; } | sqlite3 locked.db ) &
	sleep 0.5 &&
	expect_exit 3 pg -c quick.json --db locked.db run &&
	expect_contains .err "locked" && wait &&
	test "$(sqlite3 locked.db "SELECT count(*) FROM run")" = 1
'

expect_success 'two perfguard processes on one database both succeed' '
	pg -c quick.json --db shared.db run >/dev/null
	( { echo ".timeout 5000"; echo "BEGIN IMMEDIATE;"; sleep 1; echo "COMMIT;"; } | sqlite3 shared.db ) &
	sleep 0.2
	( rc=0; pg -c quick.json --db shared.db run >a.out 2>&1 || rc=$?; echo $rc > a.rc ) &
	( rc=0; pg -c quick.json --db shared.db run >b.out 2>&1 || rc=$?; echo $rc > b.rc ) &
	wait &&
	cat a.out b.out && test "$(cat a.rc) $(cat b.rc)" = "0 0" &&
	test "$(sqlite3 shared.db "SELECT count(*) FROM run WHERE status = '"'"'complete'"'"'")" = 3 &&
	test "$(samples shared.db "SELECT count(*) FROM sample")" = 6
'

expect_success 'a directory as the database is a clear error' '
	mkdir adir &&
	expect_exit 3 pg -c quick.json --db adir run &&
	expect_contains .err "adir: is a directory, expected a database file"
'

finish
