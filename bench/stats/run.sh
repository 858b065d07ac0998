#!/bin/sh
# The statistics engine's speed: compare on up to 1,000,000-sample arrays
# (each test) and change points on 1,000 to 100,000-point histories,
# printing the times and how they grow with n. Asserts nothing.
# Usage: sh bench/stats/run.sh BUILD_DIR
set -e
build=${1:-build}
echo "== bench/stats"
"$build/bench/stats/stats_bench" "${STATS_BENCH_N:-1000000}"
