/* worker.c: the dashboard's worker threads. The reader serves store reads
 * and the operator's decisions (baselines, alerts); the runner drives
 * pfg_engine_run(). Each owns its store connection; neither draws: all
 * they produce goes to the UI as messages (queue.c). */
#include "tui_int.h"


#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Post a notice (printf-style) to the UI. */
__attribute__((format(printf, 3, 4)))
static void pfg_notice(struct pfg_tui_chan *ch, int is_error, const char *fmt, ...)
{
	struct pfg_tui_msg *m = pfg_xcalloc(1, sizeof *m);
	va_list ap;
	va_start(ap, fmt);
	char buf[1024];
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	m->kind = PFG_MSG_NOTICE;
	m->text = pfg_xstrdup(buf);
	m->is_error = is_error;
	pfg_tui_post(ch, m);
}

/* Post a message of kind with no payload. */
static void pfg_post_kind(struct pfg_tui_chan *ch, enum pfg_tui_msg_kind kind)
{
	struct pfg_tui_msg *m = pfg_xcalloc(1, sizeof *m);
	m->kind = kind;
	pfg_tui_post(ch, m);
}

/* Release and free an overview. */
void pfg_tui_snapshot_free(struct pfg_query_overview *s)
{
	if (!s)
		return;
	pfg_query_overview_release(s);
	free(s);
}

/* Release and free a trend. */
void pfg_tui_trend_free(struct pfg_query_trend *t)
{
	if (!t)
		return;
	pfg_query_trend_release(t);
	free(t);
}

/* Release and free an alert detail. */
void pfg_tui_detail_free(struct pfg_query_alert_detail *d)
{
	if (!d)
		return;
	pfg_query_alert_detail_release(d);
	free(d);
}

/* The environment of this host in the store (found or added), falling
 * back to that of the latest run when the database is read only. */
static int64_t pfg_reader_env(struct pfg_store *st)
{
	struct pfg_environment env;
	char err[PFG_ERR_MAX];
	int64_t id = 0;
	pfg_environment_detect(&env);
	if (pfg_store_environment_id(st, &env, &id, err, sizeof err) == 0)
		return id;
	return pfg_query_environment(st);
}

/* Load the overview the panes show. Never fails: what could not be read
 * is left out and named in s->error. */
static struct pfg_query_overview *pfg_load_snapshot(struct pfg_tui_worker *w)
{
	struct pfg_query_overview *s = pfg_xcalloc(1, sizeof *s);
	int64_t t0 = pfg_now_ns();
	char err[PFG_ERR_MAX];
	struct pfg_query_overview_opts o = { .env_id = pfg_reader_env(w->store),
					     .spark = PFG_TUI_SPARK, .gate = 1 };
	pfg_query_overview_load(w->store, w->cfg, &o, s, err, sizeof err);
	s->load_ns = pfg_now_ns() - t0;
	return s;
}

/* Load the history of bench_id in env for the trend pane. */
static struct pfg_query_trend *pfg_load_trend(struct pfg_store *st, int64_t bench_id,
					      int64_t env_id, const char *unit)
{
	struct pfg_query_trend *t = pfg_xcalloc(1, sizeof *t);
	char err[PFG_ERR_MAX];
	pfg_query_trend_load(st, bench_id, env_id, PFG_TUI_TREND_RUNS, unit, t, err,
			     sizeof err);
	return t;
}

/* Load alert id and what its detail view shows; NULL (and a notice) when
 * it cannot be read. */
static struct pfg_query_alert_detail *pfg_load_detail(struct pfg_store *st, int64_t id,
						      const char *unit,
						      struct pfg_tui_chan *ch)
{
	struct pfg_query_alert_detail *d = pfg_xcalloc(1, sizeof *d);
	char err[PFG_ERR_MAX];
	if (pfg_query_alert_detail_load(st, id, unit, d, err, sizeof err)) {
		pfg_notice(ch, 1, "%s", err);
		pfg_tui_detail_free(d);
		return NULL;
	}
	return d;
}

/* Carry out a decision of the operator and report it. */
static void pfg_reader_act(struct pfg_tui_worker *w, const struct pfg_tui_job *j)
{
	char err[PFG_ERR_MAX];
	const char *actor = pfg_engine_actor();
	int rc;
	int64_t id = 0;
	switch (j->kind) {
	case PFG_JOB_PROPOSE:
		rc = pfg_engine_propose_baseline(w->store, j->text, 0,
						 "proposed from the dashboard", actor, 0,
						 &id, err, sizeof err);
		if (rc == 0)
			pfg_notice(w->ch, 0, "proposed baseline #%lld for %s: approve with a",
				   (long long)id, j->text);
		break;
	case PFG_JOB_DECIDE:
		rc = pfg_store_baseline_decide(w->store, j->id, j->baseline_to, actor, j->text,
					       err, sizeof err);
		if (rc == 0)
			pfg_notice(w->ch, 0, "baseline #%lld %s", (long long)j->id,
				   pfg_baseline_state_name(j->baseline_to));
		break;
	case PFG_JOB_NOTE:
		rc = pfg_store_alert_note(w->store, j->id, actor, j->text, err, sizeof err);
		if (rc == 0)
			pfg_notice(w->ch, 0, "alert #%lld: note added", (long long)j->id);
		break;
	case PFG_JOB_ALERT:
		rc = pfg_store_alert_transition(w->store, j->id, j->alert_to, actor, j->text,
						err, sizeof err);
		if (rc == 0)
			pfg_notice(w->ch, 0, "alert #%lld: %s", (long long)j->id,
				   pfg_alert_state_name(j->alert_to));
		break;
	default:
		return;
	}
	if (rc)
		pfg_notice(w->ch, 1, "%s", err);
	else
		pfg_post_kind(w->ch, PFG_MSG_CHANGED);
}

/* The reader thread: serve store jobs until stopped. */
static void *pfg_reader_main(void *arg)
{
	struct pfg_tui_worker *w = arg;
	int64_t env_id = 0;
	struct pfg_tui_job *j;
	while ((j = pfg_tui_jobq_wait(&w->q))) {
		struct pfg_tui_msg *m = NULL;
		switch (j->kind) {
		case PFG_JOB_SNAPSHOT:
			m = pfg_xcalloc(1, sizeof *m);
			m->kind = PFG_MSG_SNAPSHOT;
			m->snap = pfg_load_snapshot(w);
			env_id = m->snap->env_id;
			break;
		case PFG_JOB_TREND:
			if (!env_id)
				env_id = pfg_reader_env(w->store);
			m = pfg_xcalloc(1, sizeof *m);
			m->kind = PFG_MSG_TREND;
			m->trend = pfg_load_trend(w->store, j->id, env_id, j->text);
			break;
		case PFG_JOB_DETAIL: {
			struct pfg_query_alert_detail *d = pfg_load_detail(w->store, j->id, j->text, w->ch);
			if (d) {
				m = pfg_xcalloc(1, sizeof *m);
				m->kind = PFG_MSG_DETAIL;
				m->detail = d;
			}
			break;
		}
		default:
			pfg_reader_act(w, j);
			break;
		}
		pfg_tui_job_free(j);
		pfg_tui_jobq_done(&w->q);
		if (m)
			pfg_tui_post(w->ch, m);
	}
	return NULL;
}

/* Engine callback on the runner thread: copy the event to the UI. */
static void pfg_runner_event(const struct pfg_event *ev, void *ctx)
{
	struct pfg_tui_worker *w = ctx;
	struct pfg_tui_msg *m = pfg_xcalloc(1, sizeof *m);
	struct pfg_tui_run_ev *r = &m->run;
	m->kind = PFG_MSG_RUN;
	r->kind = ev->kind;
	r->run_id = ev->run_id;
	if (ev->bench) {
		snprintf(r->bench, sizeof r->bench, "%s", ev->bench->id);
		snprintf(r->unit, sizeof r->unit, "%s", ev->bench->unit);
	}
	r->bench_index = ev->bench_index;
	r->n_benches = ev->n_benches;
	r->run_index = ev->run_index;
	r->n_runs = ev->n_runs;
	r->warmup = ev->warmup;
	r->confirming = ev->confirming;
	r->value = ev->value;
	if (ev->kind == PFG_EVENT_BENCH_DONE && ev->outcome) {
		const struct pfg_bench_outcome *o = ev->outcome;
		r->ok = o->ok;
		snprintf(r->error, sizeof r->error, "%s", o->error ? o->error : "");
		r->n = o->result.n;
		r->mean = o->result.mean;
		r->stddev = o->result.stddev;
		r->has_cmp = o->has_comparison;
		if (o->has_comparison) {
			r->verdict = o->comparison.verdict;
			r->severity = o->comparison.severity;
			r->change_pct = o->comparison.change_pct;
		}
		r->alert_id = o->changes.alert_id;
	}
	if (ev->kind == PFG_EVENT_RUN_DONE && ev->report)
		r->status = ev->report->status;
	pfg_tui_post(w->ch, m);
}

/* The runner thread: one engine run per job until stopped. */
static void *pfg_runner_main(void *arg)
{
	struct pfg_tui_worker *w = arg;
	struct pfg_tui_job *j;
	while ((j = pfg_tui_jobq_wait(&w->q))) {
		char err[PFG_ERR_MAX];
		size_t *sel = NULL, n_sel = 0;
		struct pfg_tui_msg *done = pfg_xcalloc(1, sizeof *done);
		done->kind = PFG_MSG_RUN_IDLE;
		if (!w->cfg) {
			done->text = pfg_xstrdup("no config: nothing to run");
			done->is_error = 1;
		} else if (pfg_engine_select(w->cfg, j->patterns.v, j->patterns.n, &sel,
					     &n_sel, err, sizeof err)) {
			done->text = pfg_xstrdup(err);
			done->is_error = 1;
		} else {
			struct pfg_engine_opts opts = { .trigger = "tui",
							.session = w->ch->session,
							.on_event = pfg_runner_event,
							.ctx = w };
			struct pfg_run_report rep;
			if (pfg_engine_run(w->cfg, w->store, sel, n_sel, &opts, &rep, err,
					   sizeof err)) {
				done->text = pfg_xstrdup(err);
				done->is_error = 1;
			} else {
				done->text = pfg_xasprintf("run %lld %s", (long long)rep.run_id,
							   pfg_run_status_name(rep.status));
				done->is_error = rep.status != PFG_RUN_COMPLETE;
			}
			pfg_run_report_release(&rep);
		}
		free(sel);
		pfg_tui_job_free(j);
		pfg_tui_jobq_done(&w->q);
		pfg_tui_post(w->ch, done);
	}
	return NULL;
}

/* Start a worker thread with every signal blocked. */
int pfg_tui_worker_start(struct pfg_tui_worker *w, int runner)
{
	sigset_t all, old;
	sigfillset(&all);
	/* The thread inherits this mask: signals stay with the UI thread. */
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(&w->thread, NULL, runner ? pfg_runner_main : pfg_reader_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	w->started = rc == 0;
	return rc == 0 ? 0 : -1;
}

/* Stop a worker thread and wait for it. */
void pfg_tui_worker_stop(struct pfg_tui_worker *w)
{
	if (!w->started)
		return;
	pthread_mutex_lock(&w->q.lock);
	w->q.stop = 1;
	pthread_cond_broadcast(&w->q.cond);
	pthread_mutex_unlock(&w->q.lock);
	pthread_join(w->thread, NULL);
	w->started = 0;
}
