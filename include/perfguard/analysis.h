/* analysis.h: judge a benchmark's results against its approved baseline,
 * and keep its history honest.
 *
 * After the engine stores a benchmark's result, the analysis compares it
 * with the approved baseline of the same environment (confirmation reruns
 * are the engine's: it calls compare again on the combined samples), then
 * records what the comparison means: a first baseline proposed, a
 * regression alert raised (or the one covering it named, see alerts.h),
 * open alerts recovered, drift, change points of the history, and a new
 * baseline proposed after a sustained shift. It never prints. */
#ifndef PERFGUARD_ANALYSIS_H
#define PERFGUARD_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "perfguard/config.h"
#include "perfguard/stats.h"
#include "perfguard/store.h"

/* The autocorrelation of run means on this machine, pooled over the
 * suite's benchmarks: a shared CI host's slow hour slows every benchmark's
 * runs, so it is a property of the machine, and one benchmark's history is
 * too short to tell it (see pfg_analysis_machine_estimate). */
struct pfg_analysis_machine {
	double rho;     /* lag-1 autocorrelation, from the pooled lag-1 and
	                 * lag-2 differences; robust to a shift or a creep */
	size_t pairs;   /* lag-2 differences it came from */
};

/* Lag-2 differences the machine's estimate needs before the history chart
 * trusts it over its default assumption of autocorrelation. */
#define PFG_ANALYSIS_MACHINE_PAIRS_MIN 150

/* Estimate the machine's autocorrelation in env_id from the runs since the
 * approved baseline (the newest PFG_ANALYSIS_HISTORY_MAX, but for the
 * newest skip_newest: a shift in progress must not colour it, pass
 * drift_window) of each benchmark bench_ids[0..n) that has one. Returns 0
 * or PFG_ERUNTIME. */
int pfg_analysis_machine_estimate(struct pfg_store *st, int64_t env_id,
				  const int64_t *bench_ids, size_t n, size_t skip_newest,
				  struct pfg_analysis_machine *out, char *err, size_t errlen);

/* What the analysis of one benchmark in one run knows. Fill with
 * pfg_analysis_begin(), free with pfg_analysis_release(). */
struct pfg_analysis {
	const struct pfg_config *cfg;
	const struct pfg_benchmark_cfg *bench;
	struct pfg_store *st;
	int64_t run_id, env_id, bench_id;
	int has_baseline;            /* an approved baseline exists */
	struct pfg_baseline baseline;
	double *base;                /* its samples */
	size_t n_base;
	struct pfg_stats_run *base_runs; /* its runs summarised: with 2 or more,
				     or 1 and the history's noise, runs are
				     compared by their means against the
				     between-run noise */
	size_t k;                    /* base_runs' count */
	int has_noise;               /* noise holds the between-run noise of
				        the runs since the baseline */
	struct pfg_stats_noise noise;
	const struct pfg_analysis_machine *machine; /* NULL, or the machine's
				        autocorrelation (set after begin) */
	size_t run_len;              /* samples of one current run (the engine's
				        first pass; reruns repeat it); 0: all the
				        samples compared are one run */
};

/* The runs since the baseline whose run means estimate the between-run
 * noise: at least MIN, the newest MAX. */
#define PFG_ANALYSIS_HISTORY_MIN 10
#define PFG_ANALYSIS_HISTORY_MAX 50

/* What recording an analysis changed in the store. */
struct pfg_analysis_changes {
	int64_t alert_id;            /* a regression or error_rate alert raised, or 0 */
	int64_t drift_alert_id;      /* a drift alert raised, or 0 */
	int64_t baseline_id;         /* a baseline proposed (or auto-approved), or 0 */
	size_t n_recovered;          /* open alerts this run marked recovered */
};

/* Load the approved baseline of bench_id in env_id (if any) and its
 * samples. Returns 0, or PFG_ERUNTIME when the store failed; a must be
 * released either way. */
int pfg_analysis_begin(struct pfg_analysis *a, const struct pfg_config *cfg,
		       const struct pfg_benchmark_cfg *bench, struct pfg_store *st,
		       int64_t run_id, int64_t env_id, int64_t bench_id, char *err,
		       size_t errlen);

/* Compare cur[0..n) with the baseline into c (verdict NO_BASELINE when
 * there is none, NOT_COMPARABLE with c->reason when the statistics cannot
 * say). Reads nothing, writes nothing. */
void pfg_analysis_compare(const struct pfg_analysis *a, const double *cur, size_t n,
			  struct pfg_comparison *c);

/* Persist what comparison c means, after the result is stored: c itself
 * (its alert_id set to the alert that covers it), a first baseline, an
 * alert or recoveries, drift, change points, proposals. *changes says what
 * was added. Returns 0 or PFG_ERUNTIME. */
int pfg_analysis_record(struct pfg_analysis *a, struct pfg_comparison *c,
			struct pfg_analysis_changes *changes, char *err, size_t errlen);

void pfg_analysis_release(struct pfg_analysis *a);

#endif
