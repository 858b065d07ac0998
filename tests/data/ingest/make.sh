#!/bin/sh
# tests/data/ingest/make.sh: regenerate the files `perfguard ingest` is tested
# with, from the real tools (Debian: hyperfine, libbenchmark-dev,
# python3-pytest-benchmark). The checked-in outputs are what this made; the
# tests also run the tools live (t700-ingest.sh). Usage: sh make.sh [OUTDIR]
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# hyperfine: two named commands of 10 runs, the same names with the first
# five times slower, a single run (stddev null) and a parameter scan.
hyperfine -N --runs 10 --warmup 1 --export-json "$out/hyperfine.json" \
	-n work 'sleep 0.01' -n idle 'sleep 0.02' >/dev/null
hyperfine -N --runs 10 --warmup 1 --export-json "$out/hyperfine-slow.json" \
	-n work 'sleep 0.05' -n idle 'sleep 0.02' >/dev/null
hyperfine -N --runs 1 --export-json "$out/hyperfine-single.json" 'sleep 0.01' >/dev/null
hyperfine -N --runs 3 -P ms 1 2 --export-json "$out/hyperfine-params.json" \
	'sleep 0.0{ms}' >/dev/null

# Google Benchmark: repetitions (iterations with repetition_index, NaN
# counters, an error), and the same with aggregates only.
g++ -O2 "$here/gbench_sample.cc" -o "$tmp/bm" $(pkg-config --cflags --libs benchmark)
"$tmp/bm" --benchmark_format=json --benchmark_repetitions=5 \
	--benchmark_min_time=0.01 >"$out/gbench.json" 2>/dev/null
"$tmp/bm" --benchmark_format=json --benchmark_repetitions=5 \
	--benchmark_report_aggregates_only=true --benchmark_filter=StringCopy \
	--benchmark_min_time=0.01 >"$out/gbench-aggregates.json" 2>/dev/null

# pytest-benchmark: groups and params, in a git work tree (commit_info.id).
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
cp "$here/pytest_sample.py" "$tmp/test_sample.py"
(cd "$tmp" && git init -q && git add test_sample.py &&
	git -c user.name=t -c user.email=t@example.org commit -qm sample &&
	"$PY" -m pytest -q -p no:cacheprovider test_sample.py \
		--benchmark-json="$out/pytest-benchmark.json" --benchmark-min-rounds=5 \
		--benchmark-max-time=0.002 >/dev/null)
