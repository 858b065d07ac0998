/* cmd_notify.c: `perfguard notify list|test|log`: the notification targets
 * of the config, a sample message to them, and the log of every message. */
#include "perfguard/cli.h"
#include "perfguard/config.h"
#include "perfguard/notify.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* The events of mask as "regression, drift, ..." into buf. */
static void events_text(unsigned mask, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int e = 0; e < PFG_NOTIFY_N_EVENTS && o < len; e++)
		if (mask & (1u << e))
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "," : "",
					      pfg_notify_event_name(e));
}

/* `notify list`: every target with its URL masked. */
static int list(const struct pfg_config *cfg, int json)
{
	cJSON *arr = json ? cJSON_CreateArray() : NULL;
	for (size_t i = 0; i < cfg->n_notify; i++) {
		const struct pfg_notify_target *t = &cfg->notify[i];
		char url[256], on[256];
		int has_url = pfg_notify_describe_url(t, url, sizeof url) == 0;
		events_text(t->on, on, sizeof on);
		const char *secret = t->kind != PFG_NOTIFY_WEBHOOK ? "none"
				   : t->secret ? "literal"
				   : t->secret_env ? (getenv(t->secret_env) ? "set" : "unset") : "none";
		if (json) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", t->name);
			cJSON_AddStringToObject(o, "kind", pfg_notify_kind_name(t->kind));
			if (has_url)
				cJSON_AddStringToObject(o, "url", url);
			else
				cJSON_AddNullToObject(o, "url");
			if (!has_url)
				cJSON_AddStringToObject(o, "problem", url);
			if (t->url_env)
				cJSON_AddStringToObject(o, "url_env", t->url_env);
			else
				cJSON_AddNullToObject(o, "url_env");
			cJSON_AddStringToObject(o, "min_severity", pfg_severity_name(t->min_severity));
			cJSON *ev = cJSON_AddArrayToObject(o, "on");
			for (int e = 0; e < PFG_NOTIFY_N_EVENTS; e++)
				if (t->on & (1u << e))
					cJSON_AddItemToArray(ev, cJSON_CreateString(
							     pfg_notify_event_name(e)));
			cJSON *comps = cJSON_AddArrayToObject(o, "components");
			for (size_t k = 0; k < t->components.n; k++)
				cJSON_AddItemToArray(comps, cJSON_CreateString(t->components.v[k]));
			cJSON_AddNumberToObject(o, "timeout", t->timeout_s);
			cJSON_AddStringToObject(o, "secret", secret);
			cJSON_AddBoolToObject(o, "ca_bundle", t->ca_bundle != NULL);
			if (t->token_env)
				cJSON_AddStringToObject(o, "token_env", t->token_env);
			cJSON_AddItemToArray(arr, o);
			continue;
		}
		char safe[256];
		printf("%s  %s  %s%s%s\n", t->name, pfg_notify_kind_name(t->kind),
		       has_url ? url : "(no URL: ", has_url ? "" : pfg_cli_safe(url, safe, sizeof safe),
		       has_url ? "" : ")");
		if (t->url_env)
			printf("    url_env %s", pfg_cli_safe(t->url_env, safe, sizeof safe));
		else
			fputs("    url in the config", stdout);
		printf("; at least %s; on %s; timeout %g s", pfg_severity_name(t->min_severity),
		       on, t->timeout_s);
		if (t->components.n) {
			fputs("; components ", stdout);
			for (size_t k = 0; k < t->components.n; k++)
				printf("%s%s", k ? "," : "",
				       pfg_cli_safe(t->components.v[k], safe, sizeof safe));
		}
		if (t->kind == PFG_NOTIFY_WEBHOOK)
			printf("; signing secret %s", secret);
		if (t->token_env)
			printf("; token_env %s (%s)", pfg_cli_safe(t->token_env, safe, sizeof safe),
			       getenv(t->token_env) ? "set" : "unset");
		putchar('\n');
	}
	if (json)
		pfg_cli_print_json(arr);
	else if (!cfg->n_notify)
		puts("no notify targets (see \"notify\" in perfguard.json(5))");
	return PFG_EXIT_OK;
}

/* `notify test [NAME]`: a sample message to one or every target. */
static int test(struct pfg_cli *cli, const struct pfg_config *cfg, const char *name, int json)
{
	if (!cfg->n_notify)
		return pfg_cli_usage_error(cli, "the config has no notify targets (see "
					   "\"notify\" in perfguard.json(5))");
	int found = !name;
	for (size_t i = 0; name && i < cfg->n_notify; i++)
		found |= strcmp(cfg->notify[i].name, name) == 0;
	if (!found) {
		char safe[128];
		return pfg_cli_usage_error(cli, "no notify target named '%s' (see 'perfguard "
					   "notify list')", pfg_cli_safe(name, safe, sizeof safe));
	}
	struct pfg_store *st;
	int rc = pfg_cli_open_store(cli, 0, &st);
	if (rc)
		return rc;
	struct pfg_notify_message m;
	pfg_notify_message_sample(&m, cfg->suite);
	struct pfg_notify_outcome *out;
	size_t n;
	char err[PFG_ERR_MAX];
	int code = PFG_EXIT_OK;
	if (pfg_notify_send(cfg, st, &m, name, -1, &out, &n, err, sizeof err))
		code = pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
	cJSON *arr = json ? cJSON_CreateArray() : NULL;
	for (size_t i = 0; i < n; i++) {
		const struct pfg_notify_outcome *o = &out[i];
		if (o->status != PFG_NOTIFY_SENT)
			code = PFG_EXIT_RUNTIME;
		if (json) {
			cJSON *j = cJSON_CreateObject();
			cJSON_AddStringToObject(j, "target", o->target);
			cJSON_AddStringToObject(j, "status", pfg_notify_status_name(o->status));
			if (o->http_status)
				cJSON_AddNumberToObject(j, "http_status", o->http_status);
			else
				cJSON_AddNullToObject(j, "http_status");
			cJSON_AddNumberToObject(j, "attempts", o->attempts);
			if (o->error[0])
				cJSON_AddStringToObject(j, "error", o->error);
			else
				cJSON_AddNullToObject(j, "error");
			cJSON_AddItemToArray(arr, j);
			continue;
		}
		char status[32] = "no HTTP answer", safe[512];
		if (o->http_status)
			snprintf(status, sizeof status, "HTTP %d", o->http_status);
		printf("%s: %s (%s, %d attempt%s)%s%s\n", o->target,
		       pfg_notify_status_name(o->status), status, o->attempts,
		       o->attempts == 1 ? "" : "s", o->error[0] ? ": " : "",
		       pfg_cli_safe(o->error, safe, sizeof safe));
	}
	if (json)
		pfg_cli_print_json(arr);
	free(out);
	pfg_notify_message_release(&m);
	pfg_store_close(st);
	return code;
}

/* `notify log`: every message, newest first. */
static int show_log(struct pfg_cli *cli, const char *target, long limit, int json)
{
	struct pfg_store *st;
	int rc = pfg_cli_open_store(cli, 1, &st);
	if (rc)
		return rc;
	struct pfg_notify_row *rows;
	size_t n;
	char err[PFG_ERR_MAX];
	if (pfg_store_notify_log(st, target, (size_t)limit, &rows, &n, err, sizeof err)) {
		pfg_store_close(st);
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
	}
	cJSON *arr = json ? cJSON_CreateArray() : NULL;
	for (size_t i = 0; i < n; i++) {
		const struct pfg_notify_row *r = &rows[i];
		if (json) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "id", (double)r->id);
			cJSON_AddNumberToObject(o, "created_at", r->created_at);
			cJSON_AddNumberToObject(o, "updated_at", r->updated_at);
			cJSON_AddStringToObject(o, "target", r->target);
			cJSON_AddStringToObject(o, "kind", r->kind);
			cJSON_AddStringToObject(o, "event", r->event);
			if (r->run_id)
				cJSON_AddNumberToObject(o, "run_id", (double)r->run_id);
			else
				cJSON_AddNullToObject(o, "run_id");
			cJSON_AddStringToObject(o, "summary", r->summary);
			cJSON_AddStringToObject(o, "status", pfg_notify_status_name(r->status));
			if (r->http_status)
				cJSON_AddNumberToObject(o, "http_status", r->http_status);
			else
				cJSON_AddNullToObject(o, "http_status");
			cJSON_AddNumberToObject(o, "attempts", r->attempts);
			if (r->error)
				cJSON_AddStringToObject(o, "error", r->error);
			else
				cJSON_AddNullToObject(o, "error");
			cJSON_AddItemToArray(arr, o);
			continue;
		}
		char when[32], name[128], http[16] = "-";
		pfg_format_time(r->updated_at, when, sizeof when);
		if (r->http_status)
			snprintf(http, sizeof http, "%d", r->http_status);
		printf("%lld  %s  %-12s %-8s %-11s %-7s %-4s %d  ", (long long)r->id, when,
		       pfg_cli_safe(r->target, name, sizeof name), r->status == PFG_NOTIFY_SENT
		       ? "sent" : pfg_notify_status_name(r->status), r->event, r->kind, http,
		       r->attempts);
		pfg_cli_print_safe(stdout, r->summary, 0);
		if (r->error) {
			fputs(": ", stdout);
			pfg_cli_print_safe(stdout, r->error, 0);
		}
		putchar('\n');
	}
	if (json)
		pfg_cli_print_json(arr);
	else if (!n)
		puts("no notifications yet");
	pfg_notify_rows_free(rows, n);
	pfg_store_close(st);
	return PFG_EXIT_OK;
}

/* `perfguard notify`: parse the subcommand and options; returns an exit code. */
static int cmd_notify(struct pfg_cli *cli, int argc, char **argv)
{
	static const char *const subs[] = { "list", "test", "log", NULL };
	int code;
	if (pfg_cli_subcommand(cli, argc, argv, subs, &code) < 0)
		return code;
	const char *sub = argv[1];
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'n' },
		{ "target", required_argument, NULL, 't' },
		PFG_COMMON_LONGOPTS, { 0 } };
	int json = 0, opt;
	long limit = 50;
	const char *target = NULL;
	argc--;
	argv++;
	optind = 1;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (opt == 'j') {
			json = 1;
		} else if (opt == 'n' && strcmp(sub, "log") == 0) {
			if ((limit = pfg_cli_parse_count(cli, "--limit", optarg, 1)) < 0)
				return PFG_EXIT_USAGE;
		} else if (opt == 't' && strcmp(sub, "log") == 0) {
			target = optarg;
		} else if (opt == 'n' || opt == 't') {
			return pfg_cli_usage_error(cli, "%s takes no %s", sub,
						   opt == 'n' ? "--limit" : "--target");
		} else {
			int rc = pfg_cli_common_option(cli, opt, optarg);
			if (rc >= 0)
				return rc;
		}
	}
	int max_args = strcmp(sub, "test") == 0;
	if (argc - optind > max_args)
		return pfg_cli_usage_error(cli, "unexpected argument '%s'",
					   argv[optind + max_args]);
	if (strcmp(sub, "log") == 0)
		return show_log(cli, target, limit, json);
	struct pfg_config *cfg;
	int rc = pfg_cli_load_config(cli, 0, &cfg);
	if (rc)
		return rc;
	rc = strcmp(sub, "list") == 0 ? list(cfg, json)
	     : test(cli, cfg, optind < argc ? argv[optind] : NULL, json);
	pfg_config_free(cfg);
	return rc;
}

const struct pfg_command pfg_cmd_notify_entry = {
	.name = "notify",
	.summary = "notification targets: list them, send a test, show the log",
	.usage =
		"Usage: perfguard notify list [--json] [-c FILE]\n"
		"       perfguard notify test [--json] [-c FILE] [--db FILE] [NAME]\n"
		"       perfguard notify log [--json] [--target NAME] [--limit N] [--db FILE]\n"
		"\n"
		"The targets of the config's \"notify\" key (Slack, Discord, Microsoft\n"
		"Teams, generic webhooks, Home Assistant's persistent notifications;\n"
		"perfguard.json(5)) hear of every run that found\n"
		"something (regressions, drift, error rates, recoveries, proposed\n"
		"baselines, a failed gate) and of alert state changes: one message per\n"
		"target and event. A message that could not be delivered (no connection,\n"
		"HTTP 429 or 5xx after 3 attempts) waits and is retried at the next run,\n"
		"at most 20 per target (older ones are dropped). A failure never fails a\n"
		"run nor changes its exit status; it is shown on stderr and logged.\n"
		"\n"
		"  list          the targets, their URLs masked to the host\n"
		"  test [NAME]   send a sample message to NAME (default: every target)\n"
		"                and print each outcome: status, HTTP status, attempts\n"
		"  log           every message sent or tried, newest first: target,\n"
		"                status (sent, failed, pending, dropped), event, kind,\n"
		"                HTTP status, attempts, what it said and the last error\n"
		"  --json        print for scripts\n"
		"  --target NAME log: only the messages to NAME\n"
		"  --limit N     log: the latest N messages (default 50)\n"
		"\n"
		"URLs and secrets are never printed: only scheme and host are shown.\n"
		"Exit status: 0; test: 3 when a target did not accept the message, 2 for\n"
		"an unknown NAME or a config without targets.\n",
	.run = cmd_notify,
};
