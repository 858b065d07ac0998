/* stats.h: the statistics engine. Pure functions over arrays of doubles,
 * backed by GSL; no I/O, no globals, safe to call from any thread.
 *
 * Conventions shared by every function here:
 *  - Input arrays are never modified; a function that needs a sorted copy
 *    makes one.
 *  - A function that can reject its input (too few values, NaN, infinity,
 *    a baseline of zero) returns PFG_EINPUT (util.h) and writes a sentence
 *    a user can act on into err (err may be NULL). It returns 0 otherwise.
 *  - No result field is ever NaN: every edge case (all values equal, zero
 *    variance, a mean of zero) has a defined value, documented where the
 *    field is declared.
 *  - Quantiles (median, p95, quartiles, IQR) use linear interpolation
 *    between order statistics: R's type 7, numpy's default, GSL's
 *    gsl_stats_quantile_from_sorted_data. q(p) = x[h] + (h - floor h) *
 *    (x[h+1] - x[h]) with h = (n - 1) * p on the sorted values.
 */
#ifndef PERFGUARD_STATS_H
#define PERFGUARD_STATS_H

#include <stddef.h>

/* ---- Descriptive statistics -------------------------------------------- */

/* A descriptive summary of one sample. */
struct pfg_stats_summary {
	size_t n;      /* number of values */
	double mean;   /* arithmetic mean */
	double median; /* type 7 quantile at 0.5 (the usual median) */
	double stddev; /* sample standard deviation, divisor n - 1; 0 when n == 1 */
	double min, max;
	double p95;    /* type 7 quantile at 0.95 */
	double q1, q3; /* type 7 quantiles at 0.25 and 0.75 */
	double iqr;    /* q3 - q1 */
	double mad;    /* median absolute deviation from the median, unscaled
	                * (scipy median_abs_deviation with scale=1) */
	double cv;     /* coefficient of variation, stddev / |mean| as a fraction
	                * (0.02 is 2%); 0 when the mean is 0 */
};

/* Check that x holds at least min_n values, all finite. what names the
 * sample in the message ("the baseline"). Returns 0 or PFG_EINPUT. */
int pfg_stats_check(const double *x, size_t n, size_t min_n, const char *what,
		    char *err, size_t errlen);

/* Summarise x[0..n). Needs n >= 1 and finite values. */
int pfg_stats_summarize(const double *x, size_t n, struct pfg_stats_summary *out,
			char *err, size_t errlen);

/* The type 7 quantile at p (0..1) of sorted[0..n), n >= 1. */
double pfg_stats_quantile_sorted(const double *sorted, size_t n, double p);

/* ---- Outliers ---------------------------------------------------------- */

enum pfg_stats_outliers {
	PFG_OUTLIERS_NONE = 0, /* detect nothing */
	PFG_OUTLIERS_IQR,      /* Tukey fences: below q1 - 1.5 IQR or above q3 + 1.5 IQR */
	PFG_OUTLIERS_MAD,      /* modified z-score 0.6745 |x - median| / MAD above 3.5
	                        * (Iglewicz & Hoaglin); when MAD is 0 the mean absolute
	                        * deviation times 1.253314 stands in for MAD / 0.6745;
	                        * when both are 0 nothing is an outlier */
};

/* "none", "iqr", "mad". */
const char *pfg_stats_outliers_name(enum pfg_stats_outliers m);

/* Parse a method name; returns 0, or -1 when s names none. */
int pfg_stats_outliers_parse(const char *s, enum pfg_stats_outliers *m);

/* Flag outliers of x[0..n) by method: mask[i] (n bytes, may be NULL) is set
 * to 1 for an outlier and 0 otherwise; *count (may be NULL) gets their
 * number. Needs n >= 1 and finite values. */
int pfg_stats_outliers_detect(const double *x, size_t n, enum pfg_stats_outliers m,
			      unsigned char *mask, size_t *count, char *err, size_t errlen);

/* ---- Comparison of two samples ----------------------------------------- */

enum pfg_stats_test {
	PFG_TEST_YUEN = 0, /* Yuen's trimmed-mean test (Welch-type df): compares
	                    * trimmed means; p-value as scipy.stats.ttest_ind(cur,
	                    * base, equal_var=False, trim=0.2) */
	PFG_TEST_WELCH,    /* Welch's t-test: compares means; scipy ttest_ind(cur,
	                    * base, equal_var=False) */
	PFG_TEST_MWU,      /* Mann-Whitney U, normal approximation with tie and
	                    * continuity correction: compares medians; scipy
	                    * mannwhitneyu(cur, base, method='asymptotic') */
};

/* Which way is better for the metric. */
enum pfg_stats_direction {
	PFG_LOWER_IS_BETTER = 0, /* latency, memory: an increase is a regression */
	PFG_HIGHER_IS_BETTER,    /* throughput: a decrease is a regression */
};

/* Severity of a regression, from the thresholds (percent). */
enum pfg_stats_severity {
	PFG_SEVERITY_NONE = 0,
	PFG_SEVERITY_MINOR,
	PFG_SEVERITY_MODERATE,
	PFG_SEVERITY_MAJOR,
	PFG_SEVERITY_CRITICAL,
};

enum pfg_stats_verdict {
	PFG_VERDICT_NO_CHANGE = 0, /* not significant and precise enough, or a
	                            * significant change below the minor threshold */
	PFG_VERDICT_REGRESSION,    /* significant, worse by at least the minor threshold */
	PFG_VERDICT_IMPROVEMENT,   /* significant, better by at least the minor threshold */
	PFG_VERDICT_INCONCLUSIVE,  /* not significant, but the minimum detectable
	                            * effect exceeds the minor threshold: the data are
	                            * too noisy to have seen a minor change */
};

/* Names: "yuen"/"welch"/"mwu", "lower"/"higher",
 * "none"/"minor"/"moderate"/"major"/"critical",
 * "no_change"/"regression"/"improvement"/"inconclusive". */
const char *pfg_stats_test_name(enum pfg_stats_test t);
const char *pfg_stats_direction_name(enum pfg_stats_direction d);
const char *pfg_stats_severity_name(enum pfg_stats_severity s);
const char *pfg_stats_verdict_name(enum pfg_stats_verdict v);

/* Parse the names above; each returns 0, or -1 when s names none. */
int pfg_stats_test_parse(const char *s, enum pfg_stats_test *t);
int pfg_stats_direction_parse(const char *s, enum pfg_stats_direction *d);
int pfg_stats_severity_parse(const char *s, enum pfg_stats_severity *sev);

/* Options of a comparison. pfg_stats_compare_opts_init() sets the defaults
 * noted here. */
struct pfg_stats_compare_opts {
	enum pfg_stats_test test;         /* PFG_TEST_YUEN */
	double alpha;                     /* significance level, 0.05 */
	double confidence;                /* level of the interval, 0.95 */
	enum pfg_stats_outliers outliers; /* removal before the test: NONE. Detection
	                                   * always runs (IQR unless MAD is asked). */
	enum pfg_stats_direction direction; /* PFG_LOWER_IS_BETTER */
	double thresholds[4];             /* minor, moderate, major, critical:
	                                   * 5, 10, 20, 50 (percent, increasing) */
	double trim;                      /* Yuen's trimming per tail, 0.2 */
	unsigned bootstrap;               /* MWU interval resamples, 2000 */
	unsigned long seed;               /* MWU bootstrap seed (mt19937), 1 */
};

/* Fill o with the defaults. */
void pfg_stats_compare_opts_init(struct pfg_stats_compare_opts *o);

/* Everything a comparison found; the fields of `perfguard compare --json`.
 * Every n, mean, median and stddev is of the samples the test used, that is
 * after any outlier removal. Percentages are relative to |estimate_base|. */
struct pfg_stats_compare_result {
	enum pfg_stats_test test;
	size_t n_base, n_current;               /* values the test used */
	size_t outliers_base, outliers_current; /* detected (always) */
	size_t outliers_removed_base, outliers_removed_current; /* removed */
	double estimate_base, estimate_current; /* what the test compares: trimmed
	                                         * mean (yuen), mean (welch),
	                                         * median (mwu) */
	double mean_base, mean_current;
	double median_base, median_current;
	double stddev_base, stddev_current;     /* n - 1 divisor */
	double change_pct;   /* 100 (estimate_current - estimate_base) / |estimate_base| */
	double ci_low_pct, ci_high_pct; /* interval of change_pct at `confidence`;
	                                 * [change, change] when both samples are
	                                 * constant */
	double statistic;    /* t (yuen, welch) or z (mwu); 0 when undefined */
	double df;           /* degrees of freedom (yuen, welch); 0 for mwu or
	                      * when both samples are constant */
	double p_value;      /* two-sided; 1 when both samples are constant and
	                      * equal, 0 when both are constant and differ */
	double alpha, confidence;
	int significant;     /* p_value < alpha */
	double worse_pct;    /* change_pct signed so that positive is worse for
	                      * the direction */
	enum pfg_stats_severity severity; /* of a regression; NONE otherwise */
	enum pfg_stats_direction direction;
	enum pfg_stats_verdict verdict;
	double mde_pct;      /* minimum detectable effect: see pfg_stats_mde() */
};

/* Compare current against baseline. Rejects (PFG_EINPUT): fewer than 2
 * values on a side (after outlier removal), NaN or infinity, a baseline
 * estimate of 0 (a change in percent is undefined), bad options. */
int pfg_stats_compare(const double *base, size_t n_base, const double *cur,
		      size_t n_cur, const struct pfg_stats_compare_opts *o,
		      struct pfg_stats_compare_result *r, char *err, size_t errlen);

/* The severity of a change worse_pct (positive = worse) against
 * thresholds[4] (minor, moderate, major, critical). */
enum pfg_stats_severity pfg_stats_severity_of(double worse_pct, const double thresholds[4]);

/* The verdict for a comparison: see enum pfg_stats_verdict. */
enum pfg_stats_verdict pfg_stats_verdict_of(int significant, double worse_pct,
					    double mde_pct, double minor_pct);

/* Minimum detectable effect, in percent of |location|: the smallest change
 * that a two-sided test at alpha detects with probability power, when both
 * samples have the baseline's noise:
 *   100 (t(1 - alpha/2, df) + t(power, df)) * sd * sqrt(1/n_base + 1/n_cur)
 *   / |location|.
 * sd is the noise scale of the estimate: the stddev for welch; for yuen
 * sqrt(n_base d_base), d_base being the squared standard error of the
 * baseline's trimmed mean (about the winsorized stddev / (1 - 2 trim));
 * for mwu a robust stddev (1.4826 MAD, or the stddev when MAD is 0) times
 * sqrt(pi/3), the normal-theory efficiency of the rank test. df <= 0 uses normal quantiles. Returns 0 when sd is 0, and
 * HUGE_VAL when location is 0. */
double pfg_stats_mde(double sd, double location, size_t n_base, size_t n_cur,
		     double df, double alpha, double power);

/* Fisher's exact test, two-sided, on the 2x2 table
 *   [[failed_base, total_base - failed_base],
 *    [failed_cur,  total_cur  - failed_cur ]],
 * equal to scipy.stats.fisher_exact. Rejects failed > total. */
int pfg_stats_fisher_exact(unsigned long failed_base, unsigned long total_base,
			   unsigned long failed_cur, unsigned long total_cur,
			   double *p_value, char *err, size_t errlen);

/* ---- Trend ------------------------------------------------------------- */

/* Least squares line y = intercept + slope x, as scipy.stats.linregress. */
struct pfg_stats_trend {
	size_t n;
	double slope, intercept;
	double r;             /* correlation; 0 when y is constant */
	double r2;            /* r * r */
	double slope_stderr;  /* 0 when n == 2 */
	double slope_p_value; /* two-sided, H0: slope = 0; 1 when y is constant;
	                       * with n == 2, 0 unless y[0] == y[1] */
};

/* Fit y against x (x NULL: 0, 1, ..., n-1). Needs n >= 2, finite values,
 * and x not all equal. */
int pfg_stats_trend_fit(const double *x, const double *y, size_t n,
			struct pfg_stats_trend *out, char *err, size_t errlen);

/* ---- Change points (e-divisive means, as Apache Otava) ----------------- */

/* Options of pfg_stats_change_points(); _init sets the defaults. */
struct pfg_stats_cp_opts {
	size_t window;        /* points per window of the split step, 50 (>= 2) */
	double max_pvalue;    /* final significance, 0.001 */
	double min_magnitude; /* a point whose p-value passes is still dropped
	                       * when its relative change is at most this, 0.05 */
};

void pfg_stats_cp_opts_init(struct pfg_stats_cp_opts *o);

/* One change point: index is the first value of the new segment. Before and
 * after are the segments between its neighbouring change points. */
struct pfg_stats_change_point {
	size_t index;
	double mean_before, mean_after;
	double stddev_before, stddev_after; /* divisor n, as Otava */
	double change_pct; /* 100 (mean_after / mean_before - 1); 0 when
	                    * mean_before is 0 (as Otava) */
	double magnitude;  /* max(|after/before - 1|, |before/after - 1|), a
	                    * term being 0 when its divisor is 0 */
	double p_value;    /* Student t-test, pooled variance, between the two
	                    * segments; 1 when they hold 2 values or fewer, or
	                    * when both are constant and equal */
	double qhat;       /* the divergence Q that proposed the point */
};

/* Otava's two-sided test between two sides of a split: fills mean, stddev
 * (divisor n), magnitude, change_pct and p_value of cp (index and qhat
 * untouched). Needs nl, nr >= 1. */
void pfg_stats_cp_test(const double *left, size_t nl, const double *right, size_t nr,
		       struct pfg_stats_change_point *cp);

/* E-divisive detection over all of x (Otava's ChangePointDetector with its
 * t-test): repeatedly take the candidate of largest Q over the intervals
 * between points found so far, accept it when p <= max_pvalue, stop at the
 * first rejection. *out (sorted by index, caller frees with
 * pfg_stats_change_points_free) may be NULL when *count is 0. */
int pfg_stats_edivisive(const double *x, size_t n, double max_pvalue,
			struct pfg_stats_change_point **out, size_t *count,
			char *err, size_t errlen);

/* Otava's compute_change_points: split x into windows, detect weak change
 * points with a looser threshold, then merge them down to those that pass
 * max_pvalue and min_magnitude. Statistics reported are those of the final
 * points between their final neighbours. Needs finite values (any n; fewer
 * than 3 values have no change point). Output as pfg_stats_edivisive(). */
int pfg_stats_change_points(const double *x, size_t n, const struct pfg_stats_cp_opts *o,
			    struct pfg_stats_change_point **out, size_t *count,
			    char *err, size_t errlen);

/* Free what pfg_stats_change_points() or pfg_stats_edivisive() returned. */
void pfg_stats_change_points_free(struct pfg_stats_change_point *cps);

#endif
