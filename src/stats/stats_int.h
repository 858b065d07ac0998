/* stats_int.h: helpers shared by the files of src/stats/, not exported
 * beyond the module. */
#ifndef PERFGUARD_STATS_INT_H
#define PERFGUARD_STATS_INT_H

#include <stddef.h>

/* Turn GSL's abort-on-error handler off, once for the process and safe
 * from any thread (pthread_once). Every exported stats function that calls
 * GSL calls this first: GSL then returns error codes or NaN, which the
 * callers check, instead of aborting the program. */
void pfg_stats_gsl_init(void);

/* The largest |x[i]| of x[0..n), 0 when n is 0. */
double pfg_stats_max_abs(const double *x, size_t n);

/* A sorted copy of x[0..n); caller frees. */
double *pfg_stats_sorted_copy(const double *x, size_t n);

/* Median absolute deviation of sorted[0..n) around its median (unscaled),
 * in O(n). */
double pfg_stats_mad_sorted(const double *sorted, size_t n);

struct pfg_stats_summary;

/* Fill out from sorted[0..n) (n >= 1, finite). */
void pfg_stats_summarize_sorted(const double *sorted, size_t n,
				struct pfg_stats_summary *out);

/* The fences of method m for sorted[0..n): a value below *lo or above *hi
 * is an outlier (infinite fences for PFG_OUTLIERS_NONE). */
void pfg_stats_fences_sorted(const double *sorted, size_t n, int m, double *lo, double *hi);

/* Check the options every comparison shares: alpha and confidence in
 * (0, 1), a known direction, 4 increasing non-negative thresholds.
 * Returns 0 or PFG_EINPUT with err saying which. */
int pfg_stats_check_judgement(double alpha, double confidence, enum pfg_direction direction,
			      const double thresholds[4], char *err, size_t errlen);

struct pfg_stats_cusum;

/* One step of the two one-sided CUSUMs on the clipped, direction-signed
 * score z with allowance k; rel (the run's change, a fraction) is summed
 * over each chart's current excursion. Shared by drift.c and chart.c. */
void pfg_stats_cusum_step(struct pfg_stats_cusum *s, double z, double rel, double k);

#endif
