/* cmd_list.c: `perfguard list`: the config's benchmarks and what is stored. */
#include "perfguard/cli.h"
#include "perfguard/config.h"
#include "perfguard/query.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The stored entry of benchmark b in ov, or NULL when it was never stored. */
static const struct pfg_query_bench *find_row(const struct pfg_query_overview *ov,
					      const struct pfg_benchmark_cfg *b)
{
	const struct pfg_query_bench *r = pfg_query_overview_find(ov, b->id);
	return r && r->in_store ? r : NULL;
}

/* Print the list as JSON. */
static void print_json(const struct pfg_config *cfg, const struct pfg_query_overview *ov)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < cfg->n_benchmarks; i++) {
		const struct pfg_benchmark_cfg *b = &cfg->benchmarks[i];
		const struct pfg_query_bench *r = find_row(ov, b);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", b->id);
		cJSON_AddStringToObject(o, "component", b->component);
		cJSON_AddStringToObject(o, "name", b->name);
		cJSON_AddStringToObject(o, "type", pfg_bench_type_name(b->type));
		cJSON_AddStringToObject(o, "unit", b->unit);
		cJSON_AddStringToObject(o, "direction", pfg_direction_name(b->direction));
		cJSON_AddNumberToObject(o, "runs", b->runs);
		cJSON_AddNumberToObject(o, "stored_runs", r ? (double)r->n_runs : 0);
		if (r && r->has_latest) {
			cJSON *l = cJSON_AddObjectToObject(o, "latest");
			cJSON_AddNumberToObject(l, "run_id", (double)r->latest_run);
			cJSON_AddNumberToObject(l, "started_at", r->latest_started_at);
			cJSON_AddBoolToObject(l, "ok", r->latest_ok);
			cJSON_AddNumberToObject(l, "n", (double)r->latest_n);
			if (r->latest_n)
				cJSON_AddNumberToObject(l, "mean", r->latest_mean);
		}
		cJSON_AddItemToArray(arr, o);
	}
	pfg_cli_print_json(arr);
}

/* Print the list as a table. */
static void print_table(const struct pfg_config *cfg, const struct pfg_query_overview *ov)
{
	size_t w = 9;
	for (size_t i = 0; i < cfg->n_benchmarks; i++)
		if (strlen(cfg->benchmarks[i].id) > w)
			w = strlen(cfg->benchmarks[i].id);
	printf("%-*s %-10s %-6s %-6s %6s %12s  %s\n", (int)w, "benchmark", "type", "unit",
	       "better", "stored", "latest mean", "latest run");
	for (size_t i = 0; i < cfg->n_benchmarks; i++) {
		const struct pfg_benchmark_cfg *b = &cfg->benchmarks[i];
		const struct pfg_query_bench *r = find_row(ov, b);
		char mean[96] = "-", when[32] = "-", unit[64];
		pfg_cli_safe(b->unit, unit, sizeof unit);
		if (r && r->has_latest) {
			if (!r->latest_ok)
				snprintf(mean, sizeof mean, "failed");
			else if (r->latest_n)
				pfg_format_value(r->latest_mean, unit, mean, sizeof mean);
			pfg_format_time(r->latest_started_at, when, sizeof when);
		}
		printf("%-*s %-10s %-6s %-6s %6zu %12s  %s\n", (int)w, b->id,
		       pfg_bench_type_name(b->type), *unit ? unit : "-",
		       pfg_direction_name(b->direction), r ? r->n_runs : 0, mean, when);
	}
}

/* `perfguard list`: parse the options and run; returns an exit code. */
static int cmd_list(struct pfg_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' }, PFG_COMMON_LONGOPTS, { 0 } };
	int json = 0, opt;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (opt == 'j') {
			json = 1;
			continue;
		}
		int rc = pfg_cli_common_option(cli, opt, optarg);
		if (rc >= 0)
			return rc;
	}
	if (optind < argc)
		return pfg_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	struct pfg_config *cfg;
	int code = pfg_cli_load_config(cli, 0, &cfg);
	if (code)
		return code;
	struct pfg_query_overview ov = { 0 };
	struct pfg_store *st = NULL;
	char err[PFG_ERR_MAX];
	char *db = pfg_cli_db_path(cli);
	int rc = PFG_OK;
	if (access(db, F_OK) == 0) /* no database yet: nothing stored */
		rc = pfg_store_open(db, &st, err, sizeof err);
	if (rc == PFG_OK)
		rc = pfg_query_overview_load(st, cfg, NULL, &ov, err, sizeof err);
	if (rc)
		code = pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
	pfg_store_close(st);
	free(db);
	if (code == PFG_EXIT_OK) {
		if (json)
			print_json(cfg, &ov);
		else
			print_table(cfg, &ov);
	}
	pfg_query_overview_release(&ov);
	pfg_config_free(cfg);
	return code;
}

const struct pfg_command pfg_cmd_list_entry = {
	.name = "list",
	.summary = "list components and benchmarks with their last result",
	.usage =
		"Usage: perfguard list [--json] [-c FILE] [--db FILE]\n"
		"\n"
		"List the benchmarks of the config with their type, unit, direction,\n"
		"how many runs the database holds and the latest mean.\n",
	.run = cmd_list,
};
