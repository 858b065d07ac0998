/* descriptive.c: input checks, quantiles and the descriptive summary. */
#include "perfguard/stats.h"
#include "perfguard/util.h"
#include "stats_int.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int pfg_stats_check(const double *x, size_t n, size_t min_n, const char *what,
		    char *err, size_t errlen)
{
	if (n < min_n)
		return pfg_error(err, errlen, PFG_EINPUT,
				 "%s has %zu value%s; at least %zu %s needed", what, n,
				 n == 1 ? "" : "s", min_n, min_n == 1 ? "is" : "are");
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return pfg_error(err, errlen, PFG_EINPUT,
					 "%s holds %s at position %zu; only finite numbers "
					 "can be analysed", what,
					 isnan(x[i]) ? "NaN" : "an infinity", i + 1);
	return PFG_OK;
}

/* A sorted copy of x[0..n); caller frees. */
double *pfg_stats_sorted_copy(const double *x, size_t n)
{
	double *s = pfg_xmalloc((n ? n : 1) * sizeof *s);
	if (n)
		memcpy(s, x, n * sizeof *s);
	gsl_sort(s, 1, n);
	return s;
}

double pfg_stats_quantile_sorted(const double *sorted, size_t n, double p)
{
	if (n == 1)
		return sorted[0];
	return gsl_stats_quantile_from_sorted_data(sorted, 1, n, p);
}

/* Median absolute deviation of sorted[0..n) around its median (unscaled),
 * in O(n) by quickselect. */
double pfg_stats_mad_sorted(const double *sorted, size_t n)
{
	double med = pfg_stats_quantile_sorted(sorted, n, 0.5);
	double *d = pfg_xmalloc(n * sizeof *d);
	for (size_t i = 0; i < n; i++)
		d[i] = fabs(sorted[i] - med);
	double mad = gsl_stats_median(d, 1, n);
	free(d);
	return mad;
}

/* Fill out from sorted[0..n) (n >= 1, finite). */
void pfg_stats_summarize_sorted(const double *s, size_t n, struct pfg_stats_summary *out)
{
	memset(out, 0, sizeof *out);
	out->n = n;
	out->mean = gsl_stats_mean(s, 1, n);
	out->stddev = n > 1 ? gsl_stats_sd_m(s, 1, n, out->mean) : 0.0;
	out->min = s[0];
	out->max = s[n - 1];
	out->median = pfg_stats_quantile_sorted(s, n, 0.5);
	out->p95 = pfg_stats_quantile_sorted(s, n, 0.95);
	out->q1 = pfg_stats_quantile_sorted(s, n, 0.25);
	out->q3 = pfg_stats_quantile_sorted(s, n, 0.75);
	out->iqr = out->q3 - out->q1;
	out->mad = pfg_stats_mad_sorted(s, n);
	out->cv = out->mean != 0 ? out->stddev / fabs(out->mean) : 0.0;
}

int pfg_stats_summarize(const double *x, size_t n, struct pfg_stats_summary *out,
			char *err, size_t errlen)
{
	int rc = pfg_stats_check(x, n, 1, "the sample", err, errlen);
	if (rc)
		return rc;
	double *s = pfg_stats_sorted_copy(x, n);
	pfg_stats_summarize_sorted(s, n, out);
	/* The mean and stddev in the caller's order, as numpy sums them. */
	out->mean = gsl_stats_mean(x, 1, n);
	out->stddev = n > 1 ? gsl_stats_sd_m(x, 1, n, out->mean) : 0.0;
	out->cv = out->mean != 0 ? out->stddev / fabs(out->mean) : 0.0;
	free(s);
	return PFG_OK;
}
