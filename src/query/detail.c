/* detail.c: an alert's detail, the read model behind `perfguard alerts
 * show` and the dashboard's detail dialog: the alert, its history, the
 * comparison it came from, its baseline and the run's summary. */
#include "perfguard/query.h"

#include "perfguard/stats.h"
#include "perfguard/util.h"

#include <stdlib.h>
#include <string.h>

/* Summarise the samples of the alert's benchmark in its run into d->current. */
static void pfg_detail_current(struct pfg_store *st, struct pfg_query_alert_detail *d)
{
	double *v;
	size_t n;
	struct pfg_stats_summary sum;
	if (pfg_store_samples(st, d->alert.run_id, d->alert.bench_id, &v, &n, NULL, 0))
		return;
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

/* Load alert id and its detail (see query.h). */
int pfg_query_alert_detail_load(struct pfg_store *st, int64_t id, const char *unit,
				struct pfg_query_alert_detail *out, char *err,
				size_t errlen)
{
	struct pfg_query_alert_detail *d = out;
	memset(d, 0, sizeof *d);
	int rc = pfg_store_alert_get(st, id, &d->alert, &d->hist, &d->n_hist, err, errlen);
	if (rc) {
		memset(d, 0, sizeof *d);
		return rc;
	}
	d->unit = pfg_xstrdup(unit ? unit : "");
	d->has_cmp = pfg_store_comparison_get(st, d->alert.run_id, d->alert.bench_id,
					      &d->cmp, NULL, 0) == 0;
	if (d->alert.baseline_id)
		d->has_base = pfg_store_baseline_get(st, d->alert.baseline_id, &d->base,
						     NULL, 0) == 0;
	pfg_detail_current(st, d);
	return 0;
}

/* Free what d holds and zero it. */
void pfg_query_alert_detail_release(struct pfg_query_alert_detail *d)
{
	if (!d)
		return;
	pfg_alert_release(&d->alert);
	pfg_alert_events_free(d->hist, d->n_hist);
	if (d->has_base)
		pfg_baseline_release(&d->base);
	free(d->unit);
	free(d->current.error);
	memset(d, 0, sizeof *d);
}
