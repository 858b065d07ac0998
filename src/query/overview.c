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

/* The entry of "component/name" in ov, or NULL: a binary search in ov's
 * order (component, then name), or a scan when a name holds a second
 * slash (where the component ends is not known then). */
const struct pfg_query_bench *pfg_query_overview_find(const struct pfg_query_overview *ov,
						      const char *full)
{
	const char *slash = strchr(full, '/');
	if (slash && !strchr(slash + 1, '/')) {
		size_t lo = 0, hi = ov->n, len = (size_t)(slash - full);
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const struct pfg_query_bench *b = &ov->b[mid];
			int c = strncmp(b->component, full, len);
			if (c == 0 && b->component[len])
				c = 1; /* longer than the wanted component */
			if (c == 0)
				c = strcmp(b->name, slash + 1);
			if (c == 0)
				return b;
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		return NULL;
	}
	for (size_t i = 0; i < ov->n; i++)
		if (strcmp(ov->b[i].full, full) == 0)
			return &ov->b[i];
	return NULL;
}

/* Order pointers to strings by the strings. */
static int pfg_str_order(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* cfg's benchmark ids ("component/name"), sorted for pfg_in_names(); NULL
 * when there is no config. Caller frees the array (not the strings). */
static const char **pfg_config_names(const struct pfg_config *cfg)
{
	if (!cfg)
		return NULL;
	const char **v = pfg_xcalloc(cfg->n_benchmarks + 1, sizeof *v);
	for (size_t k = 0; k < cfg->n_benchmarks; k++)
		v[k] = cfg->benchmarks[k].id;
	qsort(v, cfg->n_benchmarks, sizeof *v, pfg_str_order);
	return v;
}

/* Nonzero when full is among the n sorted names. */
static int pfg_in_names(const char **names, size_t n, const char *full)
{
	return names && bsearch(&full, names, n, sizeof *names, pfg_str_order) != NULL;
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
	const char **names = pfg_config_names(cfg);
	for (size_t i = 0; i < n; i++) {
		struct pfg_query_bench *b = &ov->b[i];
		b->id = rows[i].id;
		b->component = pfg_xstrdup(rows[i].component);
		b->name = pfg_xstrdup(rows[i].name);
		b->full = pfg_xasprintf("%s/%s", b->component, b->name);
		b->unit = pfg_xstrdup(rows[i].unit);
		b->in_store = 1;
		b->in_config = pfg_in_names(names, cfg ? cfg->n_benchmarks : 0, b->full);
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
	free(names);
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
	const char **stored = pfg_xcalloc(known + 1, sizeof *stored);
	for (size_t i = 0; i < known; i++)
		stored[i] = ov->b[i].full;
	qsort(stored, known, sizeof *stored, pfg_str_order);
	for (size_t k = 0; k < cfg->n_benchmarks; k++) {
		const struct pfg_benchmark_cfg *c = &cfg->benchmarks[k];
		if (pfg_in_names(stored, known, c->id))
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
	free(stored);
	if (ov->n > known)
		qsort(ov->b, ov->n, sizeof *ov->b, pfg_bench_order);
}

/* Order pointers to benchmarks by their ids. */
static int pfg_id_order(const void *pa, const void *pb)
{
	int64_t a = (*(struct pfg_query_bench *const *)pa)->id;
	int64_t b = (*(struct pfg_query_bench *const *)pb)->id;
	return a < b ? -1 : a > b;
}

/* The stored benchmark of id, or NULL, by binary search in ids (ov's
 * benchmarks ordered by id: pfg_ov_ids()). */
static struct pfg_query_bench *pfg_ov_bench(struct pfg_query_bench **ids, size_t n,
					    int64_t id)
{
	struct pfg_query_bench key = { .id = id }, *kp = &key;
	struct pfg_query_bench **hit = bsearch(&kp, ids, n, sizeof *ids, pfg_id_order);
	return hit ? *hit : NULL;
}

/* ov's benchmarks ordered by id, for pfg_ov_bench(). Caller frees. */
static struct pfg_query_bench **pfg_ov_ids(struct pfg_query_overview *ov)
{
	struct pfg_query_bench **ids = pfg_xcalloc(ov->n + 1, sizeof *ids);
	for (size_t i = 0; i < ov->n; i++)
		ids[i] = &ov->b[i];
	qsort(ids, ov->n, sizeof *ids, pfg_id_order);
	return ids;
}

/* Fill the baseline columns from the store's approved and proposed
 * baselines in the environment (every environment when it is 0), read in
 * one query. */
static void pfg_ov_baselines(struct pfg_store *st, struct pfg_query_overview *ov,
			     struct pfg_query_bench **ids)
{
	char err[PFG_ERR_MAX];
	struct pfg_baseline_head *bl;
	size_t n;
	if (pfg_store_baseline_heads(st, 1u << PFG_BASELINE_APPROVED |
				     1u << PFG_BASELINE_PROPOSED, ov->env_id, &bl, &n, err,
				     sizeof err)) {
		pfg_ov_error(ov, err);
		n = 0;
		bl = NULL;
	}
	/* Newest first: the first one seen per benchmark and state wins. */
	for (size_t i = 0; i < n; i++) {
		struct pfg_query_bench *b = pfg_ov_bench(ids, ov->n, bl[i].bench_id);
		if (!b)
			continue;
		if (bl[i].state == PFG_BASELINE_APPROVED && !b->approved_id) {
			b->approved_id = bl[i].id;
			b->approved_mean = bl[i].mean;
			b->approved_n = bl[i].n;
		} else if (bl[i].state == PFG_BASELINE_PROPOSED && !b->proposed_id) {
			b->proposed_id = bl[i].id;
			b->proposed_mean = bl[i].mean;
			b->proposed_n = bl[i].n;
		}
	}
	free(bl);
	for (size_t i = 0; i < ov->n; i++)
		ov->b[i].baseline = ov->b[i].approved_id ? PFG_QUERY_BASELINE_APPROVED
				    : ov->b[i].proposed_id ? PFG_QUERY_BASELINE_PROPOSED
				    : PFG_QUERY_BASELINE_NONE;
}

/* Fill b's verdict columns from comparison c (of its latest run). */
static void pfg_ov_verdict(struct pfg_query_bench *b, const struct pfg_comparison *c)
{
	b->has_cmp = c->verdict != PFG_VERDICT_NO_BASELINE;
	b->has_verdict = 1;
	b->change_pct = c->change_pct;
	b->ci_low = c->ci_low_pct;
	b->ci_high = c->ci_high_pct;
	b->p_value = c->p_value;
	b->verdict = c->verdict;
	b->severity = c->severity;
}

/* Fill the verdicts from comparisons cs[0..nc) where one is of its
 * benchmark's latest run; the count of benchmarks with a latest result
 * left without one. */
static size_t pfg_ov_verdicts(struct pfg_query_overview *ov, struct pfg_query_bench **ids,
			      const struct pfg_comparison *cs, size_t nc)
{
	for (size_t i = 0; i < nc; i++) {
		struct pfg_query_bench *b = pfg_ov_bench(ids, ov->n, cs[i].bench_id);
		if (b && b->has_latest && cs[i].run_id == b->latest_run)
			pfg_ov_verdict(b, &cs[i]);
	}
	size_t left = 0;
	for (size_t i = 0; i < ov->n; i++)
		left += ov->b[i].has_latest && !ov->b[i].has_verdict;
	return left;
}

/* The comparison of each benchmark's latest result, and the sparklines
 * of spark means, each read in one query for the whole suite. The latest
 * comparison of each benchmark in the environment, which the gate judges
 * too, goes to *newest (caller frees; NULL without an environment): in
 * one environment they are the latest results' comparisons, read once. */
static void pfg_ov_latest(struct pfg_store *st, struct pfg_query_overview *ov,
			  struct pfg_query_bench **ids, size_t spark,
			  struct pfg_comparison **newest, size_t *n_newest)
{
	char err[PFG_ERR_MAX];
	struct pfg_comparison *cs;
	size_t nc, left = 1;
	*newest = NULL;
	*n_newest = 0;
	if (ov->env_id && pfg_store_comparisons_newest(st, ov->env_id, newest, n_newest, err,
							sizeof err) == 0)
		left = pfg_ov_verdicts(ov, ids, *newest, *n_newest);
	/* A latest result of another environment (or without a comparison):
	 * read the latest results' comparisons as they are. */
	if (left) {
		if (pfg_store_comparisons_of_latest(st, &cs, &nc, err, sizeof err)) {
			pfg_ov_error(ov, err);
			nc = 0;
			cs = NULL;
		}
		pfg_ov_verdicts(ov, ids, cs, nc);
		free(cs);
	}
	if (!spark)
		return;
	struct pfg_mean_row *m;
	size_t nm;
	if (pfg_store_recent_means(st, ov->env_id, spark, &m, &nm, err, sizeof err)) {
		pfg_ov_error(ov, err);
		return;
	}
	/* Rows come by benchmark, oldest first: one stretch per benchmark. */
	for (size_t i = 0; i < nm;) {
		size_t k = i;
		while (k < nm && m[k].bench_id == m[i].bench_id)
			k++;
		struct pfg_query_bench *b = pfg_ov_bench(ids, ov->n, m[i].bench_id);
		if (b && b->in_store) {
			b->n_spark = k - i < spark ? k - i : spark;
			b->spark = pfg_xcalloc(b->n_spark, sizeof *b->spark);
			for (size_t j = 0; j < b->n_spark; j++)
				b->spark[j] = m[k - b->n_spark + j].mean;
		}
		i = k;
	}
	free(m);
	for (size_t i = 0; i < ov->n; i++)
		if (ov->b[i].in_store && !ov->b[i].spark)
			ov->b[i].spark = pfg_xcalloc(1, sizeof *ov->b[i].spark);
}

/* Load every alert, in the overview's order, and count each benchmark's
 * open ones and their worst severity. */
static void pfg_ov_alerts(struct pfg_store *st, struct pfg_query_overview *ov,
			  struct pfg_query_bench **ids)
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
		struct pfg_query_bench *b = pfg_ov_bench(ids, ov->n, a->bench_id);
		if (b && pfg_alert_state_is_open(a->state)) {
			b->open_alerts++;
			if (a->severity > b->worst_severity)
				b->worst_severity = a->severity;
		}
	}
	pfg_alerts_free(al, na);
	qsort(ov->alerts, ov->n_alerts, sizeof *ov->alerts, pfg_alert_order);
}

/* Judge the suite's state as `perfguard gate` does with cfg's settings,
 * from the latest comparisons in the environment already read. */
static void pfg_ov_gate(struct pfg_store *st, const struct pfg_config *cfg,
			struct pfg_query_overview *ov, const struct pfg_comparison *newest,
			size_t n_newest)
{
	char err[PFG_ERR_MAX];
	struct pfg_gate_report g;
	struct pfg_gate_opts o;
	pfg_gate_opts_init(&o, cfg);
	o.newest = newest;
	o.n_newest = n_newest;
	o.newest_env = ov->env_id;
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
	struct pfg_query_bench **ids = pfg_ov_ids(ov);
	pfg_ov_baselines(st, ov, ids);
	struct pfg_comparison *newest;
	size_t n_newest;
	pfg_ov_latest(st, ov, ids, opts->spark, &newest, &n_newest);
	pfg_ov_alerts(st, ov, ids);
	free(ids);
	int64_t run;
	if (pfg_store_latest_run(st, 1, &run, NULL, 0) == 0) {
		ov->last_run = run;
		pfg_store_run_info(st, run, NULL, &ov->last_status, NULL, 0);
	}
	if (opts->gate && ov->last_run)
		pfg_ov_gate(st, cfg, ov, newest, n_newest);
	free(newest);
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
