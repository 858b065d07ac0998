/* descriptive.c: input checks, quantiles and the descriptive summary. */
#include "perfguard/stats.h"
#include "perfguard/util.h"
#include "stats_int.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t gsl_once = PTHREAD_ONCE_INIT;

/* Install "no handler": GSL functions return their error status. */
static void gsl_handler_off(void)
{
	gsl_set_error_handler_off();
}

void pfg_stats_gsl_init(void)
{
	pthread_once(&gsl_once, gsl_handler_off);
}

double pfg_stats_max_abs(const double *x, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++)
		if (fabs(x[i]) > m)
			m = fabs(x[i]);
	return m;
}

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
	pfg_stats_gsl_init();
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
	/* Finite values can still overflow on the way: a mean of 1e308 and
	 * -1e308 steps through -inf, a deviation of 1e200 squares to inf. */
	const char *what = !isfinite(out->mean) ? "the mean" :
		!isfinite(out->stddev) || !isfinite(out->iqr) || !isfinite(out->mad) ||
		!isfinite(out->median) || !isfinite(out->p95) || !isfinite(out->cv)
		? "the variance" : NULL;
	if (what) {
		double max = pfg_stats_max_abs(x, n);
		memset(out, 0, sizeof *out);
		return pfg_error(err, errlen, PFG_EINPUT,
				 "values too large to summarise: %s overflows (max %g)",
				 what, max);
	}
	return PFG_OK;
}
