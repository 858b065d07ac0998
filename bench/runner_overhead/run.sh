#!/bin/sh
# Runner overhead: the median wall time of /bin/true as perfguard measures
# it, against a bare posix_spawn + wait4 loop and against hyperfine -N
# (when installed). Goal: perfguard within 5% of the bare loop and not
# above hyperfine. It measures and prints; it asserts nothing.
# Usage: sh bench/runner_overhead/run.sh BUILD_DIR   (RUNS=N to change 2000)
set -e
build=${1:-build}
runs=${RUNS:-2000}
warmup=20
prog=/bin/true
pg="$build/perfguard"
bare="$build/bench/runner_overhead/bare_loop"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/perfguard-bench.XXXXXX")
trap 'rm -rf "$tmp" || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Print the JSON value at a path of keys/indices given after the file.
json_get() {
	python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$@"
}

echo "runner overhead: $prog, $runs runs after $warmup warmup runs each"

bare_ns=$("$bare" "$runs" "$prog" | sed -n 's/^median_ns=\([0-9]*\).*/\1/p')

"$pg" measure --json --runs "$runs" --warmup "$warmup" -- "$prog" > "$tmp/pg.json"
pg_ns=$(json_get "$tmp/pg.json" summary wall_ns median)

hf_ns=""
if command -v hyperfine >/dev/null 2>&1; then
	hyperfine -N --runs "$runs" --warmup "$warmup" --style none \
		--export-json "$tmp/hf.json" "$prog" >/dev/null 2>&1
	hf_ns=$(json_get "$tmp/hf.json" results 0 median | awk '{ printf "%.0f", $1 * 1e9 }')
fi

awk -v bare="$bare_ns" -v pg="$pg_ns" -v hf="$hf_ns" 'BEGIN {
	printf "  bare posix_spawn+wait4  median %9.1f us\n", bare / 1000
	printf "  perfguard measure       median %9.1f us\n", pg / 1000
	if (hf != "")
		printf "  hyperfine -N            median %9.1f us\n", hf / 1000
	else
		printf "  hyperfine -N            (not installed)\n"
	printf "  perfguard / bare        %.3f (goal <= 1.05)\n", pg / bare
	if (hf != "")
		printf "  perfguard / hyperfine   %.3f (goal <= 1.00)\n", pg / hf
}'
