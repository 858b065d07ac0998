#!/bin/sh
# "runs": "auto" and perfguard measure --runs auto: the sample sized by
# precision stops when precise, at max_runs or before the budget, and says
# why (output, --json, the database, history --json). Values come from
# files the test writes, so what is precise does not depend on the machine.
. "$(dirname "$0")/lib.sh"

# vals.steady: within +-0.1% of 100; vals.wobbly: 50 and 150 alternating.
i=0
: > vals.steady
: > vals.wobbly
while [ $i -lt 60 ]; do
	case $((i % 4)) in
	0) echo 100 ;; 1) echo 100.1 ;; 2) echo 99.9 ;; 3) echo 100.05 ;;
	esac >> vals.steady
	if [ $((i % 2)) -eq 0 ]; then echo 50; else echo 150; fi >> vals.wobbly
	i=$((i + 1))
done

# A custom benchmark reporting line n of file $1 at its n-th run.
reader() {
	printf '"setup": "echo 0 > n.%s", "command": "n=$(($(cat n.%s) + 1)); echo $n > n.%s; echo \\"val $(sed -n ${n}p %s)\\" > \\"$PERFGUARD_METRICS\\""' "$1" "$1" "$1" "$1"
}

cat > perfguard.json <<JSON
{
  "defaults": {"warmup": 0},
  "baseline_runs": 1, "components": [
    {"name": "auto", "benchmarks": [
      {"name": "steady", "type": "custom", "metric": "val", "direction": "lower",
       "runs": "auto", $(reader vals.steady)},
      {"name": "wobbly", "type": "custom", "metric": "val", "direction": "lower",
       "runs": "auto", "max_runs": 12, $(reader vals.wobbly)},
      {"name": "slow", "type": "latency", "command": ["sleep", "0.3"],
       "runs": "auto", "budget": 1, "max_runs": 100},
      {"name": "fixed", "type": "custom", "metric": "val", "direction": "lower",
       "runs": 7, $(reader vals.wobbly)}
    ]}
  ]
}
JSON

expect_success 'run sizes each auto benchmark and says why it stopped' '
	pg run --no-noise-warnings >out.txt 2>err.txt &&
	expect_contains out.txt "run 1: complete" &&
	grep -A1 "^auto/steady " out.txt | grep -Eq "^    runs: 5 \((precise: (±|\+/-)0\.[0-9]% at 95%)\)$" &&
	grep -A1 "^auto/wobbly " out.txt | grep -Eq "^    runs: 12 \(max_runs reached: (±|\+/-)[0-9.]+%, target (±|\+/-)2%\)$" &&
	grep -A1 "^auto/slow " out.txt | grep -Eq "^    runs: [0-9]+ \(budget of 1 s reached: " &&
	! grep -A1 "^auto/fixed " out.txt | grep -q "^    runs:"
'

db=.perfguard/perfguard.db
expect_success 'the database keeps the stop reason and the precision reached' '
	q() { sqlite3 "$db" "SELECT r.n || \"|\" || r.stop_reason FROM result r JOIN benchmark b ON b.id = r.benchmark_id WHERE b.name = \"$1\""; } &&
	test "$(q steady)" = "5|precise" &&
	test "$(q wobbly)" = "12|max_runs" &&
	test "$(q fixed)" = "7|runs" &&
	slow=$(q slow) && test "${slow#*|}" = budget && test "${slow%|*}" -lt 100 &&
	test "$(sqlite3 "$db" "SELECT half_width_pct < 2 FROM result WHERE n = 5")" = 1 &&
	test "$(samples "$db" "SELECT count(*) FROM sample s JOIN benchmark b ON b.id = s.benchmark_id WHERE b.name = \"wobbly\"")" = 12 &&
	test "$(sqlite3 "$db" "PRAGMA user_version")" = 8
'

expect_success 'run --json has the runs object of an auto benchmark' '
	pg run --json --no-noise-warnings auto/steady auto/wobbly auto/fixed >run.json 2>/dev/null &&
	python3 - <<-PY
	import json
	b = {x["name"]: x for x in json.load(open("run.json"))["benchmarks"]}
	r = b["steady"]["runs"]
	assert r["mode"] == "auto" and r["n"] == 5 and r["stop_reason"] == "precise", r
	assert 0 <= r["half_width_pct"] < 2 and r["target_pct"] == 2, r
	r = b["wobbly"]["runs"]
	assert r["n"] == 12 and r["stop_reason"] == "max_runs" and r["half_width_pct"] > 2, r
	assert "runs" not in b["fixed"], b["fixed"]
	PY
'

expect_success 'history --json shows the stop reason of every run' '
	pg history --json auto/wobbly >h.json &&
	python3 - <<-PY
	import json
	runs = json.load(open("h.json"))["runs"]
	assert [r["stop_reason"] for r in runs] == ["max_runs", "max_runs"], runs
	assert all(r["half_width_pct"] > 2 for r in runs), runs
	PY
	pg history --json auto/fixed | grep -q "\"stop_reason\":[[:space:]]*\"runs\""
'

expect_success 'a bad runs value or an auto key without auto is a config error' '
	sed "s/\"runs\": 7/\"runs\": \"many\"/" perfguard.json > bad.json &&
	expect_exit 2 pg -c bad.json run &&
	expect_contains .err "components[0].benchmarks[3].runs: expected a positive integer or \"auto\", got \"many\"" &&
	sed "s/\"runs\": 7/\"runs\": 7, \"precision\": 1/" perfguard.json > bad.json &&
	expect_exit 2 pg -c bad.json run &&
	expect_contains .err "components[0].benchmarks[3].precision: needs \"runs\": \"auto\""
'

expect_success 'measure --runs auto stops at max_runs when the target is out of reach' '
	pg measure --runs auto --max-runs 8 --precision 1e-9 -- true >m.txt &&
	grep -Eq "^Runs: +8 \(max_runs reached: (±|\+/-)[0-9.]+%, target (±|\+/-)1e-09%\)" m.txt &&
	pg measure --json --runs auto --max-runs 8 --precision 1e-9 -- true >m.json &&
	python3 - <<-PY
	import json
	m = json.load(open("m.json"))
	assert m["runs"] == 8 and len(m["samples"]) == 8, m["runs"]
	assert m["stop_reason"] == "max_runs" and m["target_pct"] == 1e-9, m
	PY
'

expect_success 'measure --runs auto stops before the budget' '
	pg measure --runs auto --budget 1 --max-runs 100 --warmup 0 -- sleep 0.3 >b.txt &&
	grep -Eq "^Runs: +[1-9] \(budget of 1 s reached" b.txt
'

expect_success 'measure checks the options of --runs auto' '
	expect_exit 2 pg measure --max-runs 8 -- true &&
	expect_contains .err "--max-runs needs --runs auto" &&
	expect_exit 2 pg measure --runs auto --min-runs 9 --max-runs 8 -- true &&
	expect_contains .err "--min-runs 9 is more than --max-runs 8" &&
	expect_exit 2 pg measure --runs auto --min-runs 1 -- true &&
	expect_contains .err "--min-runs: expected an integer between 2 and 1000000" &&
	expect_exit 2 pg measure --runs auto --precision 0 -- true &&
	expect_contains .err "--precision: expected a percentage" &&
	expect_exit 2 pg measure --runs auto --budget -1 -- true &&
	expect_contains .err "--budget: expected a number of seconds" &&
	expect_exit 2 pg measure --runs many -- true &&
	expect_contains .err "--runs: expected an integer between 1 and 1000000"
'

finish
