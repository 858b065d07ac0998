/* engine.h: one run of a suite, end to end.
 *
 * config -> runner -> store: for each selected benchmark, its setup, its
 * warmup and measured runs (each after its prepare), its cleanup; every
 * sample and the summary stored in one transaction per benchmark. The
 * engine never prints or draws: it reports progress through a callback,
 * so the CLI and the dashboard's worker thread drive it alike. */
#ifndef PERFGUARD_ENGINE_H
#define PERFGUARD_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "perfguard/analysis.h"
#include "perfguard/config.h"
#include "perfguard/store.h"

/* What one benchmark of a run came to. */
struct pfg_bench_outcome {
	const struct pfg_benchmark_cfg *bench;
	int64_t bench_id;
	int ok;                   /* every run done and valid */
	char *error;              /* why not ok, or NULL */
	char *stderr_tail;        /* of the failing command, or NULL */
	double *values;           /* the samples, in the benchmark's unit */
	size_t n_values;
	struct pfg_result_row result; /* n, mean, median, stddev, min, max, p95 */
	int has_comparison;       /* an analysis was made (ok benchmarks) */
	struct pfg_comparison comparison; /* against the approved baseline;
				     verdict NO_BASELINE when there is none */
	struct pfg_analysis_changes changes; /* what the analysis added */
};

/* The whole run. Release with pfg_run_report_release(). */
struct pfg_run_report {
	int64_t run_id;
	enum pfg_run_status status; /* complete, failed or interrupted */
	struct pfg_bench_outcome *outcomes;
	size_t n_outcomes;        /* the benchmarks that started */
};

enum pfg_event_kind {
	PFG_EVENT_RUN_START,      /* run_id is known */
	PFG_EVENT_BENCH_START,    /* bench, bench_index of n_benches */
	PFG_EVENT_SAMPLE,         /* a run finished: run_index of n_runs, value */
	PFG_EVENT_BENCH_DONE,     /* outcome is set */
	PFG_EVENT_RUN_DONE,       /* report is set */
};

/* A progress event; pointers are valid only during the callback. */
struct pfg_event {
	enum pfg_event_kind kind;
	int64_t run_id;
	const struct pfg_benchmark_cfg *bench;
	size_t bench_index, n_benches;
	int run_index, n_runs;    /* 1-based; warmup runs are reported with warmup set */
	int warmup;
	int confirming;           /* a rerun to confirm a suspected regression */
	double value;
	const struct pfg_bench_outcome *outcome;
	const struct pfg_run_report *report;
};

typedef void (*pfg_event_fn)(const struct pfg_event *ev, void *ctx);

struct pfg_engine_opts {
	const char *trigger;      /* cli, tui, ci; NULL: cli */
	int cancel_fd;            /* -1, or readable when the run must stop: what
				     runs is killed and the run is left
				     interrupted, as after a signal */
	pfg_event_fn on_event;    /* NULL: no progress */
	void *ctx;
};

/* Indices of the benchmarks of cfg whose "component/name" matches one of
 * the glob patterns (all when n_patterns is 0). Returns PFG_EINPUT naming
 * a pattern that matches nothing. *sel is freed by the caller. */
int pfg_engine_select(const struct pfg_config *cfg, char *const *patterns,
		      size_t n_patterns, size_t **sel, size_t *n_sel, char *err,
		      size_t errlen);

/* Run the selected benchmarks and store everything. Returns 0 when the run
 * was stored (report->status says whether every benchmark ran), or
 * PFG_ERUNTIME when the store failed. report must be released either way. */
int pfg_engine_run(const struct pfg_config *cfg, struct pfg_store *store,
		   const size_t *sel, size_t n_sel, const struct pfg_engine_opts *opts,
		   struct pfg_run_report *report, char *err, size_t errlen);

void pfg_run_report_release(struct pfg_run_report *report);

/* Propose a baseline of bench (component/name) from run_id (0: its latest
 * successful run) in that run's environment: the samples are summarised
 * and stored as a proposed baseline, approved at once when approve is
 * set. *id gets its id. PFG_ENOTFOUND for an unknown benchmark, PFG_EINPUT
 * for a run without a successful result of it. */
int pfg_engine_propose_baseline(struct pfg_store *store, const char *bench,
				int64_t run_id, const char *reason, const char *actor,
				int approve, int64_t *id, char *err, size_t errlen);

/* Who acts: $USER, else the login name of the uid, else "uid N". The
 * string lives until the calling thread's next call. */
const char *pfg_engine_actor(void);

/* Ask the run in progress to stop: kills what runs now and leaves the run
 * 'interrupted'. Async-signal-safe, for SIGINT and SIGTERM handlers. */
void pfg_engine_request_stop(void);

/* The git revision of the work tree at dir, or NULL. Caller frees. */
char *pfg_engine_git_revision(const char *dir);

#endif
