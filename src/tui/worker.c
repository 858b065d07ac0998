/* worker.c: the dashboard's worker threads. The reader serves store reads
 * and the operator's decisions (baselines, alerts); the runner drives
 * pfg_engine_run(). Each owns its store connection; neither draws: all
 * they produce goes to the UI as messages (queue.c). */
#include "tui_int.h"

#include "perfguard/ha.h"
#include "perfguard/notify.h"

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

/* The latest successful run of bench ("component/name") and its id; 0
 * when none (err filled). */
static int64_t pfg_latest_ok_run(struct pfg_store *st, const char *bench, int64_t *bench_id,
				 char *err, size_t errlen)
{
	const char *slash = strchr(bench, '/');
	if (!slash)
		return 0;
	char *comp = strndup(bench, (size_t)(slash - bench));
	struct pfg_result_row *rows = NULL;
	size_t n = 0;
	int64_t run = 0;
	if (pfg_store_benchmark_find(st, comp, slash + 1, bench_id, err, errlen) == 0 &&
	    pfg_store_history(st, comp, slash + 1, 0, &rows, &n, err, errlen) == 0)
		for (size_t i = 0; i < n; i++)
			if (rows[i].ok && rows[i].n > 0)
				run = rows[i].run_id;
	pfg_result_rows_free(rows, n);
	free(comp);
	return run;
}

/* b: propose a baseline of j->text from its latest run, unless a proposed
 * or approved one is made of that run already (then say which). */
static int pfg_reader_propose(struct pfg_tui_worker *w, const struct pfg_tui_job *j,
			      int64_t *id, char *err, size_t errlen)
{
	int64_t bench_id = 0;
	int64_t run = pfg_latest_ok_run(w->store, j->text, &bench_id, err, errlen);
	if (run) {
		struct pfg_baseline_filter f = {
			.states = 1u << PFG_BASELINE_PROPOSED | 1u << PFG_BASELINE_APPROVED,
			.bench_id = bench_id };
		struct pfg_baseline *bl = NULL;
		size_t n = 0;
		if (pfg_store_baselines(w->store, &f, &bl, &n, err, errlen) == 0)
			for (size_t i = 0; i < n; i++) {
				if (bl[i].n_runs != 1 || bl[i].runs[0] != run)
					continue;
				int rc = pfg_error(err, errlen, PFG_EINPUT, "baseline #%lld "
						   "(%s) is made of run #%lld already, the "
						   "latest of %s%s", (long long)bl[i].id,
						   pfg_baseline_state_name(bl[i].state),
						   (long long)run, j->text,
						   bl[i].state == PFG_BASELINE_PROPOSED
						   ? ": a approves it" : "");
				pfg_baselines_free(bl, n);
				return rc;
			}
		pfg_baselines_free(bl, n);
	}
	return pfg_engine_propose_baseline(w->store, j->text, run, "proposed from the dashboard",
					   pfg_engine_actor(), 0, id, err, errlen);
}

/* Tell the config's notify targets (none without a config) that alert id
 * went from from to its current state, by actor, as `perfguard alerts`
 * does; here, on the worker's thread. What was not delivered is a notice. */
static void pfg_reader_notify(struct pfg_tui_worker *w, int64_t id,
			      enum pfg_alert_state from, const char *actor)
{
	if (!w->cfg)
		return;
	struct pfg_strv notices = { 0 };
	pfg_notify_alert_changes(w->cfg, w->store, &id, &from, 1, actor, &notices);
	pfg_ha_after_alert_changes(w->cfg, w->store, &id, &from, 1, &notices);
	for (size_t i = 0; i < notices.n; i++)
		pfg_notice(w->ch, 1, "%s", notices.v[i]);
	pfg_strv_release(&notices);
}

/* Carry out a decision of the operator and report it; a change posts
 * what was done, so that u can undo it. */
static void pfg_reader_act(struct pfg_tui_worker *w, const struct pfg_tui_job *j)
{
	char err[PFG_ERR_MAX];
	const char *actor = pfg_engine_actor();
	int rc;
	int64_t id = 0;
	struct pfg_tui_done done = { .kind = j->kind, .id = j->id };
	switch (j->kind) {
	case PFG_JOB_PROPOSE:
		rc = pfg_reader_propose(w, j, &id, err, sizeof err);
		done.id = id;
		snprintf(done.bench, sizeof done.bench, "%s", j->text);
		if (rc == 0)
			pfg_notice(w->ch, 0, "proposed baseline #%lld for %s: a approves it, "
				   "u withdraws it", (long long)id, j->text);
		break;
	case PFG_JOB_DECIDE:
		done.bto = j->baseline_to;
		rc = pfg_store_baseline_decide(w->store, j->id, j->baseline_to, actor, j->text,
					       err, sizeof err);
		if (rc == 0)
			pfg_notice(w->ch, 0, "baseline #%lld %s%s%s", (long long)j->id,
				   pfg_baseline_state_name(j->baseline_to),
				   j->undo ? " (undo)" : j->text ? ": " : "",
				   j->undo || !j->text ? "" : j->text);
		break;
	case PFG_JOB_NOTE:
		done.kind = 0;
		rc = pfg_store_alert_note(w->store, j->id, actor, j->text, err, sizeof err);
		if (rc == 0)
			pfg_notice(w->ch, 0, "alert #%lld: note added", (long long)j->id);
		break;
	case PFG_JOB_ALERT: {
		struct pfg_alert a;
		memset(&a, 0, sizeof a);
		if (pfg_store_alert_get(w->store, j->id, &a, NULL, NULL, err, sizeof err) == 0) {
			done.from = a.state;
			snprintf(done.bench, sizeof done.bench, "%s", a.bench ? a.bench : "?");
		}
		pfg_alert_release(&a);
		done.to = j->alert_to;
		rc = pfg_store_alert_transition(w->store, j->id, j->alert_to, actor, j->text,
						err, sizeof err);
		if (rc == 0)
			pfg_notice(w->ch, 0, "alert #%lld: %s %s %s%s%s", (long long)j->id,
				   pfg_alert_state_name(done.from), pfg_tui_glyph("arrow"),
				   pfg_alert_state_name(j->alert_to),
				   j->undo ? " (undo)" : j->alert_to == PFG_ALERT_ACKNOWLEDGED ||
				   !pfg_alert_state_is_open(j->alert_to) ? "; u undoes it" : "",
				   "");
		if (rc == 0)
			pfg_reader_notify(w, j->id, done.from, actor);
		break;
	}
	default:
		return;
	}
	if (rc) {
		pfg_notice(w->ch, 1, "%s", err);
		return;
	}
	struct pfg_tui_msg *m = pfg_xcalloc(1, sizeof *m);
	m->kind = PFG_MSG_CHANGED;
	if (!j->undo)
		m->done = done;
	pfg_tui_post(w->ch, m);
}

/* The results of run v->id, from each benchmark's history. */
static int pfg_load_run(struct pfg_store *st, struct pfg_tui_viewdata *v, char *err,
			size_t errlen)
{
	struct pfg_bench_row *bs = NULL;
	size_t nb = 0;
	if (pfg_store_benchmarks(st, &bs, &nb, err, errlen))
		return -1;
	v->res = pfg_xcalloc(nb + 1, sizeof *v->res);
	for (size_t i = 0; i < nb; i++) {
		struct pfg_result_row *rows = NULL;
		size_t n = 0;
		if (pfg_store_history(st, bs[i].component, bs[i].name, 0, &rows, &n, err,
				      errlen))
			break;
		for (size_t k = 0; k < n; k++) {
			if (rows[k].run_id != v->id)
				continue;
			struct pfg_tui_runres *r = &v->res[v->n_res++];
			r->bench = pfg_xasprintf("%s/%s", bs[i].component, bs[i].name);
			r->unit = pfg_xstrdup(bs[i].unit ? bs[i].unit : "");
			r->error = rows[k].error ? pfg_xstrdup(rows[k].error) : NULL;
			r->ok = rows[k].ok;
			r->n = rows[k].n;
			r->mean = rows[k].mean;
			r->stddev = rows[k].stddev;
		}
		pfg_result_rows_free(rows, n);
	}
	pfg_bench_rows_free(bs, nb);
	return 0;
}

/* The samples of benchmark v->id in run v->id2 and of its approved
 * baseline in that run's environment, with the run's comparison. */
static int pfg_load_dist(struct pfg_store *st, const struct pfg_config *cfg,
			 struct pfg_tui_viewdata *v, char *err, size_t errlen)
{
	enum pfg_stats_outliers method = cfg ? cfg->analysis.compare.outliers
					     : PFG_OUTLIERS_IQR;
	struct pfg_bench_row *bs = NULL;
	size_t nb = 0;
	if (pfg_store_benchmarks(st, &bs, &nb, err, errlen) == 0)
		for (size_t i = 0; i < nb; i++)
			if (bs[i].id == v->id) {
				snprintf(v->bench, sizeof v->bench, "%s/%s", bs[i].component,
					 bs[i].name);
				snprintf(v->unit, sizeof v->unit, "%s", bs[i].unit ? bs[i].unit : "");
			}
	pfg_bench_rows_free(bs, nb);
	if (pfg_store_comparison_get(st, v->id2, v->id, &v->cmp, err, errlen) == 0) {
		v->has_cmp = 1;
		v->base_id = v->cmp.baseline_id;
	}
	if (!v->base_id) {
		int64_t env = 0;
		struct pfg_baseline b;
		memset(&b, 0, sizeof b);
		if (pfg_store_run_info(st, v->id2, &env, NULL, err, errlen) == 0 &&
		    pfg_store_baseline_approved(st, v->id, env, &b, err, errlen) == 0)
			v->base_id = b.id;
		pfg_baseline_release(&b);
	}
	if (pfg_query_side_load(st, v->id2, v->id, 0, method, &v->cur, err, errlen))
		return -1;
	if (v->base_id && pfg_query_side_load(st, 0, v->id, v->base_id, method, &v->base, err,
					      errlen))
		return -1;
	return 0;
}

/* Load what view job j asks for. Never fails: what could not be read is
 * named in the view's error. */
static struct pfg_tui_viewdata *pfg_load_view(struct pfg_tui_worker *w,
					      const struct pfg_tui_job *j)
{
	struct pfg_tui_viewdata *v = pfg_xcalloc(1, sizeof *v);
	char err[PFG_ERR_MAX] = "";
	int rc = 0;
	v->view = j->view;
	v->id = j->id;
	v->id2 = j->id2;
	switch (j->view) {
	case PFG_VIEW_AUDIT:
		rc = pfg_store_audit(w->store, 500, &v->audit, &v->n_audit, err, sizeof err);
		break;
	case PFG_VIEW_RUNS:
		rc = pfg_store_runs(w->store, 0, &v->runs, &v->n_runs, err, sizeof err);
		break;
	case PFG_VIEW_RUN:
		rc = pfg_load_run(w->store, v, err, sizeof err);
		break;
	case PFG_VIEW_DIST:
		rc = pfg_load_dist(w->store, w->cfg, v, err, sizeof err);
		break;
	case PFG_VIEW_COMPARE:
		rc = pfg_query_compare_runs(w->store, w->cfg, j->id, j->id2, &v->rc, err,
					    sizeof err);
		break;
	}
	if (rc)
		v->error = pfg_xstrdup(err);
	return v;
}

/* Release and free a view's data. */
void pfg_tui_view_free(struct pfg_tui_viewdata *v)
{
	if (!v)
		return;
	pfg_audit_free(v->audit, v->n_audit);
	free(v->runs);
	for (size_t i = 0; i < v->n_res; i++) {
		free(v->res[i].bench);
		free(v->res[i].unit);
		free(v->res[i].error);
	}
	free(v->res);
	pfg_query_side_release(&v->base);
	pfg_query_side_release(&v->cur);
	pfg_query_run_compare_release(&v->rc);
	free(v->error);
	free(v);
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
		case PFG_JOB_VIEW:
			m = pfg_xcalloc(1, sizeof *m);
			m->kind = PFG_MSG_VIEW;
			m->view = pfg_load_view(w, j);
			break;
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
