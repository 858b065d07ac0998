# tests/cli/lib.sh: a tiny harness for end-to-end tests, sourced by t*.sh.
# Each test runs in a fresh temporary workspace; `expect_success NAME CMDS`
# prints "ok N - NAME" or "not ok N - NAME" with the output of the commands.
: "${PERFGUARD:?PERFGUARD must name the perfguard binary}"
pg() { "$PERFGUARD" "$@"; }
test_count=0
test_failed=0
# samples DB SQL: SQL on DB printed as sqlite3 prints it, with a table
# `sample` of a row per sample in every schema (tests/cli/samples.py
# unpacks schema 8's packed rows with a decoder of its own).
SAMPLES_PY=$(cd "$(dirname "$0")" && pwd)/samples.py
[ -f "$SAMPLES_PY" ] || SAMPLES_PY=$(cd "$(dirname "$0")/../cli" && pwd)/samples.py
samples() { python3 "$SAMPLES_PY" "$@"; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/perfguard-test.XXXXXX")
trap '[ -n "$KEEP" ] || rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
unset PERFGUARD_DB PERFGUARD_CONFIG NO_COLOR
# Temporary files of runs killed on purpose stay inside the workspace.
TMPDIR=$WORK
export TMPDIR

# Run the shell code $2 in a subshell; pass when it exits 0.
expect_success() {
	test_count=$((test_count + 1))
	out=$( (set -e; eval "$2") 2>&1 )
	if [ $? -eq 0 ]; then
		echo "ok $test_count - $1"
	else
		echo "not ok $test_count - $1"
		printf '%s\n' "$out" | sed 's/^/#   /'
		test_failed=$((test_failed + 1))
	fi
}

# Run a command and require exit status $1: expect_exit 2 pg run
expect_exit() {
	want=$1; shift
	got=0
	"$@" >"$WORK/.out" 2>"$WORK/.err" || got=$?
	if [ "$got" -ne "$want" ]; then
		echo "expected exit $want, got $got from: $*"
		cat "$WORK/.out" "$WORK/.err"
		return 1
	fi
}

# Require that file $1 contains the fixed string $2.
expect_contains() {
	if ! grep -qF -- "$2" "$1"; then
		echo "expected '$2' in $1, which holds:"
		cat "$1"
		return 1
	fi
}

# Print the plan's end and fail when any test failed.
finish() {
	[ "$test_failed" -eq 0 ]
	exit $?
}
