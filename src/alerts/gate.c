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

/* The benchmark of comparison c has an open drift alert in the report's
 * environment (the history chart saw a creep or a lasting shift that no
 * single run's verdict may show): an item, failing at the fail level
 * unless it was dismissed. A recovered alert is over. */
static int judge_drift(struct pfg_store *st, const struct pfg_comparison *c, const char *bench,
		       struct pfg_gate_report *r, char *err, size_t errlen)
{
	struct pfg_alert_filter f = { .kinds = 1u << PFG_ALERT_DRIFT, .bench_id = c->bench_id };
	struct pfg_alert *alerts;
	size_t n;
	if (pfg_store_alerts(st, &f, &alerts, &n, err, errlen))
		return PFG_ERUNTIME;
	for (size_t i = 0; i < n; i++) {
		const struct pfg_alert *a = &alerts[i];
		if (a->env_id != r->env_id || a->recovered_run_id || a->state == PFG_ALERT_FIXED)
			continue;
		struct pfg_gate_item *it = add_item(r, bench, a->run_id, PFG_GATE_DRIFT);
		it->severity = a->severity;
		it->state = a->state;
		it->alert_id = a->id;
		it->change_pct = a->change_pct;
		it->fails = a->severity >= r->fail_on && !pfg_alert_state_is_dismissed(a->state);
		break; /* the newest */
	}
	pfg_alerts_free(alerts, n);
	return PFG_OK;
}

/* Judge one comparison of bench into the report. */
static int judge(struct pfg_store *st, const struct pfg_comparison *c, const char *bench,
		 struct pfg_gate_report *r, char *err, size_t errlen)
{
	r->n_benchmarks++;
	if (c->verdict == PFG_VERDICT_NO_BASELINE) {
		struct pfg_gate_item *it = add_item(r, bench, c->run_id,
						    PFG_GATE_MISSING_BASELINE);
		it->fails = r->fail_on_missing_baseline;
		return PFG_OK;
	}
	if (judge_drift(st, c, bench, r, err, errlen))
		return PFG_ERUNTIME;
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
	for (size_t i = 0; i < nc && rc == PFG_OK; i++) {
		struct pfg_bench_name key = { .id = cs[i].bench_id };
		const struct pfg_bench_name *b = bsearch(&key, names, nb, sizeof *names,
							 id_order);
		rc = judge(st, &cs[i], b ? b->full : "?", r, err, errlen);
	}
	free(cs);
	pfg_bench_names_free(names, nb);
	return rc;
}

/* Judge the latest comparison c (NULL: none in the environment) of one
 * benchmark of the suite. */
static int judge_bench(struct pfg_store *st, const char *bench,
		       const struct pfg_comparison *c, struct pfg_gate_report *r, char *err,
		       size_t errlen)
{
	if (!c) {
		r->n_benchmarks++;
		struct pfg_gate_item *it = add_item(r, bench, 0, PFG_GATE_NO_RESULT);
		it->fails = r->fail_on_missing_baseline;
		return PFG_OK;
	}
	return judge(st, c, bench, r, err, errlen);
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
	if (rc == PFG_OK)
		rc = pfg_store_comparisons_newest(st, r->env_id, &cs, &nc, err, errlen);
	if (rc == PFG_OK)
		qsort(cs, nc, sizeof *cs, cmp_bench_order);
	size_t n = o->benches ? o->n_benches : nb;
	for (size_t i = 0; i < n && rc == PFG_OK; i++) {
		const char *name = o->benches ? o->benches[i] : "";
		struct pfg_bench_name key = { .full = (char *)name };
		const struct pfg_bench_name *b = !o->benches ? &names[i]
			: bsearch(&key, names, nb, sizeof *names, name_order);
		struct pfg_comparison ckey = { .bench_id = b ? b->id : 0 };
		const struct pfg_comparison *c = b ? bsearch(&ckey, cs, nc, sizeof *cs,
							     cmp_bench_order) : NULL;
		rc = judge_bench(st, o->benches ? name : b->full, c, r, err, errlen);
	}
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
