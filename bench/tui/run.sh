#!/bin/sh
# bench/tui/run.sh BUILD_DIR: the dashboard on a large database (2,000
# benchmarks x 500 runs, 3 samples each, seeded by seed.sql). Prints the
# time to the first frame, to the first frame with data, the reader's
# snapshot load, the time of one redraw (all panes, and after a key), and
# peak RSS. Measures only; asserts nothing about times.
set -e
build=${1:-build}
pg="$(cd "$build" && pwd)/perfguard"
sql="$(cd "$build" && pwd)/bench/scale/sql" # sqlite3 with the store's SQL functions
here="$(cd "$(dirname "$0")" && pwd)"
command -v tmux >/dev/null && command -v sqlite3 >/dev/null || {
	echo "bench/tui: needs tmux and sqlite3"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/perfguard-bench-tui.XXXXXX")
sock="pfgbench-$$"
# Under dash a command that fails in an EXIT trap ends the trap there (set -e
# holds in it), so nothing in cleanup may fail: tmux has usually exited already.
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	cd / && rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$work"

# The schema comes from the real program: one tiny run creates it.
printf '{"components": [{"name": "setup", "benchmarks": [{"name": "true", "type": "latency", "runs": 1, "command": ["true"]}]}]}\n' >perfguard.json
"$pg" run >/dev/null
t0=$(date +%s.%N)
"$sql" .perfguard/perfguard.db <"$here/seed.sql" >/dev/null
t1=$(date +%s.%N)
echo "bench/tui: seeded 2000 benchmarks x 500 runs ($(du -m .perfguard/perfguard.db | cut -f1) MB) in $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"

# wait_for CMD: poll until CMD succeeds, at most 300 s.
wait_for() {
	i=0
	until eval "$1"; do
		i=$((i + 1)); [ $i -lt 3000 ] || { echo "bench/tui: timed out: $1"; exit 1; }
		sleep 0.1
	done
}
tmux -L "$sock" -f /dev/null start-server \; set -g default-terminal tmux-256color \; \
	new-session -d -x 120 -y 40 -c "$work" \
	"env LANG=C.UTF-8 PERFGUARD_TUI_TRACE=$work/trace $pg tui 2>$work/err; echo \$? >$work/exit"
wait_for 'grep -q "^snapshot" trace 2>/dev/null'
# Move through the tree: each key redraws and loads a trend.
for i in $(seq 1 60); do tmux -L "$sock" send-keys j; sleep 0.03; done
tmux -L "$sock" send-keys G; sleep 0.2
tmux -L "$sock" send-keys C-l; sleep 0.2
tmux -L "$sock" send-keys 4 j j Enter; sleep 0.5
tmux -L "$sock" send-keys Escape q
wait_for 'test -s exit'
[ "$(cat exit)" = 0 ] || { echo "bench/tui: perfguard tui exited $(cat exit)"; cat err; exit 1; }

awk '
/^frame/ { t[$2] = $4; d = $6; if ($8 == 1 && $10 > 0) { if (!first) { first = $4; full = d } else draws[n++] = d } }
/^snapshot/ { if (!load) load = $7 }
/^frames/ { rss = $4 }
END {
	printf "bench/tui: first frame %.1f ms, first frame with data %.1f ms (snapshot load %s ms on the reader)\n", t[1], first, load
	printf "bench/tui: redraw of every pane %.0f us\n", full
	# the frames that drew something after a key or a message
	for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (draws[j] < draws[i]) { x = draws[i]; draws[i] = draws[j]; draws[j] = x }
	if (n) printf "bench/tui: redraw after a key or message: median %.0f us, p95 %.0f us, max %.0f us over %d frames\n", draws[int(n / 2)], draws[int(n * 0.95)], draws[n - 1], n
	printf "bench/tui: peak RSS %.1f MiB\n", rss / 1024
}' trace
