/* samples.c: the samples behind one side of a comparison (a run's, or an
 * approved baseline's source runs'), summarised with their outliers
 * flagged: what a report draws as distributions and a statistics table. */
#include "perfguard/query.h"

#include "perfguard/util.h"

#include <stdlib.h>
#include <string.h>

/* Load the samples of one side (see query.h). */
int pfg_query_side_load(struct pfg_store *st, int64_t run_id, int64_t bench_id,
			int64_t baseline_id, enum pfg_stats_outliers method,
			struct pfg_query_side *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	int rc = run_id ? pfg_store_samples(st, run_id, bench_id, &out->v, &out->n, err, errlen)
			: pfg_store_baseline_samples(st, baseline_id, &out->v, &out->n, err,
						     errlen);
	if (rc) {
		out->v = NULL;
		out->n = 0;
		return rc == PFG_ENOTFOUND ? PFG_OK : rc;
	}
	if (!out->n)
		return PFG_OK;
	out->outlier = pfg_xcalloc(out->n, 1);
	if (method == PFG_OUTLIERS_NONE)
		method = PFG_OUTLIERS_IQR;
	/* Stored samples are finite; should one not be, no summary is made. */
	if (pfg_stats_summarize(out->v, out->n, &out->sum, NULL, 0) == 0) {
		out->has_summary = 1;
		pfg_stats_outliers_detect(out->v, out->n, method, out->outlier,
					  &out->n_outliers, NULL, 0);
	}
	return PFG_OK;
}

/* Free what s holds and zero it. */
void pfg_query_side_release(struct pfg_query_side *s)
{
	if (!s)
		return;
	free(s->v);
	free(s->outlier);
	memset(s, 0, sizeof *s);
}
