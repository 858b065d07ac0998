/* drift.c: drift and sustained shifts as two one-sided CUSUM charts on the
 * run means since the baseline, standardized by the baseline's between-run
 * noise, each run winsorized.
 *
 * Why a CUSUM and not Mann-Kendall over a window: the question a drift alert
 * answers is "has the level moved away from the baseline, for long enough
 * to be more than noise", and the CUSUM is the sequential test built for
 * it (Page 1954; Lorden 1971: it minimises the worst detection delay for a
 * given in-control average run length, ARL). It is tested on every run by
 * construction, so its false-alarm rate over a history is set by one number,
 * h, instead of growing with the number of overlapping windows tested; it
 * accumulates the evidence of a step as well as of a creep (a rank trend
 * test over a 20-run window needs many runs after a step); and its excursion (the runs since the chart last
 * stood at 0) is an estimate of when the change began, which gives the
 * accumulated change and a real interval for it. Mann-Kendall with the
 * Hamed-Rao correction estimates autocorrelation from the window itself,
 * and on 20 runs of AR(1) 0.5 noise that estimate is noisy and biased low
 * (not measured here: Mann-Kendall was not implemented).
 *
 * Autocorrelation and the baseline's own error both raise a CUSUM's false
 * alarms. k 1.5 and h 9 are calibrated by simulation (test_noise.c, 10
 * baseline runs, CV 3%): with independent noise 1.0% of unchanged
 * benchmarks alarm in 100 runs (any alert or proposal), a 0.5%/run creep
 * is caught by run 40 in all, a 10% step within 5 runs in 59%. Under AR(1)
 * 0.5 the same defaults alarm on 11%: the error of a 10-run baseline
 * (sd 1.5% instead of 0.95%) is shared by every later test, and no choice
 * of k and h met both the false-alarm and the step targets there. When the
 * history's rho is known (ref.rho) the runs are standardized by the
 * long-run sd. Robustness: each standardized run is clipped to
 * [-clip, clip]
 * (Lucas and Crosier 1982), so a single wild run adds at most clip - k. */
#include "perfguard/stats.h"
#include "stats_int.h"
#include "perfguard/util.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

void pfg_stats_cusum_opts_init(struct pfg_stats_cusum_opts *o)
{
	o->k = 1.5;
	o->h = 9.0;
	o->h_better = 18.0;
	o->clip = 4.0;
}

void pfg_stats_cusum_step(struct pfg_stats_cusum *s, double z, double rel, double k)
{
	s->worse = fmax(0.0, s->worse + z - k);
	if (s->worse > 0) {
		s->n_worse++;
		s->sum_worse += rel;
	} else {
		s->n_worse = 0;
		s->sum_worse = 0;
	}
	s->better = fmax(0.0, s->better - z - k);
	if (s->better > 0) {
		s->n_better++;
		s->sum_better += rel;
	} else {
		s->n_better = 0;
		s->sum_better = 0;
	}
}

void pfg_stats_cusum_update(struct pfg_stats_cusum *s, const struct pfg_stats_cusum_ref *ref,
			    const struct pfg_stats_cusum_opts *o, double y)
{
	double level = fabs(ref->level), rel = (y - ref->level) / level;
	double lr = (1 + ref->rho) / (1 - ref->rho);
	double sd = ref->sd_run * sqrt(lr + pfg_stats_ar1_inflation(ref->rho, ref->k) /
				       (double)ref->k);
	double z = (y - ref->level) / sd;
	if (ref->direction == PFG_HIGHER_IS_BETTER)
		z = -z, rel = -rel;
	z = fmax(-o->clip, fmin(o->clip, z));
	s->n++;
	pfg_stats_cusum_step(s, z, rel, o->k);
}

/* Check ref and confidence; returns 0 or PFG_EINPUT. */
static int check_ref(const struct pfg_stats_cusum_ref *ref, double confidence, char *err,
		     size_t errlen)
{
	if (!isfinite(ref->level) || ref->level == 0)
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the baseline level must be finite and not 0, got %g", ref->level);
	if (!(isfinite(ref->sd_run) && ref->sd_run > 0))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the between-run noise must be finite and above 0, got %g",
				 ref->sd_run);
	if (!(ref->rho >= 0 && ref->rho < 1))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the autocorrelation must lie in [0, 1), got %g", ref->rho);
	if (ref->k == 0 || !(ref->df > 0))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the baseline needs at least 1 run and its noise df > 0 "
				 "(got %zu runs, %g df)", ref->k, ref->df);
	if ((unsigned)ref->direction > PFG_HIGHER_IS_BETTER)
		return pfg_error(err, errlen, PFG_EINPUT, "unknown direction %d",
				 (int)ref->direction);
	if (!(confidence > 0 && confidence < 1))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "confidence must lie strictly between 0 and 1, got %g",
				 confidence);
	return PFG_OK;
}

/* The accumulated change of an excursion of runs runs whose relative
 * changes (signed so that worse is positive) sum to sum: change and
 * interval in percent, in the metric's own sign. */
static void excursion(size_t runs, double sum, const struct pfg_stats_cusum_ref *ref,
		      double confidence, double *change, double *lo, double *hi)
{
	*change = *lo = *hi = 0;
	if (runs == 0)
		return;
	double sign = ref->direction == PFG_HIGHER_IS_BETTER ? -1.0 : 1.0;
	double mean = 100 * sum / (double)runs;
	double se = 100 * ref->sd_run / fabs(ref->level) *
		    sqrt(pfg_stats_ar1_inflation(ref->rho, runs) / (double)runs +
			 pfg_stats_ar1_inflation(ref->rho, ref->k) / (double)ref->k);
	double q = gsl_cdf_tdist_Qinv((1 - confidence) / 2, ref->df);
	*change = sign * mean;
	*lo = sign * mean - q * se;
	*hi = sign * mean + q * se;
}

int pfg_stats_cusum_read(const struct pfg_stats_cusum *s, const struct pfg_stats_cusum_ref *ref,
			 const struct pfg_stats_cusum_opts *o, double confidence,
			 const double thresholds[4], struct pfg_stats_drift *out,
			 char *err, size_t errlen)
{
	int rc = check_ref(ref, confidence, err, errlen);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	out->alarm = s->worse > o->h;
	out->improved = s->better > o->h_better;
	out->statistic = s->worse;
	out->runs = s->n_worse;
	excursion(s->n_worse, s->sum_worse, ref, confidence, &out->change_pct,
		  &out->ci_low_pct, &out->ci_high_pct);
	out->better_runs = s->n_better;
	excursion(s->n_better, s->sum_better, ref, confidence, &out->better_change_pct,
		  &out->better_ci_low_pct, &out->better_ci_high_pct);
	out->worse_pct = ref->direction == PFG_HIGHER_IS_BETTER ? -out->change_pct :
								  out->change_pct;
	out->severity = out->alarm ? pfg_stats_severity_of(out->worse_pct, thresholds) :
				     PFG_SEVERITY_NONE;
	return PFG_OK;
}

int pfg_stats_drift_cusum(const double *means, size_t n, const struct pfg_stats_cusum_ref *ref,
			  const struct pfg_stats_cusum_opts *o, double confidence,
			  const double thresholds[4], struct pfg_stats_drift *out,
			  char *err, size_t errlen)
{
	int rc = check_ref(ref, confidence, err, errlen);
	if (!rc)
		rc = pfg_stats_check(means, n, 0, "the run means", err, errlen);
	if (rc)
		return rc;
	struct pfg_stats_cusum s;
	memset(&s, 0, sizeof s);
	for (size_t i = 0; i < n; i++)
		pfg_stats_cusum_update(&s, ref, o, means[i]);
	return pfg_stats_cusum_read(&s, ref, o, confidence, thresholds, out, err, errlen);
}
