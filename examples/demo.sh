#!/bin/sh
# make demo: a workspace from examples/, run the AICleaner-like suite, show it.
set -e
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
ws="$top/demo"
mkdir -p "$ws"
cp "$top/examples/perfguard.json" "$ws/"
rm -rf "$ws/bench" && cp -r "$top/examples/bench" "$ws/bench"
cd "$ws"
echo "== perfguard demo workspace: $ws"
echo "== perfguard run (every sample goes to $ws/.perfguard/perfguard.db)"
"$bin" run
echo
echo "== perfguard list"
"$bin" list
echo
echo "== perfguard history ai_providers/prompt_build"
"$bin" history ai_providers/prompt_build
echo
echo "Try: cd demo && ../build/perfguard run 'zone_manager/*' && ../build/perfguard history zone_manager/zone_lookup"
