#!/bin/sh
# perfguard init, run, list and history on real commands and a real database.
. "$(dirname "$0")/lib.sh"

expect_success 'init writes an example that runs' '
	mkdir fresh && cd fresh &&
	pg init >/dev/null && test -s perfguard.json &&
	expect_exit 2 pg init &&
	expect_contains "$WORK/.err" "already exists" &&
	pg init --force >/dev/null &&
	pg run >out.txt &&
	expect_contains out.txt "core/startup" &&
	expect_contains out.txt "core/ratio" &&
	expect_contains out.txt "complete"
'

cat > suite.json <<'JSON'
{
  "defaults": {"runs": 4, "warmup": 2, "env": {"GREETING": "hello"}},
  "baseline_runs": 1, "components": [
    {"name": "alpha", "benchmarks": [
      {"name": "sleep", "type": "latency", "command": ["sleep", "0.02"]},
      {"name": "cpu", "type": "cpu", "command": ["awk", "BEGIN { for (i = 0; i < 300000; i++) s += i }"]},
      {"name": "mem", "type": "memory", "command": ["sh", "-c", "x=$(head -c 3000000 /dev/zero | tr \"\\\\0\" a); echo ${#x} > /dev/null"]}
    ]},
    {"name": "beta", "benchmarks": [
      {"name": "tput", "type": "throughput", "command": "sleep 0.01", "ops": 50},
      {"name": "reported", "type": "throughput", "command": "echo ops 200 > \"$PERFGUARD_METRICS\"; sleep 0.01"},
      {"name": "env", "type": "custom", "metric": "len", "unit": "chars", "direction": "higher",
       "command": "echo \"len ${#GREETING}\" > \"$PERFGUARD_METRICS\"; echo \"note 1\" >> \"$PERFGUARD_METRICS\""},
      {"name": "flaky", "type": "error_rate", "runs": 6, "warmup": 0,
       "setup": "echo 0 > n", "cleanup": "rm n",
       "command": "n=$(($(cat n) + 1)); echo $n > n; [ $((n % 3)) -ne 0 ]"},
      {"name": "steps", "type": "latency", "runs": 3, "warmup": 1,
       "setup": "echo setup >> steps.log", "prepare": "echo prepare >> steps.log",
       "cleanup": "echo cleanup >> steps.log", "command": "echo run >> steps.log"}
    ]}
  ]
}
JSON
export PERFGUARD_CONFIG=suite.json

expect_success 'run stores every sample and prints a table' '
	pg run >out.txt &&
	expect_contains out.txt "alpha/sleep" && expect_contains out.txt "run 1: complete" &&
	test "$(samples .perfguard/perfguard.db "SELECT count(*) FROM sample")" = 33 &&
	test "$(sqlite3 .perfguard/perfguard.db "SELECT status FROM run")" = complete
'

expect_success 'values are in the unit of each type' '
	pg run --json alpha/sleep beta/tput beta/reported > run.json &&
	python3 - <<-PY
	import json
	r = json.load(open("run.json"))
	b = {x["id"]: x for x in r["benchmarks"]}
	assert r["status"] == "complete"
	assert len(b) == 3, b.keys()
	s = b["alpha/sleep"]
	assert s["unit"] == "ms" and s["n"] == 4 and len(s["samples"]) == 4
	assert 19 < s["min"] < 200, s
	t = b["beta/tput"]
	assert t["unit"] == "ops/s" and t["direction"] == "higher"
	assert 300 < t["mean"] < 5001, t          # 50 ops in >= 10 ms
	assert 1000 < b["beta/reported"]["mean"] < 20001
	PY
'

expect_success 'cpu, memory, custom and error_rate record what they promise' '
	pg run --json "alpha/cpu" "alpha/mem" "beta/env" "beta/flaky" > run2.json &&
	python3 - <<-PY
	import json
	b = {x["id"]: x for x in json.load(open("run2.json"))["benchmarks"]}
	assert b["alpha/cpu"]["unit"] == "ms" and b["alpha/cpu"]["mean"] > 1, b["alpha/cpu"]
	assert b["alpha/mem"]["unit"] == "KiB" and b["alpha/mem"]["min"] > 2900, b["alpha/mem"]
	assert b["beta/env"]["samples"] == [5, 5, 5, 5], b["beta/env"]
	f = b["beta/flaky"]
	assert f["ok"] and f["samples"] == [0, 0, 100, 0, 0, 100], f
	assert abs(f["mean"] - 100 / 3) < 1e-9
	PY
'

expect_success 'custom metrics of every run are kept' '
	test "$(samples .perfguard/perfguard.db "SELECT count(*) FROM sample_metric m JOIN sample s USING (run_id, benchmark_id, seq) WHERE m.name = '"'"'note'"'"'")" = 8
'

expect_success 'setup, prepare and cleanup run in order' '
	pg run beta/steps >/dev/null &&
	test "$(grep -c prepare steps.log)" = 8 &&
	test "$(head -n 1 steps.log)" = setup && test "$(tail -n 1 steps.log)" = cleanup &&
	test "$(sed -n 2,3p steps.log | tr "\n" " ")" = "prepare run "
'

expect_success 'list shows every benchmark with stored runs' '
	pg list >list.txt &&
	expect_contains list.txt "beta/flaky" &&
	pg list --json > list.json &&
	python3 -c "
import json
l = {x[\"id\"]: x for x in json.load(open(\"list.json\"))}
assert len(l) == 8, l
assert l[\"alpha/sleep\"][\"stored_runs\"] == 2
assert l[\"beta/steps\"][\"stored_runs\"] == 2
assert l[\"alpha/mem\"][\"latest\"][\"mean\"] > 2900
"
'

expect_success 'history has a row per run, oldest first' '
	pg history alpha/sleep > hist.txt &&
	test "$(grep -c complete hist.txt)" = 2 &&
	pg history --json --limit 1 alpha/sleep > hist.json &&
	python3 -c "
import json
h = json.load(open(\"hist.json\"))
assert h[\"unit\"] == \"ms\" and len(h[\"runs\"]) == 1 and h[\"runs\"][0][\"run_id\"] == 2, h
"
'

expect_success 'history of an unknown benchmark or bad argument is a usage error' '
	expect_exit 2 pg history alpha/nope &&
	expect_contains .err "no benchmark '"'"'alpha/nope'"'"'" &&
	expect_exit 2 pg history nonsense &&
	expect_exit 2 pg history --limit 0 alpha/sleep &&
	expect_exit 2 pg --db nowhere.db history alpha/sleep &&
	expect_contains .err "no database at nowhere.db"
'

expect_success '--db and PERFGUARD_DB choose the database' '
	pg --db other.db run alpha/sleep >/dev/null && test -s other.db &&
	PERFGUARD_DB=third.db pg run alpha/sleep >/dev/null && test -s third.db &&
	test "$(stat -c %a third.db)" = 600
'

expect_success 'the git revision is recorded in a work tree' '
	git init -q . && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m x &&
	pg run alpha/sleep >/dev/null &&
	test "$(sqlite3 .perfguard/perfguard.db "SELECT git_rev FROM run ORDER BY id DESC LIMIT 1")" = "$(git rev-parse HEAD)"
'

finish
