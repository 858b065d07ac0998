/* trend.c: least squares trend of a history, as scipy.stats.linregress. */
#include "perfguard/stats.h"
#include "perfguard/util.h"
#include "stats_int.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int pfg_stats_trend_slope_interval(const struct pfg_stats_trend *t, double confidence,
				   double *lo, double *hi)
{
	pfg_stats_gsl_init();
	*lo = *hi = t->slope;
	if (t->n < 3 || !(confidence > 0 && confidence < 1))
		return PFG_EINPUT;
	double q = gsl_cdf_tdist_Qinv((1 - confidence) / 2, (double)(t->n - 2));
	if (!isfinite(q))
		return PFG_EINPUT;
	*lo = t->slope - q * t->slope_stderr;
	*hi = t->slope + q * t->slope_stderr;
	return PFG_OK;
}

int pfg_stats_trend_fit(const double *x, const double *y, size_t n,
			struct pfg_stats_trend *out, char *err, size_t errlen)
{
	pfg_stats_gsl_init();
	int rc = pfg_stats_check(y, n, 2, "the series", err, errlen);
	if (!rc && x)
		rc = pfg_stats_check(x, n, 2, "the x values", err, errlen);
	if (rc)
		return rc;
	double *xs = NULL;
	if (!x) {
		xs = pfg_xmalloc(n * sizeof *xs);
		for (size_t i = 0; i < n; i++)
			xs[i] = (double)i;
		x = xs;
	}
	memset(out, 0, sizeof *out);
	out->n = n;
	double xm = gsl_stats_mean(x, 1, n), ym = gsl_stats_mean(y, 1, n);
	double sxx = 0, syy = 0;
	for (size_t i = 0; i < n; i++) {
		sxx += (x[i] - xm) * (x[i] - xm);
		syy += (y[i] - ym) * (y[i] - ym);
	}
	/* Sums of squares overflow long before the values do (1e155 squared). */
	if (!isfinite(xm) || !isfinite(ym) || !isfinite(sxx) || !isfinite(syy)) {
		int over_y = !isfinite(ym) || !isfinite(syy);
		double max = pfg_stats_max_abs(over_y ? y : x, n);
		free(xs);
		memset(out, 0, sizeof *out);
		return pfg_error(err, errlen, PFG_EINPUT,
				 "values too large to fit a trend: the sum of squares of "
				 "the %s overflows (max %g)", over_y ? "series" : "x values",
				 max);
	}
	if (sxx == 0) {
		free(xs);
		return pfg_error(err, errlen, PFG_EINPUT,
				 "all x values are equal, so no line can be fitted");
	}
	double c0, c1, cov00, cov01, cov11, sumsq;
	int status = gsl_fit_linear(x, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
	if (status || !isfinite(c0) || !isfinite(c1)) {
		double max = pfg_stats_max_abs(y, n);
		free(xs);
		memset(out, 0, sizeof *out);
		return pfg_error(err, errlen, PFG_EINPUT,
				 "values too large to fit a trend: the line overflows "
				 "(max %g)", max);
	}
	out->slope = c1;
	out->intercept = c0;
	if (syy == 0) {
		out->r = 0; /* a constant series: no correlation, no evidence of a slope */
		out->slope = 0;
		out->intercept = ym;
	} else {
		out->r = fmax(-1.0, fmin(1.0, gsl_stats_correlation(x, 1, y, 1, n)));
	}
	out->r2 = out->r * out->r;
	if (n == 2) {
		out->slope_stderr = 0;
		out->slope_p_value = y[0] == y[1] ? 1.0 : 0.0;
	} else {
		double df = (double)(n - 2), r = out->r, tiny = 1.0e-20;
		double t = r * sqrt(df / ((1.0 - r + tiny) * (1.0 + r + tiny)));
		out->slope_p_value = fmin(1.0, 2.0 * gsl_cdf_tdist_Q(fabs(t), df));
		out->slope_stderr = sqrt(fmax(0.0, (1 - r * r) * syy / sxx / df));
		if (!(out->slope_p_value >= 0 && out->slope_p_value <= 1))
			out->slope_p_value = 1.0; /* a GSL error: no evidence */
		if (!isfinite(out->slope_stderr))
			out->slope_stderr = HUGE_VAL;
	}
	free(xs);
	return PFG_OK;
}
