/* stats_int.h: helpers shared by the files of src/stats/, not exported
 * beyond the module. */
#ifndef PERFGUARD_STATS_INT_H
#define PERFGUARD_STATS_INT_H

#include <stddef.h>

/* A sorted copy of x[0..n); caller frees. */
double *pfg_stats_sorted_copy(const double *x, size_t n);

/* Median absolute deviation of sorted[0..n) around its median (unscaled). */
double pfg_stats_mad_sorted(const double *sorted, size_t n);

#endif
