-- bench/tui/seed.sql: a large history for the dashboard's benchmark, fed to
-- bench/scale/sql (sqlite3 with the store's pfg_sample_pack, which packs
-- the samples as schema 8 keeps them) on a database whose schema the real
-- perfguard created. 20
-- components x 100 benchmarks, 500 complete runs in environment 1, a result
-- and 3 samples per benchmark and run, an approved baseline each, the
-- latest run's comparisons, and a 12% step after run 450 on every 20th
-- benchmark with its alert and change point. Values are a deterministic
-- function of the ids, so every seeding is the same.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
DELETE FROM alert_event; DELETE FROM alert; DELETE FROM change_point; DELETE FROM comparison;
DELETE FROM baseline_run; DELETE FROM baseline; DELETE FROM audit_log;
DELETE FROM sample_metric; DELETE FROM sample_pack; DELETE FROM result; DELETE FROM run;
DELETE FROM benchmark; DELETE FROM component;

WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20)
INSERT INTO component (id, name) SELECT i, printf('component%02d', i) FROM c;

WITH RECURSIVE b(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM b WHERE i < 2000)
INSERT INTO benchmark (id, component_id, name, kind, unit, direction)
SELECT i, (i - 1) / 100 + 1, printf('bench%04d', i), 'latency', 'ms', 'lower' FROM b;

WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 500)
INSERT INTO run (id, environment_id, started_at, ended_at, trigger, git_rev, status, pid)
SELECT i, 1, 1.7e9 + i * 3600, 1.7e9 + i * 3600 + 60, 'ci', NULL, 'complete', NULL FROM r;

CREATE TEMP TABLE v AS
SELECT r.id AS run_id, b.id AS bench_id,
       (10 + b.id % 50) * (1 + ((r.id * 7919 + b.id * 104729) % 1000) / 50000.0)
       * (CASE WHEN b.id % 20 = 0 AND r.id > 450 THEN 1.12 ELSE 1 END) AS mean
FROM run r, benchmark b;

INSERT INTO result (run_id, benchmark_id, ok, error, n, mean, median, stddev, min, max, p95, outliers)
SELECT run_id, bench_id, 1, NULL, 3, mean, mean, mean * 0.01, mean * 0.99, mean * 1.01,
       mean * 1.01, 0 FROM v ORDER BY run_id, bench_id;

INSERT INTO sample_pack (run_id, benchmark_id, n, data)
SELECT run_id, bench_id, count(*), pfg_sample_pack(s.seq, mean * (0.99 + 0.01 * s.seq),
       CAST(mean * 1e6 AS INTEGER), CAST(mean * 5e5 AS INTEGER), CAST(mean * 1e5 AS INTEGER),
       4096, 0, 0)
FROM v, (SELECT 0 AS seq UNION ALL SELECT 1 UNION ALL SELECT 2) s GROUP BY run_id, bench_id;

INSERT INTO baseline (id, benchmark_id, environment_id, state, reason, created_at, created_by,
                      decided_at, decided_by, note, n, mean, median, stddev)
SELECT b.id, b.id, 1, 'approved', 'first run', 1.7e9, 'bench', 1.7e9, 'bench', NULL, 3,
       v.mean, v.mean, v.mean * 0.01
FROM benchmark b JOIN v ON v.bench_id = b.id AND v.run_id = 1;
INSERT INTO baseline_run (baseline_id, run_id) SELECT id, 1 FROM baseline;

INSERT INTO comparison (run_id, benchmark_id, baseline_id, test, n_base, n_current,
                        estimate_base, estimate_current, change_pct, ci_low_pct, ci_high_pct,
                        p_value, mde_pct, verdict, severity, confirm_runs)
SELECT 500, b.id, b.id, 'yuen', 3, 3, bl.mean, v.mean, 100 * (v.mean / bl.mean - 1),
       100 * (v.mean / bl.mean - 1) - 1, 100 * (v.mean / bl.mean - 1) + 1,
       CASE WHEN b.id % 20 = 0 THEN 0.001 ELSE 0.5 END, 2.0,
       CASE WHEN b.id % 20 = 0 THEN 'regression' ELSE 'no_change' END,
       CASE WHEN b.id % 20 = 0 THEN 'moderate' ELSE 'none' END, 0
FROM benchmark b JOIN baseline bl ON bl.benchmark_id = b.id
JOIN v ON v.bench_id = b.id AND v.run_id = 500;

INSERT INTO alert (benchmark_id, environment_id, run_id, baseline_id, kind, state, severity,
                   change_pct, ci_low_pct, ci_high_pct, p_value, created_at, updated_at,
                   recovered_run_id, detail)
SELECT b.id, 1, 451, b.id, 'regression', 'new', 'moderate', 12, 11, 13, 0.001,
       1.7e9 + 451 * 3600, 1.7e9 + 451 * 3600, NULL, 'seeded step of 12%'
FROM benchmark b WHERE b.id % 20 = 0;

INSERT INTO change_point (benchmark_id, environment_id, run_id, mean_before, mean_after,
                          change_pct, p_value)
SELECT b.id, 1, 451, 10, 11.2, 12, 0.0001 FROM benchmark b WHERE b.id % 20 = 0;
DROP TABLE v;
COMMIT;
