/* ingest_int.h (private to ingest): what the readers of each format share:
 * reading JSON values with the path of each in messages, and adding the
 * benchmarks found. */
#ifndef PERFGUARD_INGEST_INT_H
#define PERFGUARD_INGEST_INT_H

#include "perfguard/ingest.h"

#include <cjson/cJSON.h>
#include <stdint.h>

/* Strings that stand for Google Benchmark's bare NaN and Infinity tokens
 * once ingest_rewrite_nonfinite has replaced them. */
#define INGEST_NAN "\x01pfg:NaN"
#define INGEST_INF "\x01pfg:Infinity"
#define INGEST_NINF "\x01pfg:-Infinity"

/* One file being read: where messages go, and what it adds. */
struct ingest_file {
	struct pfg_ingest *in;
	const char *file;
	const char *component;    /* --component, or NULL */
	char *base;               /* the file name without directory and .json */
	int nonfinite;            /* NaN and Infinity strings are numbers */
	char *err;
	size_t errlen;
};

/* Fill f->err with "file: path: what" and return PFG_EINPUT. */
int ingest_fail(struct ingest_file *f, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "a string", "an array", "null", ... for messages. */
const char *ingest_type_of(const cJSON *v);

/* path + "." + key, or path + "[i]"; caller frees. */
char *ingest_path_key(const char *path, const char *key);
char *ingest_path_index(const char *path, int i);

/* The member key of obj as a number, string, array or object. required:
 * missing is an error; else *out is untouched (and NULL returned for
 * pointers) when missing or null. Return 0 or PFG_EINPUT. */
int ingest_number(struct ingest_file *f, const cJSON *obj, const char *path,
		  const char *key, int required, double *out);
int ingest_string(struct ingest_file *f, const cJSON *obj, const char *path,
		  const char *key, int required, const char **out);
int ingest_array(struct ingest_file *f, const cJSON *obj, const char *path,
		 const char *key, int required, const cJSON **out);
int ingest_object(struct ingest_file *f, const cJSON *obj, const char *path,
		  const char *key, int required, const cJSON **out);

/* v as a number (Google Benchmark's NaN and Infinity too when f->nonfinite):
 * 0, or -1 when it is none. */
int ingest_value(const struct ingest_file *f, const cJSON *v, double *out);

/* A new benchmark of this file (component from --component, else comp,
 * else the file's name); PFG_EINPUT when its id repeats one read before. */
int ingest_bench(struct ingest_file *f, const char *path, const char *comp,
		 const char *name, enum pfg_bench_type type, const char *unit,
		 enum pfg_direction dir, struct pfg_ingest_bench **out);

/* Append a sample of value v to b; *s gets it to fill in further. */
struct pfg_sample *ingest_sample(struct pfg_ingest_bench *b, double v);

/* Add a custom metric to b's last sample. */
void ingest_metric(struct pfg_ingest_bench *b, const char *name, double v,
		   const char *unit);

/* Take the environment of the file (fields NULL or "" unknown): this
 * machine's where the file does not say when host is this machine's (or
 * NULL), else "unknown". PFG_EINPUT when an earlier file said another. */
int ingest_environment(struct ingest_file *f, const char *host, const char *cpu,
		       const char *kernel);

/* Nanoseconds of v units of scale ns each (v >= 0), as an int64 (held at
 * INT64_MAX beyond it). */
int64_t ingest_ns(double v, double scale);

/* Free one benchmark of an import. */
void ingest_bench_free(struct pfg_ingest_bench *b);

/* Add a warning "file: what". */
void ingest_warn(struct ingest_file *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The readers of each format: root is the parsed file. */
int ingest_hyperfine(struct ingest_file *f, const cJSON *root);
int ingest_gbench(struct ingest_file *f, const cJSON *root);
int ingest_pytest(struct ingest_file *f, const cJSON *root);
int ingest_generic(struct ingest_file *f, const cJSON *root);

#endif
