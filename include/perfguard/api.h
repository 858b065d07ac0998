/* perfguard/api.h: libperfguard, benchmarks measured in-process.
 *
 * Open a suite on a perfguard database, time functions (wall and CPU time,
 * after warmup calls) and record custom metrics, then finish: the
 * measurements become one run, stored and analysed by the same engine as
 * `perfguard run` (baselines, alerts, drift, change points) and judged by
 * its gate. See perfguard(3). This header is the library's whole face and
 * needs no other: build with `pkg-config --cflags --libs perfguard`.
 *
 * Every call returns PFG_API_OK (0) or a negative code, and on failure
 * pfg_suite_error() says why in a sentence. A suite is used by one thread
 * at a time. */
#ifndef PERFGUARD_API_H
#define PERFGUARD_API_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Return codes (the values of the library's own). */
#define PFG_API_OK 0
#define PFG_API_EINPUT (-2)     /* bad input: a name, a count, a config */
#define PFG_API_ERUNTIME (-3)   /* the database or the system failed */

/* Which way is better for a custom metric. */
#define PFG_API_LOWER_IS_BETTER 0
#define PFG_API_HIGHER_IS_BETTER 1

typedef struct pfg_suite pfg_suite;

/* What finishing a suite found. */
struct pfg_suite_result {
	long long run_id;       /* the run stored */
	int benchmarks;         /* benchmarks stored */
	int regressions;        /* benchmarks whose comparison found a regression */
	int gate_failed;        /* nonzero: a regression at or above the gate's
				   level (the config's gate.fail_on, major) */
};

/* Open a suite of component (the component of every benchmark it records)
 * on the database at db_path (created when missing), with the analysis
 * and gate settings of the perfguard.json at config_path (NULL: the
 * defaults of perfguard.json(5)). *out is NULL on failure, when err
 * (errlen bytes, may be NULL) says why. */
int pfg_suite_open(pfg_suite **out, const char *db_path, const char *config_path,
		   const char *component, char *err, size_t errlen);

/* Call fn(arg) warmup times, then runs times, timing each measured call:
 * benchmark name (latency, ms: the wall time, CLOCK_MONOTONIC) and
 * name:cpu (cpu, ms: the process's user and system CPU time). runs >= 1,
 * warmup >= 0. */
int pfg_suite_time(pfg_suite *s, const char *name, void (*fn)(void *arg), void *arg,
		   int warmup, int runs);

/* Record values[0..n) (n >= 1, finite) as the samples of a custom metric
 * name in unit, lower or higher being better (PFG_API_*_IS_BETTER). */
int pfg_suite_record(pfg_suite *s, const char *name, const char *unit, int direction,
		     const double *values, size_t n);

/* Store what was timed and recorded as one run, analyse each benchmark
 * against its approved baseline and judge the run with the gate; result
 * (may be NULL) gets what was found; the config's notify targets are told
 * as after a run. Nothing is stored when it fails. A suite finishes once. */
int pfg_suite_finish(pfg_suite *s, struct pfg_suite_result *result);

/* Why the last call on s failed ("" when none). Valid until the next call. */
const char *pfg_suite_error(const pfg_suite *s);

/* Close the suite (what was not finished is dropped). NULL is ignored. */
void pfg_suite_close(pfg_suite *s);

#ifdef __cplusplus
}
#endif

#endif
