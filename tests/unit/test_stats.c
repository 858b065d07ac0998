/* test_stats.c: the statistics engine against reference values computed by
 * scipy 1.10.1 (Debian's /usr/bin/python3) and Apache Otava's own test
 * cases, plus property tests on random data from GSL generators with fixed
 * seeds: A/A false alarms, interval coverage, power, and change point
 * recall and precision. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/stats.h"
#include "perfguard/util.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Assert |got - want| <= rel * |want| (or <= rel when want is 0). */
static void near(double got, double want, double rel, const char *what)
{
	double tol = want == 0 ? rel : rel * fabs(want);
	if (!(fabs(got - want) <= tol)) {
		print_error("%s: got %.17g, want %.17g (rel %g)\n", what, got, want, rel);
		fail();
	}
}

/* The data of the scipy parity tests (outliers on purpose: 12.9, 9.1). */
static const double B1[] = { 10.2, 10.5, 9.8, 10.1, 10.4, 10.0, 9.9, 10.3, 10.6, 10.1,
			     12.9, 10.2 };
static const double C1[] = { 10.9, 11.2, 10.7, 11.0, 10.8, 11.4, 10.9, 11.1, 10.6, 11.3,
			     11.0, 9.1, 11.2 };
/* Data with many ties. */
static const double T1[] = { 1, 2, 2, 3, 3, 3, 4, 5 };
static const double T2[] = { 2, 3, 3, 4, 4, 4, 5, 6, 6 };

/* Compare with test t and the other options at their defaults. */
static struct pfg_stats_compare_result run(const double *b, size_t nb, const double *c,
					   size_t nc, enum pfg_stats_test t)
{
	struct pfg_stats_compare_opts o;
	struct pfg_stats_compare_result r;
	char err[PFG_ERR_MAX];
	pfg_stats_compare_opts_init(&o);
	o.test = t;
	int rc = pfg_stats_compare(b, nb, c, nc, &o, &r, err, sizeof err);
	if (rc)
		print_error("%s\n", err);
	assert_int_equal(rc, 0);
	return r;
}

static void test_summary_matches_numpy(void **state)
{
	(void)state;
	/* /usr/bin/python3 -c "import numpy as np; from scipy import stats;
	 *   B=[10.2,10.5,9.8,10.1,10.4,10.0,9.9,10.3,10.6,10.1,12.9,10.2];
	 *   print(np.percentile(B,[25,50,75,95]), np.std(B,ddof=1),
	 *         stats.median_abs_deviation(B), stats.iqr(B))"
	 * -> [10.075 10.2 10.425 11.635] 0.8166821272500685 0.2 0.35 */
	struct pfg_stats_summary s;
	assert_int_equal(pfg_stats_summarize(B1, N_OF(B1), &s, NULL, 0), 0);
	assert_int_equal(s.n, 12);
	near(s.q1, 10.075, 1e-12, "q1");
	near(s.median, 10.2, 1e-12, "median");
	near(s.q3, 10.425, 1e-12, "q3");
	near(s.p95, 11.635, 1e-12, "p95");
	near(s.stddev, 0.8166821272500685, 1e-12, "stddev");
	near(s.mad, 0.2, 1e-12, "mad");
	near(s.iqr, 0.35, 1e-12, "iqr");
	near(s.min, 9.8, 0, "min");
	near(s.max, 12.9, 0, "max");
	near(s.cv, s.stddev / s.mean, 1e-15, "cv");
	/* One value: stddev, mad, iqr, cv are 0. */
	double one = 4.5;
	assert_int_equal(pfg_stats_summarize(&one, 1, &s, NULL, 0), 0);
	assert_true(s.stddev == 0 && s.cv == 0 && s.p95 == 4.5 && s.iqr == 0);
}

static void test_yuen_matches_scipy(void **state)
{
	(void)state;
	/* /usr/bin/python3 -c "from scipy import stats; print(stats.ttest_ind(C1, B1,
	 *   equal_var=False, trim=0.2))" -> statistic=6.198338269649674,
	 *   pvalue=1.8796615231964638e-05
	 * Interval: /tmp/ref2.py in the commit message's words: with scipy's
	 * _ttest_trim_var_mean_len and stats.t.ppf(0.975, df):
	 *   trimmed means 10.225, 10.977777777777778; change 7.362129856017392%;
	 *   interval [4.82560862986468, 9.898651082170101]%; df 14.67619620406039 */
	struct pfg_stats_compare_result r = run(B1, N_OF(B1), C1, N_OF(C1), PFG_TEST_YUEN);
	near(r.p_value, 1.8796615231964638e-05, 1e-6, "yuen p");
	near(r.statistic, 6.198338269649674, 1e-9, "yuen t");
	near(r.estimate_base, 10.225, 1e-12, "trimmed mean base");
	near(r.estimate_current, 10.977777777777778, 1e-12, "trimmed mean current");
	near(r.change_pct, 7.362129856017392, 1e-9, "yuen change");
	near(r.ci_low_pct, 4.82560862986468, 1e-6, "yuen ci low");
	near(r.ci_high_pct, 9.898651082170101, 1e-6, "yuen ci high");
	near(r.df, 14.67619620406039, 1e-9, "yuen df");
	assert_true(r.significant);
	assert_int_equal(r.verdict, PFG_VERDICT_REGRESSION);
	assert_int_equal(r.severity, PFG_SEVERITY_MINOR);
	/* Ties: stats.ttest_ind(T2, T1, equal_var=False, trim=0.2)
	 * -> statistic=1.9795146824924867, pvalue=0.07405715374728422 */
	r = run(T1, N_OF(T1), T2, N_OF(T2), PFG_TEST_YUEN);
	near(r.p_value, 0.07405715374728422, 1e-6, "yuen p ties");
	near(r.statistic, 1.9795146824924867, 1e-9, "yuen t ties");
}

static void test_welch_matches_scipy(void **state)
{
	(void)state;
	/* stats.ttest_ind(C1, B1, equal_var=False) -> statistic=1.5603211439663218,
	 *   pvalue=0.1346277924328887; interval by stats.t.ppf(0.975, df) on the
	 *   Welch-Satterthwaite df, over mean(B1): change 4.270769230769225%,
	 *   [-1.4448530370567463, 9.986391498595195]% */
	struct pfg_stats_compare_result r = run(B1, N_OF(B1), C1, N_OF(C1), PFG_TEST_WELCH);
	near(r.p_value, 0.1346277924328887, 1e-6, "welch p");
	near(r.statistic, 1.5603211439663218, 1e-9, "welch t");
	near(r.change_pct, 4.270769230769225, 1e-9, "welch change");
	near(r.ci_low_pct, -1.4448530370567463, 1e-6, "welch ci low");
	near(r.ci_high_pct, 9.986391498595195, 1e-6, "welch ci high");
	assert_false(r.significant);
	/* The outlier 9.1 and 12.9 blur Welch: too noisy to rule out 5%. */
	assert_int_equal(r.verdict, PFG_VERDICT_INCONCLUSIVE);
	assert_true(r.mde_pct > 5);
}

static void test_mwu_matches_scipy(void **state)
{
	(void)state;
	/* stats.mannwhitneyu(C1, B1, alternative='two-sided', method='asymptotic')
	 *   -> statistic=131.5, pvalue=0.0038998369636358966
	 * stats.mannwhitneyu(T2, T1, alternative='two-sided', method='asymptotic')
	 *   -> statistic=54.0, pvalue=0.08500431195581705 */
	struct pfg_stats_compare_result r = run(B1, N_OF(B1), C1, N_OF(C1), PFG_TEST_MWU);
	near(r.p_value, 0.0038998369636358966, 1e-6, "mwu p");
	near(r.estimate_base, 10.2, 1e-12, "median base");
	near(r.estimate_current, 11.0, 1e-12, "median current");
	near(r.change_pct, 100 * (11.0 - 10.2) / 10.2, 1e-12, "mwu change");
	assert_true(r.statistic > 0);
	assert_true(r.ci_low_pct <= r.change_pct && r.change_pct <= r.ci_high_pct);
	/* The bootstrap is seeded: the same call gives the same interval. */
	struct pfg_stats_compare_result r2 = run(B1, N_OF(B1), C1, N_OF(C1), PFG_TEST_MWU);
	assert_true(r.ci_low_pct == r2.ci_low_pct && r.ci_high_pct == r2.ci_high_pct);
	r = run(T1, N_OF(T1), T2, N_OF(T2), PFG_TEST_MWU);
	near(r.p_value, 0.08500431195581705, 1e-6, "mwu p ties");
	/* Swapping the samples keeps a two-sided p. */
	r2 = run(T2, N_OF(T2), T1, N_OF(T1), PFG_TEST_MWU);
	near(r2.p_value, r.p_value, 1e-12, "mwu symmetric");
}

static void test_fisher_matches_scipy(void **state)
{
	(void)state;
	/* /usr/bin/python3 -c "from scipy import stats; print(stats.fisher_exact(T))"
	 *   [[3,17],[9,11]] -> 0.08235877701951116
	 *   [[0,50],[5,45]] -> 0.05628449442882433
	 *   [[1,9],[11,3]]  -> 0.0027594561852200836
	 *   [[20,80],[20,80]] -> 1.0 */
	double p;
	assert_int_equal(pfg_stats_fisher_exact(3, 20, 9, 20, &p, NULL, 0), 0);
	near(p, 0.08235877701951116, 1e-6, "fisher 1");
	assert_int_equal(pfg_stats_fisher_exact(0, 50, 5, 50, &p, NULL, 0), 0);
	near(p, 0.05628449442882433, 1e-6, "fisher 2");
	assert_int_equal(pfg_stats_fisher_exact(1, 10, 11, 14, &p, NULL, 0), 0);
	near(p, 0.0027594561852200836, 1e-6, "fisher 3");
	assert_int_equal(pfg_stats_fisher_exact(20, 100, 20, 100, &p, NULL, 0), 0);
	near(p, 1.0, 1e-12, "fisher 4");
	assert_int_equal(pfg_stats_fisher_exact(0, 10, 0, 10, &p, NULL, 0), 0);
	near(p, 1.0, 0, "fisher no failures");
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_stats_fisher_exact(11, 10, 0, 10, &p, err, sizeof err),
			 PFG_EINPUT);
	assert_non_null(strstr(err, "cannot exceed"));
}

static void test_trend_matches_scipy(void **state)
{
	(void)state;
	/* /usr/bin/python3 -c "import numpy as np; from scipy import stats;
	 *   Y=[5.1,5.3,5.2,5.6,5.5,5.9,5.8,6.1,6.0,6.4];
	 *   print(stats.linregress(np.arange(len(Y)), Y))"
	 * -> slope=0.13393939393939397, intercept=5.087272727272727,
	 *    rvalue=0.9590854040827717, pvalue=1.1668283662638552e-05,
	 *    stderr=0.013978863751116129 */
	const double y[] = { 5.1, 5.3, 5.2, 5.6, 5.5, 5.9, 5.8, 6.1, 6.0, 6.4 };
	struct pfg_stats_trend t;
	assert_int_equal(pfg_stats_trend_fit(NULL, y, N_OF(y), &t, NULL, 0), 0);
	near(t.slope, 0.13393939393939397, 1e-9, "slope");
	near(t.intercept, 5.087272727272727, 1e-9, "intercept");
	near(t.r, 0.9590854040827717, 1e-9, "r");
	near(t.r2, 0.9590854040827717 * 0.9590854040827717, 1e-9, "r2");
	near(t.slope_p_value, 1.1668283662638552e-05, 1e-6, "slope p");
	near(t.slope_stderr, 0.013978863751116129, 1e-9, "stderr");
	/* Its 95% interval: slope -+ t.ppf(0.975, 8) * stderr, with
	 * t.ppf(0.975, 8) = 2.306004135033371 (any t table: 2.306). */
	double lo, hi;
	assert_int_equal(pfg_stats_trend_slope_interval(&t, 0.95, &lo, &hi), 0);
	near(lo, 0.13393939393939397 - 2.306004135033371 * 0.013978863751116129, 1e-8,
	     "slope low");
	near(hi, 0.13393939393939397 + 2.306004135033371 * 0.013978863751116129, 1e-8,
	     "slope high");
	/* Y2=[3.0,2.9,3.1,3.0,2.95,3.05,3.0,2.98] -> slope=0.001904761904761901,
	 *   intercept=2.9908333333333332, rvalue=0.07753117395061056,
	 *   pvalue=0.8552105561972074 */
	const double y2[] = { 3.0, 2.9, 3.1, 3.0, 2.95, 3.05, 3.0, 2.98 };
	assert_int_equal(pfg_stats_trend_fit(NULL, y2, N_OF(y2), &t, NULL, 0), 0);
	near(t.slope, 0.001904761904761901, 1e-8, "slope 2");
	near(t.intercept, 2.9908333333333332, 1e-9, "intercept 2");
	near(t.slope_p_value, 0.8552105561972074, 1e-6, "slope p 2");
	/* A constant series: flat, r 0, p 1 (scipy gives the same). */
	const double flat[] = { 2, 2, 2, 2 };
	assert_int_equal(pfg_stats_trend_fit(NULL, flat, 4, &t, NULL, 0), 0);
	assert_true(t.slope == 0 && t.r2 == 0 && t.slope_p_value == 1 && t.intercept == 2);
	/* Two points: p 0 unless equal, as scipy. */
	const double two[] = { 1, 3 };
	assert_int_equal(pfg_stats_trend_fit(NULL, two, 2, &t, NULL, 0), 0);
	near(t.slope, 2, 1e-12, "two slope");
	assert_true(t.slope_p_value == 0);
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_stats_trend_fit(NULL, two, 1, &t, err, sizeof err), PFG_EINPUT);
	assert_non_null(strstr(err, "at least 2"));
	const double xs[] = { 1, 1, 1 };
	assert_int_equal(pfg_stats_trend_fit(xs, y, 3, &t, err, sizeof err), PFG_EINPUT);
	assert_non_null(strstr(err, "x values are equal"));
}

static void test_outliers(void **state)
{
	(void)state;
	/* B1: q1 10.075, q3 10.425, fences 9.55 and 10.95: only 12.9. */
	unsigned char mask[N_OF(B1)];
	size_t n;
	assert_int_equal(pfg_stats_outliers_detect(B1, N_OF(B1), PFG_OUTLIERS_IQR, mask, &n,
						   NULL, 0), 0);
	assert_int_equal(n, 1);
	assert_int_equal(mask[10], 1);
	/* MAD 0.2, median 10.2: |x - 10.2| > 3.5 * 0.2 / 0.6745 = 1.0378: 12.9. */
	assert_int_equal(pfg_stats_outliers_detect(B1, N_OF(B1), PFG_OUTLIERS_MAD, mask, &n,
						   NULL, 0), 0);
	assert_int_equal(n, 1);
	assert_int_equal(mask[10], 1);
	assert_int_equal(pfg_stats_outliers_detect(B1, N_OF(B1), PFG_OUTLIERS_NONE, mask, &n,
						   NULL, 0), 0);
	assert_int_equal(n, 0);
	/* MAD of 0: the mean absolute deviation stands in. */
	const double m[] = { 5, 5, 5, 5, 5, 5, 9 };
	assert_int_equal(pfg_stats_outliers_detect(m, 7, PFG_OUTLIERS_MAD, mask, &n, NULL, 0),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(mask[6], 1);
	/* Removal changes what the test sees, detection is always reported. */
	struct pfg_stats_compare_opts o;
	struct pfg_stats_compare_result r;
	pfg_stats_compare_opts_init(&o);
	assert_int_equal(pfg_stats_compare(B1, N_OF(B1), C1, N_OF(C1), &o, &r, NULL, 0), 0);
	assert_int_equal(r.outliers_base, 1);
	assert_int_equal(r.outliers_current, 1);
	assert_int_equal(r.outliers_removed_base, 0);
	assert_int_equal(r.n_base, 12);
	o.outliers = PFG_OUTLIERS_IQR;
	assert_int_equal(pfg_stats_compare(B1, N_OF(B1), C1, N_OF(C1), &o, &r, NULL, 0), 0);
	assert_int_equal(r.outliers_removed_base, 1);
	assert_int_equal(r.outliers_removed_current, 1);
	assert_int_equal(r.n_base, 11);
	assert_int_equal(r.n_current, 12);
	enum pfg_stats_outliers om;
	assert_int_equal(pfg_stats_outliers_parse("mad", &om), 0);
	assert_int_equal(om, PFG_OUTLIERS_MAD);
	assert_int_equal(pfg_stats_outliers_parse("tukey", &om), -1);
}

/* Compare and return the error code, with the message in err. */
static int compare_err(const double *b, size_t nb, const double *c, size_t nc,
		       enum pfg_stats_test t, char *err, size_t errlen)
{
	struct pfg_stats_compare_opts o;
	struct pfg_stats_compare_result r;
	pfg_stats_compare_opts_init(&o);
	o.test = t;
	return pfg_stats_compare(b, nb, c, nc, &o, &r, err, errlen);
}

static void test_compare_edge_cases(void **state)
{
	(void)state;
	char err[PFG_ERR_MAX];
	const double same[] = { 3, 3, 3, 3, 3 };
	const double other[] = { 4, 4, 4, 4 };
	const double noisy[] = { 3.1, 2.9, 3.0, 3.2, 2.8 };
	for (int t = 0; t < 3; t++) {
		/* All values equal: no change, p 1, a zero-width interval. */
		struct pfg_stats_compare_result r = run(same, 5, same, 5, (enum pfg_stats_test)t);
		assert_true(r.p_value == 1 && r.change_pct == 0 && r.ci_low_pct == 0 &&
			    r.ci_high_pct == 0 && r.mde_pct == 0);
		assert_int_equal(r.verdict, PFG_VERDICT_NO_CHANGE);
		/* Zero variance on one side: still a finite answer. */
		r = run(noisy, 5, same, 5, (enum pfg_stats_test)t);
		assert_true(isfinite(r.p_value) && isfinite(r.ci_low_pct) &&
			    isfinite(r.ci_high_pct) && isfinite(r.mde_pct));
	}
	/* Two constant samples that differ: p 0, the change is exact. */
	struct pfg_stats_compare_result r = run(same, 5, other, 4, PFG_TEST_WELCH);
	assert_true(r.p_value == 0 && r.significant);
	near(r.change_pct, 100.0 / 3, 1e-12, "constant change");
	assert_true(r.ci_low_pct == r.change_pct && r.ci_high_pct == r.change_pct);
	assert_int_equal(r.verdict, PFG_VERDICT_REGRESSION);
	assert_int_equal(r.severity, PFG_SEVERITY_MAJOR);
	/* A baseline of zero: a clear error. */
	const double zeros[] = { 0, 0, 0 };
	assert_int_equal(compare_err(zeros, 3, other, 4, PFG_TEST_WELCH, err, sizeof err),
			 PFG_EINPUT);
	assert_non_null(strstr(err, "baseline's mean is 0"));
	/* Too few values, NaN, infinity. */
	assert_int_equal(compare_err(same, 1, other, 4, PFG_TEST_YUEN, err, sizeof err),
			 PFG_EINPUT);
	assert_string_equal(err, "the baseline has 1 value; at least 2 are needed");
	const double bad[] = { 1, NAN, 2 };
	assert_int_equal(compare_err(same, 5, bad, 3, PFG_TEST_YUEN, err, sizeof err),
			 PFG_EINPUT);
	assert_non_null(strstr(err, "NaN at position 2"));
	const double inf[] = { 1, 2, INFINITY };
	assert_int_equal(compare_err(inf, 3, same, 5, PFG_TEST_YUEN, err, sizeof err),
			 PFG_EINPUT);
	assert_non_null(strstr(err, "an infinity at position 3"));
	/* Higher is better: a drop is the regression. */
	struct pfg_stats_compare_opts o;
	pfg_stats_compare_opts_init(&o);
	o.direction = PFG_HIGHER_IS_BETTER;
	assert_int_equal(pfg_stats_compare(other, 4, same, 5, &o, &r, NULL, 0), 0);
	assert_int_equal(r.verdict, PFG_VERDICT_REGRESSION);
	near(r.worse_pct, 25, 1e-12, "worse");
	o.direction = PFG_LOWER_IS_BETTER;
	assert_int_equal(pfg_stats_compare(other, 4, same, 5, &o, &r, NULL, 0), 0);
	assert_int_equal(r.verdict, PFG_VERDICT_IMPROVEMENT);
	assert_int_equal(r.severity, PFG_SEVERITY_NONE);
	/* Bad options. */
	o.alpha = 1.5;
	assert_int_equal(pfg_stats_compare(other, 4, same, 5, &o, &r, err, sizeof err),
			 PFG_EINPUT);
	assert_non_null(strstr(err, "alpha"));
	pfg_stats_compare_opts_init(&o);
	o.thresholds[2] = 1;
	assert_int_equal(pfg_stats_compare(other, 4, same, 5, &o, &r, err, sizeof err),
			 PFG_EINPUT);
	assert_non_null(strstr(err, "increasing"));
}

static void test_severity_and_verdict(void **state)
{
	(void)state;
	const double t[4] = { 5, 10, 20, 50 };
	assert_int_equal(pfg_stats_severity_of(4.99, t), PFG_SEVERITY_NONE);
	assert_int_equal(pfg_stats_severity_of(5, t), PFG_SEVERITY_MINOR);
	assert_int_equal(pfg_stats_severity_of(10, t), PFG_SEVERITY_MODERATE);
	assert_int_equal(pfg_stats_severity_of(19.9, t), PFG_SEVERITY_MODERATE);
	assert_int_equal(pfg_stats_severity_of(20, t), PFG_SEVERITY_MAJOR);
	assert_int_equal(pfg_stats_severity_of(75, t), PFG_SEVERITY_CRITICAL);
	assert_int_equal(pfg_stats_verdict_of(1, 6, 1, 5), PFG_VERDICT_REGRESSION);
	assert_int_equal(pfg_stats_verdict_of(1, -6, 1, 5), PFG_VERDICT_IMPROVEMENT);
	assert_int_equal(pfg_stats_verdict_of(1, 2, 1, 5), PFG_VERDICT_NO_CHANGE);
	assert_int_equal(pfg_stats_verdict_of(0, 8, 9, 5), PFG_VERDICT_INCONCLUSIVE);
	assert_int_equal(pfg_stats_verdict_of(0, 8, 3, 5), PFG_VERDICT_NO_CHANGE);
	/* MDE: 100 (z.975 + z.8) sd sqrt(2/n) / mu with normal quantiles
	 * (1.959963984540054 + 0.8416212335729143) * 2 * sqrt(2/30) = 1.44651... */
	near(pfg_stats_mde(2, 100, 30, 30, 0, 0.05, 0.8),
	     (1.959963984540054 + 0.8416212335729143) * 2 * sqrt(2.0 / 30), 1e-9, "mde");
	assert_true(pfg_stats_mde(0, 100, 30, 30, 58, 0.05, 0.8) == 0);
	enum pfg_severity s;
	assert_int_equal(pfg_severity_parse("major", &s), 0);
	assert_int_equal(s, PFG_SEVERITY_MAJOR);
	assert_string_equal(pfg_verdict_name(PFG_VERDICT_NO_CHANGE), "no_change");
}

/* ---- Change points: parity with Apache Otava ---------------------------- */

/* The indices of cps[0..n) joined with commas into buf. */
static const char *indices(const struct pfg_stats_change_point *cps, size_t n, char *buf,
			   size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%zu", i ? "," : "", cps[i].index);
	return buf;
}

/* Otava's tests/change_point_divisive_test.py (apache/otava, commit
 * 2be4bbf5cbdb8721a381b495d3806bda114c040e): SEQUENCE and test_ttest: a
 * ChangePointDetector with TTestSignificanceTester(max_pvalue=0.01) over the
 * whole sequence finds CHANGE_POINTS_INDS = [5, 8]. */
static void test_otava_detector_sequence(void **state)
{
	(void)state;
	const double seq[] = { 0.3, 2.4, 1.5, -0.9, -0.5, 99.7, 98.3, 99.1,
			       149.0, 149.7, 149.5, 149.1, 148.8, 150.0 };
	struct pfg_stats_change_point *cps;
	size_t n;
	char buf[128];
	assert_int_equal(pfg_stats_edivisive(seq, N_OF(seq), 0.01, &cps, &n, NULL, 0), 0);
	assert_string_equal(indices(cps, n, buf, sizeof buf), "5,8");
	pfg_stats_change_points_free(cps);
}

/* Otava's tests/analysis_test.py (apache/otava, commit
 * 08096600d3233d8723941affa5fafed6f19f9bcd), test_single_series:
 * compute_change_points(series, window_len=10, max_pvalue=0.0001) == [10]
 * (Otava's min_magnitude default is 0). */
static void test_otava_single_series(void **state)
{
	(void)state;
	const double series[] = { 1.02, 0.95, 0.99, 1.00, 1.12, 1.00, 1.01, 0.98, 1.01, 0.96,
				  0.50, 0.51, 0.48, 0.48, 0.55, 0.50, 0.49, 0.51, 0.50, 0.49 };
	struct pfg_stats_cp_opts o = { .window = 10, .max_pvalue = 0.0001, .min_magnitude = 0 };
	struct pfg_stats_change_point *cps;
	size_t n;
	char buf[128];
	assert_int_equal(pfg_stats_change_points(series, N_OF(series), &o, &cps, &n, NULL, 0), 0);
	assert_string_equal(indices(cps, n, buf, sizeof buf), "10");
	near(cps[0].mean_before, 1.004, 1e-12, "mean before");
	near(cps[0].mean_after, 0.501, 1e-12, "mean after");
	near(cps[0].change_pct, 100 * (0.501 / 1.004 - 1), 1e-9, "change");
	assert_true(cps[0].p_value < 0.0001);
	pfg_stats_change_points_free(cps);
	/* The same with our defaults for window and magnitude. */
	pfg_stats_cp_opts_init(&o);
	assert_int_equal(pfg_stats_change_points(series, N_OF(series), &o, &cps, &n, NULL, 0), 0);
	assert_string_equal(indices(cps, n, buf, sizeof buf), "10");
	pfg_stats_change_points_free(cps);
}

/* Otava's tests/analysis_test.py, test_significance_tester: a split at 5
 * of a series without change has p in (0.99, 1.01); of one with a drop,
 * p in (0, 0.001). */
static void test_otava_significance_tester(void **state)
{
	(void)state;
	const double a[] = { 1.00, 1.02, 1.05, 0.95, 0.98, 1.00, 1.02, 1.05, 0.95, 0.98 };
	const double b[] = { 1.00, 1.02, 1.05, 0.95, 0.98, 0.80, 0.82, 0.85, 0.79, 0.77 };
	struct pfg_stats_change_point cp = { 0 };
	pfg_stats_cp_test(a, 5, a + 5, 5, &cp);
	assert_true(cp.p_value > 0.99 && cp.p_value < 1.01);
	pfg_stats_cp_test(b, 5, b + 5, 5, &cp);
	assert_true(cp.p_value > 0 && cp.p_value < 0.001);
	/* scipy: ttest_ind_from_stats(np.mean(L), np.std(L), 5, np.mean(R),
	 *   np.std(R), 5) with L, R = b[:5], b[5:]:
	 * /usr/bin/python3 -c "import numpy as np; from scipy import stats;
	 *   b=[1.00,1.02,1.05,0.95,0.98,0.80,0.82,0.85,0.79,0.77]; L,R=b[:5],b[5:];
	 *   print(stats.ttest_ind_from_stats(np.mean(L),np.std(L),5,np.mean(R),
	 *   np.std(R),5))" -> statistic=9.941530748000798,
	 *   pvalue=8.867907052957251e-06 */
	near(cp.p_value, 8.867907052957251e-06, 1e-6, "cp t-test p");
	/* Two values or fewer: p 1. */
	pfg_stats_cp_test(b, 1, b + 5, 1, &cp);
	assert_true(cp.p_value == 1);
}

static void test_change_points_edge_cases(void **state)
{
	(void)state;
	struct pfg_stats_cp_opts o;
	pfg_stats_cp_opts_init(&o);
	struct pfg_stats_change_point *cps;
	size_t n;
	char buf[128], err[PFG_ERR_MAX];
	/* Constant, empty, tiny: nothing. */
	double flat[100];
	for (int i = 0; i < 100; i++)
		flat[i] = 7;
	assert_int_equal(pfg_stats_change_points(flat, 100, &o, &cps, &n, NULL, 0), 0);
	assert_int_equal(n, 0);
	pfg_stats_change_points_free(cps);
	assert_int_equal(pfg_stats_change_points(flat, 0, &o, &cps, &n, NULL, 0), 0);
	assert_int_equal(n, 0);
	pfg_stats_change_points_free(cps);
	assert_int_equal(pfg_stats_change_points(flat, 2, &o, &cps, &n, NULL, 0), 0);
	assert_int_equal(n, 0);
	pfg_stats_change_points_free(cps);
	/* A clean step without noise: found exactly, p 0. */
	for (int i = 60; i < 100; i++)
		flat[i] = 9;
	assert_int_equal(pfg_stats_change_points(flat, 100, &o, &cps, &n, NULL, 0), 0);
	assert_string_equal(indices(cps, n, buf, sizeof buf), "60");
	assert_true(cps[0].p_value == 0);
	near(cps[0].change_pct, 100 * (9.0 / 7 - 1), 1e-12, "step change");
	pfg_stats_change_points_free(cps);
	/* A step of 2% is below min_magnitude 5%: merged away; kept at 0. */
	for (int i = 60; i < 100; i++)
		flat[i] = 7 * 1.02;
	assert_int_equal(pfg_stats_change_points(flat, 100, &o, &cps, &n, NULL, 0), 0);
	assert_int_equal(n, 0);
	pfg_stats_change_points_free(cps);
	o.min_magnitude = 0;
	assert_int_equal(pfg_stats_change_points(flat, 100, &o, &cps, &n, NULL, 0), 0);
	assert_string_equal(indices(cps, n, buf, sizeof buf), "60");
	pfg_stats_change_points_free(cps);
	/* Bad input. */
	o.window = 1;
	assert_int_equal(pfg_stats_change_points(flat, 100, &o, &cps, &n, err, sizeof err),
			 PFG_EINPUT);
	assert_non_null(strstr(err, "window"));
	pfg_stats_cp_opts_init(&o);
	flat[3] = NAN;
	assert_int_equal(pfg_stats_change_points(flat, 100, &o, &cps, &n, err, sizeof err),
			 PFG_EINPUT);
	assert_non_null(strstr(err, "NaN at position 4"));
}

/* ---- Property tests ---------------------------------------------------- */

/* Fill x[0..n) with lognormal values (median scale, sigma). */
static void lognormal(gsl_rng *rng, double *x, size_t n, double scale, double sigma)
{
	for (size_t i = 0; i < n; i++)
		x[i] = scale * gsl_ran_lognormal(rng, 0, sigma);
}

/* The share of `iters` A/A comparisons (n = 30 each side, lognormal sigma
 * 0.2) that opts call a regression. */
static double aa_rate(const struct pfg_stats_compare_opts *o, int iters, unsigned long seed)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, seed);
	double b[30], c[30];
	int hits = 0;
	for (int i = 0; i < iters; i++) {
		lognormal(rng, b, 30, 100, 0.2);
		lognormal(rng, c, 30, 100, 0.2);
		struct pfg_stats_compare_result r;
		assert_int_equal(pfg_stats_compare(b, 30, c, 30, o, &r, NULL, 0), 0);
		hits += r.verdict == PFG_VERDICT_REGRESSION;
	}
	gsl_rng_free(rng);
	return (double)hits / iters;
}

/* A/A: with nothing changed, a regression (worse direction only) should be
 * called at most alpha / 2 = 2.5% of the time; with 20,000 trials the
 * standard error is 0.11%, so 3.0% is a generous bound. Removing outliers
 * before a t-test is anti-conservative: it must show well above 2.5%. */
static void test_aa_false_regressions(void **state)
{
	(void)state;
	struct pfg_stats_compare_opts o;
	const int iters = 20000;
	struct {
		enum pfg_stats_test test;
		enum pfg_stats_outliers out;
		double lo, hi;
	} cases[] = {
		{ PFG_TEST_YUEN, PFG_OUTLIERS_NONE, 0.015, 0.030 },
		{ PFG_TEST_WELCH, PFG_OUTLIERS_NONE, 0.015, 0.030 },
		{ PFG_TEST_MWU, PFG_OUTLIERS_NONE, 0.015, 0.030 },
		{ PFG_TEST_WELCH, PFG_OUTLIERS_IQR, 0.035, 0.060 },
		{ PFG_TEST_WELCH, PFG_OUTLIERS_MAD, 0.030, 0.060 },
		{ PFG_TEST_YUEN, PFG_OUTLIERS_IQR, 0.015, 0.060 },
		{ PFG_TEST_MWU, PFG_OUTLIERS_IQR, 0.015, 0.060 },
	};
	for (size_t i = 0; i < N_OF(cases); i++) {
		pfg_stats_compare_opts_init(&o);
		o.test = cases[i].test;
		o.outliers = cases[i].out;
		o.bootstrap = 100; /* the interval does not decide the verdict */
		double rate = aa_rate(&o, iters, 42 + i);
		print_message("A/A %s outliers=%s: %.2f%% false regressions\n",
			      pfg_stats_test_name(o.test), pfg_stats_outliers_name(o.outliers),
			      100 * rate);
		if (rate < cases[i].lo || rate > cases[i].hi) {
			print_error("rate %.4f outside [%.3f, %.3f]\n", rate, cases[i].lo,
				    cases[i].hi);
			fail();
		}
	}
}

/* 95% intervals cover a true 10% slowdown of lognormal timings about 95% of
 * the time (2,000 trials: standard error 0.5%). */
static void test_interval_coverage(void **state)
{
	(void)state;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 7);
	const int iters = 2000;
	for (int t = 0; t < 3; t++) {
		struct pfg_stats_compare_opts o;
		pfg_stats_compare_opts_init(&o);
		o.test = (enum pfg_stats_test)t;
		o.bootstrap = 1000;
		int covered = 0;
		double b[30], c[30];
		for (int i = 0; i < iters; i++) {
			lognormal(rng, b, 30, 100, 0.2);
			lognormal(rng, c, 30, 110, 0.2);
			o.seed = (unsigned long)i + 1;
			struct pfg_stats_compare_result r;
			assert_int_equal(pfg_stats_compare(b, 30, c, 30, &o, &r, NULL, 0), 0);
			covered += r.ci_low_pct <= 10 && 10 <= r.ci_high_pct;
		}
		double cov = (double)covered / iters;
		print_message("coverage %s: %.1f%%\n", pfg_stats_test_name(o.test), 100 * cov);
		if (cov < 0.92 || cov > 0.975) {
			print_error("coverage %.3f outside [0.92, 0.975]\n", cov);
			fail();
		}
	}
	gsl_rng_free(rng);
}

/* Power: a 7% slowdown at n = 30 and CV 2% is found nearly always. */
static void test_power_seven_percent(void **state)
{
	(void)state;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 11);
	const int iters = 1000;
	for (int t = 0; t < 3; t++) {
		struct pfg_stats_compare_opts o;
		pfg_stats_compare_opts_init(&o);
		o.test = (enum pfg_stats_test)t;
		o.bootstrap = 100;
		int found = 0, minor = 0;
		double b[30], c[30];
		for (int i = 0; i < iters; i++) {
			for (int k = 0; k < 30; k++) {
				b[k] = 100 + gsl_ran_gaussian(rng, 2);
				c[k] = 107 + gsl_ran_gaussian(rng, 2.14);
			}
			struct pfg_stats_compare_result r;
			assert_int_equal(pfg_stats_compare(b, 30, c, 30, &o, &r, NULL, 0), 0);
			found += r.verdict == PFG_VERDICT_REGRESSION;
			minor += r.severity == PFG_SEVERITY_MINOR;
			assert_true(r.mde_pct < 3);
		}
		print_message("power %s: %.1f%%\n", pfg_stats_test_name(o.test),
			      100.0 * found / iters);
		assert_true(found >= 0.99 * iters);
		assert_true(minor >= 0.99 * iters);
	}
	gsl_rng_free(rng);
}

/* Recall and precision of change points on synthetic histories: 300 runs,
 * noise CV 2%, 3 shifts of 8% to 20% up or down at random places at least
 * 40 runs apart; a found point within 2 runs of a true shift counts. */
static void test_change_point_recall_precision(void **state)
{
	(void)state;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 3);
	struct pfg_stats_cp_opts o;
	pfg_stats_cp_opts_init(&o);
	int truth = 0, found = 0, hit_truth = 0, hit_found = 0;
	double x[300];
	for (int h = 0; h < 40; h++) {
		size_t at[3];
		at[0] = 40 + gsl_rng_uniform_int(rng, 40);
		at[1] = at[0] + 40 + gsl_rng_uniform_int(rng, 40);
		at[2] = at[1] + 40 + gsl_rng_uniform_int(rng, 60);
		double level = 100;
		for (size_t i = 0, k = 0; i < 300; i++) {
			if (k < 3 && i == at[k]) {
				double size = 0.08 + 0.12 * gsl_rng_uniform(rng);
				level *= gsl_rng_uniform(rng) < 0.5 ? 1 + size : 1 / (1 + size);
				k++;
			}
			x[i] = level * (1 + gsl_ran_gaussian(rng, 0.02));
		}
		struct pfg_stats_change_point *cps;
		size_t n;
		assert_int_equal(pfg_stats_change_points(x, 300, &o, &cps, &n, NULL, 0), 0);
		truth += 3;
		found += (int)n;
		for (int k = 0; k < 3; k++)
			for (size_t i = 0; i < n; i++)
				if (cps[i].index + 2 >= at[k] && cps[i].index <= at[k] + 2) {
					hit_truth++;
					break;
				}
		for (size_t i = 0; i < n; i++)
			for (int k = 0; k < 3; k++)
				if (cps[i].index + 2 >= at[k] && cps[i].index <= at[k] + 2) {
					hit_found++;
					break;
				}
		pfg_stats_change_points_free(cps);
	}
	double recall = (double)hit_truth / truth, precision = found ? (double)hit_found / found : 0;
	print_message("change points: recall %.1f%%, precision %.1f%%\n", 100 * recall,
		      100 * precision);
	assert_true(recall >= 0.95);
	assert_true(precision >= 0.95);
	gsl_rng_free(rng);
}

/* Run pfg_stats_compare with test t; return its code and fill r, err. */
static int try_compare(const double *b, size_t nb, const double *c, size_t nc,
		       enum pfg_stats_test t, struct pfg_stats_compare_result *r, char *err)
{
	struct pfg_stats_compare_opts o;
	pfg_stats_compare_opts_init(&o);
	o.test = t;
	err[0] = '\0';
	return pfg_stats_compare(b, nb, c, nc, &o, r, err, PFG_ERR_MAX);
}

/* Assert that every number of a successful comparison is finite. */
static void assert_finite_result(const struct pfg_stats_compare_result *r)
{
	assert_true(isfinite(r->change_pct) && isfinite(r->ci_low_pct) &&
		    isfinite(r->ci_high_pct) && isfinite(r->statistic) &&
		    isfinite(r->df) && isfinite(r->estimate_base) &&
		    isfinite(r->estimate_current) && isfinite(r->mean_base) &&
		    isfinite(r->mean_current) && isfinite(r->stddev_base) &&
		    isfinite(r->stddev_current));
	assert_true(r->p_value >= 0 && r->p_value <= 1);
	assert_false(isnan(r->mde_pct));
}

/* Either a clean result or PFG_EINPUT with a sentence: never an abort. */
static void assert_clean(int rc, const struct pfg_stats_compare_result *r, const char *err)
{
	if (rc == 0) {
		assert_finite_result(r);
	} else {
		assert_int_equal(rc, PFG_EINPUT);
		assert_true(strlen(err) > 10);
	}
}

/* 1e78 squared in the Welch-Satterthwaite df overflows: GSL's gamma used to
 * abort the process ("x too large to extract fraction part"). */
static void test_compare_values_too_large(void **state)
{
	(void)state;
	const double a[] = { 1, 2, 3 }, b[] = { 1, 2, 1e78 };
	struct pfg_stats_compare_result r;
	char err[PFG_ERR_MAX];
	for (int t = PFG_TEST_YUEN; t <= PFG_TEST_WELCH; t++) {
		assert_int_equal(try_compare(a, 3, b, 3, t, &r, err), PFG_EINPUT);
		assert_string_equal(err, "values too large to compare: the variance "
			"overflows (max 1e+78)");
	}
	/* Medians do not overflow: Mann-Whitney compares them. */
	assert_int_equal(try_compare(a, 3, b, 3, PFG_TEST_MWU, &r, err), 0);
	assert_finite_result(&r);
	/* A custom metric of 1e308 against a baseline of about 100: every sum
	 * of the current sample overflows. */
	const double base[] = { 100, 101, 102, 99, 100 };
	const double huge[] = { 1e308, 1e308, 1e308, 1e308, 1e308 };
	for (int t = PFG_TEST_YUEN; t <= PFG_TEST_WELCH; t++) {
		assert_int_equal(try_compare(base, 5, huge, 5, t, &r, err), PFG_EINPUT);
		assert_non_null(strstr(err, "values too large to compare"));
		assert_non_null(strstr(err, "(max 1e+308)"));
	}
	assert_clean(try_compare(base, 5, huge, 5, PFG_TEST_MWU, &r, err), &r, err);
	/* Mixtures of signs and magnitudes: the mean steps through infinity. */
	const double mix[] = { -1.7e308, 1.7e308, 0, 5, -1e308, 1e308 };
	for (int t = PFG_TEST_YUEN; t <= PFG_TEST_MWU; t++) {
		assert_clean(try_compare(base, 5, mix, 6, t, &r, err), &r, err);
		assert_clean(try_compare(mix, 6, base, 5, t, &r, err), &r, err);
		assert_clean(try_compare(mix, 6, mix, 6, t, &r, err), &r, err);
	}
	assert_int_equal(try_compare(base, 5, mix, 6, PFG_TEST_WELCH, &r, err), PFG_EINPUT);
	/* A tiny baseline makes the change in percent overflow. */
	const double tiny[] = { 1e-308, 1e-308, 1e-308 }, one[] = { 1, 1, 1 };
	assert_int_equal(try_compare(tiny, 3, one, 3, PFG_TEST_WELCH, &r, err), PFG_EINPUT);
	assert_non_null(strstr(err, "the change in percent overflows"));
	/* Subnormal and tiny values on both sides: a clean answer. */
	const double t1[] = { 1e-308, 2e-308, 3e-308, 4e-320 };
	const double t2[] = { 2e-308, 3e-308, 4e-308, 5e-308 };
	for (int t = PFG_TEST_YUEN; t <= PFG_TEST_MWU; t++)
		assert_clean(try_compare(t1, 4, t2, 4, t, &r, err), &r, err);
	/* 1e154 squares to 1e308; its square in the df overflows. */
	const double s1[] = { 1e154, 3e154, 2e154 }, s2[] = { 2e154, 5e154, 1e154 };
	for (int t = PFG_TEST_YUEN; t <= PFG_TEST_MWU; t++)
		assert_clean(try_compare(s1, 3, s2, 3, t, &r, err), &r, err);
}

/* NaN and infinities are refused by name and position. */
static void test_compare_non_finite(void **state)
{
	(void)state;
	const double ok[] = { 1, 2, 3 };
	const double bad[][3] = { { 1, NAN, 3 }, { 1, 2, INFINITY }, { -INFINITY, 2, 3 } };
	struct pfg_stats_compare_result r;
	char err[PFG_ERR_MAX];
	for (int t = PFG_TEST_YUEN; t <= PFG_TEST_MWU; t++)
		for (size_t i = 0; i < N_OF(bad); i++) {
			assert_int_equal(try_compare(ok, 3, bad[i], 3, t, &r, err), PFG_EINPUT);
			assert_non_null(strstr(err, "the current sample holds"));
			assert_int_equal(try_compare(bad[i], 3, ok, 3, t, &r, err), PFG_EINPUT);
			assert_non_null(strstr(err, "the baseline holds"));
		}
	struct pfg_stats_summary sm;
	struct pfg_stats_trend tr;
	struct pfg_stats_change_point *cps;
	size_t n;
	struct pfg_stats_cp_opts o;
	pfg_stats_cp_opts_init(&o);
	assert_int_equal(pfg_stats_summarize(bad[0], 3, &sm, err, sizeof err), PFG_EINPUT);
	assert_int_equal(pfg_stats_trend_fit(NULL, bad[1], 3, &tr, err, sizeof err), PFG_EINPUT);
	assert_int_equal(pfg_stats_change_points(bad[2], 3, &o, &cps, &n, err, sizeof err),
			 PFG_EINPUT);
	assert_true(isinf(pfg_stats_mde(INFINITY, 1, 5, 5, 8, 0.05, 0.8)));
	assert_true(isinf(pfg_stats_mde(1, 1, 5, 5, NAN, 0.05, 0.8)) ||
		    isfinite(pfg_stats_mde(1, 1, 5, 5, NAN, 0.05, 0.8)));
}

/* Summaries, trends and change points of huge values: an error or a
 * finite answer, never an abort or a NaN. */
static void test_huge_values_elsewhere(void **state)
{
	(void)state;
	char err[PFG_ERR_MAX];
	struct pfg_stats_summary sm;
	const double mix[] = { 1.7e308, -1.7e308 }, spread[] = { 0, 1e200, 5 };
	assert_int_equal(pfg_stats_summarize(mix, 2, &sm, err, sizeof err), PFG_EINPUT);
	assert_non_null(strstr(err, "values too large to summarise"));
	assert_int_equal(pfg_stats_summarize(spread, 3, &sm, err, sizeof err), PFG_EINPUT);
	assert_string_equal(err, "values too large to summarise: the variance overflows "
			    "(max 1e+200)");
	const double flat[] = { 1e308, 1e308, 1e308 };
	assert_int_equal(pfg_stats_summarize(flat, 3, &sm, err, sizeof err), 0);
	assert_true(sm.mean == 1e308 && sm.stddev == 0);

	struct pfg_stats_trend tr;
	const double y[] = { 1, 2, 1e200 };
	assert_int_equal(pfg_stats_trend_fit(NULL, y, 3, &tr, err, sizeof err), PFG_EINPUT);
	assert_string_equal(err, "values too large to fit a trend: the sum of squares of "
			    "the series overflows (max 1e+200)");
	int rc = pfg_stats_trend_fit(NULL, flat, 3, &tr, err, sizeof err);
	assert_true(rc == PFG_EINPUT ||
		    (rc == 0 && tr.slope_p_value == 1 && isfinite(tr.intercept)));

	/* Change points of a level of 100 that jumps to 1e308: found, exact,
	 * as on values 1e306 times smaller. */
	double x[40], small[40];
	for (int i = 0; i < 40; i++) {
		x[i] = i < 20 ? 100 + (i % 3) : 1e308 - (double)(i % 3) * 1e305;
		small[i] = ldexp(x[i], -1024);
	}
	struct pfg_stats_cp_opts o;
	pfg_stats_cp_opts_init(&o);
	struct pfg_stats_change_point *cps, *ref;
	size_t n, nref;
	assert_int_equal(pfg_stats_change_points(x, 40, &o, &cps, &n, err, sizeof err), 0);
	assert_int_equal(pfg_stats_change_points(small, 40, &o, &ref, &nref, err, sizeof err),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(nref, 1);
	assert_int_equal(cps[0].index, 20);
	near(cps[0].mean_before, 101 - 1.0 / 20, 1e-9, "mean before the jump");
	assert_true(isfinite(cps[0].mean_after) && cps[0].mean_after > 9.9e307);
	assert_true(cps[0].p_value == ref[0].p_value);
	assert_true(cps[0].change_pct == ref[0].change_pct);
	pfg_stats_change_points_free(cps);
	pfg_stats_change_points_free(ref);
	assert_int_equal(pfg_stats_edivisive(x, 40, 0.01, &cps, &n, err, sizeof err), 0);
	assert_true(n >= 1 && cps[0].index == 20);
	pfg_stats_change_points_free(cps);
	/* The split test on both signs of the largest doubles. */
	const double lr[] = { -1.7e308, 1.7e308, -1.6e308, 1.6e308, 1e308, 1.1e308 };
	struct pfg_stats_change_point cp = { 0 };
	pfg_stats_cp_test(lr, 4, lr + 4, 2, &cp);
	assert_true(cp.p_value >= 0 && cp.p_value <= 1 && isfinite(cp.mean_before) &&
		    isfinite(cp.stddev_before) && isfinite(cp.mean_after));
}

/* A million values a side: the ranks and the df stay exact enough. */
static void test_compare_huge_n(void **state)
{
	(void)state;
	enum { N = 1000000 };
	double *b = malloc(N * sizeof *b), *c = malloc(N * sizeof *c);
	assert_non_null(b);
	assert_non_null(c);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 42);
	for (size_t i = 0; i < N; i++) {
		b[i] = 100 + gsl_ran_gaussian(rng, 1);
		c[i] = 110 + gsl_ran_gaussian(rng, 1);
	}
	struct pfg_stats_compare_result r;
	char err[PFG_ERR_MAX];
	for (int t = PFG_TEST_YUEN; t <= PFG_TEST_MWU; t++) {
		assert_int_equal(try_compare(b, N, c, N, t, &r, err), 0);
		assert_finite_result(&r);
		assert_int_equal(r.verdict, PFG_VERDICT_REGRESSION);
		near(r.change_pct, 10, 0.01, "change of a million values");
	}
	/* The same, 1e300 times larger: the variance overflows. */
	for (size_t i = 0; i < N; i++)
		c[i] *= 1e300;
	assert_int_equal(try_compare(b, N, c, N, PFG_TEST_WELCH, &r, err), PFG_EINPUT);
	assert_non_null(strstr(err, "values too large to compare"));
	gsl_rng_free(rng);
	free(b);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary_matches_numpy),
		cmocka_unit_test(test_yuen_matches_scipy),
		cmocka_unit_test(test_welch_matches_scipy),
		cmocka_unit_test(test_mwu_matches_scipy),
		cmocka_unit_test(test_fisher_matches_scipy),
		cmocka_unit_test(test_trend_matches_scipy),
		cmocka_unit_test(test_outliers),
		cmocka_unit_test(test_compare_edge_cases),
		cmocka_unit_test(test_severity_and_verdict),
		cmocka_unit_test(test_otava_detector_sequence),
		cmocka_unit_test(test_otava_single_series),
		cmocka_unit_test(test_otava_significance_tester),
		cmocka_unit_test(test_change_points_edge_cases),
		cmocka_unit_test(test_aa_false_regressions),
		cmocka_unit_test(test_interval_coverage),
		cmocka_unit_test(test_power_seven_percent),
		cmocka_unit_test(test_change_point_recall_precision),
		cmocka_unit_test(test_compare_values_too_large),
		cmocka_unit_test(test_compare_non_finite),
		cmocka_unit_test(test_huge_values_elsewhere),
		cmocka_unit_test(test_compare_huge_n),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
