/* entities.c: the suite's Home Assistant entities and what is published
 * for them: object ids, topics, discovery configs and REST states, every
 * document built with cJSON (names are untrusted). Pure: no I/O. */
#include "perfguard/ha.h"
#include "perfguard/model.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const severity_options[] = { "none", "minor", "moderate", "major",
						 "critical", NULL };
static const char *const status_options[] = { "running", "complete", "failed",
					      "interrupted", "none", NULL };
/* Open alerts listed in open_regressions' attributes. */
#define ALERTS_LISTED 20

/* FNV-1a of s. */
static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (const char *p = s; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

void pfg_ha_object_id(const char *s, char *buf, size_t len)
{
	size_t o = 0;
	int lossy = 0, pending = 0;
	const size_t room = len > 10 ? len - 10 : 1; /* for "_" and 8 hex digits */
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (isalnum(c) && c < 0x80) {
			if (pending && o && o + 1 < room)
				buf[o++] = '_';
			pending = 0;
			if (o + 1 < room)
				buf[o++] = (char)tolower(c);
			else
				lossy = 1;
		} else {
			if (c != '_' || pending || !o)
				lossy = 1;
			pending = 1;
		}
	}
	if (pending && o)
		lossy = 1; /* a trailing separator dropped */
	buf[o] = '\0';
	if (!lossy && o)
		return;
	snprintf(buf + o, len - o, "%s%08x", o ? "_" : "", (unsigned)hash(s));
}

/* A new entity at the end of es. */
static struct pfg_ha_entity *add(struct pfg_ha_entities *es, const char *platform,
				 const char *object, const char *name)
{
	es->v = pfg_xrealloc(es->v, (es->n + 1) * sizeof *es->v);
	struct pfg_ha_entity *e = &es->v[es->n++];
	memset(e, 0, sizeof *e);
	e->platform = platform;
	snprintf(e->object_id, sizeof e->object_id, "%s", object);
	e->name = pfg_utf8_sanitize(name);
	return e;
}

/* cJSON printed and deleted. */
static char *print(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* Add a string member, sanitised to UTF-8. */
static void add_str(cJSON *o, const char *key, const char *s)
{
	char *c = pfg_utf8_sanitize(s ? s : "");
	cJSON_AddStringToObject(o, key, c);
	free(c);
}

/* Add a number member, or null when not finite. */
static void add_num(cJSON *o, const char *key, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

/* "2026-11-29T20:00:00+00:00" of epoch seconds t. */
static void iso_time(double t, char *buf, size_t len)
{
	time_t s = (time_t)t;
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
}

/* Home Assistant's device class of a unit, or NULL. */
static const char *unit_device_class(const char *unit)
{
	static const char *const durations[] = { "ms", "s", "min", "h", "d", "us", "µs", NULL };
	static const char *const sizes[] = { "B", "kB", "KB", "MB", "GB", "KiB", "MiB", "GiB",
					     NULL };
	for (int i = 0; unit && durations[i]; i++)
		if (strcmp(unit, durations[i]) == 0)
			return "duration";
	for (int i = 0; unit && sizes[i]; i++)
		if (strcmp(unit, sizes[i]) == 0)
			return "data_size";
	return NULL;
}

/* The open alerts of ov: count into *n, by kind, worst severity. */
static void open_alerts(const struct pfg_query_overview *ov, size_t *n, size_t by_kind[3],
			enum pfg_severity *worst)
{
	*n = 0;
	*worst = PFG_SEVERITY_NONE;
	memset(by_kind, 0, 3 * sizeof *by_kind);
	for (size_t i = 0; i < ov->n_alerts; i++) {
		const struct pfg_query_alert *a = &ov->alerts[i];
		if (!pfg_alert_state_is_open(a->state))
			continue;
		(*n)++;
		if ((unsigned)a->kind < 3)
			by_kind[a->kind]++;
		if (a->severity > *worst)
			*worst = a->severity;
	}
}

/* The suite-wide entities. */
static void suite_entities(const struct pfg_config *cfg, const struct pfg_query_overview *ov,
			   struct pfg_ha_entities *es)
{
	size_t n_open, by_kind[3];
	enum pfg_severity worst;
	open_alerts(ov, &n_open, by_kind, &worst);

	struct pfg_ha_entity *e = add(es, "sensor", "open_regressions", "Open regressions");
	e->state_class = "measurement";
	e->icon = "mdi:chart-line-variant";
	e->state = pfg_xasprintf("%zu", n_open);
	cJSON *a = cJSON_CreateObject();
	for (int k = 0; k < 3; k++)
		cJSON_AddNumberToObject(a, pfg_alert_kind_name((enum pfg_alert_kind)k),
					(double)by_kind[k]);
	cJSON *list = cJSON_AddArrayToObject(a, "alerts");
	size_t listed = 0;
	for (size_t i = 0; i < ov->n_alerts && listed < ALERTS_LISTED; i++) {
		const struct pfg_query_alert *al = &ov->alerts[i];
		if (!pfg_alert_state_is_open(al->state))
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)al->id);
		add_str(o, "benchmark", al->bench);
		cJSON_AddStringToObject(o, "kind", pfg_alert_kind_name(al->kind));
		cJSON_AddStringToObject(o, "severity", pfg_severity_name(al->severity));
		cJSON_AddStringToObject(o, "state", pfg_alert_state_name(al->state));
		add_num(o, "change_pct", al->change_pct);
		cJSON_AddBoolToObject(o, "recovered", al->recovered);
		cJSON_AddItemToArray(list, o);
		listed++;
	}
	cJSON_AddNumberToObject(a, "more", (double)(n_open - listed));
	e->attributes = print(a);

	e = add(es, "sensor", "worst_severity", "Worst open severity");
	e->device_class = "enum";
	e->options = severity_options;
	e->icon = "mdi:alert-decagram";
	e->state = pfg_xstrdup(pfg_severity_name(worst));

	e = add(es, "binary_sensor", "gate", "Gate");
	e->device_class = "problem";
	e->state = pfg_xstrdup(ov->has_gate && ov->gate_failed ? "ON" : "OFF");
	a = cJSON_CreateObject();
	cJSON_AddStringToObject(a, "verdict", !ov->has_gate ? "none"
				: ov->gate_failed ? "fail" : "pass");
	cJSON_AddStringToObject(a, "fail_on", pfg_severity_name(cfg->analysis.gate_fail_on));
	cJSON_AddNumberToObject(a, "failing", (double)ov->gate_failing);
	cJSON_AddNumberToObject(a, "judged", (double)ov->gate_items);
	e->attributes = print(a);

	e = add(es, "sensor", "last_run", "Last run");
	e->device_class = "timestamp";
	if (ov->last_run && ov->last_run_at > 0) {
		char when[40];
		iso_time(ov->last_run_at, when, sizeof when);
		e->state = pfg_xstrdup(when);
	} else {
		e->state = pfg_xstrdup("None");
	}
	a = cJSON_CreateObject();
	if (ov->last_run)
		cJSON_AddNumberToObject(a, "run_id", (double)ov->last_run);
	else
		cJSON_AddNullToObject(a, "run_id");
	e->attributes = print(a);

	e = add(es, "sensor", "last_run_status", "Last run status");
	e->device_class = "enum";
	e->options = status_options;
	e->icon = "mdi:play-circle-outline";
	e->state = pfg_xstrdup(ov->last_run ? pfg_run_status_name(ov->last_status) : "none");
}

/* The entity of benchmark b. */
static void bench_entity(const struct pfg_query_bench *b, struct pfg_ha_entities *es)
{
	/* bench_<component>_<name>; a hash of the full name when another
	 * benchmark's came out the same. */
	char obj[PFG_HA_ID_MAX], comp[48], name[56];
	pfg_ha_object_id(b->component, comp, sizeof comp);
	pfg_ha_object_id(b->name, name, sizeof name);
	snprintf(obj, sizeof obj, "bench_%s_%s", comp, name);
	if (pfg_ha_entities_find(es, obj)) {
		size_t o = strlen(obj);
		snprintf(obj + o, sizeof obj - o, "_%08x", (unsigned)hash(b->full));
	}
	struct pfg_ha_entity *e = add(es, "sensor", obj, b->full);
	e->unit = b->unit && *b->unit ? pfg_utf8_sanitize(b->unit) : NULL;
	e->device_class = unit_device_class(e->unit);
	e->state_class = "measurement";
	e->icon = e->device_class ? NULL : "mdi:speedometer";
	if (b->has_latest && isfinite(b->latest_mean))
		e->state = pfg_xasprintf("%.6g", b->latest_mean);
	else
		e->state = pfg_xstrdup("None");
	cJSON *a = cJSON_CreateObject();
	add_str(a, "benchmark", b->full);
	add_str(a, "component", b->component);
	if (b->has_latest) {
		cJSON_AddNumberToObject(a, "run_id", (double)b->latest_run);
		cJSON_AddNumberToObject(a, "samples", (double)b->latest_n);
		cJSON_AddBoolToObject(a, "ok", b->latest_ok);
	}
	cJSON_AddStringToObject(a, "baseline", pfg_query_baseline_name(b->baseline));
	if (b->baseline == PFG_QUERY_BASELINE_APPROVED)
		add_num(a, "baseline_mean", b->approved_mean);
	if (b->has_cmp) {
		add_num(a, "change_pct", b->change_pct);
		add_num(a, "ci_low_pct", b->ci_low);
		add_num(a, "ci_high_pct", b->ci_high);
		add_num(a, "p_value", b->p_value);
	} else {
		cJSON_AddNullToObject(a, "change_pct");
	}
	if (b->has_verdict) {
		cJSON_AddStringToObject(a, "verdict", pfg_verdict_name(b->verdict));
		cJSON_AddStringToObject(a, "severity", pfg_severity_name(b->severity));
	}
	cJSON_AddNumberToObject(a, "open_alerts", (double)b->open_alerts);
	cJSON_AddStringToObject(a, "worst_severity", pfg_severity_name(b->worst_severity));
	e->attributes = print(a);
}

void pfg_ha_entities_build(const struct pfg_config *cfg, const struct pfg_query_overview *ov,
			   struct pfg_ha_entities *out)
{
	memset(out, 0, sizeof *out);
	out->suite = pfg_utf8_sanitize(cfg->suite ? cfg->suite : "perfguard");
	char sid[PFG_HA_ID_MAX - 16];
	pfg_ha_object_id(out->suite, sid, sizeof sid);
	snprintf(out->node_id, sizeof out->node_id, "perfguard_%s", sid);
	suite_entities(cfg, ov, out);
	for (size_t i = 0; i < ov->n; i++)
		if (ov->b[i].in_config)
			bench_entity(&ov->b[i], out);
}

void pfg_ha_entities_release(struct pfg_ha_entities *es)
{
	for (size_t i = 0; i < es->n; i++) {
		free(es->v[i].name);
		free(es->v[i].unit);
		free(es->v[i].state);
		free(es->v[i].attributes);
	}
	free(es->v);
	free(es->suite);
	memset(es, 0, sizeof *es);
}

const struct pfg_ha_entity *pfg_ha_entities_find(const struct pfg_ha_entities *es,
						 const char *object_id)
{
	for (size_t i = 0; i < es->n; i++)
		if (strcmp(es->v[i].object_id, object_id) == 0)
			return &es->v[i];
	return NULL;
}

char *pfg_ha_config_topic(const char *prefix, const char *platform, const char *node_id,
			  const char *object_id)
{
	return pfg_xasprintf("%s/%s/%s/%s/config", prefix, platform, node_id, object_id);
}

char *pfg_ha_state_topic(const char *node_id, const char *object_id, const char *leaf)
{
	return pfg_xasprintf(PFG_HA_STATE_ROOT "/%s/%s/%s", node_id, object_id, leaf);
}

char *pfg_ha_availability_topic(const char *node_id)
{
	return pfg_xasprintf(PFG_HA_STATE_ROOT "/%s/availability", node_id);
}

char *pfg_ha_discovery_payload(const struct pfg_ha_entities *es, const struct pfg_ha_entity *e)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", e->name);
	char *uid = pfg_xasprintf("%s_%s", es->node_id, e->object_id);
	cJSON_AddStringToObject(o, "unique_id", uid);
	free(uid);
	cJSON_AddBoolToObject(o, "has_entity_name", 1);
	char *t = pfg_ha_state_topic(es->node_id, e->object_id, "state");
	cJSON_AddStringToObject(o, "state_topic", t);
	free(t);
	if (e->attributes) {
		t = pfg_ha_state_topic(es->node_id, e->object_id, "attributes");
		cJSON_AddStringToObject(o, "json_attributes_topic", t);
		free(t);
	}
	t = pfg_ha_availability_topic(es->node_id);
	cJSON_AddStringToObject(o, "availability_topic", t);
	free(t);
	cJSON_AddStringToObject(o, "payload_available", "online");
	cJSON_AddStringToObject(o, "payload_not_available", "offline");
	if (strcmp(e->platform, "binary_sensor") == 0) {
		cJSON_AddStringToObject(o, "payload_on", "ON");
		cJSON_AddStringToObject(o, "payload_off", "OFF");
	}
	if (e->unit)
		cJSON_AddStringToObject(o, "unit_of_measurement", e->unit);
	if (e->device_class)
		cJSON_AddStringToObject(o, "device_class", e->device_class);
	if (e->state_class)
		cJSON_AddStringToObject(o, "state_class", e->state_class);
	if (e->options) {
		cJSON *opts = cJSON_AddArrayToObject(o, "options");
		for (const char *const *p = e->options; *p; p++)
			cJSON_AddItemToArray(opts, cJSON_CreateString(*p));
	}
	if (e->icon)
		cJSON_AddStringToObject(o, "icon", e->icon);
	cJSON *dev = cJSON_AddObjectToObject(o, "device");
	cJSON *ids = cJSON_AddArrayToObject(dev, "identifiers");
	cJSON_AddItemToArray(ids, cJSON_CreateString(es->node_id));
	char *dn = pfg_xasprintf("perfguard %s", es->suite);
	cJSON_AddStringToObject(dev, "name", dn);
	free(dn);
	cJSON_AddStringToObject(dev, "manufacturer", "perfguard");
	cJSON_AddStringToObject(dev, "model", "performance regression suite");
	cJSON_AddStringToObject(dev, "sw_version", PFG_VERSION);
	cJSON *origin = cJSON_AddObjectToObject(o, "origin");
	cJSON_AddStringToObject(origin, "name", "perfguard");
	cJSON_AddStringToObject(origin, "sw_version", PFG_VERSION);
	return print(o);
}

void pfg_ha_entity_id(const struct pfg_ha_entities *es, const struct pfg_ha_entity *e,
		      char *buf, size_t len)
{
	snprintf(buf, len, "%s.%s_%s", e->platform, es->node_id, e->object_id);
}

char *pfg_ha_rest_state_payload(const struct pfg_ha_entities *es, const struct pfg_ha_entity *e)
{
	cJSON *o = cJSON_CreateObject();
	int binary = strcmp(e->platform, "binary_sensor") == 0;
	const char *state = strcmp(e->state, "None") == 0 ? "unknown"
			  : binary ? (strcmp(e->state, "ON") == 0 ? "on" : "off") : e->state;
	cJSON_AddStringToObject(o, "state", state);
	cJSON *a = e->attributes ? cJSON_Parse(e->attributes) : NULL;
	if (!cJSON_IsObject(a)) {
		cJSON_Delete(a);
		a = cJSON_CreateObject();
	}
	char *fn = pfg_xasprintf("perfguard %s %s", es->suite, e->name);
	cJSON_AddStringToObject(a, "friendly_name", fn);
	free(fn);
	if (e->unit)
		cJSON_AddStringToObject(a, "unit_of_measurement", e->unit);
	if (e->device_class)
		cJSON_AddStringToObject(a, "device_class", e->device_class);
	if (e->state_class)
		cJSON_AddStringToObject(a, "state_class", e->state_class);
	if (e->icon)
		cJSON_AddStringToObject(a, "icon", e->icon);
	cJSON_AddItemToObject(o, "attributes", a);
	return print(o);
}

void pfg_ha_notification_id(const char *node_id, int64_t alert_id, char *buf, size_t len)
{
	snprintf(buf, len, "%s_alert_%lld", node_id, (long long)alert_id);
}
