/* test_ha.c: Home Assistant's entities without a broker: object ids,
 * topics, discovery configs and REST states built from an overview, with
 * hostile names, and the "homeassistant" config. Publishing over MQTT and
 * REST is tested end to end in tests/cli/t900-ha-mqtt.sh and
 * t910-ha-rest.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/config.h"
#include "perfguard/ha.h"
#include "perfguard/notify.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nonzero when every byte of s is in [a-z0-9_]. */
static int clean_id(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static void test_object_id(void **state)
{
	(void)state;
	char a[64], b[64];
	pfg_ha_object_id("startup", a, sizeof a);
	assert_string_equal(a, "startup");
	pfg_ha_object_id("Startup_Time", a, sizeof a);
	assert_string_equal(a, "startup_time"); /* case alone adds no hash */
	pfg_ha_object_id("a.b", a, sizeof a);
	pfg_ha_object_id("a-b", b, sizeof b);
	assert_true(clean_id(a) && clean_id(b));
	assert_int_equal(strncmp(a, "a_b_", 4), 0);
	assert_string_not_equal(a, b); /* lossy ids differ by their hash */
	pfg_ha_object_id("\"/#+\n\xff", a, sizeof a);
	assert_true(clean_id(a) && strlen(a) == 8);
	pfg_ha_object_id("", a, sizeof a);
	assert_true(clean_id(a) && strlen(a) == 8);
	pfg_ha_object_id("__x__", a, sizeof a);
	assert_true(clean_id(a) && strncmp(a, "x_", 2) == 0);
	char small[12];
	pfg_ha_object_id("averyveryverylongname", small, sizeof small);
	assert_true(clean_id(small) && strlen(small) < sizeof small);
	pfg_ha_object_id("averyveryverylongname", b, sizeof b);
	assert_string_equal(b, "averyveryverylongname");
}

/* A config with a hostile suite name and two benchmarks. */
static struct pfg_config *hostile_config(void)
{
	const char *text =
		"{\"suite\": \"Q\\\"</script>/#+\\u00e9\\n\","
		" \"components\": [{\"name\": \"app\", \"benchmarks\": ["
		"  {\"name\": \"start-up.v2\", \"type\": \"latency\", \"command\": [\"true\"]},"
		"  {\"name\": \"mem\", \"type\": \"memory\", \"command\": [\"true\"]}]}],"
		" \"homeassistant\": {\"mqtt\": {\"host\": \"127.0.0.1\", \"prefix\": \"ha/x\"}}}";
	struct pfg_config *cfg = NULL;
	struct pfg_strv errors = { 0 };
	int rc = pfg_config_parse(text, "perfguard.json", "/tmp", &cfg, &errors);
	for (size_t i = 0; i < errors.n; i++)
		fprintf(stderr, "%s\n", errors.v[i]);
	assert_int_equal(rc, 0);
	pfg_strv_release(&errors);
	return cfg;
}

static void test_entities_and_payloads(void **state)
{
	(void)state;
	struct pfg_config *cfg = hostile_config();
	assert_true(cfg->ha.on && cfg->ha.mqtt.set);
	assert_string_equal(cfg->ha.mqtt.prefix, "ha/x");
	assert_int_equal(cfg->ha.mqtt.port, 1883);
	struct pfg_query_bench b[2] = {
		{ .component = "app", .name = "start-up.v2", .full = "app/start-up.v2",
		  .unit = "ms", .in_config = 1, .has_latest = 1, .latest_mean = 12.5,
		  .latest_run = 3, .has_cmp = 1, .change_pct = 23.4, .ci_low = 18.9,
		  .ci_high = 28.1, .baseline = PFG_QUERY_BASELINE_APPROVED,
		  .approved_mean = 10.1 },
		{ .component = "app", .name = "mem", .full = "app/mem", .unit = "KiB",
		  .in_config = 1 },
	};
	struct pfg_query_alert al = { .id = 7, .bench = "app/start-up.v2",
				      .kind = PFG_ALERT_REGRESSION,
				      .state = PFG_ALERT_NEW,
				      .severity = PFG_SEVERITY_MAJOR, .change_pct = 23.4 };
	struct pfg_query_overview ov = { .b = b, .n = 2, .alerts = &al, .n_alerts = 1,
					 .last_run = 3, .last_run_at = 0.0 + 1700000000,
					 .last_status = PFG_RUN_COMPLETE, .has_gate = 1,
					 .gate_failed = 1 };
	struct pfg_ha_entities es;
	pfg_ha_entities_build(cfg, &ov, &es);
	assert_true(strncmp(es.node_id, "perfguard_q_script_", 19) == 0);
	assert_true(clean_id(es.node_id));
	assert_int_equal(es.n, 7);
	assert_string_equal(pfg_ha_entities_find(&es, "open_regressions")->state, "1");
	assert_string_equal(pfg_ha_entities_find(&es, "worst_severity")->state, "major");
	assert_string_equal(pfg_ha_entities_find(&es, "gate")->state, "ON");
	assert_string_equal(pfg_ha_entities_find(&es, "last_run")->state,
			    "2023-11-14T22:13:20+00:00");
	assert_string_equal(pfg_ha_entities_find(&es, "bench_app_mem")->state, "None");
	const struct pfg_ha_entity *e = NULL;
	for (size_t i = 0; i < es.n; i++)
		if (strncmp(es.v[i].object_id, "bench_app_start_up_v2_", 22) == 0)
			e = &es.v[i];
	assert_non_null(e);
	assert_true(clean_id(e->object_id));
	assert_string_equal(e->state, "12.5");

	char *topic = pfg_ha_config_topic(cfg->ha.mqtt.prefix, e->platform, es.node_id,
					  e->object_id);
	assert_true(strncmp(topic, "ha/x/sensor/perfguard_q_script_", 31) == 0);
	assert_null(strpbrk(topic, "+#\" \n"));
	free(topic);

	char *conf = pfg_ha_discovery_payload(&es, e);
	cJSON *j = cJSON_Parse(conf);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(j, "unit_of_measurement")->valuestring, "ms");
	assert_string_equal(cJSON_GetObjectItem(j, "device_class")->valuestring, "duration");
	assert_string_equal(cJSON_GetObjectItem(j, "state_class")->valuestring, "measurement");
	const cJSON *dev = cJSON_GetObjectItem(j, "device");
	/* The hostile suite name survives the round trip, as data. */
	assert_string_equal(cJSON_GetObjectItem(dev, "name")->valuestring,
			    "perfguard Q\"</script>/#+\xc3\xa9\n");
	char uid[300];
	snprintf(uid, sizeof uid, "%s_%s", es.node_id, e->object_id);
	assert_string_equal(cJSON_GetObjectItem(j, "unique_id")->valuestring, uid);
	cJSON_Delete(j);
	free(conf);

	cJSON *attrs = cJSON_Parse(e->attributes);
	assert_true(cJSON_GetObjectItem(attrs, "change_pct")->valuedouble == 23.4);
	assert_string_equal(cJSON_GetObjectItem(attrs, "baseline")->valuestring, "approved");
	cJSON_Delete(attrs);

	const struct pfg_ha_entity *gate = pfg_ha_entities_find(&es, "gate");
	assert_string_equal(gate->platform, "binary_sensor");
	conf = pfg_ha_discovery_payload(&es, gate);
	j = cJSON_Parse(conf);
	assert_string_equal(cJSON_GetObjectItem(j, "device_class")->valuestring, "problem");
	cJSON_Delete(j);
	free(conf);
	char *body = pfg_ha_rest_state_payload(&es, gate);
	j = cJSON_Parse(body);
	assert_string_equal(cJSON_GetObjectItem(j, "state")->valuestring, "on");
	cJSON_Delete(j);
	free(body);
	char id[300];
	pfg_ha_entity_id(&es, gate, id, sizeof id);
	assert_true(strncmp(id, "binary_sensor.perfguard_q_script_", 33) == 0);

	const struct pfg_ha_entity *mem = pfg_ha_entities_find(&es, "bench_app_mem");
	assert_string_equal(mem->device_class, "data_size");
	body = pfg_ha_rest_state_payload(&es, mem);
	j = cJSON_Parse(body);
	assert_string_equal(cJSON_GetObjectItem(j, "state")->valuestring, "unknown");
	cJSON_Delete(j);
	free(body);
	pfg_ha_entities_release(&es);
	pfg_config_free(cfg);
}

/* The first error of parsing text, or "" when it loads. */
static char *first_error(const char *text)
{
	struct pfg_config *cfg = NULL;
	struct pfg_strv errors = { 0 };
	pfg_config_parse(text, "perfguard.json", "/tmp", &cfg, &errors);
	char *e = pfg_xstrdup(errors.n ? errors.v[0] : "");
	pfg_strv_release(&errors);
	pfg_config_free(cfg);
	return e;
}

static void test_config_errors(void **state)
{
	(void)state;
	static const struct {
		const char *ha, *want;
	} cases[] = {
		{ "{\"mqtt\": {\"port\": 1883}}", "homeassistant.mqtt: missing required key \"host\"" },
		{ "{\"mqtt\": {\"host\": \"h\", \"port\": 70000}}",
		  "homeassistant.mqtt.port: expected an integer between 1 and 65535" },
		{ "{\"mqtt\": {\"host\": \"h\", \"tls\": 3}}",
		  "homeassistant.mqtt.tls: expected true, false or the path of a CA file, got 3" },
		{ "{\"mqtt\": {\"host\": \"h\", \"prefix\": \"a/#\"}}",
		  "homeassistant.mqtt.prefix: expected an MQTT topic" },
		{ "{\"mqtt\": {\"host\": \"h\", \"password_env\": \"P\"}}",
		  "a password needs a \"username\"" },
		{ "{\"url\": \"ftp://x\", \"token_env\": \"T\"}",
		  "homeassistant.url: expected an http:// or https:// URL" },
		{ "{\"url\": \"http://x\"}", "\"url\" needs \"token_env\"" },
		{ "{\"min_severity\": \"none\"}",
		  "homeassistant.min_severity: expected one of minor, moderate, major, critical" },
		{ "{\"mqtt\": {\"host\": \"h\", \"pasword_env\": \"P\"}}", "pasword_env" },
		{ "[]", "homeassistant: expected an object" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *text = pfg_xasprintf("{\"components\": [{\"name\": \"a\", \"benchmarks\": "
					   "[{\"name\": \"b\", \"type\": \"latency\", \"command\": [\"true\"]}]}], "
					   "\"homeassistant\": %s}", cases[i].ha);
		char *e = first_error(text);
		if (!strstr(e, cases[i].want))
			fail_msg("case %zu: expected '%s' in '%s'", i, cases[i].want, e);
		assert_non_null(strstr(e, "perfguard.json:1: "));
		free(e);
		free(text);
	}
	char *e = first_error("{\"components\": [{\"name\": \"a\", \"benchmarks\": [{\"name\": "
			      "\"b\", \"type\": \"latency\", \"command\": [\"true\"]}]}], \"notify\": [{\"name\": \"h\", "
			      "\"kind\": \"homeassistant\", \"url\": \"http://h\"}]}");
	assert_non_null(strstr(e, "notify[0]: missing required key \"token_env\""));
	free(e);
}

static void test_api_url(void **state)
{
	(void)state;
	char *u = pfg_notify_ha_api_url("http://homeassistant.local:8123");
	assert_string_equal(u, "http://homeassistant.local:8123/api");
	free(u);
	u = pfg_notify_ha_api_url("http://supervisor/core/api/");
	assert_string_equal(u, "http://supervisor/core/api");
	free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_id),
		cmocka_unit_test(test_entities_and_payloads),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_api_url),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
