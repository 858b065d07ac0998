/* gbench.c: Google Benchmark's --benchmark_format=json: context (where it
 * ran; a debug build or CPU scaling warned about, as the library itself
 * does) and benchmarks[]: iterations (each repetition a sample) or, when
 * only aggregates were reported, the aggregates (kept as such). Its writer
 * can emit NaN and Infinity, read here only. */
#include "ingest_int.h"

#include "perfguard/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keys of a benchmarks[] entry that are not user counters. */
static const char *const known_keys[] = {
	"name", "family_index", "per_family_instance_index", "run_name", "run_type",
	"repetitions", "repetition_index", "threads", "iterations", "real_time",
	"cpu_time", "time_unit", "label", "error_occurred", "error_message",
	"aggregate_name", "aggregate_unit", "skipped", "skip_message", "big_o",
	"rms", "complexity", NULL };

/* Nanoseconds in one time_unit, or 0 for a unit Google Benchmark does not
 * write. */
static double unit_ns(const char *u)
{
	static const char *const names[] = { "ns", "us", "ms", "s" };
	static const double ns[] = { 1, 1e3, 1e6, 1e9 };
	for (int i = 0; i < 4; i++)
		if (strcmp(u, names[i]) == 0)
			return ns[i];
	return 0;
}

/* Nonzero when v (skipped, error_occurred) says yes: true, a nonzero
 * number or a non-empty string. */
static int truthy(const cJSON *v)
{
	return cJSON_IsTrue(v) || (cJSON_IsNumber(v) && v->valuedouble != 0) ||
	       (cJSON_IsString(v) && *v->valuestring);
}

/* The run name of entry e: run_name, else name (NULL when neither). */
static const char *run_name_of(const cJSON *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "run_name");
	if (!cJSON_IsString(v))
		v = cJSON_GetObjectItemCaseSensitive(e, "name");
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Keep the figures of iteration entry e (at path) besides real_time as
 * custom metrics of b's last sample; non-finite ones are dropped (*dropped
 * set). */
static void keep_metrics(struct ingest_file *f, struct pfg_ingest_bench *b, const cJSON *e,
			 const char *unit, int *dropped)
{
	for (const cJSON *m = e->child; m; m = m->next) {
		int known = 0;
		for (int k = 0; known_keys[k] && !known; k++)
			known = strcmp(m->string, known_keys[k]) == 0;
		double v;
		if ((known && strcmp(m->string, "cpu_time")) || ingest_value(f, m, &v))
			continue;
		if (!isfinite(v)) {
			*dropped = 1;
			continue;
		}
		const char *u = strcmp(m->string, "cpu_time") == 0 ? unit :
				strcmp(m->string, "bytes_per_second") == 0 ? "B/s" :
				strcmp(m->string, "items_per_second") == 0 ? "items/s" : "";
		ingest_metric(b, m->string, v, u);
	}
}

/* What one run name's entries hold. */
struct family {
	const char *name;
	int iterations, skipped;
	const char *error, *skip_message;
	int has_mean, has_median, has_stddev;
	double mean, median, stddev, repetitions;
	const char *unit;
};

/* Read entry e (at path) of run name fam->name into fam, and its sample
 * into b when b is given (the second pass). */
static int read_entry(struct ingest_file *f, const cJSON *e, const char *path,
		      struct family *fam, struct pfg_ingest_bench *b, int *dropped)
{
	const char *type = "iteration", *unit = "ns", *agg = NULL;
	double real = 0;
	if (ingest_string(f, e, path, "run_type", 0, &type) ||
	    ingest_string(f, e, path, "time_unit", 0, &unit))
		return PFG_EINPUT;
	if (!type)
		type = "iteration";
	if (!unit)
		unit = "ns";
	if (!unit_ns(unit)) {
		char *p = ingest_path_key(path, "time_unit");
		int rc = ingest_fail(f, p, "expected ns, us, ms or s, got \"%s\"", unit);
		free(p);
		return rc;
	}
	fam->unit = unit;
	if (truthy(cJSON_GetObjectItemCaseSensitive(e, "skipped"))) {
		fam->skipped = 1;
		ingest_string(f, e, path, "skip_message", 0, &fam->skip_message);
		return 0;
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "error_occurred"))) {
		const char *msg = NULL;
		ingest_string(f, e, path, "error_message", 0, &msg);
		fam->error = msg && *msg ? msg : "an error occurred";
		return 0;
	}
	int iteration = strcmp(type, "iteration") == 0;
	if (!iteration && strcmp(type, "aggregate")) {
		char *p = ingest_path_key(path, "run_type");
		int rc = ingest_fail(f, p, "expected \"iteration\" or \"aggregate\", got \"%s\"",
				     type);
		free(p);
		return rc;
	}
	if (!iteration && ingest_string(f, e, path, "aggregate_name", 1, &agg))
		return PFG_EINPUT;
	/* Complexity fits (BigO, RMS) and user aggregates are not timings. */
	if (!iteration && strcmp(agg, "mean") && strcmp(agg, "median") && strcmp(agg, "stddev"))
		return 0;
	if (ingest_number(f, e, path, "real_time", 1, &real))
		return PFG_EINPUT;
	if (!isfinite(real) || real < 0) {
		char *p = ingest_path_key(path, "real_time");
		int rc = ingest_fail(f, p, "expected a time of at least 0, got %s",
				     isnan(real) ? "NaN" : real < 0 ? "a negative number" :
				     "an infinite number");
		free(p);
		return rc;
	}
	if (!iteration) {
		double reps = 0;
		ingest_number(f, e, path, "repetitions", 0, &reps);
		if (reps > fam->repetitions)
			fam->repetitions = reps;
		if (strcmp(agg, "mean") == 0)
			fam->has_mean = 1, fam->mean = real;
		else if (strcmp(agg, "median") == 0)
			fam->has_median = 1, fam->median = real;
		else
			fam->has_stddev = 1, fam->stddev = real;
		return 0;
	}
	fam->iterations++;
	if (b) {
		struct pfg_sample *s = ingest_sample(b, real);
		s->wall_ns = ingest_ns(real, unit_ns(unit));
		keep_metrics(f, b, e, unit, dropped);
	}
	return 0;
}

/* Read every entry of one run name (the entries at or after first) into a
 * benchmark. */
static int read_family(struct ingest_file *f, const cJSON *benches, const cJSON *first,
		       int first_index, const char *name)
{
	struct family fam = { .name = name };
	struct pfg_ingest_bench *b = NULL;
	int dropped = 0;
	char *first_path = ingest_path_index("benchmarks", first_index);
	(void)benches;
	/* Two passes: what the entries hold, then the samples. */
	for (int pass = 0; pass < 2; pass++) {
		int i = first_index;
		for (const cJSON *e = first; e; e = e->next, i++) {
			const char *rn = run_name_of(e);
			if (!rn || strcmp(rn, name))
				continue;
			char *p = ingest_path_index("benchmarks", i);
			int rc = read_entry(f, e, p, &fam, b, &dropped);
			free(p);
			if (rc) {
				free(first_path);
				return rc;
			}
		}
		if (pass == 1)
			break;
		if (fam.skipped) {
			ingest_warn(f, "%s: skipped by Google Benchmark%s%s; not imported", name,
				    fam.skip_message ? ": " : "",
				    fam.skip_message ? fam.skip_message : "");
			free(first_path);
			return 0;
		}
		if (!fam.error && !fam.iterations && !fam.has_mean) {
			int rc = ingest_fail(f, first_path, "%s has no iteration and no mean "
					     "aggregate: nothing to import", name);
			free(first_path);
			return rc;
		}
		int rc = ingest_bench(f, first_path, NULL, name, PFG_TYPE_LATENCY,
				      fam.unit ? fam.unit : "ns", PFG_LOWER_IS_BETTER, &b);
		if (rc) {
			free(first_path);
			return rc;
		}
		if (fam.error) {
			b->error = pfg_xasprintf("Google Benchmark reported an error: %s",
						 fam.error);
			break;
		}
		if (fam.iterations)
			fam.iterations = 0; /* counted again in the second pass */
		else
			break;
	}
	free(first_path);
	if (!b->error && b->n == 0) {
		/* Only aggregates: kept as such, their mean one sample. */
		b->aggregate_only = 1;
		struct pfg_sample *s = ingest_sample(b, fam.mean);
		s->wall_ns = ingest_ns(fam.mean, unit_ns(b->cfg.unit));
		b->summary = (struct pfg_result_row){
			.n = fam.repetitions >= 1 ? (size_t)fmin(fam.repetitions, 1e9) : 1,
			.mean = fam.mean, .median = fam.has_median ? fam.median : fam.mean,
			.stddev = fam.has_stddev ? fam.stddev : 0, .min = fam.mean,
			.max = fam.mean, .p95 = fam.mean };
		b->note = pfg_xasprintf("aggregate-only: the file holds the mean, median and "
					"stddev of %zu repetitions, not their samples; its "
					"mean is compared as one run, and its statistics "
					"cannot be recomputed", b->summary.n);
	}
	if (dropped)
		ingest_warn(f, "%s: counters that are NaN or infinite were not kept", name);
	return 0;
}

/* Where it ran, and the warnings Google Benchmark prints itself. */
static int read_context(struct ingest_file *f, const cJSON *ctx)
{
	const char *host = NULL, *build = NULL;
	double cpus = 0, mhz = 0;
	if (ingest_string(f, ctx, "context", "host_name", 0, &host) ||
	    ingest_number(f, ctx, "context", "num_cpus", 0, &cpus) ||
	    ingest_number(f, ctx, "context", "mhz_per_cpu", 0, &mhz) ||
	    ingest_string(f, ctx, "context", "library_build_type", 0, &build))
		return PFG_EINPUT;
	if (build && strcmp(build, "debug") == 0)
		ingest_warn(f, "the benchmark library was built as debug; timings may be "
			    "affected (Google Benchmark warns the same)");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ctx, "cpu_scaling_enabled")))
		ingest_warn(f, "CPU scaling was enabled; real time measurements may be noisy "
			    "(Google Benchmark warns the same)");
	struct pfg_environment here;
	pfg_environment_detect(&here);
	char cpu[96] = "";
	if (host && strcmp(host, here.host) && cpus > 0 && isfinite(cpus) && isfinite(mhz))
		snprintf(cpu, sizeof cpu, "%.0f CPUs at %.0f MHz", cpus, mhz);
	return ingest_environment(f, host, cpu, NULL);
}

int ingest_gbench(struct ingest_file *f, const cJSON *root)
{
	const cJSON *ctx, *benches;
	if (!cJSON_IsObject(root))
		return ingest_fail(f, "", "expected an object with context and benchmarks[], "
				   "got %s", ingest_type_of(root));
	if (ingest_object(f, root, "", "context", 0, &ctx) ||
	    ingest_array(f, root, "", "benchmarks", 1, &benches) ||
	    (ctx && read_context(f, ctx)) || (!ctx && ingest_environment(f, NULL, NULL, NULL)))
		return PFG_EINPUT;
	int i = 0;
	for (const cJSON *e = benches->child; e; e = e->next, i++) {
		char *p = ingest_path_index("benchmarks", i);
		const char *name = NULL;
		int rc = 0;
		if (!cJSON_IsObject(e))
			rc = ingest_fail(f, p, "expected an object, got %s", ingest_type_of(e));
		else if (!(name = run_name_of(e)))
			rc = ingest_fail(f, p, "missing \"name\" (a string)");
		free(p);
		if (rc)
			return rc;
		/* The first entry of its run name reads them all. */
		int seen = 0;
		for (const cJSON *prev = benches->child; prev != e && !seen; prev = prev->next) {
			const char *pn = run_name_of(prev);
			seen = pn && strcmp(pn, name) == 0;
		}
		if (!seen && (rc = read_family(f, benches, e, i, name)))
			return rc;
	}
	if (i == 0)
		return ingest_fail(f, "benchmarks", "no benchmarks");
	return 0;
}
