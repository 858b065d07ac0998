#!/bin/sh
# perfguard prune and the config's retention: old runs go with everything
# they hold, never one that a baseline (approved or proposed), an alert or a
# change point refers to, nor a benchmark's latest result; a dry run changes
# nothing; a failure removes nothing; the history's statistics still work.
# On custom metrics the test controls (NAME.val times a -2%..+2% cycle).
. "$(dirname "$0")/lib.sh"

cat > val.sh <<'SH'
f=$1; n=$(cat "$f.n" 2>/dev/null || echo 0); echo $((n + 1)) > "$f.n"
awk -v b="$(cat "$f.val")" -v n="$n" 'BEGIN { printf "v %.6f\n", b * (1 + 0.01 * (n % 5 - 2)) }' > "$PERFGUARD_METRICS"
SH
cat > perfguard.json <<'JSON'
{"baseline_runs": 1, "confirm_runs": 0, "defaults": {"runs": 5, "warmup": 0},
 "components": [{"name": "app", "benchmarks": [
  {"name": "a", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower",
   "command": ["sh", "val.sh", "a"]},
  {"name": "b", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower",
   "command": ["sh", "val.sh", "b"]}]}]}
JSON
q() { sqlite3 .perfguard/perfguard.db "$1"; }
runs() { for _ in $(seq "$1"); do pg run >/dev/null 2>&1 || return 1; done; }

# Every benchmark's summary (result count, latest run, latest 32 means per
# environment) equals what its results say now: prints the rows that differ.
summaries_off() {
	q "SELECT 'benchmark ' || id FROM benchmark b WHERE n_results !=
	     (SELECT count(*) FROM result WHERE benchmark_id = b.id) OR latest_run_id IS NOT
	     (SELECT max(run_id) FROM result WHERE benchmark_id = b.id);
	   SELECT 'recent_mean ' || benchmark_id FROM recent_mean m WHERE means IS NOT
	     (SELECT json_group_array(mean) FROM (SELECT * FROM (SELECT r.mean, r.run_id
	      FROM result r JOIN run ON run.id = r.run_id WHERE r.benchmark_id = m.benchmark_id
	      AND run.environment_id = m.environment_id AND r.ok = 1 AND r.n > 0
	      ORDER BY r.run_id DESC LIMIT 32) ORDER BY run_id));"
}

# The runs something refers to, one a line.
referenced() {
	q "SELECT run_id FROM baseline_run UNION SELECT run_id FROM alert
	   UNION SELECT recovered_run_id FROM alert WHERE recovered_run_id IS NOT NULL
	   UNION SELECT run_id FROM change_point ORDER BY 1"
}

expect_success 'a history with approved and proposed baselines, open alerts and change points' '
	echo 100 > a.val && echo 100 > b.val &&
	runs 1 && pg baseline approve 1 2 >/dev/null && runs 7 &&
	echo 150 > b.val && runs 8 && echo 100 > b.val && runs 4 &&
	test "$(q "SELECT count(*) FROM run")" = 20 &&
	test "$(q "SELECT group_concat(run_id) FROM baseline_run JOIN baseline ON id = baseline_id
		WHERE state = '"'"'approved'"'"'")" = "1,1" &&
	test "$(q "SELECT group_concat(run_id) FROM baseline_run JOIN baseline ON id = baseline_id
		WHERE state = '"'"'proposed'"'"'")" = "9,10,11,12,13" &&
	test "$(q "SELECT group_concat(run_id || '"'"':'"'"'
		|| coalesce(recovered_run_id, '"'"'-'"'"')) FROM alert WHERE state = '"'"'new'"'"'")" = "9:17,10:-" &&
	test "$(q "SELECT group_concat(run_id) FROM change_point")" = "9,17" &&
	referenced > refs.before && test -z "$(summaries_off)"
'

expect_success 'bad options are usage errors that say what was expected, and change nothing' '
	q .dump > dump.before &&
	expect_exit 2 pg prune --keep-runs -1 &&
	expect_contains .err "perfguard prune: --keep-runs: expected an integer between 1 and 1000000000, got '"'"'-1'"'"'" &&
	expect_exit 2 pg prune --keep-days ten &&
	expect_contains .err "--keep-days: expected an integer between 1 and 100000, got '"'"'ten'"'"'" &&
	expect_exit 2 pg prune --keep-days -3 && expect_contains .err "got '"'"'-3'"'"'" &&
	expect_exit 2 pg prune --keep-runs 0 && expect_contains .err "got '"'"'0'"'"'" &&
	expect_exit 2 pg prune --keep-runs 5x && expect_contains .err "got '"'"'5x'"'"'" &&
	expect_exit 2 pg prune &&
	expect_contains .err "expected --keep-days N, --keep-runs N or both (or \"retention\" in perfguard.json)" &&
	expect_exit 2 pg prune --keep-runs 2 extra && expect_contains .err "unexpected argument '"'"'extra'"'"'" &&
	expect_exit 2 pg prune --keep-runs && expect_contains .err "Try '"'"'perfguard prune --help'"'"'" &&
	expect_exit 2 pg prune --db nosuch.db --keep-runs 2 && expect_contains .err "no database at nosuch.db" &&
	q .dump > dump.after && cmp dump.before dump.after && test ! -e nosuch.db
'

expect_success 'a dry run says what would go and changes nothing (the whole dump compared)' '
	q .dump > dump.before &&
	pg prune --keep-runs 2 --dry-run > out.txt &&
	expect_contains out.txt "would remove 11 runs (2-8, 14-16, 18): 22 results, 110 samples, 110 sample metrics, 22 comparisons" &&
	expect_contains out.txt "kept 7 older runs still needed by an alert'"'"'s recovery (1), an alert (2), a baseline (6), a change point (2)" &&
	expect_contains out.txt "nothing was changed (--dry-run)" &&
	pg prune --keep-runs 2 --dry-run --vacuum --json > dry.json &&
	q .dump > dump.after && cmp dump.before dump.after &&
	python3 -c "
import json; d = json.load(open(\"dry.json\"))
assert d[\"dry_run\"] is True and d[\"runs\"] == 11, d
assert d[\"run_ids\"] == [2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 18], d
assert \"vacuum\" not in d, d"
'

expect_success 'a failure part way removes nothing: the transaction is rolled back whole' '
	q "CREATE TABLE pin (run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE SET NULL);
	   INSERT INTO pin VALUES (5);" &&
	q .dump > dump.before &&
	expect_exit 3 pg prune --keep-runs 2 &&
	expect_contains .err "NOT NULL constraint failed: pin.run_id" &&
	expect_contains .err "nothing was removed" &&
	q .dump > dump.after && cmp dump.before dump.after &&
	q "DROP TABLE pin" && test "$(q "PRAGMA foreign_keys")" = 0
'

expect_success 'a table that refers to runs without cascading keeps them too (read from the schema)' '
	q "CREATE TABLE tag (run_id INTEGER NOT NULL REFERENCES run(id), name TEXT);
	   INSERT INTO tag VALUES (4, '"'"'release'"'"');" &&
	pg prune --keep-runs 2 --dry-run > out.txt &&
	expect_contains out.txt "would remove 10 runs (2-3, 5-8, 14-16, 18)" &&
	expect_contains out.txt "tag.run_id (1)" &&
	q "DROP TABLE tag"
'

expect_success 'keep-days and keep-runs: a run either rule keeps is kept' '
	q "UPDATE run SET started_at = started_at - 100 * 86400, ended_at = ended_at - 100 * 86400
	   WHERE id <= 5" &&
	pg prune --keep-days 30 --dry-run > out.txt &&
	expect_contains out.txt "would remove 4 runs (2-5)" &&
	pg prune --keep-days 30 --keep-runs 19 --dry-run > out.txt &&
	expect_contains out.txt "would remove nothing: every older run is still needed" &&
	pg prune --keep-days 30 --keep-runs 18 > out.txt &&
	expect_contains out.txt "removed 1 run (2): 2 results, 10 samples, 10 sample metrics, 2 comparisons" &&
	pg prune --keep-days 30 > out.txt &&
	expect_contains out.txt "removed 3 runs (3-5)" &&
	test "$(q "SELECT count(*) FROM run")" = 16 &&
	pg prune --keep-days 30 > out.txt &&
	expect_contains out.txt "removed nothing: every older run is still needed" &&
	pg prune --keep-days 1000 > out.txt &&
	expect_contains out.txt "removed nothing: no run is older than the rules keep"
'

expect_success 'prune keeps every referenced run and removes the rest with all they hold' '
	pg prune --keep-runs 2 > out.txt &&
	expect_contains out.txt "removed 7 runs (6-8, 14-16, 18): 14 results, 70 samples, 70 sample metrics, 14 comparisons" &&
	expect_contains out.txt "a baseline (6)" && expect_contains out.txt "a change point (2)" &&
	referenced > refs.after && cmp refs.before refs.after &&
	test "$(q "SELECT group_concat(id) FROM run")" = "1,9,10,11,12,13,17,19,20" &&
	for t in sample_pack sample_metric result comparison run_noise; do
		test "$(q "SELECT count(*) FROM $t WHERE run_id NOT IN (SELECT id FROM run)")" = 0 ||
			{ echo "orphans in $t"; exit 1; }
	done &&
	test "$(q "SELECT count(*) FROM result")" = 18 &&
	test -z "$(q "PRAGMA foreign_key_check")" && test "$(q "PRAGMA integrity_check")" = ok &&
	test -z "$(summaries_off)" &&
	pg log > log.txt && expect_contains log.txt "run 18 pruned: 7 runs (6-8, 14-16, 18), 14 results, 70 samples; keep_runs 2"
'

expect_success 'history, alerts, trend, change points and drift still work after a prune' '
	pg history app/b > hist.txt && test "$(grep -c "^ *[0-9]" hist.txt)" -ge 9 &&
	pg history --json --all app/b > hist.json &&
	python3 -c "
import json; h = json.load(open(\"hist.json\"))
rows = h[\"runs\"] if isinstance(h, dict) else h
print(\"\\n\".join(str(r[\"mean\"]) for r in rows))" > series.txt &&
	test "$(wc -l < series.txt)" = 9 &&
	pg trend --json series.txt > trend.json &&
	python3 -c "import json; t = json.load(open(\"trend.json\")); assert \"slope\" in json.dumps(t), t" &&
	pg alerts list > alerts.txt && expect_contains alerts.txt "app/b" &&
	pg alerts show 1 > alert1.txt && expect_contains alert1.txt "app/b" &&
	pg baseline show 3 > b3.txt && expect_contains b3.txt "9" &&
	expect_exit 1 pg gate && expect_contains .out "drift" &&
	echo 160 > b.val && runs 7 &&
	test "$(q "SELECT count(*) FROM alert WHERE run_id = 21 AND kind = '"'"'regression'"'"'
		AND baseline_id = 2")" = 1 &&
	test "$(q "SELECT group_concat(run_id) FROM change_point")" = "9,17,21" &&
	{ pg gate --json > gate.json || test $? = 1; } &&
	python3 -c "import json; g = json.load(open(\"gate.json\")); assert g[\"benchmarks\"] == 2, g" &&
	pg report -o r.html && grep -q "app/b" r.html &&
	test -z "$(summaries_off)"
'

expect_success 'vacuum compacts after the prune; --json says what went' '
	pg prune --keep-runs 3 --vacuum --json > v.json &&
	python3 -c "
import json; d = json.load(open(\"v.json\"))
assert d[\"dry_run\"] is False and d[\"runs\"] >= 1 and d[\"results\"] == 2 * d[\"runs\"], d
assert d[\"vacuum\"][\"bytes_after\"] > 0, d
assert any(k[\"reason\"] == \"a baseline\" for k in d[\"kept\"]), d" &&
	test "$(q "PRAGMA integrity_check")" = ok && test -z "$(summaries_off)" &&
	pg prune --keep-runs 3 --vacuum > out.txt &&
	expect_contains out.txt "removed nothing" && expect_contains out.txt "compacted the database: "
'

expect_success 'the config'"'"'s retention is applied after each run, and by prune without options' '
	python3 - <<-PY &&
	import json; c = json.load(open("perfguard.json"))
	c["retention"] = {"keep_runs": 2}
	json.dump(c, open("perfguard.json", "w"))
	PY
	pg run > out.txt 2> err.txt && pg run > out.txt 2>> err.txt &&
	expect_contains err.txt "perfguard run: retention: removed" &&
	expect_contains err.txt "retention.keep_runs: 2 keeps fewer runs than the analysis reads (10:" &&
	test -z "$(q "SELECT id FROM run WHERE id NOT IN (SELECT id FROM run ORDER BY id DESC LIMIT 2)
		AND id NOT IN (SELECT run_id FROM baseline_run UNION SELECT run_id FROM alert
		UNION SELECT coalesce(recovered_run_id, 0) FROM alert UNION SELECT run_id FROM change_point)")" &&
	referenced > refs.now && test -z "$(comm -23 refs.before refs.now)" &&
	test -z "$(summaries_off)" &&
	pg prune > out.txt && expect_contains out.txt "removed nothing"
'

expect_success 'a bad retention is a config error naming the field, and nothing runs' '
	n=$(q "SELECT count(*) FROM run") &&
	for bad in "{}" "{\"keep_runs\": -1}" "{\"keep_days\": \"30\"}" "{\"keep_weeks\": 2}" "5"; do
		python3 - "$bad" <<-PY || exit 1
		import json, sys; c = json.load(open("perfguard.json"))
		c["retention"] = json.loads(sys.argv[1])
		json.dump(c, open("bad.json", "w"))
		PY
		expect_exit 2 pg -c bad.json run || exit 1
		grep -q "retention" .err || { cat .err; exit 1; }
	done &&
	python3 - <<-PY &&
	import json; c = json.load(open("perfguard.json"))
	c["retention"] = {}
	json.dump(c, open("bad.json", "w"))
	PY
	expect_exit 2 pg -c bad.json run &&
	expect_contains .err "retention: expected keep_days, keep_runs or both" &&
	expect_exit 2 pg -c bad.json prune &&
	test "$(q "SELECT count(*) FROM run")" = "$n"
'

expect_success 'run --trigger stores cli or ci, and refuses any other value' '
	python3 - <<-PY &&
	import json; c = json.load(open("perfguard.json"))
	del c["retention"]
	json.dump(c, open("perfguard.json", "w"))
	PY
	n=$(q "SELECT max(id) FROM run") &&
	env -u CI "$PERFGUARD" run --trigger ci >/dev/null 2>&1 &&
	CI=true "$PERFGUARD" run --trigger cli >/dev/null 2>&1 &&
	env -u CI "$PERFGUARD" run >/dev/null 2>&1 &&
	CI=true "$PERFGUARD" run >/dev/null 2>&1 &&
	test "$(q "SELECT group_concat(trigger) FROM (SELECT trigger FROM run WHERE id > $n ORDER BY id)")" = "ci,cli,cli,ci" &&
	expect_exit 2 pg run --trigger schedule &&
	expect_contains .err "perfguard run: --trigger: expected cli or ci, got '"'"'schedule'"'"'" &&
	expect_exit 2 pg run --trigger "" &&
	test "$(q "SELECT max(id) FROM run")" = "$((n + 4))"
'

finish
