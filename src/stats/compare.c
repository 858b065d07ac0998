/* compare.c: baseline against current: Yuen, Welch or Mann-Whitney U, the
 * interval of the change, minimum detectable effect, severity and verdict. */
#include "perfguard/stats.h"
#include "perfguard/util.h"
#include "stats_int.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const test_names[] = { "yuen", "welch", "mwu" };

const char *pfg_stats_test_name(enum pfg_stats_test t)
{
	return (unsigned)t < 3 ? test_names[t] : "?";
}

int pfg_stats_test_parse(const char *s, enum pfg_stats_test *t)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(test_names[i], s) == 0) {
			*t = (enum pfg_stats_test)i;
			return 0;
		}
	return -1;
}

void pfg_stats_compare_opts_init(struct pfg_stats_compare_opts *o)
{
	memset(o, 0, sizeof *o);
	o->test = PFG_TEST_YUEN;
	o->alpha = 0.05;
	o->confidence = 0.95;
	o->outliers = PFG_OUTLIERS_NONE;
	o->direction = PFG_LOWER_IS_BETTER;
	o->thresholds[0] = 5;
	o->thresholds[1] = 10;
	o->thresholds[2] = 20;
	o->thresholds[3] = 50;
	o->trim = 0.2;
	o->bootstrap = 2000;
	o->seed = 1;
}

enum pfg_severity pfg_stats_severity_of(double worse_pct, const double thresholds[4])
{
	for (int i = 3; i >= 0; i--)
		if (worse_pct >= thresholds[i])
			return (enum pfg_severity)(i + 1);
	return PFG_SEVERITY_NONE;
}

enum pfg_verdict pfg_stats_verdict_of(int significant, double worse_pct,
					    double mde_pct, double minor_pct)
{
	if (significant) {
		if (worse_pct >= minor_pct)
			return PFG_VERDICT_REGRESSION;
		if (-worse_pct >= minor_pct)
			return PFG_VERDICT_IMPROVEMENT;
		return PFG_VERDICT_NO_CHANGE;
	}
	return mde_pct > minor_pct ? PFG_VERDICT_INCONCLUSIVE : PFG_VERDICT_NO_CHANGE;
}

double pfg_stats_mde(double sd, double location, size_t n_base, size_t n_cur,
		     double df, double alpha, double power)
{
	pfg_stats_gsl_init();
	if (sd <= 0)
		return 0.0;
	if (location == 0 || n_base == 0 || n_cur == 0 || !isfinite(sd))
		return HUGE_VAL;
	double za, zb;
	if (df > 0 && isfinite(df)) {
		za = gsl_cdf_tdist_Pinv(1 - alpha / 2, df);
		zb = gsl_cdf_tdist_Pinv(power, df);
	} else {
		za = gsl_cdf_ugaussian_Pinv(1 - alpha / 2);
		zb = gsl_cdf_ugaussian_Pinv(power);
	}
	double mde = 100.0 * (za + zb) * sd * sqrt(1.0 / (double)n_base + 1.0 / (double)n_cur) /
		     fabs(location);
	/* NaN only from a GSL error (its handler is off): say "unbounded". */
	return isnan(mde) ? HUGE_VAL : mde;
}

/* What a t-type test needs of one sample: the location it compares, the
 * squared standard error of that location, and its degrees of freedom
 * (count - 1). */
struct tside {
	double est, vn, dof;
};

/* Yuen's side of sorted[0..n): trimmed mean and winsorized variance as
 * scipy's _ttest_trim_var_mean_len. Returns -1 when fewer than 2 values
 * survive the trimming. */
static int yuen_side(const double *sorted, size_t n, double trim, struct tside *out)
{
	size_t g = (size_t)(trim * (double)n);
	if (n < 2 * g + 2)
		return -1;
	size_t h = n - 2 * g;
	double lo = sorted[g], hi = sorted[n - g - 1], sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += i < g ? lo : i >= n - g ? hi : sorted[i];
	double wmean = sum / (double)n, ssd = 0;
	for (size_t i = 0; i < n; i++) {
		double w = i < g ? lo : i >= n - g ? hi : sorted[i];
		ssd += (w - wmean) * (w - wmean);
	}
	out->est = gsl_stats_mean(sorted + g, 1, h);
	out->vn = ssd / (double)(h - 1) / (double)h;
	out->dof = (double)(h - 1);
	return 0;
}

/* Welch's side of x[0..n): mean and s^2 / n. */
static void welch_side(const double *x, size_t n, struct tside *out)
{
	out->est = gsl_stats_mean(x, 1, n);
	out->vn = gsl_stats_variance_m(x, 1, n, out->est) / (double)n;
	out->dof = (double)(n - 1);
}

/* A t-type test (Welch-Satterthwaite df) of current against baseline: fills
 * statistic, df, p_value and the interval of the difference into r, with
 * change_pct and the interval in percent of |b->est|. Returns 0, or -1 when
 * the variance, its square (in the df) or the statistic overflows: GSL's t
 * distribution is then never called with what it cannot take. */
static int t_test(const struct tside *b, const struct tside *c, double confidence,
		  struct pfg_stats_compare_result *r)
{
	double diff = c->est - b->est, v = b->vn + c->vn, scale = 100.0 / fabs(b->est);
	r->change_pct = diff * scale;
	if (!isfinite(v))
		return -1;
	if (v <= 0) { /* both samples constant */
		r->statistic = 0;
		r->df = 0;
		r->p_value = diff == 0 ? 1.0 : 0.0;
		r->ci_low_pct = r->ci_high_pct = r->change_pct;
		return 0;
	}
	double se = sqrt(v);
	r->df = v * v / (b->vn * b->vn / b->dof + c->vn * c->vn / c->dof);
	r->statistic = diff / se;
	if (!(isfinite(r->df) && r->df > 0 && isfinite(r->statistic)))
		return -1;
	r->p_value = fmin(1.0, 2.0 * gsl_cdf_tdist_Q(fabs(r->statistic), r->df));
	double q = gsl_cdf_tdist_Qinv((1 - confidence) / 2, r->df);
	r->ci_low_pct = (diff - q * se) * scale;
	r->ci_high_pct = (diff + q * se) * scale;
	return 0;
}

/* Mann-Whitney U of cur against base (both sorted), tie-corrected normal
 * approximation with continuity correction, two-sided, as scipy's
 * mannwhitneyu(cur, base, method='asymptotic'). Ranks come from merging the
 * two sorted samples. Fills statistic (signed z) and p_value. */
static void mwu_test(const double *base, size_t nb, const double *cur, size_t nc,
		     struct pfg_stats_compare_result *r)
{
	size_t n = nb + nc, ib = 0, ic = 0, pos = 0;
	double rank_sum_cur = 0, ties = 0;
	while (ib < nb || ic < nc) {
		double v = ib == nb ? cur[ic] : ic == nc ? base[ib] : fmin(base[ib], cur[ic]);
		size_t kb = 0, kc = 0;
		while (ib < nb && base[ib] == v)
			ib++, kb++;
		while (ic < nc && cur[ic] == v)
			ic++, kc++;
		double t = (double)(kb + kc);
		rank_sum_cur += (double)kc * ((double)pos + (t + 1) / 2.0);
		ties += t * t * t - t;
		pos += kb + kc;
	}
	double n1 = (double)nc, n2 = (double)nb, nn = (double)n;
	double u1 = rank_sum_cur - n1 * (n1 + 1) / 2.0, mu = n1 * n2 / 2.0;
	double s = sqrt(n1 * n2 / 12.0 * ((nn + 1) - ties / (nn * (nn - 1))));
	double dev = fabs(u1 - mu);
	if (!(s > 0)) { /* every value equal */
		r->statistic = 0;
		r->p_value = 1.0;
		return;
	}
	double z = (dev - 0.5) / s;
	r->statistic = u1 > mu ? z : u1 < mu ? -z : 0.0;
	r->p_value = fmin(1.0, 2.0 * gsl_cdf_ugaussian_Q(z));
}

/* The median of a bootstrap resample of sorted[0..n), drawn exactly without
 * drawing the n values: the k-th smallest of n uniform draws is
 * Beta(k, n + 1 - k), the next one is the smallest of n - k uniforms above
 * it, and the resample's k-th value is sorted[floor(n u_(k))]. */
static double boot_median(const gsl_rng *rng, const double *sorted, size_t n)
{
	double dn = (double)n;
	size_t k = (n + 1) / 2;
	double u1 = gsl_ran_beta(rng, (double)k, dn + 1 - (double)k);
	size_t i1 = (size_t)(u1 * dn);
	if (i1 >= n)
		i1 = n - 1;
	if (n % 2)
		return sorted[i1];
	double v = gsl_rng_uniform_pos(rng);
	double u2 = u1 + (1 - u1) * (1 - pow(v, 1.0 / (dn - (double)k)));
	size_t i2 = (size_t)(u2 * dn);
	if (i2 >= n)
		i2 = n - 1;
	if (i2 < i1)
		i2 = i1;
	return (sorted[i1] + sorted[i2]) / 2.0;
}

/* Percentile bootstrap interval of 100 (median_cur - median_base) /
 * |median_base| with o->bootstrap resamples seeded by o->seed. */
static void mwu_interval(const double *sb, size_t nb, const double *sc, size_t nc,
			 double med_base, const struct pfg_stats_compare_opts *o,
			 struct pfg_stats_compare_result *r)
{
	unsigned B = o->bootstrap;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!rng)
		abort();
	gsl_rng_set(rng, o->seed);
	double *d = pfg_xmalloc(B * sizeof *d);
	for (unsigned b = 0; b < B; b++) {
		double mb = boot_median(rng, sb, nb);
		double mc = boot_median(rng, sc, nc);
		d[b] = 100.0 * (mc - mb) / fabs(med_base);
	}
	gsl_sort(d, 1, B);
	r->ci_low_pct = pfg_stats_quantile_sorted(d, B, (1 - o->confidence) / 2);
	r->ci_high_pct = pfg_stats_quantile_sorted(d, B, (1 + o->confidence) / 2);
	free(d);
	gsl_rng_free(rng);
}

int pfg_stats_check_judgement(double alpha, double confidence, enum pfg_direction direction,
			      const double thresholds[4], char *err, size_t errlen)
{
	if (!(alpha > 0 && alpha < 1))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "alpha must lie strictly between 0 and 1, got %g", alpha);
	if (!(confidence > 0 && confidence < 1))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "confidence must lie strictly between 0 and 1, got %g", confidence);
	if ((unsigned)direction > PFG_HIGHER_IS_BETTER)
		return pfg_error(err, errlen, PFG_EINPUT, "unknown direction %d", (int)direction);
	for (int i = 0; i < 4; i++)
		if (!(isfinite(thresholds[i]) && thresholds[i] >= 0) ||
		    (i > 0 && thresholds[i] < thresholds[i - 1]))
			return pfg_error(err, errlen, PFG_EINPUT,
					 "thresholds must be 4 non-negative percentages in "
					 "increasing order (minor, moderate, major, critical)");
	return PFG_OK;
}

/* Validate the options; returns 0 or PFG_EINPUT. */
static int check_opts(const struct pfg_stats_compare_opts *o, char *err, size_t errlen)
{
	if ((unsigned)o->test > PFG_TEST_MWU)
		return pfg_error(err, errlen, PFG_EINPUT, "unknown test %d", (int)o->test);
	int rc = pfg_stats_check_judgement(o->alpha, o->confidence, o->direction,
					   o->thresholds, err, errlen);
	if (rc)
		return rc;
	if ((unsigned)o->outliers > PFG_OUTLIERS_MAD)
		return pfg_error(err, errlen, PFG_EINPUT, "unknown outlier method %d",
				 (int)o->outliers);
	if (!(o->trim >= 0 && o->trim < 0.5))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "trim must lie in [0, 0.5), got %g", o->trim);
	if (o->test == PFG_TEST_MWU && o->bootstrap < 100)
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the bootstrap needs at least 100 resamples, got %u",
				 o->bootstrap);
	return PFG_OK;
}

/* Sort x[0..n), detect its outliers (counted in *found) and return the
 * sorted values the test is to use: without the outliers when removal is
 * asked, else all of them (*kept values). Caller frees. */
static double *prune(const double *x, size_t n, const struct pfg_stats_compare_opts *o,
		     size_t *found, size_t *kept)
{
	int det = o->outliers == PFG_OUTLIERS_MAD ? PFG_OUTLIERS_MAD : PFG_OUTLIERS_IQR;
	double *s = pfg_stats_sorted_copy(x, n), lo, hi;
	pfg_stats_fences_sorted(s, n, det, &lo, &hi);
	size_t k = 0, c = 0;
	for (size_t i = 0; i < n; i++) {
		int out = s[i] < lo || s[i] > hi;
		c += (size_t)out;
		if (o->outliers == PFG_OUTLIERS_NONE || !out)
			s[k++] = s[i];
	}
	*found = c;
	*kept = k;
	return s;
}

/* The error for values too large to compare: what overflowed, and the
 * largest magnitude of either sample. Returns PFG_EINPUT. */
static int too_large(const double *base, size_t n_base, const double *cur, size_t n_cur,
		     const char *what, char *err, size_t errlen)
{
	double mb = pfg_stats_max_abs(base, n_base), mc = pfg_stats_max_abs(cur, n_cur);
	return pfg_error(err, errlen, PFG_EINPUT,
			 "values too large to compare: %s overflows (max %g)", what,
			 mb > mc ? mb : mc);
}

/* Nonzero when every number a comparison reports is finite (mde_pct may be
 * HUGE_VAL: "unbounded"). */
static int result_finite(const struct pfg_stats_compare_result *r)
{
	return isfinite(r->change_pct) && isfinite(r->ci_low_pct) &&
	       isfinite(r->ci_high_pct) && isfinite(r->statistic) && isfinite(r->df) &&
	       r->p_value >= 0 && r->p_value <= 1 && !isnan(r->mde_pct);
}

/* Long because it is the comparison's steps in order (checks, outliers,
 * test, interval, MDE, verdict), each a call; splitting would only pass
 * the same dozen locals around. */
int pfg_stats_compare(const double *base, size_t n_base, const double *cur,
		      size_t n_cur, const struct pfg_stats_compare_opts *o,
		      struct pfg_stats_compare_result *r, char *err, size_t errlen)
{
	pfg_stats_gsl_init();
	int rc = check_opts(o, err, errlen);
	if (!rc)
		rc = pfg_stats_check(base, n_base, 2, "the baseline", err, errlen);
	if (!rc)
		rc = pfg_stats_check(cur, n_cur, 2, "the current sample", err, errlen);
	if (rc)
		return rc;
	memset(r, 0, sizeof *r);
	r->test = o->test;
	r->alpha = o->alpha;
	r->confidence = o->confidence;
	r->direction = o->direction;
	size_t nb, nc;
	double *b = prune(base, n_base, o, &r->outliers_base, &nb);
	double *c = prune(cur, n_cur, o, &r->outliers_current, &nc);
	r->outliers_removed_base = n_base - nb;
	r->outliers_removed_current = n_cur - nc;
	r->n_base = nb;
	r->n_current = nc;
	if (nb < 2 || nc < 2) {
		rc = pfg_error(err, errlen, PFG_EINPUT,
			       "after removing outliers the %s has %zu value%s; at least 2 "
			       "are needed (try --outliers none)",
			       nb < 2 ? "baseline" : "current sample", nb < 2 ? nb : nc,
			       (nb < 2 ? nb : nc) == 1 ? "" : "s");
		goto out;
	}
	struct pfg_stats_summary db, dc;
	pfg_stats_summarize_sorted(b, nb, &db);
	pfg_stats_summarize_sorted(c, nc, &dc);
	if (!(isfinite(db.mean) && isfinite(dc.mean))) {
		rc = too_large(base, n_base, cur, n_cur, "the mean", err, errlen);
		goto out;
	}
	if (!(isfinite(db.stddev) && isfinite(dc.stddev) && isfinite(db.mad) &&
	      isfinite(dc.mad))) {
		rc = too_large(base, n_base, cur, n_cur, "the variance", err, errlen);
		goto out;
	}
	r->mean_base = db.mean;
	r->mean_current = dc.mean;
	r->median_base = db.median;
	r->median_current = dc.median;
	r->stddev_base = db.stddev;
	r->stddev_current = dc.stddev;
	struct tside tb = { 0 }, tc = { 0 };
	double noise = 0, mde_df = 0;
	switch (o->test) {
	case PFG_TEST_YUEN:
		if (yuen_side(b, nb, o->trim, &tb) || yuen_side(c, nc, o->trim, &tc)) {
			rc = pfg_error(err, errlen, PFG_EINPUT,
				       "too few values for a %g%% trimmed test: each side "
				       "needs at least 2 values after trimming", o->trim * 100);
			goto out;
		}
		noise = sqrt(tb.vn * (double)nb);
		mde_df = tb.dof + tc.dof;
		break;
	case PFG_TEST_WELCH:
		welch_side(b, nb, &tb);
		welch_side(c, nc, &tc);
		noise = db.stddev;
		mde_df = tb.dof + tc.dof;
		break;
	case PFG_TEST_MWU:
		tb.est = db.median;
		tc.est = dc.median;
		noise = (db.mad > 0 ? 1.4826 * db.mad : db.stddev) * sqrt(M_PI / 3.0);
		mde_df = 0;
		break;
	}
	r->estimate_base = tb.est;
	r->estimate_current = tc.est;
	if (!(isfinite(tb.est) && isfinite(tc.est))) {
		rc = too_large(base, n_base, cur, n_cur, "the mean", err, errlen);
		goto out;
	}
	if (!(isfinite(tb.vn) && isfinite(tc.vn) && isfinite(noise))) {
		rc = too_large(base, n_base, cur, n_cur, "the variance", err, errlen);
		goto out;
	}
	if (tb.est == 0) {
		rc = pfg_error(err, errlen, PFG_EINPUT,
			       "the baseline's %s is 0, so a change in percent is undefined",
			       o->test == PFG_TEST_YUEN ? "trimmed mean" :
			       o->test == PFG_TEST_WELCH ? "mean" : "median");
		goto out;
	}
	if (o->test == PFG_TEST_MWU) {
		mwu_test(b, nb, c, nc, r);
		r->change_pct = 100.0 * (tc.est - tb.est) / fabs(tb.est);
		mwu_interval(b, nb, c, nc, tb.est, o, r);
	} else if (t_test(&tb, &tc, o->confidence, r)) {
		rc = too_large(base, n_base, cur, n_cur, "the variance", err, errlen);
		goto out;
	}
	if (!isfinite(r->change_pct) || !isfinite(r->ci_low_pct) ||
	    !isfinite(r->ci_high_pct)) {
		rc = pfg_error(err, errlen, PFG_EINPUT,
			       "values too large to compare: the change in percent "
			       "overflows (baseline %s %g, current %g)",
			       o->test == PFG_TEST_YUEN ? "trimmed mean" :
			       o->test == PFG_TEST_WELCH ? "mean" : "median", tb.est, tc.est);
		goto out;
	}
	r->significant = r->p_value < o->alpha;
	r->worse_pct = o->direction == PFG_LOWER_IS_BETTER ? r->change_pct : -r->change_pct;
	r->mde_pct = pfg_stats_mde(noise, tb.est, nb, nc, mde_df, o->alpha, 0.8);
	r->verdict = pfg_stats_verdict_of(r->significant, r->worse_pct, r->mde_pct,
					  o->thresholds[0]);
	r->severity = r->verdict == PFG_VERDICT_REGRESSION
			      ? pfg_stats_severity_of(r->worse_pct, o->thresholds)
			      : PFG_SEVERITY_NONE;
	if (!result_finite(r))
		rc = too_large(base, n_base, cur, n_cur, "the test statistic", err, errlen);
out:
	free(b);
	free(c);
	return rc;
}
