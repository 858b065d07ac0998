/* engine_int.h (private to the engine): the analysis of one benchmark. */
#ifndef PERFGUARD_ENGINE_INT_H
#define PERFGUARD_ENGINE_INT_H

#include "perfguard/engine.h"
#include "perfguard/stats.h"
#include "perfguard/util.h"

/* What the analysis of one benchmark in one run knows. */
struct analysis {
	const struct pfg_config *cfg;
	const struct pfg_benchmark_cfg *bench;
	struct pfg_store *st;
	int64_t run_id, env_id, bench_id;
	int has_baseline;            /* an approved baseline exists */
	struct pfg_baseline baseline;
	double *base;                /* its samples */
	size_t n_base;
};

/* Load the approved baseline (if any) and its samples. */
int analysis_begin(struct analysis *a, const struct pfg_config *cfg,
		   const struct pfg_benchmark_cfg *bench, struct pfg_store *st,
		   int64_t run_id, int64_t env_id, int64_t bench_id, char *err,
		   size_t errlen);

/* Compare cur[0..n) with the baseline into c (verdict "no_baseline" when
 * there is none). Reads nothing, writes nothing. */
void analysis_compare(const struct analysis *a, const double *cur, size_t n,
		      struct pfg_comparison *c);

/* Persist what the comparison in out means, after the result is stored:
 * the comparison, a first baseline, an alert or recoveries, drift, change
 * points, proposals after a sustained shift. */
int analysis_record(struct analysis *a, struct pfg_bench_outcome *out, char *err,
		    size_t errlen);

void analysis_release(struct analysis *a);

#endif
