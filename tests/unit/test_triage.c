/* test_triage.c: every state transition of baselines and alerts, legal and
 * illegal, on a real database; supersession; history and audit log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/store.h"
#include "perfguard/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The enums of state names, so that the tests read as the words. */
static enum pfg_alert_state AS(const char *s)
{
	enum pfg_alert_state v;
	assert_int_equal(pfg_alert_state_parse(s, &v), 0);
	return v;
}

static enum pfg_baseline_state BS(const char *s)
{
	enum pfg_baseline_state v;
	assert_int_equal(pfg_baseline_state_parse(s, &v), 0);
	return v;
}

/* A database with one benchmark, one run and its samples. */
struct fixture {
	char dir[64];
	char *db;
	struct pfg_store *st;
	int64_t env, bench, run;
};

static int setup(void **state)
{
	struct fixture *f = pfg_xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/pfg-triage-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->db = pfg_xasprintf("%s/t.db", f->dir);
	char err[PFG_ERR_MAX];
	if (pfg_store_open(f->db, &f->st, err, sizeof err))
		return -1;
	struct pfg_environment env;
	pfg_environment_detect(&env);
	struct pfg_sample s[3] = { { .value = 1 }, { .value = 2 }, { .value = 3 } };
	struct pfg_result_row r = { .ok = 1, .n = 3, .mean = 2 };
	if (pfg_store_environment_id(f->st, &env, &f->env, err, sizeof err) ||
	    pfg_store_benchmark_id(f->st, "c", "b", "latency", "ms", "lower", &f->bench,
				   err, sizeof err) ||
	    pfg_store_run_begin(f->st, f->env, "cli", NULL, &f->run, err, sizeof err) ||
	    pfg_store_add_result(f->st, f->run, f->bench, s, 3, NULL, NULL, &r, err,
				 sizeof err))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	pfg_store_close(f->st);
	char *cmd = pfg_xasprintf("rm -rf '%s'", f->dir);
	int rc = system(cmd);
	free(cmd);
	free(f->db);
	free(f);
	return rc == 0 ? 0 : -1;
}

/* Propose a baseline from the fixture's run; return its id. */
static int64_t propose(struct fixture *f)
{
	struct pfg_baseline_stats bs = { 3, 2, 2, 1 };
	int64_t id;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_store_baseline_propose(f->st, f->bench, f->env, &f->run, 1,
						    &bs, "test", "tester", &id, err,
						    sizeof err), 0);
	return id;
}

/* The state of baseline id. */
static void expect_baseline_state(struct fixture *f, int64_t id, const char *want)
{
	struct pfg_baseline b;
	assert_int_equal(pfg_store_baseline_get(f->st, id, &b, NULL, 0), 0);
	assert_string_equal(pfg_baseline_state_name(b.state), want);
	pfg_baseline_release(&b);
}

static void test_baseline_transitions(void **state)
{
	struct fixture *f = *state;
	char err[PFG_ERR_MAX];
	int64_t a = propose(f), b = propose(f), c = propose(f);
	expect_baseline_state(f, a, "proposed");
	/* proposed -> approved */
	assert_int_equal(pfg_store_baseline_decide(f->st, a, BS("approved"), "ann", "ok", err,
						   sizeof err), 0);
	expect_baseline_state(f, a, "approved");
	/* approving b supersedes a */
	assert_int_equal(pfg_store_baseline_decide(f->st, b, BS("approved"), "ann", NULL, err,
						   sizeof err), 0);
	expect_baseline_state(f, a, "superseded");
	expect_baseline_state(f, b, "approved");
	struct pfg_baseline got;
	assert_int_equal(pfg_store_baseline_approved(f->st, f->bench, f->env, &got, NULL, 0), 0);
	assert_int_equal(got.id, b);
	assert_string_equal(got.decided_by, "ann");
	assert_int_equal(got.n_runs, 1);
	assert_int_equal(got.runs[0], f->run);
	pfg_baseline_release(&got);
	/* proposed -> rejected */
	assert_int_equal(pfg_store_baseline_decide(f->st, c, BS("rejected"), "bo", "no", err,
						   sizeof err), 0);
	expect_baseline_state(f, c, "rejected");
	/* Illegal: anything from rejected, superseded or approved. */
	const struct { int64_t id; const char *to, *msg; int rc; } bad[] = {
		{ c, "approved", "is rejected: only a proposed baseline can be approved",
		  PFG_EINPUT },
		{ c, "rejected", "is rejected", PFG_EINPUT },
		{ a, "approved", "is superseded", PFG_EINPUT },
		{ b, "approved", "is approved", PFG_EINPUT },
		{ b, "rejected", "is approved", PFG_EINPUT },
		{ b, "superseded", "can be approved or rejected, not 'superseded'",
		  PFG_EINPUT },
		{ 999, "approved", "no baseline 999", PFG_ENOTFOUND },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(pfg_store_baseline_decide(f->st, bad[i].id, BS(bad[i].to), "x",
							   NULL, err, sizeof err), bad[i].rc);
		if (!strstr(err, bad[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, bad[i].msg);
	}
	/* Nothing illegal changed anything. */
	expect_baseline_state(f, b, "approved");
	double *v;
	size_t n;
	assert_int_equal(pfg_store_baseline_samples(f->st, b, &v, &n, NULL, 0), 0);
	assert_int_equal(n, 3);
	free(v);
}

/* Raise an alert on the fixture's benchmark; return its id. */
static int64_t raise_alert(struct fixture *f)
{
	struct pfg_alert a = { .bench_id = f->bench, .env_id = f->env, .run_id = f->run,
			       .change_pct = 30, .p_value = 0.001, .detail = "slower" };
	a.kind = PFG_ALERT_REGRESSION;
	a.severity = PFG_SEVERITY_MAJOR;
	int64_t id;
	assert_int_equal(pfg_store_alert_add(f->st, &a, &id, NULL, 0), 0);
	return id;
}

/* Try a transition of a fresh alert walked through path; want rc. */
static void try_path(struct fixture *f, const char *const *path, size_t n, int want_last)
{
	int64_t id = raise_alert(f);
	char err[PFG_ERR_MAX];
	for (size_t i = 0; i < n; i++) {
		int rc = pfg_store_alert_transition(f->st, id, AS(path[i]), "t", NULL, err,
						    sizeof err);
		int want = i + 1 == n ? want_last : 0;
		if (rc != want)
			fail_msg("step %zu to %s: rc %d, want %d (%s)", i, path[i], rc, want, err);
	}
}

static void test_alert_transitions(void **state)
{
	struct fixture *f = *state;
	static const char *const open_states[] = { "new", "acknowledged", "investigating" };
	static const char *const all[] = { "acknowledged", "investigating", "fixed",
					   "invalid", "wontfix", "new" };
	/* From each open state (reached legally), every target. */
	for (int from = 0; from < 3; from++) {
		for (int t = 0; t < 6; t++) {
			const char *path[3];
			size_t n = 0;
			for (int k = 1; k <= from; k++)
				path[n++] = open_states[k];
			path[n++] = all[t];
			int to_rank = t < 2 ? t + 1 : t < 5 ? 3 : 0; /* new = 0 */
			int legal = to_rank > from;
			try_path(f, path, n, legal ? 0 : PFG_EINPUT);
		}
	}
	/* From each closed state: only investigating reopens it. */
	static const char *const closed[] = { "fixed", "invalid", "wontfix" };
	for (int c = 0; c < 3; c++)
		for (int t = 0; t < 6; t++) {
			const char *path[] = { closed[c], all[t] };
			int legal = strcmp(all[t], "investigating") == 0;
			try_path(f, path, 2, legal ? 0 : PFG_EINPUT);
		}
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_store_alert_transition(f->st, 999, AS("fixed"), "t", NULL, err,
						    sizeof err), PFG_ENOTFOUND);
	assert_non_null(strstr(err, "no alert 999"));
}

static void test_alert_history_notes_and_recovery(void **state)
{
	struct fixture *f = *state;
	int64_t id = raise_alert(f);
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_store_alert_transition(f->st, id, AS("acknowledged"), "ann", "seen",
						    err, sizeof err), 0);
	assert_int_equal(pfg_store_alert_note(f->st, id, "bo", "bisecting", err, sizeof err), 0);
	assert_int_equal(pfg_store_alert_note(f->st, id, "bo", "", err, sizeof err), PFG_EINPUT);
	assert_int_equal(pfg_store_alert_recover(f->st, id, f->run, err, sizeof err), 0);
	struct pfg_alert a;
	struct pfg_alert_event *h;
	size_t nh;
	assert_int_equal(pfg_store_alert_get(f->st, id, &a, &h, &nh, err, sizeof err), 0);
	assert_string_equal(pfg_alert_state_name(a.state), "acknowledged");
	assert_int_equal(a.recovered_run_id, f->run);
	assert_string_equal(a.bench, "c/b");
	assert_int_equal(nh, 2);
	assert_string_equal(pfg_alert_state_name(h[0].from), "new");
	assert_string_equal(pfg_alert_state_name(h[0].to), "acknowledged");
	assert_string_equal(h[0].note, "seen");
	assert_string_equal(h[1].actor, "bo");
	assert_int_equal(h[1].from, h[1].to);
	assert_string_equal(h[1].note, "bisecting");
	pfg_alert_events_free(h, nh);
	pfg_alert_release(&a);
	/* Filters. */
	struct pfg_alert *list;
	size_t n;
	struct pfg_alert_filter open = { .states = PFG_ALERT_OPEN_STATES },
				sev = { .min_severity = PFG_SEVERITY_CRITICAL },
				comp = { .component = "nope" };
	assert_int_equal(pfg_store_alerts(f->st, &open, &list, &n, NULL, 0), 0);
	assert_int_equal(n, 1);
	pfg_alerts_free(list, n);
	assert_int_equal(pfg_store_alerts(f->st, &sev, &list, &n, NULL, 0), 0);
	assert_int_equal(n, 0);
	pfg_alerts_free(list, n);
	assert_int_equal(pfg_store_alerts(f->st, &comp, &list, &n, NULL, 0), 0);
	assert_int_equal(n, 0);
	pfg_alerts_free(list, n);
	/* Every change is in the audit log. */
	struct pfg_audit_entry *e;
	assert_int_equal(pfg_store_audit(f->st, 0, &e, &n, NULL, 0), 0);
	assert_int_equal(n, 4); /* raised, acknowledged, note, recovered */
	assert_string_equal(e[1].action, "acknowledged");
	assert_string_equal(e[2].action, "note");
	assert_string_equal(e[3].action, "recovered");
	pfg_audit_free(e, n);
}

static void test_severity_order(void **state)
{
	(void)state;
	enum pfg_severity none, minor, moderate, major, critical;
	assert_int_equal(pfg_severity_parse("none", &none), 0);
	assert_int_equal(pfg_severity_parse("minor", &minor), 0);
	assert_int_equal(pfg_severity_parse("moderate", &moderate), 0);
	assert_int_equal(pfg_severity_parse("major", &major), 0);
	assert_int_equal(pfg_severity_parse("critical", &critical), 0);
	assert_true(critical >= major && major >= major);
	assert_false(moderate >= major);
	assert_false(none >= minor);
	assert_int_equal(pfg_severity_parse("sleeping", &none), -1);
	enum pfg_alert_state st;
	assert_int_equal(pfg_alert_state_parse("sleeping", &st), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_baseline_transitions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alert_transitions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alert_history_notes_and_recovery, setup,
						teardown),
		cmocka_unit_test(test_severity_order),
	};
	return cmocka_run_group_tests_name("triage", tests, NULL, NULL);
}
