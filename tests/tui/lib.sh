# tests/tui/lib.sh: drive the real dashboard in a private tmux server and
# read the screen as a person would see it. Sourced by tests/tui/t*.sh
# after tests/cli/lib.sh (which makes and enters the workspace $WORK).
. "$(dirname "$0")/../cli/lib.sh"
command -v tmux >/dev/null || { echo "tests/tui: tmux is needed"; exit 1; }

# One private server per dashboard started: pfgtest-PID-N.
TM_N=0
TM_SOCK="pfgtest-$$-0"
tm() { tmux -L "$TM_SOCK" -f /dev/null "$@"; }
# Kill every server this script started (tests run in subshells, so the
# parent does not know the last N), then remove the workspace.
tm_cleanup() {
	for sock in "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/pfgtest-$$-"*; do
		[ -S "$sock" ] && tmux -L "${sock##*/}" kill-server 2>/dev/null
	done
	rm -rf "$WORK"
}
trap tm_cleanup EXIT
# Slow machines and sanitizer builds: every wait allows this many seconds.
TUI_TIMEOUT=${TUI_TIMEOUT:-30}

# Start "perfguard ARGS" in a fresh 100x30 session; env comes from $TUI_ENV
# (e.g. "LANG=C.UTF-8"). Its exit status lands in $WORK/.tui-exit and its
# stderr in $WORK/.tui-err; the session ends with it.
tui_start() {
	tm kill-server 2>/dev/null
	TM_N=$((TM_N + 1))
	TM_SOCK="pfgtest-$$-$TM_N"
	rm -f "$WORK/.tui-exit"
	tm start-server \; set -g default-terminal tmux-256color \; \
		new-session -d -x "${TUI_COLS:-100}" -y "${TUI_LINES:-30}" -c "$WORK" \
		"env ${TUI_ENV:-LANG=C.UTF-8} $PERFGUARD $* 2>$WORK/.tui-err; echo \$? >$WORK/.tui-exit"
}

# The screen as text.
tui_screen() { tm capture-pane -p; }

# Send keys (tmux key names); tui_type sends literal text.
tui_keys() { tm send-keys "$@"; }
tui_type() { tm send-keys -l "$1"; }

# Wait until the screen shows the fixed string $1; print it and fail if not.
tui_wait() {
	i=0
	while [ $i -lt $((TUI_TIMEOUT * 10)) ]; do
		tui_screen | grep -qF -- "$1" && return 0
		sleep 0.1; i=$((i + 1))
	done
	echo "timed out waiting for '$1' on the screen:"
	tui_screen
	[ -f "$WORK/.tui-exit" ] && echo "(perfguard exited $(cat "$WORK/.tui-exit"))" &&
		cat "$WORK/.tui-err"
	return 1
}

# Wait until the screen no longer shows $1.
tui_wait_gone() {
	i=0
	while [ $i -lt $((TUI_TIMEOUT * 10)) ]; do
		tui_screen | grep -qF -- "$1" || return 0
		sleep 0.1; i=$((i + 1))
	done
	echo "timed out waiting for '$1' to go:"; tui_screen; return 1
}

# Wait until the shell command $1 succeeds.
wait_until() {
	i=0
	while [ $i -lt $((TUI_TIMEOUT * 10)) ]; do
		eval "$1" && return 0
		sleep 0.1; i=$((i + 1))
	done
	echo "timed out waiting until: $1"; return 1
}

# Wait for the dashboard to exit and require status $1 (default 0).
tui_wait_exit() {
	wait_until 'test -s "$WORK/.tui-exit"' || { tui_screen; return 1; }
	got=$(cat "$WORK/.tui-exit")
	if [ "$got" != "${1:-0}" ]; then
		echo "perfguard exited $got, expected ${1:-0}; its stderr:"
		cat "$WORK/.tui-err"; return 1
	fi
}

# Query the workspace's database.
q() { sqlite3 .perfguard/perfguard.db "$1"; }

# Seed the workspace: a suite of two components, three runs of the fast
# benchmarks, baselines approved for api/* and proposed for store/query,
# then a confirmed regression of api/step (an alert). store/slow and
# store/hang are left for the tests to run; store/slow's runs wait while a
# file slow.hold exists, but for one run when slow.once does, so a test can
# look at the screen mid-run.
tui_seed() {
	# Values from a custom metric: NAME.val times a fixed cycle of -2%..+2%,
	# so the seeded verdicts do not depend on how loaded the machine is.
	cat > val.sh <<'SH'
f=$1; n=$(cat "$f.n" 2>/dev/null || echo 0); echo $((n + 1)) > "$f.n"
awk -v b="$(cat "$f.val")" -v n="$n" 'BEGIN { printf "v %.6f\n", b * (1 + 0.01 * (n % 5 - 2)) }' > "$PERFGUARD_METRICS"
SH
	cat > perfguard.json <<'JSON'
{
  "confirm_runs": 1,
  "defaults": {"runs": 5, "warmup": 0},
  "baseline_runs": 1, "components": [
    {"name": "api", "benchmarks": [
      {"name": "step", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower",
       "command": ["sh", "val.sh", "step"]},
      {"name": "steady", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower",
       "command": ["sh", "val.sh", "steady"]}
    ]},
    {"name": "store", "benchmarks": [
      {"name": "query", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower",
       "command": ["sh", "val.sh", "query"]},
      {"name": "slow", "type": "latency", "runs": 4,
       "command": ["sh", "-c", "if [ -e slow.once ]; then rm slow.once; else while [ -e slow.hold ]; do sleep 0.05; done; fi; sleep 0.4"]},
      {"name": "hang", "type": "latency", "runs": 3, "command": ["sleep", "613"]}
    ]}
  ]
}
JSON
	echo 20 > step.val
	echo 10 > steady.val
	echo 10 > query.val
	pg run 'api/*' store/query >/dev/null 2>&1 || return 1
	pg baseline approve 1 2 >/dev/null || return 1
	pg run 'api/*' store/query >/dev/null 2>&1 || return 1
	pg run 'api/*' store/query >/dev/null 2>&1 || return 1
	echo 60 > step.val
	pg run 'api/*' >/dev/null 2>&1
	echo 20 > step.val
	test "$(q "SELECT count(*) FROM alert WHERE kind = 'regression'")" -ge 1
}

# The pid of the perfguard the session runs.
tui_pid() { pgrep -P "$(tm display -p '#{pane_pid}')" -x perfguard; }
