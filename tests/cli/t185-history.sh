#!/bin/sh
# Issue 17 end to end: a history fed through real `perfguard run`s, each
# benchmark a custom metric read from a file whose level the test sets
# before every run (seeded run-to-run noise of 3%, AR(1) 0.5, like a shared
# CI machine; a -1%..+1% cycle inside a run). The defaults judge it: the
# first 5 runs propose the baselines, approved; then 25 more runs. The
# unchanged benchmarks raise no alert and no proposal; the one that creeps
# 1% a run from run 12 gets a drift alert with a real interval.
. "$(dirname "$0")/lib.sh"

cat > val.sh <<'SH'
f=$1; n=$(cat "$f.n" 2>/dev/null || echo 0); echo $((n + 1)) > "$f.n"
awk -v b="$(cat "$f.val")" -v n="$n" 'BEGIN { printf "v %.6f\n", b * (1 + 0.01 * (n % 3 - 1)) }' > "$PERFGUARD_METRICS"
SH
cat > perfguard.json <<'JSON'
{"defaults": {"runs": 3, "warmup": 0},
 "components": [{"name": "app", "benchmarks": [
  {"name": "b0", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower", "command": ["sh", "val.sh", "b0"]},
  {"name": "b1", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower", "command": ["sh", "val.sh", "b1"]},
  {"name": "b2", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower", "command": ["sh", "val.sh", "b2"]},
  {"name": "creep", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower", "command": ["sh", "val.sh", "creep"]}]}]}
JSON
q() { sqlite3 .perfguard/perfguard.db "$1"; }

# The level of every benchmark at each of 40 runs, one line a run: seeded
# AR(1) 0.5 noise of 3% around 100; creep adds 1% a run from run 12.
python3 - > levels.txt <<'PY'
import random
rng = random.Random(17)
names = ["b0", "b1", "b2", "creep"]
eff = {n: rng.gauss(0, 0.03) for n in names}
for t in range(1, 41):
    row = []
    for n in names:
        if t > 1:
            eff[n] = 0.5 * eff[n] + (1 - 0.25) ** 0.5 * rng.gauss(0, 0.03)
        mu = 100 * (1 + (0.01 * (t - 11) if n == "creep" and t >= 12 else 0))
        row.append("%.4f" % (mu * (1 + eff[n])))
    print(" ".join(row))
PY

# Run the suite once at line $1 of levels.txt.
run_at() {
	set -- $(sed -n "${1}p" levels.txt)
	echo "$1" > b0.val; echo "$2" > b1.val; echo "$3" > b2.val; echo "$4" > creep.val
	pg run --no-noise-warnings >>runs.txt
}

expect_success 'the first 5 runs propose the baselines (baseline_runs defaults to 5)' '
	for t in 1 2 3 4; do run_at $t; done &&
	test "$(q "SELECT count(*) FROM baseline")" = 0 &&
	run_at 5 &&
	test "$(q "SELECT count(*) FROM baseline WHERE reason = '"'"'first 5 runs'"'"'")" = 4 &&
	pg baseline approve 1 2 3 4 >/dev/null
'

expect_success '25 more runs: no alert nor proposal on the unchanged ones, drift on the creep' '
	for t in $(seq 6 30); do run_at $t || exit 1; done &&
	pg alerts list --json >alerts.json &&
	pg baseline list --state proposed --json >proposed.json &&
	python3 - <<-"PY"
	import json
	alerts = json.load(open("alerts.json"))
	proposed = json.load(open("proposed.json"))
	others = [a for a in alerts if a["benchmark"] != "app/creep"]
	assert not others, others
	assert all(b["benchmark"] == "app/creep" for b in proposed), proposed
	drift = [a for a in alerts if a["benchmark"] == "app/creep" and a["kind"] == "drift"]
	assert len(drift) == 1, alerts
	a = drift[0]
	assert a["ci_low_pct"] < a["change_pct"] < a["ci_high_pct"], a
	assert a["change_pct"] >= 5, a
	PY
'

expect_success 'the unchanged runs were judged on run means, not on their samples' '
	expect_contains runs.txt "judged on run means: between-run noise" &&
	expect_contains runs.txt "5 baseline runs"
'

expect_success 'the gate fails on the open drift alert at its level, and a dismissal excuses it' '
	id=$(python3 -c "import json; print([a for a in json.load(open(\"alerts.json\")) if a[\"kind\"] == \"drift\"][0][\"id\"])") &&
	expect_exit 1 pg gate --fail-on minor &&
	expect_contains .out "FAIL app/creep: " &&
	expect_contains .out " drift +" &&
	expect_contains .out "alert $id, new" &&
	expect_contains .out "gate: FAIL: 1 benchmark at minor or worse" &&
	pg alerts invalid "$id" --note "the creep is the test" >/dev/null &&
	expect_exit 0 pg gate --fail-on minor &&
	expect_contains .out "pass app/creep: "
'

expect_success 'the creep goes on past the dismissed severity: a new drift alert names it, the gate fails' '
	for t in $(seq 31 40); do run_at $t || exit 1; done &&
	pg alerts list --json >alerts2.json &&
	python3 - <<-"PY" &&
	import json
	old = [a for a in json.load(open("alerts.json")) if a["kind"] == "drift"][0]
	drift = [a for a in json.load(open("alerts2.json")) if a["kind"] == "drift"]
	assert len(drift) == 2, drift
	new = [a for a in drift if a["id"] != old["id"]][0]
	sev = ["minor", "moderate", "major", "critical"]
	assert sev.index(new["severity"]) > sev.index(old["severity"]), (old, new)
	assert "worse than dismissed alert %d" % old["id"] in new["detail"], new
	PY
	expect_exit 1 pg gate --fail-on minor
'

finish
