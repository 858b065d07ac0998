#!/bin/sh
# bench/scale/run.sh BUILD_DIR: what a long history costs. Seeds databases
# with bench/scale/seed.sh (schema made by the real perfguard) and prints,
# side by side with short histories:
#   - `perfguard run` of a 100-benchmark suite, 10,000 vs 100 runs of history;
#   - gate, list, history (default view), alerts list: 100 x 10,000 vs 100 x 100;
#   - the dashboard's first frame with data, 2,000 x 500 vs 2,000 x 5;
#   - database bytes per stored sample (2,000 x 500, 3 and 10 samples a result);
#   - with OLD=path/to/an/older/perfguard: the migration of the 2,000 x 500
#     database made by it, timed at the first open by this build.
# Each figure is the median of REPS (default 5) runs: wall time, and with
# perf(1) the CPU time of perfguard's own process too (its benchmarks'
# processes left out), steadier on a shared machine. Measures only; asserts
# nothing about times. SCALE_QUICK=1 uses a tenth of every size.
set -e
build=${1:-build}
pg="$(cd "$build" && pwd)/perfguard"
sql="$(cd "$build" && pwd)/bench/scale/sql" # sqlite3 with the store's SQL functions
here="$(cd "$(dirname "$0")" && pwd)"
reps=${REPS:-5}
long=10000 big=2000 deep=500
if [ "${SCALE_QUICK:-0}" = 1 ]; then long=1000 big=200 deep=50; fi
command -v tmux >/dev/null && command -v sqlite3 >/dev/null || {
	echo "bench/scale: needs tmux and sqlite3"; exit 1; }
test -x "$sql" || { echo "bench/scale: needs $sql (make bench-bins)"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/perfguard-bench-scale.XXXXXX")
sock="pfgscale-$$"
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	cd / && rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# suite B: a config of B benchmarks named as seed.sh names them, each a
# `true` run 3 times.
suite() {
	awk -v b="$1" 'BEGIN {
		printf "{\"components\": ["
		for (c = 1; c <= int((b + 99) / 100); c++) {
			printf "%s{\"name\": \"component%02d\", \"benchmarks\": [", (c > 1 ? ", " : ""), c
			for (i = (c - 1) * 100 + 1; i <= c * 100 && i <= b; i++)
				printf "%s{\"name\": \"bench%04d\", \"type\": \"latency\", \"runs\": 3, \"command\": [\"true\"]}", (i > (c - 1) * 100 + 1 ? ", " : ""), i
			printf "]}"
		}
		print "]}"
	}'
}

# make DIR B R S [PERFGUARD]: a project in DIR whose database holds B x R x S.
make_db() {
	mkdir -p "$1"
	suite "$2" >"$1/perfguard.json"
	printf '{"components": [{"name": "setup", "benchmarks": [{"name": "true", "type": "latency", "runs": 1, "command": ["true"]}]}]}\n' >"$1/setup.json"
	(cd "$1" && "${5:-$pg}" --config setup.json run >/dev/null 2>&1 || true)
	v=$(sqlite3 "$1/.perfguard/perfguard.db" "PRAGMA user_version")
	if [ "$v" -ge 8 ]; then
		sh "$here/seed.sh" "$2" "$3" "$4" "$v" | "$sql" "$1/.perfguard/perfguard.db" >/dev/null
	else
		sh "$here/seed.sh" "$2" "$3" "$4" "$v" | sqlite3 -bail "$1/.perfguard/perfguard.db" >/dev/null
	fi
	sqlite3 "$1/.perfguard/perfguard.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
}

# now_us: microseconds since the epoch.
now_us() { echo $(($(date +%s%N) / 1000)); }

# median: the median of the numbers on stdin.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# cpu_ms CMD...: run CMD (in the current directory); print the CPU time of
# its own process in ms, or nothing without perf.
cpu_ms() {
	if command -v perf >/dev/null 2>&1; then
		perf stat --no-inherit -x, -e task-clock -o "$work/perf.txt" "$@" >/dev/null 2>&1 || true
		awk -F, '/task-clock/ { printf "%.1f", $1 }' "$work/perf.txt"
	else
		"$@" >/dev/null 2>&1 || true
	fi
}

# time_cmd DIR CMD...: the median wall time of CMD in DIR over reps runs, in
# ms, and the median CPU time as cpu_ms measures it (after a /).
time_cmd() {
	d=$1; shift
	i=0
	while [ $i -lt "$reps" ]; do
		t0=$(now_us); (cd "$d" && "$@" >/dev/null 2>&1 || true); t1=$(now_us)
		echo $((t1 - t0)); i=$((i + 1))
	done | median | awk '{ printf "%.1f", $1 / 1000 }'
	i=0
	while [ $i -lt "$reps" ]; do
		(cd "$d" && cpu_ms "$@"); echo; i=$((i + 1))
	done | grep . | median | awk '{ printf "/%.1f", $1 }'
}

# time_run DIR: the median time of `perfguard run` on a fresh copy of DIR's database.
time_run() {
	i=0
	while [ $i -lt "$reps" ]; do
		rm -rf "$1/run" && mkdir "$1/run" && cp "$1/perfguard.json" "$1/run/" &&
			mkdir "$1/run/.perfguard" && cp "$1/.perfguard/perfguard.db" "$1/run/.perfguard/"
		(cd "$1/run" && "$pg" run >/dev/null 2>&1) # warm the copy's pages
		rm -rf "$1/run/.perfguard" && mkdir "$1/run/.perfguard" &&
			cp "$1/.perfguard/perfguard.db" "$1/run/.perfguard/"
		t0=$(now_us); (cd "$1/run" && "$pg" run >/dev/null 2>&1 || true); t1=$(now_us)
		echo $((t1 - t0)); i=$((i + 1))
	done | median | awk '{ printf "%.1f", $1 / 1000 }'
	i=0
	while [ $i -lt "$reps" ]; do
		rm -rf "$1/run/.perfguard" && mkdir "$1/run/.perfguard" &&
			cp "$1/.perfguard/perfguard.db" "$1/run/.perfguard/"
		(cd "$1/run" && cpu_ms "$pg" run); echo; i=$((i + 1))
	done | grep . | median | awk '{ printf "/%.1f", $1 }'
}

# first_frame DIR: the median time to the dashboard's first frame with data, in ms.
first_frame() {
	i=0
	tmux -L "$sock" -f /dev/null start-server \; set -g default-terminal tmux-256color
	while [ $i -lt "$reps" ]; do
		rm -f "$1/trace" "$1/exit"
		tmux -L "$sock" new-session -d -x 120 -y 40 -c "$1" \
			"env LANG=C.UTF-8 PERFGUARD_TUI_TRACE=$1/trace $pg tui 2>$1/err; echo \$? >$1/exit"
		n=0
		until grep -q '^frame .* data 1 windows [1-9]' "$1/trace" 2>/dev/null; do
			n=$((n + 1)); [ $n -lt 3000 ] || { echo "bench/scale: no frame"; exit 1; }
			sleep 0.1
		done
		tmux -L "$sock" send-keys q
		n=0
		until test -s "$1/exit"; do n=$((n + 1)); [ $n -lt 300 ] || break; sleep 0.1; done
		awk '/^frame/ && $8 == 1 && $10 > 0 { print $4; exit }' "$1/trace"
		i=$((i + 1))
	done | median
}

# ratio A B: A / B for wall times, and for CPU times after a / when given.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		split(a, x, "/"); split(b, y, "/")
		printf "%.2fx", (y[1] > 0 ? x[1] / y[1] : 0)
		if (x[2] != "" && y[2] > 0) printf "/%.2fx", x[2] / y[2]
	}'
}
row() { printf '%-44s %16s %16s %12s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }

echo "bench/scale: seeding (100 x 100, 100 x $long, $big x 5, $big x $deep; 3 samples a result)"
make_db "$work/short" 100 100 3
make_db "$work/long" 100 "$long" 3
make_db "$work/wide" "$big" 5 3
make_db "$work/deep" "$big" "$deep" 3
printf '%-44s %16s %16s %12s\n' "figure (ms wall/CPU, median of $reps)" "long" "short" "ratio"
row "run, 100 benchmarks, $long vs 100 runs" "$(time_run "$work/long")" "$(time_run "$work/short")"
row "gate, 100 x $long vs 100 x 100" "$(time_cmd "$work/long" "$pg" gate)" "$(time_cmd "$work/short" "$pg" gate)"
row "list" "$(time_cmd "$work/long" "$pg" list)" "$(time_cmd "$work/short" "$pg" list)"
row "history component01/bench0020" "$(time_cmd "$work/long" "$pg" history component01/bench0020)" \
	"$(time_cmd "$work/short" "$pg" history component01/bench0020)"
row "alerts list" "$(time_cmd "$work/long" "$pg" alerts list)" "$(time_cmd "$work/short" "$pg" alerts list)"
row "dashboard first frame with data, $big x $deep vs $big x 5" "$(first_frame "$work/deep")" "$(first_frame "$work/wide")"

# samples DB: SQL counting the stored samples (a row each up to schema 7,
# packed a row per run and benchmark from schema 8 on).
samples() {
	if [ "$(sqlite3 "$1" "PRAGMA user_version")" -ge 8 ]; then
		echo "(SELECT sum(n) FROM sample_pack)"
	else
		echo "(SELECT count(*) FROM sample)"
	fi
}

# bytes DB: the database's bytes in use (free pages left out) per stored
# sample, in all and in the samples' own tables.
bytes() {
	n=$(samples "$1")
	sqlite3 "$1" "SELECT printf('%.1f bytes a sample (%.1f in sample tables; %d MB)',
		((SELECT page_count FROM pragma_page_count) - (SELECT freelist_count FROM pragma_freelist_count)) * (SELECT page_size FROM pragma_page_size) * 1.0 / $n,
		(SELECT sum(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name LIKE 'sample%')) * 1.0 / $n,
		(SELECT page_count * page_size FROM pragma_page_count, pragma_page_size) / 1048576)" 2>/dev/null ||
	sqlite3 "$1" "SELECT printf('%.1f bytes a sample', (SELECT page_count * page_size FROM pragma_page_count, pragma_page_size) * 1.0 / $n)"
}
echo "bench/scale: $big x $deep x 3 samples: $(bytes "$work/deep/.perfguard/perfguard.db")"
rm -rf "$work/short" "$work/wide"
make_db "$work/ten" "$big" "$deep" 10
echo "bench/scale: $big x $deep x 10 samples: $(bytes "$work/ten/.perfguard/perfguard.db")"
rm -rf "$work/ten"
if [ -n "$OLD" ]; then
	rm -rf "$work/old"
	make_db "$work/old" "$big" "$deep" 3 "$OLD"
	db="$work/old/.perfguard/perfguard.db"
	# sum DB: counts, the sums of the sample values and of their process
	# figures, and a hash of every one of them (floats as Python prints
	# them: to the last bit), schema 8 unpacked by tests/cli/samples.py.
	sum() { printf '%s samples, %s results, ' "$(sqlite3 "$1" "SELECT $(samples "$1")")" \
		"$(sqlite3 "$1" "SELECT count(*) FROM result")"
		python3 "$here/../../tests/cli/samples.py" "$1" "SELECT sum(value),
			sum(wall_ns + user_ns + sys_ns + max_rss_kib + exit_code + term_signal) FROM sample"
		python3 "$here/../../tests/cli/samples.py" "$1" "SELECT run_id, benchmark_id, seq, value,
			wall_ns, user_ns, sys_ns, max_rss_kib, exit_code, term_signal FROM sample ORDER BY 1, 2, 3" |
			sha256sum | cut -c1-16; }
	before=$(sum "$db")
	v0=$(sqlite3 "$db" "PRAGMA user_version")
	t0=$(now_us); (cd "$work/old" && "$pg" list >/dev/null 2>&1); t1=$(now_us)
	echo "bench/scale: migration of $big x $deep from schema $v0 to $(sqlite3 "$db" "PRAGMA user_version"): $(awk "BEGIN { printf \"%.1f\", ($t1 - $t0) / 1e6 }") s (first open, with a list)"
	echo "bench/scale:   before: $(echo $before)"
	echo "bench/scale:   after:  $(echo $(sum "$db"))"
	echo "bench/scale:   after: $(bytes "$db")"
fi
