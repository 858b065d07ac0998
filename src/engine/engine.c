/* engine.c: run a suite's benchmarks and store what they measured. */
#include "perfguard/analysis.h"
#include "perfguard/engine.h"
#include "perfguard/stats.h"
#include "perfguard/util.h"

#include "perfguard/runner.h"

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t stop_requested;

void pfg_engine_request_stop(void)
{
	stop_requested = 1;
	pfg_runner_kill_all();
}

/* Nonzero when the run must stop: a signal asked, or the caller's
 * cancel_fd became readable (the dashboard cancelling its run). */
static int must_stop(const struct pfg_engine_opts *opts)
{
	if (stop_requested)
		return 1;
	struct pollfd pfd = { .fd = opts->cancel_fd, .events = POLLIN };
	return opts->cancel_fd >= 0 && poll(&pfd, 1, 0) > 0;
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

/* Run cmd once with the benchmark's cwd, env and timeout. */
static int exec_command(const struct pfg_benchmark_cfg *b,
			const struct pfg_command_line *cmd, int metrics,
			const struct pfg_engine_opts *opts, struct pfg_measurement *m,
			char *err, size_t errlen)
{
	struct pfg_exec_spec spec = {
		.argv = cmd->argv.v,
		.shell = cmd->shell,
		.cwd = b->cwd,
		.env = b->env.n ? b->env.v : NULL,
		.timeout_s = b->timeout_s,
		.metrics = metrics,
		.cancel_fd = opts->cancel_fd,
		.via_spawner = b->type == PFG_TYPE_MEMORY,
	};
	return pfg_runner_exec(&spec, m, err, errlen);
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

/* Run a setup/prepare/cleanup step; on failure note it in out. */
static int run_step(const struct pfg_benchmark_cfg *b,
		    const struct pfg_command_line *cmd, const char *what,
		    const struct pfg_engine_opts *opts, struct pfg_bench_outcome *out)
{
	if (cmd->argv.n == 0)
		return 0;
	struct pfg_measurement m;
	char err[PFG_ERR_MAX], why[256];
	int rc = exec_command(b, cmd, 0, opts, &m, err, sizeof err);
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

/* Summarise the samples into out->result. */
static void summarise(struct pfg_bench_outcome *out)
{
	struct pfg_result_row *r = &out->result;
	struct pfg_stats_summary s;
	r->ok = out->ok;
	r->error = out->error;
	r->n = out->n_values;
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

/* The measured runs of one benchmark, after its setup. */
static void measure_runs(const struct pfg_benchmark_cfg *b,
			 const struct pfg_engine_opts *opts, struct pfg_event *ev,
			 struct pfg_bench_outcome *out, struct pfg_sample *samples,
			 struct pfg_sample_metric **metrics, size_t *n_metrics,
			 int confirming)
{
	int total = b->warmup + b->runs;
	for (int i = 0; i < total && !must_stop(opts); i++) {
		int warm = i < b->warmup;
		if (run_step(b, &b->prepare, "prepare", opts, out))
			return;
		struct pfg_measurement m;
		char err[PFG_ERR_MAX], why[512];
		if (exec_command(b, &b->command, 1, opts, &m, err, sizeof err)) {
			fail(out, NULL, "%s", err);
			pfg_measurement_release(&m);
			return;
		}
		if (m.cancelled || must_stop(opts)) {
			pfg_measurement_release(&m);
			return;
		}
		double value;
		int ok = b->type == PFG_TYPE_ERROR_RATE || pfg_measurement_ok(&m);
		if (!ok)
			pfg_measurement_describe(&m, why, sizeof why);
		else if (!sample_value(b, &m, &value, why, sizeof why))
			ok = 0;
		if (!ok) {
			fail(out, &m, "%s run %d of %d: %s", warm ? "warmup" : "measured",
			     warm ? i + 1 : i - b->warmup + 1, warm ? b->warmup : b->runs, why);
			pfg_measurement_release(&m);
			return;
		}
		if (!warm)
			keep_sample(out, samples, metrics, n_metrics, &m, value);
		pfg_measurement_release(&m);
		ev->kind = PFG_EVENT_SAMPLE;
		ev->warmup = warm;
		ev->confirming = confirming;
		ev->run_index = warm ? i + 1 : i - b->warmup + 1;
		ev->n_runs = warm ? b->warmup : b->runs;
		ev->value = value;
		emit(opts, ev);
	}
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

/* Run one benchmark, confirm a suspected regression with reruns, store its
 * samples, then record what the analysis means. Returns PFG_ERUNTIME only
 * when the store failed. */
static int run_benchmark(const struct pfg_config *cfg, const struct pfg_benchmark_cfg *b,
			 struct pfg_store *st, int64_t run_id, int64_t env_id,
			 const struct pfg_engine_opts *opts, struct pfg_event *ev,
			 struct pfg_bench_outcome *out, char *err, size_t errlen)
{
	out->bench = b;
	out->ok = 1;
	if (pfg_store_benchmark_id(st, b->component, b->name,
				   pfg_bench_type_name(b->type), b->unit,
				   pfg_direction_name(b->direction), &out->bench_id,
				   err, errlen))
		return PFG_ERUNTIME;
	struct pfg_analysis an;
	if (pfg_analysis_begin(&an, cfg, b, st, run_id, env_id, out->bench_id, err, errlen)) {
		pfg_analysis_release(&an);
		return PFG_ERUNTIME;
	}
	int confirms = cfg->analysis.confirm_runs;
	size_t cap = (size_t)b->runs * (size_t)(1 + confirms);
	out->values = pfg_xcalloc(cap, sizeof *out->values);
	struct pfg_sample *samples = pfg_xcalloc(cap, sizeof *samples);
	struct pfg_sample_metric **metrics = pfg_xcalloc(cap, sizeof *metrics);
	size_t *n_metrics = pfg_xcalloc(cap, sizeof *n_metrics);

	if (run_step(b, &b->setup, "setup", opts, out) == 0)
		measure_runs(b, opts, ev, out, samples, metrics, n_metrics, 0);
	if (out->ok && !must_stop(opts)) {
		pfg_analysis_compare(&an, out->values, out->n_values, &out->comparison);
		/* A suspected regression must repeat before anyone is alerted. */
		for (int k = 0; k < confirms && out->ok && !must_stop(opts) &&
		     out->comparison.verdict == PFG_VERDICT_REGRESSION; k++) {
			measure_runs(b, opts, ev, out, samples, metrics, n_metrics, 1);
			pfg_analysis_compare(&an, out->values, out->n_values, &out->comparison);
			out->comparison.confirm_runs = k + 1;
		}
	}
	if (must_stop(opts))
		fail(out, NULL, "interrupted after %zu of %d runs", out->n_values, b->runs);
	/* Cleanup runs even when the run was cancelled: it restores state. */
	struct pfg_engine_opts uncancelled = *opts;
	uncancelled.cancel_fd = -1;
	run_step(b, &b->cleanup, "cleanup", &uncancelled, out);
	summarise(out);

	int rc = pfg_store_add_result(st, run_id, out->bench_id, samples,
				      out->n_values,
				      (const struct pfg_sample_metric *const *)metrics,
				      n_metrics, &out->result, err, errlen);
	if (rc == PFG_OK && out->ok) {
		out->has_comparison = 1;
		rc = pfg_analysis_record(&an, &out->comparison, &out->changes, err, errlen);
	}
	pfg_analysis_release(&an);
	free_metrics(metrics, n_metrics, out->n_values);
	free(samples);
	return rc;
}

int pfg_engine_run(const struct pfg_config *cfg, struct pfg_store *store,
		   const size_t *sel, size_t n_sel, const struct pfg_engine_opts *opts,
		   struct pfg_run_report *report, char *err, size_t errlen)
{
	memset(report, 0, sizeof *report);
	report->outcomes = pfg_xcalloc(n_sel, sizeof *report->outcomes);
	struct pfg_environment envd;
	int64_t env_id;
	pfg_environment_detect(&envd);
	if (pfg_store_environment_id(store, &envd, &env_id, err, errlen))
		return PFG_ERUNTIME;
	char *rev = pfg_engine_git_revision(cfg->dir);
	int rc = pfg_store_run_begin(store, env_id, opts->trigger ? opts->trigger : "cli",
				     rev, &report->run_id, err, errlen);
	free(rev);
	if (rc)
		return PFG_ERUNTIME;
	struct pfg_machine_noise noise;
	pfg_machine_noise_probe(&noise);
	if (pfg_store_run_noise_add(store, report->run_id, &noise, err, errlen)) {
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
		if (run_benchmark(cfg, b, store, report->run_id, env_id, opts, &ev, out, err,
				  errlen)) {
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
	ev = (struct pfg_event){ .kind = PFG_EVENT_RUN_DONE, .run_id = report->run_id,
				 .report = report, .n_benches = n_sel };
	emit(opts, &ev);
	return PFG_OK;
}

void pfg_run_report_release(struct pfg_run_report *report)
{
	for (size_t i = 0; i < report->n_outcomes; i++) {
		free(report->outcomes[i].error);
		free(report->outcomes[i].stderr_tail);
		free(report->outcomes[i].values);
	}
	free(report->outcomes);
	memset(report, 0, sizeof *report);
}

char *pfg_engine_git_revision(const char *dir)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return NULL;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	char *argv[] = { "git", "-C", (char *)dir, "rev-parse", "HEAD", NULL };
	pid_t pid;
	int rc = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	char buf[64] = "";
	size_t n = 0;
	ssize_t got;
	while (rc == 0 && n < sizeof buf - 1 &&
	       (got = read(fds[0], buf + n, sizeof buf - 1 - n)) > 0)
		n += (size_t)got;
	close(fds[0]);
	int status = 1;
	if (rc == 0)
		waitpid(pid, &status, 0);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !buf[0])
		return NULL;
	return pfg_xstrdup(buf);
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
	const char *slash = strchr(bench, '/');
	if (!slash || slash == bench || !slash[1])
		return pfg_error(err, errlen, PFG_EINPUT, "'%s': expected component/name",
				 bench);
	char *comp = strndup(bench, (size_t)(slash - bench));
	int64_t bench_id = 0;
	struct pfg_result_row *rows = NULL;
	size_t n = 0;
	int rc = pfg_store_benchmark_find(store, comp, slash + 1, &bench_id, err, errlen);
	if (rc == PFG_OK)
		rc = pfg_store_history(store, comp, slash + 1, 0, &rows, &n, err, errlen);
	free(comp);
	if (rc)
		return rc;
	/* The given run, or the latest successful one. */
	const struct pfg_result_row *pick = NULL;
	for (size_t i = 0; i < n; i++)
		if (run_id ? rows[i].run_id == run_id : rows[i].ok && rows[i].n > 0)
			pick = &rows[i];
	if (!pick || !pick->ok || pick->n == 0) {
		if (run_id)
			rc = pfg_error(err, errlen, PFG_EINPUT, "run %lld has no successful "
				       "result of %s to make a baseline of",
				       (long long)run_id, bench);
		else
			rc = pfg_error(err, errlen, PFG_EINPUT, "%s has no successful run "
				       "to make a baseline of", bench);
		pfg_result_rows_free(rows, n);
		return rc;
	}
	run_id = pick->run_id;
	pfg_result_rows_free(rows, n);
	int64_t env_id;
	double *v;
	size_t nv;
	struct pfg_stats_summary s;
	if ((rc = pfg_store_run_info(store, run_id, &env_id, NULL, err, errlen)) ||
	    (rc = pfg_store_samples(store, run_id, bench_id, &v, &nv, err, errlen)))
		return rc;
	rc = pfg_stats_summarize(v, nv, &s, err, errlen);
	free(v);
	if (rc)
		return rc;
	struct pfg_baseline_stats bs = { s.n, s.mean, s.median, s.stddev };
	rc = pfg_store_baseline_propose(store, bench_id, env_id, &run_id, 1, &bs, reason,
					actor, id, err, errlen);
	if (rc == PFG_OK && approve)
		rc = pfg_store_baseline_decide(store, *id, PFG_BASELINE_APPROVED, actor, NULL,
					       err, errlen);
	return rc;
}
