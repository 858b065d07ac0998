/* overview.c: the suite's overview, the read model behind the dashboard's
 * panes and `perfguard list`: the config's benchmarks joined with the
 * store's, their baselines, latest comparisons, sparklines and alerts,
 * and the facts the dashboard's header shows. Reads only. */
#include "perfguard/query.h"

#include "perfguard/alerts.h"
#include "perfguard/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The name of a baseline state. */
const char *pfg_query_baseline_name(enum pfg_query_baseline b)
{
	switch (b) {
	case PFG_QUERY_BASELINE_APPROVED:
		return "approved";
	case PFG_QUERY_BASELINE_PROPOSED:
		return "proposed";
	default:
		return "none";
	}
}

/* Keep the first error of a load. */
static void pfg_ov_error(struct pfg_query_overview *ov, const char *err)
{
	if (!ov->error)
		ov->error = pfg_xstrdup(err);
}

/* This host's environment as the store knows it, else the latest run's. */
int64_t pfg_query_environment(struct pfg_store *st)
{
	int64_t id = 0;
	return pfg_store_environment_here(st, &id, NULL, 0) == PFG_OK ? id : 0;
}

/* Compare alerts: open first, then severity, newest first. */
static int pfg_alert_order(const void *pa, const void *pb)
{
	const struct pfg_query_alert *a = pa, *b = pb;
	int oa = pfg_alert_state_is_open(a->state) != 0;
	int ob = pfg_alert_state_is_open(b->state) != 0;
	if (oa != ob)
		return ob - oa;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

/* Order benchmarks by component, then name (as the store does). */
static int pfg_bench_order(const void *pa, const void *pb)
{
	const struct pfg_query_bench *a = pa, *b = pb;
	int c = strcmp(a->component, b->component);
	return c ? c : strcmp(a->name, b->name);
}

/* The entry of "component/name" in ov, or NULL. */
const struct pfg_query_bench *pfg_query_overview_find(const struct pfg_query_overview *ov,
						      const char *full)
{
	for (size_t i = 0; i < ov->n; i++)
		if (strcmp(ov->b[i].full, full) == 0)
			return &ov->b[i];
	return NULL;
}

/* Nonzero when "component/name" full is one of cfg's benchmarks. */
static int pfg_in_config(const struct pfg_config *cfg, const char *full)
{
	if (cfg)
		for (size_t k = 0; k < cfg->n_benchmarks; k++)
			if (strcmp(cfg->benchmarks[k].id, full) == 0)
				return 1;
	return 0;
}

/* Fill ov->b from the store's benchmarks (each with its latest result). */
static int pfg_ov_stored(struct pfg_store *st, const struct pfg_config *cfg,
			 struct pfg_query_overview *ov, char *err, size_t errlen)
{
	struct pfg_bench_row *rows = NULL;
	size_t n = 0;
	int rc = pfg_store_benchmarks(st, &rows, &n, err, errlen);
	if (rc) {
		pfg_ov_error(ov, err);
		return rc;
	}
	ov->b = pfg_xcalloc(n ? n : 1, sizeof *ov->b);
	ov->n = n;
	for (size_t i = 0; i < n; i++) {
		struct pfg_query_bench *b = &ov->b[i];
		b->id = rows[i].id;
		b->component = pfg_xstrdup(rows[i].component);
		b->name = pfg_xstrdup(rows[i].name);
		b->full = pfg_xasprintf("%s/%s", b->component, b->name);
		b->unit = pfg_xstrdup(rows[i].unit);
		b->in_store = 1;
		b->in_config = pfg_in_config(cfg, b->full);
		b->n_runs = rows[i].n_runs;
		b->has_latest = rows[i].has_latest;
		if (b->has_latest) {
			b->latest_ok = rows[i].latest.ok;
			b->latest_n = rows[i].latest.n;
			b->latest_run = rows[i].latest.run_id;
			b->latest_started_at = rows[i].latest.started_at;
			b->latest_mean = rows[i].latest.mean;
			if (rows[i].latest.started_at > ov->last_run_at)
				ov->last_run_at = rows[i].latest.started_at;
		}
	}
	pfg_bench_rows_free(rows, n);
	return 0;
}

/* Add the config's benchmarks that were never stored (ids below 0), so
 * that a view can offer to run them, and keep the order. */
static void pfg_ov_unstored(const struct pfg_config *cfg, struct pfg_query_overview *ov)
{
	if (!cfg)
		return;
	size_t known = ov->n;
	for (size_t k = 0; k < cfg->n_benchmarks; k++) {
		const struct pfg_benchmark_cfg *c = &cfg->benchmarks[k];
		int found = 0;
		for (size_t i = 0; i < known && !found; i++)
			found = strcmp(ov->b[i].full, c->id) == 0;
		if (found)
			continue;
		ov->b = pfg_xrealloc(ov->b, (ov->n + 1) * sizeof *ov->b);
		struct pfg_query_bench *b = &ov->b[ov->n++];
		memset(b, 0, sizeof *b);
		b->id = -(int64_t)(k + 1);
		b->component = pfg_xstrdup(c->component);
		b->name = pfg_xstrdup(c->name);
		b->full = pfg_xstrdup(c->id);
		b->unit = pfg_xstrdup(c->unit);
		b->in_config = 1;
	}
	if (ov->n > known)
		qsort(ov->b, ov->n, sizeof *ov->b, pfg_bench_order);
}

/* The stored benchmark of id, or NULL. */
static struct pfg_query_bench *pfg_ov_bench(struct pfg_query_overview *ov, int64_t id)
{
	for (size_t j = 0; j < ov->n; j++)
		if (ov->b[j].id == id)
			return &ov->b[j];
	return NULL;
}

/* Fill the baseline columns from the store's baselines in the environment
 * (every environment when it is 0). */
static void pfg_ov_baselines(struct pfg_store *st, struct pfg_query_overview *ov)
{
	static const enum pfg_baseline_state states[] = { PFG_BASELINE_APPROVED,
							  PFG_BASELINE_PROPOSED };
	char err[PFG_ERR_MAX];
	for (int k = 0; k < 2; k++) {
		struct pfg_baseline_filter f = { .states = 1u << states[k],
						 .env_id = ov->env_id };
		struct pfg_baseline *bl;
		size_t n;
		if (pfg_store_baselines(st, &f, &bl, &n, err, sizeof err)) {
			pfg_ov_error(ov, err);
			continue;
		}
		/* Newest first: the first one seen per benchmark wins. */
		for (size_t i = 0; i < n; i++) {
			struct pfg_query_bench *b = pfg_ov_bench(ov, bl[i].bench_id);
			if (!b)
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
		}
		pfg_baselines_free(bl, n);
	}
	for (size_t i = 0; i < ov->n; i++)
		ov->b[i].baseline = ov->b[i].approved_id ? PFG_QUERY_BASELINE_APPROVED
				    : ov->b[i].proposed_id ? PFG_QUERY_BASELINE_PROPOSED
				    : PFG_QUERY_BASELINE_NONE;
}

/* The comparison of b's latest result and b's sparkline of spark means. */
static void pfg_ov_latest(struct pfg_store *st, struct pfg_query_overview *ov,
			  struct pfg_query_bench *b, size_t spark)
{
	char err[PFG_ERR_MAX];
	struct pfg_comparison c;
	if (b->has_latest &&
	    pfg_store_comparison_get(st, b->latest_run, b->id, &c, NULL, 0) == 0) {
		b->has_cmp = c.verdict != PFG_VERDICT_NO_BASELINE;
		b->has_verdict = 1;
		b->change_pct = c.change_pct;
		b->ci_low = c.ci_low_pct;
		b->ci_high = c.ci_high_pct;
		b->p_value = c.p_value;
		b->verdict = c.verdict;
		b->severity = c.severity;
	}
	if (!spark || !b->in_store)
		return;
	struct pfg_result_row *series;
	size_t ns;
	if (pfg_store_series(st, b->id, ov->env_id, spark, &series, &ns, err, sizeof err)) {
		pfg_ov_error(ov, err);
		return;
	}
	b->n_spark = ns < spark ? ns : spark;
	b->spark = pfg_xcalloc(b->n_spark ? b->n_spark : 1, sizeof *b->spark);
	for (size_t k = 0; k < b->n_spark; k++)
		b->spark[k] = series[k].mean;
	pfg_result_rows_free(series, ns);
}

/* Load every alert, in the overview's order, and count each benchmark's
 * open ones and their worst severity. */
static void pfg_ov_alerts(struct pfg_store *st, struct pfg_query_overview *ov)
{
	char err[PFG_ERR_MAX];
	struct pfg_alert *al;
	size_t na;
	if (pfg_store_alerts(st, NULL, &al, &na, err, sizeof err)) {
		pfg_ov_error(ov, err);
		return;
	}
	ov->alerts = pfg_xcalloc(na ? na : 1, sizeof *ov->alerts);
	ov->n_alerts = na;
	for (size_t i = 0; i < na; i++) {
		struct pfg_query_alert *a = &ov->alerts[i];
		a->id = al[i].id;
		a->bench_id = al[i].bench_id;
		a->run_id = al[i].run_id;
		a->bench = pfg_xstrdup(al[i].bench ? al[i].bench : "?");
		a->kind = al[i].kind;
		a->state = al[i].state;
		a->severity = al[i].severity;
		a->change_pct = al[i].change_pct;
		a->created_at = al[i].created_at;
		a->recovered = al[i].recovered_run_id != 0;
		struct pfg_query_bench *b = pfg_ov_bench(ov, a->bench_id);
		if (b && pfg_alert_state_is_open(a->state)) {
			b->open_alerts++;
			if (a->severity > b->worst_severity)
				b->worst_severity = a->severity;
		}
	}
	pfg_alerts_free(al, na);
	qsort(ov->alerts, ov->n_alerts, sizeof *ov->alerts, pfg_alert_order);
}

/* Judge the suite's state as `perfguard gate` does with cfg's settings. */
static void pfg_ov_gate(struct pfg_store *st, const struct pfg_config *cfg,
			struct pfg_query_overview *ov)
{
	char err[PFG_ERR_MAX];
	struct pfg_gate_report g;
	struct pfg_gate_opts o;
	pfg_gate_opts_init(&o, cfg);
	int rc = pfg_gate_judge(st, &o, &g, err, sizeof err);
	pfg_gate_opts_release(&o);
	if (rc)
		return;
	ov->has_gate = 1;
	ov->gate_failed = g.failed;
	ov->gate_items = g.n_items;
	for (size_t i = 0; i < g.n_items; i++)
		ov->gate_failing += g.items[i].fails != 0;
	pfg_gate_report_release(&g);
}

/* Load the overview of the suite (see query.h). */
int pfg_query_overview_load(struct pfg_store *st, const struct pfg_config *cfg,
			    const struct pfg_query_overview_opts *opts,
			    struct pfg_query_overview *out, char *err, size_t errlen)
{
	static const struct pfg_query_overview_opts none = { 0 };
	struct pfg_query_overview *ov = out;
	int64_t t0 = pfg_now_ns();
	int rc = 0;
	if (!opts)
		opts = &none;
	memset(ov, 0, sizeof *ov);
	if (st) {
		ov->env_id = opts->env_id ? opts->env_id : pfg_query_environment(st);
		rc = pfg_ov_stored(st, cfg, ov, err, errlen);
	}
	pfg_ov_unstored(cfg, ov);
	if (!st) {
		ov->load_ns = pfg_now_ns() - t0;
		return 0;
	}
	pfg_ov_baselines(st, ov);
	for (size_t i = 0; i < ov->n; i++)
		pfg_ov_latest(st, ov, &ov->b[i], opts->spark);
	pfg_ov_alerts(st, ov);
	int64_t run;
	if (pfg_store_latest_run(st, 1, &run, NULL, 0) == 0) {
		ov->last_run = run;
		pfg_store_run_info(st, run, NULL, &ov->last_status, NULL, 0);
	}
	if (opts->gate && ov->last_run)
		pfg_ov_gate(st, cfg, ov);
	ov->load_ns = pfg_now_ns() - t0;
	return rc;
}

/* Free what ov holds and zero it. */
void pfg_query_overview_release(struct pfg_query_overview *ov)
{
	if (!ov)
		return;
	for (size_t i = 0; i < ov->n; i++) {
		free(ov->b[i].component);
		free(ov->b[i].name);
		free(ov->b[i].full);
		free(ov->b[i].unit);
		free(ov->b[i].spark);
	}
	free(ov->b);
	for (size_t i = 0; i < ov->n_alerts; i++)
		free(ov->alerts[i].bench);
	free(ov->alerts);
	free(ov->error);
	memset(ov, 0, sizeof *ov);
}
