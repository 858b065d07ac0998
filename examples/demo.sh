#!/bin/sh
# make demo: a workspace from examples/, the AICleaner-like suite run five
# times (its baselines summarise five runs, baseline_runs) and once more
# with a regression, then the results, alerts and gate,
# and the dashboard when this is a terminal. What it says at the end comes
# from the database: on a loaded machine the slowdown may not be confirmed.
# PERFGUARD_DEMO_SLOWDOWN: prompt_build's work in the second run, in percent
# of the first (default 130; 100 changes nothing). PERFGUARD_DEMO_ONLY:
# benchmark patterns to run instead of all (quicker, for tests).
set -e
pct=${PERFGUARD_DEMO_SLOWDOWN:-130}
case $pct in
'' | *[!0-9]*) echo "PERFGUARD_DEMO_SLOWDOWN: expected a percentage, got '$pct'" >&2; exit 2 ;;
esac
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
ws="$top/demo"
rm -rf "$ws"
mkdir -p "$ws"
cp "$top/examples/perfguard.json" "$ws/"
cp -r "$top/examples/bench" "$ws/bench"
cd "$ws"
pg() { echo "\$ perfguard $*"; "$bin" "$@"; }

only=${PERFGUARD_DEMO_ONLY:-}
echo "== demo workspace: $ws (every sample goes to .perfguard/perfguard.db)"
# shellcheck disable=SC2086
pg run $only
echo
echo "== four more runs: a baseline summarises five (baseline_runs), so that it knows"
echo "   how much this machine's runs differ from each other"
for i in 2 3 4 5; do
	# shellcheck disable=SC2086
	"$bin" run --no-noise-warnings $only >/dev/null
	echo "   run $i done"
done
echo
echo "== the first five runs proposed a baseline per benchmark; approve them all"
ids=$("$bin" baseline list --state proposed | awk 'NR > 1 { print $1 }')
# shellcheck disable=SC2086
pg baseline approve $ids --note "demo: first five runs" >/dev/null
pg baseline list
echo
if [ "$pct" -gt 100 ]; then
	echo "== ai_providers/prompt_build gets $((pct - 100))% slower; run again"
else
	echo "== ai_providers/prompt_build does $pct% of its work; run again"
fi
echo "$pct" > slowdown
# shellcheck disable=SC2086
pg run $only
echo
pg alerts list
echo
gate=0
pg gate || gate=$?
case $gate in
0) echo "(gate exit status 0: nothing at the fail level is confirmed, CI would pass)" ;;
1) echo "(gate exit status 1: a confirmed regression fails CI)" ;;
*) echo "(gate exit status $gate: the gate could not judge, see above)" ;;
esac
echo

# The alerts of the second run, from the database: "id benchmark severity change".
alerts=$("$bin" alerts list --json | python3 -c '
import json, sys
for a in json.load(sys.stdin):
    print(a["id"], a["benchmark"], a["severity"], "%+.1f%%" % a["change_pct"])')
mine=$(printf '%s\n' "$alerts" | awk '$2 == "ai_providers/prompt_build" { print $1; exit }')
if [ -n "$mine" ]; then
	printf '%s\n' "$alerts" | awk -v id="$mine" '$1 == id {
		printf "== alert %s raised: %s changed %s (%s)\n", $1, $2, $4, $3 }'
elif [ "$pct" -gt 100 ]; then
	echo "== no alert on ai_providers/prompt_build: this run's noise was too high to"
	echo "   confirm its $((pct - 100))% slowdown: its verdict above says how large a"
	echo "   change that noise hides. On a quieter machine, 'make demo' again; or, in $ws,"
	echo "   '$bin run ai_providers/prompt_build' measures it again."
else
	echo "== no alert on ai_providers/prompt_build: it did not get slower"
fi
printf '%s\n' "$alerts" | awk -v id="$mine" -v bin="$bin" 'NF && $1 != id {
	printf "== alert %s on %s (%s, %s): nothing changed there, so the machine'"'"'s noise\n", $1, $2, $4, $3
	printf "   raised it; '"'"'%s alerts invalid %s'"'"' dismisses it\n", bin, $1 }'
echo
if [ -t 0 ] && [ -t 1 ] && "$bin" help tui >/dev/null 2>&1; then
	echo "== the dashboard: q quits"
	sleep 2
	exec "$bin" tui
fi
if [ -n "$mine" ]; then
	echo "In $ws: '$bin tui' opens the dashboard; '$bin alerts show $mine' explains the alert."
else
	echo "In $ws: '$bin tui' opens the dashboard; no alert was raised on ai_providers/prompt_build."
fi
