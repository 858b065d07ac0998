/* cmd_run.c: `perfguard run`: run benchmarks, store them, print results. */
#include "perfguard/alerts.h"
#include "perfguard/cli.h"
#include "perfguard/config.h"
#include "perfguard/engine.h"
#include "perfguard/runner.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* Progress of the whole run in runs (warmup and measured), for the bar. */
struct progress {
	size_t done, total;
};

/* Engine callback: advance the progress bar. */
static void on_event(const struct pfg_event *ev, void *ctx)
{
	struct progress *p = ctx;
	if (ev->kind == PFG_EVENT_RUN_DONE) {
		pfg_cli_progress(1, 1, NULL);
		return;
	}
	if (ev->kind != PFG_EVENT_SAMPLE && ev->kind != PFG_EVENT_BENCH_START)
		return;
	if (ev->kind == PFG_EVENT_SAMPLE && ev->confirming)
		p->total++; /* reruns to confirm a regression come on top */
	p->done += ev->kind == PFG_EVENT_SAMPLE;
	char label[160];
	snprintf(label, sizeof label, "%s%s", ev->bench->id,
		 ev->kind != PFG_EVENT_SAMPLE ? "" : ev->confirming ? " (confirming)" :
		 ev->warmup ? " (warmup)" : "");
	pfg_cli_progress(p->done, p->total, label);
}

/* Print what the analysis of one benchmark found, indented. */
static void print_analysis(const struct pfg_bench_outcome *o)
{
	const struct pfg_comparison *c = &o->comparison;
	if (!o->has_comparison)
		return;
	if (strcmp(c->verdict, "no_baseline") == 0) {
		printf("    no approved baseline yet");
	} else if (strcmp(c->test, "fisher") == 0) {
		printf("    vs baseline %lld: failed runs %.1f%% -> %.1f%% (%+.1f points), "
		       "p = %.2g: %s", (long long)c->baseline_id, c->estimate_base,
		       c->estimate_current, c->change_pct, c->p_value, c->verdict);
	} else if (strcmp(c->verdict, "not_comparable") == 0) {
		printf("    vs baseline %lld: cannot be compared (%s)", (long long)c->baseline_id,
		       *c->reason ? c->reason : "too few samples, or a baseline of 0");
	} else {
		printf("    vs baseline %lld: %+.1f%% [%+.1f%%, %+.1f%%], p = %.2g, %s",
		       (long long)c->baseline_id, c->change_pct, c->ci_low_pct,
		       c->ci_high_pct, c->p_value, c->verdict);
		if (strcmp(c->severity, "none") != 0)
			printf(" (%s)", c->severity);
		if (c->mde_pct >= 0 && strcmp(c->verdict, "regression") != 0)
			printf(", could detect %.1f%%", c->mde_pct);
	}
	if (c->confirm_runs)
		printf(", rerun %d time%s to confirm", c->confirm_runs,
		       c->confirm_runs == 1 ? "" : "s");
	if (o->alert_id)
		printf("; alert %lld raised", (long long)o->alert_id);
	else if (c->alert_id)
		printf("; still alert %lld", (long long)c->alert_id);
	if (o->drift_alert_id)
		printf("; drift alert %lld raised", (long long)o->drift_alert_id);
	if (o->n_recovered)
		printf("; %zu alert%s recovered", o->n_recovered, o->n_recovered == 1 ? "" : "s");
	if (o->baseline_id)
		printf("; baseline %lld proposed", (long long)o->baseline_id);
	putchar('\n');
}

/* Print the results table for people. */
static void print_table(const struct pfg_run_report *r)
{
	size_t w = 9;
	for (size_t i = 0; i < r->n_outcomes; i++)
		if (strlen(r->outcomes[i].bench->id) > w)
			w = strlen(r->outcomes[i].bench->id);
	printf("%-*s %5s %10s %10s %10s %10s %10s %10s\n", (int)w, "benchmark", "n",
	       "mean", "median", "stddev", "min", "max", "p95");
	for (size_t i = 0; i < r->n_outcomes; i++) {
		const struct pfg_bench_outcome *o = &r->outcomes[i];
		const struct pfg_result_row *s = &o->result;
		printf("%-*s %5zu", (int)w, o->bench->id, s->n);
		if (!o->ok) {
			fputs("  FAILED: ", stdout);
			pfg_cli_print_safe(stdout, o->error ? o->error : "?", 0);
			putchar('\n');
			continue;
		}
		char unit[64];
		pfg_cli_safe(o->bench->unit, unit, sizeof unit);
		double v[] = { s->mean, s->median, s->stddev, s->min, s->max, s->p95 };
		for (int k = 0; k < 6; k++) {
			char buf[96];
			pfg_format_value(v[k], unit, buf, sizeof buf);
			printf(" %10s", buf);
		}
		putchar('\n');
		print_analysis(o);
	}
	printf("run %lld: %s\n", (long long)r->run_id, r->status);
}

/* Print the stderr tails of failed benchmarks to stderr. */
static void print_failures(const struct pfg_run_report *r)
{
	for (size_t i = 0; i < r->n_outcomes; i++) {
		const struct pfg_bench_outcome *o = &r->outcomes[i];
		if (o->ok)
			continue;
		fprintf(stderr, "perfguard run: %s: ", o->bench->id);
		pfg_cli_print_safe(stderr, o->error, 0);
		fputc('\n', stderr);
		if (o->stderr_tail) {
			fputs("--- last lines of its stderr ---\n", stderr);
			pfg_cli_print_safe(stderr, o->stderr_tail, 1);
			if (o->stderr_tail[strlen(o->stderr_tail) - 1] != '\n')
				fputc('\n', stderr);
		}
	}
}

/* Print the report (and the gate's, when judged) as JSON for scripts. */
static void print_json(const struct pfg_run_report *r, const struct pfg_gate_report *gate)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "run_id", (double)r->run_id);
	cJSON_AddStringToObject(root, "status", r->status);
	cJSON *arr = cJSON_AddArrayToObject(root, "benchmarks");
	for (size_t i = 0; i < r->n_outcomes; i++) {
		const struct pfg_bench_outcome *o = &r->outcomes[i];
		const struct pfg_result_row *s = &o->result;
		cJSON *b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "id", o->bench->id);
		cJSON_AddStringToObject(b, "component", o->bench->component);
		cJSON_AddStringToObject(b, "name", o->bench->name);
		cJSON_AddStringToObject(b, "type", pfg_bench_type_name(o->bench->type));
		cJSON_AddStringToObject(b, "unit", o->bench->unit);
		cJSON_AddStringToObject(b, "direction", pfg_direction_name(o->bench->direction));
		cJSON_AddBoolToObject(b, "ok", o->ok);
		if (o->error)
			cJSON_AddStringToObject(b, "error", o->error);
		if (o->stderr_tail)
			cJSON_AddStringToObject(b, "stderr_tail", o->stderr_tail);
		cJSON_AddNumberToObject(b, "n", (double)s->n);
		if (s->n) {
			cJSON_AddNumberToObject(b, "mean", s->mean);
			cJSON_AddNumberToObject(b, "median", s->median);
			cJSON_AddNumberToObject(b, "stddev", s->stddev);
			cJSON_AddNumberToObject(b, "min", s->min);
			cJSON_AddNumberToObject(b, "max", s->max);
			cJSON_AddNumberToObject(b, "p95", s->p95);
			cJSON_AddNumberToObject(b, "outliers", (double)s->outliers);
		}
		cJSON_AddItemToObject(b, "samples",
				      cJSON_CreateDoubleArray(o->values, (int)o->n_values));
		if (o->has_comparison) {
			const struct pfg_comparison *c = &o->comparison;
			cJSON *j = cJSON_AddObjectToObject(b, "comparison");
			cJSON_AddStringToObject(j, "verdict", c->verdict);
			cJSON_AddStringToObject(j, "test", c->test);
			if (c->baseline_id) {
				cJSON_AddNumberToObject(j, "baseline_id", (double)c->baseline_id);
				cJSON_AddNumberToObject(j, "n_base", (double)c->n_base);
				cJSON_AddNumberToObject(j, "n_current", (double)c->n_current);
				cJSON_AddNumberToObject(j, "estimate_base", c->estimate_base);
				cJSON_AddNumberToObject(j, "estimate_current", c->estimate_current);
				cJSON_AddNumberToObject(j, "change_pct", c->change_pct);
				cJSON_AddNumberToObject(j, "ci_low_pct", c->ci_low_pct);
				cJSON_AddNumberToObject(j, "ci_high_pct", c->ci_high_pct);
				cJSON_AddNumberToObject(j, "p_value", c->p_value);
				if (c->mde_pct >= 0)
					cJSON_AddNumberToObject(j, "mde_pct", c->mde_pct);
			}
			cJSON_AddStringToObject(j, "severity", c->severity);
			cJSON_AddNumberToObject(j, "confirm_runs", c->confirm_runs);
			if (c->alert_id)
				cJSON_AddNumberToObject(j, "alert_id", (double)c->alert_id);
		}
		if (o->drift_alert_id)
			cJSON_AddNumberToObject(b, "drift_alert_id", (double)o->drift_alert_id);
		if (o->baseline_id)
			cJSON_AddNumberToObject(b, "proposed_baseline_id", (double)o->baseline_id);
		cJSON_AddItemToArray(arr, b);
	}
	if (gate)
		cJSON_AddItemToObject(root, "gate", pfg_cli_gate_json(gate));
	pfg_cli_print_json(root);
}

/* Run the benchmarks named by argv[optind..] in session and report. */
static int run_session(struct pfg_cli *cli, struct pfg_engine_session *session, int argc,
		       char **argv, int json, int gate, const char *fail_on)
{
	char err[PFG_ERR_MAX];
	struct pfg_config *cfg;
	int rc = pfg_cli_load_config(cli, 0, &cfg);
	if (rc)
		return rc;

	size_t *sel, n_sel;
	if (pfg_engine_select(cfg, argv + optind, (size_t)(argc - optind), &sel, &n_sel,
			      err, sizeof err)) {
		pfg_config_free(cfg);
		return pfg_cli_usage_error(cli, "%s", err);
	}
	char *db = pfg_cli_db_path(cli);
	struct pfg_store *st;
	if (pfg_store_open(db, &st, err, sizeof err)) {
		free(db);
		free(sel);
		pfg_config_free(cfg);
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
	}
	free(db);

	/* SIGINT, SIGTERM, SIGHUP: stop the run, keep what finished. */
	pfg_engine_session_catch_signals(session, -1);
	struct progress prog = { 0 };
	for (size_t i = 0; i < n_sel; i++)
		prog.total += (size_t)(cfg->benchmarks[sel[i]].warmup +
				       cfg->benchmarks[sel[i]].runs);
	struct pfg_engine_opts opts = { .trigger = getenv("CI") ? "ci" : "cli",
					.session = session, .on_event = on_event, .ctx = &prog };
	struct pfg_run_report report;
	struct pfg_gate_report gate_report = { 0 };
	rc = pfg_engine_run(cfg, st, sel, n_sel, &opts, &report, err, sizeof err);
	int code = PFG_EXIT_OK, judged = 0;
	if (rc) {
		pfg_cli_progress(1, 1, NULL);
		code = pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
	} else {
		int complete = strcmp(report.status, "complete") == 0;
		if (gate && complete)
			judged = (code = pfg_cli_gate_run(cli, st, report.run_id, cfg, fail_on,
							  &gate_report)) == PFG_EXIT_OK;
		if (json)
			print_json(&report, judged ? &gate_report : NULL);
		else
			print_table(&report);
		print_failures(&report);
		if (judged && !json)
			pfg_cli_gate_print(stdout, &gate_report);
		if (strcmp(report.status, "interrupted") == 0) {
			fprintf(stderr, "perfguard run: interrupted; run %lld keeps the %zu "
				"benchmark%s that started\n", (long long)report.run_id,
				report.n_outcomes, report.n_outcomes == 1 ? "" : "s");
			int sig = pfg_engine_session_signal(session);
			code = 128 + (sig ? sig : SIGINT);
		} else if (!complete) {
			code = PFG_EXIT_RUNTIME;
		} else if (judged && gate_report.failed) {
			code = PFG_EXIT_GATE;
		}
	}
	pfg_gate_report_release(&gate_report);
	pfg_run_report_release(&report);
	pfg_store_close(st);
	free(sel);
	pfg_config_free(cfg);
	return code;
}

int pfg_cmd_run(struct pfg_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "gate", no_argument, NULL, 'g' },
		{ "fail-on", required_argument, NULL, 'f' },
		PFG_COMMON_LONGOPTS, { 0 } };
	int json = 0, gate = 0, opt;
	const char *fail_on = NULL;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (opt == 'j') {
			json = 1;
		} else if (opt == 'g') {
			gate = 1;
		} else if (opt == 'f') {
			fail_on = optarg;
			gate = 1;
		} else {
			int rc = pfg_cli_common_option(cli, opt, optarg);
			if (rc >= 0)
				return rc;
		}
	}
	enum pfg_stats_severity level;
	if (fail_on && (pfg_stats_severity_parse(fail_on, &level) || level == PFG_SEVERITY_NONE))
		return pfg_cli_usage_error(cli, "--fail-on: expected minor, moderate, major "
					   "or critical, got '%s'", fail_on);
	/* Spawn memory benchmarks from a small process, as the dashboard does,
	 * so that their peak RSS reads the same from both: the session starts
	 * it now, before we grow. */
	char err[PFG_ERR_MAX];
	struct pfg_engine_session *session;
	struct pfg_engine_session_opts sopts = { .spawner = 1 };
	if (pfg_engine_session_begin(&sopts, &session, err, sizeof err))
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
	int code = run_session(cli, session, argc, argv, json, gate, fail_on);
	pfg_engine_session_end(session);
	return code;
}
