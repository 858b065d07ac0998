#!/bin/sh
# examples/demo.sh, run without a terminal in a copy of examples/: what it
# says at the end agrees with the database (an alert is named only when one
# was raised) and with the gate's exit status, whether or not this
# machine's noise let the slowdown be confirmed.
src=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"

# Run the demo in a fresh copy with PERFGUARD_DEMO_SLOWDOWN=$1 on the
# benchmarks $2 (all when empty); its output goes to demo.out, its
# workspace is $WORK/top/demo.
run_demo() {
	rm -rf "$WORK/top" && mkdir -p "$WORK/top" &&
	cp -r "$src/examples" "$WORK/top/" &&
	PERFGUARD_DEMO_SLOWDOWN=$1 PERFGUARD_DEMO_ONLY=$2 \
		sh "$WORK/top/examples/demo.sh" "$PERFGUARD" </dev/null >demo.out 2>&1
}

# Check demo.out against the workspace's alerts and gate.
check_demo() {
	ws="$WORK/top/demo"
	gate=0
	pg -c "$ws/perfguard.json" gate >/dev/null 2>&1 || gate=$?
	expect_contains demo.out "(gate exit status $gate:" &&
	pg -c "$ws/perfguard.json" alerts list --json >alerts.json &&
	python3 - "$1" "$ws" "$PERFGUARD" <<-'PY'
	import json, sys
	pct, ws, pg = int(sys.argv[1]), sys.argv[2], sys.argv[3]
	alerts = json.load(open("alerts.json"))
	out = open("demo.out").read()
	lines = [l for l in out.splitlines() if l.strip()]
	last = lines[-1]
	mine = [a for a in alerts if a["benchmark"] == "ai_providers/prompt_build"]
	if mine:
	    a = mine[0]
	    assert "== alert %d raised: ai_providers/prompt_build changed %+.1f%% (%s)" % (
	        a["id"], a["change_pct"], a["severity"]) in out, out
	    assert last == "In %s: '%s tui' opens the dashboard; '%s alerts show %d' explains the alert." % (
	        ws, pg, pg, a["id"]), last
	    assert "no alert on" not in out, out
	else:
	    assert "alert" not in last or "no alert was raised" in last, last
	    assert "alerts show" not in last, last
	    if pct > 100:
	        assert "noise was too high to\n   confirm its %d%% slowdown" % (pct - 100) in out, out
	    else:
	        assert "no alert on ai_providers/prompt_build: it did not get slower" in out, out
	    assert " raised: " not in out, out
	for a in alerts:
	    if a not in mine:
	        assert "== alert %d on %s" % (a["id"], a["benchmark"]) in out, out
	print("alerts:", [(a["id"], a["benchmark"]) for a in alerts], file=sys.stderr)
	PY
}

expect_success 'the demo names the alert only when the database holds it' '
	run_demo 130 "" &&
	expect_contains demo.out "ai_providers/prompt_build gets 30% slower" &&
	check_demo 130
'

expect_success 'without a slowdown the demo says no alert was raised on it' '
	run_demo 100 "ai_providers/*" &&
	expect_contains demo.out "prompt_build does 100% of its work" &&
	check_demo 100
'

expect_success 'a bad PERFGUARD_DEMO_SLOWDOWN is refused' '
	! run_demo 1x3 ai_providers/prompt_build && expect_contains demo.out "expected a percentage"
'

finish
