/* store.h: every persistent byte of perfguard, in one SQLite file.
 *
 * The schema is versioned with PRAGMA user_version and migrated forward
 * on open; the file is created 0600, in WAL mode, with foreign keys on
 * and a busy timeout so that several perfguard processes can share it.
 * Each benchmark's samples and result of a run go in one transaction, so
 * a stopped run never leaves half a benchmark behind. */
#ifndef PERFGUARD_STORE_H
#define PERFGUARD_STORE_H

#include <stddef.h>
#include <stdint.h>

struct pfg_store;

/* The latest schema version pfg_store_open() migrates to. */
#define PFG_STORE_SCHEMA_VERSION 1

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
	char status[16];       /* of the run: running, complete, failed, interrupted */
	char git_rev[48];      /* "" when unknown */
	int ok;                /* nonzero: the benchmark ran to the end */
	char *error;           /* why it failed, or NULL */
	size_t n;
	double mean, median, stddev, min, max, p95;
	size_t outliers;
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

/* Finish a run with status complete, failed or interrupted. */
int pfg_store_run_end(struct pfg_store *st, int64_t run_id, const char *status,
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

/* One row per run of component/name, oldest first; limit 0 means all,
 * else the latest limit runs. Returns PFG_EINPUT when the benchmark is
 * unknown. Free with pfg_result_rows_free(). */
int pfg_store_history(struct pfg_store *st, const char *component,
		      const char *name, size_t limit, struct pfg_result_row **rows,
		      size_t *n, char *err, size_t errlen);
void pfg_result_rows_free(struct pfg_result_row *rows, size_t n);

/* The sample values of one benchmark in one run, in order. Caller frees. */
int pfg_store_samples(struct pfg_store *st, int64_t run_id, int64_t bench_id,
		      double **values, size_t *n, char *err, size_t errlen);

#endif
