#!/bin/sh
# bench/scale/seed.sh B R S [V]: print SQL that fills a database whose
# schema (version V, default the current 8) the real perfguard created
# (with this host as environment 1) with a long
# history: B benchmarks (100 per component, named componentNN/benchNNNN)
# x R complete runs x S samples per result, an approved baseline of run 1
# each, a comparison per benchmark and run, a 12% step over the last 50
# runs on every 20th benchmark with its alert and change point. Values are
# a deterministic function of the ids. Only columns the schema has kept
# since version 1 are named, so the same SQL seeds every schema perfguard
# migrates from and to, but for the samples: from schema 8 on they are
# packed a row per run and benchmark by pfg_sample_pack(), which
# bench/scale/sql (not sqlite3) provides. Whatever the schema keeps up to
# date (a summary) is kept by the schema itself, never by this script.
set -e
B=${1:?benchmarks} R=${2:?runs} S=${3:-3} V=${4:-8}
if [ "$V" -ge 8 ]; then
	samples=sample_pack close=")" group="GROUP BY run_id, bench_id"
	insert="INSERT INTO sample_pack (run_id, benchmark_id, n, data)
SELECT run_id, bench_id, count(*), pfg_sample_pack(s.seq,"
else
	samples=sample close="" group="ORDER BY run_id, bench_id, s.seq"
	insert="INSERT INTO sample (run_id, benchmark_id, seq, value, wall_ns, user_ns, sys_ns, max_rss_kib,
                    exit_code, term_signal)
SELECT run_id, bench_id, s.seq,"
fi
step=$((R > 50 ? R - 50 : R / 2))
cat <<SQL
PRAGMA synchronous = OFF;
BEGIN;
DELETE FROM alert_event; DELETE FROM alert; DELETE FROM change_point; DELETE FROM comparison;
DELETE FROM baseline_run; DELETE FROM baseline; DELETE FROM audit_log;
DELETE FROM sample_metric; DELETE FROM $samples; DELETE FROM result; DELETE FROM run_noise;
DELETE FROM run; DELETE FROM benchmark; DELETE FROM component;

WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ($B + 99) / 100)
INSERT INTO component (id, name) SELECT i, printf('component%02d', i) FROM c;

WITH RECURSIVE b(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM b WHERE i < $B)
INSERT INTO benchmark (id, component_id, name, kind, unit, direction)
SELECT i, (i - 1) / 100 + 1, printf('bench%04d', i), 'latency', 'ms', 'lower' FROM b;

WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < $R)
INSERT INTO run (id, environment_id, started_at, ended_at, trigger, git_rev, status, pid)
SELECT i, 1, 1.7e9 + i * 3600, 1.7e9 + i * 3600 + 60, 'ci', NULL, 'complete', NULL FROM r;

CREATE TEMP TABLE v AS
SELECT r.id AS run_id, b.id AS bench_id,
       (10 + b.id % 50) * (1 + ((r.id * 7919 + b.id * 104729) % 1000) / 50000.0)
       * (CASE WHEN b.id % 20 = 0 AND r.id > $step THEN 1.12 ELSE 1 END) AS mean
FROM run r, benchmark b;

INSERT INTO result (run_id, benchmark_id, ok, error, n, mean, median, stddev, min, max, p95, outliers)
SELECT run_id, bench_id, 1, NULL, $S, mean, mean, mean * 0.01, mean * 0.99, mean * 1.01,
       mean * 1.01, 0 FROM v ORDER BY run_id, bench_id;

WITH RECURSIVE s(seq) AS (SELECT 0 UNION ALL SELECT seq + 1 FROM s WHERE seq < $S - 1)
$insert mean * (0.99 + 0.01 * (s.seq % 3)),
       CAST(mean * (0.99 + 0.01 * (s.seq % 3)) * 1e6 AS INTEGER),
       CAST(mean * 5e5 AS INTEGER) + s.seq * 1013, CAST(mean * 1e5 AS INTEGER) + s.seq * 97,
       4096 + (run_id + s.seq) % 64, 0, 0$close
FROM v, s $group;

INSERT INTO baseline (id, benchmark_id, environment_id, state, reason, created_at, created_by,
                      decided_at, decided_by, note, n, mean, median, stddev)
SELECT b.id, b.id, 1, 'approved', 'first run', 1.7e9, 'bench', 1.7e9, 'bench', NULL, $S,
       v.mean, v.mean, v.mean * 0.01
FROM benchmark b JOIN v ON v.bench_id = b.id AND v.run_id = 1;
INSERT INTO baseline_run (baseline_id, run_id) SELECT id, 1 FROM baseline;

INSERT INTO comparison (run_id, benchmark_id, baseline_id, test, n_base, n_current,
                        estimate_base, estimate_current, change_pct, ci_low_pct, ci_high_pct,
                        p_value, mde_pct, verdict, severity, confirm_runs)
SELECT v.run_id, v.bench_id, bl.id, 'yuen', $S, $S, bl.mean, v.mean, 100 * (v.mean / bl.mean - 1),
       100 * (v.mean / bl.mean - 1) - 1, 100 * (v.mean / bl.mean - 1) + 1,
       CASE WHEN v.mean / bl.mean > 1.1 THEN 0.001 ELSE 0.5 END, 2.0,
       CASE WHEN v.mean / bl.mean > 1.1 THEN 'regression' ELSE 'no_change' END,
       CASE WHEN v.mean / bl.mean > 1.1 THEN 'moderate' ELSE 'none' END, 0
FROM v JOIN baseline bl ON bl.benchmark_id = v.bench_id ORDER BY v.run_id, v.bench_id;

INSERT INTO alert (benchmark_id, environment_id, run_id, baseline_id, kind, state, severity,
                   change_pct, ci_low_pct, ci_high_pct, p_value, created_at, updated_at,
                   recovered_run_id, detail)
SELECT b.id, 1, $step + 1, b.id, 'regression', 'new', 'moderate', 12, 11, 13, 0.001,
       1.7e9 + ($step + 1) * 3600, 1.7e9 + ($step + 1) * 3600, NULL, 'seeded step of 12%'
FROM benchmark b WHERE b.id % 20 = 0;
UPDATE comparison SET alert_id = (SELECT a.id FROM alert a WHERE a.benchmark_id =
       comparison.benchmark_id) WHERE verdict = 'regression';

INSERT INTO change_point (benchmark_id, environment_id, run_id, mean_before, mean_after,
                          change_pct, p_value)
SELECT b.id, 1, $step + 1, 10, 11.2, 12, 0.0001 FROM benchmark b WHERE b.id % 20 = 0;
DROP TABLE v;
COMMIT;
SQL
