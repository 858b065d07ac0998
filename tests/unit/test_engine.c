/* test_engine.c: one run end to end on real commands and a real database:
 * what is stored, the first baseline, cancellation through the session's
 * token, a second session starting clean, and the repeat loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/engine.h"
#include "perfguard/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct fixture {
	char dir[64];
	struct pfg_store *st;
	struct pfg_config *cfg;
};

/* A temporary directory with a config of two benchmarks and a database. */
static int setup(void **state)
{
	struct fixture *f = pfg_xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/pfg-engine-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	const char *json =
		"{\"baseline_runs\": 1, \"components\": [{\"name\": \"c\", \"benchmarks\": [\n"
		" {\"name\": \"quick\", \"type\": \"latency\", \"command\": \"true\", \"runs\": 3},\n"
		" {\"name\": \"hang\", \"type\": \"latency\", \"command\": \"sleep 100\",\n"
		"  \"runs\": 2, \"warmup\": 0, \"cleanup\": \"touch cleaned\"}]}]}";
	struct pfg_strv errs = { 0 };
	char err[PFG_ERR_MAX], *db = pfg_xasprintf("%s/t.db", f->dir);
	int rc = pfg_config_parse(json, "t.json", f->dir, &f->cfg, &errs) ||
		 pfg_store_open(db, &f->st, err, sizeof err);
	free(db);
	pfg_strv_release(&errs);
	*state = f;
	return rc ? -1 : 0;
}

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

/* Count events by kind. */
static void count_event(const struct pfg_event *ev, void *ctx)
{
	((int *)ctx)[ev->kind]++;
}

static void test_run_stores_and_proposes_first_baseline(void **state)
{
	struct fixture *f = *state;
	size_t sel[] = { 0 };
	int counts[8] = { 0 };
	struct pfg_engine_opts opts = { .trigger = "ci",
					.on_event = count_event, .ctx = counts };
	struct pfg_run_report r;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_engine_run(f->cfg, f->st, sel, 1, &opts, &r, err, sizeof err), 0);
	assert_string_equal(pfg_run_status_name(r.status), "complete");
	assert_int_equal(r.n_outcomes, 1);
	const struct pfg_bench_outcome *o = &r.outcomes[0];
	assert_true(o->ok);
	assert_int_equal(o->result.n, 3);
	assert_int_equal(o->n_first, 3);
	assert_true(o->result.has_stop_reason);
	assert_int_equal(o->result.stop_reason, PFG_STOP_RUNS); /* a fixed count */
	assert_true(o->result.min > 0 && o->result.min <= o->result.median);
	assert_true(o->has_comparison);
	assert_string_equal(pfg_verdict_name(o->comparison.verdict), "no_baseline");
	assert_true(o->changes.baseline_id > 0);
	assert_int_equal(counts[PFG_EVENT_SAMPLE], 4); /* 1 warmup + 3 */
	assert_int_equal(counts[PFG_EVENT_BENCH_DONE], 1);
	assert_int_equal(counts[PFG_EVENT_RUN_DONE], 1);
	struct pfg_baseline b;
	assert_int_equal(pfg_store_baseline_get(f->st, o->changes.baseline_id, &b, NULL, 0), 0);
	assert_string_equal(pfg_baseline_state_name(b.state), "proposed");
	assert_string_equal(b.reason, "first run");
	assert_int_equal(b.runs[0], r.run_id);
	pfg_baseline_release(&b);
	pfg_run_report_release(&r);
}

/* Cancel the session at arg after 300 ms, as the dashboard's UI thread. */
static void *cancel_later(void *arg)
{
	struct timespec ts = { 0, 300000000 };
	nanosleep(&ts, NULL);
	pfg_engine_session_cancel(arg);
	return NULL;
}

static void test_cancel_interrupts_the_run_and_cleans_up(void **state)
{
	struct fixture *f = *state;
	struct pfg_engine_session *s;
	char err[PFG_ERR_MAX];
	struct pfg_engine_session_opts so = { 0 };
	assert_int_equal(pfg_engine_session_begin(&so, &s, err, sizeof err), 0);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, cancel_later, s), 0);
	size_t sel[] = { 1, 0 };
	struct pfg_engine_opts opts = { .trigger = "tui", .session = s };
	struct pfg_run_report r;
	assert_int_equal(pfg_engine_run(f->cfg, f->st, sel, 2, &opts, &r, err, sizeof err), 0);
	pthread_join(t, NULL);
	assert_string_equal(pfg_run_status_name(r.status), "interrupted");
	assert_int_equal(r.n_outcomes, 1); /* the second benchmark never started */
	assert_false(r.outcomes[0].ok);
	assert_string_equal(r.outcomes[0].error, "interrupted after 0 of 2 runs");
	assert_true(r.outcomes[0].result.has_stop_reason);
	assert_int_equal(r.outcomes[0].result.stop_reason, PFG_STOP_INTERRUPTED);
	char *cleaned = pfg_xasprintf("%s/cleaned", f->dir);
	assert_int_equal(access(cleaned, F_OK), 0);
	free(cleaned);
	enum pfg_run_status status;
	assert_int_equal(pfg_store_run_info(f->st, r.run_id, NULL, &status, NULL, 0), 0);
	assert_string_equal(pfg_run_status_name(status), "interrupted");
	pfg_run_report_release(&r);
	pfg_engine_session_end(s);
}

/* A cancelled session, once ended, leaves nothing behind: the next one
 * runs to completion; two sessions cannot be active at once. */
static void test_second_session_starts_clean(void **state)
{
	struct fixture *f = *state;
	struct pfg_engine_session *s, *other;
	char err[PFG_ERR_MAX];
	struct pfg_engine_session_opts so = { 0 };
	assert_int_equal(pfg_engine_session_begin(&so, &s, err, sizeof err), 0);
	assert_int_equal(pfg_engine_session_begin(&so, &other, err, sizeof err),
			 PFG_ERUNTIME);
	assert_null(other);
	pfg_engine_session_cancel(s);
	assert_true(pfg_engine_session_cancelled(s));
	pfg_engine_session_end(s);
	assert_int_equal(pfg_engine_session_begin(&so, &s, err, sizeof err), 0);
	assert_false(pfg_engine_session_cancelled(s));
	assert_int_equal(pfg_engine_session_signal(s), 0);
	size_t sel[] = { 0 };
	struct pfg_engine_opts opts = { .trigger = "cli", .session = s };
	struct pfg_run_report r;
	assert_int_equal(pfg_engine_run(f->cfg, f->st, sel, 1, &opts, &r, err, sizeof err), 0);
	assert_string_equal(pfg_run_status_name(r.status), "complete");
	pfg_run_report_release(&r);
	pfg_engine_session_end(s);
}

/* Repeat loop callback: count the runs, check their numbering, stop at
 * the run whose index is in ctx[0] (-1: never). */
static int count_run(const struct pfg_repeat_run *run, void *ctx)
{
	int *c = ctx;
	assert_true(run->m->exited);
	assert_int_equal(run->warmup, run->index < 1);
	assert_int_equal(run->number, run->warmup ? run->index + 1 : run->index);
	assert_int_equal(run->of, run->warmup ? 1 : 2);
	c[1]++;
	return run->index == c[0];
}

/* The repeat loop makes warmup + runs runs, stops when a callback asks or
 * the session was cancelled, and reports a command that cannot start. */
static void test_repeat_loop(void **state)
{
	(void)state;
	char *argv[] = { "true", NULL }, *none[] = { "/nonexistent/cmd", NULL };
	struct pfg_exec_spec spec = { .argv = argv, .cancel_fd = -1 };
	int c[2] = { -1, 0 };
	struct pfg_repeat r = { .spec = &spec, .warmup = 1, .runs = 2, .on_run = count_run,
				.ctx = c };
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_engine_repeat(NULL, &r, err, sizeof err), 0);
	assert_int_equal(c[1], 3);
	c[0] = 1;
	c[1] = 0;
	assert_int_equal(pfg_engine_repeat(NULL, &r, err, sizeof err), PFG_REPEAT_ABORTED);
	assert_int_equal(c[1], 2);
	struct pfg_engine_session *s;
	struct pfg_engine_session_opts so = { 0 };
	assert_int_equal(pfg_engine_session_begin(&so, &s, err, sizeof err), 0);
	pfg_engine_session_cancel(s);
	c[1] = 0;
	assert_int_equal(pfg_engine_repeat(s, &r, err, sizeof err), PFG_REPEAT_STOPPED);
	assert_int_equal(c[1], 0);
	pfg_engine_session_end(s);
	spec.argv = none;
	assert_int_equal(pfg_engine_repeat(NULL, &r, err, sizeof err), PFG_EINPUT);
	assert_non_null(strstr(err, "no such command"));
}

/* No git work tree (or no git): no revision, and no hang. */
/* Sizing by precision: the precision of the values and the decision,
 * with the budget judged on the wall time so far and its mean per run. */
static void test_auto_next(void **state)
{
	(void)state;
	struct pfg_auto_runs a = { .on = 1, .min_runs = 5, .max_runs = 8,
				   .precision_pct = 2, .budget_s = 10 };
	double steady[] = { 100, 100.1, 99.9, 100.05, 100, 100.1, 99.9, 100 };
	double wobbly[] = { 50, 150, 50, 150, 50, 150, 50, 150 };
	double pct;
	assert_int_equal(pfg_engine_precision(steady, 1, &pct), -1);
	assert_true(pct == -1);
	assert_int_equal(pfg_engine_precision((double[]){ 0, 0, 0 }, 3, &pct), 0);
	assert_true(pct == 0);
	/* Below min_runs: go on, however precise. */
	assert_int_equal(pfg_engine_auto_next(&a, steady, 4, 0.4, &pct), PFG_SAMPLING_CONTINUE);
	assert_true(pct >= 0 && pct < 0.5);
	assert_int_equal(pfg_engine_auto_next(&a, steady, 5, 0.5, &pct), PFG_SAMPLING_PRECISE);
	assert_int_equal(pfg_engine_auto_next(&a, wobbly, 7, 0.7, &pct), PFG_SAMPLING_CONTINUE);
	assert_true(pct > 2);
	assert_int_equal(pfg_engine_auto_next(&a, wobbly, 8, 0.8, &pct), PFG_SAMPLING_MAX_RUNS);
	/* 6 runs took 9 s: a seventh (1.5 s) would end past 10 s. */
	assert_int_equal(pfg_engine_auto_next(&a, wobbly, 6, 9, &pct), PFG_SAMPLING_BUDGET);
	/* No budget. */
	a.budget_s = 0;
	assert_int_equal(pfg_engine_auto_next(&a, wobbly, 6, 9e9, &pct), PFG_SAMPLING_CONTINUE);
	assert_int_equal(pfg_engine_stop_reason(PFG_SAMPLING_PRECISE), PFG_STOP_PRECISE);
	assert_int_equal(pfg_engine_stop_reason(PFG_SAMPLING_MAX_RUNS), PFG_STOP_MAX_RUNS);
	assert_int_equal(pfg_engine_stop_reason(PFG_SAMPLING_BUDGET), PFG_STOP_BUDGET);
}

static void test_git_revision_outside_a_work_tree(void **state)
{
	struct fixture *f = *state;
	char *rev = pfg_engine_git_revision(f->dir);
	if (rev) /* the fixture's directory lies inside some work tree */
		assert_int_equal(strspn(rev, "0123456789abcdef"), strlen(rev));
	free(rev);
	assert_null(pfg_engine_git_revision("/nonexistent/dir"));
}

static void test_select_by_glob(void **state)
{
	struct fixture *f = *state;
	char *pats[] = { "c/q*" }, *bad[] = { "nope" };
	size_t *sel, n;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_engine_select(f->cfg, pats, 1, &sel, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(sel[0], 0);
	free(sel);
	assert_int_equal(pfg_engine_select(f->cfg, bad, 1, &sel, &n, err, sizeof err),
			 PFG_EINPUT);
	assert_non_null(strstr(err, "no benchmark matches 'nope'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_run_stores_and_proposes_first_baseline,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_interrupts_the_run_and_cleans_up,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_session_starts_clean, setup,
						teardown),
		cmocka_unit_test(test_repeat_loop),
		cmocka_unit_test(test_auto_next),
		cmocka_unit_test_setup_teardown(test_git_revision_outside_a_work_tree, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_select_by_glob, setup, teardown),
	};
	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
