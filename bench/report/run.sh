#!/bin/sh
# bench/report/run.sh BUILD_DIR: perfguard report on a large database
# (2,000 benchmarks x 500 runs, 3 samples each, seeded by bench/tui/seed.sql:
# 100 of them with a 12% step, an alert and a change point). Prints the wall
# time, peak RSS and size of each format, and of the HTML without history
# (--baseline-vs-run). Measures only; asserts nothing about times.
set -e
build=${1:-build}
pg="$(cd "$build" && pwd)/perfguard"
here="$(cd "$(dirname "$0")" && pwd)"
command -v sqlite3 >/dev/null || { echo "bench/report: needs sqlite3"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/perfguard-bench-report.XXXXXX")
trap 'cd / && rm -rf "$work"' EXIT
cd "$work"

# The schema comes from the real program: one tiny run creates it.
printf '{"components": [{"name": "setup", "benchmarks": [{"name": "true", "type": "latency", "runs": 1, "command": ["true"]}]}]}\n' >perfguard.json
"$pg" run >/dev/null
sqlite3 -bail .perfguard/perfguard.db <"$here/../tui/seed.sql" >/dev/null
rm perfguard.json # the store's benchmarks, not the setup config's
echo "bench/report: seeded 2000 benchmarks x 500 runs ($(du -m .perfguard/perfguard.db | cut -f1) MB)"

# measure LABEL ARGS...: one report, its time, peak RSS and size.
measure() {
	label=$1; shift
	t0=$(date +%s.%N)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o rss "$pg" report "$@"
	else
		"$pg" report "$@"; echo 0 > rss
	fi
	t1=$(date +%s.%N)
	out=$(eval echo "\${$#}")
	printf 'bench/report: %-28s %6.2f s  %7.2f MB  peak RSS %6.1f MiB\n' "$label" \
		"$(awk "BEGIN { print $t1 - $t0 }")" \
		"$(awk "BEGIN { print $(wc -c <"$out") / 1e6 }")" \
		"$(awk "BEGIN { print $(cat rss) / 1024 }")"
}
measure "html" --format html -o r.html
measure "json" --format json -o r.json
measure "junit" --format junit -o r.xml
measure "markdown" --format markdown -o r.md
measure "html --baseline-vs-run" --format html --baseline-vs-run -o bvr.html
measure "html --history 100" --format html --history 100 -o h100.html
