/* api.c: libperfguard's face (perfguard/api.h): functions timed in-process,
 * stored and analysed by the engine, as an import measured here is. */
#include "perfguard/api.h"

#include "perfguard/alerts.h"
#include "perfguard/config.h"
#include "perfguard/engine.h"
#include "perfguard/ingest.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

_Static_assert(PFG_API_EINPUT == PFG_EINPUT && PFG_API_ERUNTIME == PFG_ERUNTIME &&
	       PFG_API_OK == PFG_OK, "api.h mirrors the library's return codes");

struct pfg_suite {
	struct pfg_store *st;
	struct pfg_config *cfg;      /* the config's, or the defaults */
	int has_config;              /* cfg came from a file: its gate settings */
	char *component;
	struct pfg_ingest in;        /* what was measured, as an import */
	int finished;
	char err[PFG_ERR_MAX];
};

/* Note on s why the call failed (err already filled) and return rc. */
static int failed(pfg_suite *s, int rc)
{
	if (!s->err[0])
		snprintf(s->err, sizeof s->err, "failed (code %d)", rc);
	return rc;
}

int pfg_suite_open(pfg_suite **out, const char *db_path, const char *config_path,
		   const char *component, char *err, size_t errlen)
{
	*out = NULL;
	if (!db_path || !*db_path)
		return pfg_error(err, errlen, PFG_EINPUT, "no database path");
	if (!component || !*component || strchr(component, '/'))
		return pfg_error(err, errlen, PFG_EINPUT, "component '%s': expected a name "
				 "without '/'", component ? component : "(null)");
	struct pfg_config *cfg = NULL;
	if (config_path) {
		struct pfg_strv errors = { 0 };
		if (pfg_config_load(config_path, &cfg, &errors)) {
			pfg_error(err, errlen, PFG_EINPUT, "%s", errors.n ? errors.v[0] :
				  "the config does not load");
			pfg_strv_release(&errors);
			return PFG_EINPUT;
		}
		pfg_strv_release(&errors);
	}
	struct pfg_store *st;
	if (pfg_store_open(db_path, &st, err, errlen)) {
		pfg_config_free(cfg);
		return PFG_ERUNTIME;
	}
	pfg_suite *s = pfg_xcalloc(1, sizeof *s);
	s->st = st;
	s->has_config = cfg != NULL;
	s->cfg = cfg ? cfg : pfg_ingest_defaults();
	s->component = pfg_xstrdup(component);
	*out = s;
	return PFG_OK;
}

/* Nanoseconds of clock c. */
static int64_t clock_ns(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Nanoseconds of a struct timeval. */
static int64_t tv_ns(struct timeval tv)
{
	return (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
}

int pfg_suite_time(pfg_suite *s, const char *name, void (*fn)(void *arg), void *arg,
		   int warmup, int runs)
{
	s->err[0] = '\0';
	if (s->finished)
		return pfg_error(s->err, sizeof s->err, PFG_EINPUT, "the suite is finished");
	if (!fn || runs < 1 || warmup < 0 || runs > PFG_RUNS_MAX || warmup > PFG_RUNS_MAX)
		return pfg_error(s->err, sizeof s->err, PFG_EINPUT, "%s: expected a function, "
				 "1 to %d runs and 0 to %d warmup calls, got %d and %d",
				 name ? name : "(null)", PFG_RUNS_MAX, PFG_RUNS_MAX, runs, warmup);
	if (!name || !*name)
		return pfg_error(s->err, sizeof s->err, PFG_EINPUT, "a benchmark needs a name");
	for (int i = 0; i < warmup; i++)
		fn(arg);
	struct pfg_sample *wall = pfg_xcalloc((size_t)runs, sizeof *wall);
	struct pfg_sample *cpu = pfg_xcalloc((size_t)runs, sizeof *cpu);
	for (int i = 0; i < runs; i++) {
		struct rusage r0, r1;
		getrusage(RUSAGE_SELF, &r0);
		int64_t c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID), w0 = clock_ns(CLOCK_MONOTONIC);
		fn(arg);
		int64_t w1 = clock_ns(CLOCK_MONOTONIC), c1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
		getrusage(RUSAGE_SELF, &r1);
		wall[i] = (struct pfg_sample){
			.value = (double)(w1 - w0) / 1e6, .wall_ns = w1 - w0,
			.user_ns = tv_ns(r1.ru_utime) - tv_ns(r0.ru_utime),
			.sys_ns = tv_ns(r1.ru_stime) - tv_ns(r0.ru_stime),
			.max_rss_kib = r1.ru_maxrss };
		cpu[i] = wall[i];
		cpu[i].value = (double)(c1 - c0) / 1e6;
	}
	char *cpu_name = pfg_xasprintf("%s:cpu", name);
	size_t before = s->in.n;
	int rc = pfg_ingest_add(&s->in, s->component, name, PFG_TYPE_LATENCY, "ms",
				PFG_LOWER_IS_BETTER, wall, (size_t)runs, s->err, sizeof s->err);
	if (rc == PFG_OK)
		rc = pfg_ingest_add(&s->in, s->component, cpu_name, PFG_TYPE_CPU, "ms",
				    PFG_LOWER_IS_BETTER, cpu, (size_t)runs, s->err, sizeof s->err);
	while (rc && s->in.n > before) /* name:cpu was taken: keep neither */
		pfg_ingest_drop_last(&s->in);
	free(cpu_name);
	free(wall);
	free(cpu);
	return rc ? failed(s, rc) : PFG_OK;
}

int pfg_suite_record(pfg_suite *s, const char *name, const char *unit, int direction,
		     const double *values, size_t n)
{
	s->err[0] = '\0';
	if (s->finished)
		return pfg_error(s->err, sizeof s->err, PFG_EINPUT, "the suite is finished");
	if (direction != PFG_API_LOWER_IS_BETTER && direction != PFG_API_HIGHER_IS_BETTER)
		return pfg_error(s->err, sizeof s->err, PFG_EINPUT, "%s: direction %d: "
				 "expected PFG_API_LOWER_IS_BETTER or "
				 "PFG_API_HIGHER_IS_BETTER", name ? name : "(null)", direction);
	if (!values && n)
		return pfg_error(s->err, sizeof s->err, PFG_EINPUT, "no values");
	struct pfg_sample *v = pfg_xcalloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i].value = values[i];
	int rc = pfg_ingest_add(&s->in, s->component, name, PFG_TYPE_CUSTOM, unit,
				direction == PFG_API_HIGHER_IS_BETTER ? PFG_HIGHER_IS_BETTER :
				PFG_LOWER_IS_BETTER, v, n, s->err, sizeof s->err);
	free(v);
	return rc ? failed(s, rc) : PFG_OK;
}

int pfg_suite_finish(pfg_suite *s, struct pfg_suite_result *result)
{
	s->err[0] = '\0';
	if (result)
		memset(result, 0, sizeof *result);
	if (s->finished)
		return pfg_error(s->err, sizeof s->err, PFG_EINPUT, "the suite is finished");
	if (s->in.n == 0)
		return pfg_error(s->err, sizeof s->err, PFG_EINPUT, "nothing was timed or "
				 "recorded");
	s->finished = 1;
	s->in.trigger = getenv("CI") ? "ci" : "cli";
	s->in.noise = 1;
	s->in.git_rev = pfg_engine_git_revision(s->has_config ? s->cfg->dir : ".");
	struct pfg_run_report report;
	int rc = pfg_ingest_store(&s->in, s->cfg, s->st, NULL, pfg_engine_actor(), &report,
				  s->err, sizeof s->err);
	struct pfg_gate_report gate = { 0 };
	if (rc == PFG_OK) {
		struct pfg_gate_opts o;
		pfg_gate_opts_init(&o, s->has_config ? s->cfg : NULL);
		o.run_id = report.run_id;
		rc = pfg_gate_judge(s->st, &o, &gate, s->err, sizeof s->err);
		pfg_gate_opts_release(&o);
	}
	if (rc == PFG_OK && result) {
		result->run_id = report.run_id;
		result->benchmarks = (int)report.n_outcomes;
		result->gate_failed = gate.failed;
		for (size_t i = 0; i < report.n_outcomes; i++) {
			const struct pfg_comparison *c = &report.outcomes[i].comparison;
			result->regressions += report.outcomes[i].has_comparison &&
					       c->verdict == PFG_VERDICT_REGRESSION;
		}
	}
	pfg_gate_report_release(&gate);
	pfg_run_report_release(&report);
	return rc ? failed(s, rc) : PFG_OK;
}

const char *pfg_suite_error(const pfg_suite *s)
{
	return s ? s->err : "no suite";
}

void pfg_suite_close(pfg_suite *s)
{
	if (!s)
		return;
	pfg_ingest_release(&s->in);
	pfg_config_free(s->cfg);
	pfg_store_close(s->st);
	free(s->component);
	free(s);
}
