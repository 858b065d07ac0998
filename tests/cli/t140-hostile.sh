#!/bin/sh
# What a benchmark can do to perfguard: a FIFO or a link in place of its
# metrics file, background processes left behind, a huge metrics file, a
# perfguard killed with SIGKILL leaving its metrics file. None of it hangs
# perfguard, leaks a file's content or piles up.
. "$(dirname "$0")/lib.sh"

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

printf 'root:$6$TOPSECRETHASH:19000:0:99999:7:::\n' > secret

cat > hostile.json <<'JSON'
{"baseline_runs": 1, "components": [{"name": "h", "benchmarks": [
 {"name": "fifo", "type": "custom", "metric": "m", "direction": "lower", "runs": 2,
  "warmup": 0, "timeout": 30,
  "command": "rm -f \"$PERFGUARD_METRICS\" && mkfifo \"$PERFGUARD_METRICS\""},
 {"name": "link", "type": "custom", "metric": "m", "direction": "lower", "runs": 2,
  "warmup": 0, "command": "ln -sf \"$PWD/secret\" \"$PERFGUARD_METRICS\""}
]}]}
JSON

expect_success 'a FIFO or a link in place of the metrics file fails the benchmark at once' '
	start=$(date +%s) &&
	expect_exit 3 timeout 60 "$PERFGUARD" -c hostile.json --db h.db run &&
	test $(( $(date +%s) - start )) -lt 20 &&
	expect_contains .err "h/fifo: measured run 1 of 2: bad metrics file: metrics file is a FIFO, expected a regular file" &&
	expect_contains .err "h/link: measured run 1 of 2: bad metrics file: metrics file is a symbolic link, expected a regular file" &&
	! grep -q TOPSECRET .out .err &&
	! sqlite3 h.db .dump | grep -q TOPSECRET &&
	test -z "$(ls "$TMPDIR" | grep perfguard-metrics-)"
'

cat > background.json <<'JSON'
{"baseline_runs": 1, "components": [{"name": "b", "benchmarks": [
 {"name": "leaves", "type": "latency", "runs": 3, "warmup": 1,
  "setup": "sleep 300 & echo $! >> pids",
  "prepare": "sleep 300 & echo $! >> pids",
  "command": "sleep 300 & echo $! >> pids; exit 0",
  "cleanup": "sleep 300 & echo $! >> pids"}
]}]}
JSON

expect_success 'background processes of every command die when it ends' '
	rm -f pids &&
	pg -c background.json --db b.db run >/dev/null &&
	test "$(wc -l < pids)" -eq 10 &&
	all_dead pids
'

expect_success 'perfguard measure leaves no background process either' '
	rm -f pids &&
	expect_exit 0 pg measure --runs 2 --warmup 0 --shell -- "sleep 300 & echo \$! >> pids" &&
	test "$(wc -l < pids)" -eq 2 &&
	all_dead pids
'

cat > slow.json <<'JSON'
{"baseline_runs": 1, "components": [{"name": "s", "benchmarks": [
 {"name": "hang", "type": "custom", "metric": "m", "direction": "lower", "runs": 1,
  "warmup": 0, "command": "echo $$ > hang.pid; echo m 1 > \"$PERFGUARD_METRICS\"; sleep 300"},
 {"name": "quick", "type": "custom", "metric": "m", "direction": "lower", "runs": 1,
  "warmup": 0, "command": "echo m 2 > \"$PERFGUARD_METRICS\""}
]}]}
JSON

expect_success 'a perfguard killed with SIGKILL: its metrics file goes at the next run' '
	rm -f hang.pid &&
	"$PERFGUARD" -c slow.json --db s.db run s/hang >/dev/null 2>&1 &
	pgpid=$! &&
	for i in $(seq 1 200); do [ -s hang.pid ] && break; sleep 0.05; done &&
	test -s hang.pid &&
	kill -KILL $pgpid && { wait $pgpid || true; } &&
	kill -- -"$(cat hang.pid)" &&
	left=$(ls "$TMPDIR" | grep "^perfguard-metrics-$pgpid-") &&
	test -n "$left" &&
	pg -c slow.json --db s.db run s/quick >/dev/null &&
	test ! -e "$TMPDIR/$left" &&
	test -z "$(ls "$TMPDIR" | grep perfguard-metrics-)"
'

expect_success 'a metrics file over 64 MiB is refused without being read' '
	cat > big.json <<-JSON &&
	{"baseline_runs": 1, "components": [{"name": "g", "benchmarks": [
	 {"name": "big", "type": "custom", "metric": "m", "direction": "lower", "runs": 1,
	  "warmup": 0, "command": "echo m 1 > \"\$PERFGUARD_METRICS\"; truncate -s 65M \"\$PERFGUARD_METRICS\""}
	]}]}
	JSON
	expect_exit 3 pg -c big.json --db g.db run &&
	expect_contains .err "metrics file: 68157440 bytes, more than the 64 MiB allowed"
'

finish
