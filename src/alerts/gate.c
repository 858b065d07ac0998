/* gate.c: judge the suite's state, or one run, for CI: regressions at or
 * above the fail level that no dismissal excuses fail it. */
#include "perfguard/alerts.h"

#include "perfguard/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Append an item for bench to the report. */
static struct pfg_gate_item *add_item(struct pfg_gate_report *r, const char *bench,
				      int64_t run_id, enum pfg_gate_kind kind)
{
	r->items = pfg_xrealloc(r->items, (r->n_items + 1) * sizeof *r->items);
	struct pfg_gate_item *it = &r->items[r->n_items++];
	memset(it, 0, sizeof *it);
	it->bench = pfg_xstrdup(bench);
	it->run_id = run_id;
	it->kind = kind;
	return it;
}

/* The open drift alerts of the report's environment: the newest one of
 * each benchmark that is neither recovered nor fixed, ordered by
 * benchmark for drift_of(). Read in one query for every benchmark. */
struct drifts {
	struct pfg_alert *all;        /* every drift alert, newest first */
	size_t n_all;
	const struct pfg_alert **open; /* the newest open one per benchmark */
	size_t n;
};

/* Order pointers to alerts by benchmark id. */
static int drift_bench_order(const void *pa, const void *pb)
{
	int64_t a = (*(const struct pfg_alert *const *)pa)->bench_id;
	int64_t b = (*(const struct pfg_alert *const *)pb)->bench_id;
	return a < b ? -1 : a > b;
}

/* Order pointers to alerts by benchmark id, then newest first. */
static int drift_newest_order(const void *pa, const void *pb)
{
	int c = drift_bench_order(pa, pb);
	if (c)
		return c;
	int64_t a = (*(const struct pfg_alert *const *)pa)->id;
	int64_t b = (*(const struct pfg_alert *const *)pb)->id;
	return a < b ? 1 : a > b ? -1 : 0;
}

/* Load the drift alerts of env_id into d (drifts_release() frees them). */
static int drifts_load(struct pfg_store *st, int64_t env_id, struct drifts *d, char *err,
		       size_t errlen)
{
	struct pfg_alert_filter f = { .kinds = 1u << PFG_ALERT_DRIFT };
	memset(d, 0, sizeof *d);
	if (pfg_store_alerts(st, &f, &d->all, &d->n_all, err, errlen))
		return PFG_ERUNTIME;
	d->open = pfg_xcalloc(d->n_all + 1, sizeof *d->open);
	for (size_t i = 0; i < d->n_all; i++) {
		const struct pfg_alert *a = &d->all[i];
		if (a->env_id != env_id || a->recovered_run_id || a->state == PFG_ALERT_FIXED)
			continue;
		d->open[d->n++] = a;
	}
	/* Keep the newest of each benchmark. */
	qsort(d->open, d->n, sizeof *d->open, drift_newest_order);
	size_t w = 0;
	for (size_t i = 0; i < d->n; i++)
		if (w == 0 || d->open[w - 1]->bench_id != d->open[i]->bench_id)
			d->open[w++] = d->open[i];
	d->n = w;
	return PFG_OK;
}

/* The newest open drift alert of bench_id in d, or NULL. */
static const struct pfg_alert *drift_of(const struct drifts *d, int64_t bench_id)
{
	struct pfg_alert key = { .bench_id = bench_id };
	const struct pfg_alert *kp = &key;
	const struct pfg_alert **hit = bsearch(&kp, d->open, d->n, sizeof *d->open,
					       drift_bench_order);
	return hit ? *hit : NULL;
}

/* Free what drifts_load() read. */
static void drifts_release(struct drifts *d)
{
	free(d->open);
	pfg_alerts_free(d->all, d->n_all);
	memset(d, 0, sizeof *d);
}

/* The benchmark of comparison c has an open drift alert in the report's
 * environment (the history chart saw a creep or a lasting shift that no
 * single run's verdict may show): an item, failing at the fail level
 * unless it was dismissed. A recovered alert is over. */
static void judge_drift(const struct drifts *d, const struct pfg_comparison *c,
			const char *bench, struct pfg_gate_report *r)
{
	const struct pfg_alert *a = drift_of(d, c->bench_id);
	if (!a)
		return;
	struct pfg_gate_item *it = add_item(r, bench, a->run_id, PFG_GATE_DRIFT);
	it->severity = a->severity;
	it->state = a->state;
	it->alert_id = a->id;
	it->change_pct = a->change_pct;
	it->fails = a->severity >= r->fail_on && !pfg_alert_state_is_dismissed(a->state);
}

/* Judge one comparison of bench into the report. */
static int judge(struct pfg_store *st, const struct drifts *d, const struct pfg_comparison *c,
		 const char *bench, struct pfg_gate_report *r, char *err, size_t errlen)
{
	r->n_benchmarks++;
	if (c->verdict == PFG_VERDICT_NO_BASELINE) {
		struct pfg_gate_item *it = add_item(r, bench, c->run_id,
						    PFG_GATE_MISSING_BASELINE);
		it->fails = r->fail_on_missing_baseline;
		return PFG_OK;
	}
	judge_drift(d, c, bench, r);
	if (c->verdict != PFG_VERDICT_REGRESSION)
		return PFG_OK;
	struct pfg_alert a = { 0 };
	if (c->alert_id && pfg_store_alert_get(st, c->alert_id, &a, NULL, NULL, err, errlen))
		return PFG_ERUNTIME;
	struct pfg_gate_item *it = add_item(r, bench, c->run_id,
					    c->alert_id && a.kind == PFG_ALERT_ERROR_RATE ?
					    PFG_GATE_ERROR_RATE : PFG_GATE_REGRESSION);
	it->severity = c->severity;
	it->state = c->alert_id ? a.state : PFG_ALERT_NEW;
	it->alert_id = c->alert_id;
	it->change_pct = c->change_pct;
	int excused = c->alert_id && pfg_alert_state_is_dismissed(a.state) &&
		      pfg_alert_covers(&a, c);
	it->fails = c->severity >= r->fail_on && !excused;
	pfg_alert_release(&a);
	return PFG_OK;
}

/* Order benchmark names by name. */
static int name_order(const void *pa, const void *pb)
{
	return strcmp(((const struct pfg_bench_name *)pa)->full,
		      ((const struct pfg_bench_name *)pb)->full);
}

/* Order benchmark names by id. */
static int id_order(const void *pa, const void *pb)
{
	int64_t a = ((const struct pfg_bench_name *)pa)->id;
	int64_t b = ((const struct pfg_bench_name *)pb)->id;
	return a < b ? -1 : a > b;
}

/* Order comparisons by benchmark id. */
static int cmp_bench_order(const void *pa, const void *pb)
{
	int64_t a = ((const struct pfg_comparison *)pa)->bench_id;
	int64_t b = ((const struct pfg_comparison *)pb)->bench_id;
	return a < b ? -1 : a > b;
}

/* Judge every comparison of run_id. */
static int judge_run(struct pfg_store *st, int64_t run_id, struct pfg_gate_report *r,
		     char *err, size_t errlen)
{
	r->run_id = run_id;
	int rc = pfg_store_run_info(st, run_id, &r->env_id, &r->run_status, err, errlen);
	struct pfg_comparison *cs = NULL;
	struct pfg_bench_name *names = NULL;
	size_t nc = 0, nb = 0;
	if (rc == PFG_OK)
		rc = pfg_store_comparisons(st, run_id, &cs, &nc, err, errlen);
	if (rc == PFG_OK)
		rc = pfg_store_benchmark_names(st, &names, &nb, err, errlen);
	if (rc == PFG_OK)
		qsort(names, nb, sizeof *names, id_order);
	struct drifts d = { 0 };
	if (rc == PFG_OK)
		rc = drifts_load(st, r->env_id, &d, err, errlen);
	for (size_t i = 0; i < nc && rc == PFG_OK; i++) {
		struct pfg_bench_name key = { .id = cs[i].bench_id };
		const struct pfg_bench_name *b = bsearch(&key, names, nb, sizeof *names,
							 id_order);
		rc = judge(st, &d, &cs[i], b ? b->full : "?", r, err, errlen);
	}
	drifts_release(&d);
	free(cs);
	pfg_bench_names_free(names, nb);
	return rc;
}

/* Judge the latest comparison c (NULL: none in the environment) of one
 * benchmark of the suite. */
static int judge_bench(struct pfg_store *st, const struct drifts *d, const char *bench,
		       const struct pfg_comparison *c, struct pfg_gate_report *r, char *err,
		       size_t errlen)
{
	if (!c) {
		r->n_benchmarks++;
		struct pfg_gate_item *it = add_item(r, bench, 0, PFG_GATE_NO_RESULT);
		it->fails = r->fail_on_missing_baseline;
		return PFG_OK;
	}
	return judge(st, d, c, bench, r, err, errlen);
}

/* Judge the suite's state: the latest comparison of every benchmark (of
 * o->benches when given, else of the store), read in one query. */
static int judge_suite(struct pfg_store *st, const struct pfg_gate_opts *o,
		       struct pfg_gate_report *r, char *err, size_t errlen)
{
	int rc = pfg_store_environment_here(st, &r->env_id, err, errlen);
	if (rc)
		return rc;
	struct pfg_bench_name *names = NULL;
	struct pfg_comparison *cs = NULL;
	size_t nb = 0, nc = 0;
	rc = pfg_store_benchmark_names(st, &names, &nb, err, errlen);
	if (rc == PFG_OK && o->benches)
		qsort(names, nb, sizeof *names, name_order);
	if (rc == PFG_OK && o->newest && o->newest_env == r->env_id) {
		nc = o->n_newest;
		cs = pfg_xcalloc(nc + 1, sizeof *cs);
		memcpy(cs, o->newest, nc * sizeof *cs);
	} else if (rc == PFG_OK) {
		rc = pfg_store_comparisons_newest(st, r->env_id, &cs, &nc, err, errlen);
	}
	if (rc == PFG_OK)
		qsort(cs, nc, sizeof *cs, cmp_bench_order);
	struct drifts d = { 0 };
	if (rc == PFG_OK)
		rc = drifts_load(st, r->env_id, &d, err, errlen);
	size_t n = o->benches ? o->n_benches : nb;
	for (size_t i = 0; i < n && rc == PFG_OK; i++) {
		const char *name = o->benches ? o->benches[i] : "";
		struct pfg_bench_name key = { .full = (char *)name };
		const struct pfg_bench_name *b = !o->benches ? &names[i]
			: bsearch(&key, names, nb, sizeof *names, name_order);
		struct pfg_comparison ckey = { .bench_id = b ? b->id : 0 };
		const struct pfg_comparison *c = b ? bsearch(&ckey, cs, nc, sizeof *cs,
							     cmp_bench_order) : NULL;
		rc = judge_bench(st, &d, o->benches ? name : b->full, c, r, err, errlen);
	}
	drifts_release(&d);
	free(cs);
	pfg_bench_names_free(names, nb);
	return rc;
}

void pfg_gate_opts_init(struct pfg_gate_opts *o, const struct pfg_config *cfg)
{
	memset(o, 0, sizeof *o);
	o->fail_on = cfg ? cfg->analysis.gate_fail_on : PFG_SEVERITY_MAJOR;
	o->fail_on_missing_baseline = cfg ? cfg->analysis.gate_fail_on_missing_baseline : 0;
	if (!cfg)
		return;
	const char **names = pfg_xcalloc(cfg->n_benchmarks + 1, sizeof *names);
	for (size_t i = 0; i < cfg->n_benchmarks; i++)
		names[i] = cfg->benchmarks[i].id;
	o->benches = names;
	o->n_benches = cfg->n_benchmarks;
}

void pfg_gate_opts_release(struct pfg_gate_opts *o)
{
	free((void *)o->benches);
	memset(o, 0, sizeof *o);
}

int pfg_gate_judge(struct pfg_store *st, const struct pfg_gate_opts *o,
		   struct pfg_gate_report *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	out->fail_on = o->fail_on;
	out->fail_on_missing_baseline = o->fail_on_missing_baseline;
	int rc = o->run_id ? judge_run(st, o->run_id, out, err, errlen)
			   : judge_suite(st, o, out, err, errlen);
	for (size_t i = 0; i < out->n_items; i++)
		out->failed |= out->items[i].fails;
	return rc;
}

const char *pfg_gate_kind_name(enum pfg_gate_kind k)
{
	static const char *const names[] = { "regression", "error_rate",
					      "missing_baseline", "no_result", "drift" };
	return (unsigned)k < 5 ? names[k] : "?";
}

void pfg_gate_report_release(struct pfg_gate_report *r)
{
	for (size_t i = 0; i < r->n_items; i++)
		free(r->items[i].bench);
	free(r->items);
	memset(r, 0, sizeof *r);
}
