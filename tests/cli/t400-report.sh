#!/bin/sh
# perfguard report as JSON, JUnit XML and Markdown on a seeded suite (see
# report-seed.inc): the verdicts and the gate's agree with `perfguard gate`,
# JSON parses back with every documented required key, JUnit is valid
# against both schemas (tests/data/schemas), Markdown stays under its size
# limit, untrusted text is escaped, two runs compare, and bad usage or an
# unwritable file leaves nothing behind.
HERE=$(cd "$(dirname "$0")" && pwd)
# The two schemas, copied into tests/data/schemas (see its README).
SCHEMAS=$HERE/../data/schemas
. "$HERE/lib.sh"
. "$HERE/report-seed.inc"
command -v xmllint >/dev/null || { echo "not ok 1 - xmllint missing: run make deps"; exit 1; }

expect_success 'setup: a suite with every verdict, through real runs' 'report_seed'

# The keys perfguard-report(5) documents as always present.
cat > keys.py <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
top = ["schema_version", "generator", "generated_at", "kind", "suite", "environment",
       "runs", "settings", "gate", "counts", "benchmarks", "alerts", "alerts_left_out"]
bench = ["component", "name", "unit", "direction", "run_id", "started_at", "git_rev",
         "baseline", "statistics", "comparison", "gate", "open_alerts", "trend",
         "change_points", "time_s"]
cmp = ["verdict", "severity", "test", "baseline_id", "n_base", "n_current", "estimate_base",
       "estimate_current", "change_pct", "ci_low_pct", "ci_high_pct", "p_value", "mde_pct",
       "confirm_runs", "reason"]
side = ["n", "mean", "median", "stddev", "min", "max", "p95", "outliers"]
alert = ["id", "benchmark", "kind", "state", "severity", "change_pct", "ci_low_pct",
         "ci_high_pct", "p_value", "run_id", "baseline_id", "created_at", "updated_at",
         "recovered_run_id", "detail", "history"]
def need(obj, keys, where):
    missing = [k for k in keys if k not in obj]
    assert not missing, "%s lacks %s" % (where, missing)
need(r, top, "report")
assert r["schema_version"] == 1
need(r["environment"], ["id", "host", "cpu_model", "kernel"], "environment")
need(r["runs"], ["judged", "compared_with", "latest_started_at", "git_rev", "since"], "runs")
need(r["settings"], ["test", "alpha", "confidence", "thresholds", "component"], "settings")
need(r["settings"]["thresholds"], ["minor", "moderate", "major", "critical"], "thresholds")
need(r["gate"], ["verdict", "fail_on", "fail_on_missing_baseline", "benchmarks", "failing"], "gate")
need(r["counts"], ["benchmarks", "regression", "improvement", "no_change", "inconclusive",
                   "no_baseline", "not_comparable", "minor", "moderate", "major", "critical"], "counts")
for b in r["benchmarks"]:
    w = b["component"] + "/" + b["name"]
    need(b, bench, w)
    need(b["baseline"], ["state", "id"], w + " baseline")
    need(b["gate"], ["judged", "fails", "kind", "alert_id", "alert_state"], w + " gate")
    for s in ("baseline", "current"):
        if b["statistics"][s] is not None:
            need(b["statistics"][s], side, w + " " + s)
    if b["comparison"] is not None:
        need(b["comparison"], cmp, w + " comparison")
    if b["trend"] is not None:
        need(b["trend"], ["run_ids", "means", "baseline_mean", "slope", "r2", "slope_p_value"], w)
        assert len(b["trend"]["run_ids"]) == len(b["trend"]["means"])
for a in r["alerts"]:
    need(a, alert, "alert %s" % a.get("id"))
    for e in a["history"]:
        need(e, ["at", "actor", "from", "to", "note"], "alert event")
PY

expect_success 'JSON: every documented key, the gate as perfguard gate says, sorted by severity then change' '
	expect_exit 1 pg gate --json && cp .out gate.json &&
	pg report --format json -o r.json &&
	python3 keys.py r.json &&
	python3 - <<PY
import json
r = json.load(open("r.json")); g = json.load(open("gate.json"))
assert r["kind"] == "suite" and r["suite"] == "demo <b>suite</b>"
assert r["gate"]["verdict"] == g["verdict"] == "fail", (r["gate"], g["verdict"])
assert r["gate"]["failing"] == len([i for i in g["items"] if i["fails"]]) == 2
names = [b["component"] + "/" + b["name"] for b in r["benchmarks"]]
assert names[:3] == ["db/query", "app/parse", "app/xss"], names
assert names[-1] == "db/ops", names
v = {n: b for n, b in zip(names, r["benchmarks"])}
assert v["db/query"]["comparison"]["severity"] == "critical"
assert v["db/query"]["gate"]["fails"] and v["app/parse"]["gate"]["fails"]
assert not v["app/xss"]["gate"]["fails"]
assert v["db/ops"]["comparison"]["verdict"] == "improvement" and v["db/ops"]["direction"] == "higher"
assert v["db/fresh"]["comparison"]["verdict"] == "no_baseline" and v["db/fresh"]["statistics"]["baseline"] is None
assert v["app/render"]["comparison"]["verdict"] == "no_change"
assert len(v["app/parse"]["trend"]["means"]) == 7 and v["app/parse"]["statistics"]["baseline"]["n"] == 10
assert v["app/parse"]["statistics"]["current"]["outliers"] >= 1
assert r["counts"]["regression"] == 3 and r["counts"]["critical"] == 1
assert [a["id"] for a in r["alerts"]] == [3, 2, 1]
a1 = r["alerts"][2]
assert a1["state"] == "acknowledged" and a1["history"][-1]["note"] == "<script>alert(1)</script> looking"
PY
'

expect_success 'JUnit: valid against both schemas; a suite per component, failures as the gate, skipped without baseline' '
	pg report --format junit -o r.xml &&
	xmllint --noout --schema "$SCHEMAS/junit-10.xsd" r.xml &&
	xmllint --noout --schema "$SCHEMAS/JUnit-ant.xsd" r.xml &&
	test "$(grep -c "<testsuite " r.xml)" = 2 &&
	test "$(grep -c "<testcase " r.xml)" = 6 &&
	test "$(grep -c "<failure type=\"perfguard.regression\"" r.xml)" = 2 &&
	expect_contains r.xml "<testcase classname=\"db\" name=\"query\"" &&
	expect_contains r.xml "message=\"+60.0% [+57.8%, +62.2%] p=1.1e-18 critical\"" &&
	expect_contains r.xml "<skipped message=\"no approved baseline\"/>" &&
	expect_contains r.xml "<property name=\"threshold.major\" value=\"20.0\"/>" &&
	expect_contains r.xml "<system-out></system-out>" &&
	! grep -E "time=\"[^\"]*[eE]" r.xml &&
	grep -o "time=\"[^\"]*\"" r.xml | grep -qvE "time=\"0(\.0)?\""
'

expect_success 'Markdown: the verdict and a table of regressions and improvements with markers' '
	pg report --format markdown -o r.md &&
	expect_contains r.md "## perfguard: ❌ gate failed" &&
	expect_contains r.md "| 🔴 | db/query |" &&
	expect_contains r.md "| 🟢 | db/ops |" &&
	expect_contains r.md "**fails the gate**" &&
	expect_contains r.md "2 other benchmarks" &&
	! grep -q "more regression" r.md
'

expect_success 'the format follows -o when --format is not given; - is standard output' '
	pg report -o auto.json && python3 -c "import json; json.load(open(\"auto.json\"))" &&
	pg report -o auto.xml && xmllint --noout auto.xml &&
	pg report -o auto.md && expect_contains auto.md "## perfguard" &&
	pg report -o - > auto.html && expect_contains auto.html "<!DOCTYPE html>"
'

expect_success 'untrusted names and notes are escaped in every format' '
	cp .perfguard/perfguard.db evil.db &&
	sqlite3 evil.db "UPDATE benchmark SET name = '"'"'<script>alert(1)</script>'"'"' WHERE name = '"'"'xss'"'"'; UPDATE benchmark SET unit = '"'"'m|s*_'"'"' WHERE name = '"'"'render'"'"'" &&
	pg --db evil.db report -o e.html && pg --db evil.db report -o e.xml &&
	pg --db evil.db report -o e.md && pg --db evil.db report -o e.json &&
	! grep -q "<script>alert" e.html &&
	test "$(grep -c "<script>" e.html)" = 1 &&
	expect_contains e.html "app/&lt;script&gt;alert(1)&lt;/script&gt;" &&
	expect_contains e.html "&lt;script&gt;alert(1)&lt;/script&gt; looking" &&
	expect_contains e.html "owner: db team &amp; &quot;friends&quot;" &&
	expect_contains e.html "demo &lt;b&gt;suite&lt;/b&gt;" &&
	xmllint --noout --schema "$SCHEMAS/JUnit-ant.xsd" e.xml &&
	expect_contains e.xml "name=\"&lt;script&gt;alert(1)&lt;/script&gt;\"" &&
	expect_contains e.md "app/&lt;script&gt;alert(1)&lt;/script&gt;" &&
	! grep -q "<script>" e.md &&
	python3 -c "
import json; r = json.load(open(\"e.json\"))
assert \"<script>alert(1)</script>\" in [b[\"name\"] for b in r[\"benchmarks\"]]
"
'

expect_success 'Markdown stays under --max-bytes, the rest as "and N more"' '
	mkdir many && cd many &&
	printf "{\"baseline_runs\": 1, \"confirm_runs\": 1, \"defaults\": {\"runs\": 4, \"warmup\": 0}, \"components\": [{\"name\": \"many\", \"benchmarks\": [" > perfguard.json &&
	for i in $(seq 1 30); do
		[ $i = 1 ] || printf "," >> perfguard.json
		printf "{\"name\": \"b%02d\", \"type\": \"custom\", \"metric\": \"v\", \"unit\": \"ms\", \"direction\": \"lower\", \"command\": [\"sh\", \"../val.sh\", \"b\"]}" $i >> perfguard.json
		done &&
	echo "]}]}" >> perfguard.json &&
	echo 10 > b.val && pg run >/dev/null 2>&1 && pg baseline approve $(seq 1 30) >/dev/null &&
	echo 20 > b.val && pg run >/dev/null 2>&1
	pg report --format markdown --max-bytes 2000 -o small.md &&
	test "$(wc -c < small.md)" -le 2000 &&
	expect_contains small.md "more regressions or improvements not shown" &&
	pg report --format markdown -o full.md &&
	test "$(grep -c "^| 🔴" full.md)" = 30 &&
	! grep -q "not shown" full.md &&
	test "$(wc -c < full.md)" -le 60000 &&
	expect_exit 2 pg report --format markdown --max-bytes 100
'

expect_success '--compare: run B against run A with the statistics of a baseline comparison' '
	pg report --compare 4 7 -o c.json &&
	python3 keys.py c.json &&
	python3 - <<PY
import json
r = json.load(open("c.json"))
assert r["kind"] == "compare" and r["runs"]["judged"] == 7 and r["runs"]["compared_with"] == 4
v = {b["component"] + "/" + b["name"]: b for b in r["benchmarks"]}
assert v["db/query"]["comparison"]["verdict"] == "regression"
assert v["app/render"]["comparison"]["verdict"] == "no_change"
assert v["db/ops"]["comparison"]["verdict"] == "improvement"
assert "db/fresh" not in v and v["app/parse"]["baseline"]["run_id"] == 4
assert r["gate"]["verdict"] == "fail" and r["alerts"] == []
PY
	pg report --compare 4 7 --format junit -o c.xml &&
	xmllint --noout --schema "$SCHEMAS/JUnit-ant.xsd" c.xml &&
	xmllint --noout --schema "$SCHEMAS/junit-10.xsd" c.xml
'

expect_success '--run, --component, --since and --baseline-vs-run narrow the report' '
	pg report --run 6 -o run6.json &&
	python3 -c "
import json; r = json.load(open(\"run6.json\"))
assert r[\"kind\"] == \"run\" and r[\"runs\"][\"judged\"] == 6 and r[\"gate\"][\"verdict\"] == \"pass\", r[\"gate\"]
assert len(r[\"benchmarks\"]) == 5 and all(b[\"run_id\"] == 6 for b in r[\"benchmarks\"])
" &&
	pg report --component "d*" -o db.json &&
	python3 -c "
import json; r = json.load(open(\"db.json\"))
assert sorted(b[\"name\"] for b in r[\"benchmarks\"]) == [\"fresh\", \"ops\", \"query\"]
assert [a[\"benchmark\"] for a in r[\"alerts\"]] == [\"db/query\"]
" &&
	pg report --since 2999-01-01 -o late.json &&
	python3 -c "
import json; r = json.load(open(\"late.json\"))
assert all(b[\"trend\"] is None or b[\"trend\"][\"means\"] == [] for b in r[\"benchmarks\"]) and r[\"alerts\"] == []
" &&
	pg report --since 1d -o recent.json &&
	python3 -c "
import json; r = json.load(open(\"recent.json\"))
assert len([b for b in r[\"benchmarks\"] if b[\"name\"] == \"parse\"][0][\"trend\"][\"means\"]) == 7
" &&
	pg report --baseline-vs-run -o bvr.json &&
	python3 -c "
import json; r = json.load(open(\"bvr.json\"))
assert all(b[\"trend\"] is None and b[\"change_points\"] == [] for b in r[\"benchmarks\"])
assert all(b[\"statistics\"][\"current\"] is not None for b in r[\"benchmarks\"])
"
'

expect_success 'a FIFO as -o is written through, never replaced by a file' '
	mkfifo pipe && { timeout 20 cat pipe > piped.json & } &&
	pg report --format json -o pipe &&
	wait &&
	test -p pipe &&
	python3 -c "import json; json.load(open(\"piped.json\"))"
'

expect_success 'bad usage and unknown runs exit 2; an unwritable file exits 3 and leaves nothing' '
	expect_exit 2 pg report --format pdf && expect_contains .err "--format: expected html, json, junit or markdown" &&
	expect_exit 2 pg report --compare 1 && expect_contains .err "--compare: expected two runs" &&
	expect_exit 2 pg report --compare 1 99 && expect_contains .err "no run 99" &&
	expect_exit 2 pg report --run 99 &&
	expect_exit 2 pg report --since yesterday && expect_contains .err "--since: expected a date" &&
	expect_exit 2 pg report --compare 1 2 --run 3 &&
	mkdir ro && chmod 500 ro &&
	if [ "$(id -u)" != 0 ]; then expect_exit 3 pg report -o ro/r.html && test -z "$(ls ro)"; fi &&
	expect_exit 3 pg report -o nodir/r.html && test ! -e nodir &&
	expect_exit 2 pg --db none.db report && expect_contains .err "run '"'"'perfguard run'"'"' first"
'

finish
