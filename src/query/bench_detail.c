/* bench_detail.c: one benchmark judged in one run, the read model behind
 * a report's section of it: the run's comparison, the baseline it was
 * judged against, both sides' samples, and its latest result's facts. */
#include "perfguard/query.h"

#include "perfguard/util.h"

#include <stdlib.h>
#include <string.h>

/* Load the detail of bench_id in run_id (see query.h). */
int pfg_query_bench_detail_load(struct pfg_store *st, int64_t bench_id, int64_t env_id,
				int64_t run_id, enum pfg_stats_outliers method,
				struct pfg_query_bench_detail *out, char *err, size_t errlen)
{
	struct pfg_query_bench_detail *d = out;
	memset(d, 0, sizeof *d);
	int rc = run_id ? pfg_store_comparison_get(st, run_id, bench_id, &d->cmp, err, errlen)
			: PFG_ENOTFOUND;
	if (rc && rc != PFG_ENOTFOUND)
		return rc;
	d->has_cmp = rc == PFG_OK;
	if (d->has_cmp && d->cmp.baseline_id)
		rc = pfg_store_baseline_get(st, d->cmp.baseline_id, &d->base, err, errlen);
	else
		rc = pfg_store_baseline_approved(st, bench_id, env_id, &d->base, err, errlen);
	if (rc && rc != PFG_ENOTFOUND)
		return rc;
	d->has_base = rc == PFG_OK;
	if (d->has_base &&
	    (rc = pfg_query_side_load(st, 0, bench_id, d->base.id, method, &d->base_side, err,
				      errlen)))
		return rc;
	if (run_id && (rc = pfg_query_side_load(st, run_id, bench_id, 0, method, &d->cur_side,
						err, errlen)))
		return rc;
	struct pfg_result_row *rows;
	size_t n;
	if ((rc = pfg_store_series(st, bench_id, env_id, 1, &rows, &n, err, errlen)))
		return rc;
	if (n) {
		d->has_latest = 1;
		d->latest = rows[0];
		d->latest.error = NULL;
	}
	pfg_result_rows_free(rows, n);
	return PFG_OK;
}

/* Free what d holds and zero it. */
void pfg_query_bench_detail_release(struct pfg_query_bench_detail *d)
{
	if (!d)
		return;
	if (d->has_base)
		pfg_baseline_release(&d->base);
	pfg_query_side_release(&d->base_side);
	pfg_query_side_release(&d->cur_side);
	memset(d, 0, sizeof *d);
}

/* Cut trend t to the runs since a date (see query.h). */
int pfg_query_trend_since(struct pfg_store *st, int64_t env_id, double since,
			  struct pfg_query_trend *t, char *err, size_t errlen)
{
	if (!t->n)
		return PFG_OK;
	struct pfg_result_row *rows;
	size_t n;
	int rc = pfg_store_series(st, t->bench_id, env_id, t->n, &rows, &n, err, errlen);
	if (rc)
		return rc;
	/* The same runs as t's, oldest first: the first one since the date. */
	size_t first = t->n;
	for (size_t i = 0; i < n && first == t->n; i++)
		if (rows[i].started_at >= since)
			for (size_t k = 0; k < t->n; k++)
				if (t->run_ids[k] == rows[i].run_id) {
					first = k;
					break;
				}
	pfg_result_rows_free(rows, n);
	if (!first)
		return PFG_OK;
	size_t keep = t->n - first;
	memmove(t->y, t->y + first, keep * sizeof *t->y);
	memmove(t->run_ids, t->run_ids + first, keep * sizeof *t->run_ids);
	t->n = keep;
	size_t m = 0;
	for (size_t k = 0; k < t->n_cps; k++)
		if (t->cps[k] >= first) {
			t->cps[m] = t->cps[k] - first;
			t->cp_change[m++] = t->cp_change[k];
		}
	t->n_cps = m;
	struct pfg_stats_trend fit;
	t->has_fit = keep >= 3 && pfg_stats_trend_fit(NULL, t->y, keep, &fit, NULL, 0) == 0;
	if (t->has_fit) {
		t->slope = fit.slope;
		t->r2 = fit.r2;
		t->slope_p = fit.slope_p_value;
	}
	return PFG_OK;
}

/* Describe env_id when it is this machine's (see query.h). */
int pfg_query_environment_describe(struct pfg_store *st, int64_t env_id,
				   struct pfg_environment *out)
{
	int64_t here;
	pfg_environment_detect(out);
	if (env_id && pfg_store_environment_find(st, out, &here, NULL, 0) == PFG_OK &&
	    here == env_id)
		return PFG_OK;
	memset(out, 0, sizeof *out);
	return PFG_ENOTFOUND;
}
