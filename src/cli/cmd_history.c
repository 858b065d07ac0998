/* cmd_history.c: `perfguard history BENCH`: a row per stored run. */
#include "perfguard/cli.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* Print the rows as JSON, each with its machine's noise settings when the
 * run stored them. */
static void print_json(struct pfg_store *st, const char *id, const char *unit,
		       const struct pfg_result_row *rows, size_t n)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "benchmark", id);
	cJSON_AddStringToObject(root, "unit", unit);
	cJSON *arr = cJSON_AddArrayToObject(root, "runs");
	for (size_t i = 0; i < n; i++) {
		const struct pfg_result_row *r = &rows[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "run_id", (double)r->run_id);
		cJSON_AddNumberToObject(o, "started_at", r->started_at);
		cJSON_AddStringToObject(o, "status", pfg_run_status_name(r->status));
		if (*r->git_rev)
			cJSON_AddStringToObject(o, "git_rev", r->git_rev);
		cJSON_AddBoolToObject(o, "ok", r->ok);
		if (r->error)
			cJSON_AddStringToObject(o, "error", r->error);
		struct pfg_run_noise rn;
		if (pfg_store_run_noise(st, r->run_id, &rn, NULL, 0) == PFG_OK)
			cJSON_AddItemToObject(o, "machine", pfg_cli_machine_json(&rn));
		pfg_run_noise_release(&rn);
		cJSON_AddNumberToObject(o, "n", (double)r->n);
		if (r->n) {
			cJSON_AddNumberToObject(o, "mean", r->mean);
			cJSON_AddNumberToObject(o, "median", r->median);
			cJSON_AddNumberToObject(o, "stddev", r->stddev);
			cJSON_AddNumberToObject(o, "min", r->min);
			cJSON_AddNumberToObject(o, "max", r->max);
			cJSON_AddNumberToObject(o, "p95", r->p95);
		}
		if (r->has_stop_reason)
			cJSON_AddStringToObject(o, "stop_reason",
						pfg_stop_reason_name(r->stop_reason));
		else
			cJSON_AddNullToObject(o, "stop_reason");
		if (r->has_half_width)
			cJSON_AddNumberToObject(o, "half_width_pct", r->half_width_pct);
		else
			cJSON_AddNullToObject(o, "half_width_pct");
		cJSON_AddItemToArray(arr, o);
	}
	pfg_cli_print_json(root);
}

/* Print the rows as a table. */
static void print_table(const char *unit, const struct pfg_result_row *rows, size_t n)
{
	printf("%6s  %-19s  %-11s  %-8s %4s %10s %10s %10s %10s\n", "run", "started",
	       "status", "git", "n", "mean", "median", "stddev", "p95");
	for (size_t i = 0; i < n; i++) {
		const struct pfg_result_row *r = &rows[i];
		char when[32], rev[16], safe_unit[64];
		pfg_format_time(r->started_at, when, sizeof when);
		printf("%6lld  %-19s  %-11s  %-8.8s %4zu", (long long)r->run_id, when,
		       pfg_run_status_name(r->status), *r->git_rev ? pfg_cli_safe(r->git_rev, rev, sizeof rev) : "-",
		       r->n);
		if (r->n) {
			double v[] = { r->mean, r->median, r->stddev, r->p95 };
			pfg_cli_safe(unit, safe_unit, sizeof safe_unit);
			for (int k = 0; k < 4; k++) {
				char buf[96];
				pfg_format_value(v[k], safe_unit, buf, sizeof buf);
				printf(" %10s", buf);
			}
		}
		if (!r->ok) {
			fputs("  failed: ", stdout);
			pfg_cli_print_safe(stdout, r->error ? r->error : "?", 0);
		}
		putchar('\n');
	}
}

/* Find the unit and the number of stored runs of component/name among
 * the stored benchmarks. */
static int bench_unit(struct pfg_store *st, const char *comp, const char *name,
		      char *unit, size_t len, size_t *n_runs)
{
	struct pfg_bench_row *rows;
	size_t n;
	if (pfg_store_benchmarks(st, &rows, &n, NULL, 0))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].component, comp) && !strcmp(rows[i].name, name)) {
			snprintf(unit, len, "%s", rows[i].unit);
			*n_runs = rows[i].n_runs;
		}
	pfg_bench_rows_free(rows, n);
	return 0;
}

/* Runs the table shows without --limit or --all. */
#define HISTORY_TABLE_RUNS 50

/* `perfguard history`: parse the options and run; returns an exit code. */
static int cmd_history(struct pfg_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'n' },
		{ "all", no_argument, NULL, 'a' }, PFG_COMMON_LONGOPTS, { 0 } };
	int json = 0, all = 0, opt;
	long limit = 0;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (opt == 'j') {
			json = 1;
		} else if (opt == 'a') {
			all = 1;
		} else if (opt == 'n') {
			if ((limit = pfg_cli_parse_count(cli, "--limit", optarg, 1)) < 0)
				return PFG_EXIT_USAGE;
		} else {
			int rc = pfg_cli_common_option(cli, opt, optarg);
			if (rc >= 0)
				return rc;
		}
	}
	if (argc - optind != 1)
		return pfg_cli_usage_error(cli, "expected one benchmark as "
					   "component/name, e.g. 'perfguard history "
					   "core/startup'");
	const char *id = argv[optind];
	const char *slash = strchr(id, '/');
	if (!slash || slash == id || !slash[1])
		return pfg_cli_usage_error(cli, "'%s': expected component/name", id);
	/* The table shows the latest HISTORY_TABLE_RUNS unless told otherwise:
	 * a long history is not printed whole by default. */
	if (!json && !all && !limit)
		limit = HISTORY_TABLE_RUNS;
	char *comp = strndup(id, (size_t)(slash - id));
	char err[PFG_ERR_MAX], unit[32] = "";
	struct pfg_store *st = NULL;
	struct pfg_result_row *rows = NULL;
	size_t n = 0;
	int rc, code = pfg_cli_open_store(cli, 1, &st);
	if (code == PFG_EXIT_OK && (rc = pfg_store_history(st, comp, slash + 1,
							   (size_t)limit, &rows, &n,
							   err, sizeof err)))
		code = pfg_cli_fail(cli, pfg_cli_exit_of(rc), "%s%s", err,
				    rc == PFG_ENOTFOUND ? ": run it first, or see "
				    "'perfguard list'" : "");
	if (code == PFG_EXIT_OK) {
		size_t stored = 0;
		bench_unit(st, comp, slash + 1, unit, sizeof unit, &stored);
		if (json) {
			print_json(st, id, unit, rows, n);
		} else {
			print_table(unit, rows, n);
			if (stored > n)
				printf("(the latest %zu of %zu runs: --limit N or --all for "
				       "more)\n", n, stored);
		}
	}
	pfg_result_rows_free(rows, n);
	pfg_store_close(st);
	free(comp);
	return code;
}

const struct pfg_command pfg_cmd_history_entry = {
	.name = "history",
	.summary = "a row per run of one benchmark",
	.usage =
		"Usage: perfguard history [--json] [--limit N | --all] [-c FILE] [--db FILE]\n"
		"                         BENCH\n"
		"\n"
		"Print one row per stored run of BENCH (component/name), oldest first:\n"
		"run id, time, status, git revision, n, mean, median, stddev, p95.\n"
		"The table shows the latest 50 runs and says how many there are;\n"
		"--json gives every run.\n"
		"  --limit N   only the latest N runs\n"
		"  --all       every run\n",
	.run = cmd_history,
};
