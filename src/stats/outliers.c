/* outliers.c: Tukey fences and modified z-scores. */
#include "perfguard/stats.h"
#include "perfguard/util.h"
#include "stats_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const outlier_names[] = { "none", "iqr", "mad" };

const char *pfg_stats_outliers_name(enum pfg_stats_outliers m)
{
	return (unsigned)m < 3 ? outlier_names[m] : "?";
}

int pfg_stats_outliers_parse(const char *s, enum pfg_stats_outliers *m)
{
	for (unsigned i = 0; i < 3; i++)
		if (strcmp(s, outlier_names[i]) == 0) {
			*m = (enum pfg_stats_outliers)i;
			return 0;
		}
	return -1;
}

void pfg_stats_fences_sorted(const double *s, size_t n, int m, double *lo, double *hi)
{
	*lo = -INFINITY;
	*hi = INFINITY;
	if (m == PFG_OUTLIERS_IQR) {
		double q1 = pfg_stats_quantile_sorted(s, n, 0.25);
		double q3 = pfg_stats_quantile_sorted(s, n, 0.75);
		*lo = q1 - 1.5 * (q3 - q1);
		*hi = q3 + 1.5 * (q3 - q1);
	} else if (m == PFG_OUTLIERS_MAD) {
		/* |x - med| / scale > 3.5 with scale = MAD / 0.6745, or the mean
		 * absolute deviation times 1.253314 when MAD is 0. */
		double med = pfg_stats_quantile_sorted(s, n, 0.5);
		double scale = pfg_stats_mad_sorted(s, n) / 0.6745;
		if (scale == 0) {
			double sum = 0;
			for (size_t i = 0; i < n; i++)
				sum += fabs(s[i] - med);
			scale = 1.253314 * sum / (double)n;
		}
		if (scale > 0) {
			*lo = med - 3.5 * scale;
			*hi = med + 3.5 * scale;
		}
	}
}

int pfg_stats_outliers_detect(const double *x, size_t n, enum pfg_stats_outliers m,
			      unsigned char *mask, size_t *count, char *err, size_t errlen)
{
	pfg_stats_gsl_init();
	int rc = pfg_stats_check(x, n, 1, "the sample", err, errlen);
	if (rc)
		return rc;
	if ((unsigned)m > PFG_OUTLIERS_MAD)
		return pfg_error(err, errlen, PFG_EINPUT, "unknown outlier method %d", (int)m);
	double *s = pfg_stats_sorted_copy(x, n), lo, hi;
	pfg_stats_fences_sorted(s, n, (int)m, &lo, &hi);
	free(s);
	size_t c = 0;
	for (size_t i = 0; i < n; i++) {
		int out = x[i] < lo || x[i] > hi;
		if (mask)
			mask[i] = (unsigned char)out;
		c += (size_t)out;
	}
	if (count)
		*count = c;
	return PFG_OK;
}
