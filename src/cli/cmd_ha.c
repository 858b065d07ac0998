/* cmd_ha.c: `perfguard ha publish|remove|show`: the suite's entities in
 * Home Assistant on demand (runs and alert changes publish them too). */
#include "perfguard/cli.h"
#include "perfguard/config.h"
#include "perfguard/ha.h"
#include "perfguard/notify.h"
#include "perfguard/query.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The outcome as JSON for scripts. */
static void print_outcome_json(const char *action, const struct pfg_ha_link *l,
			       const struct pfg_ha_outcome *o, int rc)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "action", action);
	cJSON_AddStringToObject(j, "via", o->mqtt ? "mqtt" : o->rest ? "rest" : "none");
	cJSON_AddStringToObject(j, "from", o->mqtt ? l->mqtt_from : l->rest_from);
	cJSON_AddNumberToObject(j, "entities", (double)o->entities);
	cJSON_AddNumberToObject(j, "removed", (double)o->removed);
	cJSON_AddNumberToObject(j, "requests_failed", (double)o->requests_failed);
	cJSON_AddBoolToObject(j, "ok", rc == PFG_OK && !o->requests_failed);
	if (o->error[0])
		cJSON_AddStringToObject(j, "error", o->error);
	else
		cJSON_AddNullToObject(j, "error");
	pfg_cli_print_json(j);
}

/* `ha show`: the entities and their discovery configs, nothing sent. */
static int show(struct pfg_cli *cli, const struct pfg_config *cfg, int json)
{
	struct pfg_store *st;
	int rc = pfg_cli_open_store(cli, 0, &st);
	if (rc)
		return rc;
	struct pfg_query_overview ov = { 0 };
	struct pfg_query_overview_opts opts = { .gate = 1 };
	char err[PFG_ERR_MAX];
	if (pfg_query_overview_load(st, cfg, &opts, &ov, err, sizeof err)) {
		pfg_query_overview_release(&ov);
		pfg_store_close(st);
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
	}
	struct pfg_ha_entities es;
	pfg_ha_entities_build(cfg, &ov, &es);
	const char *prefix = cfg->ha.mqtt.prefix ? cfg->ha.mqtt.prefix : PFG_HA_PREFIX_DEFAULT;
	cJSON *arr = json ? cJSON_CreateArray() : NULL;
	for (size_t i = 0; i < es.n; i++) {
		const struct pfg_ha_entity *e = &es.v[i];
		char id[300], safe[300];
		pfg_ha_entity_id(&es, e, id, sizeof id);
		char *topic = pfg_ha_config_topic(prefix, e->platform, es.node_id, e->object_id);
		char *conf = pfg_ha_discovery_payload(&es, e);
		if (json) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "entity_id", id);
			cJSON_AddStringToObject(o, "config_topic", topic);
			cJSON_AddItemToObject(o, "config", cJSON_Parse(conf));
			cJSON_AddStringToObject(o, "state", e->state);
			cJSON_AddItemToObject(o, "attributes", e->attributes
					      ? cJSON_Parse(e->attributes) : cJSON_CreateNull());
			cJSON_AddItemToArray(arr, o);
		} else {
			printf("%-48s %s", id, pfg_cli_safe(e->state, safe, sizeof safe));
			if (e->unit)
				printf(" %s", pfg_cli_safe(e->unit, safe, sizeof safe));
			printf("\n    %s\n", topic);
		}
		free(topic);
		free(conf);
	}
	if (json)
		pfg_cli_print_json(arr);
	pfg_ha_entities_release(&es);
	pfg_query_overview_release(&ov);
	pfg_store_close(st);
	return PFG_EXIT_OK;
}

/* `ha publish` and `ha remove`. */
static int act(struct pfg_cli *cli, const struct pfg_config *cfg, int remove, double hold,
	       int json)
{
	if (!cfg->ha.on)
		return pfg_cli_usage_error(cli, "the config has no \"homeassistant\" section (see "
					   "perfguard.json(5))");
	struct pfg_ha_link l;
	char err[PFG_ERR_MAX];
	if (pfg_ha_link_resolve(cfg, &l, -1, err, sizeof err)) {
		pfg_ha_link_release(&l);
		return pfg_cli_usage_error(cli, "%s", err);
	}
	struct pfg_store *st = NULL;
	int rc = remove ? PFG_OK : pfg_cli_open_store(cli, 0, &st);
	if (rc) {
		pfg_ha_link_release(&l);
		return rc;
	}
	struct pfg_ha_outcome o;
	rc = remove ? pfg_ha_remove(cfg, &l, &o, err, sizeof err)
		    : pfg_ha_publish(cfg, st, &l, hold, &o, err, sizeof err);
	int code = rc == PFG_EINPUT ? PFG_EXIT_USAGE : rc || o.requests_failed
		   ? PFG_EXIT_RUNTIME : PFG_EXIT_OK;
	if (json) {
		print_outcome_json(remove ? "remove" : "publish", &l, &o, rc);
	} else if (rc == PFG_OK) {
		const char *via = o.mqtt ? "MQTT" : "the REST API";
		char where[300];
		if (o.mqtt)
			snprintf(where, sizeof where, "%s:%d", l.host, l.port);
		else
			pfg_notify_mask_url(l.api_url, where, sizeof where);
		char safe[300];
		if (remove)
			printf("removed %zu entit%s over MQTT (%s, from the %s)\n", o.removed,
			       o.removed == 1 ? "y" : "ies", pfg_cli_safe(where, safe, sizeof safe),
			       l.mqtt_from);
		else
			printf("published %zu entities over %s (%s, from the %s)%s%zu removed\n",
			       o.entities, via, pfg_cli_safe(where, safe, sizeof safe),
			       o.mqtt ? l.mqtt_from : l.rest_from, "; ", o.removed);
	}
	if (code != PFG_EXIT_OK && !json)
		pfg_cli_fail(cli, code, "%s", o.error[0] ? o.error : err);
	pfg_ha_link_release(&l);
	pfg_store_close(st);
	return code;
}

/* `perfguard ha`: parse the subcommand and options; returns an exit code. */
static int cmd_ha(struct pfg_cli *cli, int argc, char **argv)
{
	static const char *const subs[] = { "publish", "remove", "show", NULL };
	int code;
	if (pfg_cli_subcommand(cli, argc, argv, subs, &code) < 0)
		return code;
	const char *sub = argv[1];
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "hold", required_argument, NULL, 'H' },
		PFG_COMMON_LONGOPTS, { 0 } };
	int json = 0, opt;
	double hold = 0;
	argc--;
	argv++;
	optind = 1;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (opt == 'j') {
			json = 1;
		} else if (opt == 'H') {
			if (strcmp(sub, "publish"))
				return pfg_cli_usage_error(cli, "%s takes no --hold", sub);
			int rc = pfg_cli_parse_number(cli, "--hold", optarg, "a number of seconds",
						      0, 31536000, &hold);
			if (rc >= 0)
				return rc;
		} else {
			int rc = pfg_cli_common_option(cli, opt, optarg);
			if (rc >= 0)
				return rc;
		}
	}
	if (argc > optind)
		return pfg_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	struct pfg_config *cfg;
	int rc = pfg_cli_load_config(cli, 0, &cfg);
	if (rc)
		return rc;
	rc = strcmp(sub, "show") == 0 ? show(cli, cfg, json)
	     : act(cli, cfg, strcmp(sub, "remove") == 0, hold, json);
	pfg_config_free(cfg);
	return rc;
}

const struct pfg_command pfg_cmd_ha_entry = {
	.name = "ha",
	.summary = "Home Assistant: publish or remove the suite's entities",
	.usage =
		"Usage: perfguard ha publish [--hold SECONDS] [--json] [-c FILE] [--db FILE]\n"
		"       perfguard ha remove [--json] [-c FILE]\n"
		"       perfguard ha show [--json] [-c FILE] [--db FILE]\n"
		"\n"
		"The suite's entities in Home Assistant, as the config's \"homeassistant\"\n"
		"section says (perfguard.json(5)): over MQTT discovery when a broker is\n"
		"known (\"homeassistant.mqtt\", or inside an add-on the Supervisor's MQTT\n"
		"service), else as states set over the REST API (\"homeassistant.url\"),\n"
		"which Home Assistant forgets when it restarts. Every run and every alert\n"
		"change publishes them too, with a persistent notification per alert at\n"
		"or above min_severity and an event perfguard_regression per regression.\n"
		"\n"
		"  publish       discovery configs (retained), states and attributes of:\n"
		"                open regressions, worst open severity, the gate (a\n"
		"                problem binary_sensor), last run time and status, and\n"
		"                each benchmark's latest value; the entities of\n"
		"                benchmarks no longer in the config are removed\n"
		"  remove        remove every entity of the suite (empty retained configs)\n"
		"  show          the entities, their states and discovery topics; sends nothing\n"
		"  --hold SECONDS  publish: stay connected that long (until SIGINT or\n"
		"                SIGTERM) with availability online; if perfguard dies, the\n"
		"                broker's last will sets it offline\n"
		"  --json        print for scripts\n"
		"\n"
		"Passwords and tokens are never printed. Exit status: 0; 2 without a\n"
		"\"homeassistant\" section or with a variable it names unset; 3 when the\n"
		"broker or the API could not be reached or refused.\n",
	.run = cmd_ha,
};
