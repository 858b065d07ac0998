/* cmd_ingest.c: `perfguard ingest`: take the results of hyperfine, Google
 * Benchmark, pytest-benchmark or a generic list in as one run, analysed
 * like any other. */
#include "perfguard/alerts.h"
#include "perfguard/cli.h"
#include "perfguard/config.h"
#include "perfguard/engine.h"
#include "perfguard/ingest.h"
#include "perfguard/query.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Read all of standard input; NULL with err filled on a read error. */
static char *read_stdin(size_t *len, char *err, size_t errlen)
{
	size_t cap = 65536, n = 0, got;
	char *buf = pfg_xmalloc(cap);
	while ((got = fread(buf + n, 1, cap - n - 1, stdin)) > 0) {
		n += got;
		if (cap - n < 2)
			buf = pfg_xrealloc(buf, cap *= 2);
	}
	if (ferror(stdin)) {
		free(buf);
		pfg_error(err, errlen, PFG_EINPUT, "-: cannot read standard input");
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Print what the analysis of one benchmark found, indented (as `run`). */
static void print_analysis(const struct pfg_bench_outcome *o, const struct pfg_ingest_bench *b)
{
	const struct pfg_comparison *c = &o->comparison;
	const struct pfg_analysis_changes *ch = &o->changes;
	if (b->note) {
		fputs("    ", stdout);
		pfg_cli_print_safe(stdout, b->note, 0);
		putchar('\n');
	}
	if (!o->has_comparison)
		return;
	char sentence[512];
	pfg_comparison_describe(c, sentence, sizeof sentence);
	fputs("    ", stdout);
	pfg_cli_print_safe(stdout, sentence, 0);
	if (ch->alert_id)
		printf("; alert %lld raised", (long long)ch->alert_id);
	else if (c->alert_id)
		printf("; still alert %lld", (long long)c->alert_id);
	if (ch->drift_alert_id)
		printf("; drift alert %lld raised", (long long)ch->drift_alert_id);
	if (ch->n_recovered)
		printf("; %zu alert%s recovered", ch->n_recovered,
		       ch->n_recovered == 1 ? "" : "s");
	if (ch->baseline_id)
		printf("; baseline %lld proposed", (long long)ch->baseline_id);
	putchar('\n');
}

/* The table for people: one row per benchmark, its analysis under it. */
static void print_table(const struct pfg_ingest *in, const struct pfg_run_report *r)
{
	size_t w = 9;
	char id[256], unit[64], buf[96];
	for (size_t i = 0; i < r->n_outcomes; i++) {
		pfg_cli_safe(r->outcomes[i].bench->id, id, sizeof id);
		if (strlen(id) > w)
			w = strlen(id);
	}
	printf("%-*s %5s %10s %10s %10s %10s %10s %10s\n", (int)w, "benchmark", "n", "mean",
	       "median", "stddev", "min", "max", "p95");
	for (size_t i = 0; i < r->n_outcomes; i++) {
		const struct pfg_bench_outcome *o = &r->outcomes[i];
		const struct pfg_result_row *s = &o->result;
		printf("%-*s %5zu", (int)w, pfg_cli_safe(o->bench->id, id, sizeof id), s->n);
		if (!o->ok) {
			fputs("  FAILED: ", stdout);
			pfg_cli_print_safe(stdout, o->error ? o->error : "?", 0);
			putchar('\n');
			continue;
		}
		pfg_cli_safe(o->bench->unit, unit, sizeof unit);
		double v[] = { s->mean, s->median, s->stddev, s->min, s->max, s->p95 };
		for (int k = 0; k < 6; k++) {
			pfg_format_value(v[k], unit, buf, sizeof buf);
			printf(" %10s", buf);
		}
		putchar('\n');
		print_analysis(o, in->v[i]);
	}
	printf("run %lld: %s (ingest of %zu file%s)\n", (long long)r->run_id,
	       pfg_run_status_name(r->status), in->files.n, in->files.n == 1 ? "" : "s");
}

/* The comparison of o as a JSON object. */
static cJSON *comparison_json(const struct pfg_comparison *c)
{
	cJSON *j = cJSON_CreateObject();
	char sentence[512];
	pfg_comparison_describe(c, sentence, sizeof sentence);
	cJSON_AddStringToObject(j, "verdict", pfg_verdict_name(c->verdict));
	cJSON_AddStringToObject(j, "test", c->test);
	cJSON_AddStringToObject(j, "summary", sentence);
	if (c->baseline_id) {
		cJSON_AddNumberToObject(j, "baseline_id", (double)c->baseline_id);
		cJSON_AddNumberToObject(j, "n_base", (double)c->n_base);
		cJSON_AddNumberToObject(j, "n_current", (double)c->n_current);
		cJSON_AddNumberToObject(j, "change_pct", c->change_pct);
		cJSON_AddNumberToObject(j, "ci_low_pct", c->ci_low_pct);
		cJSON_AddNumberToObject(j, "ci_high_pct", c->ci_high_pct);
		cJSON_AddNumberToObject(j, "p_value", c->p_value);
	}
	cJSON_AddStringToObject(j, "severity", pfg_severity_name(c->severity));
	if (c->alert_id)
		cJSON_AddNumberToObject(j, "alert_id", (double)c->alert_id);
	return j;
}

/* The import as JSON for scripts (and the gate's report, when judged). */
static void print_json(const struct pfg_ingest *in, const struct pfg_run_report *r,
		       const struct pfg_gate_report *gate)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "run_id", (double)r->run_id);
	cJSON_AddStringToObject(root, "status", pfg_run_status_name(r->status));
	cJSON_AddStringToObject(root, "trigger", "ingest");
	cJSON *env = cJSON_AddObjectToObject(root, "environment");
	cJSON_AddStringToObject(env, "host", in->env.host);
	cJSON_AddStringToObject(env, "cpu_model", in->env.cpu_model);
	cJSON_AddStringToObject(env, "kernel", in->env.kernel);
	if (in->git_rev)
		cJSON_AddStringToObject(root, "git_rev", in->git_rev);
	else
		cJSON_AddNullToObject(root, "git_rev");
	cJSON *warn = cJSON_AddArrayToObject(root, "warnings");
	for (size_t i = 0; i < in->warnings.n; i++)
		cJSON_AddItemToArray(warn, cJSON_CreateString(in->warnings.v[i]));
	cJSON *arr = cJSON_AddArrayToObject(root, "benchmarks");
	for (size_t i = 0; i < r->n_outcomes; i++) {
		const struct pfg_bench_outcome *o = &r->outcomes[i];
		const struct pfg_ingest_bench *b = in->v[i];
		const struct pfg_result_row *s = &o->result;
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "id", b->cfg.id);
		cJSON_AddStringToObject(j, "component", b->cfg.component);
		cJSON_AddStringToObject(j, "name", b->cfg.name);
		cJSON_AddStringToObject(j, "type", pfg_bench_type_name(b->cfg.type));
		cJSON_AddStringToObject(j, "unit", b->cfg.unit);
		cJSON_AddStringToObject(j, "direction", pfg_direction_name(b->cfg.direction));
		cJSON_AddStringToObject(j, "file", b->file);
		cJSON_AddStringToObject(j, "format", pfg_ingest_format_name(b->format));
		cJSON_AddBoolToObject(j, "aggregate_only", b->aggregate_only);
		if (b->note)
			cJSON_AddStringToObject(j, "note", b->note);
		cJSON_AddBoolToObject(j, "ok", o->ok);
		if (o->error)
			cJSON_AddStringToObject(j, "error", o->error);
		cJSON_AddNumberToObject(j, "n", (double)s->n);
		if (o->ok) {
			cJSON_AddNumberToObject(j, "mean", s->mean);
			cJSON_AddNumberToObject(j, "median", s->median);
			cJSON_AddNumberToObject(j, "stddev", s->stddev);
			cJSON_AddNumberToObject(j, "min", s->min);
			cJSON_AddNumberToObject(j, "max", s->max);
			cJSON_AddNumberToObject(j, "p95", s->p95);
		}
		cJSON_AddItemToObject(j, "samples",
				      cJSON_CreateDoubleArray(o->values, (int)o->n_values));
		if (o->has_comparison)
			cJSON_AddItemToObject(j, "comparison", comparison_json(&o->comparison));
		if (o->changes.alert_id)
			cJSON_AddNumberToObject(j, "alert_id", (double)o->changes.alert_id);
		if (o->changes.baseline_id)
			cJSON_AddNumberToObject(j, "proposed_baseline_id",
						(double)o->changes.baseline_id);
		cJSON_AddItemToArray(arr, j);
	}
	if (gate)
		cJSON_AddItemToObject(root, "gate", pfg_cli_gate_json(gate));
	pfg_cli_print_json(root);
}

/* What the options asked for. */
struct ingest_args {
	enum pfg_ingest_format format;
	const char *component, *note, *fail_on;
	int gate, json;
};

/* Read every file into in; the exit code (0, or 2 after the message). */
static int read_files(struct pfg_cli *cli, char **files, int n, const struct ingest_args *a,
		      struct pfg_ingest *in)
{
	char err[PFG_ERR_MAX];
	int stdin_used = 0;
	for (int i = 0; i < n; i++) {
		size_t len = 0;
		char *text;
		if (strcmp(files[i], "-") == 0) {
			if (stdin_used++)
				return pfg_cli_usage_error(cli, "'-' (standard input) given twice");
			text = read_stdin(&len, err, sizeof err);
		} else {
			text = pfg_read_file(files[i], &len, err, sizeof err);
		}
		int rc = text ? pfg_ingest_parse(in, text, len, files[i], a->format,
						 a->component, err, sizeof err) : PFG_EINPUT;
		free(text);
		if (rc)
			return pfg_cli_fail(cli, PFG_EXIT_USAGE, "%s; nothing was imported", err);
	}
	for (size_t i = 0; i < in->warnings.n; i++) {
		fputs("perfguard ingest: warning: ", stderr);
		pfg_cli_print_safe(stderr, in->warnings.v[i], 0);
		fputc('\n', stderr);
	}
	return PFG_EXIT_OK;
}

/* Print why benchmarks the tool reported failed, on stderr. */
static void print_failures(const struct pfg_run_report *r)
{
	for (size_t i = 0; i < r->n_outcomes; i++) {
		if (r->outcomes[i].ok)
			continue;
		fputs("perfguard ingest: ", stderr);
		pfg_cli_print_safe(stderr, r->outcomes[i].bench->id, 0);
		fputs(": ", stderr);
		pfg_cli_print_safe(stderr, r->outcomes[i].error, 0);
		fputc('\n', stderr);
	}
}

/* Store what was read as one run, analyse it, report, gate. */
static int ingest_run(struct pfg_cli *cli, const struct pfg_ingest *in,
		      const struct ingest_args *a)
{
	char err[PFG_ERR_MAX];
	struct pfg_config *cfg, *loaded;
	int code = pfg_cli_load_config(cli, 1, &loaded);
	if (code)
		return code;
	cfg = loaded ? loaded : pfg_ingest_defaults();
	struct pfg_store *st;
	if ((code = pfg_cli_open_store(cli, 0, &st))) {
		pfg_config_free(cfg);
		return code;
	}
	struct pfg_run_report report;
	struct pfg_gate_report gate = { 0 };
	int judged = 0;
	if (pfg_ingest_store(in, cfg, st, a->note, pfg_engine_actor(), &report, err,
			     sizeof err)) {
		code = pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s; nothing was imported", err);
	} else {
		if (a->gate)
			judged = (code = pfg_cli_gate_run(cli, st, report.run_id, loaded,
							  a->fail_on, &gate)) == PFG_EXIT_OK;
		if (a->json)
			print_json(in, &report, judged ? &gate : NULL);
		else
			print_table(in, &report);
		print_failures(&report);
		for (size_t i = 0; i < report.notices.n; i++) {
			fputs("perfguard ingest: warning: ", stderr);
			pfg_cli_print_safe(stderr, report.notices.v[i], 0);
			fputc('\n', stderr);
		}
		if (judged && !a->json)
			pfg_cli_gate_print(stdout, &gate);
		if (judged && gate.failed)
			code = PFG_EXIT_GATE;
		else if (code == PFG_EXIT_OK && report.status != PFG_RUN_COMPLETE)
			code = PFG_EXIT_RUNTIME;
	}
	pfg_gate_report_release(&gate);
	pfg_run_report_release(&report);
	pfg_store_close(st);
	pfg_config_free(cfg);
	return code;
}

/* `perfguard ingest`: parse the options, read the files, store them. */
static int cmd_ingest(struct pfg_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'F' },
		{ "component", required_argument, NULL, 'C' },
		{ "note", required_argument, NULL, 'n' },
		{ "gate", no_argument, NULL, 'g' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		PFG_COMMON_LONGOPTS, { 0 } };
	struct ingest_args a = { 0 };
	int opt;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (opt == 'F') {
			if (pfg_ingest_format_parse(optarg, &a.format))
				return pfg_cli_usage_error(cli, "--format: expected hyperfine, "
							   "gbench, pytest-benchmark or "
							   "generic, got '%s'", optarg);
		} else if (opt == 'C') {
			a.component = optarg;
		} else if (opt == 'n') {
			a.note = optarg;
		} else if (opt == 'g') {
			a.gate = 1;
		} else if (opt == 'f') {
			a.fail_on = optarg;
			a.gate = 1;
		} else if (opt == 'j') {
			a.json = 1;
		} else {
			int rc = pfg_cli_common_option(cli, opt, optarg);
			if (rc >= 0)
				return rc;
		}
	}
	enum pfg_severity level;
	if (a.fail_on && (pfg_severity_parse(a.fail_on, &level) || level == PFG_SEVERITY_NONE))
		return pfg_cli_usage_error(cli, "--fail-on: expected minor, moderate, major "
					   "or critical, got '%s'", a.fail_on);
	if (a.component && (!*a.component || strchr(a.component, '/')))
		return pfg_cli_usage_error(cli, "--component: expected a name without '/', "
					   "got '%s'", a.component);
	if (optind >= argc)
		return pfg_cli_usage_error(cli, "no file to import (give FILE..., or - for "
					   "standard input)");
	struct pfg_ingest in = { 0 };
	int code = read_files(cli, argv + optind, argc - optind, &a, &in);
	if (code == PFG_EXIT_OK)
		code = ingest_run(cli, &in, &a);
	pfg_ingest_release(&in);
	return code;
}

const struct pfg_command pfg_cmd_ingest_entry = {
	.name = "ingest",
	.summary = "import hyperfine, Google Benchmark, pytest-benchmark or generic results",
	.usage =
		"Usage: perfguard ingest [--format FORMAT] [--component C] [--note TEXT]\n"
		"                        [--gate] [--fail-on LEVEL] [--json] [-c FILE]\n"
		"                        [--db FILE] FILE...\n"
		"\n"
		"Take the results of other tools in as one run (trigger \"ingest\") and\n"
		"analyse it like any other: each benchmark compared with its approved\n"
		"baseline, a first baseline proposed, alerts raised or recovered, the\n"
		"gate, the config's notify targets told as after a run. FILE is - for\n"
		"standard input. The format is recognised from the content unless\n"
		"--format names it:\n"
		"\n"
		"  hyperfine         --export-json: times[] are the samples (ms); an\n"
		"                    error rate from exit_codes[] (NAME:errors), peak\n"
		"                    memory from memory_usage_byte[] (NAME:memory)\n"
		"  gbench            Google Benchmark --benchmark_format=json: each\n"
		"                    repetition's real_time a sample (its time_unit);\n"
		"                    cpu_time, items/bytes_per_second and counters kept\n"
		"                    with each sample; aggregate-only files kept as such;\n"
		"                    errors reported; bare NaN and Infinity accepted\n"
		"  pytest-benchmark  --benchmark-json: stats.data[] are the samples (ms);\n"
		"                    commit_info.id is the run's git revision\n"
		"  generic           [{name, unit, value, range?, extra?}], with optional\n"
		"                    component, direction (lower|higher) and samples[]\n"
		"\n"
		"The run's environment (host, CPU, kernel) is the file's where it says,\n"
		"otherwise this machine's. Components come from --component, else the\n"
		"group (pytest-benchmark) or an entry's component (generic), else the\n"
		"file name without .json. Analysis settings come from the config when\n"
		"there is one, else perfguard.json(5)'s defaults.\n"
		"\n"
		"  --format F     hyperfine, gbench, pytest-benchmark or generic\n"
		"  --component C  the component of every benchmark imported\n"
		"  --note TEXT    a note kept with the run in the audit log ('perfguard log')\n"
		"  --gate         judge this run (as 'perfguard gate --run ID'); exit 1 when\n"
		"                 it fails\n"
		"  --fail-on L    the gate's level: minor, moderate, major (default), critical\n"
		"  --json         print the run as JSON on stdout\n"
		"  -c, --config FILE  the config (default ./perfguard.json, $PERFGUARD_CONFIG)\n"
		"  --db FILE      the database (default .perfguard/perfguard.db beside the\n"
		"                 config, $PERFGUARD_DB)\n"
		"\n"
		"A file that is not what its format says is an error naming the file,\n"
		"the JSON path and what was wrong; nothing of a failed import is stored\n"
		"(one transaction).\n"
		"\n"
		"Exit status: 0 when imported; 1 when --gate fails; 2 for a bad file or\n"
		"usage; 3 when the database failed or a tool reported a benchmark failed\n"
		"(it is stored as failed).\n",
	.run = cmd_ingest,
};
