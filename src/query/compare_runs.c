/* compare_runs.c: two stored runs side by side, run B judged against run
 * A as if A were an approved baseline of one run: the same statistics the
 * analysis applies to a run (pfg_analysis_compare), nothing written. */
#include "perfguard/query.h"

#include "perfguard/analysis.h"
#include "perfguard/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The statistics of a config without one: perfguard.json(5)'s defaults. */
static void default_config(struct pfg_config *c)
{
	memset(c, 0, sizeof *c);
	c->thresholds = (struct pfg_thresholds){ 5, 10, 20, 50 };
	pfg_stats_compare_opts_init(&c->analysis.compare);
}

/* The config's entry of "component/name", or a stand-in built from what
 * the store knows (kind and direction) in *tmp. */
static const struct pfg_benchmark_cfg *bench_cfg(const struct pfg_config *cfg,
						 const struct pfg_bench_row *row,
						 const char *full, struct pfg_benchmark_cfg *tmp)
{
	for (size_t k = 0; k < cfg->n_benchmarks; k++)
		if (strcmp(cfg->benchmarks[k].id, full) == 0)
			return &cfg->benchmarks[k];
	memset(tmp, 0, sizeof *tmp);
	tmp->id = (char *)full;
	tmp->unit = row->unit;
	tmp->type = row->kind && strcmp(row->kind, "error_rate") == 0 ? PFG_TYPE_ERROR_RATE
								       : PFG_TYPE_CUSTOM;
	if (row->direction && pfg_direction_parse(row->direction, &tmp->direction))
		tmp->direction = PFG_LOWER_IS_BETTER;
	return tmp;
}

/* Judge p->b against p->a with the analysis' comparison. */
static void compare_pair(const struct pfg_config *cfg, const struct pfg_benchmark_cfg *bc,
			 int64_t run_b, struct pfg_query_run_pair *p)
{
	struct pfg_analysis a;
	memset(&a, 0, sizeof a);
	a.cfg = cfg;
	a.bench = bc;
	a.run_id = run_b;
	a.bench_id = p->bench_id;
	a.has_baseline = p->a.n > 0;
	a.base = p->a.v;
	a.n_base = p->a.n;
	if (a.has_baseline && !p->b.n) {
		memset(&p->cmp, 0, sizeof p->cmp);
		p->cmp.run_id = run_b;
		p->cmp.bench_id = p->bench_id;
		p->cmp.n_base = p->a.n;
		p->cmp.verdict = PFG_VERDICT_NOT_COMPARABLE;
		snprintf(p->cmp.test, sizeof p->cmp.test, "none");
		snprintf(p->cmp.reason, sizeof p->cmp.reason, "no samples in run %lld",
			 (long long)run_b);
		return;
	}
	/* a.baseline stays zeroed: the comparison's baseline_id is 0. */
	pfg_analysis_compare(&a, p->b.v, p->b.n, &p->cmp);
}

/* Compare two runs (see query.h). */
int pfg_query_compare_runs(struct pfg_store *st, const struct pfg_config *cfg,
			   int64_t run_a, int64_t run_b,
			   struct pfg_query_run_compare *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	out->run_a = run_a;
	out->run_b = run_b;
	int rc = pfg_store_run_info(st, run_a, &out->env_a, &out->status_a, err, errlen);
	if (rc == PFG_OK)
		rc = pfg_store_run_info(st, run_b, &out->env_b, &out->status_b, err, errlen);
	if (rc)
		return rc == PFG_ENOTFOUND ? pfg_error(err, errlen, rc, "no run %lld",
						       (long long)(out->env_a ? run_b : run_a))
					   : rc;
	struct pfg_config defaults;
	if (!cfg) {
		default_config(&defaults);
		cfg = &defaults;
	}
	struct pfg_bench_row *rows;
	size_t n;
	if ((rc = pfg_store_benchmarks(st, &rows, &n, err, errlen)))
		return rc;
	out->b = pfg_xcalloc(n ? n : 1, sizeof *out->b);
	enum pfg_stats_outliers method = cfg->analysis.compare.outliers;
	for (size_t i = 0; i < n && rc == PFG_OK; i++) {
		struct pfg_query_run_pair *p = &out->b[out->n];
		memset(p, 0, sizeof *p);
		p->bench_id = rows[i].id;
		rc = pfg_query_side_load(st, run_a, p->bench_id, 0, method, &p->a, err, errlen);
		if (rc == PFG_OK)
			rc = pfg_query_side_load(st, run_b, p->bench_id, 0, method, &p->b, err,
						 errlen);
		if (rc || (!p->a.n && !p->b.n)) {
			pfg_query_side_release(&p->a);
			pfg_query_side_release(&p->b);
			continue;
		}
		p->component = pfg_xstrdup(rows[i].component);
		p->name = pfg_xstrdup(rows[i].name);
		p->full = pfg_xasprintf("%s/%s", p->component, p->name);
		p->unit = pfg_xstrdup(rows[i].unit ? rows[i].unit : "");
		struct pfg_benchmark_cfg tmp;
		const struct pfg_benchmark_cfg *bc = bench_cfg(cfg, &rows[i], p->full, &tmp);
		p->direction = bc->direction;
		compare_pair(cfg, bc, run_b, p);
		out->n_regressions += p->cmp.verdict == PFG_VERDICT_REGRESSION;
		out->n_improvements += p->cmp.verdict == PFG_VERDICT_IMPROVEMENT;
		out->n++;
	}
	pfg_bench_rows_free(rows, n);
	return rc;
}

/* Free what rc holds and zero it. */
void pfg_query_run_compare_release(struct pfg_query_run_compare *rc)
{
	if (!rc)
		return;
	for (size_t i = 0; i < rc->n; i++) {
		struct pfg_query_run_pair *p = &rc->b[i];
		free(p->component);
		free(p->name);
		free(p->full);
		free(p->unit);
		pfg_query_side_release(&p->a);
		pfg_query_side_release(&p->b);
	}
	free(rc->b);
	memset(rc, 0, sizeof *rc);
}
