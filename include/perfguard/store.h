/* store.h: every persistent byte of perfguard, in one SQLite file.
 *
 * The schema is versioned with PRAGMA user_version and migrated forward
 * on open; the file is created 0600, in WAL mode, with foreign keys on
 * and a busy timeout so that several perfguard processes can share it.
 * Each benchmark's samples and result of a run go in one transaction, so
 * a stopped run never leaves half a benchmark behind. A handle keeps its
 * prepared statements for reuse: one thread at a time uses it (each
 * thread opens its own). */
#ifndef PERFGUARD_STORE_H
#define PERFGUARD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "perfguard/machine.h"
#include "perfguard/model.h"
#include "perfguard/util.h"

struct pfg_store;

/* The latest schema version pfg_store_open() migrates to. */
#define PFG_STORE_SCHEMA_VERSION 8

/* Where results are comparable: the same host, CPU model and kernel. */
struct pfg_environment {
	char host[256];
	char cpu_model[256];
	char kernel[160];
};

/* One raw sample: the benchmark's value and every figure of the run. */
struct pfg_sample {
	double value;          /* in the benchmark's unit */
	int64_t wall_ns, user_ns, sys_ns;
	long max_rss_kib;
	int exit_code;         /* -1 when killed by a signal */
	int term_signal;
};

/* The summary of one benchmark in one run. */
struct pfg_result_row {
	int64_t run_id;
	double started_at;     /* the run's start, epoch seconds */
	enum pfg_run_status status; /* of the run */
	char git_rev[48];      /* "" when unknown */
	int ok;                /* nonzero: the benchmark ran to the end */
	char *error;           /* why it failed, or NULL */
	size_t n;
	double mean, median, stddev, min, max, p95;
	size_t outliers;
	int has_stop_reason;   /* 0: none stored (a failed benchmark, or a
				  result stored before schema 4) */
	enum pfg_stop_reason stop_reason; /* why its measured runs stopped */
	int has_half_width;    /* 0: unknown (fewer than 2 samples, or before
				  schema 4) */
	double half_width_pct; /* relative half-width of the 95% interval of
				  the 20%-trimmed mean of the samples, percent */
};

/* A benchmark known to the store, with its latest result. */
struct pfg_bench_row {
	int64_t id;
	char *component, *name, *kind, *unit, *direction;
	size_t n_runs;          /* runs that stored a result for it */
	int has_latest;
	struct pfg_result_row latest;
};

/* A custom metric of one sample. */
struct pfg_sample_metric {
	const char *name;
	double value;
	const char *unit;
};

/* Open (creating if needed, with its directory) and migrate the database
 * at path. Runs left 'running' by a process that no longer exists on this
 * host are marked 'interrupted'. Returns 0, or PFG_ERUNTIME with err
 * filled (unwritable, locked, not a database, newer schema). */
int pfg_store_open(const char *path, struct pfg_store **out, char *err,
		   size_t errlen);

void pfg_store_close(struct pfg_store *st);

/* The schema version of the open database. */
int pfg_store_schema_version(struct pfg_store *st);

/* Describe this machine. */
void pfg_environment_detect(struct pfg_environment *env);

/* Find or add env; *id gets its row id. */
int pfg_store_environment_id(struct pfg_store *st, const struct pfg_environment *env,
			     int64_t *id, char *err, size_t errlen);

/* The id of env when the store knows it, else PFG_ENOTFOUND (nothing added). */
int pfg_store_environment_find(struct pfg_store *st, const struct pfg_environment *env,
			       int64_t *id, char *err, size_t errlen);

/* The environment results are judged in here: this machine's when the
 * store knows it, else the latest finished run's (a database copied from
 * another host). PFG_ENOTFOUND when nothing was ever run. Adds nothing. */
int pfg_store_environment_here(struct pfg_store *st, int64_t *env_id, char *err,
			       size_t errlen);

/* Find or add a component's benchmark, updating its kind, unit and
 * direction when the config changed them; *id gets its row id. */
int pfg_store_benchmark_id(struct pfg_store *st, const char *component,
			   const char *name, const char *kind, const char *unit,
			   const char *direction, int64_t *id, char *err,
			   size_t errlen);

/* Start a run (status 'running', this process's pid); *run_id gets its id.
 * trigger is cli, tui, ci or ingest; git_rev may be NULL. */
int pfg_store_run_begin(struct pfg_store *st, int64_t env_id, const char *trigger,
			const char *git_rev, int64_t *run_id, char *err,
			size_t errlen);

/* The noise settings of a run's machine, as stored at its start. */
struct pfg_run_noise {
	int64_t run_id;
	struct pfg_machine_noise machine; /* n_governors 0, boost_via "",
					     allowed_cpus 0: not stored */
	struct pfg_strv warnings;          /* as worded when the run began */
};

/* Store m and its warnings (as pfg_machine_noise_warnings() words them)
 * for run_id: once per run, at its start. */
int pfg_store_run_noise_add(struct pfg_store *st, int64_t run_id,
			    const struct pfg_machine_noise *m, const struct pfg_strv *warnings,
			    char *err, size_t errlen);

/* Read back what pfg_store_run_noise_add() stored for run_id: 0, or
 * PFG_ENOTFOUND when there is none (a run stored before schema 3 or an
 * unknown run). Release out with pfg_run_noise_release() either way. */
int pfg_store_run_noise(struct pfg_store *st, int64_t run_id, struct pfg_run_noise *out,
			char *err, size_t errlen);
void pfg_run_noise_release(struct pfg_run_noise *rn);

/* Finish a run with status complete, failed or interrupted. */
int pfg_store_run_end(struct pfg_store *st, int64_t run_id, enum pfg_run_status status,
		      char *err, size_t errlen);

/* Store one benchmark's samples, their custom metrics (metrics[i] holds
 * n_metrics[i] entries for sample i; both may be NULL) and its summary in
 * one transaction: all of it or nothing. */
int pfg_store_add_result(struct pfg_store *st, int64_t run_id, int64_t bench_id,
			 const struct pfg_sample *samples, size_t n,
			 const struct pfg_sample_metric *const *metrics,
			 const size_t *n_metrics, const struct pfg_result_row *res,
			 char *err, size_t errlen);

/* Every benchmark in the store, ordered by component and name, with its
 * latest result. Free with pfg_bench_rows_free(). */
int pfg_store_benchmarks(struct pfg_store *st, struct pfg_bench_row **rows,
			 size_t *n, char *err, size_t errlen);
void pfg_bench_rows_free(struct pfg_bench_row *rows, size_t n);

/* A benchmark's id and "component/name". */
struct pfg_bench_name {
	int64_t id;
	char *full;
};

/* Every benchmark's id and name, ordered by component and name: what a
 * lookup by name needs, without the latest results. Free with
 * pfg_bench_names_free(). */
int pfg_store_benchmark_names(struct pfg_store *st, struct pfg_bench_name **out,
			      size_t *n, char *err, size_t errlen);
void pfg_bench_names_free(struct pfg_bench_name *names, size_t n);

/* One row per run of component/name, oldest first; limit 0 means all,
 * else the latest limit runs. Returns PFG_ENOTFOUND when the benchmark is
 * unknown. Free with pfg_result_rows_free(). */
int pfg_store_history(struct pfg_store *st, const char *component,
		      const char *name, size_t limit, struct pfg_result_row **rows,
		      size_t *n, char *err, size_t errlen);
void pfg_result_rows_free(struct pfg_result_row *rows, size_t n);

/* The sample values of one benchmark in one run, in order. Caller frees. */
int pfg_store_samples(struct pfg_store *st, int64_t run_id, int64_t bench_id,
		      double **values, size_t *n, char *err, size_t errlen);

/* ---- Baselines ---------------------------------------------------------
 * States: proposed -> approved | rejected; approved -> superseded when
 * another baseline of the same benchmark and environment is approved. At
 * most one is approved per benchmark and environment. Every change of
 * state is written to the audit log with who and when. */

/* The summary of a baseline's samples (all samples of its source runs). */
struct pfg_baseline_stats {
	size_t n;
	double mean, median, stddev;
};

struct pfg_baseline {
	int64_t id, bench_id, env_id;
	char *bench;               /* "component/name" */
	enum pfg_baseline_state state;
	char *reason;              /* why it was proposed */
	int64_t *runs;             /* source runs, oldest first */
	size_t n_runs;
	double created_at;
	char *created_by;
	double decided_at;         /* 0 until approved or rejected */
	char *decided_by;          /* NULL until then */
	char *note;                /* NULL when none */
	struct pfg_baseline_stats stats;
};

/* Which baselines pfg_store_baselines() returns; zero fields match all. */
struct pfg_baseline_filter {
	unsigned states;           /* bit 1 << state for each state wanted */
	int64_t bench_id, env_id;
};

/* What a listing shows of a baseline: no runs, no texts. */
struct pfg_baseline_head {
	int64_t id, bench_id;
	enum pfg_baseline_state state;
	size_t n;
	double mean;
};

/* The heads of the baselines in states (bit 1 << state for each; 0: all)
 * and environment env_id (0: all), newest first, read in one query.
 * Caller frees *out. */
int pfg_store_baseline_heads(struct pfg_store *st, unsigned states, int64_t env_id,
			     struct pfg_baseline_head **out, size_t *n, char *err,
			     size_t errlen);

/* Propose a baseline of bench in env from the samples of runs[0..n_runs)
 * (each must hold a successful result of bench), summarised in stats.
 * *id gets the new baseline's id. */
int pfg_store_baseline_propose(struct pfg_store *st, int64_t bench_id, int64_t env_id,
			       const int64_t *runs, size_t n_runs,
			       const struct pfg_baseline_stats *stats, const char *reason,
			       const char *actor, int64_t *id, char *err, size_t errlen);

/* Approve or reject (to is APPROVED or REJECTED) proposed baseline id;
 * approving supersedes the approved one of the same benchmark and
 * environment, atomically. PFG_ENOTFOUND for an unknown id, PFG_EINPUT for
 * a baseline that is not proposed, with a sentence saying why. */
int pfg_store_baseline_decide(struct pfg_store *st, int64_t id, enum pfg_baseline_state to,
			      const char *actor, const char *note, char *err,
			      size_t errlen);

/* Decide ids[0..n) alike in one transaction: all of them or, when one
 * cannot be decided, none (err names the one). */
int pfg_store_baselines_decide(struct pfg_store *st, const int64_t *ids, size_t n,
			       enum pfg_baseline_state to, const char *actor, const char *note,
			       char *err, size_t errlen);

/* Baselines matching filter (NULL: all), newest first. */
int pfg_store_baselines(struct pfg_store *st, const struct pfg_baseline_filter *filter,
			struct pfg_baseline **out, size_t *n, char *err, size_t errlen);

/* One baseline; PFG_ENOTFOUND when id is unknown. Release with
 * pfg_baseline_release(). */
int pfg_store_baseline_get(struct pfg_store *st, int64_t id, struct pfg_baseline *out,
			   char *err, size_t errlen);

/* The approved baseline of bench in env: returns 0 and fills out, or
 * PFG_ENOTFOUND when there is none. */
int pfg_store_baseline_approved(struct pfg_store *st, int64_t bench_id, int64_t env_id,
				struct pfg_baseline *out, char *err, size_t errlen);

/* Every sample value of the baseline's source runs. Caller frees. */
int pfg_store_baseline_samples(struct pfg_store *st, int64_t id, double **values,
			       size_t *n, char *err, size_t errlen);

void pfg_baseline_release(struct pfg_baseline *b);
void pfg_baselines_free(struct pfg_baseline *b, size_t n);

/* ---- Comparisons: the analysis of one benchmark in one run ------------- */

struct pfg_comparison {
	int64_t run_id, bench_id;
	int64_t baseline_id;       /* 0: no approved baseline */
	char test[16];             /* yuen, welch, mwu, fisher */
	size_t n_base, n_current;
	double estimate_base, estimate_current;
	double change_pct, ci_low_pct, ci_high_pct, p_value, mde_pct;
	enum pfg_verdict verdict;
	enum pfg_severity severity;
	int confirm_runs;          /* reruns made to confirm it; 0 when none */
	int64_t alert_id;          /* the alert that covers this regression
				      (raised now or still open), or 0 */
	char reason[160];          /* why not_comparable, a sentence; in memory
				      only (not stored), "" otherwise */
	char basis[96];            /* what a run-means comparison was judged on
				      ("run means: between-run noise 3.1%, 6
				      baseline runs"); in memory only, "" for a
				      comparison of samples */
};

/* Store (or replace) the comparison of c->bench_id in c->run_id. */
int pfg_store_comparison_put(struct pfg_store *st, const struct pfg_comparison *c,
			     char *err, size_t errlen);

/* The comparisons of run_id, in benchmark order. Caller frees. */
int pfg_store_comparisons(struct pfg_store *st, int64_t run_id,
			  struct pfg_comparison **out, size_t *n, char *err,
			  size_t errlen);

/* The verdicts of the latest limit comparisons of bench in env, newest
 * first, with their runs. Caller frees both arrays. */
int pfg_store_recent_verdicts(struct pfg_store *st, int64_t bench_id, int64_t env_id,
			      size_t limit, enum pfg_verdict **out, int64_t **run_ids,
			      size_t *n, char *err, size_t errlen);

/* The newest comparison in env of every benchmark that has one, by
 * benchmark id, in one query. Caller frees. */
int pfg_store_comparisons_newest(struct pfg_store *st, int64_t env_id,
				 struct pfg_comparison **out, size_t *n, char *err,
				 size_t errlen);

/* The comparison of each benchmark's latest result (of any environment),
 * for those that have one, by benchmark id, in one query. Caller frees. */
int pfg_store_comparisons_of_latest(struct pfg_store *st, struct pfg_comparison **out,
				    size_t *n, char *err, size_t errlen);

/* The newest comparison of bench in env (of any run): 0, or PFG_ENOTFOUND
 * when there is none. */
int pfg_store_comparison_latest(struct pfg_store *st, int64_t bench_id, int64_t env_id,
				struct pfg_comparison *c, char *err, size_t errlen);

/* The comparison of bench in run: 0, or PFG_ENOTFOUND when there is none. */
int pfg_store_comparison_get(struct pfg_store *st, int64_t run_id, int64_t bench_id,
			     struct pfg_comparison *out, char *err, size_t errlen);

/* ---- Alerts ------------------------------------------------------------
 * Kinds regression, drift, error_rate. States new -> acknowledged ->
 * investigating -> fixed | invalid | wontfix, any forward step allowed from
 * an open state (new, acknowledged, investigating); a closed alert (fixed,
 * invalid, wontfix) can only be reopened to investigating. A benchmark that
 * runs back within threshold marks its open alerts recovered (with the run)
 * without changing their state. */

struct pfg_alert {
	int64_t id, bench_id, env_id, run_id;
	int64_t baseline_id;       /* 0 for drift */
	char *bench;               /* "component/name" (filled by queries) */
	enum pfg_alert_kind kind;
	enum pfg_alert_state state;
	enum pfg_severity severity;
	double change_pct, ci_low_pct, ci_high_pct, p_value;
	double created_at, updated_at;
	int64_t recovered_run_id;  /* 0 while not recovered */
	char *detail;              /* a sentence for people, or NULL */
};

/* One entry of an alert's history: a change of state or a note. */
struct pfg_alert_event {
	double at;
	char *actor;
	enum pfg_alert_state from, to; /* equal for a note */
	char *note;                /* NULL when none */
};

struct pfg_alert_filter {
	unsigned states;           /* bit 1 << state for each state wanted; 0: all */
	enum pfg_severity min_severity; /* NONE: all */
	const char *component;     /* NULL: all */
	unsigned kinds;            /* bit 1 << kind for each kind wanted; 0: all */
	int64_t bench_id, run_id;  /* 0: all */
};

/* Raise alert a (state new); *id gets its id. */
int pfg_store_alert_add(struct pfg_store *st, const struct pfg_alert *a, int64_t *id,
			char *err, size_t errlen);

/* Move alert id to state to, with an optional note. PFG_ENOTFOUND for an
 * unknown id, PFG_EINPUT, saying why, for a transition that is not allowed. */
int pfg_store_alert_transition(struct pfg_store *st, int64_t id,
			       enum pfg_alert_state to,
			       const char *actor, const char *note, char *err,
			       size_t errlen);

/* Add a note to alert id's history; PFG_ENOTFOUND for an unknown id. */
int pfg_store_alert_note(struct pfg_store *st, int64_t id, const char *actor,
			 const char *note, char *err, size_t errlen);

/* Mark alert id recovered by run_id (its state is unchanged). */
int pfg_store_alert_recover(struct pfg_store *st, int64_t id, int64_t run_id,
			    char *err, size_t errlen);

/* Alerts matching filter (NULL: all), newest first. */
int pfg_store_alerts(struct pfg_store *st, const struct pfg_alert_filter *filter,
		     struct pfg_alert **out, size_t *n, char *err, size_t errlen);

/* One alert and its history (oldest first; hist may be NULL). PFG_ENOTFOUND
 * when id is unknown. */
int pfg_store_alert_get(struct pfg_store *st, int64_t id, struct pfg_alert *out,
			struct pfg_alert_event **hist, size_t *n_hist, char *err,
			size_t errlen);

void pfg_alert_release(struct pfg_alert *a);
void pfg_alerts_free(struct pfg_alert *a, size_t n);
void pfg_alert_events_free(struct pfg_alert_event *e, size_t n);


/* ---- Change points of a benchmark's history ---------------------------- */

struct pfg_change_point_row {
	int64_t run_id;            /* the first run of the new segment */
	double mean_before, mean_after, change_pct, p_value;
};

/* Replace the stored change points of bench in env at or after run
 * from_run (0: all of them) with rows[0..n), found over the runs from
 * from_run on; older points are kept. */
int pfg_store_change_points_put(struct pfg_store *st, int64_t bench_id, int64_t env_id,
				int64_t from_run, const struct pfg_change_point_row *rows,
				size_t n, char *err, size_t errlen);

/* The stored change points of bench in env, oldest first. Caller frees. */
int pfg_store_change_points(struct pfg_store *st, int64_t bench_id, int64_t env_id,
			    struct pfg_change_point_row **rows, size_t *n, char *err,
			    size_t errlen);

/* ---- Series and runs --------------------------------------------------- */

/* The successful results of bench in env, oldest first, latest limit when
 * limit > 0: rows get run ids and summaries. Free with pfg_result_rows_free(). */
int pfg_store_series(struct pfg_store *st, int64_t bench_id, int64_t env_id,
		     size_t limit, struct pfg_result_row **rows, size_t *n, char *err,
		     size_t errlen);

/* A run mean of one benchmark. */
struct pfg_mean_row {
	int64_t bench_id, run_id;
	double mean;
};

/* What pfg_store_series() returns, narrowed to run ids and means: what the
 * analysis reads. Reads limit rows (0: all) whatever the history's length.
 * Caller frees *rows. */
int pfg_store_series_means(struct pfg_store *st, int64_t bench_id, int64_t env_id,
			   size_t limit, struct pfg_mean_row **rows, size_t *n, char *err,
			   size_t errlen);

/* The same rows as pfg_store_series_means(), read along the covering index
 * of results with the runs' environments read a range of runs at a time:
 * no lookup of a run per row. */
int pfg_store_series_tail(struct pfg_store *st, int64_t bench_id, int64_t env_id,
			  size_t limit, struct pfg_mean_row **rows, size_t *n, char *err,
			  size_t errlen);

/* The means of the latest limit successful results in env of every
 * benchmark, by benchmark id and then oldest first, in one query whose cost
 * does not grow with the history. Up to 32 means come from a summary the
 * schema keeps, to 15 significant digits and with run_id 0; more are read
 * from the results. Caller frees *rows. */
int pfg_store_recent_means(struct pfg_store *st, int64_t env_id, size_t limit,
			   struct pfg_mean_row **rows, size_t *n, char *err, size_t errlen);

/* The latest run with status complete (or failed when any_status), or
 * PFG_ENOTFOUND when there is none. */
int pfg_store_latest_run(struct pfg_store *st, int any_status, int64_t *run_id,
			 char *err, size_t errlen);

/* The environment and status of run id; PFG_ENOTFOUND when unknown. */
int pfg_store_run_info(struct pfg_store *st, int64_t run_id, int64_t *env_id,
		       enum pfg_run_status *status, char *err, size_t errlen);

/* Benchmark id of component/name, or PFG_ENOTFOUND when unknown. */
int pfg_store_benchmark_find(struct pfg_store *st, const char *component,
			     const char *name, int64_t *id, char *err, size_t errlen);

/* ---- Audit log --------------------------------------------------------- */

struct pfg_audit_entry {
	int64_t id;
	double at;
	char *actor;
	char entity[16];           /* baseline, alert */
	int64_t entity_id;
	char *action;              /* "proposed", "approved", "acknowledged", "note", ... */
	char *detail;              /* NULL when none */
};

/* The latest limit entries (0: all), oldest first. */
int pfg_store_audit(struct pfg_store *st, size_t limit, struct pfg_audit_entry **out,
		    size_t *n, char *err, size_t errlen);
void pfg_audit_free(struct pfg_audit_entry *e, size_t n);

/* ---- Notifications (src/store/notify.c) ---------------------------------
 * One row per message to one target: what it said (a one-line summary),
 * how it went (status, HTTP status, attempts, the last error) and, while
 * it is pending, its payload to retry. No URL or secret is ever stored. */

enum pfg_notify_status {
	PFG_NOTIFY_SENT = 0,      /* the receiver accepted it */
	PFG_NOTIFY_FAILED,        /* refused for good (a 4xx other than 429) */
	PFG_NOTIFY_PENDING,       /* not delivered yet: retried at the next run */
	PFG_NOTIFY_DROPPED,       /* given up: the backlog overflowed, or its
				     target left the config */
};

/* "sent", "failed", "pending", "dropped"; parse returns 0 or -1. */
const char *pfg_notify_status_name(enum pfg_notify_status s);
int pfg_notify_status_parse(const char *s, enum pfg_notify_status *out);

struct pfg_notify_row {
	int64_t id;
	double created_at, updated_at;
	char *target, *kind, *event;
	int64_t run_id;            /* 0: none */
	char *summary;             /* one line: what the message said */
	enum pfg_notify_status status;
	int http_status;           /* 0: no HTTP answer */
	int attempts;              /* HTTP requests made, over every try */
	char *error;               /* the last failure, or NULL */
	char *payload;             /* the body, kept while pending; else NULL */
};

/* Record a message (row's id, times ignored); *id gets its id. */
int pfg_store_notify_add(struct pfg_store *st, const struct pfg_notify_row *row,
			 int64_t *id, char *err, size_t errlen);

/* Record the outcome of a try of message id: its status, HTTP status
 * (0: none), attempts made by this try (added), error (NULL: none). The
 * payload is forgotten unless the status is pending. */
int pfg_store_notify_update(struct pfg_store *st, int64_t id, enum pfg_notify_status status,
			    int http_status, int attempts, const char *error, char *err,
			    size_t errlen);

/* The pending messages of target, oldest first. Free with
 * pfg_notify_rows_free(). */
int pfg_store_notify_pending(struct pfg_store *st, const char *target,
			     struct pfg_notify_row **out, size_t *n, char *err, size_t errlen);

/* Keep at most keep pending messages of target (the newest); mark the
 * others dropped. *dropped (may be NULL) gets how many. */
int pfg_store_notify_trim(struct pfg_store *st, const char *target, size_t keep,
			  size_t *dropped, char *err, size_t errlen);

/* Mark dropped the pending messages of every target not named in
 * names[0..n) (targets that left the config). */
int pfg_store_notify_drop_others(struct pfg_store *st, const char *const *names, size_t n,
				 char *err, size_t errlen);

/* The latest limit messages (0: all), of target (NULL: every one),
 * newest first, without their payloads. */
int pfg_store_notify_log(struct pfg_store *st, const char *target, size_t limit,
			 struct pfg_notify_row **out, size_t *n, char *err, size_t errlen);

void pfg_notify_rows_free(struct pfg_notify_row *rows, size_t n);

/* ---- Imports (ingest, the C API) ----------------------------------------
 * src/store/ingest.c. A batch is one transaction around many calls of this
 * API: their own transactions join it, so that all of it is stored or,
 * when the batch ends with a failure, none of it. */

/* Begin a batch. PFG_ERUNTIME when a transaction is open already or the
 * database is locked past its busy timeout. */
int pfg_store_batch_begin(struct pfg_store *st, char *err, size_t errlen);

/* End the batch: commit when rc is 0, else roll everything back. Returns
 * rc, or the commit's failure. */
int pfg_store_batch_end(struct pfg_store *st, int rc, char *err, size_t errlen);

/* Note on run_id in the audit log (entity "run"): who, what ("ingested"),
 * and a detail (the files, the user's note; may be NULL). */
int pfg_store_run_note(struct pfg_store *st, int64_t run_id, const char *actor,
		       const char *action, const char *note, char *err, size_t errlen);

/* ---- Retention (src/store/prune.c) -------------------------------------
 * Old runs go with everything that belongs to them: samples and their
 * metrics, results, comparisons and noise settings; a notification keeps
 * its record without the run. A run that any other row refers to is never
 * removed: the references are read from the schema's foreign keys (every
 * baseline's source runs whatever its state, every alert's run and
 * recovering run whether open or closed, every stored change point), and
 * so are each benchmark's latest result in each environment and runs still
 * running. All of it happens in one transaction: everything or nothing. */

struct pfg_prune_opts {
	long keep_days;          /* keep runs started less than this many days
				    ago; 0: no age rule */
	long keep_runs;          /* keep the newest this many runs (by id, of
				    every environment, trigger and status);
				    0: no count rule */
	int dry_run;             /* count what would go, change nothing */
	double now;              /* epoch seconds ages count from; 0: the clock */
	const char *actor;       /* who, for the audit log ("pruned") */
	/* Called after each run is removed (or counted), done of total; may
	 * be NULL. */
	void (*progress)(size_t done, size_t total, void *ctx);
	void *ctx;
};

/* Why runs that the rules would remove were kept: one reason, how many. */
struct pfg_prune_kept {
	char why[96];            /* "a baseline", "an alert", "a change point",
				    "the latest result", "running", or
				    "table.column" for a reference the schema
				    added later */
	size_t n;
};

#define PFG_PRUNE_KEPT_MAX 16

/* What pfg_store_prune() removed (would remove, for a dry run). */
struct pfg_prune_report {
	int64_t *run_ids;        /* ascending */
	size_t n_runs;
	size_t n_samples, n_metrics, n_results, n_comparisons, n_noise;
	size_t n_notifications;  /* notifications whose run was forgotten */
	size_t n_old;            /* runs the rules would remove */
	size_t n_kept;           /* of those, kept because something needs them */
	struct pfg_prune_kept kept[PFG_PRUNE_KEPT_MAX]; /* by reason: a run may
				    count under several */
	size_t n_reasons;
};

/* Remove the runs o's rules leave out (a run either rule keeps is kept;
 * PFG_EINPUT when o sets neither rule), updating each benchmark's summary
 * (result count, latest run, recent means) as the schema's triggers do, and
 * note it in the audit log. *r is filled (release it with
 * pfg_prune_report_release()) on success; on failure nothing changed. */
int pfg_store_prune(struct pfg_store *st, const struct pfg_prune_opts *o,
		    struct pfg_prune_report *r, char *err, size_t errlen);
void pfg_prune_report_release(struct pfg_prune_report *r);

/* Write ids[0..n) (ascending) as ranges, "2-40, 43, 45-47", into buf;
 * past len, cut with ", ..." (at least 16 bytes). */
void pfg_prune_ranges(const int64_t *ids, size_t n, char *buf, size_t len);

/* Compact the database file (VACUUM) and truncate its write-ahead log. */
int pfg_store_vacuum(struct pfg_store *st, char *err, size_t errlen);

/* ---- Runs (the dashboard's runs view) -----------------------------------
 * src/store/runs.c. */

/* A run with what it holds, as one set-based query gathers it. */
struct pfg_run_row {
	int64_t id, env_id;
	char trigger[16];         /* cli, tui, ci, ingest */
	char git_rev[48];         /* "" when unknown */
	enum pfg_run_status status;
	double started_at;
	double ended_at;          /* 0: not ended (running) */
	size_t n_bench, n_failed; /* results stored, and of those not ok */
};

/* The latest limit runs (0: all), newest first, each with its result and
 * failure counts. Release *out with free(). */
int pfg_store_runs(struct pfg_store *st, size_t limit, struct pfg_run_row **out, size_t *n,
		   char *err, size_t errlen);

#endif
