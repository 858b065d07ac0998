/* analysis.c: judge a benchmark's samples against its approved baseline,
 * and keep its history honest: alerts, recoveries, drift, change points,
 * and new baselines proposed (never approved) after a sustained shift. */
#include "perfguard/analysis.h"

#include "perfguard/alerts.h"
#include "perfguard/stats.h"
#include "perfguard/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The run means of bench in env since the baseline's last run (the newest
 * PFG_ANALYSIS_HISTORY_MAX), oldest first, into *y (free it) and *m. */
static int means_since(struct pfg_store *st, int64_t bench_id, int64_t env_id,
		       const struct pfg_baseline *b, double **y, size_t *m, char *err,
		       size_t errlen)
{
	struct pfg_mean_row *rows;
	size_t n;
	*m = 0;
	*y = NULL;
	if (pfg_store_series_tail(st, bench_id, env_id, PFG_ANALYSIS_HISTORY_MAX, &rows, &n,
				   err, errlen))
		return PFG_ERUNTIME;
	*y = pfg_xcalloc(n + 1, sizeof **y);
	int64_t last = b->runs[b->n_runs - 1];
	for (size_t i = 0; i < n; i++)
		if (rows[i].run_id > last)
			(*y)[(*m)++] = rows[i].mean;
	free(rows);
	return PFG_OK;
}

/* The between-run noise of the runs since the baseline, when there are at
 * least PFG_ANALYSIS_HISTORY_MIN: robust to a shift or a creep among them
 * (pfg_stats_noise_from_history, lag 3), with their autocorrelation. */
static int history_noise(struct pfg_analysis *a, char *err, size_t errlen)
{
	double *y;
	size_t m;
	if (means_since(a->st, a->bench_id, a->env_id, &a->baseline, &y, &m, err, errlen))
		return PFG_ERUNTIME;
	a->has_noise = m >= PFG_ANALYSIS_HISTORY_MIN &&
		       pfg_stats_noise_from_history(y, m, 3, &a->noise, NULL, 0) == 0;
	free(y);
	return PFG_OK;
}

/* The mean square of the lag-lag differences of y[0..m) relative to level,
 * about their median and winsorized at 4 robust sds (1.4826 MAD), into
 * *sq; their count into *n. A creep shifts every difference (the median
 * takes it out), a step makes a few wild ones (clipped). */
static void diff_spread(const double *y, size_t m, size_t lag, double level, double *sq,
			size_t *n)
{
	*sq = 0;
	*n = 0;
	if (m < lag + 3 || level == 0)
		return;
	size_t k = m - lag;
	double *d = pfg_xcalloc(k, sizeof *d);
	for (size_t t = lag; t < m; t++)
		d[t - lag] = (y[t] - y[t - lag]) / level;
	struct pfg_stats_summary s;
	if (pfg_stats_summarize(d, k, &s, NULL, 0) == 0) {
		double clip = 4 * 1.4826 * s.mad, ss = 0;
		for (size_t i = 0; i < k; i++) {
			double c = fmax(-clip, fmin(clip, d[i] - s.median));
			ss += c * c;
		}
		*sq = ss / (double)k;
		*n = k;
	}
	free(d);
}

int pfg_analysis_machine_estimate(struct pfg_store *st, int64_t env_id,
				  const int64_t *bench_ids, size_t n, size_t skip_newest,
				  struct pfg_analysis_machine *out, char *err, size_t errlen)
{
	double sum1 = 0, sum2 = 0;
	size_t nd2 = 0;
	int rc = PFG_OK;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n && rc == PFG_OK; i++) {
		struct pfg_baseline b;
		rc = pfg_store_baseline_approved(st, bench_ids[i], env_id, &b, err, errlen);
		if (rc == PFG_ENOTFOUND) {
			rc = PFG_OK;
			continue;
		}
		if (rc)
			return PFG_ERUNTIME;
		double *y, sq1, sq2, level = b.stats.mean;
		size_t m, n1, n2;
		rc = means_since(st, bench_ids[i], env_id, &b, &y, &m, err, errlen);
		pfg_baseline_release(&b);
		/* Short histories bias the differences' spreads: leave them out. */
		m = m >= skip_newest + PFG_ANALYSIS_HISTORY_MIN ? m - skip_newest : 0;
		diff_spread(y, m, 1, level, &sq1, &n1);
		diff_spread(y, m, 2, level, &sq2, &n2);
		free(y);
		/* Each benchmark's mean squares weighted by its differences. */
		if (n1 && n2 && sq1 > 0) {
			sum1 += sq1 * (double)n2;
			sum2 += sq2 * (double)n2;
			nd2 += n2;
		}
	}
	/* E d1^2 = 2 sigma^2 (1 - rho), E d2^2 = 2 sigma^2 (1 - rho^2). */
	if (rc == PFG_OK && nd2 > 0 && sum1 > 0) {
		out->rho = fmax(0.0, fmin(0.9, sum2 / sum1 - 1));
		out->pairs = nd2;
	}
	return rc == PFG_OK ? PFG_OK : PFG_ERUNTIME;
}

int pfg_analysis_begin(struct pfg_analysis *a, const struct pfg_config *cfg,
		   const struct pfg_benchmark_cfg *bench, struct pfg_store *st,
		   int64_t run_id, int64_t env_id, int64_t bench_id, char *err,
		   size_t errlen)
{
	memset(a, 0, sizeof *a);
	a->cfg = cfg;
	a->bench = bench;
	a->st = st;
	a->run_id = run_id;
	a->env_id = env_id;
	a->bench_id = bench_id;
	int rc = pfg_store_baseline_approved(st, bench_id, env_id, &a->baseline, NULL, 0);
	if (rc == PFG_ENOTFOUND)
		return PFG_OK;
	if (rc)
		return pfg_error(err, errlen, rc, "cannot read the baseline of %s", bench->id);
	a->has_baseline = 1;
	rc = pfg_store_baseline_samples(st, a->baseline.id, &a->base, &a->n_base, err,
					errlen);
	if (rc)
		return rc;
	/* Each baseline run summarised, for run means. */
	a->base_runs = pfg_xcalloc(a->baseline.n_runs, sizeof *a->base_runs);
	for (size_t i = 0; i < a->baseline.n_runs && rc == PFG_OK; i++) {
		double *v;
		size_t nv;
		rc = pfg_store_samples(st, a->baseline.runs[i], bench_id, &v, &nv, err, errlen);
		if (rc == PFG_OK && pfg_stats_run_of(v, nv, &a->base_runs[a->k], NULL, 0) == 0)
			a->k++;
		if (rc == PFG_OK)
			free(v);
	}
	return rc ? rc : history_noise(a, err, errlen);
}

void pfg_analysis_release(struct pfg_analysis *a)
{
	pfg_baseline_release(&a->baseline);
	free(a->base);
	free(a->base_runs);
	memset(a, 0, sizeof *a);
}

/* The comparison options for this benchmark: the config's statistics with
 * its direction and the suite's thresholds. */
static void compare_opts(const struct pfg_analysis *a, struct pfg_stats_compare_opts *o)
{
	*o = a->cfg->analysis.compare;
	o->direction = a->bench->direction;
	o->thresholds[0] = a->cfg->thresholds.minor;
	o->thresholds[1] = a->cfg->thresholds.moderate;
	o->thresholds[2] = a->cfg->thresholds.major;
	o->thresholds[3] = a->cfg->thresholds.critical;
}

/* Count the failed runs (value 100) of an error_rate sample. */
static unsigned long count_failed(const double *v, size_t n)
{
	unsigned long failed = 0;
	for (size_t i = 0; i < n; i++)
		failed += v[i] > 50;
	return failed;
}

/* Error rates: Fisher's exact test; the change is in percentage points. */
static void compare_error_rate(const struct pfg_analysis *a, const double *cur, size_t n,
			       struct pfg_comparison *c)
{
	struct pfg_stats_compare_opts o;
	compare_opts(a, &o);
	unsigned long fb = count_failed(a->base, a->n_base), fc = count_failed(cur, n);
	double p = 1;
	pfg_stats_fisher_exact(fb, a->n_base, fc, n, &p, NULL, 0);
	snprintf(c->test, sizeof c->test, "fisher");
	c->estimate_base = 100.0 * fb / (double)a->n_base;
	c->estimate_current = 100.0 * fc / (double)n;
	c->change_pct = c->estimate_current - c->estimate_base;
	c->ci_low_pct = c->ci_high_pct = c->change_pct;
	c->p_value = p;
	c->mde_pct = 0;
	int significant = p < o.alpha;
	c->verdict = pfg_stats_verdict_of(significant, c->change_pct, 0, o.thresholds[0]);
	c->severity = c->verdict == PFG_VERDICT_REGRESSION ?
		      pfg_stats_severity_of(c->change_pct, o.thresholds) : PFG_SEVERITY_NONE;
}

/* Copy what a comparison of the statistics module found (r: a struct
 * pfg_stats_compare_result or pfg_stats_runs_result, which share these
 * fields) into comparison c; an infinite MDE is stored as -1. */
#define COPY_RESULT(c, r)                                                    \
	do {                                                                 \
		(c)->n_base = (r).n_base;                                    \
		(c)->n_current = (r).n_current;                              \
		(c)->estimate_base = (r).estimate_base;                      \
		(c)->estimate_current = (r).estimate_current;                \
		(c)->change_pct = (r).change_pct;                            \
		(c)->ci_low_pct = (r).ci_low_pct;                            \
		(c)->ci_high_pct = (r).ci_high_pct;                          \
		(c)->p_value = (r).p_value;                                  \
		(c)->mde_pct = isfinite((r).mde_pct) ? (r).mde_pct : -1;     \
		(c)->verdict = (r).verdict;                                  \
		(c)->severity = (r).severity;                                \
	} while (0)

/* Runs against a baseline of several runs: the current samples cut into
 * runs of a->run_len, compared by run means with a two-level model, so
 * that the machine's run-to-run noise is not taken for a change. */
static void compare_runs(const struct pfg_analysis *a, const double *cur, size_t n,
			 struct pfg_comparison *c)
{
	size_t len = a->run_len && a->run_len < n ? a->run_len : n;
	size_t m = (n + len - 1) / len;
	struct pfg_stats_run *runs = pfg_xcalloc(m, sizeof *runs);
	for (size_t i = 0; i < m; i++)
		pfg_stats_run_of(cur + i * len, i + 1 < m ? len : n - i * len, &runs[i], NULL,
				 0);
	struct pfg_stats_runs_opts o;
	pfg_stats_runs_opts_init(&o);
	struct pfg_stats_compare_opts co;
	compare_opts(a, &co);
	o.confidence = co.confidence;
	o.direction = co.direction;
	o.history = a->has_noise && a->k < 2 ? &a->noise : NULL;
	memcpy(o.thresholds, co.thresholds, sizeof o.thresholds);
	struct pfg_stats_runs_result r;
	snprintf(c->test, sizeof c->test, "runs");
	int rc = pfg_stats_runs_compare(a->base_runs, a->k, runs, m, &o, &r, c->reason,
					sizeof c->reason);
	free(runs);
	if (rc) {
		c->verdict = PFG_VERDICT_NOT_COMPARABLE;
		return;
	}
	COPY_RESULT(c, r);
	pfg_stats_runs_describe(&r, c->basis, sizeof c->basis);
}

void pfg_analysis_compare(const struct pfg_analysis *a, const double *cur, size_t n,
		      struct pfg_comparison *c)
{
	memset(c, 0, sizeof *c);
	c->run_id = a->run_id;
	c->bench_id = a->bench_id;
	c->n_current = n;
	c->severity = PFG_SEVERITY_NONE;
	if (!a->has_baseline) {
		snprintf(c->test, sizeof c->test, "none");
		c->verdict = PFG_VERDICT_NO_BASELINE;
		return;
	}
	c->baseline_id = a->baseline.id;
	c->n_base = a->n_base;
	if (a->bench->type == PFG_TYPE_ERROR_RATE) {
		compare_error_rate(a, cur, n, c);
		return;
	}
	if (a->k >= 2 || (a->k == 1 && a->has_noise)) {
		compare_runs(a, cur, n, c);
		return;
	}
	struct pfg_stats_compare_opts o;
	struct pfg_stats_compare_result r;
	compare_opts(a, &o);
	snprintf(c->test, sizeof c->test, "%s", pfg_stats_test_name(o.test));
	if (pfg_stats_compare(a->base, a->n_base, cur, n, &o, &r, c->reason,
			      sizeof c->reason) != 0) {
		/* Too few values, a baseline of zero, values too large: nothing
		 * can be said, and c->reason says why. */
		c->verdict = PFG_VERDICT_NOT_COMPARABLE;
		return;
	}
	COPY_RESULT(c, r);
}

/* The newest alert of this kind that still covers comparison c of the
 * benchmark (pfg_alert_covers; c NULL: any open or dismissed alert not
 * recovered nor fixed), or 0. *passed gets the newest dismissed alert that
 * c went past (a worse regression than was dismissed), or 0. */
static int64_t covering_alert(const struct pfg_analysis *a, enum pfg_alert_kind kind,
			      const struct pfg_comparison *c, int64_t *passed)
{
	struct pfg_alert_filter f = { .kinds = 1u << kind, .bench_id = a->bench_id };
	struct pfg_alert *alerts;
	size_t n;
	int64_t id = 0;
	if (passed)
		*passed = 0;
	if (pfg_store_alerts(a->st, &f, &alerts, &n, NULL, 0))
		return 0;
	for (size_t i = 0; i < n && !id; i++) {
		const struct pfg_alert *al = &alerts[i];
		if (al->env_id != a->env_id || al->recovered_run_id ||
		    al->state == PFG_ALERT_FIXED)
			continue;
		if (!c || pfg_alert_covers(al, c))
			id = al->id;
		else if (passed && !*passed)
			*passed = al->id;
	}
	pfg_alerts_free(alerts, n);
	return id;
}

/* Raise (or find the alert that already covers) a regression. */
static int record_regression(struct pfg_analysis *a, struct pfg_comparison *c,
			     struct pfg_analysis_changes *out, char *err, size_t errlen)
{
	enum pfg_alert_kind kind = a->bench->type == PFG_TYPE_ERROR_RATE ?
				   PFG_ALERT_ERROR_RATE : PFG_ALERT_REGRESSION;
	int64_t passed;
	c->alert_id = covering_alert(a, kind, c, &passed);
	if (c->alert_id)
		return PFG_OK;
	char detail[320], beyond[96] = "";
	if (passed)
		snprintf(beyond, sizeof beyond, "; worse than dismissed alert %lld",
			 (long long)passed);
	snprintf(detail, sizeof detail, "%s: %+.1f%s against baseline %lld (p = %.2g)%s%s",
		 a->bench->id, c->change_pct,
		 a->bench->type == PFG_TYPE_ERROR_RATE ? " points of failed runs" : "%",
		 (long long)c->baseline_id, c->p_value,
		 c->confirm_runs ? ", confirmed by a rerun" : "", beyond);
	struct pfg_alert al = {
		.bench_id = a->bench_id, .env_id = a->env_id, .run_id = a->run_id,
		.baseline_id = c->baseline_id, .change_pct = c->change_pct,
		.ci_low_pct = c->ci_low_pct, .ci_high_pct = c->ci_high_pct,
		.p_value = c->p_value, .detail = detail, .kind = kind,
		.severity = c->severity,
	};
	if (pfg_store_alert_add(a->st, &al, &c->alert_id, err, errlen))
		return PFG_ERUNTIME;
	out->alert_id = c->alert_id;
	return PFG_OK;
}

/* Mark open regression alerts of this benchmark recovered by this run. */
static int record_recovery(struct pfg_analysis *a, struct pfg_analysis_changes *out,
			   enum pfg_alert_kind kind, char *err, size_t errlen)
{
	struct pfg_alert_filter f = { .states = PFG_ALERT_OPEN_STATES, .kinds = 1u << kind,
				      .bench_id = a->bench_id };
	struct pfg_alert *alerts;
	size_t n;
	if (pfg_store_alerts(a->st, &f, &alerts, &n, err, errlen))
		return PFG_ERUNTIME;
	int rc = PFG_OK;
	for (size_t i = 0; i < n && !rc; i++) {
		if (alerts[i].env_id != a->env_id || alerts[i].recovered_run_id)
			continue;
		rc = pfg_store_alert_recover(a->st, alerts[i].id, a->run_id, err, errlen);
		out->n_recovered += rc == PFG_OK;
	}
	pfg_alerts_free(alerts, n);
	return rc;
}

/* The benchmark's history in this environment, oldest first: the mean and
 * run id of every successful result, this run's included (it is stored
 * before the analysis). */
struct history {
	double *means;
	int64_t *runs;
	size_t n;
};

/* Change points are found over the latest this many runs (and at least
 * the drift window and a rebaseline's span): a run's cost does not grow
 * with the history. The points found are exactly those of a computation
 * over the same runs; points older than the window stay as stored. */
#define HISTORY_WINDOW 200

/* How many of the latest runs the analysis reads: HISTORY_WINDOW, or
 * more when the drift window or rebaseline_after needs them. */
static size_t history_window(const struct pfg_analysis *a)
{
	size_t w = HISTORY_WINDOW;
	if ((size_t)a->cfg->analysis.drift_window > w)
		w = (size_t)a->cfg->analysis.drift_window;
	if ((size_t)a->cfg->analysis.rebaseline_after + 1 > w)
		w = (size_t)a->cfg->analysis.rebaseline_after + 1;
	return w;
}

/* Load the recent history of a's benchmark (history_window() runs) into h. */
static int history_load(struct pfg_analysis *a, struct history *h, char *err, size_t errlen)
{
	struct pfg_mean_row *rows;
	memset(h, 0, sizeof *h);
	if (pfg_store_series_tail(a->st, a->bench_id, a->env_id, history_window(a), &rows,
				   &h->n, err, errlen))
		return PFG_ERUNTIME;
	h->means = pfg_xcalloc(h->n ? h->n : 1, sizeof *h->means);
	h->runs = pfg_xcalloc(h->n ? h->n : 1, sizeof *h->runs);
	for (size_t i = 0; i < h->n; i++) {
		h->means[i] = rows[i].mean;
		h->runs[i] = rows[i].run_id;
	}
	free(rows);
	return PFG_OK;
}

/* The chart's autocorrelation lies within the machine's plus these: the
 * pooled estimate runs about 0.04 low under AR(1) 0.5 (test_history.c). */
#define MACHINE_RHO_BELOW -0.05
#define MACHINE_RHO_ABOVE 0.15

/* The history chart's options from the config: drift_limit and
 * drift_window (runs before a run joins the chart's reference). */
static void chart_opts(const struct pfg_analysis *a, struct pfg_stats_chart_opts *o)
{
	pfg_stats_chart_opts_init(o);
	o->h = a->cfg->analysis.drift_limit;
	o->h_better = a->cfg->analysis.drift_limit + 4;
	o->absorb_lag = (size_t)a->cfg->analysis.drift_window;
	/* The machine's autocorrelation, when the suite's histories tell it,
	 * replaces the chart's assumption of at least 0.5. */
	const struct pfg_analysis_machine *mc = a->machine;
	if (mc && mc->pairs >= PFG_ANALYSIS_MACHINE_PAIRS_MIN) {
		o->rho_min = fmax(0.0, mc->rho - MACHINE_RHO_BELOW);
		o->rho_max = fmin(0.9, fmax(o->rho_min, mc->rho + MACHINE_RHO_ABOVE));
	}
}

/* Read the history chart (chart.c) of a's benchmark into *st: the
 * baseline's run means, then every run after its last one, this run
 * included. A baseline of fewer than 3 runs lends the chart its first runs
 * since. Returns 1 when the chart said something, 0 when the history is
 * still too short. */
static int chart_read(const struct pfg_analysis *a, const struct history *h,
		      struct pfg_stats_chart_state *st)
{
	size_t k = a->k ? a->k : 1, s = 0;
	int64_t last = a->baseline.runs[a->baseline.n_runs - 1];
	while (s < h->n && h->runs[s] <= last)
		s++;
	size_t n = k + h->n - s, start = k < 3 ? 3 : k;
	if (n <= start)
		return 0;
	double *y = pfg_xcalloc(n, sizeof *y);
	for (size_t i = 0; i < k; i++)
		y[i] = a->k ? a->base_runs[i].mean : a->baseline.stats.mean;
	memcpy(y + k, h->means + s, (h->n - s) * sizeof *y);
	struct pfg_stats_chart_opts o;
	struct pfg_stats_compare_opts co;
	chart_opts(a, &o);
	compare_opts(a, &co);
	int ok = pfg_stats_chart_replay(y, n, start, a->bench->direction, &o, co.confidence,
					co.thresholds, st, NULL, 0) == 0;
	free(y);
	return ok;
}

/* Drift: the history chart alarms on a lasting shift or a creep that
 * reaches the minor threshold; the alert carries the interval of the
 * change accumulated over the chart's excursion. */
static int record_drift(struct pfg_analysis *a, struct pfg_analysis_changes *out,
			const struct pfg_stats_chart_state *st, char *err, size_t errlen)
{
	if (!st->alarm || st->worse_pct < a->cfg->thresholds.minor)
		return record_recovery(a, out, PFG_ALERT_DRIFT, err, errlen);
	/* An alert covers the drift, unless it was dismissed at a lower
	 * severity than the drift has reached since. */
	int64_t id = covering_alert(a, PFG_ALERT_DRIFT, NULL, NULL);
	struct pfg_alert prev = { 0 };
	if (id && pfg_store_alert_get(a->st, id, &prev, NULL, NULL, err, errlen))
		return PFG_ERUNTIME;
	int passed = id && pfg_alert_state_is_dismissed(prev.state) &&
		     st->severity > prev.severity;
	pfg_alert_release(&prev);
	if (id && !passed)
		return PFG_OK;
	char detail[360], beyond[64] = "";
	if (passed)
		snprintf(beyond, sizeof beyond, "; worse than dismissed alert %lld",
			 (long long)id);
	struct pfg_stats_chart_opts o;
	chart_opts(a, &o);
	snprintf(detail, sizeof detail, "%s: %+.1f%% [%+.1f%%, %+.1f%%] over the last %zu runs "
		 "against baseline %lld (%s %.1f above its limit %.1f; "
		 "between-run noise %.1f%%, autocorrelation %.2f)%s", a->bench->id,
		 st->change_pct, st->ci_low_pct, st->ci_high_pct, st->runs,
		 (long long)a->baseline.id, st->step ? "step scan" : "history chart",
		 st->step ? st->step_statistic : st->statistic, st->step ? o.step_limit : o.h,
		 st->sd_pct, st->rho, beyond);
	struct pfg_alert al = {
		.bench_id = a->bench_id, .env_id = a->env_id, .run_id = a->run_id,
		.baseline_id = a->baseline.id, .change_pct = st->change_pct,
		.ci_low_pct = st->ci_low_pct, .ci_high_pct = st->ci_high_pct,
		.p_value = st->p_value, .detail = detail, .kind = PFG_ALERT_DRIFT,
		.severity = st->severity,
	};
	return pfg_store_alert_add(a->st, &al, &out->drift_alert_id, err, errlen);
}

/* Nonzero when a proposed baseline of this benchmark is waiting for a person. */
static int proposal_pending(struct pfg_analysis *a)
{
	struct pfg_baseline_filter f = { .states = 1u << PFG_BASELINE_PROPOSED,
					 .bench_id = a->bench_id,
					 .env_id = a->env_id };
	struct pfg_baseline *b;
	size_t n;
	if (pfg_store_baselines(a->st, &f, &b, &n, NULL, 0))
		return 1;
	pfg_baselines_free(b, n);
	return n > 0;
}

/* Propose a baseline of runs[0..n) for this benchmark. */
static int propose(struct pfg_analysis *a, struct pfg_analysis_changes *out,
		   const int64_t *runs, size_t n, const char *reason, int approve,
		   char *err, size_t errlen)
{
	double *all = NULL;
	size_t n_all = 0;
	for (size_t i = 0; i < n; i++) {
		double *v;
		size_t nv;
		if (pfg_store_samples(a->st, runs[i], a->bench_id, &v, &nv, err, errlen)) {
			free(all);
			return PFG_ERUNTIME;
		}
		all = pfg_xrealloc(all, (n_all + nv + 1) * sizeof *all);
		if (nv) /* a run stored without samples has none to add */
			memcpy(all + n_all, v, nv * sizeof *v);
		n_all += nv;
		free(v);
	}
	struct pfg_stats_summary s;
	int rc = pfg_stats_summarize(all, n_all, &s, err, errlen);
	free(all);
	if (rc)
		return rc;
	struct pfg_baseline_stats bs = { s.n, s.mean, s.median, s.stddev };
	rc = pfg_store_baseline_propose(a->st, a->bench_id, a->env_id, runs, n, &bs,
					reason, "perfguard", &out->baseline_id, err, errlen);
	if (rc == PFG_OK && approve)
		rc = pfg_store_baseline_decide(a->st, out->baseline_id, PFG_BASELINE_APPROVED,
					       "perfguard", "auto_baseline: approve",
					       err, errlen);
	return rc;
}

/* The first baseline: once the history holds baseline_runs successful
 * runs, propose them (or approve, with auto_baseline approve). */
static int propose_first(struct pfg_analysis *a, struct pfg_analysis_changes *out,
			 char *err, size_t errlen)
{
	size_t want = (size_t)a->cfg->analysis.baseline_runs;
	if (want <= 1)
		return propose(a, out, &a->run_id, 1, "first run",
			       a->cfg->analysis.auto_approve, err, errlen);
	struct pfg_result_row *rows;
	size_t n;
	if (pfg_store_series(a->st, a->bench_id, a->env_id, want, &rows, &n, err, errlen))
		return PFG_ERUNTIME;
	int rc = PFG_OK;
	if (n >= want) {
		int64_t *runs = pfg_xcalloc(n, sizeof *runs);
		for (size_t i = 0; i < n; i++)
			runs[i] = rows[i].run_id;
		char reason[64];
		snprintf(reason, sizeof reason, "first %zu runs", n);
		rc = propose(a, out, runs, n, reason, a->cfg->analysis.auto_approve, err,
			     errlen);
		free(runs);
	}
	pfg_result_rows_free(rows, n);
	return rc;
}

/* Change points over the recent history (history_window()), stored in
 * place of those stored from its first run on; and a new baseline
 * proposed after a sustained shift: a change point after the approved
 * baseline that has held rebaseline_after runs, when the history chart
 * (st, NULL when it could not say) also says the level moved. */
static int record_history(struct pfg_analysis *a, struct pfg_analysis_changes *out,
			  const struct history *h, const struct pfg_stats_chart_state *st,
			  char *err, size_t errlen)
{
	const double *y = h->means;
	const int64_t *runs = h->runs;
	size_t n = h->n;
	struct pfg_stats_cp_opts o;
	pfg_stats_cp_opts_init(&o);
	o.min_magnitude = a->cfg->thresholds.minor / 100;
	struct pfg_stats_change_point *cps = NULL;
	size_t ncp = 0;
	int rc = pfg_stats_change_points(y, n, &o, &cps, &ncp, err, errlen);
	if (rc == PFG_OK) {
		struct pfg_change_point_row *rows = pfg_xcalloc(ncp, sizeof *rows);
		for (size_t i = 0; i < ncp; i++)
			rows[i] = (struct pfg_change_point_row){
				runs[cps[i].index], cps[i].mean_before, cps[i].mean_after,
				cps[i].change_pct, cps[i].p_value };
		rc = pfg_store_change_points_put(a->st, a->bench_id, a->env_id,
						 n ? runs[0] : 0, rows, ncp, err, errlen);
		free(rows);
	}
	size_t after = (size_t)a->cfg->analysis.rebaseline_after;
	if (rc == PFG_OK && ncp > 0 && st && (st->alarm || st->improved)) {
		size_t first = cps[ncp - 1].index;
		int64_t base_last = a->baseline.runs[a->baseline.n_runs - 1];
		if (n - first == after && runs[first] > base_last && !proposal_pending(a)) {
			char reason[128];
			snprintf(reason, sizeof reason, "sustained shift: change point at run "
				 "%lld (%+.1f%%), held for %zu runs", (long long)runs[first],
				 cps[ncp - 1].change_pct, after);
			rc = propose(a, out, runs + first, after, reason, 0, err, errlen);
		}
	}
	pfg_stats_change_points_free(cps);
	return rc;
}

/* A sustained improvement (the history chart's better side above its
 * limit, by at least the minor threshold, for rebaseline_after runs or
 * more): propose the improved level, the last rebaseline_after runs. */
static int record_improvement(struct pfg_analysis *a, struct pfg_analysis_changes *out,
			      const struct history *h, const struct pfg_stats_chart_state *st,
			      char *err, size_t errlen)
{
	double better = a->bench->direction == PFG_HIGHER_IS_BETTER ? st->better_change_pct :
								     -st->better_change_pct;
	size_t n = (size_t)a->cfg->analysis.rebaseline_after;
	if (!st->improved || better < a->cfg->thresholds.minor || st->better_runs < n ||
	    n > h->n || proposal_pending(a))
		return PFG_OK;
	char reason[160];
	snprintf(reason, sizeof reason, "sustained improvement: %+.1f%% [%+.1f%%, %+.1f%%] "
		 "over the last %zu runs (history chart)", st->better_change_pct,
		 st->better_ci_low_pct, st->better_ci_high_pct, st->better_runs);
	return propose(a, out, h->runs + h->n - n, n, reason, 0, err, errlen);
}

int pfg_analysis_record(struct pfg_analysis *a, struct pfg_comparison *c,
			struct pfg_analysis_changes *out, char *err, size_t errlen)
{
	int rc = PFG_OK;
	memset(out, 0, sizeof *out);
	if (!a->has_baseline) {
		struct pfg_baseline_filter f = { .bench_id = a->bench_id, .env_id = a->env_id };
		struct pfg_baseline *b;
		size_t n;
		rc = pfg_store_baselines(a->st, &f, &b, &n, err, errlen);
		if (rc == PFG_OK) {
			pfg_baselines_free(b, n);
			if (n == 0)
				rc = propose_first(a, out, err, errlen);
		}
	} else if (c->verdict == PFG_VERDICT_REGRESSION) {
		rc = record_regression(a, c, out, err, errlen);
	} else {
		rc = record_recovery(a, out, a->bench->type == PFG_TYPE_ERROR_RATE ?
				     PFG_ALERT_ERROR_RATE : PFG_ALERT_REGRESSION, err, errlen);
	}
	if (rc == PFG_OK)
		rc = pfg_store_comparison_put(a->st, c, err, errlen);
	if (rc == PFG_OK && a->bench->type != PFG_TYPE_ERROR_RATE) {
		struct history h;
		struct pfg_stats_chart_state st;
		rc = history_load(a, &h, err, errlen);
		int charted = rc == PFG_OK && a->has_baseline && chart_read(a, &h, &st);
		if (charted)
			rc = record_drift(a, out, &st, err, errlen);
		if (rc == PFG_OK)
			rc = record_history(a, out, &h, charted ? &st : NULL, err, errlen);
		if (rc == PFG_OK && charted && !out->baseline_id)
			rc = record_improvement(a, out, &h, &st, err, errlen);
		free(h.means);
		free(h.runs);
	}
	return rc;
}
