/* pytest.c: pytest-benchmark's --benchmark-json: machine_info (where it
 * ran), commit_info (id: the run's git revision) and benchmarks[] with
 * group, name, params and stats: data[] (every round, seconds per
 * iteration: the samples) and iterations; without data[] (an older
 * writer), the statistics are kept as aggregates. */
#include "ingest_int.h"

#include "perfguard/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where it ran: node, cpu.brand_raw (or brand), system and release. */
static int read_machine(struct ingest_file *f, const cJSON *mi)
{
	const char *node = NULL, *system = NULL, *release = NULL, *brand = NULL;
	const cJSON *cpu = NULL;
	if (ingest_string(f, mi, "machine_info", "node", 0, &node) ||
	    ingest_string(f, mi, "machine_info", "system", 0, &system) ||
	    ingest_string(f, mi, "machine_info", "release", 0, &release) ||
	    ingest_object(f, mi, "machine_info", "cpu", 0, &cpu))
		return PFG_EINPUT;
	if (cpu && (ingest_string(f, cpu, "machine_info.cpu", "brand_raw", 0, &brand) ||
		    (!brand && ingest_string(f, cpu, "machine_info.cpu", "brand", 0, &brand))))
		return PFG_EINPUT;
	char kernel[160] = "";
	if (system && release)
		snprintf(kernel, sizeof kernel, "%s %s", system, release);
	return ingest_environment(f, node, brand, kernel);
}

/* The statistics of stats (at path) as an aggregate-only benchmark. */
static int read_aggregates(struct ingest_file *f, struct pfg_ingest_bench *b,
			   const cJSON *stats, const char *path)
{
	double mean = 0, median = NAN, stddev = 0, min = NAN, max = NAN, rounds = 1;
	if (ingest_number(f, stats, path, "mean", 1, &mean) ||
	    ingest_number(f, stats, path, "median", 0, &median) ||
	    ingest_number(f, stats, path, "stddev", 0, &stddev) ||
	    ingest_number(f, stats, path, "min", 0, &min) ||
	    ingest_number(f, stats, path, "max", 0, &max) ||
	    ingest_number(f, stats, path, "rounds", 0, &rounds))
		return PFG_EINPUT;
	if (!isfinite(mean) || mean < 0)
		return ingest_fail(f, path, "expected a mean time of at least 0");
	b->aggregate_only = 1;
	struct pfg_sample *s = ingest_sample(b, mean * 1e3);
	s->wall_ns = ingest_ns(mean, 1e9);
	b->summary = (struct pfg_result_row){
		.n = rounds >= 1 ? (size_t)fmin(rounds, 1e9) : 1, .mean = mean * 1e3,
		.median = (isfinite(median) ? median : mean) * 1e3, .stddev = stddev * 1e3,
		.min = (isfinite(min) ? min : mean) * 1e3,
		.max = (isfinite(max) ? max : mean) * 1e3, .p95 = mean * 1e3 };
	b->note = pfg_xasprintf("aggregate-only: the file holds the statistics of %zu "
				"rounds, not their samples (stats.data); its mean is "
				"compared as one run, and its statistics cannot be "
				"recomputed", b->summary.n);
	return 0;
}

/* One element of benchmarks[]. */
static int read_bench(struct ingest_file *f, const cJSON *e, const char *path)
{
	const char *group = NULL, *name = NULL;
	const cJSON *stats, *data, *params;
	double iterations = 1;
	if (!cJSON_IsObject(e))
		return ingest_fail(f, path, "expected an object with name and stats, got %s",
				   ingest_type_of(e));
	char *sp = ingest_path_key(path, "stats"), *dp = ingest_path_key(sp, "data");
	int rc = PFG_EINPUT;
	if (ingest_string(f, e, path, "group", 0, &group) ||
	    ingest_string(f, e, path, "name", 1, &name) ||
	    ingest_object(f, e, path, "params", 0, &params) ||
	    ingest_object(f, e, path, "stats", 1, &stats) ||
	    ingest_array(f, stats, sp, "data", 0, &data) ||
	    ingest_number(f, stats, sp, "iterations", 0, &iterations))
		goto out;
	struct pfg_ingest_bench *b;
	if ((rc = ingest_bench(f, path, group, name, PFG_TYPE_LATENCY, "ms",
			       PFG_LOWER_IS_BETTER, &b)))
		goto out;
	if (!data || !data->child) {
		rc = read_aggregates(f, b, stats, sp);
		goto out;
	}
	int i = 0;
	for (const cJSON *v = data->child; v; v = v->next, i++) {
		if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0) {
			char *p = ingest_path_index(dp, i);
			rc = ingest_fail(f, p, "expected a time in seconds, at least 0, got %s",
					 ingest_type_of(v));
			free(p);
			goto out;
		}
		struct pfg_sample *s = ingest_sample(b, v->valuedouble * 1e3);
		s->wall_ns = ingest_ns(v->valuedouble, 1e9);
		if (iterations > 1 && isfinite(iterations))
			ingest_metric(b, "iterations", iterations, "");
	}
	rc = 0;
out:
	free(sp);
	free(dp);
	return rc;
}

int ingest_pytest(struct ingest_file *f, const cJSON *root)
{
	const cJSON *mi, *ci, *benches;
	const char *id = NULL;
	if (!cJSON_IsObject(root))
		return ingest_fail(f, "", "expected an object with machine_info and "
				   "benchmarks[], got %s", ingest_type_of(root));
	if (ingest_object(f, root, "", "machine_info", 0, &mi) ||
	    ingest_object(f, root, "", "commit_info", 0, &ci) ||
	    ingest_array(f, root, "", "benchmarks", 1, &benches) ||
	    (ci && ingest_string(f, ci, "commit_info", "id", 0, &id)) ||
	    (mi && read_machine(f, mi)) || (!mi && ingest_environment(f, NULL, NULL, NULL)))
		return PFG_EINPUT;
	if (!benches->child)
		return ingest_fail(f, "benchmarks", "no benchmarks");
	/* "unversioned" and the like are not revisions. */
	if (id && *id && strspn(id, "0123456789abcdef") == strlen(id)) {
		if (f->in->git_rev && strcmp(f->in->git_rev, id))
			return ingest_fail(f, "commit_info.id", "revision %s, but another file "
					   "says %s: one run has one revision", id,
					   f->in->git_rev);
		if (!f->in->git_rev)
			f->in->git_rev = pfg_xstrdup(id);
	}
	int i = 0;
	for (const cJSON *e = benches->child; e; e = e->next, i++) {
		char *p = ingest_path_index("benchmarks", i);
		int rc = read_bench(f, e, p);
		free(p);
		if (rc)
			return rc;
	}
	return 0;
}
