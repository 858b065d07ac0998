/* test_engine.c: one run end to end on real commands and a real database:
 * what is stored, the first baseline, and cancellation through cancel_fd. */
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
		"{\"components\": [{\"name\": \"c\", \"benchmarks\": [\n"
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
	struct pfg_engine_opts opts = { .trigger = "ci", .cancel_fd = -1,
					.on_event = count_event, .ctx = counts };
	struct pfg_run_report r;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_engine_run(f->cfg, f->st, sel, 1, &opts, &r, err, sizeof err), 0);
	assert_string_equal(pfg_run_status_name(r.status), "complete");
	assert_int_equal(r.n_outcomes, 1);
	const struct pfg_bench_outcome *o = &r.outcomes[0];
	assert_true(o->ok);
	assert_int_equal(o->result.n, 3);
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

/* Write a byte to the pipe at *arg after 300 ms. */
static void *cancel_later(void *arg)
{
	struct timespec ts = { 0, 300000000 };
	nanosleep(&ts, NULL);
	if (write(*(int *)arg, "x", 1) != 1)
		abort();
	return NULL;
}

static void test_cancel_fd_interrupts_the_run_and_cleans_up(void **state)
{
	struct fixture *f = *state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, cancel_later, &fds[1]), 0);
	size_t sel[] = { 1, 0 };
	struct pfg_engine_opts opts = { .trigger = "tui", .cancel_fd = fds[0] };
	struct pfg_run_report r;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_engine_run(f->cfg, f->st, sel, 2, &opts, &r, err, sizeof err), 0);
	pthread_join(t, NULL);
	assert_string_equal(pfg_run_status_name(r.status), "interrupted");
	assert_int_equal(r.n_outcomes, 1); /* the second benchmark never started */
	assert_false(r.outcomes[0].ok);
	assert_string_equal(r.outcomes[0].error, "interrupted after 0 of 2 runs");
	char *cleaned = pfg_xasprintf("%s/cleaned", f->dir);
	assert_int_equal(access(cleaned, F_OK), 0);
	free(cleaned);
	enum pfg_run_status status;
	assert_int_equal(pfg_store_run_info(f->st, r.run_id, NULL, &status, NULL, 0), 0);
	assert_string_equal(pfg_run_status_name(status), "interrupted");
	pfg_run_report_release(&r);
	close(fds[0]);
	close(fds[1]);
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
		cmocka_unit_test_setup_teardown(test_cancel_fd_interrupts_the_run_and_cleans_up,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_select_by_glob, setup, teardown),
	};
	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
