/* test_noise.c: between-run noise (issue 17): the two-level comparison,
 * the history's noise estimate, the drift CUSUM and sampling by precision,
 * against values computed by hand from their formulas (scipy is not
 * installed here: t quantiles are GSL's), plus seeded simulations of real
 * histories (GSL mt19937, fixed seeds, no timing) that measure the false
 * alarms and the detection delays of the rules the analysis is to apply.
 * References: Kalibera and Jones, "Rigorous benchmarking in reasonable
 * time" (2013); Page, "Continuous inspection schemes" (1954); Lucas and
 * Crosier, "Robust CUSUM" (1982). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/stats.h"
#include "perfguard/util.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Assert |got - want| <= tol. */
static void near(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol)) {
		print_error("%s: got %.17g, want %.17g (tol %g)\n", what, got, want, tol);
		fail();
	}
}

/* ---- The simulation ---- */

/* A history to simulate. */
struct sim_scenario {
	double cv;          /* stationary sd of the run effect, 0.03 */
	double phi;         /* its AR(1) coefficient, 0 or 0.5 */
	double within;      /* sd of a sample inside a run, relative, 0.004 */
	size_t samples;     /* per run, 8 */
	size_t runs;        /* 100 */
	double creep;       /* relative change per run (0.005), from creep_from */
	size_t creep_from;  /* 1-based run where the creep starts (its first +creep) */
	double step;        /* relative step (0.10) from step_at on */
	size_t step_at;     /* 1-based run of the step; 0: none */
	double outlier;     /* relative size of one wild run at outlier_at */
	size_t outlier_at;  /* 0: none */
};

/* The rules and their defaults. */
struct sim_rules {
	size_t baseline_runs;     /* the first runs, approved as the baseline, 10 */
	size_t rebaseline_after;  /* consecutive improvements before a proposal, 5 */
	size_t history_min;       /* run means since the baseline before their
	                           * noise is pooled in, 10; 0: never */
	size_t history_lag;       /* lag of the differences, 3 */
	struct pfg_stats_runs_opts compare;
	struct pfg_stats_cusum_opts cusum;
};

/* What happened to one benchmark. */
struct sim_outcome {
	size_t first_alert;     /* 1-based run of the first alert; 0: none */
	size_t first_regression, first_drift; /* by kind; 0: none */
	size_t first_proposal;  /* 0: none */
	size_t reruns;          /* confirmation reruns taken */
};

/* Defaults of the rules. */
static void sim_rules_init(struct sim_rules *r)
{
	r->baseline_runs = 10;
	r->rebaseline_after = 5;
	r->history_min = 0; /* pooling the history raised false alarms (report) */
	r->history_lag = 3;
	pfg_stats_runs_opts_init(&r->compare);
	r->compare.alpha = 0.001; /* the figures below were measured at it */
	pfg_stats_cusum_opts_init(&r->cusum);
}

/* The next run effect of the AR(1) process. */
static double sim_ar_next(gsl_rng *rng, const struct sim_scenario *sc, double prev)
{
	return sc->phi * prev + sqrt(1 - sc->phi * sc->phi) * gsl_ran_gaussian_ziggurat(rng, sc->cv);
}

/* Take one run at true level mu with run effect eff: summarise its samples
 * into *run and add them to the sums of the stored result. */
static void sim_take(gsl_rng *rng, const struct sim_scenario *sc, double mu, double eff,
		     struct pfg_stats_run *run, double *sum, size_t *cnt)
{
	double x[64];
	size_t n = sc->samples < 64 ? sc->samples : 64;
	for (size_t i = 0; i < n; i++) {
		x[i] = mu * (1 + eff) * (1 + gsl_ran_gaussian_ziggurat(rng, sc->within));
		*sum += x[i];
	}
	*cnt += n;
	pfg_stats_run_of(x, n, run, NULL, 0);
}

/* The true level of run t (1-based). */
static double sim_level(const struct sim_scenario *sc, size_t t)
{
	double mu = 100;
	if (sc->creep != 0 && t >= sc->creep_from)
		mu *= 1 + sc->creep * (double)(t - sc->creep_from + 1);
	if (sc->step_at && t >= sc->step_at)
		mu *= 1 + sc->step;
	if (sc->outlier_at && t == sc->outlier_at)
		mu *= 1 + sc->outlier;
	return mu;
}

/* Simulate one benchmark's history under the rules; stop at its first
 * alert when stop_at_alert. */
static void sim_bench(gsl_rng *rng, const struct sim_scenario *sc, const struct sim_rules *ru,
		      int stop_at_alert, struct sim_outcome *out)
{
	struct pfg_stats_run base[64], cur[2];
	double hist[512], base_var = 0;
	size_t nh = 0;
	struct pfg_stats_runs_opts co = ru->compare;
	struct pfg_stats_noise noise;
	size_t k = ru->baseline_runs < 64 ? ru->baseline_runs : 64, streak = 0;
	double eff = gsl_ran_gaussian_ziggurat(rng, sc->cv); /* stationary start */
	struct pfg_stats_cusum chart;
	struct pfg_stats_cusum_ref ref;
	memset(out, 0, sizeof *out);
	memset(&chart, 0, sizeof chart);
	for (size_t t = 1; t <= sc->runs; t++) {
		double mu = sim_level(sc, t), sum = 0;
		size_t cnt = 0;
		if (t > 1)
			eff = sim_ar_next(rng, sc, eff);
		if (t <= k) {
			sim_take(rng, sc, mu, eff, &base[t - 1], &sum, &cnt);
			if (t == k) { /* the first runs propose the baseline; approved */
				double m = 0, ss = 0;
				for (size_t i = 0; i < k; i++)
					m += base[i].mean / (double)k;
				for (size_t i = 0; i < k; i++)
					ss += (base[i].mean - m) * (base[i].mean - m);
				ref.level = m;
				base_var = ss / (double)(k - 1);
				ref.sd_run = sqrt(base_var);
				ref.k = k;
				ref.df = (double)(k - 1);
				ref.rho = 0;
				ref.direction = ru->compare.direction;
			}
			continue;
		}
		/* The history since the baseline informs the between-run noise. */
		co.history = NULL;
		if (ru->history_min && nh >= ru->history_min &&
		    pfg_stats_noise_from_history(hist, nh, ru->history_lag, &noise, NULL, 0) == 0) {
			co.history = &noise;
			double vh = noise.rel_sd * fabs(ref.level);
			ref.df = (double)(k - 1) + noise.df;
			ref.sd_run = sqrt(((double)(k - 1) * base_var + noise.df * vh * vh) / ref.df);
			ref.rho = noise.rho;
		}
		struct pfg_stats_runs_result r;
		sim_take(rng, sc, mu, eff, &cur[0], &sum, &cnt);
		pfg_stats_runs_compare(base, k, cur, 1, &co, &r, NULL, 0);
		int alert = 0;
		if (r.verdict == PFG_VERDICT_REGRESSION) {
			/* A suspected regression is rerun: the run effect goes on. */
			eff = sim_ar_next(rng, sc, eff);
			sim_take(rng, sc, sim_level(sc, t), eff, &cur[1], &sum, &cnt);
			out->reruns++;
			pfg_stats_runs_compare(base, k, cur, 2, &co, &r, NULL, 0);
			if (r.verdict == PFG_VERDICT_REGRESSION) {
				alert = 1;
				if (!out->first_regression)
					out->first_regression = t;
			}
		}
		streak = r.verdict == PFG_VERDICT_IMPROVEMENT ? streak + 1 : 0;
		if (streak >= ru->rebaseline_after && !out->first_proposal)
			out->first_proposal = t;
		/* The stored result holds the run and its reruns. */
		pfg_stats_cusum_update(&chart, &ref, &ru->cusum, sum / (double)cnt);
		if (nh < 512)
			hist[nh++] = sum / (double)cnt;
		struct pfg_stats_drift d;
		pfg_stats_cusum_read(&chart, &ref, &ru->cusum, 0.95, ru->compare.thresholds, &d,
				     NULL, 0);
		if (d.alarm) {
			alert = 1;
			if (!out->first_drift)
				out->first_drift = t;
		}
		if (d.improved && !out->first_proposal)
			out->first_proposal = t;
		if (alert && !out->first_alert)
			out->first_alert = t;
		if (stop_at_alert && (out->first_alert || out->first_proposal))
			return;
	}
}

/* Figures over many benchmarks. */
struct sim_figures {
	size_t benchmarks;
	size_t alarmed;       /* any alert or proposal */
	size_t alerted, regressions, drifts, proposals;
	size_t caught;        /* alerted at or before the deadline */
	size_t delay_hist[8]; /* for steps: alert run - step run, 0..6, 7 = later/never */
	size_t max_first;     /* latest first alert among those caught */
	double mean_first;    /* mean first alert run among those alerted */
	size_t reruns;
};

/* Simulate nb benchmarks seeded by seed; deadline is the last run an
 * alert counts as caught (0: none). */
static void sim_many(unsigned long seed, size_t nb, const struct sim_scenario *sc,
		     const struct sim_rules *ru, size_t deadline, struct sim_figures *f)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, seed);
	memset(f, 0, sizeof *f);
	f->benchmarks = nb;
	double sum_first = 0;
	for (size_t b = 0; b < nb; b++) {
		struct sim_outcome o;
		sim_bench(rng, sc, ru, 1, &o);
		f->reruns += o.reruns;
		f->alarmed += o.first_alert || o.first_proposal;
		f->alerted += o.first_alert != 0;
		f->regressions += o.first_regression != 0;
		f->drifts += o.first_drift != 0;
		f->proposals += o.first_proposal != 0;
		if (o.first_alert) {
			sum_first += (double)o.first_alert;
			if (deadline && o.first_alert <= deadline) {
				f->caught++;
				if (o.first_alert > f->max_first)
					f->max_first = o.first_alert;
			}
		}
		if (sc->step_at) {
			size_t dl = o.first_alert >= sc->step_at ? o.first_alert - sc->step_at : 7;
			f->delay_hist[dl < 7 && o.first_alert ? dl : 7]++;
		}
	}
	f->mean_first = f->alerted ? sum_first / (double)f->alerted : 0;
	gsl_rng_free(rng);
}

/* Balanced runs: df = k + m - 2 and the run-means t statistic by hand. */
static void test_runs_compare_balanced(void **state)
{
	(void)state;
	struct pfg_stats_run base[4] = { { 100, 0.4, 8 }, { 103, 0.4, 8 },
					 { 98, 0.4, 8 }, { 101, 0.4, 8 } };
	struct pfg_stats_run cur[1] = { { 110, 0.4, 8 } };
	struct pfg_stats_runs_opts o;
	struct pfg_stats_runs_result r;
	char err[PFG_ERR_MAX], line[160];
	pfg_stats_runs_opts_init(&o);
	assert_int_equal(pfg_stats_runs_compare(base, 4, cur, 1, &o, &r, err, sizeof err), 0);
	assert_int_equal(r.basis, PFG_BASIS_RUN_MEANS);
	/* mean 100.5, run means' variance 13 / 3 (3 df): t = 9.5 / sqrt(13/3 * 1.25) */
	near(r.estimate_base, 100.5, 1e-12, "base");
	near(r.df, 3, 1e-9, "df");
	near(r.statistic, 9.5 / sqrt(13.0 / 3 * 1.25), 1e-9, "t");
	near(r.p_value, 2 * gsl_cdf_tdist_Q(r.statistic, 3), 1e-12, "p");
	near(r.change_pct, 100 * 9.5 / 100.5, 1e-9, "change");
	double q = gsl_cdf_tdist_Qinv(0.025, 3), se = sqrt(13.0 / 3 * 1.25);
	near(r.ci_low_pct, 100 * (9.5 - q * se) / 100.5, 1e-9, "ci low");
	near(r.ci_high_pct, 100 * (9.5 + q * se) / 100.5, 1e-9, "ci high");
	/* sigma_b^2 = 13/3 - 0.16 / 8 */
	near(r.sd_between, sqrt(13.0 / 3 - 0.02), 1e-9, "between");
	near(r.sd_within, 0.4, 1e-12, "within");
	assert_false(r.significant); /* at alpha 0.001 with 3 df */
	assert_int_equal(r.verdict, PFG_VERDICT_INCONCLUSIVE);
	pfg_stats_runs_describe(&r, line, sizeof line);
	assert_string_equal(line, "run means: between-run noise 2.1%, 4 baseline runs");
	/* The samples alone (today's test) would call it: within sd 0.4. */
	o.alpha = 0.05;
	assert_int_equal(pfg_stats_runs_compare(base, 4, cur, 1, &o, &r, err, sizeof err), 0);
	assert_true(r.significant);
	assert_int_equal(r.verdict, PFG_VERDICT_REGRESSION);
	assert_int_equal(r.severity, PFG_SEVERITY_MINOR);
}

/* One-run baselines: the history's noise when given, else within-run only. */
static void test_runs_compare_one_run(void **state)
{
	(void)state;
	struct pfg_stats_run base = { 100, 0.4, 8 }, cur = { 104, 0.4, 8 };
	struct pfg_stats_runs_opts o;
	struct pfg_stats_runs_result r;
	char err[PFG_ERR_MAX], line[160];
	pfg_stats_runs_opts_init(&o);
	o.alpha = 0.05;
	assert_int_equal(pfg_stats_runs_compare(&base, 1, &cur, 1, &o, &r, err, sizeof err), 0);
	assert_int_equal(r.basis, PFG_BASIS_WITHIN_ONLY);
	near(r.df, 14, 1e-12, "within df");
	assert_true(r.significant);
	pfg_stats_runs_describe(&r, line, sizeof line);
	assert_non_null(strstr(line, "between-run noise unknown"));
	struct pfg_stats_noise h = { .rel_sd = 0.03, .df = 20, .n = 40, .rho = 0 };
	o.history = &h;
	assert_int_equal(pfg_stats_runs_compare(&base, 1, &cur, 1, &o, &r, err, sizeof err), 0);
	assert_int_equal(r.basis, PFG_BASIS_HISTORY);
	assert_true(r.history_used);
	/* V = (9 - 0.02) * 2 + 0.16 * (1/8 + 1/8): not significant */
	near(r.statistic, 4 / sqrt(8.98 * 2 + 0.04), 1e-9, "t");
	assert_false(r.significant);
	pfg_stats_runs_describe(&r, line, sizeof line);
	assert_string_equal(line, "run means: between-run noise 3.0% from the history (20 df), "
				  "one-run baseline");
	/* Runs that agree as closely as their samples: samples are the unit. */
	struct pfg_stats_run same[3] = { { 100, 2, 8 }, { 100.1, 2, 8 }, { 99.9, 2, 8 } };
	o.history = NULL;
	assert_int_equal(pfg_stats_runs_compare(same, 3, &cur, 1, &o, &r, err, sizeof err), 0);
	assert_int_equal(r.basis, PFG_BASIS_SAMPLES);
	near(r.df, 28, 1e-12, "samples df");
	/* No noise at all to judge by. */
	struct pfg_stats_run one = { 100, 0, 1 };
	assert_int_equal(pfg_stats_runs_compare(&one, 1, &one, 1, &o, &r, err, sizeof err),
			 PFG_EINPUT);
	assert_non_null(strstr(err, "no estimate of the noise"));
	struct pfg_stats_run zero = { 0, 1, 8 };
	assert_int_equal(pfg_stats_runs_compare(&zero, 1, &cur, 1, &o, &r, err, sizeof err),
			 PFG_EINPUT);
	struct pfg_stats_run bad = { NAN, 1, 8 };
	assert_int_equal(pfg_stats_runs_compare(&base, 1, &bad, 1, &o, &r, err, sizeof err),
			 PFG_EINPUT);
}

/* AR(1) inflation of a mean of k runs, by hand. */
static void test_ar1_inflation(void **state)
{
	(void)state;
	near(pfg_stats_ar1_inflation(0, 10), 1, 0, "rho 0");
	near(pfg_stats_ar1_inflation(0.5, 1), 1, 0, "k 1");
	near(pfg_stats_ar1_inflation(0.5, 2), 1.5, 1e-15, "k 2");
	near(pfg_stats_ar1_inflation(0.5, 3), 1 + 2 * (2.0 / 3 * 0.5 + 1.0 / 3 * 0.25), 1e-15,
	     "k 3");
}

/* The history's noise ignores a level shift and a creep; its df is
 * 2 / Var(s^2 / sigma^2) on independent normal run means. */
static void test_noise_from_history(void **state)
{
	(void)state;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 17);
	double x[60];
	for (size_t i = 0; i < 60; i++)
		x[i] = 100 * (1 + (i >= 30 ? 0.2 : 0) + 0.001 * (double)i +
			      gsl_ran_gaussian(rng, 0.03));
	struct pfg_stats_noise h;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_stats_noise_from_history(x, 60, 1, &h, err, sizeof err), 0);
	assert_true(h.rel_sd > 0.02 && h.rel_sd < 0.04);
	near(h.df, 0.28 * 59, 1e-12, "df");
	assert_int_equal(pfg_stats_noise_from_history(x, 2, 1, &h, err, sizeof err), PFG_EINPUT);
	assert_int_equal(pfg_stats_noise_from_history(x, 60, 0, &h, err, sizeof err), PFG_EINPUT);
	/* df calibration: 2 / Var(s^2/sigma^2) per difference, lag 1 and 3. */
	size_t lags[2] = { 1, 3 };
	for (int l = 0; l < 2; l++) {
		double s1 = 0, s2 = 0;
		size_t reps = 4000, n = 41;
		for (size_t r = 0; r < reps; r++) {
			for (size_t i = 0; i < n; i++)
				x[i] = 100 + gsl_ran_gaussian(rng, 3);
			pfg_stats_noise_from_history(x, n, lags[l], &h, NULL, 0);
			double v = pow(h.rel_sd * 100 / 3, 2); /* the median is about 100 */
			s1 += v;
			s2 += v * v;
		}
		double mean = s1 / (double)reps, var = s2 / (double)reps - mean * mean;
		double per_diff = 2 / var / (double)(n - lags[l]);
		print_message("history noise, lag %zu: E[s^2/sigma^2] %.3f, df per difference "
			      "%.3f\n", lags[l], mean, per_diff);
		near(mean, 1, 0.08, "unbiased");
		near(per_diff, 0.28, 0.04, "df per difference");
	}
	/* AR(1) 0.5: lag 3 recovers rho roughly. */
	double rho_sum = 0;
	for (int r = 0; r < 200; r++) {
		double e = gsl_ran_gaussian(rng, 3);
		for (size_t i = 0; i < 60; i++) {
			e = 0.5 * e + sqrt(0.75) * gsl_ran_gaussian(rng, 3);
			x[i] = 100 + e;
		}
		pfg_stats_noise_from_history(x, 60, 3, &h, NULL, 0);
		rho_sum += h.rho;
	}
	print_message("history noise, AR(1) 0.5: mean rho estimate %.2f\n", rho_sum / 200);
	assert_true(rho_sum / 200 > 0.25 && rho_sum / 200 < 0.7);
	gsl_rng_free(rng);
}

/* Precision: t(n-1) s / sqrt(n) by hand; trimmed as Yuen. */
static void test_precision(void **state)
{
	(void)state;
	const double x[] = { 10, 11, 9, 10.5, 9.5, 10.2, 9.8, 10 };
	struct pfg_stats_precision p;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_stats_precision_of(x, 8, 0, 0.95, &p, err, sizeof err), 0);
	double m = 80.0 / 8, ss = 0;
	for (int i = 0; i < 8; i++)
		ss += (x[i] - m) * (x[i] - m);
	double hw = gsl_cdf_tdist_Qinv(0.025, 7) * sqrt(ss / 7 / 8);
	near(p.estimate, m, 1e-12, "mean");
	near(p.half_width, hw, 1e-12, "half width");
	near(p.rel_half_width_pct, 100 * hw / m, 1e-12, "relative");
	assert_int_equal(pfg_stats_precision_of(x, 8, 0.2, 0.95, &p, err, sizeof err), 0);
	near(p.df, 5, 0, "trimmed df"); /* g = 1 of 8: 6 kept */
	assert_int_equal(pfg_stats_precision_of(x, 1, 0, 0.95, &p, err, sizeof err), PFG_EINPUT);
	assert_int_equal(pfg_stats_precision_of(x, 8, 0.5, 0.95, &p, err, sizeof err), PFG_EINPUT);
	struct pfg_stats_sampling_plan plan = { 3, 10, 1.0, 60 };
	assert_int_equal(pfg_stats_sampling_next(&plan, 2, 0.5, 10, 5), PFG_SAMPLING_CONTINUE);
	assert_int_equal(pfg_stats_sampling_next(&plan, 3, 0.5, 10, 5), PFG_SAMPLING_PRECISE);
	assert_int_equal(pfg_stats_sampling_next(&plan, 5, 2.0, 10, 5), PFG_SAMPLING_CONTINUE);
	assert_int_equal(pfg_stats_sampling_next(&plan, 10, 2.0, 10, 5), PFG_SAMPLING_MAX_RUNS);
	assert_int_equal(pfg_stats_sampling_next(&plan, 5, 2.0, 56, 5), PFG_SAMPLING_BUDGET);
	assert_string_equal(pfg_stats_sampling_name(PFG_SAMPLING_BUDGET), "budget");
}

/* CUSUM: one wild run cannot alarm; a step does, with a real interval. */
static void test_cusum(void **state)
{
	(void)state;
	struct pfg_stats_cusum_opts o;
	pfg_stats_cusum_opts_init(&o);
	struct pfg_stats_cusum_ref ref = { 100, 3, 10, 9, 0, PFG_LOWER_IS_BETTER };
	const double th[4] = { 5, 10, 20, 50 };
	double y[12] = { 100, 101, 99, 200, 100, 99, 101, 100, 110, 111, 109, 110 };
	struct pfg_stats_drift d;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_stats_drift_cusum(y, 8, &ref, &o, 0.95, th, &d, err, sizeof err), 0);
	assert_false(d.alarm); /* the wild run (+100%) adds at most clip - k */
	assert_int_equal(pfg_stats_drift_cusum(y, 12, &ref, &o, 0.95, th, &d, err, sizeof err), 0);
	/* z = 10 / (3 sqrt(1.1)) = 3.01 per run: 4 runs give 6.04 < 9 */
	assert_false(d.alarm);
	near(d.statistic, 4 * (10 / (3 * sqrt(1.1)) - 1.5), 0.2, "statistic");
	double more[16];
	memcpy(more, y, sizeof y);
	for (int i = 12; i < 16; i++)
		more[i] = 110;
	assert_int_equal(pfg_stats_drift_cusum(more, 16, &ref, &o, 0.95, th, &d, err, sizeof err), 0);
	assert_true(d.alarm);
	assert_int_equal(d.runs, 8);
	near(d.change_pct, 10, 0.01, "accumulated change");
	double q = gsl_cdf_tdist_Qinv(0.025, 9), se = 3 * sqrt(1.0 / 8 + 1.0 / 10);
	near(d.ci_low_pct, 10 - q * se, 0.01, "ci low");
	near(d.ci_high_pct, 10 + q * se, 0.01, "ci high");
	assert_true(d.ci_high_pct - d.ci_low_pct > 1);
	assert_int_equal(d.severity, PFG_SEVERITY_MODERATE);
	/* Higher is better: the same rise is an improvement. */
	ref.direction = PFG_HIGHER_IS_BETTER;
	assert_int_equal(pfg_stats_drift_cusum(more, 16, &ref, &o, 0.95, th, &d, err, sizeof err), 0);
	assert_false(d.alarm);
	assert_int_equal(d.better_runs, 8);
	near(d.better_change_pct, 10, 0.01, "improvement");
	ref.sd_run = 0;
	assert_int_equal(pfg_stats_drift_cusum(more, 16, &ref, &o, 0.95, th, &d, err, sizeof err),
			 PFG_EINPUT);
}

/* Per test, the run-means comparison holds its alpha where the samples'
 * test (pfg_stats_compare, Yuen) does not: CV 3% between runs, 0.4%
 * within, 8 samples, 10 baseline runs. */
static void test_calibration_per_run(void **state)
{
	(void)state;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 42);
	struct pfg_stats_runs_opts o;
	struct pfg_stats_compare_opts co;
	pfg_stats_runs_opts_init(&o);
	pfg_stats_compare_opts_init(&co);
	o.alpha = 0.05;
	size_t reps = 2000, fa_runs = 0, fa_samples = 0;
	for (size_t r = 0; r < reps; r++) {
		struct pfg_stats_run base[10], cur;
		double all[80], x[8];
		for (size_t i = 0; i < 11; i++) {
			double e = gsl_ran_gaussian(rng, 0.03);
			for (size_t j = 0; j < 8; j++)
				x[j] = 100 * (1 + e) * (1 + gsl_ran_gaussian(rng, 0.004));
			if (i < 10) {
				pfg_stats_run_of(x, 8, &base[i], NULL, 0);
				memcpy(all + 8 * i, x, sizeof x);
			} else {
				pfg_stats_run_of(x, 8, &cur, NULL, 0);
			}
		}
		struct pfg_stats_runs_result rr;
		struct pfg_stats_compare_result cr;
		assert_int_equal(pfg_stats_runs_compare(base, 10, &cur, 1, &o, &rr, NULL, 0), 0);
		assert_int_equal(pfg_stats_compare(all, 80, x, 8, &co, &cr, NULL, 0), 0);
		fa_runs += rr.significant;
		fa_samples += cr.significant;
	}
	print_message("per-run A/A at alpha 0.05: run means %.2f%%, samples (Yuen) %.1f%%\n",
		      100.0 * (double)fa_runs / (double)reps,
		      100.0 * (double)fa_samples / (double)reps);
	assert_true(fa_runs > 60 && fa_runs < 140);      /* 5% of 2000 = 100 */
	assert_true(fa_samples > reps / 2);
	gsl_rng_free(rng);
}

/* Print the figures of a simulation. */
static void print_figures(const char *what, const struct sim_figures *f)
{
	print_message("%s: %zu benchmarks, alarmed %zu (%.2f%%: regression %zu, drift %zu, "
		      "proposal %zu), caught %zu, latest %zu, mean first alert run %.1f, "
		      "reruns %zu\n", what, f->benchmarks, f->alarmed,
		      100.0 * (double)f->alarmed / (double)f->benchmarks, f->regressions,
		      f->drifts, f->proposals, f->caught, f->max_first, f->mean_first, f->reruns);
}

/* The history at the defaults: 100 runs, CV 3%, 0.4% within, 8
 * samples, baseline from the first 10 runs. */
static void test_history_targets(void **state)
{
	(void)state;
	struct sim_rules ru;
	sim_rules_init(&ru);
	struct sim_scenario sc = { .cv = 0.03, .phi = 0, .within = 0.004, .samples = 8,
				   .runs = 100 };
	struct sim_figures f;
	/* Independent noise: at most 1% of 1000 unchanged benchmarks alarmed. */
	sim_many(1, 1000, &sc, &ru, 0, &f);
	print_figures("unchanged, independent", &f);
	assert_true(f.alarmed <= 10);
	/* A creep of 0.5% per run from run 10: caught by run 40 in every one. */
	struct sim_scenario cr = sc;
	cr.creep = 0.005;
	cr.creep_from = 10;
	sim_many(2, 300, &cr, &ru, 40, &f);
	print_figures("creep 0.5%/run from run 10, independent", &f);
	assert_int_equal(f.caught, 300);
	/* A lasting 10% step at run 30: the delay distribution. */
	struct sim_scenario st = sc;
	st.step = 0.10;
	st.step_at = 30;
	sim_many(3, 300, &st, &ru, 35, &f);
	print_figures("step +10% at run 30, independent", &f);
	print_message("  delays 0..6, later: %zu %zu %zu %zu %zu %zu %zu %zu\n",
		      f.delay_hist[0], f.delay_hist[1], f.delay_hist[2], f.delay_hist[3],
		      f.delay_hist[4], f.delay_hist[5], f.delay_hist[6], f.delay_hist[7]);
	size_t within5 = 0;
	for (int i = 0; i <= 5; i++)
		within5 += f.delay_hist[i];
	assert_true(within5 >= 150); /* measured, below the target: see report */
	/* AR(1) 0.5: measured and printed (the targets do not hold, see drift.c). */
	sc.phi = 0.5;
	sim_many(4, 1000, &sc, &ru, 0, &f);
	print_figures("unchanged, AR(1) 0.5", &f);
	cr.phi = 0.5;
	sim_many(5, 300, &cr, &ru, 40, &f);
	print_figures("creep, AR(1) 0.5", &f);
	st.phi = 0.5;
	sim_many(6, 300, &st, &ru, 35, &f);
	print_figures("step, AR(1) 0.5", &f);
	print_message("  delays 0..6, later: %zu %zu %zu %zu %zu %zu %zu %zu\n",
		      f.delay_hist[0], f.delay_hist[1], f.delay_hist[2], f.delay_hist[3],
		      f.delay_hist[4], f.delay_hist[5], f.delay_hist[6], f.delay_hist[7]);
}

/* ---- The history chart (chart.c) ---- */

/* The chart's contract: checks, replay equals feeding run by run, a quiet
 * history stays quiet, a step alarms with its change and severity. */
static void test_chart(void **state)
{
	(void)state;
	struct pfg_stats_chart_opts o;
	struct pfg_stats_chart s;
	struct pfg_stats_chart_state a, b;
	const double th[4] = { 5, 10, 20, 50 };
	char err[PFG_ERR_MAX];
	double y[40];
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 7);
	for (size_t i = 0; i < 40; i++)
		y[i] = 100 * (1 + gsl_ran_gaussian(rng, 0.03)) * (i >= 30 ? 1.4 : 1.0);
	gsl_rng_free(rng);
	pfg_stats_chart_opts_init(&o);
	assert_int_equal(pfg_stats_chart_init(&s, y, 2, PFG_LOWER_IS_BETTER, err, sizeof err),
			 PFG_EINPUT);
	assert_non_null(strstr(err, "at least 3 runs"));
	double zero[3] = { 0, 0, 0 };
	assert_int_equal(pfg_stats_chart_init(&s, zero, 3, PFG_LOWER_IS_BETTER, err, sizeof err),
			 PFG_EINPUT);
	assert_int_equal(pfg_stats_chart_init(&s, y, 10, PFG_LOWER_IS_BETTER, err, sizeof err), 0);
	assert_int_equal(pfg_stats_chart_update(&s, y, 12, &o, err, sizeof err), PFG_EINPUT);
	assert_non_null(strstr(err, "pass 11"));
	for (size_t n = 11; n <= 30; n++)
		assert_int_equal(pfg_stats_chart_update(&s, y, n, &o, err, sizeof err), 0);
	assert_int_equal(pfg_stats_chart_read(&s, &o, 0.95, th, &a, err, sizeof err), 0);
	assert_false(a.alarm);
	assert_int_equal(a.runs_seen, 20);
	assert_int_equal(a.reference_runs, 20); /* the baseline and runs 11..20 */
	assert_true(a.rho >= 0.5 && a.rho <= 0.6);
	assert_true(a.sd_pct > 1.5 && a.sd_pct < 4.5);
	assert_int_equal(pfg_stats_chart_replay(y, 30, 10, PFG_LOWER_IS_BETTER, &o, 0.95, th, &b,
						err, sizeof err), 0);
	assert_memory_equal(&a, &b, sizeof a);
	/* +40% from run 31: alarms within the 10 runs, about 40% worse. */
	assert_int_equal(pfg_stats_chart_replay(y, 40, 10, PFG_LOWER_IS_BETTER, &o, 0.95, th, &b,
						err, sizeof err), 0);
	print_message("chart after a 40%% step: statistic %.2f over %zu runs, change %.1f%%, "
		      "rho %.2f, sd %.2f%%\n", b.statistic, b.runs, b.change_pct, b.rho, b.sd_pct);
	assert_true(b.alarm);
	assert_true(b.runs >= 3);
	assert_true(b.change_pct > 30 && b.change_pct < 50);
	assert_true(b.ci_low_pct < b.change_pct && b.change_pct < b.ci_high_pct);
	assert_true(b.severity >= PFG_SEVERITY_MAJOR);
	/* Higher is better: the same rise is an improvement, not an alert. */
	assert_int_equal(pfg_stats_chart_replay(y, 40, 10, PFG_HIGHER_IS_BETTER, &o, 0.95, th, &b,
						err, sizeof err), 0);
	assert_false(b.alarm);
	assert_true(b.better_statistic > 0);
	assert_true(b.better_change_pct > 30);
	/* Bad input. */
	o.rho_min = 0.95;
	assert_int_equal(pfg_stats_chart_replay(y, 40, 10, PFG_LOWER_IS_BETTER, &o, 0.95, th, &b,
						err, sizeof err), PFG_EINPUT);
	pfg_stats_chart_opts_init(&o);
	y[35] = NAN;
	assert_int_equal(pfg_stats_chart_replay(y, 40, 10, PFG_LOWER_IS_BETTER, &o, 0.95, th, &b,
						err, sizeof err), PFG_EINPUT);
}

/* The step scan: on AR(1) 0.5 histories with a lasting 10% step, it
 * alarms within 6 runs of the step more often than the CUSUMs alone; its
 * alarm names the runs since the step and their change; one wild run
 * followed by an ordinary one does not alarm it; its options are checked. */
static void test_chart_step_scan(void **state)
{
	(void)state;
	const double th[4] = { 5, 10, 20, 50 };
	struct pfg_stats_chart_opts on, off;
	pfg_stats_chart_opts_init(&on);
	off = on;
	off.step_window = 0;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 23);
	size_t fast_on = 0, fast_off = 0, named = 0;
	for (int h = 0; h < 200; h++) {
		double y[60], eff = gsl_ran_gaussian(rng, 0.03);
		for (size_t i = 0; i < 60; i++) {
			eff = 0.5 * eff + sqrt(0.75) * gsl_ran_gaussian(rng, 0.03);
			y[i] = 100 * (1 + eff) * (i >= 30 ? 1.10 : 1.0);
		}
		for (int which = 0; which < 2; which++) {
			const struct pfg_stats_chart_opts *o = which ? &off : &on;
			struct pfg_stats_chart s;
			struct pfg_stats_chart_state st;
			assert_int_equal(pfg_stats_chart_init(&s, y, 10, PFG_LOWER_IS_BETTER, NULL, 0), 0);
			for (size_t n = 11; n <= 36; n++) {
				assert_int_equal(pfg_stats_chart_update(&s, y, n, o, NULL, 0), 0);
				assert_int_equal(pfg_stats_chart_read(&s, o, 0.95, th, &st, NULL, 0), 0);
				if (!st.alarm)
					continue;
				if (n > 30) {
					fast_on += !which;
					fast_off += which;
				}
				if (st.step) {
					assert_int_equal(which, 0);
					assert_true(st.runs >= 1 && st.runs <= on.step_window);
					assert_true(st.step_statistic > on.step_limit);
					assert_true(st.ci_low_pct < st.change_pct &&
						    st.change_pct < st.ci_high_pct);
					named += n > 30 && st.runs <= n - 30 && st.change_pct > 5;
				}
				break;
			}
		}
	}
	print_message("10%% step, AR(1) 0.5, 200 histories: alarmed within 6 runs %zu with the "
		      "step scan, %zu without; %zu scan alarms named the step's runs\n", fast_on,
		      fast_off, named);
	assert_true(fast_on >= fast_off + 20);
	assert_true(named > 0);
	/* One wild run (+30%) and an ordinary one after it: no step. */
	double y[30];
	for (size_t i = 0; i < 30; i++)
		y[i] = 100 * (1 + gsl_ran_gaussian(rng, 0.01));
	y[28] *= 1.3;
	struct pfg_stats_chart_state st;
	assert_int_equal(pfg_stats_chart_replay(y, 29, 10, PFG_LOWER_IS_BETTER, &on, 0.95, th, &st,
						NULL, 0), 0);
	assert_true(st.z >= on.clip);
	assert_int_equal(pfg_stats_chart_replay(y, 30, 10, PFG_LOWER_IS_BETTER, &on, 0.95, th, &st,
						NULL, 0), 0);
	assert_false(st.step);
	assert_true(st.step_statistic < on.step_limit);
	gsl_rng_free(rng);
	char err[PFG_ERR_MAX];
	on.step_window = PFG_STATS_STEP_MAX + 1;
	assert_int_equal(pfg_stats_chart_replay(y, 30, 10, PFG_LOWER_IS_BETTER, &on, 0.95, th, &st,
						err, sizeof err), PFG_EINPUT);
	assert_non_null(strstr(err, "step scan"));
}

/* Figures of the chart over many benchmarks, as the analysis would run it:
 * the first baseline_runs runs approved as the baseline, then one run per
 * CI run fed to the chart; an alarm takes one confirmation rerun (the AR
 * process goes on, the rerun is fed too) and stands if the chart still
 * alarms; a better chart above its limit is a proposal. */
static void chart_many(unsigned long seed, size_t nb, const struct sim_scenario *sc,
		       size_t kb, const struct pfg_stats_chart_opts *o, size_t deadline,
		       struct sim_figures *f)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, seed);
	memset(f, 0, sizeof *f);
	f->benchmarks = nb;
	const double th[4] = { 5, 10, 20, 50 };
	double sum_first = 0;
	for (size_t b = 0; b < nb; b++) {
		double y[256], eff = gsl_ran_gaussian_ziggurat(rng, sc->cv);
		size_t n = 0, first = 0, prop = 0;
		struct pfg_stats_chart ch;
		for (size_t t = 1; t <= sc->runs && n + 2 < 256; t++) {
			struct pfg_stats_run run;
			double sum = 0;
			size_t cnt = 0;
			if (t > 1)
				eff = sim_ar_next(rng, sc, eff);
			sim_take(rng, sc, sim_level(sc, t), eff, &run, &sum, &cnt);
			y[n++] = run.mean;
			if (t < kb)
				continue;
			if (t == kb) {
				pfg_stats_chart_init(&ch, y, kb, PFG_LOWER_IS_BETTER, NULL, 0);
				continue;
			}
			struct pfg_stats_chart_state st;
			pfg_stats_chart_update(&ch, y, n, o, NULL, 0);
			pfg_stats_chart_read(&ch, o, 0.95, th, &st, NULL, 0);
			if (st.alarm) {
				eff = sim_ar_next(rng, sc, eff);
				sim_take(rng, sc, sim_level(sc, t), eff, &run, &sum, &cnt);
				y[n++] = run.mean;
				f->reruns++;
				pfg_stats_chart_update(&ch, y, n, o, NULL, 0);
				pfg_stats_chart_read(&ch, o, 0.95, th, &st, NULL, 0);
			}
			if (st.alarm) {
				first = t;
				break;
			}
			if (st.improved) {
				prop = t;
				break;
			}
		}
		f->alarmed += first || prop;
		f->alerted += first != 0;
		f->drifts += first != 0;
		f->proposals += prop != 0;
		if (first) {
			sum_first += (double)first;
			if (deadline && first <= deadline) {
				f->caught++;
				if (first > f->max_first)
					f->max_first = first;
			}
		}
		if (sc->step_at) {
			size_t dl = first >= sc->step_at ? first - sc->step_at : 7;
			f->delay_hist[dl < 7 && first ? dl : 7]++;
		}
	}
	f->mean_first = f->alerted ? sum_first / (double)f->alerted : 0;
	gsl_rng_free(rng);
}

/* Print the rate of alarmed unchanged benchmarks with its 95% interval
 * (Wilson). */
static void print_rate(const char *what, const struct sim_figures *f)
{
	double n = (double)f->benchmarks, p = (double)f->alarmed / n, z = 1.959964;
	double c = (p + z * z / (2 * n)) / (1 + z * z / n);
	double hw = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
	print_message("%s: alarmed %zu of %zu = %.2f%% [%.2f, %.2f] (alert %zu, proposal %zu)\n",
		      what, f->alarmed, f->benchmarks, 100 * p, 100 * fmax(0, c - hw),
		      100 * (c + hw), f->alerted, f->proposals);
}

/* Run the four figures of one chart setting and print them. */
static void chart_setting(const char *name, const struct pfg_stats_chart_opts *o, size_t nb,
			  struct sim_figures *ind, struct sim_figures *ar)
{
	struct sim_scenario sc = { .cv = 0.03, .phi = 0, .within = 0.004, .samples = 8,
				   .runs = 100 };
	struct sim_figures f;
	print_message("chart %s: k %.2f h %.1f h_better %.1f rho in [%.1f, %.1f] absorb_lag %zu\n",
		      name, o->k, o->h, o->h_better, o->rho_min, o->rho_max, o->absorb_lag);
	for (int a = 0; a < 2; a++) {
		sc.phi = a ? 0.5 : 0;
		sc.creep = 0, sc.step = 0, sc.step_at = 0;
		chart_many(11 + (unsigned long)a, nb, &sc, 10, o, 0, a ? ar : ind);
		print_rate(a ? "  unchanged, AR(1) 0.5" : "  unchanged, independent", a ? ar : ind);
		struct sim_scenario cr = sc;
		cr.creep = 0.005;
		cr.creep_from = 10;
		chart_many(13 + (unsigned long)a, 300, &cr, 10, o, 40, &f);
		print_message("    creep caught by run 40: %zu/300 (latest %zu)\n", f.caught,
			      f.max_first);
		struct sim_scenario st = sc;
		st.step = 0.10;
		st.step_at = 30;
		chart_many(15 + (unsigned long)a, 300, &st, 10, o, 35, &f);
		size_t w5 = 0;
		for (int i = 0; i <= 5; i++)
			w5 += f.delay_hist[i];
		print_message("    step within 5 runs: %zu/300; delays 0..6, later/never: %zu %zu "
			      "%zu %zu %zu %zu %zu %zu\n", w5, f.delay_hist[0], f.delay_hist[1],
			      f.delay_hist[2], f.delay_hist[3], f.delay_hist[4], f.delay_hist[5],
			      f.delay_hist[6], f.delay_hist[7]);
	}
}

/* The chart at its defaults meets the false-alarm target under both
 * noises (asserted); the other figures and the frontier are printed. */
static void test_chart_history(void **state)
{
	(void)state;
	struct pfg_stats_chart_opts o;
	struct sim_figures ind, ar;
	pfg_stats_chart_opts_init(&o);
	chart_setting("defaults", &o, 2000, &ind, &ar);
	assert_true(ind.alarmed <= 20); /* <= 1% of 2000 */
	assert_true(ar.alarmed <= 20);
	/* The frontier: faster detection costs false alarms under AR(1). */
	o.k = 0.5, o.h = 5, o.h_better = 7, o.rho_min = 0.3, o.rho_max = 0.9;
	chart_setting("fast", &o, 1000, &ind, &ar);
	o.k = 0.75, o.h = 5, o.h_better = 7, o.rho_min = 0.5, o.rho_max = 0.5;
	chart_setting("rho 0.5, h 5", &o, 1000, &ind, &ar);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_compare_balanced),
		cmocka_unit_test(test_runs_compare_one_run),
		cmocka_unit_test(test_ar1_inflation),
		cmocka_unit_test(test_noise_from_history),
		cmocka_unit_test(test_precision),
		cmocka_unit_test(test_cusum),
		cmocka_unit_test(test_calibration_per_run),
		cmocka_unit_test(test_history_targets),
		cmocka_unit_test(test_chart),
		cmocka_unit_test(test_chart_step_scan),
		cmocka_unit_test(test_chart_history),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
