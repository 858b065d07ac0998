/* fisher.c: Fisher's exact test on failed/total counts. */
#include "perfguard/stats.h"
#include "perfguard/util.h"
#include "stats_int.h"

#include <gsl/gsl_randist.h>
#include <math.h>

int pfg_stats_fisher_exact(unsigned long failed_base, unsigned long total_base,
			   unsigned long failed_cur, unsigned long total_cur,
			   double *p_value, char *err, size_t errlen)
{
	pfg_stats_gsl_init();
	if (failed_base > total_base || failed_cur > total_cur)
		return pfg_error(err, errlen, PFG_EINPUT,
				 "failed runs (%lu, %lu) cannot exceed total runs (%lu, %lu)",
				 failed_base, failed_cur, total_base, total_cur);
	if (total_base > 1000000000UL || total_cur > 1000000000UL)
		return pfg_error(err, errlen, PFG_EINPUT,
				 "Fisher's exact test takes at most 1e9 runs a side");
	unsigned long failed = failed_base + failed_cur;
	unsigned long ok = total_base + total_cur - failed;
	if (total_base == 0 || total_cur == 0 || failed == 0 || ok == 0) {
		*p_value = 1.0; /* a margin of 0: nothing to test (as scipy) */
		return PFG_OK;
	}
	/* The first row's failures given the margins are hypergeometric; sum
	 * the probabilities of every table no more likely than the observed
	 * one (with a relative tolerance for rounding). */
	unsigned k1 = (unsigned)total_base, k2 = (unsigned)total_cur, t = (unsigned)failed;
	unsigned lo = t > k2 ? t - k2 : 0, hi = t < k1 ? t : k1;
	double pobs = gsl_ran_hypergeometric_pdf((unsigned)failed_base, k1, k2, t);
	double limit = pobs * (1 + 1e-7), p = 0;
	for (unsigned x = lo; x <= hi; x++) {
		double px = gsl_ran_hypergeometric_pdf(x, k1, k2, t);
		if (px <= limit)
			p += px;
	}
	if (!(p >= 0)) /* NaN: a GSL error, its handler being off */
		return pfg_error(err, errlen, PFG_EINPUT,
				 "Fisher's exact test failed on %lu/%lu against %lu/%lu "
				 "failed runs", failed_base, total_base, failed_cur, total_cur);
	*p_value = fmin(1.0, p);
	return PFG_OK;
}
