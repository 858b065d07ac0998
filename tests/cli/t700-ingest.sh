#!/bin/sh
# perfguard ingest: results of hyperfine, Google Benchmark, pytest-benchmark
# and the generic list, from files the real tools wrote
# (tests/data/ingest/make.sh made them), analysed like any run.
DATA=$(cd "$(dirname "$0")/../data/ingest" && pwd)
. "$(dirname "$0")/lib.sh"

cat > perfguard.json <<'JSON'
{"baseline_runs": 1, "auto_baseline": "approve", "components": [{"name": "local",
 "benchmarks": [{"name": "noop", "type": "latency", "command": ["true"]}]}]}
JSON
q() { sqlite3 .perfguard/perfguard.db "$1"; }
counts() { samples .perfguard/perfguard.db "SELECT (SELECT count(*) FROM run) || ' ' || (SELECT count(*) FROM sample) || ' ' ||
	(SELECT count(*) FROM benchmark) || ' ' || (SELECT count(*) FROM baseline) || ' ' ||
	(SELECT count(*) FROM audit_log)"; }

expect_success 'hyperfine: times are the samples (ms), exit codes an error rate, trigger ingest' '
	expect_exit 0 pg ingest --json --component cmds --note "nightly" "$DATA/hyperfine.json" &&
	python3 - .out "$DATA/hyperfine.json" <<-PY
	import json, sys
	d = json.load(open(sys.argv[1])); h = json.load(open(sys.argv[2]))
	assert d["status"] == "complete" and d["trigger"] == "ingest", d
	b = {x["id"]: x for x in d["benchmarks"]}
	assert sorted(b) == ["cmds/idle", "cmds/idle:errors", "cmds/work", "cmds/work:errors"], b
	for r in h["results"]:
	    x = b["cmds/" + r["command"]]
	    assert x["format"] == "hyperfine" and x["unit"] == "ms" and x["type"] == "latency"
	    assert all(abs(a - t * 1e3) < 1e-9 for a, t in zip(x["samples"], r["times"])), x
	    assert abs(x["mean"] - r["mean"] * 1e3) < 1e-6, (x["mean"], r["mean"])
	    e = b["cmds/" + r["command"] + ":errors"]
	    assert e["type"] == "error_rate" and e["samples"] == [0] * len(r["times"]), e
	    assert x["comparison"]["verdict"] == "no_baseline" and "proposed_baseline_id" in x
	PY
	test "$(q "SELECT trigger || \" \" || status FROM run")" = "ingest complete" &&
	test "$(q "SELECT count(*) FROM baseline WHERE state = '"'"'approved'"'"'")" = 4 &&
	pg log >log.txt && expect_contains log.txt "ingested" && expect_contains log.txt "nightly"
'

expect_success 'hyperfine: the same commands five times slower are a regression; --gate fails' '
	expect_exit 1 pg ingest --gate --component cmds "$DATA/hyperfine-slow.json" &&
	expect_contains .out "cmds/work" && expect_contains .out "regression (critical)" &&
	expect_contains .out "gate: FAIL" &&
	test "$(q "SELECT kind || \" \" || severity FROM alert")" = "regression critical" &&
	expect_exit 1 pg gate --run 2 && expect_exit 0 pg gate --run 1
'

expect_success 'hyperfine: a single run (stddev null) and a parameter scan' '
	grep -q "\"stddev\": null" "$DATA/hyperfine-single.json" &&
	expect_exit 0 pg ingest --json "$DATA/hyperfine-single.json" "$DATA/hyperfine-params.json" &&
	python3 - .out <<-PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	b = {x["id"]: x for x in d["benchmarks"]}
	assert b["hyperfine-single/sleep 0.01"]["n"] == 1, b
	assert b["hyperfine-params/sleep 0.01"]["n"] == 3 and b["hyperfine-params/sleep 0.02"]["n"] == 3
	PY
'

expect_success 'gbench: repetitions are the samples; NaN counters dropped; errors reported' '
	expect_exit 3 pg ingest --json "$DATA/gbench.json" &&
	expect_contains .err "built as debug" &&
	expect_contains .err "gbench.json: BM_StringCopy/8: counters that are NaN or infinite were not kept" &&
	expect_contains .err "gbench/BM_Fail: Google Benchmark reported an error: no fixture" &&
	python3 - .out "$DATA/gbench.json" <<-PY
	import json, math, re, sys
	d = json.load(open(sys.argv[1]))
	g = json.loads(re.sub(r"\bNaN\b", "null", open(sys.argv[2]).read()))
	b = {x["id"]: x for x in d["benchmarks"]}
	assert d["status"] == "failed", d
	it = [x["real_time"] for x in g["benchmarks"]
	      if x["run_name"] == "BM_StringCopy/8" and x["run_type"] == "iteration"]
	x = b["gbench/BM_StringCopy/8"]
	assert len(it) == 5 and x["samples"] == it and x["unit"] == "ns", (x, it)
	assert not x["aggregate_only"]
	assert b["gbench/BM_Fail"]["ok"] is False and "no fixture" in b["gbench/BM_Fail"]["error"]
	PY
	test "$(q "SELECT group_concat(name) FROM (SELECT DISTINCT m.name FROM sample_metric m
		JOIN benchmark b ON b.id = m.benchmark_id
		WHERE b.name = '"'"'BM_StringCopy/8'"'"' ORDER BY m.name)")" = "bytes_per_second,cpu_time,rate" &&
	test "$(q "SELECT status FROM run ORDER BY id DESC LIMIT 1")" = failed
'

expect_success 'gbench: an aggregate-only file is kept as such and said so; compared by run means' '
	! grep -q "\"run_type\": \"iteration\"" "$DATA/gbench-aggregates.json" &&
	cat > agg.json <<-JSON
	{"baseline_runs": 2, "auto_baseline": "approve", "components": [{"name": "local",
	 "benchmarks": [{"name": "noop", "type": "latency", "command": ["true"]}]}]}
	JSON
	for i in 1 2 3; do pg -c agg.json ingest --json --component agg "$DATA/gbench-aggregates.json" >agg$i.out; done &&
	expect_contains agg3.out "aggregate-only" &&
	python3 - agg3.out "$DATA/gbench-aggregates.json" <<-PY
	import json, sys
	d = json.load(open(sys.argv[1])); g = json.load(open(sys.argv[2]))
	mean = [x for x in g["benchmarks"] if x["name"] == "BM_StringCopy/8_mean"][0]
	med = [x for x in g["benchmarks"] if x["name"] == "BM_StringCopy/8_median"][0]
	x = {b["id"]: b for b in d["benchmarks"]}["agg/BM_StringCopy/8"]
	close = lambda a, b: abs(a - b) <= 1e-12 * abs(b)
	assert x["aggregate_only"] and len(x["samples"]) == 1, x
	assert close(x["samples"][0], mean["real_time"]) and close(x["mean"], mean["real_time"]), x
	assert x["n"] == 5 and close(x["median"], med["real_time"]), x
	assert "cannot be recomputed" in x["note"], x
	c = x["comparison"]
	assert c["test"] == "runs" and c["verdict"] == "no_change", c
	PY
'

expect_success 'pytest-benchmark: groups are components, params in names, rounds the samples, the commit the revision' '
	expect_exit 0 pg ingest --json "$DATA/pytest-benchmark.json" &&
	python3 - .out "$DATA/pytest-benchmark.json" <<-PY
	import json, sys
	d = json.load(open(sys.argv[1])); p = json.load(open(sys.argv[2]))
	b = {x["id"]: x for x in d["benchmarks"]}
	assert sorted(b) == ["parse/test_parse[100]", "parse/test_parse[10]", "render/test_render"], b
	for e in p["benchmarks"]:
	    x = b[e["group"] + "/" + e["name"]]
	    assert len(x["samples"]) == len(e["stats"]["data"]) > 0, x
	    assert all(abs(a - s * 1e3) < 1e-12 for a, s in zip(x["samples"], e["stats"]["data"]))
	assert d["git_rev"] == p["commit_info"]["id"], d["git_rev"]
	assert d["environment"]["host"] == p["machine_info"]["node"], d["environment"]
	PY
	test "$(q "SELECT git_rev FROM run ORDER BY id DESC LIMIT 1")" = \
		"$(sed -n "s/.*\"id\": \"\([0-9a-f]*\)\".*/\1/p" "$DATA/pytest-benchmark.json")"
'

expect_success 'generic: component, direction and samples; standard input' '
	cat > ci.json <<-JSON
	[{"name": "req/s", "unit": "ops/s", "value": 1200, "direction": "higher",
	  "component": "api", "samples": [1190, 1200, 1210], "range": "3", "extra": "x"},
	 {"name": "size", "unit": "KiB", "value": 512}]
	JSON
	expect_exit 0 pg ingest --json - <ci.json &&
	python3 - .out <<-PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	b = {x["id"]: x for x in d["benchmarks"]}
	assert b["api/req/s"]["direction"] == "higher" and b["api/req/s"]["samples"] == [1190, 1200, 1210]
	assert b["stdin/size"]["samples"] == [512] and b["stdin/size"]["format"] == "generic", b
	PY
'

expect_success 'names from a file are escaped for the terminal and kept in JSON' '
	printf "[{\"name\": \"evil\\u001b[31mred\", \"unit\": \"ms\", \"value\": 3}]" >evil.json &&
	expect_exit 0 pg ingest evil.json &&
	expect_contains .out "evil/evil^[[31mred" && ! grep -q "$(printf "\033")" .out &&
	expect_exit 0 pg ingest --json --component evil2 evil.json &&
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"benchmarks\"][0][\"name\"] == \"evil\x1b[31mred\"" .out
'

expect_success 'broken files: file, JSON path and what was wrong; exit 2; nothing stored' '
	before=$(counts) &&
	head -c 200 "$DATA/hyperfine.json" >trunc.json &&
	expect_exit 2 pg ingest trunc.json && expect_contains .err "trunc.json:" &&
	expect_contains .err "not valid JSON (it ends early); nothing was imported" &&
	python3 - "$DATA/hyperfine.json" <<-PY
	import json, sys
	h = json.load(open(sys.argv[1]))
	h["results"][1]["times"][3] = "fast"
	json.dump(h, open("badtime.json", "w"))
	PY
	expect_exit 2 pg ingest badtime.json &&
	expect_contains .err "badtime.json: results[1].times[3]: expected a number of at least 0, got a string" &&
	sed "0,/\"times\": \[/s//\"times\": [NaN,/" "$DATA/hyperfine.json" >nan.json &&
	expect_exit 2 pg ingest nan.json &&
	expect_contains .err "not valid JSON at '"'"'NaN,'"'"' (bare NaN and Infinity are taken from Google Benchmark files only)" &&
	sed "0,/\"real_time\": [0-9.e+-]*/s//\"real_time\": NaN/" "$DATA/gbench.json" >gnan.json &&
	expect_exit 2 pg ingest gnan.json &&
	expect_contains .err "gnan.json: benchmarks[0].real_time: expected a time of at least 0, got NaN" &&
	echo "{\"foo\": 1}" >what.json && expect_exit 2 pg ingest what.json &&
	expect_contains .err "what.json: not a format perfguard ingest knows" &&
	expect_exit 2 pg ingest --format gbench "$DATA/hyperfine.json" &&
	expect_contains .err "hyperfine.json: (the top level): missing \"benchmarks\" (an array)" &&
	echo "[{\"name\": \"a\", \"unit\": \"ms\", \"value\": 1, \"direction\": \"up\"}]" >dir.json &&
	expect_exit 2 pg ingest dir.json && expect_contains .err "dir.json: [0].direction: expected \"lower\" or \"higher\", got \"up\"" &&
	expect_exit 2 pg ingest --component same "$DATA/hyperfine.json" "$DATA/hyperfine-slow.json" &&
	expect_contains .err "benchmark '"'"'same/work'"'"' again" &&
	expect_exit 2 pg ingest "$DATA/pytest-benchmark.json" trunc.json &&
	expect_exit 2 pg ingest --format nosuch x.json && expect_contains .err "--format: expected hyperfine" &&
	test "$(counts)" = "$before"
'

expect_success 'one transaction: a store failure half way through keeps nothing of the import' '
	before=$(counts) &&
	q "CREATE TRIGGER inject AFTER INSERT ON result WHEN (SELECT count(*) FROM result
	   WHERE run_id = NEW.run_id) >= 3 BEGIN SELECT RAISE(ABORT, '"'"'injected failure'"'"'); END;" &&
	expect_exit 3 pg ingest --component tx "$DATA/pytest-benchmark.json" &&
	expect_contains .err "injected failure; nothing was imported" &&
	test "$(counts)" = "$before" &&
	q "DROP TRIGGER inject" &&
	expect_exit 0 pg ingest --component tx "$DATA/pytest-benchmark.json" &&
	test "$(counts)" != "$before"
'

finish
