/* test_query.c: the read layer on a real database: the suite's overview
 * (the config joined with the store, baseline states, the latest
 * comparison, sparklines, open alerts, the header's facts), a benchmark's
 * trend and its fit, an alert's detail, and that reading writes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/config.h"
#include "perfguard/query.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The suite: app/both (config and store, 5 runs of means 1, 3, 5, 7, 9:
 * y = 2x + 1), app/new (config only) and old/gone (store only, 1 run). */
static const char config_json[] =
	"{\"components\": [{\"name\": \"app\", \"benchmarks\": ["
	"{\"name\": \"both\", \"type\": \"latency\", \"command\": [\"true\"]},"
	"{\"name\": \"new\", \"type\": \"latency\", \"command\": [\"true\"]}]}]}";

struct fixture {
	char dir[64];
	char *db;
	struct pfg_store *st;
	struct pfg_config *cfg;
	int64_t env, both, gone;
	int64_t runs[5], gone_run;
	int64_t approved, proposed;
	int64_t al_major, al_minor, al_fixed;
};

/* Store one run of bench with samples m - 1, m, m + 1 (mean m). */
static int64_t add_run(struct fixture *f, int64_t bench, double m)
{
	char err[PFG_ERR_MAX];
	int64_t run;
	struct pfg_sample s[3] = { { .value = m - 1 }, { .value = m }, { .value = m + 1 } };
	struct pfg_result_row r = { .ok = 1, .n = 3, .mean = m, .median = m, .stddev = 1,
				    .min = m - 1, .max = m + 1, .p95 = m + 0.9 };
	assert_int_equal(pfg_store_run_begin(f->st, f->env, "cli", NULL, &run, err,
					     sizeof err), 0);
	assert_int_equal(pfg_store_add_result(f->st, run, bench, s, 3, NULL, NULL, &r, err,
					      sizeof err), 0);
	assert_int_equal(pfg_store_run_end(f->st, run, PFG_RUN_COMPLETE, err, sizeof err), 0);
	return run;
}

/* Raise an alert on bench in run; return its id. */
static int64_t add_alert(struct fixture *f, int64_t bench, int64_t run, int64_t base,
			 const char *severity, double change)
{
	struct pfg_alert a = { .bench_id = bench, .env_id = f->env, .run_id = run,
			       .baseline_id = base, .change_pct = change,
			       .ci_low_pct = change - 2, .ci_high_pct = change + 2,
			       .p_value = 0.001 };
	a.kind = PFG_ALERT_REGRESSION;
	assert_int_equal(pfg_severity_parse(severity, &a.severity), 0);
	char err[PFG_ERR_MAX];
	int64_t id;
	assert_int_equal(pfg_store_alert_add(f->st, &a, &id, err, sizeof err), 0);
	return id;
}

/* Build the database and the config described above. */
static int setup(void **state)
{
	struct fixture *f = pfg_xcalloc(1, sizeof *f);
	char err[PFG_ERR_MAX];
	snprintf(f->dir, sizeof f->dir, "/tmp/pfg-query-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->db = pfg_xasprintf("%s/t.db", f->dir);
	struct pfg_strv errs = { 0 };
	if (pfg_config_parse(config_json, "t.json", f->dir, &f->cfg, &errs) ||
	    pfg_store_open(f->db, &f->st, err, sizeof err))
		return -1;
	pfg_strv_release(&errs);
	struct pfg_environment env;
	pfg_environment_detect(&env);
	if (pfg_store_environment_id(f->st, &env, &f->env, err, sizeof err) ||
	    pfg_store_benchmark_id(f->st, "app", "both", "latency", "ms", "lower", &f->both,
				   err, sizeof err) ||
	    pfg_store_benchmark_id(f->st, "old", "gone", "latency", "ms", "lower", &f->gone,
				   err, sizeof err))
		return -1;
	for (int i = 0; i < 5; i++)
		f->runs[i] = add_run(f, f->both, 2.0 * i + 1);
	f->gone_run = add_run(f, f->gone, 50);

	struct pfg_baseline_stats bs = { 3, 1, 1, 1 };
	assert_int_equal(pfg_store_baseline_propose(f->st, f->both, f->env, f->runs, 1, &bs,
						    "test", "tester", &f->approved, err,
						    sizeof err), 0);
	assert_int_equal(pfg_store_baseline_decide(f->st, f->approved, PFG_BASELINE_APPROVED, "tester",
						   NULL, err, sizeof err), 0);
	bs.mean = 50;
	assert_int_equal(pfg_store_baseline_propose(f->st, f->gone, f->env, &f->gone_run, 1,
						    &bs, "test", "tester", &f->proposed, err,
						    sizeof err), 0);

	struct pfg_comparison c = { .run_id = f->runs[4], .bench_id = f->both,
				    .baseline_id = f->approved, .n_base = 3, .n_current = 3,
				    .estimate_base = 1, .estimate_current = 9,
				    .change_pct = 800, .ci_low_pct = 700, .ci_high_pct = 900,
				    .p_value = 0.0001 };
	snprintf(c.test, sizeof c.test, "yuen");
	c.verdict = PFG_VERDICT_REGRESSION;
	c.severity = PFG_SEVERITY_CRITICAL;
	assert_int_equal(pfg_store_comparison_put(f->st, &c, err, sizeof err), 0);

	f->al_minor = add_alert(f, f->both, f->runs[3], f->approved, "minor", 6);
	f->al_major = add_alert(f, f->both, f->runs[4], f->approved, "major", 25);
	f->al_fixed = add_alert(f, f->gone, f->gone_run, 0, "critical", 60);
	assert_int_equal(pfg_store_alert_transition(f->st, f->al_minor, PFG_ALERT_ACKNOWLEDGED,
						    "tester", "seen", err, sizeof err), 0);
	assert_int_equal(pfg_store_alert_transition(f->st, f->al_fixed, PFG_ALERT_FIXED, "tester",
						    NULL, err, sizeof err), 0);

	struct pfg_change_point_row cp = { .run_id = f->runs[2], .mean_before = 2,
					   .mean_after = 7, .change_pct = 250, .p_value = 0.001 };
	assert_int_equal(pfg_store_change_points_put(f->st, f->both, f->env, 0, &cp, 1, err,
						     sizeof err), 0);
	*state = f;
	return 0;
}

/* Remove the database. */
static int teardown(void **state)
{
	struct fixture *f = *state;
	pfg_store_close(f->st);
	pfg_config_free(f->cfg);
	char *cmd = pfg_xasprintf("rm -rf '%s'", f->dir);
	int rc = system(cmd);
	free(cmd);
	free(f->db);
	free(f);
	return rc == 0 ? 0 : -1;
}

/* The overview's entry of full, which must exist. */
static const struct pfg_query_bench *entry(const struct pfg_query_overview *ov,
					   const char *full)
{
	const struct pfg_query_bench *b = pfg_query_overview_find(ov, full);
	assert_non_null(b);
	return b;
}

/* The config's and the store's benchmarks, joined, in order, with flags. */
static void test_overview_joins_config_and_store(void **state)
{
	struct fixture *f = *state;
	struct pfg_query_overview ov;
	struct pfg_query_overview_opts o = { .spark = 3 };
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_query_overview_load(f->st, f->cfg, &o, &ov, err, sizeof err), 0);
	assert_null(ov.error);
	assert_int_equal(ov.n, 3);
	assert_string_equal(ov.b[0].full, "app/both");
	assert_string_equal(ov.b[1].full, "app/new");
	assert_string_equal(ov.b[2].full, "old/gone");
	const struct pfg_query_bench *both = entry(&ov, "app/both");
	const struct pfg_query_bench *fresh = entry(&ov, "app/new");
	const struct pfg_query_bench *gone = entry(&ov, "old/gone");
	assert_true(both->in_config && both->in_store);
	assert_true(fresh->in_config && !fresh->in_store);
	assert_true(!gone->in_config && gone->in_store);
	assert_int_equal(both->id, f->both);
	assert_true(fresh->id < 0);
	assert_false(fresh->has_latest);
	assert_int_equal(both->n_runs, 5);
	assert_int_equal(ov.env_id, f->env);
	assert_null(pfg_query_overview_find(&ov, "app/none"));
	pfg_query_overview_release(&ov);
}

/* Baseline states: approved, proposed, none. */
static void test_overview_baselines(void **state)
{
	struct fixture *f = *state;
	struct pfg_query_overview ov;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_query_overview_load(f->st, f->cfg, NULL, &ov, err, sizeof err),
			 0);
	const struct pfg_query_bench *both = entry(&ov, "app/both");
	const struct pfg_query_bench *gone = entry(&ov, "old/gone");
	const struct pfg_query_bench *fresh = entry(&ov, "app/new");
	assert_int_equal(both->baseline, PFG_QUERY_BASELINE_APPROVED);
	assert_int_equal(both->approved_id, f->approved);
	assert_int_equal(both->proposed_id, 0);
	assert_int_equal(gone->baseline, PFG_QUERY_BASELINE_PROPOSED);
	assert_int_equal(gone->proposed_id, f->proposed);
	assert_true(gone->proposed_mean == 50);
	assert_int_equal(fresh->baseline, PFG_QUERY_BASELINE_NONE);
	assert_string_equal(pfg_query_baseline_name(gone->baseline), "proposed");
	pfg_query_overview_release(&ov);
}

/* The latest result, its comparison, the sparkline and the open alerts. */
static void test_overview_latest_spark_alerts(void **state)
{
	struct fixture *f = *state;
	struct pfg_query_overview ov;
	struct pfg_query_overview_opts o = { .spark = 3 };
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_query_overview_load(f->st, f->cfg, &o, &ov, err, sizeof err), 0);
	const struct pfg_query_bench *both = entry(&ov, "app/both");
	assert_true(both->has_latest && both->latest_ok);
	assert_int_equal(both->latest_run, f->runs[4]);
	assert_int_equal(both->latest_n, 3);
	assert_true(both->latest_mean == 9);
	assert_true(both->has_cmp);
	assert_string_equal(pfg_verdict_name(both->verdict), "regression");
	assert_string_equal(pfg_severity_name(both->severity), "critical");
	assert_true(both->change_pct == 800);
	/* The last 3 run means, oldest first. */
	assert_int_equal(both->n_spark, 3);
	assert_true(both->spark[0] == 5 && both->spark[1] == 7 && both->spark[2] == 9);
	assert_int_equal(entry(&ov, "old/gone")->n_spark, 1);
	assert_int_equal(entry(&ov, "app/new")->n_spark, 0);
	/* Open alerts: the major (new) and the minor (acknowledged). */
	assert_int_equal(both->open_alerts, 2);
	assert_string_equal(pfg_severity_name(both->worst_severity), "major");
	assert_int_equal(entry(&ov, "old/gone")->open_alerts, 0);
	assert_string_equal(pfg_severity_name(entry(&ov, "old/gone")->worst_severity), "none");
	/* Every alert: open first, by severity, then the closed one. */
	assert_int_equal(ov.n_alerts, 3);
	assert_int_equal(ov.alerts[0].id, f->al_major);
	assert_int_equal(ov.alerts[1].id, f->al_minor);
	assert_int_equal(ov.alerts[2].id, f->al_fixed);
	assert_string_equal(ov.alerts[2].bench, "old/gone");
	/* The header: the latest run and its status; no gate unless asked. */
	assert_int_equal(ov.last_run, f->gone_run);
	assert_string_equal(pfg_run_status_name(ov.last_status), "complete");
	assert_false(ov.has_gate);
	pfg_query_overview_release(&ov);

	o.spark = 0;
	o.gate = 1;
	assert_int_equal(pfg_query_overview_load(f->st, f->cfg, &o, &ov, err, sizeof err), 0);
	assert_int_equal(entry(&ov, "app/both")->n_spark, 0);
	assert_true(ov.has_gate);
	pfg_query_overview_release(&ov);
}

/* Without a database, the config's benchmarks only; without a config, the
 * store's only. */
static void test_overview_one_side(void **state)
{
	struct fixture *f = *state;
	struct pfg_query_overview ov;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_query_overview_load(NULL, f->cfg, NULL, &ov, err, sizeof err), 0);
	assert_int_equal(ov.n, 2);
	assert_false(ov.b[0].in_store);
	assert_int_equal(ov.last_run, 0);
	pfg_query_overview_release(&ov);
	assert_int_equal(pfg_query_overview_load(f->st, NULL, NULL, &ov, err, sizeof err), 0);
	assert_int_equal(ov.n, 2);
	assert_false(ov.b[0].in_config || ov.b[1].in_config);
	pfg_query_overview_release(&ov);
}

/* The trend: history, baseline level, change points, fit of y = 2x + 1. */
static void test_trend(void **state)
{
	struct fixture *f = *state;
	struct pfg_query_trend t;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_query_trend_load(f->st, f->both, f->env, 0, "ms", &t, err,
					      sizeof err), 0);
	assert_null(t.error);
	assert_int_equal(t.n, 5);
	assert_string_equal(t.unit, "ms");
	assert_int_equal(t.run_ids[0], f->runs[0]);
	assert_true(t.has_baseline);
	assert_true(t.baseline == 1);
	assert_int_equal(t.n_cps, 1);
	assert_int_equal(t.cps[0], 2);
	assert_true(t.cp_change[0] == 250);
	assert_true(t.has_fit);
	assert_float_equal(t.slope, 2.0, 1e-12);
	assert_float_equal(t.r2, 1.0, 1e-12);
	assert_true(t.slope_p < 1e-6);
	pfg_query_trend_release(&t);

	/* The last 3 runs: the change point is the window's first point. */
	assert_int_equal(pfg_query_trend_load(f->st, f->both, f->env, 3, NULL, &t, err,
					      sizeof err), 0);
	assert_int_equal(t.n, 3);
	assert_true(t.y[0] == 5 && t.y[2] == 9);
	assert_int_equal(t.n_cps, 1);
	assert_int_equal(t.cps[0], 0);
	assert_true(t.has_fit);
	pfg_query_trend_release(&t);

	/* Too short to fit; no baseline. */
	assert_int_equal(pfg_query_trend_load(f->st, f->gone, f->env, 0, NULL, &t, err,
					      sizeof err), 0);
	assert_int_equal(t.n, 1);
	assert_false(t.has_fit);
	assert_false(t.has_baseline);
	pfg_query_trend_release(&t);
}

/* An alert's detail: the alert, history, comparison, baseline, summary. */
static void test_alert_detail(void **state)
{
	struct fixture *f = *state;
	struct pfg_query_alert_detail d;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_query_alert_detail_load(f->st, f->al_major, "ms", &d, err,
						     sizeof err), 0);
	assert_int_equal(d.alert.id, f->al_major);
	assert_string_equal(pfg_severity_name(d.alert.severity), "major");
	assert_true(d.has_cmp);
	assert_string_equal(pfg_verdict_name(d.cmp.verdict), "regression");
	assert_true(d.has_base);
	assert_int_equal(d.base.id, f->approved);
	assert_true(d.has_current);
	assert_int_equal(d.current.n, 3);
	assert_float_equal(d.current.mean, 9, 1e-12);
	assert_float_equal(d.current.min, 8, 1e-12);
	assert_float_equal(d.current.max, 10, 1e-12);
	assert_string_equal(d.unit, "ms");
	pfg_query_alert_detail_release(&d);

	/* History in order; a drift-like alert without baseline or comparison. */
	assert_int_equal(pfg_query_alert_detail_load(f->st, f->al_fixed, NULL, &d, err,
						     sizeof err), 0);
	assert_true(d.n_hist >= 1);
	assert_string_equal(pfg_alert_state_name(d.hist[d.n_hist - 1].to), "fixed");
	assert_false(d.has_base);
	assert_false(d.has_cmp);
	assert_true(d.has_current);
	pfg_query_alert_detail_release(&d);

	assert_int_equal(pfg_query_alert_detail_load(f->st, 999, NULL, &d, err, sizeof err),
			 PFG_ENOTFOUND);
	pfg_query_alert_detail_release(&d);
}

/* The number of rows of table in the fixture's database. */
static long long count_rows(struct fixture *f, const char *table)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char *sql = pfg_xasprintf("SELECT count(*) FROM %s", table);
	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	long long n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	free(sql);
	return n;
}

/* On a database from another host, the overview takes the latest run's
 * environment and adds none of its own. */
static void test_reads_write_nothing(void **state)
{
	struct fixture *f = *state;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_store_environment_id(f->st, &(struct pfg_environment){
		.host = "elsewhere", .cpu_model = "x", .kernel = "y" }, &f->env, err,
		sizeof err), 0);
	/* Drop this host's environment: nothing refers to it after this. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	char *sql = pfg_xasprintf("PRAGMA foreign_keys = OFF; UPDATE run SET environment_id = "
				  "%lld; UPDATE baseline SET environment_id = %lld; UPDATE alert "
				  "SET environment_id = %lld; UPDATE change_point SET "
				  "environment_id = %lld; UPDATE recent_mean SET environment_id = "
				  "%lld; DELETE FROM environment WHERE id <> %lld",
				  (long long)f->env, (long long)f->env, (long long)f->env,
				  (long long)f->env, (long long)f->env, (long long)f->env);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	sqlite3_close(db);
	long long envs = count_rows(f, "environment");
	assert_int_equal(envs, 1);
	assert_int_equal(pfg_query_environment(f->st), f->env);

	struct pfg_query_overview ov;
	struct pfg_query_overview_opts o = { .spark = 4, .gate = 1 };
	assert_int_equal(pfg_query_overview_load(f->st, f->cfg, &o, &ov, err, sizeof err), 0);
	assert_int_equal(ov.env_id, f->env);
	assert_int_equal(entry(&ov, "app/both")->n_spark, 4);
	assert_int_equal(entry(&ov, "app/both")->baseline, PFG_QUERY_BASELINE_APPROVED);
	pfg_query_overview_release(&ov);
	assert_int_equal(count_rows(f, "environment"), envs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_overview_joins_config_and_store, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_overview_baselines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overview_latest_spark_alerts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_overview_one_side, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alert_detail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reads_write_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
