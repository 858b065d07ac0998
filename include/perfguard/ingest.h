/* ingest.h: results of other tools taken in as a perfguard run.
 *
 * hyperfine --export-json, Google Benchmark --benchmark_format=json,
 * pytest-benchmark --benchmark-json and the generic [{name, unit, value}]
 * list of CI actions are read into benchmarks with their samples
 * (pfg_ingest_parse, one file at a time, the format recognised from the
 * content unless given), then stored as one run with trigger "ingest" and
 * analysed by the engine like any other run (pfg_ingest_store), in one
 * transaction: a failed import stores nothing. */
#ifndef PERFGUARD_INGEST_H
#define PERFGUARD_INGEST_H

#include <stddef.h>

#include "perfguard/config.h"
#include "perfguard/engine.h"
#include "perfguard/store.h"

enum pfg_ingest_format {
	PFG_INGEST_AUTO = 0,     /* recognised from the content */
	PFG_INGEST_HYPERFINE,
	PFG_INGEST_GBENCH,
	PFG_INGEST_PYTEST,       /* pytest-benchmark */
	PFG_INGEST_GENERIC,
};

/* "hyperfine", "gbench", "pytest-benchmark", "generic" ("auto"). */
const char *pfg_ingest_format_name(enum pfg_ingest_format f);
int pfg_ingest_format_parse(const char *s, enum pfg_ingest_format *out);

/* One benchmark read from a file. */
struct pfg_ingest_bench {
	struct pfg_benchmark_cfg cfg; /* component, name, id, type, unit,
				     direction (metric for custom); the rest 0 */
	struct pfg_sample *samples;
	struct pfg_sample_metric **metrics; /* per sample: n_metrics[i] of them */
	size_t *n_metrics;
	size_t n, cap;
	char *error;             /* the tool reported the benchmark failed */
	int aggregate_only;      /* the file holds its statistics, not its
				    samples: its mean is stored as one sample
				    and summary as its result */
	struct pfg_result_row summary; /* aggregate_only: n, mean, median, ... */
	char *note;              /* a sentence about how it was read, or NULL */
	char *file;              /* the file it came from */
	enum pfg_ingest_format format;
};

/* What the files of one import hold. */
struct pfg_ingest {
	struct pfg_ingest_bench **v; /* each allocated: pointers stay valid */
	size_t n, cap;
	int has_env;             /* a file said where it ran: env */
	struct pfg_environment env;
	char *env_file;          /* the file env came from */
	char *git_rev;           /* pytest-benchmark's commit_info.id, or NULL */
	struct pfg_strv warnings; /* "file: what" (a debug build, CPU scaling,
				    skipped benchmarks, dropped metrics) */
	struct pfg_strv files;   /* the files read, in order */
	const char *trigger;     /* of the run: NULL is "ingest" (the C API:
				    cli or ci) */
	int noise;               /* nonzero: the samples were measured here
				    now: store this machine's noise settings */
};

/* Read one file's text (len bytes) in format fmt (AUTO: recognised) and
 * append its benchmarks to in. component (NULL: the group, else the file
 * name without .json) names their component. Returns 0, or PFG_EINPUT
 * with err naming the file, the JSON path and what was wrong; in is then
 * unchanged but for its warnings. */
int pfg_ingest_parse(struct pfg_ingest *in, const char *text, size_t len,
		     const char *file, enum pfg_ingest_format fmt, const char *component,
		     char *err, size_t errlen);

/* Add benchmark component/name with samples[0..n) (finite values, n >= 1)
 * measured elsewhere (the C API) to in. PFG_EINPUT, saying why, for a bad
 * name or sample, or an id in already. */
int pfg_ingest_add(struct pfg_ingest *in, const char *component, const char *name,
		   enum pfg_bench_type type, const char *unit, enum pfg_direction dir,
		   const struct pfg_sample *samples, size_t n, char *err, size_t errlen);

/* Drop the benchmark added last. */
void pfg_ingest_drop_last(struct pfg_ingest *in);

/* Store in's benchmarks as one run (trigger in->trigger) and analyse each
 * against its baseline with cfg's settings, all in one transaction; the
 * audit log gets the files and note (NULL: none) by actor. report refers
 * to in's benchmarks: release it before in. Once stored, the run is told
 * to cfg's notify targets as pfg_engine_run does (pfg_notify_run; what was
 * not delivered is in report->notices, never a failure). Returns 0, or
 * PFG_ERUNTIME (nothing stored, report->run_id 0). */
int pfg_ingest_store(const struct pfg_ingest *in, const struct pfg_config *cfg,
		     struct pfg_store *st, const char *note, const char *actor,
		     struct pfg_run_report *report, char *err, size_t errlen);

void pfg_ingest_release(struct pfg_ingest *in);

/* The analysis settings when there is no config: perfguard.json(5)'s
 * defaults. Free with pfg_config_free(). */
struct pfg_config *pfg_ingest_defaults(void);

#endif
