/* hyperfine.c: `hyperfine --export-json`: results[] with command, times[]
 * (seconds, one per run: the samples), exit_codes[] (an error rate),
 * memory_usage_byte[] (peak memory, when present) and parameters. */
#include "ingest_int.h"

#include "perfguard/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The numbers of array arr (at path) into a new array of *n; PFG_EINPUT
 * naming the first element that is not a finite number of at least 0 (or
 * null when nulls, read as -1: hyperfine's exit code of a run killed by a
 * signal). */
static int numbers(struct ingest_file *f, const cJSON *arr, const char *path, int nulls,
		   double **out, size_t *n)
{
	*n = (size_t)cJSON_GetArraySize(arr);
	*out = pfg_xcalloc(*n + 1, sizeof **out);
	int i = 0;
	for (const cJSON *v = arr->child; v; v = v->next, i++) {
		if (nulls && cJSON_IsNull(v)) {
			(*out)[i] = -1;
			continue;
		}
		if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0) {
			char *p = ingest_path_index(path, i);
			int rc = ingest_fail(f, p, "expected a number of at least 0%s, got %s",
					     nulls ? " or null" : "", ingest_type_of(v));
			free(p);
			free(*out);
			*out = NULL;
			return rc;
		}
		(*out)[i] = v->valuedouble;
	}
	return 0;
}

/* One element of results[]. */
static int read_result(struct ingest_file *f, const cJSON *r, const char *path)
{
	const char *command;
	const cJSON *times, *codes, *mem;
	double *t = NULL, *c = NULL, *m = NULL;
	size_t nt = 0, nc = 0, nm = 0;
	char *tp = ingest_path_key(path, "times"), *cp = ingest_path_key(path, "exit_codes");
	char *mp = ingest_path_key(path, "memory_usage_byte");
	int rc = PFG_EINPUT;
	if (!cJSON_IsObject(r)) {
		rc = ingest_fail(f, path, "expected an object with command and times, got %s",
				 ingest_type_of(r));
		goto out;
	}
	if (ingest_string(f, r, path, "command", 1, &command) ||
	    ingest_array(f, r, path, "times", 1, &times) ||
	    ingest_array(f, r, path, "exit_codes", 0, &codes) ||
	    ingest_array(f, r, path, "memory_usage_byte", 0, &mem) ||
	    numbers(f, times, tp, 0, &t, &nt) ||
	    (codes && numbers(f, codes, cp, 1, &c, &nc)) ||
	    (mem && numbers(f, mem, mp, 0, &m, &nm)))
		goto out;
	if (nt == 0) {
		rc = ingest_fail(f, tp, "no times: hyperfine made no run");
		goto out;
	}
	if ((codes && nc != nt) || (mem && nm != nt)) {
		rc = ingest_fail(f, codes && nc != nt ? cp : mp, "%zu values for %zu times",
				 codes && nc != nt ? nc : nm, nt);
		goto out;
	}
	struct pfg_ingest_bench *lat, *errs = NULL, *memb = NULL;
	char *en = pfg_xasprintf("%s:errors", command), *mn = pfg_xasprintf("%s:memory", command);
	rc = ingest_bench(f, path, NULL, command, PFG_TYPE_LATENCY, "ms", PFG_LOWER_IS_BETTER,
			  &lat);
	if (rc == 0 && codes)
		rc = ingest_bench(f, path, NULL, en, PFG_TYPE_ERROR_RATE, "%",
				  PFG_LOWER_IS_BETTER, &errs);
	if (rc == 0 && mem)
		rc = ingest_bench(f, path, NULL, mn, PFG_TYPE_MEMORY, "KiB",
				  PFG_LOWER_IS_BETTER, &memb);
	free(en);
	free(mn);
	for (size_t i = 0; rc == 0 && i < nt; i++) {
		struct pfg_sample s = { .value = t[i] * 1e3, .wall_ns = ingest_ns(t[i], 1e9),
					.exit_code = c ? (int)fmin(c[i], INT32_MAX) : 0,
					.max_rss_kib = m ? (long)fmin(m[i] / 1024, 1e15) : 0 };
		*ingest_sample(lat, s.value) = s;
		if (errs) {
			s.value = c[i] != 0 ? 100 : 0;
			*ingest_sample(errs, s.value) = s;
		}
		if (memb) {
			s.value = m[i] / 1024;
			*ingest_sample(memb, s.value) = s;
		}
	}
out:
	free(t);
	free(c);
	free(m);
	free(tp);
	free(cp);
	free(mp);
	return rc;
}

int ingest_hyperfine(struct ingest_file *f, const cJSON *root)
{
	const cJSON *results;
	if (!cJSON_IsObject(root))
		return ingest_fail(f, "", "expected an object with results[], got %s",
				   ingest_type_of(root));
	if (ingest_array(f, root, "", "results", 1, &results))
		return PFG_EINPUT;
	if (!results->child)
		return ingest_fail(f, "results", "no results");
	if (ingest_environment(f, NULL, NULL, NULL))
		return PFG_EINPUT;
	int i = 0;
	for (const cJSON *r = results->child; r; r = r->next, i++) {
		char *p = ingest_path_index("results", i);
		int rc = read_result(f, r, p);
		free(p);
		if (rc)
			return rc;
	}
	return 0;
}
