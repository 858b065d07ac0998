/* worker.c: the dashboard's worker threads. The reader serves store reads
 * and the operator's decisions (baselines, alerts); the runner drives
 * pfg_engine_run(). Each owns its store connection; neither draws: all
 * they produce goes to the UI as messages (queue.c). */
#include "tui_int.h"

#include "perfguard/alerts.h"
#include "perfguard/stats.h"

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

/* Free a snapshot. */
void pfg_tui_snapshot_free(struct pfg_tui_snapshot *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->b[i].component);
		free(s->b[i].name);
		free(s->b[i].full);
		free(s->b[i].unit);
	}
	free(s->b);
	for (size_t i = 0; i < s->n_alerts; i++)
		free(s->alerts[i].bench);
	free(s->alerts);
	free(s->error);
	free(s);
}

/* Free a trend. */
void pfg_tui_trend_free(struct pfg_tui_trend *t)
{
	if (!t)
		return;
	free(t->unit);
	free(t->y);
	free(t->run_ids);
	free(t->cps);
	free(t->cp_change);
	free(t->error);
	free(t);
}

/* Free an alert detail. */
void pfg_tui_detail_free(struct pfg_tui_detail *d)
{
	if (!d)
		return;
	pfg_alert_release(&d->alert);
	pfg_alert_events_free(d->hist, d->n_hist);
	if (d->has_base)
		pfg_baseline_release(&d->base);
	free(d->unit);
	free(d->current.error);
	free(d);
}

/* Keep the first error of a snapshot load. */
static void pfg_snap_error(struct pfg_tui_snapshot *s, const char *err)
{
	if (!s->error)
		s->error = pfg_xstrdup(err);
}

/* The environment of this host in the store (found or added), falling
 * back to that of the latest run when the database is read only. */
static int64_t pfg_reader_env(struct pfg_store *st)
{
	struct pfg_environment env;
	char err[PFG_ERR_MAX];
	int64_t id = 0, run;
	pfg_environment_detect(&env);
	if (pfg_store_environment_id(st, &env, &id, err, sizeof err) == 0)
		return id;
	if (pfg_store_latest_run(st, 1, &run, err, sizeof err) == 0)
		pfg_store_run_info(st, run, &id, NULL, 0, err, sizeof err);
	return id;
}

/* Compare alerts for the pane: open first, then severity, newest first. */
static int pfg_alert_order(const void *pa, const void *pb)
{
	const struct pfg_tui_alert *a = pa, *b = pb;
	static const char *open[] = { "new", "acknowledged", "investigating" };
	int oa = 0, ob = 0;
	for (int i = 0; i < 3; i++) {
		oa |= strcmp(a->state, open[i]) == 0;
		ob |= strcmp(b->state, open[i]) == 0;
	}
	if (oa != ob)
		return ob - oa;
	int sa = pfg_severity_at_least(a->severity, b->severity);
	int sb = pfg_severity_at_least(b->severity, a->severity);
	if (sa != sb)
		return sa ? -1 : 1;
	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

/* Fill the baseline columns of s from the store's baselines in env. */
static void pfg_snap_baselines(struct pfg_store *st, struct pfg_tui_snapshot *s)
{
	static const char *states[] = { "approved", "proposed" };
	char err[PFG_ERR_MAX];
	for (int k = 0; k < 2; k++) {
		struct pfg_baseline_filter f = { .state = states[k], .env_id = s->env_id };
		struct pfg_baseline *bl;
		size_t n;
		if (pfg_store_baselines(st, &f, &bl, &n, err, sizeof err)) {
			pfg_snap_error(s, err);
			continue;
		}
		/* Newest first: the first one seen per benchmark wins. */
		for (size_t i = 0; i < n; i++) {
			for (size_t j = 0; j < s->n; j++) {
				struct pfg_tui_bench *b = &s->b[j];
				if (b->id != bl[i].bench_id)
					continue;
				if (k == 0 && !b->approved_id) {
					b->approved_id = bl[i].id;
					b->approved_mean = bl[i].stats.mean;
					b->approved_n = bl[i].stats.n;
				} else if (k == 1 && !b->proposed_id) {
					b->proposed_id = bl[i].id;
					b->proposed_mean = bl[i].stats.mean;
					b->proposed_n = bl[i].stats.n;
				}
				break;
			}
		}
		pfg_baselines_free(bl, n);
	}
}

/* Order benchmarks by component, then name (as the store does). */
static int pfg_bench_order(const void *pa, const void *pb)
{
	const struct pfg_tui_bench *a = pa, *b = pb;
	int c = strcmp(a->component, b->component);
	return c ? c : strcmp(a->name, b->name);
}

/* Add the config's benchmarks that never ran (ids below 0, never in the
 * store) so that the operator can start them. */
static void pfg_snap_add_unrun(struct pfg_tui_worker *w, struct pfg_tui_snapshot *s)
{
	if (!w->cfg)
		return;
	size_t known = s->n;
	for (size_t k = 0; k < w->cfg->n_benchmarks; k++) {
		const struct pfg_benchmark_cfg *c = &w->cfg->benchmarks[k];
		int found = 0;
		for (size_t i = 0; i < known && !found; i++)
			found = strcmp(s->b[i].full, c->id) == 0;
		if (found)
			continue;
		s->b = pfg_xrealloc(s->b, (s->n + 1) * sizeof *s->b);
		struct pfg_tui_bench *b = &s->b[s->n++];
		memset(b, 0, sizeof *b);
		b->id = -(int64_t)(k + 1);
		b->component = pfg_xstrdup(c->component);
		b->name = pfg_xstrdup(c->name);
		b->full = pfg_xstrdup(c->id);
		b->unit = pfg_xstrdup(c->unit);
		b->in_config = 1;
	}
	if (s->n > known)
		qsort(s->b, s->n, sizeof *s->b, pfg_bench_order);
}

/* Load the overview the panes show. Never fails: what could not be read
 * is left out and named in s->error. */
static struct pfg_tui_snapshot *pfg_load_snapshot(struct pfg_tui_worker *w)
{
	struct pfg_tui_snapshot *s = pfg_xcalloc(1, sizeof *s);
	int64_t t0 = pfg_now_ns();
	char err[PFG_ERR_MAX];
	struct pfg_bench_row *rows;
	size_t n;
	s->env_id = pfg_reader_env(w->store);
	if (pfg_store_benchmarks(w->store, &rows, &n, err, sizeof err)) {
		pfg_snap_error(s, err);
		rows = NULL;
		n = 0;
	}
	s->b = pfg_xcalloc(n ? n : 1, sizeof *s->b);
	s->n = n;
	for (size_t i = 0; i < n; i++) {
		struct pfg_tui_bench *b = &s->b[i];
		b->id = rows[i].id;
		b->component = pfg_xstrdup(rows[i].component);
		b->name = pfg_xstrdup(rows[i].name);
		b->full = pfg_xasprintf("%s/%s", b->component, b->name);
		b->unit = pfg_xstrdup(rows[i].unit);
		b->n_runs = rows[i].n_runs;
		b->has_latest = rows[i].has_latest;
		if (b->has_latest) {
			b->latest_ok = rows[i].latest.ok && rows[i].latest.n > 0;
			b->latest_run = rows[i].latest.run_id;
			b->latest_mean = rows[i].latest.mean;
			if (rows[i].latest.started_at > s->last_run_at)
				s->last_run_at = rows[i].latest.started_at;
		}
		if (w->cfg)
			for (size_t k = 0; k < w->cfg->n_benchmarks; k++)
				if (strcmp(w->cfg->benchmarks[k].id, b->full) == 0)
					b->in_config = 1;
	}
	pfg_bench_rows_free(rows, n);
	pfg_snap_add_unrun(w, s);
	pfg_snap_baselines(w->store, s);
	for (size_t i = 0; i < s->n; i++) {
		struct pfg_tui_bench *b = &s->b[i];
		struct pfg_comparison c;
		if (b->has_latest &&
		    pfg_store_comparison_get(w->store, b->latest_run, b->id, &c, NULL, 0) == 0) {
			b->has_cmp = strcmp(c.verdict, "no_baseline") != 0;
			b->change_pct = c.change_pct;
			b->ci_low = c.ci_low_pct;
			b->ci_high = c.ci_high_pct;
			b->p_value = c.p_value;
			snprintf(b->verdict, sizeof b->verdict, "%s", c.verdict);
			snprintf(b->severity, sizeof b->severity, "%s", c.severity);
		}
		struct pfg_result_row *series;
		size_t ns;
		if (pfg_store_series(w->store, b->id, s->env_id, PFG_TUI_SPARK, &series, &ns,
				     err, sizeof err) == 0) {
			for (size_t k = 0; k < ns && k < PFG_TUI_SPARK; k++)
				b->spark[k] = series[k].mean;
			b->n_spark = ns < PFG_TUI_SPARK ? ns : PFG_TUI_SPARK;
			pfg_result_rows_free(series, ns);
		} else {
			pfg_snap_error(s, err);
		}
	}

	struct pfg_alert *al;
	size_t na;
	if (pfg_store_alerts(w->store, NULL, &al, &na, err, sizeof err) == 0) {
		s->alerts = pfg_xcalloc(na ? na : 1, sizeof *s->alerts);
		s->n_alerts = na;
		for (size_t i = 0; i < na; i++) {
			struct pfg_tui_alert *a = &s->alerts[i];
			a->id = al[i].id;
			a->bench_id = al[i].bench_id;
			a->run_id = al[i].run_id;
			a->bench = pfg_xstrdup(al[i].bench ? al[i].bench : "?");
			memcpy(a->kind, al[i].kind, sizeof a->kind);
			memcpy(a->state, al[i].state, sizeof a->state);
			memcpy(a->severity, al[i].severity, sizeof a->severity);
			a->change_pct = al[i].change_pct;
			a->created_at = al[i].created_at;
			a->recovered = al[i].recovered_run_id != 0;
		}
		pfg_alerts_free(al, na);
		qsort(s->alerts, s->n_alerts, sizeof *s->alerts, pfg_alert_order);
	} else {
		pfg_snap_error(s, err);
	}

	int64_t run;
	if (pfg_store_latest_run(w->store, 1, &run, err, sizeof err) == 0) {
		s->last_run = run;
		pfg_store_run_info(w->store, run, NULL, s->last_status, sizeof s->last_status,
				   NULL, 0);
	}
	if (s->last_run) {
		struct pfg_gate_report g;
		enum pfg_stats_severity fail_on = w->cfg ? w->cfg->analysis.gate_fail_on
							 : PFG_SEVERITY_MAJOR;
		struct pfg_gate_opts o = {
			.fail_on = fail_on,
			.fail_on_missing_baseline = w->cfg ?
				w->cfg->analysis.gate_fail_on_missing_baseline : 0,
		};
		const char **names = NULL;
		if (w->cfg) {
			names = pfg_xcalloc(w->cfg->n_benchmarks + 1, sizeof *names);
			for (size_t i = 0; i < w->cfg->n_benchmarks; i++)
				names[i] = w->cfg->benchmarks[i].id;
			o.benches = names;
			o.n_benches = w->cfg->n_benchmarks;
		}
		int grc = pfg_gate_judge(w->store, &o, &g, err, sizeof err);
		free(names);
		if (grc == 0) {
			s->has_gate = 1;
			s->gate_failed = g.failed;
			s->gate_items = g.n_items;
			for (size_t i = 0; i < g.n_items; i++)
				s->gate_failing += g.items[i].fails != 0;
			pfg_gate_report_release(&g);
		}
	}
	s->load_ns = pfg_now_ns() - t0;
	return s;
}

/* Load the history of bench_id in env for the trend pane. */
static struct pfg_tui_trend *pfg_load_trend(struct pfg_store *st, int64_t bench_id,
					    int64_t env_id, const char *unit)
{
	struct pfg_tui_trend *t = pfg_xcalloc(1, sizeof *t);
	char err[PFG_ERR_MAX];
	t->bench_id = bench_id;
	t->unit = pfg_xstrdup(unit ? unit : "");
	struct pfg_result_row *rows;
	size_t n;
	if (pfg_store_series(st, bench_id, env_id, PFG_TUI_TREND_RUNS, &rows, &n, err,
			     sizeof err)) {
		t->error = pfg_xstrdup(err);
		return t;
	}
	t->y = pfg_xcalloc(n ? n : 1, sizeof *t->y);
	t->run_ids = pfg_xcalloc(n ? n : 1, sizeof *t->run_ids);
	t->n = n;
	for (size_t i = 0; i < n; i++) {
		t->y[i] = rows[i].mean;
		t->run_ids[i] = rows[i].run_id;
	}
	pfg_result_rows_free(rows, n);

	struct pfg_baseline b;
	if (pfg_store_baseline_approved(st, bench_id, env_id, &b, NULL, 0) == 0) {
		t->has_baseline = 1;
		t->baseline = b.stats.mean;
		pfg_baseline_release(&b);
	}
	struct pfg_stats_trend fit;
	if (n >= 3 && pfg_stats_trend_fit(NULL, t->y, n, &fit, NULL, 0) == 0) {
		t->has_fit = 1;
		t->slope = fit.slope;
		t->r2 = fit.r2;
		t->slope_p = fit.slope_p_value;
	}
	/* Change points: those the engine stored, in the window shown. */
	struct pfg_change_point_row *cps;
	size_t ncp;
	if (pfg_store_change_points(st, bench_id, env_id, &cps, &ncp, err, sizeof err) == 0) {
		t->cps = pfg_xcalloc(ncp ? ncp : 1, sizeof *t->cps);
		t->cp_change = pfg_xcalloc(ncp ? ncp : 1, sizeof *t->cp_change);
		for (size_t k = 0; k < ncp; k++)
			for (size_t i = 0; i < n; i++)
				if (t->run_ids[i] == cps[k].run_id) {
					t->cps[t->n_cps] = i;
					t->cp_change[t->n_cps++] = cps[k].change_pct;
					break;
				}
		free(cps);
	} else {
		t->error = pfg_xstrdup(err);
	}
	return t;
}

/* Load alert id and what its detail view shows. */
static struct pfg_tui_detail *pfg_load_detail(struct pfg_store *st, int64_t id,
					      const char *unit, struct pfg_tui_chan *ch)
{
	struct pfg_tui_detail *d = pfg_xcalloc(1, sizeof *d);
	char err[PFG_ERR_MAX];
	if (pfg_store_alert_get(st, id, &d->alert, &d->hist, &d->n_hist, err, sizeof err)) {
		pfg_notice(ch, 1, "%s", err);
		free(d);
		return NULL;
	}
	d->unit = pfg_xstrdup(unit ? unit : "");
	d->has_cmp = pfg_store_comparison_get(st, d->alert.run_id, d->alert.bench_id,
					      &d->cmp, NULL, 0) == 0;
	if (d->alert.baseline_id)
		d->has_base = pfg_store_baseline_get(st, d->alert.baseline_id, &d->base,
						     NULL, 0) == 0;
	double *v;
	size_t n;
	struct pfg_stats_summary sum;
	if (pfg_store_samples(st, d->alert.run_id, d->alert.bench_id, &v, &n, NULL, 0) == 0) {
		if (n && pfg_stats_summarize(v, n, &sum, NULL, 0) == 0) {
			d->has_current = 1;
			d->current.n = sum.n;
			d->current.mean = sum.mean;
			d->current.median = sum.median;
			d->current.stddev = sum.stddev;
			d->current.min = sum.min;
			d->current.max = sum.max;
			d->current.p95 = sum.p95;
		}
		free(v);
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
		rc = pfg_store_baseline_decide(w->store, j->id, j->to, actor, j->text, err,
					       sizeof err);
		if (rc == 0)
			pfg_notice(w->ch, 0, "baseline #%lld %s", (long long)j->id, j->to);
		break;
	case PFG_JOB_ALERT:
		if (strcmp(j->to, "note") == 0)
			rc = pfg_store_alert_note(w->store, j->id, actor, j->text, err,
						  sizeof err);
		else
			rc = pfg_store_alert_transition(w->store, j->id, j->to, actor, j->text,
							err, sizeof err);
		if (rc == 0)
			pfg_notice(w->ch, 0, "alert #%lld: %s", (long long)j->id,
				   strcmp(j->to, "note") == 0 ? "note added" : j->to);
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
			struct pfg_tui_detail *d = pfg_load_detail(w->store, j->id, j->text, w->ch);
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
			snprintf(r->verdict, sizeof r->verdict, "%s", o->comparison.verdict);
			snprintf(r->severity, sizeof r->severity, "%s", o->comparison.severity);
			r->change_pct = o->comparison.change_pct;
		}
		r->alert_id = o->alert_id;
	}
	if (ev->kind == PFG_EVENT_RUN_DONE && ev->report)
		snprintf(r->status, sizeof r->status, "%s", ev->report->status);
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
							.cancel_fd = w->ch->cancel[0],
							.on_event = pfg_runner_event,
							.ctx = w };
			struct pfg_run_report rep;
			if (pfg_engine_run(w->cfg, w->store, sel, n_sel, &opts, &rep, err,
					   sizeof err)) {
				done->text = pfg_xstrdup(err);
				done->is_error = 1;
			} else {
				done->text = pfg_xasprintf("run %lld %s", (long long)rep.run_id,
							   rep.status);
				done->is_error = strcmp(rep.status, "complete") != 0;
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
