#!/bin/sh
# bench/prune/run.sh BUILD_DIR: what retention costs. Seeds a database of
# 2,000 benchmarks x 500 runs x 3 samples with bench/scale/seed.sh (schema
# made by the real perfguard; an approved baseline of run 1 each, alerts
# and change points at run 451 on every 20th benchmark) and times
# `perfguard prune --keep-runs 100` on a fresh copy of it, REPS times
# (default 3): the median wall time, and the CPU time of perfguard's
# process (user + system, from /usr/bin/time when present), steadier on a
# shared machine. Also a dry run and a prune followed by --vacuum, once
# each. Measures only; asserts nothing about times. PRUNE_QUICK=1 uses a
# tenth of each size.
set -e
build=${1:-build}
pg="$(cd "$build" && pwd)/perfguard"
sql="$(cd "$build" && pwd)/bench/scale/sql" # sqlite3 with the store's SQL functions
here="$(cd "$(dirname "$0")" && pwd)"
reps=${REPS:-3}
benches=2000 runs=500 keep=100
if [ "${PRUNE_QUICK:-0}" = 1 ]; then benches=200 runs=50 keep=10; fi
command -v sqlite3 >/dev/null || { echo "bench/prune: needs sqlite3"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/perfguard-bench-prune.XXXXXX")
trap 'cd / && rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The seeded database: the real perfguard makes the schema and this host's
# environment (a one-benchmark run), then seed.sh fills it.
cd "$work"
printf '{"components": [{"name": "setup", "benchmarks": [{"name": "true", "type": "latency", "runs": 1, "command": ["true"]}]}]}\n' >setup.json
"$pg" --config setup.json run >/dev/null 2>&1 || true
sh "$here/../scale/seed.sh" "$benches" "$runs" 3 | "$sql" .perfguard/perfguard.db >/dev/null
sqlite3 .perfguard/perfguard.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
seeded=$(du -m .perfguard/perfguard.db | cut -f1)

# fresh: a copy of the seeded database at copy.db, read once so that the
# timed prune starts from warm pages as a prune after a run would.
fresh() {
	rm -f copy.db copy.db-wal copy.db-shm
	cp .perfguard/perfguard.db copy.db
	cat copy.db >/dev/null
}

# now_us: microseconds since the epoch.
now_us() { echo $(($(date +%s%N) / 1000)); }

# median: the median of the numbers on stdin.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# timed ARGS...: run perfguard ARGS on copy.db; print "WALL_MS CPU_MS"
# (CPU_MS - without /usr/bin/time); its output goes to last.out.
timed() {
	if [ -x /usr/bin/time ]; then
		t0=$(now_us)
		/usr/bin/time -f "%U %S" -o cpu.txt "$pg" --db copy.db "$@" >last.out 2>last.err
		t1=$(now_us)
		echo "$(((t1 - t0) / 1000)) $(awk '{ printf "%d", ($1 + $2) * 1000 }' cpu.txt)"
	else
		t0=$(now_us); "$pg" --db copy.db "$@" >last.out 2>last.err; t1=$(now_us)
		echo "$(((t1 - t0) / 1000)) -"
	fi
}

echo "bench/prune: $benches benchmarks x $runs runs x 3 samples ($seeded MB), keeping $keep runs"
i=0
: >times.txt
while [ $i -lt "$reps" ]; do
	fresh
	timed prune --keep-runs "$keep" >>times.txt
	i=$((i + 1))
done
what=$(head -n 1 last.out)
wall=$(cut -d' ' -f1 times.txt | median)
cpu=$(cut -d' ' -f2 times.txt | grep -v -- - | median || true)
after=$(sqlite3 copy.db "SELECT count(*) FROM run")
fresh
dry=$(timed prune --keep-runs "$keep" --dry-run)
fresh
vac=$(timed prune --keep-runs "$keep" --vacuum)
compacted=$(grep "^compacted" last.out || true)
printf '  %s\n' "$what"
printf '  prune --keep-runs %s:          median %.1f s wall, %s s CPU (%s reps: %s ms)\n' \
	"$keep" "$(echo "$wall" | awk '{ print $1 / 1000 }')" \
	"$(echo "${cpu:-}" | awk '{ if ($1 == "") print "?"; else printf "%.1f", $1 / 1000 }')" \
	"$reps" "$(cut -d' ' -f1 times.txt | tr '\n' ' ' | sed 's/ $//')"
printf '  runs left:                       %s\n' "$after"
printf '  prune --dry-run:                 %.1f s wall, %.1f s CPU\n' \
	"$(echo "$dry" | awk '{ print $1 / 1000 }')" "$(echo "$dry" | awk '{ print $2 / 1000 }')"
printf '  prune --vacuum:                  %.1f s wall, %.1f s CPU; %s\n' \
	"$(echo "$vac" | awk '{ print $1 / 1000 }')" "$(echo "$vac" | awk '{ print $2 / 1000 }')" \
	"${compacted:-no compaction reported}"
