/* config_ha.c: the "homeassistant" key of perfguard.json: the MQTT broker
 * entities are published to, Home Assistant's REST API and its token,
 * validated like every other key. Secrets are named by variable only. */
#include "config_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adapter from the severity parser to cfg_get_choice(), without "none". */
static int parse_severity(const char *s, void *out)
{
	enum pfg_severity sev;
	if (pfg_severity_parse(s, &sev) || sev == PFG_SEVERITY_NONE)
		return -1;
	*(enum pfg_severity *)out = sev;
	return 0;
}

/* A variable-name member key of obj into *out (NULL when absent). */
static void get_env_name(struct loader *ld, const cJSON *obj, const char *path,
			 const char *key, char **out)
{
	const char *s = cfg_get_string(ld, obj, path, key, 0);
	if (!s)
		return;
	if (!cfg_valid_env_name(s)) {
		char *p = cfg_join(path, key);
		cfg_problem(ld, p, "expected a variable name (letters, digits, '_'), got \"%s\"",
			    s);
		free(p);
		return;
	}
	*out = pfg_xstrdup(s);
}

/* Nonzero when s is a usable MQTT topic prefix: no wildcard, no empty
 * level, no leading or trailing '/', printable ASCII. */
static int valid_prefix(const char *s)
{
	size_t n = strlen(s);
	if (!n || s[0] == '/' || s[n - 1] == '/' || strstr(s, "//"))
		return 0;
	for (; *s; s++)
		if (*s <= ' ' || *s > '~' || *s == '+' || *s == '#')
			return 0;
	return 1;
}

/* Read "mqtt" into m. */
static void load_mqtt(struct loader *ld, const cJSON *ha, struct pfg_ha_mqtt_cfg *m)
{
	static const char *const keys[] = { "host", "port", "tls", "username", "password_env",
					     "prefix", NULL };
	const cJSON *o = cfg_get_object(ld, ha, "homeassistant", "mqtt", keys);
	m->prefix = pfg_xstrdup(PFG_HA_PREFIX_DEFAULT);
	if (!o)
		return;
	const char *path = "homeassistant.mqtt";
	m->set = 1;
	const char *host = cfg_get_string(ld, o, path, "host", 1);
	m->host = host ? pfg_xstrdup(host) : NULL;
	const cJSON *tls = cJSON_GetObjectItemCaseSensitive(o, "tls");
	if (cJSON_IsString(tls) && *tls->valuestring) {
		m->tls = 1;
		const char *ca = tls->valuestring;
		m->ca_file = ca[0] == '/' ? pfg_xstrdup(ca) : pfg_xasprintf("%s/%s", ld->dir, ca);
	} else if (tls && !cJSON_IsBool(tls)) {
		char got[64];
		cfg_describe(ld, "homeassistant.mqtt.tls", tls, got, sizeof got);
		cfg_problem(ld, "homeassistant.mqtt.tls", "expected true, false or the path of "
			    "a CA file, got %s", got);
	} else {
		cfg_get_bool(ld, o, path, "tls", &m->tls);
	}
	m->port = m->tls ? 8883 : 1883;
	cfg_get_int(ld, o, path, "port", 1, 65535, &m->port);
	const char *user = cfg_get_string(ld, o, path, "username", 0);
	m->username = user ? pfg_xstrdup(user) : NULL;
	get_env_name(ld, o, path, "password_env", &m->password_env);
	if (m->password_env && !m->username)
		cfg_problem(ld, "homeassistant.mqtt.password_env", "a password needs a "
			    "\"username\" beside it");
	const char *prefix = cfg_get_string(ld, o, path, "prefix", 0);
	if (prefix && !valid_prefix(prefix))
		cfg_problem(ld, "homeassistant.mqtt.prefix", "expected an MQTT topic without "
			    "'+', '#', spaces or empty levels, got \"%s\"", prefix);
	else if (prefix) {
		free(m->prefix);
		m->prefix = pfg_xstrdup(prefix);
	}
}

void cfg_load_ha(struct loader *ld, const cJSON *root, struct pfg_config *cfg)
{
	static const char *const keys[] = { "mqtt", "url", "token_env", "min_severity",
					     "timeout", NULL };
	struct pfg_ha_cfg *h = &cfg->ha;
	h->min_severity = PFG_SEVERITY_MAJOR;
	h->timeout_s = 10;
	const cJSON *ha = cfg_get_object(ld, root, "", "homeassistant", keys);
	if (!ha) {
		h->mqtt.prefix = pfg_xstrdup(PFG_HA_PREFIX_DEFAULT);
		return;
	}
	h->on = 1;
	load_mqtt(ld, ha, &h->mqtt);
	const char *url = cfg_get_string(ld, ha, "homeassistant", "url", 0);
	if (url && strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		cfg_problem(ld, "homeassistant.url", "expected an http:// or https:// URL "
			    "(Home Assistant's, e.g. http://homeassistant.local:8123)");
	else if (url)
		h->url = pfg_xstrdup(url);
	get_env_name(ld, ha, "homeassistant", "token_env", &h->token_env);
	if (h->url && !h->token_env)
		cfg_problem(ld, "homeassistant", "\"url\" needs \"token_env\" (the variable "
			    "holding a long-lived access token)");
	if (h->token_env && !h->url)
		cfg_problem(ld, "homeassistant", "\"token_env\" needs \"url\" (Home "
			    "Assistant's base URL)");
	cfg_get_choice(ld, ha, "homeassistant", "min_severity",
		       "minor, moderate, major, critical", parse_severity, &h->min_severity);
	cfg_get_number(ld, ha, "homeassistant", "timeout", "a number of seconds",
		       PFG_NOTIFY_TIMEOUT_MIN_S, PFG_NOTIFY_TIMEOUT_MAX_S, NULL, &h->timeout_s);
}

void cfg_ha_free(struct pfg_config *cfg)
{
	struct pfg_ha_cfg *h = &cfg->ha;
	free(h->mqtt.host);
	free(h->mqtt.ca_file);
	free(h->mqtt.username);
	free(h->mqtt.password_env);
	free(h->mqtt.prefix);
	free(h->url);
	free(h->token_env);
	memset(h, 0, sizeof *h);
}
