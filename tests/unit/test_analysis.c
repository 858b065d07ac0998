/* test_analysis.c: each rule of the analysis on a real store in a
 * temporary file, fed deterministic sample arrays: a first baseline
 * proposed, no change, a regression raised and then covered, recovery,
 * escalation past a dismissed alert, drift, a sustained shift proposing a
 * baseline, and a confirmation that clears a suspect. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/analysis.h"
#include "perfguard/query.h"
#include "perfguard/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const config_json =
	"{\"baseline_runs\": 1, \"rebaseline_after\": 4, \"defaults\": {\"runs\": 8},"
	" \"components\": [{\"name\": \"app\", \"benchmarks\": ["
	"  {\"name\": \"b\", \"type\": \"custom\", \"metric\": \"v\", \"unit\": \"ms\","
	"   \"direction\": \"lower\", \"command\": \"true\"}]}]}";

struct fixture {
	char dir[64];
	char *db;
	struct pfg_store *st;
	struct pfg_config *cfg;
	int64_t env, bench;
};

/* What one analysed run came to. */
struct outcome {
	int64_t run;
	struct pfg_comparison c;
	struct pfg_analysis_changes ch;
};

static int setup(void **state)
{
	struct fixture *f = pfg_xcalloc(1, sizeof *f);
	char err[PFG_ERR_MAX];
	snprintf(f->dir, sizeof f->dir, "/tmp/pfg-analysis-XXXXXX");
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
	    pfg_store_benchmark_id(f->st, "app", "b", "custom", "ms", "lower", &f->bench,
				   err, sizeof err))
		return -1;
	*state = f;
	return 0;
}

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

/* n samples around level: level times a fixed cycle of -2%..+2%. */
static void samples_at(double level, double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		v[i] = level * (1 + 0.01 * (double)((int)(i % 5) - 2));
}

/* Store a run of 8 samples around level and analyse it as the engine does
 * (compare, then record); rerun_level > 0 adds a confirmation rerun of 8
 * samples around it when the first 8 look like a regression. */
static struct outcome run_at(struct fixture *f, double level, double rerun_level)
{
	char err[PFG_ERR_MAX];
	struct outcome o = { 0 };
	double v[16];
	size_t n = 8;
	samples_at(level, v, 8);
	assert_int_equal(pfg_store_run_begin(f->st, f->env, "cli", NULL, &o.run, err,
					     sizeof err), 0);
	struct pfg_analysis a;
	assert_int_equal(pfg_analysis_begin(&a, f->cfg, &f->cfg->benchmarks[0], f->st, o.run,
					    f->env, f->bench, err, sizeof err), 0);
	a.run_len = 8; /* as the engine: a rerun is a run of its own */
	pfg_analysis_compare(&a, v, n, &o.c);
	if (rerun_level > 0 && o.c.verdict == PFG_VERDICT_REGRESSION) {
		samples_at(rerun_level, v + 8, 8);
		n = 16;
		pfg_analysis_compare(&a, v, n, &o.c);
		o.c.confirm_runs = 1;
	}
	struct pfg_sample s[16] = { 0 };
	for (size_t i = 0; i < n; i++)
		s[i].value = v[i];
	double mean = 0;
	for (size_t i = 0; i < n; i++)
		mean += v[i] / (double)n;
	struct pfg_result_row r = { .ok = 1, .n = n, .mean = mean, .median = mean };
	assert_int_equal(pfg_store_add_result(f->st, o.run, f->bench, s, n, NULL, NULL, &r,
					      err, sizeof err), 0);
	assert_int_equal(pfg_analysis_record(&a, &o.c, &o.ch, err, sizeof err), 0);
	pfg_analysis_release(&a);
	assert_int_equal(pfg_store_run_end(f->st, o.run, PFG_RUN_COMPLETE, err, sizeof err), 0);
	return o;
}

/* The first run proposes a baseline; approve it. */
static void first_baseline(struct fixture *f)
{
	struct outcome o = run_at(f, 100, 0);
	assert_int_equal(o.c.verdict, PFG_VERDICT_NO_BASELINE);
	assert_true(o.ch.baseline_id > 0);
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_store_baseline_decide(f->st, o.ch.baseline_id,
						   PFG_BASELINE_APPROVED, "t", NULL, err,
						   sizeof err), 0);
}

/* The state of alert id. */
static enum pfg_alert_state alert_state(struct fixture *f, int64_t id)
{
	struct pfg_alert a;
	assert_int_equal(pfg_store_alert_get(f->st, id, &a, NULL, NULL, NULL, 0), 0);
	enum pfg_alert_state s = a.state;
	pfg_alert_release(&a);
	return s;
}

/* A first run proposes; the same level after approval is no change. */
static void test_first_run_and_no_change(void **state)
{
	struct fixture *f = *state;
	first_baseline(f);
	struct outcome o = run_at(f, 100, 0);
	assert_int_equal(o.c.verdict, PFG_VERDICT_NO_CHANGE);
	assert_int_equal(o.c.severity, PFG_SEVERITY_NONE);
	assert_int_equal(o.ch.alert_id, 0);
	assert_int_equal(o.ch.baseline_id, 0);
}

/* +30%: a major regression raises one alert; the next run is covered by
 * it; a run back at the baseline marks it recovered, state unchanged. */
static void test_regression_covered_and_recovered(void **state)
{
	struct fixture *f = *state;
	first_baseline(f);
	struct outcome o = run_at(f, 130, 0);
	assert_int_equal(o.c.verdict, PFG_VERDICT_REGRESSION);
	assert_int_equal(o.c.severity, PFG_SEVERITY_MAJOR);
	assert_true(o.ch.alert_id > 0);
	assert_int_equal(o.c.alert_id, o.ch.alert_id);
	struct outcome again = run_at(f, 130, 0);
	assert_int_equal(again.ch.alert_id, 0);
	assert_int_equal(again.c.alert_id, o.ch.alert_id);
	struct outcome back = run_at(f, 100, 0);
	assert_int_equal(back.ch.n_recovered, 1);
	struct pfg_alert a;
	assert_int_equal(pfg_store_alert_get(f->st, o.ch.alert_id, &a, NULL, NULL, NULL, 0), 0);
	assert_int_equal(a.recovered_run_id, back.run);
	assert_int_equal(a.state, PFG_ALERT_NEW);
	pfg_alert_release(&a);
}

/* The alert needs the combined samples to still say so: a +8% suspect
 * whose rerun is back at the baseline combines to +4%, below the minor
 * threshold, and raises nothing; confirmed, it raises a minor alert. */
static void test_confirmation_clears_a_suspect(void **state)
{
	struct fixture *f = *state;
	first_baseline(f);
	struct outcome o = run_at(f, 108, 100);
	assert_int_equal(o.c.confirm_runs, 1);
	assert_int_not_equal(o.c.verdict, PFG_VERDICT_REGRESSION);
	assert_int_equal(o.ch.alert_id, 0);
	struct outcome c = run_at(f, 108, 108);
	assert_int_equal(c.c.severity, PFG_SEVERITY_MINOR);
	assert_int_equal(c.c.verdict, PFG_VERDICT_REGRESSION);
	assert_true(c.ch.alert_id > 0);
}

/* A dismissal covers what was dismissed: the same regression stays
 * covered, a 6x slowdown raises a new alert naming the dismissed one. */
static void test_escalation_past_a_dismissal(void **state)
{
	struct fixture *f = *state;
	char err[PFG_ERR_MAX];
	first_baseline(f);
	struct outcome o = run_at(f, 160, 0);
	assert_int_equal(o.c.severity, PFG_SEVERITY_CRITICAL);
	assert_int_equal(pfg_store_alert_transition(f->st, o.ch.alert_id, PFG_ALERT_INVALID,
						    "t", "expected", err, sizeof err), 0);
	struct outcome same = run_at(f, 160, 0);
	assert_int_equal(same.ch.alert_id, 0);
	assert_int_equal(same.c.alert_id, o.ch.alert_id);
	struct outcome worse = run_at(f, 600, 0);
	assert_true(worse.ch.alert_id > 0);
	assert_int_not_equal(worse.ch.alert_id, o.ch.alert_id);
	assert_int_equal(alert_state(f, worse.ch.alert_id), PFG_ALERT_NEW);
	struct pfg_alert a;
	assert_int_equal(pfg_store_alert_get(f->st, worse.ch.alert_id, &a, NULL, NULL, NULL,
					     0), 0);
	char want[64];
	snprintf(want, sizeof want, "worse than dismissed alert %lld", (long long)o.ch.alert_id);
	assert_non_null(strstr(a.detail, want));
	pfg_alert_release(&a);
	/* wontfix covers what it dismissed as invalid does. */
	assert_int_equal(pfg_store_alert_transition(f->st, worse.ch.alert_id,
						    PFG_ALERT_WONTFIX, "t", NULL, err,
						    sizeof err), 0);
	struct outcome still = run_at(f, 600, 0);
	assert_int_equal(still.ch.alert_id, 0);
}

/* A baseline of five runs that wobble by about 1%, then a creep of 1% a
 * run: the history chart raises one drift alert with the accumulated
 * change and a real interval, while no single run was a regression. */
static void test_drift(void **state)
{
	struct fixture *f = *state;
	char err[PFG_ERR_MAX];
	struct pfg_strv errs = { 0 };
	struct pfg_config *cfg;
	const char *json =
		"{\"baseline_runs\": 5, \"defaults\": {\"runs\": 8},"
		" \"components\": [{\"name\": \"app\", \"benchmarks\": ["
		"  {\"name\": \"b\", \"type\": \"custom\", \"metric\": \"v\","
		"   \"unit\": \"ms\", \"direction\": \"lower\", \"command\": \"true\"}]}]}";
	assert_int_equal(pfg_config_parse(json, "d.json", f->dir, &cfg, &errs), 0);
	pfg_strv_release(&errs);
	struct pfg_config *saved = f->cfg;
	f->cfg = cfg;
	const double wobble[] = { 0, 1, -1, 0.5, -0.5, 1, -1, 0 }; /* percent */
	int64_t proposed = 0;
	for (int i = 0; i < 5; i++)
		proposed = run_at(f, 100 * (1 + wobble[i] / 100), 0).ch.baseline_id;
	assert_true(proposed > 0);
	assert_int_equal(pfg_store_baseline_decide(f->st, proposed, PFG_BASELINE_APPROVED, "t",
						   NULL, err, sizeof err), 0);
	int64_t drift = 0;
	int at = 0;
	for (int i = 1; i <= 20 && !drift; i++) {
		struct outcome o = run_at(f, 100 * (1 + 0.01 * i + wobble[i % 8] / 100), 0);
		drift = o.ch.drift_alert_id;
		at = i;
	}
	assert_true(drift > 0);
	assert_true(at >= 5); /* not before the creep adds up to the minor threshold */
	struct pfg_alert a;
	assert_int_equal(pfg_store_alert_get(f->st, drift, &a, NULL, NULL, NULL, 0), 0);
	assert_int_equal(a.kind, PFG_ALERT_DRIFT);
	assert_true(a.change_pct >= 5);
	/* A real interval of the accumulated change, never [x, x]. */
	assert_true(a.ci_low_pct < a.change_pct && a.change_pct < a.ci_high_pct);
	assert_non_null(strstr(a.detail, "history chart"));
	pfg_alert_release(&a);
	f->cfg = saved;
	pfg_config_free(cfg);
}

/* A lasting shift to a better level proposes a new baseline of the runs
 * after the change point once it has held rebaseline_after runs; nothing
 * is approved. */
static void test_sustained_shift_proposes(void **state)
{
	struct fixture *f = *state;
	first_baseline(f);
	for (int i = 0; i < 6; i++)
		run_at(f, 100, 0);
	int64_t proposed = 0;
	for (int i = 0; i < 6 && !proposed; i++)
		proposed = run_at(f, 70, 0).ch.baseline_id;
	assert_true(proposed > 0);
	struct pfg_baseline b;
	assert_int_equal(pfg_store_baseline_get(f->st, proposed, &b, NULL, 0), 0);
	assert_int_equal(b.state, PFG_BASELINE_PROPOSED);
	assert_int_equal(b.n_runs, 4);
	pfg_baseline_release(&b);
}

/* baseline_runs 4: the first baseline waits for 4 runs and summarises
 * them; runs are then judged by their means against the between-run
 * noise, so a run inside that noise is no regression although its
 * samples alone would say so, while a doubling still is. */
static void test_multi_run_baseline(void **state)
{
	struct fixture *f = *state;
	char err[PFG_ERR_MAX];
	struct pfg_strv errs = { 0 };
	struct pfg_config *cfg;
	const char *json =
		"{\"baseline_runs\": 4, \"defaults\": {\"runs\": 8},"
		" \"components\": [{\"name\": \"app\", \"benchmarks\": ["
		"  {\"name\": \"b\", \"type\": \"custom\", \"metric\": \"v\","
		"   \"unit\": \"ms\", \"direction\": \"lower\", \"command\": \"true\"}]}]}";
	assert_int_equal(pfg_config_parse(json, "m.json", f->dir, &cfg, &errs), 0);
	pfg_strv_release(&errs);
	struct pfg_config *saved = f->cfg;
	f->cfg = cfg;
	const double levels[] = { 100, 103, 97, 101 };
	int64_t proposed = 0;
	for (int i = 0; i < 4; i++) {
		struct outcome o = run_at(f, levels[i], 0);
		assert_int_equal(o.c.verdict, PFG_VERDICT_NO_BASELINE);
		if (i < 3)
			assert_int_equal(o.ch.baseline_id, 0);
		proposed = o.ch.baseline_id;
	}
	assert_true(proposed > 0);
	struct pfg_baseline b;
	assert_int_equal(pfg_store_baseline_get(f->st, proposed, &b, NULL, 0), 0);
	assert_int_equal(b.n_runs, 4);
	assert_string_equal(b.reason, "first 4 runs");
	pfg_baseline_release(&b);
	assert_int_equal(pfg_store_baseline_decide(f->st, proposed, PFG_BASELINE_APPROVED,
						   "t", NULL, err, sizeof err), 0);
	/* +8%: inside the run-to-run noise of about 2.5%. */
	struct outcome within = run_at(f, 108, 108);
	assert_string_equal(within.c.test, "runs");
	assert_int_not_equal(within.c.verdict, PFG_VERDICT_REGRESSION);
	assert_non_null(strstr(within.c.basis, "run means"));
	assert_non_null(strstr(within.c.basis, "4 baseline runs"));
	char sentence[512];
	pfg_comparison_describe(&within.c, sentence, sizeof sentence);
	assert_non_null(strstr(sentence, "judged on run means"));
	/* The samples alone (Yuen, as for a one-run baseline) say regression. */
	double base[32], cur[16];
	for (int i = 0; i < 4; i++)
		samples_at(levels[i], base + 8 * i, 8);
	samples_at(108, cur, 8);
	samples_at(108, cur + 8, 8);
	struct pfg_stats_compare_opts so;
	struct pfg_stats_compare_result sr;
	pfg_stats_compare_opts_init(&so);
	assert_int_equal(pfg_stats_compare(base, 32, cur, 16, &so, &sr, NULL, 0), 0);
	assert_int_equal(sr.verdict, PFG_VERDICT_REGRESSION);
	/* Twice as slow, confirmed by a rerun: a regression. */
	struct outcome doubled = run_at(f, 200, 200);
	assert_int_equal(doubled.c.verdict, PFG_VERDICT_REGRESSION);
	assert_true(doubled.ch.alert_id > 0);
	f->cfg = saved;
	pfg_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_run_and_no_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_regression_covered_and_recovered, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_confirmation_clears_a_suspect, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_escalation_past_a_dismissal, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_drift, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sustained_shift_proposes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multi_run_baseline, setup, teardown),
	};
	return cmocka_run_group_tests_name("analysis", tests, NULL, NULL);
}
