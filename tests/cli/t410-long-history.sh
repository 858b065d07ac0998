#!/bin/sh
# Long histories: the schema-4 database perfguard made (tests/fixtures)
# migrates with every row and value kept; a run finds change points over
# its latest 200 runs exactly as a computation over those runs does, and
# keeps older ones; the history table shows the latest 50 runs.
FIXTURES=$(cd "$(dirname "$0")/../fixtures" && pwd)
. "$(dirname "$0")/lib.sh"

# checksum DB: per table, its row count and a hash of every value (floats
# to the last bit), rows keyed as schema 5 keys them; what schema 6 derives
# (a summary) and schema 7 adds (notifications, none yet) left out. The
# samples, a row each up to schema 7 and packed from schema 8 on, are
# listed a row each (tests/cli/samples.py), with the sum of their values
# and of their process figures to the last digit (%.17g).
checksum() {
	python3 - "$1" "$SAMPLES_PY" <<-'PY'
	import hashlib, os, sqlite3, sys
	sys.path.insert(0, os.path.dirname(sys.argv[2]))
	import samples
	db = sqlite3.connect(sys.argv[1])
	v = db.execute("PRAGMA user_version").fetchone()[0]
	skip = {"benchmark": {"n_results", "latest_run_id"}}
	for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
	                       " AND name NOT LIKE 'sqlite%'"
	                       " AND name NOT IN ('recent_mean', 'notification', 'sample',"
	                       " 'sample_pack')"
	                       " ORDER BY name"):
	    if t == "sample_metric" and v < 5:
	        q = ("SELECT s.run_id, s.benchmark_id, s.seq, m.name, m.value, m.unit"
	             " FROM sample_metric m JOIN sample s ON s.id = m.sample_id")
	    else:
	        cols = [c[1] for c in db.execute(f"PRAGMA table_info({t})")
	                if c[1] not in skip.get(t, ())]
	        q = f"SELECT {', '.join(cols)} FROM {t}"
	    rows = sorted(repr(r) for r in db.execute(q))
	    print(t, len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
	rows = samples.rows(db)
	print("sample", len(rows), hashlib.sha256("\n".join(sorted(repr(r) for r in rows)).encode()).hexdigest(),
	      "%.17g" % sum(r[3] for r in rows), sum(sum(r[4:]) for r in rows))
	PY
}

expect_success 'a schema-4 database made by perfguard keeps every row and value' '
	mkdir -p mig/.perfguard && cp "$FIXTURES/schema4.db" mig/.perfguard/perfguard.db &&
	cp "$FIXTURES/schema4.json" mig/perfguard.json &&
	test "$(sqlite3 mig/.perfguard/perfguard.db "PRAGMA user_version")" = 4 &&
	checksum mig/.perfguard/perfguard.db >before.txt &&
	grep -q "^sample 85 " before.txt && grep -q "^sample_metric 128 " before.txt &&
	(cd mig && pg list >../list.txt) &&
	test "$(sqlite3 mig/.perfguard/perfguard.db "PRAGMA user_version")" = 8 &&
	test "$(sqlite3 mig/.perfguard/perfguard.db "SELECT count(*) FROM notification")" = 0 &&
	checksum mig/.perfguard/perfguard.db >after.txt &&
	diff before.txt after.txt &&
	expect_contains list.txt "app/b" &&
	test "$(sqlite3 mig/.perfguard/perfguard.db "SELECT group_concat(n_results || char(47) || latest_run_id) FROM benchmark")" = "7/7,7/7,7/7" &&
	test -z "$(sqlite3 mig/.perfguard/perfguard.db "PRAGMA foreign_key_check")" &&
	test "$(sqlite3 mig/.perfguard/perfguard.db "PRAGMA integrity_check")" = ok
'

expect_success 'a schema-7 database made by perfguard keeps every sample bit for bit, packed' '
	mkdir -p mig7/.perfguard && cp "$FIXTURES/schema7.db" mig7/.perfguard/perfguard.db &&
	cp "$FIXTURES/schema7.json" mig7/perfguard.json &&
	test "$(sqlite3 mig7/.perfguard/perfguard.db "PRAGMA user_version")" = 7 &&
	checksum mig7/.perfguard/perfguard.db >before7.txt &&
	grep -q "^sample 148 " before7.txt && grep -q "^sample_metric 224 " before7.txt &&
	(cd mig7 && pg list >../list7.txt) &&
	test "$(sqlite3 mig7/.perfguard/perfguard.db "PRAGMA user_version")" = 8 &&
	checksum mig7/.perfguard/perfguard.db >after7.txt &&
	diff before7.txt after7.txt &&
	test "$(sqlite3 mig7/.perfguard/perfguard.db "SELECT count(*) || char(47) || sum(n) FROM sample_pack")" = "36/148" &&
	test "$(sqlite3 mig7/.perfguard/perfguard.db "SELECT count(*) FROM sqlite_master WHERE name = '"'"'sample'"'"'")" = 0 &&
	expect_contains list7.txt "app/e" &&
	test -z "$(sqlite3 mig7/.perfguard/perfguard.db "PRAGMA foreign_key_check")" &&
	test "$(sqlite3 mig7/.perfguard/perfguard.db "PRAGMA integrity_check")" = ok
'

expect_success 'a run goes with its samples and metrics; the others stay' '
	db=mig7/.perfguard/perfguard.db &&
	test "$(sqlite3 $db "SELECT count(*) FROM sample_pack WHERE run_id = 10")" = 5 &&
	test "$(sqlite3 $db "SELECT count(*) FROM sample_metric WHERE run_id = 10")" = 32 &&
	sqlite3 $db "PRAGMA foreign_keys = ON; DELETE FROM run WHERE id = 10" &&
	test "$(sqlite3 $db "SELECT count(*) FROM sample_pack WHERE run_id = 10")" = 0 &&
	test "$(sqlite3 $db "SELECT count(*) FROM sample_metric WHERE run_id = 10")" = 0 &&
	test "$(sqlite3 $db "SELECT count(*) FROM sample_pack WHERE run_id = 9")" -gt 0 &&
	test "$(sqlite3 $db "SELECT count(*) FROM sample_metric WHERE run_id = 9")" -gt 0
'

cat > val.sh <<'SH'
printf 'v %s\n' "$(cat b.val)" > "$PERFGUARD_METRICS"
SH
cat > perfguard.json <<'JSON'
{"defaults": {"runs": 3, "warmup": 0},
 "components": [{"name": "app", "benchmarks": [
  {"name": "b", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower",
   "command": ["sh", "val.sh"]}]}]}
JSON
q() { sqlite3 .perfguard/perfguard.db "$1"; }

expect_success 'change points over the latest 200 runs are those of those runs; older ones stay' '
	echo 10 > b.val && pg run >/dev/null 2>&1 &&
	# 299 more runs: level 10, 20 from run 61, 30 from run 251, a little noise.
	q "WITH RECURSIVE r(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM r WHERE i < 300)
	   INSERT INTO run (id, environment_id, started_at, trigger, status)
	   SELECT i, 1, 1.7e9 + i, '"'"'ci'"'"', '"'"'complete'"'"' FROM r;
	   INSERT INTO result (run_id, benchmark_id, ok, n, mean, median, stddev, min, max, p95)
	   SELECT id, 1, 1, 3, m, m, 0, m, m, m FROM (SELECT id, (CASE WHEN id > 250 THEN 30
	     WHEN id > 60 THEN 20 ELSE 10 END) * (1 + ((id * 7919) % 100) / 5000.0) AS m
	     FROM run WHERE id > 1);
	   INSERT INTO change_point VALUES (1, 1, 61, 10, 20, 100, 1e-9), (1, 1, 280, 30, 31, 3, 0.5)" &&
	echo 30 > b.val && pg run >/dev/null 2>&1 &&
	test "$(q "SELECT count(*) FROM result")" = 301 &&
	q "SELECT mean FROM (SELECT run_id, mean FROM result ORDER BY run_id DESC LIMIT 200) ORDER BY run_id" >window.txt &&
	q "SELECT run_id FROM (SELECT run_id FROM result ORDER BY run_id DESC LIMIT 200) ORDER BY run_id" >runs.txt &&
	pg trend --json window.txt >trend.json &&
	python3 - <<-PY
	import json, subprocess
	runs = [int(x) for x in open("runs.txt")]
	want = [runs[c["index"]] for c in json.load(open("trend.json"))["change_points"]]
	got = [int(x) for x in subprocess.check_output(["sqlite3", ".perfguard/perfguard.db",
	       "SELECT run_id FROM change_point WHERE run_id >= %d ORDER BY run_id" % runs[0]]).split()]
	assert want == got, (want, got)
	assert 251 in got, got
	old = subprocess.check_output(["sqlite3", ".perfguard/perfguard.db",
	       "SELECT run_id FROM change_point WHERE run_id < %d" % runs[0]]).split()
	assert old == [b"61"], old
	PY
'

expect_success 'the history table shows the latest 50 runs and says how many there are' '
	pg history app/b >h.txt &&
	test "$(grep -c "complete" h.txt)" = 50 &&
	expect_contains h.txt "(the latest 50 of 301 runs: --limit N or --all for more)" &&
	pg history --all app/b >all.txt && test "$(grep -c "complete" all.txt)" = 301 &&
	pg history --limit 3 app/b >three.txt && test "$(grep -c "complete" three.txt)" = 3 &&
	pg history --json app/b >h.json &&
	python3 -c "import json; assert len(json.load(open(\"h.json\"))[\"runs\"]) == 301"
'

finish
