/* cmd_log.c: `perfguard log`: the audit log of baselines and alerts. */
#include "perfguard/cli.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

/* `perfguard log`: parse the options and run; returns an exit code. */
static int cmd_log(struct pfg_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'n' },
		PFG_COMMON_LONGOPTS, { 0 } };
	int json = 0, opt;
	long limit = 0;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (opt == 'j') {
			json = 1;
		} else if (opt == 'n') {
			if ((limit = pfg_cli_parse_count(cli, "--limit", optarg, 1)) < 0)
				return PFG_EXIT_USAGE;
		} else {
			int rc = pfg_cli_common_option(cli, opt, optarg);
			if (rc >= 0)
				return rc;
		}
	}
	if (optind < argc)
		return pfg_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	struct pfg_store *st;
	int rc = pfg_cli_open_store(cli, 1, &st);
	if (rc)
		return rc;
	struct pfg_audit_entry *e;
	size_t n;
	char err[PFG_ERR_MAX];
	if (pfg_store_audit(st, (size_t)limit, &e, &n, err, sizeof err)) {
		pfg_store_close(st);
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
	}
	if (json) {
		cJSON *arr = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "id", (double)e[i].id);
			cJSON_AddNumberToObject(o, "at", e[i].at);
			cJSON_AddStringToObject(o, "actor", e[i].actor);
			cJSON_AddStringToObject(o, "entity", e[i].entity);
			cJSON_AddNumberToObject(o, "entity_id", (double)e[i].entity_id);
			cJSON_AddStringToObject(o, "action", e[i].action);
			if (e[i].detail)
				cJSON_AddStringToObject(o, "detail", e[i].detail);
			cJSON_AddItemToArray(arr, o);
		}
		pfg_cli_print_json(arr);
	} else {
		for (size_t i = 0; i < n; i++) {
			char when[32], actor[256], entity[64], action[64];
			pfg_format_time(e[i].at, when, sizeof when);
			printf("%s  %-10s %s %lld %s%s", when,
			       pfg_cli_safe(e[i].actor, actor, sizeof actor),
			       pfg_cli_safe(e[i].entity, entity, sizeof entity),
			       (long long)e[i].entity_id,
			       pfg_cli_safe(e[i].action, action, sizeof action),
			       e[i].detail ? ": " : "");
			pfg_cli_print_safe(stdout, e[i].detail, 0);
			putchar('\n');
		}
	}
	pfg_audit_free(e, n);
	pfg_store_close(st);
	return PFG_EXIT_OK;
}

const struct pfg_command pfg_cmd_log_entry = {
	.name = "log",
	.summary = "the audit log of baselines and alerts",
	.usage =
		"Usage: perfguard log [--json] [--limit N]\n"
		"\n"
		"Every change of state of a baseline or an alert, oldest first: when,\n"
		"who, what.\n",
	.run = cmd_log,
};
