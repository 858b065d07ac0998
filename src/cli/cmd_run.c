/* cmd_run.c: `perfguard run`: run benchmarks, store them, print results. */
#include "perfguard/alerts.h"
#include "perfguard/cli.h"
#include "perfguard/query.h"
#include "perfguard/config.h"
#include "perfguard/engine.h"
#include "perfguard/runner.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* Progress of the whole run in runs (warmup and measured), for the bar;
 * the store, to read back the machine's noise settings at the start. */
struct progress {
	size_t done, total;
	size_t made;              /* first-pass runs of the current benchmark */
	struct pfg_store *st;
	int noise_warnings;       /* print them on stderr */
};

/* Print the noise warnings stored for run_id on stderr, one a line. */
static void print_noise_warnings(struct pfg_store *st, int64_t run_id)
{
	struct pfg_run_noise rn;
	if (pfg_store_run_noise(st, run_id, &rn, NULL, 0) == PFG_OK)
		for (size_t i = 0; i < rn.warnings.n; i++) {
			fputs("perfguard run: warning: ", stderr);
			pfg_cli_print_safe(stderr, rn.warnings.v[i], 0);
			fputc('\n', stderr);
		}
	pfg_run_noise_release(&rn);
}

/* Engine callback: advance the progress bar. */
static void on_event(const struct pfg_event *ev, void *ctx)
{
	struct progress *p = ctx;
	if (ev->kind == PFG_EVENT_RUN_START && p->noise_warnings)
		print_noise_warnings(p->st, ev->run_id);
	if (ev->kind == PFG_EVENT_RUN_DONE) {
		pfg_cli_progress(1, 1, NULL);
		return;
	}
	/* A benchmark sized by precision planned max_runs: forget the rest. */
	if (ev->kind == PFG_EVENT_BENCH_DONE && ev->bench->auto_runs.on) {
		size_t planned = (size_t)(ev->bench->warmup + ev->bench->runs);
		if (planned > p->made && p->total >= planned - p->made)
			p->total -= planned - p->made;
		return;
	}
	if (ev->kind == PFG_EVENT_BENCH_START)
		p->made = 0;
	if (ev->kind == PFG_EVENT_SAMPLE && !ev->confirming)
		p->made++;
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
	const struct pfg_analysis_changes *ch = &o->changes;
	if (!o->has_comparison)
		return;
	char sentence[1024];
	pfg_comparison_describe(c, sentence, sizeof sentence);
	size_t at = strlen(sentence);
	if (ch->alert_id)
		at += (size_t)snprintf(sentence + at, sizeof sentence - at, "; alert %lld raised",
				       (long long)ch->alert_id);
	else if (c->alert_id)
		at += (size_t)snprintf(sentence + at, sizeof sentence - at, "; still alert %lld",
				       (long long)c->alert_id);
	if (ch->drift_alert_id && at < sizeof sentence)
		at += (size_t)snprintf(sentence + at, sizeof sentence - at,
				       "; drift alert %lld raised", (long long)ch->drift_alert_id);
	if (ch->n_recovered && at < sizeof sentence)
		at += (size_t)snprintf(sentence + at, sizeof sentence - at, "; %zu alert%s recovered",
				       ch->n_recovered, ch->n_recovered == 1 ? "" : "s");
	if (ch->baseline_id && at < sizeof sentence)
		snprintf(sentence + at, sizeof sentence - at, "; baseline %lld proposed",
			 (long long)ch->baseline_id);
	/* Wrapped at spaces to the width, continuation lines indented. */
	int width = pfg_cli_width();
	const char *p = sentence;
	int indent = 4;
	while (width > indent + 20 && (int)strlen(p) > width - indent) {
		int cut = width - indent;
		while (cut > 0 && p[cut] != ' ')
			cut--;
		if (cut == 0)
			break;
		printf("%*s%.*s\n", indent, "", cut, p);
		p += cut + 1;
		indent = 6;
	}
	printf("%*s%s", indent, "", p);
	putchar('\n');
}

/* "±" when the terminal's character set can show it, else "+/-" (as
 * perfguard measure). */
static const char *plus_minus(void)
{
	if (!setlocale(LC_CTYPE, ""))
		return "+/-";
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? "\u00b1" : "+/-";
}

void pfg_cli_sizing_describe(const struct pfg_auto_runs *a, enum pfg_stop_reason stop,
			     double pct, const char *pm, char *buf, size_t len)
{
	char hw[48] = "precision unknown";
	if (pct >= 0)
		snprintf(hw, sizeof hw, "%s%.1f%%", pm, pct);
	switch (stop) {
	case PFG_STOP_PRECISE:
		snprintf(buf, len, "precise: %s at 95%%", hw);
		return;
	case PFG_STOP_MAX_RUNS:
		snprintf(buf, len, "max_runs reached: %s, target %s%g%%", hw, pm,
			 a->precision_pct);
		return;
	case PFG_STOP_BUDGET:
		snprintf(buf, len, "budget of %g s reached: %s", a->budget_s, hw);
		return;
	case PFG_STOP_INTERRUPTED:
		snprintf(buf, len, "interrupted: %s", hw);
		return;
	case PFG_STOP_RUNS:
		break;
	}
	snprintf(buf, len, "%s", hw);
}

/* Print why the runs of a benchmark sized by precision stopped, indented:
 * "    runs: 12 (precise: ±1.8% at 95%)". */
static void print_sizing(const struct pfg_bench_outcome *o)
{
	const struct pfg_result_row *s = &o->result;
	if (!o->bench->auto_runs.on || !s->has_stop_reason)
		return;
	char why[160];
	pfg_cli_sizing_describe(&o->bench->auto_runs, s->stop_reason,
				s->has_half_width ? s->half_width_pct : -1, plus_minus(),
				why, sizeof why);
	printf("    runs: %zu (%s)\n", o->n_first, why);
}

/* Print the results table for people, fit to pfg_cli_width(): the
 * columns p95, max, min and median go first (in that order), then the
 * names are elided in the middle. */
static void print_table(const struct pfg_run_report *r)
{
	static const char *const heads[6] = { "mean", "median", "stddev", "min", "max", "p95" };
	size_t w = 9;
	for (size_t i = 0; i < r->n_outcomes; i++)
		if (strlen(r->outcomes[i].bench->id) > w)
			w = strlen(r->outcomes[i].bench->id);
	int width = pfg_cli_width(), cols = 6;
	/* Which of the six show: stddev stays with mean when any drop. */
	static const int order[6][6] = { { 0 }, { 0, 2 }, { 0, 1, 2 }, { 0, 1, 2, 3 },
					 { 0, 1, 2, 3, 4 }, { 0, 1, 2, 3, 4, 5 } };
	while (width && cols > 2 && (int)w + 6 + 11 * cols > width)
		cols--;
	if (width && (int)w + 6 + 11 * cols > width)
		w = (size_t)(width - 6 - 11 * cols) < 12 ? 12 : (size_t)(width - 6 - 11 * cols);
	printf("%-*s %5s", (int)w, "benchmark", "n");
	for (int k = 0; k < cols; k++)
		printf(" %10s", heads[order[cols - 1][k]]);
	putchar('\n');
	for (size_t i = 0; i < r->n_outcomes; i++) {
		const struct pfg_bench_outcome *o = &r->outcomes[i];
		const struct pfg_result_row *s = &o->result;
		char name[512];
		pfg_cli_elide(o->bench->id, (int)w, name, sizeof name);
		printf("%-*s %5zu", (int)w, name, s->n);
		if (!o->ok) {
			fputs("  FAILED: ", stdout);
			pfg_cli_print_safe(stdout, o->error ? o->error : "?", 0);
			putchar('\n');
			continue;
		}
		char unit[64];
		pfg_cli_safe(o->bench->unit, unit, sizeof unit);
		double v[] = { s->mean, s->median, s->stddev, s->min, s->max, s->p95 };
		for (int k = 0; k < cols; k++) {
			char buf[96];
			pfg_format_value(v[order[cols - 1][k]], unit, buf, sizeof buf);
			printf(" %10s", buf);
		}
		putchar('\n');
		print_sizing(o);
		print_analysis(o);
	}
	printf("run %lld: %s\n", (long long)r->run_id, pfg_run_status_name(r->status));
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

/* Add name: v, or null when unknown. */
static void add_known_string(cJSON *o, const char *name, const char *v)
{
	if (v && *v && strcmp(v, "unknown"))
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

/* Add name: v, or null when unknown (v < 0). */
static void add_known_number(cJSON *o, const char *name, double v)
{
	if (v >= 0)
		cJSON_AddNumberToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

void *pfg_cli_machine_json(const struct pfg_run_noise *rn)
{
	const struct pfg_machine_noise *m = &rn->machine;
	cJSON *o = cJSON_CreateObject();
	add_known_number(o, "cpus", m->cpus > 0 ? m->cpus : -1);
	add_known_string(o, "governor", m->governor);
	add_known_string(o, "boost", m->boost == PFG_BOOST_UNKNOWN ? NULL
			 : pfg_boost_name(m->boost));
	add_known_number(o, "load1", m->load1);
	add_known_string(o, "virt", m->virt);
	add_known_string(o, "container", m->container);
	add_known_number(o, "aslr", m->aslr);
	if (m->pinned >= 0)
		cJSON_AddBoolToObject(o, "pinned", m->pinned);
	else
		cJSON_AddNullToObject(o, "pinned");
	cJSON *w = cJSON_AddArrayToObject(o, "warnings");
	for (size_t i = 0; i < rn->warnings.n; i++)
		cJSON_AddItemToArray(w, cJSON_CreateString(rn->warnings.v[i]));
	return o;
}

/* Print the report (and the gate's, when judged) as JSON for scripts. */
static void print_json(struct pfg_store *st, const struct pfg_run_report *r,
		       const struct pfg_gate_report *gate)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "run_id", (double)r->run_id);
	cJSON_AddStringToObject(root, "status", pfg_run_status_name(r->status));
	struct pfg_run_noise rn;
	if (pfg_store_run_noise(st, r->run_id, &rn, NULL, 0) == PFG_OK)
		cJSON_AddItemToObject(root, "machine", pfg_cli_machine_json(&rn));
	pfg_run_noise_release(&rn);
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
		if (o->bench->auto_runs.on) {
			cJSON *j = cJSON_AddObjectToObject(b, "runs");
			cJSON_AddStringToObject(j, "mode", "auto");
			cJSON_AddNumberToObject(j, "n", (double)o->n_first);
			if (s->has_stop_reason)
				cJSON_AddStringToObject(j, "stop_reason",
							pfg_stop_reason_name(s->stop_reason));
			else
				cJSON_AddNullToObject(j, "stop_reason");
			if (s->has_half_width)
				cJSON_AddNumberToObject(j, "half_width_pct", s->half_width_pct);
			else
				cJSON_AddNullToObject(j, "half_width_pct");
			cJSON_AddNumberToObject(j, "target_pct", o->bench->auto_runs.precision_pct);
		}
		cJSON_AddItemToObject(b, "samples",
				      cJSON_CreateDoubleArray(o->values, (int)o->n_values));
		if (o->has_comparison) {
			const struct pfg_comparison *c = &o->comparison;
			cJSON *j = cJSON_AddObjectToObject(b, "comparison");
			cJSON_AddStringToObject(j, "verdict", pfg_verdict_name(c->verdict));
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
			cJSON_AddStringToObject(j, "severity", pfg_severity_name(c->severity));
			cJSON_AddNumberToObject(j, "confirm_runs", c->confirm_runs);
			if (c->alert_id)
				cJSON_AddNumberToObject(j, "alert_id", (double)c->alert_id);
		}
		if (o->changes.drift_alert_id)
			cJSON_AddNumberToObject(b, "drift_alert_id",
						(double)o->changes.drift_alert_id);
		if (o->changes.baseline_id)
			cJSON_AddNumberToObject(b, "proposed_baseline_id",
						(double)o->changes.baseline_id);
		cJSON_AddItemToArray(arr, b);
	}
	if (gate)
		cJSON_AddItemToObject(root, "gate", pfg_cli_gate_json(gate));
	pfg_cli_print_json(root);
}

/* What the options of `perfguard run` asked for. */
struct run_args {
	int json, gate, noise_warnings;
	const char *fail_on;
	const char *trigger;      /* cli or ci */
};

/* The triggers a run started here may be stored with (the database also
 * knows tui and ingest, which the dashboard and imports record). */
static const char *const run_triggers[] = { "cli", "ci" };

/* Apply the config's retention after a run: prune, and say what went on
 * stderr. A failure is a warning: the run is stored, nothing was pruned. */
static void apply_retention(struct pfg_store *st, const struct pfg_config *cfg)
{
	if (!cfg->retention.keep_days && !cfg->retention.keep_runs)
		return;
	char err[PFG_ERR_MAX], line[640];
	struct pfg_cli_prune_progress prog = { .start_ns = pfg_now_ns() };
	struct pfg_prune_opts o = { .keep_days = cfg->retention.keep_days,
				    .keep_runs = cfg->retention.keep_runs,
				    .actor = pfg_engine_actor(),
				    .progress = pfg_cli_prune_progress, .ctx = &prog };
	struct pfg_prune_report r;
	int rc = pfg_store_prune(st, &o, &r, err, sizeof err);
	pfg_cli_prune_progress_end(&prog);
	if (rc) {
		fputs("perfguard run: warning: retention: ", stderr);
		pfg_cli_print_safe(stderr, err, 0);
		fputs("; the run is stored, nothing was pruned\n", stderr);
		return;
	}
	if (r.n_runs) {
		pfg_cli_prune_sentence(&r, 0, line, sizeof line);
		fprintf(stderr, "perfguard run: retention: %s\n", line);
	}
	pfg_prune_report_release(&r);
}

/* Run the benchmarks named by argv[optind..] in session and report. */
static int run_session(struct pfg_cli *cli, struct pfg_engine_session *session, int argc,
		       char **argv, const struct run_args *ra)
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
	struct progress prog = { .st = st, .noise_warnings = ra->noise_warnings };
	for (size_t i = 0; i < n_sel; i++)
		prog.total += (size_t)(cfg->benchmarks[sel[i]].warmup +
				       cfg->benchmarks[sel[i]].runs);
	struct pfg_engine_opts opts = { .trigger = ra->trigger,
					.session = session, .on_event = on_event, .ctx = &prog };
	struct pfg_run_report report;
	struct pfg_gate_report gate_report = { 0 };
	rc = pfg_engine_run(cfg, st, sel, n_sel, &opts, &report, err, sizeof err);
	int code = PFG_EXIT_OK, judged = 0;
	if (rc) {
		pfg_cli_progress(1, 1, NULL);
		code = pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
	} else {
		int complete = report.status == PFG_RUN_COMPLETE;
		if (ra->gate && complete)
			judged = (code = pfg_cli_gate_run(cli, st, report.run_id, cfg,
							  ra->fail_on, &gate_report)) ==
				 PFG_EXIT_OK;
		if (ra->json)
			print_json(st, &report, judged ? &gate_report : NULL);
		else
			print_table(&report);
		print_failures(&report);
		for (size_t i = 0; i < report.notices.n; i++) {
			fputs("perfguard run: warning: ", stderr);
			pfg_cli_print_safe(stderr, report.notices.v[i], 0);
			fputc('\n', stderr);
		}
		if (judged && !ra->json)
			pfg_cli_gate_print(stdout, &gate_report);
		if (report.status != PFG_RUN_INTERRUPTED && !pfg_engine_session_signal(session))
			apply_retention(st, cfg);
		if (report.status == PFG_RUN_INTERRUPTED) {
			fprintf(stderr, "perfguard run: interrupted; run %lld keeps the %zu "
				"benchmark%s that started\n", (long long)report.run_id,
				report.n_outcomes, report.n_outcomes == 1 ? "" : "s");
			int sig = pfg_engine_session_signal(session);
			code = 128 + (sig ? sig : SIGINT);
		} else if (pfg_engine_session_signal(session)) {
			/* Stopped while notifying: the run is whole, its messages wait. */
			fprintf(stderr, "perfguard run: interrupted while notifying; run %lld "
				"is stored, its undelivered messages wait for the next run\n",
				(long long)report.run_id);
			code = 128 + pfg_engine_session_signal(session);
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

/* `perfguard run`: parse the options, then run in one engine session. */
static int cmd_run(struct pfg_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "gate", no_argument, NULL, 'g' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "no-noise-warnings", no_argument, NULL, 'q' },
		{ "trigger", required_argument, NULL, 't' },
		PFG_COMMON_LONGOPTS, { 0 } };
	int json = 0, gate = 0, noise_warnings = 1, opt;
	const char *fail_on = NULL, *trigger = getenv("CI") ? "ci" : "cli";
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (opt == 'j') {
			json = 1;
		} else if (opt == 'g') {
			gate = 1;
		} else if (opt == 'f') {
			fail_on = optarg;
			gate = 1;
		} else if (opt == 'q') {
			noise_warnings = 0;
		} else if (opt == 't') {
			trigger = NULL;
			for (size_t i = 0; i < sizeof run_triggers / sizeof *run_triggers; i++)
				if (strcmp(optarg, run_triggers[i]) == 0)
					trigger = run_triggers[i];
			if (!trigger)
				return pfg_cli_usage_error(cli, "--trigger: expected cli or ci, got "
							   "'%s' (a run's trigger is one of cli, "
							   "tui, ci and ingest; tui and ingest are "
							   "the dashboard's and imports')", optarg);
		} else {
			int rc = pfg_cli_common_option(cli, opt, optarg);
			if (rc >= 0)
				return rc;
		}
	}
	enum pfg_severity level;
	if (fail_on && (pfg_severity_parse(fail_on, &level) || level == PFG_SEVERITY_NONE))
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
	struct run_args ra = { json, gate, noise_warnings, fail_on, trigger };
	int code = run_session(cli, session, argc, argv, &ra);
	pfg_engine_session_end(session);
	return code;
}

const struct pfg_command pfg_cmd_run_entry = {
	.name = "run",
	.summary = "run benchmarks, store and analyse every sample",
	.usage =
		"Usage: perfguard run [--json] [--gate] [--fail-on LEVEL] [-c FILE] [--db FILE]\n"
		"                     [--no-noise-warnings] [--trigger cli|ci] [PATTERN...]\n"
		"\n"
		"Run the benchmarks of the config whose component/name matches one of\n"
		"the glob PATTERNs (all when none is given), store every sample in the\n"
		"database, compare each with its approved baseline and print a table:\n"
		"n, mean, median, stddev, p95, the change against the baseline with its\n"
		"confidence interval, and the verdict. A suspected regression is rerun\n"
		"(config confirm_runs) before an alert is raised. The first run of a\n"
		"benchmark proposes its baseline (config auto_baseline). A benchmark with\n"
		"\"runs\": \"auto\" runs until its mean is precise enough, max_runs or its\n"
		"budget; a line under its row says how many runs and why, e.g.\n"
		"\"runs: 12 (precise: +/-1.8% at 95%)\" (--json: a \"runs\" object).\n"
		"\n"
		"The machine's noise settings (CPU governor, turbo boost, load, virtual\n"
		"machine, container, ASLR, pinning) are stored with the run; each one\n"
		"known to add noise is warned about on stderr before the results.\n"
		"\n"
		"  --json        print the results as JSON on stdout (with a \"machine\"\n"
		"                object: the noise settings and their warnings)\n"
		"  --gate        judge what this run measured (as 'perfguard gate --run ID')\n"
		"                and exit 1 when it fails\n"
		"  --fail-on L   the gate's level: minor, moderate, major (default), critical\n"
		"  --no-noise-warnings  do not print the noise warnings (still stored)\n"
		"  --trigger T   what started the run, stored with it: cli or ci (default\n"
		"                ci when $CI is set, else cli)\n"
		"  -c, --config FILE  the config (default ./perfguard.json, $PERFGUARD_CONFIG)\n"
		"  --db FILE     the database (default .perfguard/perfguard.db beside the\n"
		"                config, $PERFGUARD_DB)\n"
		"\n"
		"With \"retention\" in the config, old runs are pruned after the run as\n"
		"'perfguard prune' does; what went is said on stderr.\n"
		"\n"
		"Exit status: 0 when every benchmark ran, whatever the verdicts; 1 when\n"
		"--gate fails; 2 for a bad config or usage; 3 when a benchmark could not\n"
		"run or the database failed. Ctrl-C stops the run: it is kept as\n"
		"'interrupted' with the samples it finished (exit 130, 143 for SIGTERM).\n",
	.run = cmd_run,
};
