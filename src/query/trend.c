/* trend.c: a benchmark's trend, the read model behind the dashboard's
 * trends pane: its history in one environment, its approved baseline,
 * the change points the engine stored and the least-squares fit. */
#include "perfguard/query.h"

#include "perfguard/stats.h"
#include "perfguard/util.h"

#include <stdlib.h>
#include <string.h>

/* Place the stored change points of the benchmark that fall in t's window. */
static int pfg_trend_cps(struct pfg_store *st, int64_t env_id, struct pfg_query_trend *t,
			 char *err, size_t errlen)
{
	struct pfg_change_point_row *cps;
	size_t ncp;
	int rc = pfg_store_change_points(st, t->bench_id, env_id, &cps, &ncp, err, errlen);
	if (rc)
		return rc;
	t->cps = pfg_xcalloc(ncp ? ncp : 1, sizeof *t->cps);
	t->cp_change = pfg_xcalloc(ncp ? ncp : 1, sizeof *t->cp_change);
	for (size_t k = 0; k < ncp; k++)
		for (size_t i = 0; i < t->n; i++)
			if (t->run_ids[i] == cps[k].run_id) {
				t->cps[t->n_cps] = i;
				t->cp_change[t->n_cps++] = cps[k].change_pct;
				break;
			}
	free(cps);
	return 0;
}

/* Load the trend of bench_id in env_id (see query.h). */
int pfg_query_trend_load(struct pfg_store *st, int64_t bench_id, int64_t env_id,
			 size_t limit, const char *unit, struct pfg_query_trend *out,
			 char *err, size_t errlen)
{
	struct pfg_query_trend *t = out;
	memset(t, 0, sizeof *t);
	t->bench_id = bench_id;
	t->unit = pfg_xstrdup(unit ? unit : "");
	struct pfg_mean_row *rows;
	size_t n;
	int rc = pfg_store_series_means(st, bench_id, env_id, limit, &rows, &n, err, errlen);
	if (rc) {
		t->error = pfg_xstrdup(err);
		return rc;
	}
	t->y = pfg_xcalloc(n ? n : 1, sizeof *t->y);
	t->run_ids = pfg_xcalloc(n ? n : 1, sizeof *t->run_ids);
	t->n = n;
	for (size_t i = 0; i < n; i++) {
		t->y[i] = rows[i].mean;
		t->run_ids[i] = rows[i].run_id;
	}
	free(rows);

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
	char cerr[PFG_ERR_MAX];
	if (pfg_trend_cps(st, env_id, t, cerr, sizeof cerr))
		t->error = pfg_xstrdup(cerr);
	return 0;
}

/* Free what t holds and zero it. */
void pfg_query_trend_release(struct pfg_query_trend *t)
{
	if (!t)
		return;
	free(t->unit);
	free(t->y);
	free(t->run_ids);
	free(t->cps);
	free(t->cp_change);
	free(t->error);
	memset(t, 0, sizeof *t);
}
