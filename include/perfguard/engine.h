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
#include "perfguard/runner.h"
#include "perfguard/store.h"

/* ---- The session ---------------------------------------------------------
 * One engine session per process drives runs: it owns the spawner, the
 * SIGINT/SIGTERM/SIGHUP handlers and one cancel token. A signal handler
 * and any thread may trip the token; it then kills what runs
 * (pfg_runner_kill_all) and becomes readable for the runner's waits, and
 * the engine's loops stop. Ending the session restores the handlers, stops
 * the spawner and forgets the stop, so a later session starts clean. */
struct pfg_engine_session;

struct pfg_engine_session_opts {
	int spawner;       /* nonzero: start the spawner (pfg_runner_spawner_start),
			      for memory benchmarks; call early, before threads */
	int signals;       /* nonzero: install the signal handlers now; else
			      later with pfg_engine_session_catch_signals(), or
			      never */
};

/* Begin the session of this process. Returns 0 with *s set, or
 * PFG_ERUNTIME when a session is active already or no pipe can be made.
 * A spawner that cannot start is not an error (runs are then spawned
 * directly). */
int pfg_engine_session_begin(const struct pfg_engine_session_opts *opts,
			     struct pfg_engine_session **s, char *err, size_t errlen);

/* Install the handlers of SIGINT, SIGTERM and SIGHUP (without SA_RESTART,
 * so waits wake): each notes its signal, trips the token and writes a byte
 * to wake_fd (-1: none; a UI's self-pipe). */
void pfg_engine_session_catch_signals(struct pfg_engine_session *s, int wake_fd);

/* Trip the cancel token: kill what runs and stop the engine's loops.
 * Async-signal-safe; any thread; repeated calls are harmless. */
void pfg_engine_session_cancel(struct pfg_engine_session *s);

/* Untrip the token once the run it stopped has ended, so that a later run
 * goes ahead (a dashboard that cancelled a run and stays). Not after a
 * signal: the process is leaving. Only while nothing runs. */
void pfg_engine_session_rearm(struct pfg_engine_session *s);

/* Nonzero once the token was tripped (0 for a NULL session). */
int pfg_engine_session_cancelled(const struct pfg_engine_session *s);

/* The last signal that tripped the token, or 0. */
int pfg_engine_session_signal(const struct pfg_engine_session *s);

/* The token's descriptor, readable once tripped (-1 for NULL), for
 * pfg_exec_spec.cancel_fd. */
int pfg_engine_session_cancel_fd(const struct pfg_engine_session *s);

/* End the session: restore the handlers, stop the spawner it started,
 * close the token. NULL is ignored. */
void pfg_engine_session_end(struct pfg_engine_session *s);

/* ---- The repeat loop -----------------------------------------------------
 * Warmup and measured runs of one command, as the engine and `perfguard
 * measure` make them. */

/* One finished run, handed to pfg_repeat.on_run. */
struct pfg_repeat_run {
	int index;                /* 0-based over warmup and measured runs */
	int warmup;               /* nonzero for a warmup run */
	int number, of;           /* 1-based within its kind, and how many */
	const struct pfg_measurement *m;
};

struct pfg_repeat {
	const struct pfg_exec_spec *spec;  /* its cancel_fd is replaced by the
					      session's when there is one */
	int warmup, runs;
	/* NULL, or called before each run (a prepare step, a progress bar);
	 * nonzero stops the loop. */
	int (*before)(int index, void *ctx);
	/* Called after each run that was not cancelled, successful or not;
	 * nonzero stops the loop. */
	int (*on_run)(const struct pfg_repeat_run *run, void *ctx);
	void *ctx;
};

#define PFG_REPEAT_STOPPED 1      /* the session was cancelled */
#define PFG_REPEAT_ABORTED 2      /* before or on_run returned nonzero */

/* Run r->spec warmup + runs times, stopping when session (may be NULL) is
 * cancelled. Returns 0 when every run was made, PFG_REPEAT_STOPPED or
 * PFG_REPEAT_ABORTED, or the negative code of pfg_runner_exec() (err
 * filled) when a run could not be started. */
int pfg_engine_repeat(struct pfg_engine_session *session, const struct pfg_repeat *r,
		      char *err, size_t errlen);

/* ---- Samples sized by precision ("runs": "auto") ------------------------ */

/* The precision of the values x[0..n): the relative half-width, in
 * percent, of the PFG_AUTO_CONFIDENCE interval of their PFG_AUTO_TRIM-
 * trimmed mean (pfg_stats_precision_of). Returns 0 with *pct set, or -1
 * when it is unknown (fewer than 2 values, a mean of 0). */
int pfg_engine_precision(const double *x, size_t n, double *pct);

/* After n measured runs with values x[0..n) whose wall times add up to
 * wall_s seconds: whether to take another under a (pfg_stats_sampling_next
 * with the precision of x, wall_s as the time spent and wall_s / n as the
 * next run's). *pct gets the precision, or -1 when unknown. */
enum pfg_stats_sampling pfg_engine_auto_next(const struct pfg_auto_runs *a,
					     const double *x, size_t n, double wall_s,
					     double *pct);

/* The stop reason of a decision to stop (precise, max_runs, budget). */
enum pfg_stop_reason pfg_engine_stop_reason(enum pfg_stats_sampling s);

/* What one benchmark of a run came to. */
struct pfg_bench_outcome {
	const struct pfg_benchmark_cfg *bench;
	int64_t bench_id;
	int ok;                   /* every run done and valid */
	char *error;              /* why not ok, or NULL */
	char *stderr_tail;        /* of the failing command, or NULL */
	double *values;           /* the samples, in the benchmark's unit */
	size_t n_values;
	struct pfg_result_row result; /* n, mean, median, stddev, min, max, p95;
				     stop_reason, half_width_pct */
	size_t n_first;           /* measured runs of the first pass (before
				     confirmation reruns) */
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
	struct pfg_strv notices;  /* one line per notification not delivered
				     (notify.h), for the front end to show */
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
	struct pfg_engine_session *session; /* NULL, or the session whose
				     cancellation stops the run: what runs is
				     killed and the run is left interrupted */
	pfg_event_fn on_event;    /* NULL: no progress */
	void *ctx;
};

/* Indices of the benchmarks of cfg whose "component/name" matches one of
 * the glob patterns (all when n_patterns is 0). Returns PFG_EINPUT naming
 * a pattern that matches nothing. *sel is freed by the caller. */
int pfg_engine_select(const struct pfg_config *cfg, char *const *patterns,
		      size_t n_patterns, size_t **sel, size_t *n_sel, char *err,
		      size_t errlen);

/* Run the selected benchmarks and store everything, then tell the
 * config's notify targets (unless interrupted; a failure there only adds to
 * report->notices). Returns 0 when the run
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

/* The same from every successful result of bench in runs from..to (both
 * 0: its latest successful run), which must share one environment: a
 * baseline of several runs, judged by run means. PFG_EINPUT when the range
 * holds no successful result or spans environments. */
int pfg_engine_propose_baseline_runs(struct pfg_store *store, const char *bench,
				     int64_t from, int64_t to, const char *reason,
				     const char *actor, int approve, int64_t *id, char *err,
				     size_t errlen);

/* Who acts: $USER, else the login name of the uid, else "uid N". The
 * string lives until the calling thread's next call. */
const char *pfg_engine_actor(void);

/* The git revision of the work tree at dir, or NULL. git runs through the
 * runner with a timeout of PFG_GIT_TIMEOUT_S seconds. Caller frees. */
#define PFG_GIT_TIMEOUT_S 10.0
char *pfg_engine_git_revision(const char *dir);

/* ---- Runs measured elsewhere ---------------------------------------------
 * Samples that did not come from the runner (imported from another tool's
 * file by ingest, or timed in-process by the C API) go through the same
 * steps as pfg_engine_run's own: a run opened alike, each benchmark stored
 * and analysed alike (baselines, alerts, drift, change points). */

/* Where a run comes from. */
struct pfg_run_origin {
	const char *trigger;      /* cli, tui, ci, ingest */
	const struct pfg_environment *env; /* NULL: this machine's */
	const char *git_rev;      /* NULL: none known */
	int noise;                /* nonzero: store this machine's noise settings */
};

/* Open a run (status running) in the origin's environment; *run_id and
 * *env_id get their ids. Returns 0 or PFG_ERUNTIME; a run that was opened
 * and then failed is ended as failed. */
int pfg_engine_run_open(struct pfg_store *store, const struct pfg_run_origin *o,
			int64_t *run_id, int64_t *env_id, char *err, size_t errlen);

/* What pfg_engine_add_result stores of one benchmark. */
struct pfg_measured {
	const struct pfg_sample *samples; /* n of them; their values are the
					     benchmark's */
	const struct pfg_sample_metric *const *metrics; /* per sample, or NULL */
	const size_t *n_metrics;
	size_t n;
	const char *error;        /* NULL, or why the benchmark failed (nothing
				     is compared then) */
	const struct pfg_result_row *summary; /* NULL: summarised from the
				     samples; else its n..p95 are stored as
				     they are (aggregate-only results) */
	size_t run_len;           /* samples of one run (0: all are one run) */
};

/* Compare m with the approved baseline of b in env_id, store it in run_id
 * and record what the comparison means, as pfg_engine_run does for each of
 * its benchmarks; out is filled as pfg_engine_run fills an outcome
 * (release it with the report, or free its error and values). Returns 0,
 * or PFG_ERUNTIME when the store failed. */
int pfg_engine_add_result(const struct pfg_config *cfg, const struct pfg_benchmark_cfg *b,
			  struct pfg_store *store, int64_t run_id, int64_t env_id,
			  const struct pfg_measured *m, struct pfg_bench_outcome *out,
			  char *err, size_t errlen);

#endif
