#!/bin/sh
# make demo: a workspace from examples/, the AICleaner-like suite run twice
# (the second time with a regression), then the results, alerts and gate,
# and the dashboard when this is a terminal.
set -e
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
ws="$top/demo"
rm -rf "$ws"
mkdir -p "$ws"
cp "$top/examples/perfguard.json" "$ws/"
cp -r "$top/examples/bench" "$ws/bench"
cd "$ws"
pg() { echo "\$ perfguard $*"; "$bin" "$@"; }

echo "== demo workspace: $ws (every sample goes to .perfguard/perfguard.db)"
pg run
echo
echo "== the first run proposed a baseline per benchmark; approve them all"
ids=$("$bin" baseline list --state proposed | awk 'NR > 1 { print $1 }')
# shellcheck disable=SC2086
pg baseline approve $ids --note "demo: first run" >/dev/null
pg baseline list
echo
echo "== ai_providers/prompt_build gets 30% slower; run again"
echo 130 > slowdown
pg run
echo
pg alerts list
echo
pg gate || echo "(gate exit status $?: the regression fails CI)"
echo
if [ -t 0 ] && [ -t 1 ] && "$bin" help tui >/dev/null 2>&1; then
	echo "== the dashboard: q quits"
	sleep 2
	exec "$bin" tui
fi
echo "In $ws: '$bin tui' opens the dashboard; '$bin alerts show 1' explains the alert."
