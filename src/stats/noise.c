/* noise.c: between-run noise. A two-level (runs within a baseline or a
 * current group) comparison of run means, an estimate of the between-run
 * noise from a history, and the precision of an estimate for sampling by
 * precision. References: Kalibera and Jones, "Rigorous benchmarking in
 * reasonable time" (ISMM 2013) for runs as the unit and the random effects
 * decomposition; Searle, Casella and McCulloch, "Variance components"
 * (1992), ch. 3, for the method of moments; Satterthwaite (1946) for df. */
#include "perfguard/stats.h"
#include "perfguard/util.h"
#include "stats_int.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The MAD of a normal sample is 0.6745 sd; a difference of two has sd
 * sqrt(2) sigma. */
#define MAD_TO_SD 0.6744897501960817
/* df per difference of the MAD of differences, for independent normal run
 * means: 2 / Var(s^2 / sigma^2) measured by simulation (test_noise.c):
 * 0.28 at lag 1 and at lag 3 alike (the MAD's 37% efficiency, less for
 * the overlap of the differences). */
#define DIFF_MAD_DF_LAG1 0.28
#define DIFF_MAD_DF_LAGN 0.28

int pfg_stats_run_of(const double *x, size_t n, struct pfg_stats_run *out, char *err,
		     size_t errlen)
{
	int rc = pfg_stats_check(x, n, 1, "the run", err, errlen);
	if (rc)
		return rc;
	out->n = n;
	out->mean = gsl_stats_mean(x, 1, n);
	out->sd = n > 1 ? gsl_stats_sd_m(x, 1, n, out->mean) : 0.0;
	return PFG_OK;
}

int pfg_stats_noise_from_history(const double *x, size_t n, size_t lag,
				 struct pfg_stats_noise *out, char *err, size_t errlen)
{
	if (lag == 0)
		return pfg_error(err, errlen, PFG_EINPUT, "the lag of the differences must "
				 "be at least 1");
	int rc = pfg_stats_check(x, n, lag + 2, "the history of run means", err, errlen);
	if (rc)
		return rc;
	double *s = pfg_stats_sorted_copy(x, n);
	double level = pfg_stats_quantile_sorted(s, n, 0.5);
	free(s);
	if (level == 0)
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the history's median run mean is 0, so its noise in "
				 "percent is undefined");
	size_t nd = n - lag;
	double *d = pfg_xmalloc((n - 1) * sizeof *d);
	for (size_t i = 0; i < nd; i++)
		d[i] = x[i + lag] - x[i];
	gsl_sort(d, 1, nd);
	double mad = pfg_stats_mad_sorted(d, nd);
	/* The lag-1 autocorrelation from the two spreads: Var(d_1) / Var(d_L)
	 * = (1 - rho) / (1 - rho^L) for AR(1), solved by bisection. */
	out->rho = 0;
	if (lag >= 2) {
		for (size_t i = 0; i + 1 < n; i++)
			d[i] = x[i + 1] - x[i];
		gsl_sort(d, 1, n - 1);
		double mad1 = pfg_stats_mad_sorted(d, n - 1);
		double ratio = mad > 0 ? mad1 * mad1 / (mad * mad) : 1;
		double lo = 0, hi = 0.9;
		if (ratio <= (1 - hi) / (1 - pow(hi, (double)lag)))
			out->rho = hi;
		else if (ratio < 1) {
			for (int it = 0; it < 40; it++) {
				double mid = (lo + hi) / 2;
				if ((1 - mid) / (1 - pow(mid, (double)lag)) > ratio)
					lo = mid;
				else
					hi = mid;
			}
			out->rho = (lo + hi) / 2;
		}
	}
	free(d);
	out->n = n;
	out->rel_sd = mad / (M_SQRT2 * MAD_TO_SD) / fabs(level);
	out->df = (lag == 1 ? DIFF_MAD_DF_LAG1 : DIFF_MAD_DF_LAGN) * (double)nd;
	return PFG_OK;
}

const char *pfg_stats_basis_name(enum pfg_stats_basis b)
{
	switch (b) {
	case PFG_BASIS_RUN_MEANS: return "run_means";
	case PFG_BASIS_HISTORY: return "history";
	case PFG_BASIS_SAMPLES: return "samples";
	case PFG_BASIS_WITHIN_ONLY: return "within_only";
	}
	return "?";
}

void pfg_stats_runs_opts_init(struct pfg_stats_runs_opts *o)
{
	memset(o, 0, sizeof *o);
	o->alpha = 0.0001;
	o->confidence = 0.95;
	o->direction = PFG_LOWER_IS_BETTER;
	o->thresholds[0] = 5;
	o->thresholds[1] = 10;
	o->thresholds[2] = 20;
	o->thresholds[3] = 50;
	o->power = 0.8;
	o->history = NULL;
}

/* Validate the options; returns 0 or PFG_EINPUT. */
static int check_runs_opts(const struct pfg_stats_runs_opts *o, char *err, size_t errlen)
{
	int rc = pfg_stats_check_judgement(o->alpha, o->confidence, o->direction,
					   o->thresholds, err, errlen);
	if (rc)
		return rc;
	if (!(o->power > 0 && o->power < 1))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "power must lie strictly between 0 and 1, got %g", o->power);
	const struct pfg_stats_noise *h = o->history;
	if (h && !(isfinite(h->rel_sd) && h->rel_sd >= 0 && isfinite(h->df) && h->df > 0 &&
		   h->rho >= 0 && h->rho < 1))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the history's noise needs a finite rel_sd >= 0, df > 0 and "
				 "rho in [0, 1), got %g with %g df, rho %g", h->rel_sd, h->df,
				 h->rho);
	return PFG_OK;
}

double pfg_stats_ar1_inflation(double rho, size_t k)
{
	double f = 1, p = 1;
	for (size_t j = 1; j < k && rho > 0; j++) {
		p *= rho;
		f += 2 * (1 - (double)j / (double)k) * p;
	}
	return f;
}

/* Check runs[0..n) of the group named what. */
static int check_runs(const struct pfg_stats_run *runs, size_t n, const char *what,
		      char *err, size_t errlen)
{
	if (n == 0)
		return pfg_error(err, errlen, PFG_EINPUT, "%s has no run", what);
	for (size_t i = 0; i < n; i++) {
		if (runs[i].n == 0)
			return pfg_error(err, errlen, PFG_EINPUT,
					 "run %zu of %s has no sample", i + 1, what);
		if (!isfinite(runs[i].mean) || !isfinite(runs[i].sd) || runs[i].sd < 0)
			return pfg_error(err, errlen, PFG_EINPUT,
					 "run %zu of %s has mean %g and sd %g; a finite mean "
					 "and a finite sd >= 0 are needed", i + 1, what,
					 runs[i].mean, runs[i].sd);
	}
	return PFG_OK;
}

/* Sums over one group of runs. */
struct group {
	double mean;   /* of the run means */
	double ss;     /* sum of squares of run means around it */
	double ssw;    /* within-run sum of squares, sum (n_i - 1) sd_i^2 */
	double dfw;    /* sum (n_i - 1) */
	double inv_n;  /* mean of 1 / n_i */
	size_t n;      /* samples */
};

/* Summarise runs[0..k) into g. */
static void group_of(const struct pfg_stats_run *runs, size_t k, struct group *g)
{
	memset(g, 0, sizeof *g);
	for (size_t i = 0; i < k; i++)
		g->mean += runs[i].mean / (double)k;
	for (size_t i = 0; i < k; i++) {
		double d = runs[i].mean - g->mean, dn = (double)runs[i].n;
		g->ss += d * d;
		g->ssw += (dn - 1) * runs[i].sd * runs[i].sd;
		g->dfw += dn - 1;
		g->inv_n += 1.0 / dn / (double)k;
		g->n += runs[i].n;
	}
}

/* Welch-Satterthwaite df of c1 v1 + c2 v2 (v_i with df_i; df_i of 0 means
 * the term is absent). */
static double satterthwaite(double c1, double v1, double df1, double c2, double v2, double df2)
{
	double a = df1 > 0 ? c1 * v1 : 0, b = df2 > 0 ? c2 * v2 : 0;
	double den = (df1 > 0 ? a * a / df1 : 0) + (df2 > 0 ? b * b / df2 : 0);
	double v = a + b;
	return den > 0 ? v * v / den : fmax(df1, df2);
}

/* Long because the two-level model's steps (variance components, the
 * basis chosen, the test, interval and verdict) share their locals. */
int pfg_stats_runs_compare(const struct pfg_stats_run *base, size_t k,
			   const struct pfg_stats_run *cur, size_t m,
			   const struct pfg_stats_runs_opts *o,
			   struct pfg_stats_runs_result *r, char *err, size_t errlen)
{
	int rc = check_runs_opts(o, err, errlen);
	if (!rc)
		rc = check_runs(base, k, "the baseline", err, errlen);
	if (!rc)
		rc = check_runs(cur, m, "the current group", err, errlen);
	if (rc)
		return rc;
	struct group gb, gc;
	group_of(base, k, &gb);
	group_of(cur, m, &gc);
	if (gb.mean == 0)
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the baseline's mean is 0, so a change in percent is undefined");
	memset(r, 0, sizeof *r);
	r->k = k;
	r->m = m;
	r->n_base = gb.n;
	r->n_current = gc.n;
	r->estimate_base = gb.mean;
	r->estimate_current = gc.mean;
	r->alpha = o->alpha;
	r->confidence = o->confidence;
	r->direction = o->direction;
	double level = fabs(gb.mean), dk = (double)k, dm = (double)m;

	/* Within runs: pooled over both groups. */
	double dfw = gb.dfw + gc.dfw;
	double vw = dfw > 0 ? (gb.ssw + gc.ssw) / dfw : 0;
	/* Run means around their group's mean, pooled with the history. */
	double dfr = (double)(k - 1) + (double)(m - 1);
	double vr = dfr > 0 ? (gb.ss + gc.ss) / dfr : 0;
	if (o->history) {
		double vh = o->history->rel_sd * level;
		vr = (dfr * vr + o->history->df * vh * vh) / (dfr + o->history->df);
		dfr += o->history->df;
		r->history_used = 1;
	}
	double inv_n = (gb.inv_n * dk + gc.inv_n * dm) / (dk + dm);
	double cw = gb.inv_n / dk + gc.inv_n / dm; /* within coefficient */
	double rho = o->history ? o->history->rho : 0;
	double cb = pfg_stats_ar1_inflation(rho, k) / dk +
		    pfg_stats_ar1_inflation(rho, m) / dm; /* between coefficient */
	r->rho = rho;
	double vb = dfr > 0 ? fmax(0.0, vr - vw * inv_n) : 0;
	double v;
	if (dfr == 0) {
		if (dfw == 0)
			return pfg_error(err, errlen, PFG_EINPUT,
					 "one run of one sample on each side and no history: "
					 "there is no estimate of the noise to judge by (take "
					 "more samples or runs)");
		r->basis = PFG_BASIS_WITHIN_ONLY;
		v = vw * cw;
		r->df = dfw;
	} else if (vb == 0) {
		r->basis = PFG_BASIS_SAMPLES;
		v = vw * cw;
		r->df = dfw > 0 ? dfw : dfr;
		r->noise_df = dfr;
	} else {
		r->basis = k == 1 && m == 1 ? PFG_BASIS_HISTORY : PFG_BASIS_RUN_MEANS;
		/* v = vb cb + vw cw = vr cb + vw (cw - inv_n cb): a sum of two
		 * independent estimates, vr with dfr df and vw with dfw. */
		v = vb * cb + vw * cw;
		r->df = satterthwaite(cb, vr, dfr, cw - inv_n * cb, vw, dfw);
		r->noise_df = dfr;
	}
	r->sd_within = sqrt(vw);
	r->sd_between = sqrt(vb);
	r->within_pct = 100 * r->sd_within / level;
	r->between_pct = 100 * r->sd_between / level;

	double diff = gc.mean - gb.mean, scale = 100.0 / level;
	r->change_pct = diff * scale;
	if (v <= 0) { /* every run and sample equal */
		r->statistic = 0;
		r->p_value = diff == 0 ? 1.0 : 0.0;
		r->ci_low_pct = r->ci_high_pct = r->change_pct;
		r->mde_pct = 0;
	} else {
		double se = sqrt(v);
		r->statistic = diff / se;
		r->p_value = fmin(1.0, 2.0 * gsl_cdf_tdist_Q(fabs(r->statistic), r->df));
		double q = gsl_cdf_tdist_Qinv((1 - o->confidence) / 2, r->df);
		r->ci_low_pct = (diff - q * se) * scale;
		r->ci_high_pct = (diff + q * se) * scale;
		r->mde_pct = (gsl_cdf_tdist_Qinv(o->alpha / 2, r->df) +
			      gsl_cdf_tdist_Pinv(o->power, r->df)) * se * scale;
	}
	r->significant = r->p_value < o->alpha;
	r->worse_pct = o->direction == PFG_LOWER_IS_BETTER ? r->change_pct : -r->change_pct;
	r->verdict = pfg_stats_verdict_of(r->significant, r->worse_pct, r->mde_pct,
					  o->thresholds[0]);
	r->severity = r->verdict == PFG_VERDICT_REGRESSION
			      ? pfg_stats_severity_of(r->worse_pct, o->thresholds)
			      : PFG_SEVERITY_NONE;
	return PFG_OK;
}

int pfg_stats_runs_describe(const struct pfg_stats_runs_result *r, char *buf, size_t len)
{
	char hist[64] = "";
	if (r->history_used)
		snprintf(hist, sizeof hist, ", history %.0f df", r->noise_df -
			 (double)(r->k - 1) - (double)(r->m - 1));
	switch (r->basis) {
	case PFG_BASIS_RUN_MEANS:
		return snprintf(buf, len, "run means: between-run noise %.1f%%, %zu baseline "
				"run%s%s", r->between_pct, r->k, r->k == 1 ? "" : "s", hist);
	case PFG_BASIS_HISTORY:
		return snprintf(buf, len, "run means: between-run noise %.1f%% from the history "
				"(%.0f df), one-run baseline", r->between_pct, r->noise_df);
	case PFG_BASIS_SAMPLES:
		return snprintf(buf, len, "samples: runs agree within their noise (%.2f%%), "
				"%zu baseline run%s%s", r->within_pct, r->k,
				r->k == 1 ? "" : "s", hist);
	case PFG_BASIS_WITHIN_ONLY:
		return snprintf(buf, len, "within-run samples only (%.2f%%): between-run noise "
				"unknown (one-run baseline, no history)", r->within_pct);
	}
	return snprintf(buf, len, "?");
}

int pfg_stats_precision_of(const double *x, size_t n, double trim, double confidence,
			   struct pfg_stats_precision *out, char *err, size_t errlen)
{
	int rc = pfg_stats_check(x, n, 2, "the samples", err, errlen);
	if (rc)
		return rc;
	if (!(trim >= 0 && trim < 0.5))
		return pfg_error(err, errlen, PFG_EINPUT, "trim must lie in [0, 0.5), got %g",
				 trim);
	if (!(confidence > 0 && confidence < 1))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "confidence must lie strictly between 0 and 1, got %g",
				 confidence);
	size_t g = (size_t)(trim * (double)n);
	if (n < 2 * g + 2)
		return pfg_error(err, errlen, PFG_EINPUT,
				 "%zu samples leave fewer than 2 after %g%% trimming", n,
				 trim * 100);
	double *s = pfg_stats_sorted_copy(x, n);
	size_t h = n - 2 * g;
	double lo = s[g], hi = s[n - g - 1], sum = 0, ssd = 0;
	for (size_t i = 0; i < n; i++)
		sum += i < g ? lo : i >= n - g ? hi : s[i];
	double wmean = sum / (double)n;
	for (size_t i = 0; i < n; i++) {
		double w = i < g ? lo : i >= n - g ? hi : s[i];
		ssd += (w - wmean) * (w - wmean);
	}
	out->n = n;
	out->estimate = gsl_stats_mean(s + g, 1, h);
	out->df = (double)(h - 1);
	double se = sqrt(ssd / (double)(h - 1) / (double)h);
	out->half_width = gsl_cdf_tdist_Qinv((1 - confidence) / 2, out->df) * se;
	out->rel_half_width_pct = out->half_width == 0 ? 0.0 :
				  out->estimate == 0 ? HUGE_VAL :
				  100 * out->half_width / fabs(out->estimate);
	free(s);
	return PFG_OK;
}

const char *pfg_stats_sampling_name(enum pfg_stats_sampling s)
{
	switch (s) {
	case PFG_SAMPLING_CONTINUE: return "continue";
	case PFG_SAMPLING_PRECISE: return "precise";
	case PFG_SAMPLING_MAX_RUNS: return "max_runs";
	case PFG_SAMPLING_BUDGET: return "budget";
	}
	return "?";
}

enum pfg_stats_sampling pfg_stats_sampling_next(const struct pfg_stats_sampling_plan *p,
						size_t n, double rel_half_width_pct,
						double elapsed_s, double per_run_s)
{
	if (n >= p->min_runs && rel_half_width_pct <= p->target_pct)
		return PFG_SAMPLING_PRECISE;
	if (n >= p->max_runs)
		return PFG_SAMPLING_MAX_RUNS;
	if (p->budget_s > 0 && elapsed_s + per_run_s > p->budget_s)
		return PFG_SAMPLING_BUDGET;
	return PFG_SAMPLING_CONTINUE;
}
