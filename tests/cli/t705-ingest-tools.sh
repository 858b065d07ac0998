#!/bin/sh
# perfguard ingest takes what the real tools write today: hyperfine, a Google
# Benchmark program built against libbenchmark-dev, and pytest-benchmark are
# run here (tests/deps.sh installs them) and their files imported.
DATA=$(cd "$(dirname "$0")/../data/ingest" && pwd)
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

expect_success 'hyperfine --export-json, run now, is imported run for run' '
	hyperfine -N --runs 3 --warmup 0 -n quick true --export-json hf.json >/dev/null 2>&1 &&
	expect_exit 0 pg ingest --json hf.json &&
	python3 - .out hf.json <<-PY
	import json, sys
	d = json.load(open(sys.argv[1])); h = json.load(open(sys.argv[2]))
	b = {x["id"]: x for x in d["benchmarks"]}
	assert b["hf/quick"]["n"] == len(h["results"][0]["times"]) == 3, b
	assert b["hf/quick"]["format"] == "hyperfine"
	PY
'

expect_success 'hyperfine -i: runs that fail are the error rate of the command' '
	hyperfine -N -i --runs 2 -n fails "sh -c \"exit 3\"" --export-json fail.json >/dev/null 2>&1 &&
	grep -q "\"exit_codes\"" fail.json &&
	expect_exit 0 pg ingest --json fail.json &&
	python3 - .out <<-PY
	import json, sys
	b = {x["id"]: x for x in json.load(open(sys.argv[1]))["benchmarks"]}
	assert b["fail/fails:errors"]["samples"] == [100, 100], b
	PY
	test "$(samples .perfguard/perfguard.db "SELECT group_concat(exit_code) FROM sample s
		JOIN benchmark b ON b.id = s.benchmark_id WHERE b.name = '"'"'fails'"'"'")" = "3,3"
'

expect_success 'a Google Benchmark program built now: repetitions, NaN counters, an error' '
	g++ -O1 "$DATA/gbench_sample.cc" -o bm $(pkg-config --cflags --libs benchmark) &&
	./bm --benchmark_format=json --benchmark_repetitions=2 --benchmark_min_time=0.001 \
		>gb.json 2>/dev/null &&
	grep -q "NaN" gb.json &&
	expect_exit 3 pg ingest --json gb.json &&
	python3 - .out <<-PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	b = {x["id"]: x for x in d["benchmarks"]}
	assert b["gb/BM_StringCopy/8"]["n"] == 2 and b["gb/BM_StringCopy/64"]["n"] == 2, b
	assert not b["gb/BM_Fail"]["ok"], b
	PY
'

expect_success 'pytest-benchmark run now: groups, params and every round' '
	cp "$DATA/pytest_sample.py" test_sample.py &&
	"$PY" -m pytest -q -p no:cacheprovider test_sample.py --benchmark-json=pb.json \
		--benchmark-min-rounds=5 --benchmark-max-time=0.001 >/dev/null 2>&1 &&
	expect_exit 0 pg ingest --json pb.json &&
	python3 - .out pb.json <<-PY
	import json, sys
	d = json.load(open(sys.argv[1])); p = json.load(open(sys.argv[2]))
	b = {x["id"]: x for x in d["benchmarks"]}
	for e in p["benchmarks"]:
	    assert b[e["group"] + "/" + e["name"]]["n"] == len(e["stats"]["data"]) >= 5, b
	PY
'

finish
