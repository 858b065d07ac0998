/* test_compare_runs.c: two stored runs compared on a real database: run B
 * judged against run A with the statistics of a baseline comparison (the
 * same numbers pfg_stats_compare gives on the same samples), benchmarks in
 * one run only, an unknown run, the config's direction, and that reading
 * writes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/config.h"
#include "perfguard/query.h"
#include "perfguard/stats.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N 12

/* app/same: B as A; app/slow: B 30% above A; app/only_a, app/only_b: one
 * run each; app/ops: throughput (higher is better in the config) 30% up. */
static const char config_json[] =
	"{\"components\": [{\"name\": \"app\", \"benchmarks\": ["
	"{\"name\": \"ops\", \"type\": \"custom\", \"metric\": \"v\", \"unit\": \"op/s\","
	" \"direction\": \"higher\", \"command\": [\"true\"]}]}]}";

struct fixture {
	char dir[64];
	struct pfg_store *st;
	struct pfg_config *cfg;
	int64_t env, run_a, run_b, same, slow, only_a, only_b, ops;
	double a[N], b_slow[N];
};

/* Store samples v[0..n) of bench in run. */
static void add(struct fixture *f, int64_t run, int64_t bench, const double *v, size_t n)
{
	struct pfg_sample s[N];
	memset(s, 0, sizeof s);
	for (size_t i = 0; i < n; i++)
		s[i].value = v[i];
	struct pfg_result_row r = { .ok = 1, .n = n, .mean = v[0] };
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_store_add_result(f->st, run, bench, s, n, NULL, NULL, &r, err,
					      sizeof err), 0);
}

/* A benchmark of component app named name; returns its id. */
static int64_t bench(struct fixture *f, const char *name, const char *dir)
{
	int64_t id;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_store_benchmark_id(f->st, "app", name, "custom", "ms", dir, &id,
						err, sizeof err), 0);
	return id;
}

/* Build the two runs described above. */
static int setup(void **state)
{
	struct fixture *f = pfg_xcalloc(1, sizeof *f);
	char err[PFG_ERR_MAX];
	snprintf(f->dir, sizeof f->dir, "/tmp/pfg-cmpruns-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	char *db = pfg_xasprintf("%s/t.db", f->dir);
	struct pfg_strv errs = { 0 };
	if (pfg_config_parse(config_json, "t.json", f->dir, &f->cfg, &errs) ||
	    pfg_store_open(db, &f->st, err, sizeof err))
		return -1;
	free(db);
	pfg_strv_release(&errs);
	struct pfg_environment env;
	pfg_environment_detect(&env);
	assert_int_equal(pfg_store_environment_id(f->st, &env, &f->env, err, sizeof err), 0);
	f->same = bench(f, "same", "lower");
	f->slow = bench(f, "slow", "lower");
	f->only_a = bench(f, "only_a", "lower");
	f->only_b = bench(f, "only_b", "lower");
	f->ops = bench(f, "ops", "lower"); /* the config says higher */
	for (int i = 0; i < N; i++) {
		f->a[i] = 100 + (i % 4) - 1.5 + 0.1 * i;
		f->b_slow[i] = 1.3 * f->a[i];
	}
	assert_int_equal(pfg_store_run_begin(f->st, f->env, "cli", NULL, &f->run_a, err,
					     sizeof err), 0);
	add(f, f->run_a, f->same, f->a, N);
	add(f, f->run_a, f->slow, f->a, N);
	add(f, f->run_a, f->only_a, f->a, N);
	add(f, f->run_a, f->ops, f->a, N);
	assert_int_equal(pfg_store_run_end(f->st, f->run_a, PFG_RUN_COMPLETE, err, sizeof err),
			 0);
	assert_int_equal(pfg_store_run_begin(f->st, f->env, "cli", NULL, &f->run_b, err,
					     sizeof err), 0);
	add(f, f->run_b, f->same, f->a, N);
	add(f, f->run_b, f->slow, f->b_slow, N);
	add(f, f->run_b, f->only_b, f->a, N);
	add(f, f->run_b, f->ops, f->b_slow, N);
	assert_int_equal(pfg_store_run_end(f->st, f->run_b, PFG_RUN_COMPLETE, err, sizeof err),
			 0);
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
	free(f);
	return rc == 0 ? 0 : -1;
}

/* The pair of full, which must exist. */
static const struct pfg_query_run_pair *pair(const struct pfg_query_run_compare *c,
					     const char *full)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->b[i].full, full) == 0)
			return &c->b[i];
	fail_msg("no pair %s", full);
	return NULL;
}

/* B against A: the verdicts, and the numbers of pfg_stats_compare itself. */
static void test_compare_two_runs(void **state)
{
	struct fixture *f = *state;
	struct pfg_query_run_compare c;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_query_compare_runs(f->st, NULL, f->run_a, f->run_b, &c, err,
						sizeof err), 0);
	assert_int_equal(c.n, 5);
	assert_string_equal(c.b[0].full, "app/only_a"); /* by component, then name */
	assert_int_equal(c.env_a, f->env);
	assert_int_equal(c.env_b, f->env);
	assert_int_equal(c.status_b, PFG_RUN_COMPLETE);

	const struct pfg_query_run_pair *same = pair(&c, "app/same");
	assert_int_equal(same->cmp.verdict, PFG_VERDICT_NO_CHANGE);
	assert_int_equal(same->a.n, N);
	assert_true(same->a.has_summary);

	const struct pfg_query_run_pair *slow = pair(&c, "app/slow");
	struct pfg_stats_compare_opts o;
	struct pfg_stats_compare_result r;
	pfg_stats_compare_opts_init(&o);
	assert_int_equal(pfg_stats_compare(f->a, N, f->b_slow, N, &o, &r, err, sizeof err), 0);
	assert_int_equal(slow->cmp.verdict, PFG_VERDICT_REGRESSION);
	assert_int_equal(slow->cmp.severity, PFG_SEVERITY_MAJOR);
	assert_true(slow->cmp.change_pct == r.change_pct);
	assert_true(slow->cmp.ci_low_pct == r.ci_low_pct);
	assert_true(slow->cmp.p_value == r.p_value);
	assert_string_equal(slow->cmp.test, "yuen");
	assert_int_equal(slow->cmp.baseline_id, 0);
	assert_int_equal(slow->cmp.run_id, f->run_b);
	assert_true(slow->b.sum.mean > 1.29 * slow->a.sum.mean);

	const struct pfg_query_run_pair *oa = pair(&c, "app/only_a");
	assert_int_equal(oa->cmp.verdict, PFG_VERDICT_NOT_COMPARABLE);
	assert_non_null(strstr(oa->cmp.reason, "no samples in run"));
	assert_int_equal(oa->b.n, 0);
	const struct pfg_query_run_pair *ob = pair(&c, "app/only_b");
	assert_int_equal(ob->cmp.verdict, PFG_VERDICT_NO_BASELINE);
	/* Without a config the store's direction (lower) holds: 30% up is worse. */
	assert_int_equal(pair(&c, "app/ops")->cmp.verdict, PFG_VERDICT_REGRESSION);
	assert_int_equal(c.n_regressions, 2);
	assert_int_equal(c.n_improvements, 0);
	pfg_query_run_compare_release(&c);

	/* The config's direction wins: higher is better, so 30% up improved. */
	assert_int_equal(pfg_query_compare_runs(f->st, f->cfg, f->run_a, f->run_b, &c, err,
						sizeof err), 0);
	assert_int_equal(pair(&c, "app/ops")->cmp.verdict, PFG_VERDICT_IMPROVEMENT);
	assert_int_equal(pair(&c, "app/ops")->direction, PFG_HIGHER_IS_BETTER);
	assert_int_equal(c.n_improvements, 1);
	pfg_query_run_compare_release(&c);

	/* Swapped, the slow benchmark improved. */
	assert_int_equal(pfg_query_compare_runs(f->st, NULL, f->run_b, f->run_a, &c, err,
						sizeof err), 0);
	assert_int_equal(pair(&c, "app/slow")->cmp.verdict, PFG_VERDICT_IMPROVEMENT);
	pfg_query_run_compare_release(&c);
}

/* An unknown run is PFG_ENOTFOUND, naming it. */
static void test_unknown_run(void **state)
{
	struct fixture *f = *state;
	struct pfg_query_run_compare c;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_query_compare_runs(f->st, NULL, f->run_a, 999, &c, err,
						sizeof err), PFG_ENOTFOUND);
	assert_non_null(strstr(err, "999"));
	pfg_query_run_compare_release(&c);
	assert_int_equal(pfg_query_compare_runs(f->st, NULL, 998, f->run_b, &c, err,
						sizeof err), PFG_ENOTFOUND);
	assert_non_null(strstr(err, "998"));
	pfg_query_run_compare_release(&c);
}

/* Comparing stores nothing: no comparison rows, no alerts, no baselines. */
static void test_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct pfg_query_run_compare c;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_query_compare_runs(f->st, f->cfg, f->run_a, f->run_b, &c, err,
						sizeof err), 0);
	pfg_query_run_compare_release(&c);
	struct pfg_comparison *cmps;
	size_t n;
	assert_int_equal(pfg_store_comparisons(f->st, f->run_b, &cmps, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	free(cmps);
	struct pfg_alert *al;
	assert_int_equal(pfg_store_alerts(f->st, NULL, &al, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	pfg_alerts_free(al, n);
	struct pfg_baseline *bl;
	assert_int_equal(pfg_store_baselines(f->st, NULL, &bl, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	pfg_baselines_free(bl, n);
}

/* A side's samples, summary and outliers; a baseline's side. */
static void test_side(void **state)
{
	struct fixture *f = *state;
	struct pfg_query_side s;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_query_side_load(f->st, f->run_b, f->slow, 0, PFG_OUTLIERS_NONE,
					     &s, err, sizeof err), 0);
	assert_int_equal(s.n, N);
	assert_true(s.has_summary);
	assert_true(s.sum.min == s.v[0] || s.sum.min <= s.v[0]);
	assert_int_equal(s.n_outliers, 0);
	pfg_query_side_release(&s);
	assert_int_equal(pfg_query_side_load(f->st, f->run_b, f->only_a, 0, PFG_OUTLIERS_IQR,
					     &s, err, sizeof err), 0);
	assert_int_equal(s.n, 0);
	assert_false(s.has_summary);
	pfg_query_side_release(&s);
	int64_t bl;
	struct pfg_baseline_stats bs = { N, 100, 100, 1 };
	assert_int_equal(pfg_store_baseline_propose(f->st, f->slow, f->env, &f->run_a, 1, &bs,
						    "test", "tester", &bl, err, sizeof err), 0);
	assert_int_equal(pfg_query_side_load(f->st, 0, f->slow, bl, PFG_OUTLIERS_IQR, &s, err,
					     sizeof err), 0);
	assert_int_equal(s.n, N);
	assert_true(s.v[3] == f->a[3]);
	pfg_query_side_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_compare_two_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_side, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
