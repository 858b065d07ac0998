#!/bin/sh
# Run libFuzzer targets for `make fuzz`.
# Usage: sh tests/fuzz/run.sh FUZZ_BUILD_DIR NAME...   (FUZZ_TIME=seconds each, 20)
# For each NAME, first replays tests/fuzz/crashes/NAME/* (inputs that once
# crashed: they must not any more), then fuzzes for FUZZ_TIME seconds from a
# copy of tests/fuzz/corpus/NAME in FUZZ_BUILD_DIR/corpus/NAME, which keeps
# what the fuzzer finds; nothing is written under tests/. A crash, a leak, a
# timeout or undefined behaviour fails the target; the input that did it is
# saved in FUZZ_BUILD_DIR/crashes/NAME/. Exits 1 when any target failed.
dir=${1:?usage: tests/fuzz/run.sh FUZZ_BUILD_DIR NAME...}
shift
time=${FUZZ_TIME:-20}
here=$(cd "$(dirname "$0")" && pwd)
# The targets' temporary files stay in the build directory (a crash leaves
# them behind), which is emptied before and after.
TMPDIR=$(cd "$dir" && pwd)/tmp
export TMPDIR
rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"
trap 'rm -rf "$TMPDIR" || true' EXIT
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}
export UBSAN_OPTIONS
failed=""

# fail NAME LOG WHAT: report a failed target with the end of its log.
fail() {
	echo "fuzz $1: FAILED ($3); log: $2"
	grep -E 'ERROR|runtime error|^SUMMARY|^Running:|Test unit written' "$2" | head -n 20
	failed="$failed $1"
}

for name; do
	bin=$dir/bin/fuzz_$name
	log=$dir/fuzz_$name.log
	if [ ! -x "$bin" ]; then
		echo "fuzz $name: no such target (tests/fuzz/fuzz_$name.c)"
		failed="$failed $name"
		continue
	fi
	corpus=$dir/corpus/$name
	crashes=$dir/crashes/$name
	mkdir -p "$corpus" "$crashes"
	for f in "$here/corpus/$name"/*; do
		[ -f "$f" ] && cp "$f" "$corpus/"
	done
	known=""
	for f in "$here/crashes/$name"/*; do
		[ -f "$f" ] && known="$known $f"
	done
	if [ -n "$known" ]; then
		# shellcheck disable=SC2086
		if ! "$bin" -timeout=10 $known >"$log" 2>&1; then
			fail "$name" "$log" "an input in tests/fuzz/crashes/$name still fails"
			continue
		fi
	fi
	if "$bin" -max_total_time="$time" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		added=$(sed -n 's/^stat::new_units_added: *//p' "$log")
		echo "fuzz $name: ok, ${execs:-?} inputs in ${time} s, ${added:-0} new in the corpus" \
			"($(ls "$corpus" | wc -l) inputs in $corpus)"
	else
		fail "$name" "$log" "saved in $crashes/"
	fi
done

if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed"
	exit 1
fi
