/* chart.c: the history chart (issue 17). Each run mean is predicted from
 * the reference level and the run before it by an AR(1) model, and the
 * prediction errors (innovations) are charted: two one-sided CUSUMs (worse:
 * a shift alert; better: a sustained improvement, propose a baseline) and a
 * single-run (Shewhart) limit. The reference is the approved baseline's
 * runs plus the runs since it that are older than absorb_lag (the history
 * under "nothing changed", growing with it). The level, the between-run sd
 * and rho are re-estimated from the reference at every run, and each
 * innovation is standardized by its full prediction sd (innovation, level
 * error and rho error) and mapped through its t distribution to a normal
 * score, as in Hawkins' self-starting CUSUM, so the in-control behaviour
 * does not depend on how many runs the reference holds.
 *
 * References: Page, "Continuous inspection schemes" (1954); Hawkins,
 * "Self-starting CUSUM charts for location and scale" (1987); Lu and
 * Reynolds, "EWMA control charts for monitoring the mean of autocorrelated
 * processes" (1999) and Montgomery, "Introduction to Statistical Quality
 * Control", ch. 10, for residual charts; Lucas and Crosier, "Robust CUSUM"
 * (1982) for clipping; Siegmund (1985) for the in-control run length. The
 * defaults and their measured figures: see stats.h and test_noise.c. */
#include "perfguard/stats.h"
#include "stats_int.h"
#include "perfguard/util.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

void pfg_stats_chart_opts_init(struct pfg_stats_chart_opts *o)
{
	o->k = 0.75;
	o->h = 6.5;
	o->h_better = 8.5;
	o->shewhart = 0;
	o->clip = 4.0;
	o->absorb_lag = 10;
	o->rho_min = 0.5;
	o->rho_max = 0.6;
	o->df_per_run = 1.0;
	o->step_window = 6;
	o->step_limit = 4.3;
}

/* Validate the options; returns 0 or PFG_EINPUT. */
static int check_opts(const struct pfg_stats_chart_opts *o, char *err, size_t errlen)
{
	if (!(o->k >= 0 && o->h > 0 && o->h_better > 0 && o->clip > 0 && o->shewhart >= 0 &&
	      isfinite(o->k + o->h + o->h_better + o->clip + o->shewhart)))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the chart needs k >= 0, h > 0, h_better > 0, clip > 0 and "
				 "shewhart >= 0, all finite");
	if (!(o->rho_min >= 0 && o->rho_min <= o->rho_max && o->rho_max < 1))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the chart needs 0 <= rho_min <= rho_max < 1, got %g and %g",
				 o->rho_min, o->rho_max);
	if (!(o->df_per_run > 0 && isfinite(o->df_per_run)))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the chart needs df_per_run > 0, got %g", o->df_per_run);
	if (o->step_window > PFG_STATS_STEP_MAX || !(o->step_limit > 0 && isfinite(o->step_limit)))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the step scan needs a window of at most %d runs and a limit > 0, "
				 "got %zu and %g", PFG_STATS_STEP_MAX, o->step_window, o->step_limit);
	return PFG_OK;
}

int pfg_stats_chart_init(struct pfg_stats_chart *s, const double *y, size_t baseline_runs,
			 enum pfg_direction direction, char *err, size_t errlen)
{
	if (baseline_runs < 3)
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the history chart needs a baseline of at least 3 runs, got %zu",
				 baseline_runs);
	int rc = pfg_stats_check(y, baseline_runs, 3, "the baseline runs", err, errlen);
	if (rc)
		return rc;
	if ((unsigned)direction > PFG_HIGHER_IS_BETTER)
		return pfg_error(err, errlen, PFG_EINPUT, "unknown direction %d", (int)direction);
	memset(s, 0, sizeof *s);
	s->direction = direction;
	s->k_base = baseline_runs;
	for (size_t i = 0; i < baseline_runs; i++)
		s->base_level += y[i] / (double)baseline_runs;
	if (s->base_level == 0)
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the baseline's mean run is 0, so a change in percent is undefined");
	s->n = baseline_runs;
	return PFG_OK;
}

/* Add y[i] (relative to the baseline level) to the reference sums. */
static void absorb(struct pfg_stats_chart *s, const double *y, size_t i)
{
	double b = s->base_level, v = y[i] / b - 1;
	s->s1 += v;
	s->s2 += v * v;
	if (i >= 1) {
		double u = y[i - 1] / b - 1;
		s->p_cur += v;
		s->p_prev += u;
		s->p_cur2 += v * v;
		s->p_prev2 += u * u;
		s->p_cross += u * v;
		s->np++;
		s->ssd1 += (v - u) * (v - u);
		s->nd1++;
	}
	if (i >= 2) {
		double w = y[i - 2] / b - 1;
		s->ssd2 += (v - w) * (v - w);
		s->nd2++;
	}
	s->n_ref = i + 1;
}

/* The AR(1) inflation of the variance of a mean of n runs (pfg_stats_ar1_
 * inflation, in closed form so that long references stay cheap). */
static double inflation(double rho, double n)
{
	if (rho <= 0)
		return 1;
	double rn = pow(rho, n);
	return (1 + rho) / (1 - rho) - 2 * rho * (1 - rn) / (n * (1 - rho) * (1 - rho));
}

/* The reference's estimates: level (relative), rho, sd of a run, sd of an
 * innovation and the df of the latter. */
static void estimates(const struct pfg_stats_chart *s, const struct pfg_stats_chart_opts *o,
		      double *level, double *rho, double *sd, double *sd_e, double *df)
{
	double r = (double)s->n_ref, np = (double)s->np, m = s->s1 / r;
	double c0 = s->s2 / r - m * m;
	/* sum over pairs of (y_i - m)(y_{i-1} - m), (y_i - m)^2, (y_{i-1} - m)^2 */
	double cross = s->p_cross - m * (s->p_cur + s->p_prev) + np * m * m;
	double cur2 = s->p_cur2 - 2 * m * s->p_cur + np * m * m;
	double prev2 = s->p_prev2 - 2 * m * s->p_prev + np * m * m;
	/* E d1^2 = 2 sigma^2 (1 - rho), E d2^2 = 2 sigma^2 (1 - rho^2) for the
	 * lag-1 and lag-2 differences, so rho = m2 / m1 - 1: a creep adds
	 * little to either (the lag-1 autocorrelation does not have this
	 * robustness and was worse in the simulation). */
	double m1 = s->ssd1 / (double)s->nd1, m2 = s->ssd2 / (double)s->nd2;
	double rh = m1 > 0 ? m2 / m1 - 1 : 0;
	rh = fmax(o->rho_min, fmin(o->rho_max, rh));
	*level = m;
	*rho = rh;
	*sd = sqrt(fmax(0.0, c0 * r / (r - 1)));
	/* The prediction errors of the reference itself at this rho: right
	 * even when rho is clamped away from the truth. */
	double sse = cur2 - 2 * rh * cross + rh * rh * prev2;
	*sd_e = sqrt(fmax(0.0, sse / fmax(1.0, np - 1)));
	*df = fmax(1.0, o->df_per_run * (np - 1));
}

/* The step scan: remember the run's clipped score z and change rel, then
 * find the step among the last step_window runs that the scores tell most.
 * Under AR(1) a lasting step of d innovation sds moves the first score after
 * it by d and every later one by (1 - rho) d (the prediction follows the
 * run before), which a CUSUM with one reference value k matches badly; the
 * scan is the likelihood ratio of that profile (a matched filter) for each
 * start j runs back, (z_j + (1 - rho) sum of the j newer) / sqrt(1 + j
 * (1 - rho)^2), N(0, 1) under no change. */
static void step_scan(struct pfg_stats_chart *s, const struct pfg_stats_chart_opts *o,
		      double z, double rel, double rho)
{
	size_t at = s->recent_n % PFG_STATS_STEP_MAX;
	s->recent_z[at] = z;
	s->recent_rel[at] = rel;
	s->recent_n++;
	s->step_stat = 0;
	s->step_runs = 0;
	s->step_sum = 0;
	size_t w = o->step_window < s->recent_n ? o->step_window : s->recent_n;
	double later = 0, sum = 0, c = 1 - rho;
	for (size_t j = 0; j < w; j++) {
		size_t i = (s->recent_n - 1 - j) % PFG_STATS_STEP_MAX;
		sum += s->recent_rel[i];
		double stat = (s->recent_z[i] + c * later) / sqrt(1 + (double)j * c * c);
		later += s->recent_z[i];
		if (j == 0 || stat > s->step_stat) {
			s->step_stat = stat;
			s->step_runs = j + 1;
			s->step_sum = sum;
		}
	}
}

int pfg_stats_chart_update(struct pfg_stats_chart *s, const double *y, size_t n,
			   const struct pfg_stats_chart_opts *o, char *err, size_t errlen)
{
	int rc = check_opts(o, err, errlen);
	if (rc)
		return rc;
	if (n != s->n + 1 || !isfinite(y[n - 1]))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the chart has seen %zu runs: pass %zu finite run means, got %zu",
				 s->n, s->n + 1, n);
	size_t t = n - 1;
	/* The reference: the baseline, then everything older than absorb_lag. */
	size_t want = s->k_base;
	if (o->absorb_lag && t + 1 > o->absorb_lag + s->k_base)
		want = t + 1 - o->absorb_lag;
	while (s->n_ref < want)
		absorb(s, y, s->n_ref);
	double level, rho, sd, sd_e, df, b = s->base_level;
	estimates(s, o, &level, &rho, &sd, &sd_e, &df);
	double prev = y[t - 1] / b - 1 - level, cur = y[t] / b - 1;
	double r = (double)s->n_ref;
	double v = sd_e * sd_e + (1 - rho) * (1 - rho) * sd * sd * inflation(rho, r) / r;
	double z = 0;
	if (v > 0) {
		double tt = (cur - level - rho * prev) / sqrt(v);
		/* The t score as a normal score (Hawkins 1987). */
		z = tt > 0 ? gsl_cdf_ugaussian_Qinv(gsl_cdf_tdist_Q(tt, df))
			   : gsl_cdf_ugaussian_Pinv(gsl_cdf_tdist_P(tt, df));
		if (!isfinite(z))
			z = tt > 0 ? o->clip : -o->clip;
	} else if (cur != level) {
		z = cur > level ? o->clip : -o->clip;
	}
	double rel = cur; /* against the approved baseline */
	if (s->direction == PFG_HIGHER_IS_BETTER)
		z = -z, rel = -rel;
	s->z = z;
	z = fmax(-o->clip, fmin(o->clip, z));
	pfg_stats_cusum_step(&s->cusum, z, rel, o->k);
	step_scan(s, o, z, rel, rho);
	s->level = level;
	s->rho = rho;
	s->sd = sd;
	s->sd_e = sd_e;
	s->df = df;
	s->n = n;
	return PFG_OK;
}

/* The change of an excursion of runs runs whose changes against the
 * baseline (worse positive) sum to sum: percent and interval, in the
 * metric's own sign. */
static void excursion(const struct pfg_stats_chart *s, size_t runs, double sum,
		      double confidence, double *change, double *lo, double *hi, double *p)
{
	*change = *lo = *hi = 0;
	*p = 1;
	if (runs == 0)
		return;
	double sign = s->direction == PFG_HIGHER_IS_BETTER ? -1.0 : 1.0;
	double mean = 100 * sum / (double)runs, kb = (double)s->k_base;
	double se = 100 * s->sd * sqrt(inflation(s->rho, (double)runs) / (double)runs +
				       inflation(s->rho, kb) / kb);
	double q = gsl_cdf_tdist_Qinv((1 - confidence) / 2, s->df);
	*change = sign * mean;
	*p = se > 0 ? 2 * gsl_cdf_tdist_Q(fabs(mean) / se, s->df) : mean != 0 ? 0 : 1;
	*lo = sign * mean - q * se;
	*hi = sign * mean + q * se;
}

int pfg_stats_chart_read(const struct pfg_stats_chart *s, const struct pfg_stats_chart_opts *o,
			 double confidence, const double thresholds[4],
			 struct pfg_stats_chart_state *out, char *err, size_t errlen)
{
	int rc = check_opts(o, err, errlen);
	if (rc)
		return rc;
	if (!(confidence > 0 && confidence < 1))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "confidence must lie strictly between 0 and 1, got %g",
				 confidence);
	memset(out, 0, sizeof *out);
	out->runs_seen = s->n - s->k_base;
	out->reference_runs = s->n_ref;
	out->level_pct = 100 * s->level;
	out->sd_pct = 100 * s->sd;
	out->innovation_sd_pct = 100 * s->sd_e;
	out->rho = s->rho;
	out->z = s->z;
	if (out->runs_seen == 0)
		return PFG_OK;
	out->shewhart = o->shewhart > 0 && s->z > o->shewhart;
	out->step_statistic = s->step_stat;
	out->step = o->step_window > 0 && s->step_stat > o->step_limit && !(s->cusum.worse > o->h);
	out->alarm = s->cusum.worse > o->h || out->shewhart || out->step;
	out->improved = s->cusum.better > o->h_better;
	out->statistic = s->cusum.worse;
	out->better_statistic = s->cusum.better;
	out->runs = out->step ? s->step_runs : s->cusum.n_worse;
	excursion(s, out->runs, out->step ? s->step_sum : s->cusum.sum_worse, confidence,
		  &out->change_pct, &out->ci_low_pct, &out->ci_high_pct, &out->p_value);
	if (out->shewhart && s->cusum.n_worse == 0) /* cannot happen with k < shewhart */
		out->runs = 1;
	out->better_runs = s->cusum.n_better;
	double better_p;
	excursion(s, s->cusum.n_better, s->cusum.sum_better, confidence, &out->better_change_pct,
		  &out->better_ci_low_pct, &out->better_ci_high_pct, &better_p);
	out->worse_pct = s->direction == PFG_HIGHER_IS_BETTER ? -out->change_pct :
								out->change_pct;
	out->severity = out->alarm ? pfg_stats_severity_of(out->worse_pct, thresholds) :
				     PFG_SEVERITY_NONE;
	return PFG_OK;
}

int pfg_stats_chart_replay(const double *y, size_t n, size_t baseline_runs,
			   enum pfg_direction direction,
			   const struct pfg_stats_chart_opts *o, double confidence,
			   const double thresholds[4], struct pfg_stats_chart_state *out,
			   char *err, size_t errlen)
{
	int rc = check_opts(o, err, errlen);
	if (!rc && n < baseline_runs)
		rc = pfg_error(err, errlen, PFG_EINPUT,
			       "%zu run means for a baseline of %zu runs", n, baseline_runs);
	if (!rc)
		rc = pfg_stats_check(y, n, 3, "the run means", err, errlen);
	struct pfg_stats_chart s;
	if (!rc)
		rc = pfg_stats_chart_init(&s, y, baseline_runs, direction, err, errlen);
	for (size_t i = baseline_runs + 1; !rc && i <= n; i++)
		rc = pfg_stats_chart_update(&s, y, i, o, err, errlen);
	if (rc)
		return rc;
	return pfg_stats_chart_read(&s, o, confidence, thresholds, out, err, errlen);
}
