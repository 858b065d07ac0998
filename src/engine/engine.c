/* engine.c: run a suite's benchmarks and store what they measured. */
#include "perfguard/analysis.h"
#include "perfguard/engine.h"
#include "perfguard/ha.h"
#include "perfguard/notify.h"
#include "perfguard/stats.h"
#include "perfguard/util.h"

#include "perfguard/runner.h"

#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Nonzero when the run must stop: its session was cancelled (a signal, or
 * the dashboard cancelling its run). */
static int must_stop(const struct pfg_engine_opts *opts)
{
	return pfg_engine_session_cancelled(opts->session);
}

int pfg_engine_select(const struct pfg_config *cfg, char *const *patterns,
		      size_t n_patterns, size_t **sel, size_t *n_sel, char *err,
		      size_t errlen)
{
	*sel = pfg_xcalloc(cfg->n_benchmarks, sizeof **sel);
	*n_sel = 0;
	for (size_t p = 0; p < n_patterns; p++) {
		int hit = 0;
		for (size_t i = 0; i < cfg->n_benchmarks; i++) {
			const struct pfg_benchmark_cfg *b = &cfg->benchmarks[i];
			hit |= pfg_glob_match(patterns[p], b->id) ||
			       pfg_glob_match(patterns[p], b->component);
		}
		if (!hit) {
			free(*sel);
			*sel = NULL;
			return pfg_error(err, errlen, PFG_EINPUT, "no benchmark matches "
					 "'%s' (patterns match component/name, e.g. "
					 "'%s' or '%s/*')", patterns[p],
					 cfg->benchmarks[0].id, cfg->benchmarks[0].component);
		}
	}
	for (size_t i = 0; i < cfg->n_benchmarks; i++) {
		const struct pfg_benchmark_cfg *b = &cfg->benchmarks[i];
		int take = n_patterns == 0;
		for (size_t p = 0; p < n_patterns && !take; p++)
			take = pfg_glob_match(patterns[p], b->id) ||
			       pfg_glob_match(patterns[p], b->component);
		if (take)
			(*sel)[(*n_sel)++] = i;
	}
	return PFG_OK;
}

/* Send ev to the caller's callback, if any. */
static void emit(const struct pfg_engine_opts *opts, struct pfg_event *ev)
{
	if (opts->on_event)
		opts->on_event(ev, opts->ctx);
}

/* The spec of cmd with the benchmark's cwd, env and timeout; cancel_fd is
 * the session's unless uncancelled (cleanup). */
static struct pfg_exec_spec command_spec(const struct pfg_benchmark_cfg *b,
					 const struct pfg_command_line *cmd, int metrics,
					 const struct pfg_engine_opts *opts, int uncancelled)
{
	return (struct pfg_exec_spec){
		.argv = cmd->argv.v,
		.shell = cmd->shell,
		.cwd = b->cwd,
		.env = b->env.n ? b->env.v : NULL,
		.timeout_s = b->timeout_s,
		.metrics = metrics,
		.cancel_fd = uncancelled ? -1 : pfg_engine_session_cancel_fd(opts->session),
		.via_spawner = b->type == PFG_TYPE_MEMORY,
	};
}

/* Record in out why the benchmark failed: what and the stderr tail. */
__attribute__((format(printf, 3, 4)))
static void fail(struct pfg_bench_outcome *out, const struct pfg_measurement *m,
		 const char *fmt, ...)
{
	if (out->error)
		return;
	va_list ap;
	char msg[768];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	out->ok = 0;
	out->error = pfg_xstrdup(msg);
	if (m && m->stderr_tail && *m->stderr_tail)
		out->stderr_tail = pfg_xstrdup(m->stderr_tail);
}

/* Run a setup/prepare/cleanup step; on failure note it in out. A cleanup
 * step is not cancelled: it restores state. */
static int run_step(const struct pfg_benchmark_cfg *b,
		    const struct pfg_command_line *cmd, const char *what,
		    const struct pfg_engine_opts *opts, struct pfg_bench_outcome *out)
{
	if (cmd->argv.n == 0)
		return 0;
	struct pfg_measurement m;
	char err[PFG_ERR_MAX], why[256];
	struct pfg_exec_spec spec = command_spec(b, cmd, 0, opts, cmd == &b->cleanup);
	int rc = pfg_runner_exec(&spec, &m, err, sizeof err);
	if (rc)
		fail(out, NULL, "%s: %s", what, err);
	else if (!pfg_measurement_ok(&m)) {
		pfg_measurement_describe(&m, why, sizeof why);
		fail(out, &m, "%s failed: %s", what, why);
		rc = -1;
	}
	pfg_measurement_release(&m);
	return rc;
}

/* The benchmark's value of one successful run; 0 and *why set when the run
 * did not yield one. */
static int sample_value(const struct pfg_benchmark_cfg *b,
			const struct pfg_measurement *m, double *value,
			char *why, size_t len)
{
	const struct pfg_metric *met;
	switch (b->type) {
	case PFG_TYPE_LATENCY:
		*value = m->wall_ns / 1e6;
		return 1;
	case PFG_TYPE_CPU:
		*value = (m->user_ns + m->sys_ns) / 1e6;
		return 1;
	case PFG_TYPE_MEMORY:
		*value = (double)m->max_rss_kib;
		return 1;
	case PFG_TYPE_ERROR_RATE:
		*value = pfg_measurement_ok(m) ? 0 : 100;
		return 1;
	case PFG_TYPE_THROUGHPUT: {
		double ops = b->ops;
		met = pfg_measurement_metric(m, "ops");
		if (met)
			ops = met->value;
		if (ops <= 0 || m->wall_ns <= 0) {
			snprintf(why, len, "a throughput benchmark needs \"ops\" in the "
				 "config or an 'ops N' line in $PERFGUARD_METRICS");
			return 0;
		}
		*value = ops / (m->wall_ns / 1e9);
		return 1;
	}
	case PFG_TYPE_CUSTOM:
		met = pfg_measurement_metric(m, b->metric);
		if (!met) {
			snprintf(why, len, "the benchmark wrote no '%s VALUE' line to "
				 "$PERFGUARD_METRICS", b->metric);
			return 0;
		}
		*value = met->value;
		return 1;
	}
	return 0;
}

/* Append the run's figures to the outcome's sample lists. */
static void keep_sample(struct pfg_bench_outcome *out, struct pfg_sample *samples,
			struct pfg_sample_metric **metrics, size_t *n_metrics,
			const struct pfg_measurement *m, double value)
{
	size_t i = out->n_values++;
	out->values[i] = value;
	samples[i] = (struct pfg_sample){
		.value = value, .wall_ns = m->wall_ns, .user_ns = m->user_ns,
		.sys_ns = m->sys_ns, .max_rss_kib = m->max_rss_kib,
		.exit_code = m->exited ? m->exit_code : -1,
		.term_signal = m->term_signal,
	};
	n_metrics[i] = m->n_metrics;
	metrics[i] = pfg_xcalloc(m->n_metrics, sizeof **metrics);
	for (size_t k = 0; k < m->n_metrics; k++)
		metrics[i][k] = (struct pfg_sample_metric){
			pfg_xstrdup(m->metrics[k].name), m->metrics[k].value,
			pfg_xstrdup(m->metrics[k].unit) };
}

int pfg_engine_precision(const double *x, size_t n, double *pct)
{
	struct pfg_stats_precision p;
	*pct = -1;
	if (n < 2 || pfg_stats_precision_of(x, n, PFG_AUTO_TRIM, PFG_AUTO_CONFIDENCE, &p,
					    NULL, 0) ||
	    !isfinite(p.rel_half_width_pct))
		return -1;
	*pct = p.rel_half_width_pct;
	return 0;
}

enum pfg_stats_sampling pfg_engine_auto_next(const struct pfg_auto_runs *a,
					     const double *x, size_t n, double wall_s,
					     double *pct)
{
	struct pfg_stats_sampling_plan plan = {
		.min_runs = (size_t)a->min_runs, .max_runs = (size_t)a->max_runs,
		.target_pct = a->precision_pct, .budget_s = a->budget_s,
	};
	double hw = pfg_engine_precision(x, n, pct) == 0 ? *pct : HUGE_VAL;
	return pfg_stats_sampling_next(&plan, n, hw, wall_s, n ? wall_s / (double)n : 0);
}

enum pfg_stop_reason pfg_engine_stop_reason(enum pfg_stats_sampling s)
{
	switch (s) {
	case PFG_SAMPLING_PRECISE: return PFG_STOP_PRECISE;
	case PFG_SAMPLING_MAX_RUNS: return PFG_STOP_MAX_RUNS;
	case PFG_SAMPLING_BUDGET: return PFG_STOP_BUDGET;
	case PFG_SAMPLING_CONTINUE: break;
	}
	return PFG_STOP_RUNS;
}

/* Summarise the samples into out->result; stop says why the runs stopped
 * (has_stop: 0 for a failure). */
static void summarise(struct pfg_bench_outcome *out, int has_stop, enum pfg_stop_reason stop)
{
	struct pfg_result_row *r = &out->result;
	struct pfg_stats_summary s;
	r->ok = out->ok;
	r->error = out->error;
	r->n = out->n_values;
	r->has_stop_reason = has_stop;
	r->stop_reason = stop;
	r->has_half_width = pfg_engine_precision(out->values, out->n_values,
						 &r->half_width_pct) == 0;
	if (out->n_values == 0 ||
	    pfg_stats_summarize(out->values, out->n_values, &s, NULL, 0))
		return;
	r->mean = s.mean;
	r->median = s.median;
	r->stddev = s.stddev;
	r->min = s.min;
	r->max = s.max;
	r->p95 = s.p95;
	pfg_stats_outliers_detect(out->values, out->n_values, PFG_OUTLIERS_IQR, NULL,
				  &r->outliers, NULL, 0);
}

/* What the repeat loop of one benchmark's runs carries to its callbacks. */
struct bench_runs {
	const struct pfg_benchmark_cfg *b;
	const struct pfg_engine_opts *opts;
	struct pfg_event *ev;
	struct pfg_bench_outcome *out;
	struct pfg_sample *samples;
	struct pfg_sample_metric **metrics;
	size_t *n_metrics;
	int confirming;
	int runs;                 /* of this pass */
	int sized;                /* this pass is sized by precision (auto) */
	double wall_s;            /* wall time of this pass's measured runs */
	int stopped;              /* the sizing stopped this pass: stop says why */
	enum pfg_stop_reason stop;
};

/* Repeat loop: the benchmark's prepare step before each run. */
static int before_run(int index, void *ctx)
{
	struct bench_runs *br = ctx;
	(void)index;
	return run_step(br->b, &br->b->prepare, "prepare", br->opts, br->out) ? 1 : 0;
}

/* Repeat loop: judge a run, keep its sample and report it; nonzero when
 * the benchmark failed. */
static int on_run(const struct pfg_repeat_run *run, void *ctx)
{
	struct bench_runs *br = ctx;
	const struct pfg_benchmark_cfg *b = br->b;
	char why[512];
	double value;
	int ok = b->type == PFG_TYPE_ERROR_RATE || pfg_measurement_ok(run->m);
	if (!ok)
		pfg_measurement_describe(run->m, why, sizeof why);
	else if (!sample_value(b, run->m, &value, why, sizeof why))
		ok = 0;
	if (!ok) {
		fail(br->out, run->m, "%s run %d of %d: %s",
		     run->warmup ? "warmup" : "measured", run->number, run->of, why);
		return 1;
	}
	if (!run->warmup)
		keep_sample(br->out, br->samples, br->metrics, br->n_metrics, run->m, value);
	struct pfg_event *ev = br->ev;
	ev->kind = PFG_EVENT_SAMPLE;
	ev->warmup = run->warmup;
	ev->confirming = br->confirming;
	ev->run_index = run->number;
	ev->n_runs = run->of;
	ev->value = value;
	emit(br->opts, ev);
	if (run->warmup || !br->sized)
		return 0;
	/* "runs": "auto": go on until precise, max_runs or the budget. */
	double pct;
	br->wall_s += (double)run->m->wall_ns / 1e9;
	enum pfg_stats_sampling next = pfg_engine_auto_next(&b->auto_runs, br->out->values,
							    br->out->n_values, br->wall_s,
							    &pct);
	if (next == PFG_SAMPLING_CONTINUE)
		return 0;
	br->stopped = 1;
	br->stop = pfg_engine_stop_reason(next);
	return 1;
}

/* The measured runs of one benchmark, after its setup. */
static void measure_runs(struct bench_runs *br)
{
	const struct pfg_benchmark_cfg *b = br->b;
	struct pfg_exec_spec spec = command_spec(b, &b->command, 1, br->opts, 0);
	struct pfg_repeat r = { .spec = &spec, .warmup = b->warmup, .runs = br->runs,
				.before = before_run, .on_run = on_run, .ctx = br };
	char err[PFG_ERR_MAX];
	br->wall_s = 0;
	br->stopped = 0;
	if (pfg_engine_repeat(br->opts->session, &r, err, sizeof err) < 0)
		fail(br->out, NULL, "%s", err);
}

/* Free the custom metrics kept for n samples. */
static void free_metrics(struct pfg_sample_metric **metrics, size_t *n_metrics, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < n_metrics[i]; k++) {
			free((char *)metrics[i][k].name);
			free((char *)metrics[i][k].unit);
		}
		free(metrics[i]);
	}
	free(metrics);
	free(n_metrics);
}

/* The machine's autocorrelation of run means in env_id, from the histories
 * of every benchmark of the config (pfg_analysis_machine_estimate). */
static int machine_estimate(const struct pfg_config *cfg, struct pfg_store *st,
			    int64_t env_id, struct pfg_analysis_machine *out, char *err,
			    size_t errlen)
{
	int64_t *ids = pfg_xcalloc(cfg->n_benchmarks + 1, sizeof *ids);
	size_t n = 0;
	int rc = PFG_OK;
	for (size_t i = 0; i < cfg->n_benchmarks && rc == PFG_OK; i++) {
		const struct pfg_benchmark_cfg *b = &cfg->benchmarks[i];
		rc = pfg_store_benchmark_find(st, b->component, b->name, &ids[n], err, errlen);
		n += rc == PFG_OK;
		rc = rc == PFG_ENOTFOUND ? PFG_OK : rc;
	}
	if (rc == PFG_OK)
		rc = pfg_analysis_machine_estimate(st, env_id, ids, n,
						   (size_t)cfg->analysis.drift_window, out, err,
						   errlen);
	free(ids);
	return rc ? PFG_ERUNTIME : PFG_OK;
}

/* Start one benchmark of a run: its row in the store and the analysis
 * against its baseline, told the machine's autocorrelation (NULL: unknown;
 * released here on failure). */
static int bench_begin(const struct pfg_config *cfg, const struct pfg_benchmark_cfg *b,
		       struct pfg_store *st, int64_t run_id, int64_t env_id,
		       const struct pfg_analysis_machine *machine, struct pfg_analysis *an,
		       struct pfg_bench_outcome *out, char *err, size_t errlen)
{
	out->bench = b;
	out->ok = 1;
	if (pfg_store_benchmark_id(st, b->component, b->name,
				   pfg_bench_type_name(b->type), b->unit,
				   pfg_direction_name(b->direction), &out->bench_id,
				   err, errlen))
		return PFG_ERUNTIME;
	if (pfg_analysis_begin(an, cfg, b, st, run_id, env_id, out->bench_id, err, errlen)) {
		pfg_analysis_release(an);
		return PFG_ERUNTIME;
	}
	an->machine = machine;
	return PFG_OK;
}

/* Finish one benchmark of a run: store its samples and summary, then (when
 * it ran to the end) record what its comparison means; releases an. */
static int bench_store(struct pfg_analysis *an, const struct pfg_sample *samples,
		       const struct pfg_sample_metric *const *metrics, const size_t *n_metrics,
		       struct pfg_bench_outcome *out, char *err, size_t errlen)
{
	int rc = pfg_store_add_result(an->st, an->run_id, out->bench_id, samples,
				      out->n_values, metrics, n_metrics, &out->result, err,
				      errlen);
	if (rc == PFG_OK && out->ok) {
		out->has_comparison = 1;
		rc = pfg_analysis_record(an, &out->comparison, &out->changes, err, errlen);
	}
	pfg_analysis_release(an);
	return rc;
}

/* Run one benchmark, confirm a suspected regression with reruns, store its
 * samples, then record what the analysis means. Returns PFG_ERUNTIME only
 * when the store failed. */
static int run_benchmark(const struct pfg_config *cfg, const struct pfg_benchmark_cfg *b,
			 struct pfg_store *st, int64_t run_id, int64_t env_id,
			 const struct pfg_analysis_machine *machine,
			 const struct pfg_engine_opts *opts, struct pfg_event *ev,
			 struct pfg_bench_outcome *out, char *err, size_t errlen)
{
	struct pfg_analysis an;
	if (bench_begin(cfg, b, st, run_id, env_id, machine, &an, out, err, errlen))
		return PFG_ERUNTIME;
	int confirms = cfg->analysis.confirm_runs;
	size_t cap = (size_t)b->runs * (size_t)(1 + confirms);
	out->values = pfg_xcalloc(cap, sizeof *out->values);
	struct pfg_sample *samples = pfg_xcalloc(cap, sizeof *samples);
	struct pfg_sample_metric **metrics = pfg_xcalloc(cap, sizeof *metrics);
	size_t *n_metrics = pfg_xcalloc(cap, sizeof *n_metrics);

	struct bench_runs br = { b, opts, ev, out, samples, metrics, n_metrics, 0,
				 b->runs, b->auto_runs.on, 0, 0, PFG_STOP_RUNS };
	if (run_step(b, &b->setup, "setup", opts, out) == 0)
		measure_runs(&br);
	out->n_first = out->n_values;
	/* The reason of the first pass; reruns repeat as many runs. */
	enum pfg_stop_reason stop = !b->auto_runs.on ? PFG_STOP_RUNS :
				    br.stopped ? br.stop : PFG_STOP_MAX_RUNS;
	br.sized = 0;
	br.runs = (int)out->n_first;
	an.run_len = out->n_first; /* a rerun is a run of its own */
	if (out->ok && !must_stop(opts)) {
		pfg_analysis_compare(&an, out->values, out->n_values, &out->comparison);
		/* A suspected regression must repeat before anyone is alerted. */
		for (int k = 0; k < confirms && out->ok && !must_stop(opts) &&
		     out->comparison.verdict == PFG_VERDICT_REGRESSION; k++) {
			br.confirming = 1;
			measure_runs(&br);
			pfg_analysis_compare(&an, out->values, out->n_values, &out->comparison);
			out->comparison.confirm_runs = k + 1;
		}
	}
	int interrupted = must_stop(opts);
	if (interrupted)
		fail(out, NULL, "interrupted after %zu of %d runs", out->n_values, b->runs);
	/* Cleanup runs even when the run was cancelled: it restores state. */
	run_step(b, &b->cleanup, "cleanup", opts, out);
	summarise(out, out->ok || interrupted, interrupted ? PFG_STOP_INTERRUPTED : stop);

	int rc = bench_store(&an, samples, (const struct pfg_sample_metric *const *)metrics,
			     n_metrics, out, err, errlen);
	free_metrics(metrics, n_metrics, out->n_values);
	free(samples);
	return rc;
}

int pfg_engine_run_open(struct pfg_store *store, const struct pfg_run_origin *o,
			int64_t *run_id, int64_t *env_id, char *err, size_t errlen)
{
	struct pfg_environment here;
	if (!o->env)
		pfg_environment_detect(&here);
	if (pfg_store_environment_id(store, o->env ? o->env : &here, env_id, err, errlen) ||
	    pfg_store_run_begin(store, *env_id, o->trigger, o->git_rev, run_id, err, errlen))
		return PFG_ERUNTIME;
	if (!o->noise)
		return PFG_OK;
	struct pfg_machine_noise noise;
	struct pfg_strv warnings = { 0 };
	pfg_machine_noise_probe(&noise);
	pfg_machine_noise_warnings(&noise, &warnings);
	int rc = pfg_store_run_noise_add(store, *run_id, &noise, &warnings, err, errlen);
	pfg_strv_release(&warnings);
	if (rc) {
		pfg_store_run_end(store, *run_id, PFG_RUN_FAILED, NULL, 0);
		return PFG_ERUNTIME;
	}
	return PFG_OK;
}

int pfg_engine_run(const struct pfg_config *cfg, struct pfg_store *store,
		   const size_t *sel, size_t n_sel, const struct pfg_engine_opts *opts,
		   struct pfg_run_report *report, char *err, size_t errlen)
{
	memset(report, 0, sizeof *report);
	report->outcomes = pfg_xcalloc(n_sel, sizeof *report->outcomes);
	int64_t env_id;
	char *rev = pfg_engine_git_revision(cfg->dir);
	struct pfg_run_origin origin = { .trigger = opts->trigger ? opts->trigger : "cli",
					 .git_rev = rev, .noise = 1 };
	int rc = pfg_engine_run_open(store, &origin, &report->run_id, &env_id, err, errlen);
	free(rev);
	if (rc)
		return PFG_ERUNTIME;
	struct pfg_analysis_machine machine;
	if (machine_estimate(cfg, store, env_id, &machine, err, errlen)) {
		pfg_store_run_end(store, report->run_id, PFG_RUN_FAILED, NULL, 0);
		return PFG_ERUNTIME;
	}
	struct pfg_event ev = { .kind = PFG_EVENT_RUN_START, .run_id = report->run_id,
				.n_benches = n_sel };
	emit(opts, &ev);

	int failed = 0;
	for (size_t i = 0; i < n_sel && !must_stop(opts); i++) {
		const struct pfg_benchmark_cfg *b = &cfg->benchmarks[sel[i]];
		struct pfg_bench_outcome *out = &report->outcomes[report->n_outcomes++];
		ev = (struct pfg_event){ .kind = PFG_EVENT_BENCH_START,
					 .run_id = report->run_id, .bench = b,
					 .bench_index = i, .n_benches = n_sel };
		emit(opts, &ev);
		if (run_benchmark(cfg, b, store, report->run_id, env_id, &machine, opts, &ev,
				  out, err, errlen)) {
			pfg_store_run_end(store, report->run_id, PFG_RUN_FAILED, NULL, 0);
			report->status = PFG_RUN_FAILED;
			return PFG_ERUNTIME;
		}
		failed |= !out->ok;
		ev.kind = PFG_EVENT_BENCH_DONE;
		ev.outcome = out;
		emit(opts, &ev);
	}
	report->status = must_stop(opts) ? PFG_RUN_INTERRUPTED : failed ? PFG_RUN_FAILED
					 : PFG_RUN_COMPLETE;
	if (pfg_store_run_end(store, report->run_id, report->status, err, errlen))
		return PFG_ERUNTIME;
	if (report->status != PFG_RUN_INTERRUPTED) {
		pfg_notify_run(cfg, store, report, pfg_engine_session_cancel_fd(opts->session),
			       &report->notices);
		pfg_ha_after_run(cfg, store, report, pfg_engine_session_cancel_fd(opts->session),
				 &report->notices);
	}
	ev = (struct pfg_event){ .kind = PFG_EVENT_RUN_DONE, .run_id = report->run_id,
				 .report = report, .n_benches = n_sel };
	emit(opts, &ev);
	return PFG_OK;
}

int pfg_engine_add_result(const struct pfg_config *cfg, const struct pfg_benchmark_cfg *b,
			  struct pfg_store *store, int64_t run_id, int64_t env_id,
			  const struct pfg_measured *m, struct pfg_bench_outcome *out,
			  char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	struct pfg_analysis an;
	/* An import's charts keep their default assumption of autocorrelation:
	 * the machine that measured it may not be this one. */
	if (bench_begin(cfg, b, store, run_id, env_id, NULL, &an, out, err, errlen))
		return PFG_ERUNTIME;
	out->values = pfg_xcalloc(m->n + 1, sizeof *out->values);
	for (size_t i = 0; i < m->n; i++)
		out->values[out->n_values++] = m->samples[i].value;
	out->n_first = m->n;
	if (m->error || m->n == 0)
		fail(out, NULL, "%s", m->error ? m->error : "no samples");
	an.run_len = m->run_len;
	if (out->ok)
		pfg_analysis_compare(&an, out->values, out->n_values, &out->comparison);
	summarise(out, out->ok, PFG_STOP_RUNS);
	if (m->summary && out->ok) {
		const struct pfg_result_row *s = m->summary;
		out->result.n = s->n;
		out->result.mean = s->mean;
		out->result.median = s->median;
		out->result.stddev = s->stddev;
		out->result.min = s->min;
		out->result.max = s->max;
		out->result.p95 = s->p95;
		out->result.outliers = s->outliers;
		out->result.has_half_width = s->has_half_width;
		out->result.half_width_pct = s->half_width_pct;
	}
	return bench_store(&an, m->samples, m->metrics, m->n_metrics, out, err, errlen);
}

void pfg_run_report_release(struct pfg_run_report *report)
{
	for (size_t i = 0; i < report->n_outcomes; i++) {
		free(report->outcomes[i].error);
		free(report->outcomes[i].stderr_tail);
		free(report->outcomes[i].values);
	}
	free(report->outcomes);
	pfg_strv_release(&report->notices);
	memset(report, 0, sizeof *report);
}

/* The revision of the work tree at dir: `git -C dir rev-parse HEAD`
 * through the runner, with a timeout. */
char *pfg_engine_git_revision(const char *dir)
{
	char *argv[] = { "git", "-C", (char *)dir, "rev-parse", "HEAD", NULL };
	struct pfg_exec_spec spec = { .argv = argv, .timeout_s = PFG_GIT_TIMEOUT_S,
				      .grace_s = 0.5, .cancel_fd = -1 };
	struct pfg_measurement m;
	char err[PFG_ERR_MAX], *text = NULL;
	int rc = pfg_runner_capture(&spec, 63, &text, &m, err, sizeof err);
	int ok = rc == 0 && pfg_measurement_ok(&m);
	pfg_measurement_release(&m);
	if (ok)
		text[strcspn(text, "\n")] = '\0';
	if (!ok || !text[0]) {
		free(text);
		return NULL;
	}
	return text;
}

const char *pfg_engine_actor(void)
{
	static _Thread_local char name[256];
	const char *user = getenv("USER");
	if (user && *user)
		return user;
	/* No $USER (cron, systemd, `env -i`): the login name of the uid. */
	struct passwd pw, *found = NULL;
	char buf[4096];
	uid_t uid = getuid();
	if (getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found &&
	    found->pw_name && *found->pw_name)
		snprintf(name, sizeof name, "%s", found->pw_name);
	else
		snprintf(name, sizeof name, "uid %lu", (unsigned long)uid);
	return name;
}

int pfg_engine_propose_baseline(struct pfg_store *store, const char *bench,
				int64_t run_id, const char *reason, const char *actor,
				int approve, int64_t *id, char *err, size_t errlen)
{
	return pfg_engine_propose_baseline_runs(store, bench, run_id, run_id, reason, actor,
						approve, id, err, errlen);
}

/* Pick from the history rows[0..n) of bench the successful results of runs
 * from..to (both 0: the latest successful one) into runs, all of the
 * newest one's environment (*env_id). Returns how many, or a PFG_E* code
 * (negative) with err set. */
static long pick_runs(struct pfg_store *store, const char *bench,
		      const struct pfg_result_row *rows, size_t n, int64_t from, int64_t to,
		      int64_t *runs, int64_t *env_id, char *err, size_t errlen)
{
	long k = 0;
	for (size_t i = n; i-- > 0;) {
		const struct pfg_result_row *r = &rows[i];
		int want = from || to ? r->run_id >= from && r->run_id <= to : k == 0;
		if (!want || !r->ok || r->n == 0)
			continue;
		int64_t env;
		int rc = pfg_store_run_info(store, r->run_id, &env, NULL, err, errlen);
		if (rc)
			return rc;
		if (k == 0)
			*env_id = env;
		else if (env != *env_id)
			return pfg_error(err, errlen, PFG_EINPUT, "runs %lld and %lld of %s were "
					 "measured in different environments (host, CPU, kernel): "
					 "a baseline summarises runs of one",
					 (long long)r->run_id, (long long)runs[k - 1], bench);
		runs[k++] = r->run_id;
	}
	if (k > 0)
		return k;
	if (from && from == to)
		return pfg_error(err, errlen, PFG_EINPUT, "run %lld has no successful result "
				 "of %s to make a baseline of", (long long)from, bench);
	if (from || to)
		return pfg_error(err, errlen, PFG_EINPUT, "runs %lld to %lld hold no successful "
				 "result of %s to make a baseline of", (long long)from,
				 (long long)to, bench);
	return pfg_error(err, errlen, PFG_EINPUT, "%s has no successful run to make a "
			 "baseline of", bench);
}

int pfg_engine_propose_baseline_runs(struct pfg_store *store, const char *bench,
				     int64_t from, int64_t to, const char *reason,
				     const char *actor, int approve, int64_t *id, char *err,
				     size_t errlen)
{
	const char *slash = strchr(bench, '/');
	if (!slash || slash == bench || !slash[1])
		return pfg_error(err, errlen, PFG_EINPUT, "'%s': expected component/name",
				 bench);
	char *comp = strndup(bench, (size_t)(slash - bench));
	int64_t bench_id = 0, env_id = 0;
	struct pfg_result_row *rows = NULL;
	size_t n = 0;
	int rc = pfg_store_benchmark_find(store, comp, slash + 1, &bench_id, err, errlen);
	if (rc == PFG_OK)
		rc = pfg_store_history(store, comp, slash + 1, 0, &rows, &n, err, errlen);
	free(comp);
	if (rc)
		return rc;
	int64_t *runs = pfg_xcalloc(n + 1, sizeof *runs);
	long k = pick_runs(store, bench, rows, n, from, to, runs, &env_id, err, errlen);
	pfg_result_rows_free(rows, n);
	double *all = NULL;
	size_t n_all = 0;
	rc = k < 0 ? (int)k : PFG_OK;
	/* Oldest first, every sample of every run summarised. */
	for (long i = 0; i < k / 2; i++) {
		int64_t t = runs[i];
		runs[i] = runs[k - 1 - i];
		runs[k - 1 - i] = t;
	}
	for (long i = 0; i < k && rc == PFG_OK; i++) {
		double *v;
		size_t nv;
		rc = pfg_store_samples(store, runs[i], bench_id, &v, &nv, err, errlen);
		if (rc == PFG_OK) {
			all = pfg_xrealloc(all, (n_all + nv + 1) * sizeof *all);
			if (nv)
				memcpy(all + n_all, v, nv * sizeof *v);
			n_all += nv;
			free(v);
		}
	}
	struct pfg_stats_summary s;
	if (rc == PFG_OK)
		rc = pfg_stats_summarize(all, n_all, &s, err, errlen);
	free(all);
	if (rc == PFG_OK) {
		struct pfg_baseline_stats bs = { s.n, s.mean, s.median, s.stddev };
		rc = pfg_store_baseline_propose(store, bench_id, env_id, runs, (size_t)k, &bs,
						reason, actor, id, err, errlen);
	}
	free(runs);
	if (rc == PFG_OK && approve)
		rc = pfg_store_baseline_decide(store, *id, PFG_BASELINE_APPROVED, actor, NULL,
					       err, errlen);
	return rc;
}
