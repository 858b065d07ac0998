/* query.h: read models shared by every view (the dashboard, the CLI, and
 * later the reports): the suite's overview, a benchmark's trend and an
 * alert's detail, the samples behind a comparison and two runs compared.
 *
 * Contracts common to every model here:
 * - a load function fills a caller's struct from an open store and never
 *   writes to it (no row is added, no state changes);
 * - the struct is filled as far as it could be read even when the load
 *   returns an error, and must be released with its release function in
 *   every case (release on a zeroed struct is a no-op);
 * - every string and array in a model is owned by it;
 * - errors are 0 or a negative code (util.h) with err filled. */
#ifndef PERFGUARD_QUERY_H
#define PERFGUARD_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "perfguard/config.h"
#include "perfguard/stats.h"
#include "perfguard/store.h"

/* ---- The suite's overview ------------------------------------------------ */

/* Where a benchmark's baseline stands in the environment. */
enum pfg_query_baseline {
	PFG_QUERY_BASELINE_NONE,     /* neither approved nor proposed */
	PFG_QUERY_BASELINE_PROPOSED, /* a proposal waits, none approved */
	PFG_QUERY_BASELINE_APPROVED, /* one is approved (a proposal may wait too) */
};

/* The name of a baseline state: "none", "proposed", "approved". */
const char *pfg_query_baseline_name(enum pfg_query_baseline b);

/* One benchmark of the suite: the config's joined with the store's. */
struct pfg_query_bench {
	int64_t id;                   /* the store's id; -(k + 1) for the config's
				         k-th benchmark when it was never stored */
	char *component, *name, *full; /* full: "component/name" */
	char *unit;
	int in_config, in_store;
	size_t n_runs;                /* runs that stored a result for it */
	int has_latest;               /* the fields latest_* are set */
	int latest_ok;                /* the benchmark ran to the end */
	size_t latest_n;              /* samples of the latest result */
	int64_t latest_run;
	double latest_started_at, latest_mean;
	enum pfg_query_baseline baseline;
	int64_t approved_id, proposed_id;  /* 0: none (the newest of each) */
	double approved_mean, proposed_mean;
	size_t approved_n, proposed_n;
	int has_cmp;                  /* a comparison of the latest run with a
				         baseline (verdict not no_baseline) */
	double change_pct, ci_low, ci_high, p_value;
	int has_verdict;              /* a comparison was stored for the latest run */
	enum pfg_verdict verdict;
	enum pfg_severity severity;
	double *spark;                /* the latest run means, oldest first */
	size_t n_spark;               /* at most opts.spark */
	size_t open_alerts;           /* new, acknowledged or investigating */
	enum pfg_severity worst_severity; /* of the open alerts; NONE when none */
};

/* One alert row, in the overview's order. */
struct pfg_query_alert {
	int64_t id, bench_id, run_id;
	char *bench;                  /* "component/name" ("?" when unknown) */
	enum pfg_alert_kind kind;
	enum pfg_alert_state state;
	enum pfg_severity severity;
	double change_pct, created_at;
	int recovered;
};

/* What pfg_query_overview_load() reads beyond the benchmarks. */
struct pfg_query_overview_opts {
	int64_t env_id;   /* the environment; 0: this host's when the store knows
			     it, else that of the latest run */
	size_t spark;     /* run means per sparkline; 0: none (no query) */
	int gate;         /* judge the suite's state as `perfguard gate` does */
};

/* The suite: every benchmark, every alert and the header's facts. */
struct pfg_query_overview {
	struct pfg_query_bench *b;    /* ordered by component, then name */
	size_t n;
	struct pfg_query_alert *alerts; /* open first, then by severity, newest
					   first */
	size_t n_alerts;
	int64_t env_id;               /* 0: no environment known */
	int64_t last_run;             /* the latest finished run (complete or
				         failed); 0: none */
	double last_run_at;           /* the newest latest result's start */
	enum pfg_run_status last_status;
	int has_gate, gate_failed;    /* opts.gate and a run to judge */
	size_t gate_failing, gate_items;
	char *error;                  /* the first read that failed, or NULL */
	int64_t load_ns;              /* how long the load took */
};

/* Load the overview of the suite cfg (NULL: the store's benchmarks only)
 * from st (NULL: nothing stored yet, only the config's benchmarks). The
 * environment (opts->env_id) decides baselines, sparklines and nothing
 * else. Returns 0, or PFG_ERUNTIME when the store's benchmarks could not
 * be listed (err filled); reads of lesser parts that fail are left out
 * and the first is named in out->error. */
int pfg_query_overview_load(struct pfg_store *st, const struct pfg_config *cfg,
			    const struct pfg_query_overview_opts *opts,
			    struct pfg_query_overview *out, char *err, size_t errlen);
void pfg_query_overview_release(struct pfg_query_overview *ov);

/* The entry of "component/name" in ov, or NULL. */
const struct pfg_query_bench *pfg_query_overview_find(const struct pfg_query_overview *ov,
						      const char *full);

/* This host's environment when the store knows it, else that of the
 * latest run (a database from elsewhere); 0 when neither. Never adds one. */
int64_t pfg_query_environment(struct pfg_store *st);

/* ---- A benchmark's trend -------------------------------------------------- */

/* The history of one benchmark in one environment and its fit. */
struct pfg_query_trend {
	int64_t bench_id;
	char *unit;
	double *y;                    /* run means, oldest first */
	int64_t *run_ids;
	size_t n;
	int has_baseline;             /* an approved baseline in the environment */
	double baseline;              /* its mean */
	size_t *cps;                  /* indices into y where a stored change
				         point starts (those in the window) */
	double *cp_change;            /* their change % */
	size_t n_cps;
	int has_fit;                  /* at least 3 runs and a fit */
	double slope, r2, slope_p;    /* least squares over the index: unit/run */
	char *error;                  /* what could not be read, or NULL */
};

/* Load the latest limit (0: all) successful runs of bench_id in env_id,
 * its approved baseline, its stored change points and the least-squares
 * fit of y over the run index. unit is copied (NULL: ""). Returns 0, or
 * PFG_ERUNTIME when the history could not be read (err and out->error
 * filled, out->n 0). */
int pfg_query_trend_load(struct pfg_store *st, int64_t bench_id, int64_t env_id,
			 size_t limit, const char *unit, struct pfg_query_trend *out,
			 char *err, size_t errlen);
void pfg_query_trend_release(struct pfg_query_trend *t);

/* ---- An alert's detail ---------------------------------------------------- */

/* An alert with what its detail view shows. */
struct pfg_query_alert_detail {
	struct pfg_alert alert;
	struct pfg_alert_event *hist; /* oldest first */
	size_t n_hist;
	int has_cmp, has_base;
	struct pfg_comparison cmp;    /* of the alert's benchmark in its run */
	struct pfg_baseline base;     /* the alert's baseline (none for drift) */
	char *unit;
	int has_current;              /* the run's samples summarised */
	struct pfg_result_row current; /* n, mean, median, stddev, min, max, p95 */
};

/* Load alert id and its detail. unit is copied (NULL: ""). Returns 0,
 * PFG_ENOTFOUND when there is no such alert, or PFG_ERUNTIME (err filled);
 * the comparison, baseline and summary are left out when missing. */
int pfg_query_alert_detail_load(struct pfg_store *st, int64_t id, const char *unit,
				struct pfg_query_alert_detail *out, char *err,
				size_t errlen);
void pfg_query_alert_detail_release(struct pfg_query_alert_detail *d);

/* Describe comparison c in one sentence for people, into buf: "vs baseline
 * 1: +26.2% [+23.8%, +28.7%], p = 6.3e-10, regression (major), rerun 1
 * time to confirm", "no approved baseline yet", "... cannot be compared
 * (why)". Every view (CLI, dashboard, reports) says it the same way. */
void pfg_comparison_describe(const struct pfg_comparison *c, char *buf, size_t len);

/* ---- Samples of one side of a comparison -------------------------------- */

/* A set of samples (a run's, or a baseline's source runs'), summarised,
 * with each outlier flagged. n 0: none were stored. */
struct pfg_query_side {
	double *v;                    /* the samples, in stored order */
	unsigned char *outlier;       /* n flags: 1 for an outlier */
	size_t n, n_outliers;
	int has_summary;              /* n >= 1: sum is set */
	struct pfg_stats_summary sum; /* n, mean, median, stddev, min, max, p95, ... */
};

/* The samples of bench_id in run_id (run_id > 0), or of baseline
 * baseline_id's source runs (run_id 0), into out, outliers flagged by
 * method (NONE: IQR, as the comparisons count them). Returns 0 (out->n 0
 * when nothing is stored) or PFG_ERUNTIME; release out either way. */
int pfg_query_side_load(struct pfg_store *st, int64_t run_id, int64_t bench_id,
			int64_t baseline_id, enum pfg_stats_outliers method,
			struct pfg_query_side *out, char *err, size_t errlen);
void pfg_query_side_release(struct pfg_query_side *s);

/* ---- Two stored runs side by side ---------------------------------------- */

/* One benchmark in two runs: run B judged against run A as its baseline. */
struct pfg_query_run_pair {
	int64_t bench_id;
	char *component, *name, *full, *unit;
	enum pfg_direction direction;
	struct pfg_query_side a, b;   /* the samples of run A and of run B */
	struct pfg_comparison cmp;    /* B against A with the statistics of a
				         baseline comparison (the config's test,
				         alpha, thresholds, the benchmark's
				         direction; Fisher for error_rate);
				         verdict NO_BASELINE when A has no
				         samples, NOT_COMPARABLE (cmp.reason says
				         why) when B has none or too few;
				         cmp.baseline_id is 0, cmp.run_id run B */
};

/* Two runs compared, every benchmark stored in either. */
struct pfg_query_run_compare {
	int64_t run_a, run_b;
	int64_t env_a, env_b;         /* differ: the runs are from two machines */
	enum pfg_run_status status_a, status_b;
	struct pfg_query_run_pair *b; /* ordered by component, then name */
	size_t n;
	size_t n_regressions, n_improvements;
};

/* Compare run_b against run_a as if run_a were an approved baseline of one
 * run, for every benchmark with samples in either, with cfg's statistics
 * (NULL: the defaults of perfguard.json(5)). Reads only. Returns 0,
 * PFG_ENOTFOUND when a run is unknown, or PFG_ERUNTIME (err filled);
 * release out in every case. */
int pfg_query_compare_runs(struct pfg_store *st, const struct pfg_config *cfg,
			   int64_t run_a, int64_t run_b,
			   struct pfg_query_run_compare *out, char *err, size_t errlen);
void pfg_query_run_compare_release(struct pfg_query_run_compare *rc);

/* ---- A benchmark judged in one run, for reports -------------------------- */

/* What a report shows of one benchmark beyond the overview's row. */
struct pfg_query_bench_detail {
	int has_cmp;                  /* a comparison is stored for the run */
	struct pfg_comparison cmp;    /* the run's comparison (all its fields) */
	int has_base;                 /* the comparison's baseline, else the
				         approved one in the environment */
	struct pfg_baseline base;
	struct pfg_query_side base_side, cur_side; /* its samples, the run's */
	int has_latest;               /* the latest successful result in the
				         environment (its run's start and git
				         revision) */
	struct pfg_result_row latest;
};

/* Load bench_id's comparison, baseline and samples in run_id (environment
 * env_id), outliers flagged by method. Returns 0 (parts that are not
 * stored left out) or PFG_ERUNTIME; release out either way. */
int pfg_query_bench_detail_load(struct pfg_store *st, int64_t bench_id, int64_t env_id,
				int64_t run_id, enum pfg_stats_outliers method,
				struct pfg_query_bench_detail *out, char *err, size_t errlen);
void pfg_query_bench_detail_release(struct pfg_query_bench_detail *d);

/* Cut trend t (loaded in env_id) to the runs that started at or after
 * since (epoch seconds), refitting the line and keeping the change points
 * that remain. Returns 0 or PFG_ERUNTIME. */
int pfg_query_trend_since(struct pfg_store *st, int64_t env_id, double since,
			  struct pfg_query_trend *t, char *err, size_t errlen);

/* The host, CPU and kernel of env_id when it is this machine's
 * environment: 0 with out filled, else PFG_ENOTFOUND (the store keeps no
 * description of other machines' environments). */
int pfg_query_environment_describe(struct pfg_store *st, int64_t env_id,
				   struct pfg_environment *out);

#endif
