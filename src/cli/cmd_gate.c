/* cmd_gate.c: `perfguard gate`: judge the suite or a run for CI; also
 * `run --gate`. */
#include "perfguard/alerts.h"
#include "perfguard/cli.h"
#include "perfguard/config.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

void *pfg_cli_gate_json(const struct pfg_gate_report *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "scope", r->run_id ? "run" : "suite");
	if (r->run_id) {
		cJSON_AddNumberToObject(o, "run_id", (double)r->run_id);
		cJSON_AddStringToObject(o, "run_status", pfg_run_status_name(r->run_status));
	}
	cJSON_AddStringToObject(o, "fail_on", pfg_severity_name(r->fail_on));
	cJSON_AddBoolToObject(o, "fail_on_missing_baseline", r->fail_on_missing_baseline);
	cJSON_AddStringToObject(o, "verdict", r->failed ? "fail" : "pass");
	cJSON_AddNumberToObject(o, "benchmarks", (double)r->n_benchmarks);
	cJSON *arr = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < r->n_items; i++) {
		const struct pfg_gate_item *it = &r->items[i];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "benchmark", it->bench);
		if (it->run_id)
			cJSON_AddNumberToObject(e, "run_id", (double)it->run_id);
		cJSON_AddStringToObject(e, "kind", pfg_gate_kind_name(it->kind));
		cJSON_AddStringToObject(e, "severity", pfg_severity_name(it->severity));
		if (it->alert_id) {
			cJSON_AddNumberToObject(e, "alert_id", (double)it->alert_id);
			cJSON_AddStringToObject(e, "state", pfg_alert_state_name(it->state));
		}
		cJSON_AddNumberToObject(e, "change_pct", it->change_pct);
		cJSON_AddBoolToObject(e, "fails", it->fails);
		cJSON_AddItemToArray(arr, e);
	}
	return o;
}

void pfg_cli_gate_print(FILE *f, const struct pfg_gate_report *r)
{
	size_t failing = 0;
	for (size_t i = 0; i < r->n_items; i++)
		failing += r->items[i].fails &&
			   (i == 0 || !r->items[i - 1].fails ||
			    strcmp(r->items[i].bench, r->items[i - 1].bench) != 0);
	if (r->run_id)
		fprintf(f, "gate: run %lld (%s), ", (long long)r->run_id,
			pfg_run_status_name(r->run_status));
	else
		fprintf(f, "gate: the suite's state (each benchmark's latest result), ");
	fprintf(f, "%zu benchmark%s judged, failing at %s or worse%s\n", r->n_benchmarks,
		r->n_benchmarks == 1 ? "" : "s", pfg_severity_name(r->fail_on),
		r->fail_on_missing_baseline ? " or without a baseline" : "");
	for (size_t i = 0; i < r->n_items; i++) {
		const struct pfg_gate_item *it = &r->items[i];
		const char *mark = it->fails ? "FAIL" : "note";
		char bench[256];
		pfg_cli_safe(it->bench, bench, sizeof bench);
		if (it->kind == PFG_GATE_NO_RESULT) {
			fprintf(f, "  %s %s: no result in this environment yet\n", mark, bench);
			continue;
		}
		if (it->kind == PFG_GATE_MISSING_BASELINE) {
			fprintf(f, "  %s %s: no approved baseline (run %lld)\n", mark, bench,
				(long long)it->run_id);
			continue;
		}
		fprintf(f, "  %s %s: %s %s %+.1f%% (run %lld", it->fails ? "FAIL" : "pass",
			bench, pfg_severity_name(it->severity), pfg_gate_kind_name(it->kind),
			it->change_pct, (long long)it->run_id);
		if (it->alert_id)
			fprintf(f, ", alert %lld, %s", (long long)it->alert_id,
				pfg_alert_state_name(it->state));
		fprintf(f, ")\n");
	}
	if (r->failed)
		fprintf(f, "gate: FAIL: %zu benchmark%s at %s or worse; see 'perfguard "
			"alerts list', mark an alert invalid or wontfix if it is expected\n",
			failing, failing == 1 ? "" : "s", pfg_severity_name(r->fail_on));
	else
		fprintf(f, "gate: PASS\n");
}

int pfg_cli_gate_run(const struct pfg_cli *cli, struct pfg_store *st, int64_t run_id,
		     const struct pfg_config *cfg, const char *fail_on,
		     struct pfg_gate_report *report)
{
	struct pfg_gate_opts o;
	pfg_gate_opts_init(&o, cfg);
	o.run_id = run_id;
	if (fail_on && (pfg_severity_parse(fail_on, &o.fail_on) ||
			o.fail_on == PFG_SEVERITY_NONE)) {
		pfg_gate_opts_release(&o);
		return pfg_cli_usage_error(cli, "--fail-on: expected minor, moderate, major "
					   "or critical, got '%s'", fail_on);
	}
	char err[PFG_ERR_MAX];
	int rc = pfg_gate_judge(st, &o, report, err, sizeof err);
	pfg_gate_opts_release(&o);
	if (rc) /* judging the suite, "not found" is: no run at all */
		return pfg_cli_fail(cli, pfg_cli_exit_of(rc), "%s%s", err,
				    rc == PFG_ENOTFOUND && !run_id ? ": run 'perfguard run' "
				    "first" : "");
	return PFG_EXIT_OK;
}

/* `perfguard gate`: parse the options and run; returns an exit code. */
static int cmd_gate(struct pfg_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "run", required_argument, NULL, 'r' },
		PFG_COMMON_LONGOPTS, { 0 } };
	int json = 0, opt;
	const char *fail_on = NULL;
	long long run = 0;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (opt == 'j') {
			json = 1;
		} else if (opt == 'f') {
			fail_on = optarg;
		} else if (opt == 'r') {
			if ((run = pfg_cli_parse_id(cli, "a run", optarg)) < 0)
				return PFG_EXIT_USAGE;
		} else {
			int rc = pfg_cli_common_option(cli, opt, optarg);
			if (rc >= 0)
				return rc;
		}
	}
	if (optind < argc)
		return pfg_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	struct pfg_config *cfg;
	int rc = pfg_cli_load_config(cli, 1, &cfg);
	if (rc)
		return rc;
	struct pfg_store *st = NULL;
	struct pfg_gate_report report = { 0 };
	if ((rc = pfg_cli_open_store(cli, 1, &st)) == PFG_EXIT_OK &&
	    (rc = pfg_cli_gate_run(cli, st, run, cfg, fail_on, &report)) == PFG_EXIT_OK) {
		if (json)
			pfg_cli_print_json(pfg_cli_gate_json(&report));
		else
			pfg_cli_gate_print(stdout, &report);
		rc = report.failed ? PFG_EXIT_GATE : PFG_EXIT_OK;
	}
	pfg_gate_report_release(&report);
	pfg_store_close(st);
	pfg_config_free(cfg);
	return rc;
}

const struct pfg_command pfg_cmd_gate_entry = {
	.name = "gate",
	.summary = "fail CI (exit 1) when the suite regressed",
	.usage =
		"Usage: perfguard gate [--json] [--fail-on LEVEL] [--run ID]\n"
		"\n"
		"Judge the suite's state: for every benchmark of the config (every stored\n"
		"one without a config), its latest result in this machine's environment\n"
		"and the alert that covers it, whichever run measured it. With --run ID,\n"
		"judge that run's results only. It fails on a regression, error_rate or\n"
		"open drift alert (the history chart: a creep or a lasting shift) at\n"
		"or above LEVEL (minor, moderate, major, critical; default the config's\n"
		"gate.fail_on, else major) unless its alert was marked invalid or wontfix\n"
		"for it: a dismissal covers what was dismissed, no more (a regression of a\n"
		"higher severity, or whose interval lies wholly above the dismissed change,\n"
		"raises a new alert). With gate.fail_on_missing_baseline in the config, a\n"
		"benchmark without an approved baseline or a result fails it too. Each\n"
		"line says which run its verdict comes from.\n"
		"\n"
		"Exit status: 0 pass, 1 fail, 2 no such run or bad usage, 3 the database\n"
		"failed.\n",
	.run = cmd_gate,
};
