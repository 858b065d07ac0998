/* config_notify.c: the "notify" key of perfguard.json: the targets that
 * are told of runs and alert changes, validated like every other key. */
#include "config_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const event_names[] = { "regression", "drift", "error_rate",
					   "recovered", "baseline_proposed",
					   "gate_failed", "alert_state" };
static const char *const kind_names[] = { "slack", "discord", "teams", "webhook",
					  "homeassistant" };

const char *pfg_notify_event_name(enum pfg_notify_event e)
{
	return e < PFG_NOTIFY_N_EVENTS ? event_names[e] : "?";
}

int pfg_notify_event_parse(const char *s, enum pfg_notify_event *out)
{
	for (int i = 0; s && i < PFG_NOTIFY_N_EVENTS; i++)
		if (strcmp(s, event_names[i]) == 0) {
			*out = (enum pfg_notify_event)i;
			return 0;
		}
	return -1;
}

const char *pfg_notify_kind_name(enum pfg_notify_kind k)
{
	return kind_names[k];
}

/* Add "file:line: path: message" to the config's warnings. */
static void warn(struct loader *ld, struct pfg_config *cfg, const char *path,
		 const char *msg)
{
	pfg_strv_pushf(&cfg->warnings, "%s:%d: %s: %s", ld->file,
		       jsonpos_line(cfg_pos(ld), path), path, msg);
}

int cfg_valid_env_name(const char *s)
{
	if (!*s || isdigit((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* Read a pair of keys where exactly one (required) or at most one may be
 * set: the literal key and its _env variant. */
static void get_secret_pair(struct loader *ld, struct pfg_config *cfg, const cJSON *obj,
			    const char *path, const char *key, int required,
			    char **literal, char **env)
{
	char env_key[32];
	snprintf(env_key, sizeof env_key, "%s_env", key);
	const cJSON *lit = cJSON_GetObjectItemCaseSensitive(obj, key);
	const cJSON *var = cJSON_GetObjectItemCaseSensitive(obj, env_key);
	if (lit && var) {
		cfg_problem(ld, path, "give \"%s\" or \"%s\", not both", key, env_key);
		return;
	}
	if (!lit && !var) {
		if (required)
			cfg_problem(ld, path, "missing required key \"%s\" (the name of an "
				    "environment variable holding the %s; or \"%s\")",
				    env_key, key, key);
		return;
	}
	char *p = cfg_join(path, lit ? key : env_key);
	if (var) {
		const char *s = cfg_get_string(ld, obj, path, env_key, 1);
		if (s && !cfg_valid_env_name(s))
			cfg_problem(ld, p, "expected a variable name (letters, digits, '_'), "
				    "got \"%s\"", s);
		else if (s)
			*env = pfg_xstrdup(s);
		free(p);
		return;
	}
	/* The value itself is a secret: never quoted in a message. */
	if (!cJSON_IsString(lit) || !*lit->valuestring) {
		cfg_problem(ld, p, "expected a non-empty string");
	} else if (strcmp(key, "url") == 0 && strncmp(lit->valuestring, "http://", 7) &&
		   strncmp(lit->valuestring, "https://", 8)) {
		cfg_problem(ld, p, "expected an http:// or https:// URL");
	} else {
		*literal = pfg_xstrdup(lit->valuestring);
		char msg[200];
		snprintf(msg, sizeof msg, "a literal %s in the config is a secret in a file; "
			 "prefer \"%s\" (an environment variable)", key, env_key);
		warn(ld, cfg, p, msg);
	}
	free(p);
}

/* Read the "on" array into a bit mask of events. */
static void get_on(struct loader *ld, const cJSON *obj, const char *path, unsigned *on)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, "on");
	if (!it)
		return;
	char *p = cfg_join(path, "on");
	if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) == 0) {
		char got[64];
		cfg_describe(ld, p, it, got, sizeof got);
		cfg_problem(ld, p, "expected a non-empty array of events, got %s", got);
		free(p);
		return;
	}
	*on = 0;
	int i = 0;
	for (const cJSON *e = it->child; e; e = e->next, i++) {
		enum pfg_notify_event ev;
		if (cJSON_IsString(e) && pfg_notify_event_parse(e->valuestring, &ev) == 0) {
			*on |= 1u << ev;
			continue;
		}
		char got[64], *ep = pfg_xasprintf("%s[%d]", p, i);
		cfg_describe(ld, ep, e, got, sizeof got);
		cfg_problem(ld, ep, "expected one of regression, drift, error_rate, recovered, "
			    "baseline_proposed, gate_failed, alert_state, got %s", got);
		free(ep);
	}
	free(p);
}

/* Read the "components" array of globs. */
static void get_components(struct loader *ld, const cJSON *obj, const char *path,
			   struct pfg_strv *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, "components");
	if (!it)
		return;
	char *p = cfg_join(path, "components");
	if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) == 0) {
		char got[64];
		cfg_describe(ld, p, it, got, sizeof got);
		cfg_problem(ld, p, "expected a non-empty array of component globs, got %s", got);
		free(p);
		return;
	}
	int i = 0;
	for (const cJSON *e = it->child; e; e = e->next, i++) {
		if (cJSON_IsString(e) && *e->valuestring) {
			pfg_strv_push(out, e->valuestring);
			continue;
		}
		char got[64], *ep = pfg_xasprintf("%s[%d]", p, i);
		cfg_describe(ld, ep, e, got, sizeof got);
		cfg_problem(ld, ep, "expected a non-empty string (a glob), got %s", got);
		free(ep);
	}
	free(p);
}

/* Adapter from the severity parser to cfg_get_choice(), without "none". */
static int parse_min_severity(const char *s, void *out)
{
	enum pfg_severity sev;
	if (pfg_severity_parse(s, &sev) || sev == PFG_SEVERITY_NONE)
		return -1;
	*(enum pfg_severity *)out = sev;
	return 0;
}

/* Parse one target object into t. */
static void load_target(struct loader *ld, struct pfg_config *cfg, const cJSON *obj,
			const char *path, struct pfg_notify_target *t)
{
	static const char *const keys[] = { "name", "kind", "url", "url_env",
					     "min_severity", "on", "timeout",
					     "components", "secret", "secret_env",
					     "ca_bundle", "token_env", NULL };
	cfg_check_keys(ld, obj, path, keys);
	const char *name = cfg_get_name(ld, obj, path);
	t->name = pfg_xstrdup(name ? name : "?");
	const char *kind = cfg_get_string(ld, obj, path, "kind", 1);
	int k = -1;
	for (int i = 0; kind && i < PFG_NOTIFY_N_KINDS; i++)
		if (strcmp(kind, kind_names[i]) == 0)
			k = i;
	if (kind && k < 0) {
		char *p = cfg_join(path, "kind");
		cfg_problem(ld, p, "expected one of slack, discord, teams, webhook, "
			    "homeassistant, got \"%s\"", kind);
		free(p);
	}
	t->kind = k < 0 ? PFG_NOTIFY_WEBHOOK : (enum pfg_notify_kind)k;
	get_secret_pair(ld, cfg, obj, path, "url", 1, &t->url, &t->url_env);
	if (k >= 0 && k != PFG_NOTIFY_WEBHOOK) {
		static const char *const only[] = { "secret", "secret_env" };
		for (int i = 0; i < 2; i++)
			if (cJSON_GetObjectItemCaseSensitive(obj, only[i])) {
				char *p = cfg_join(path, only[i]);
				cfg_problem(ld, p, "only a webhook target signs its messages "
					    "(kind %s takes no %s)", kind_names[k], only[i]);
				free(p);
			}
	} else {
		get_secret_pair(ld, cfg, obj, path, "secret", 0, &t->secret, &t->secret_env);
	}
	const char *tok = cfg_get_string(ld, obj, path, "token_env",
					 k == PFG_NOTIFY_HOMEASSISTANT);
	char *tp = cfg_join(path, "token_env");
	if (tok && k != PFG_NOTIFY_HOMEASSISTANT && k >= 0)
		cfg_problem(ld, tp, "only a homeassistant target takes a token (kind %s "
			    "takes no token_env)", kind_names[k]);
	else if (tok && !cfg_valid_env_name(tok))
		cfg_problem(ld, tp, "expected a variable name (letters, digits, '_'), got "
			    "\"%s\"", tok);
	else if (tok)
		t->token_env = pfg_xstrdup(tok);
	free(tp);
	t->min_severity = PFG_SEVERITY_MINOR;
	cfg_get_choice(ld, obj, path, "min_severity", "minor, moderate, major, critical",
		       parse_min_severity, &t->min_severity);
	t->on = (1u << PFG_NOTIFY_N_EVENTS) - 1;
	get_on(ld, obj, path, &t->on);
	t->timeout_s = 10;
	cfg_get_number(ld, obj, path, "timeout", "a number of seconds",
		       PFG_NOTIFY_TIMEOUT_MIN_S, PFG_NOTIFY_TIMEOUT_MAX_S, NULL, &t->timeout_s);
	get_components(ld, obj, path, &t->components);
	const char *ca = cfg_get_string(ld, obj, path, "ca_bundle", 0);
	if (ca)
		t->ca_bundle = ca[0] == '/' ? pfg_xstrdup(ca)
					    : pfg_xasprintf("%s/%s", ld->dir, ca);
}

void cfg_load_notify(struct loader *ld, const cJSON *root, struct pfg_config *cfg)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "notify");
	if (!arr)
		return;
	if (!cJSON_IsArray(arr)) {
		char got[64];
		cfg_describe(ld, "notify", arr, got, sizeof got);
		cfg_problem(ld, "notify", "expected an array of targets, got %s", got);
		return;
	}
	size_t n = (size_t)cJSON_GetArraySize(arr);
	cfg->notify = pfg_xcalloc(n ? n : 1, sizeof *cfg->notify);
	int i = 0;
	for (const cJSON *o = arr->child; o; o = o->next, i++) {
		char *path = pfg_xasprintf("notify[%d]", i);
		if (!cJSON_IsObject(o)) {
			cfg_problem(ld, path, "expected an object with name, kind and url_env");
			free(path);
			continue;
		}
		struct pfg_notify_target *t = &cfg->notify[cfg->n_notify++];
		load_target(ld, cfg, o, path, t);
		for (size_t j = 0; j + 1 < cfg->n_notify; j++)
			if (strcmp(cfg->notify[j].name, t->name) == 0) {
				char *p = cfg_join(path, "name");
				cfg_problem(ld, p, "duplicate target name \"%s\"", t->name);
				free(p);
				break;
			}
		free(path);
	}
}

void cfg_notify_free(struct pfg_config *cfg)
{
	for (size_t i = 0; i < cfg->n_notify; i++) {
		struct pfg_notify_target *t = &cfg->notify[i];
		free(t->name);
		free(t->url);
		free(t->url_env);
		free(t->secret);
		free(t->secret_env);
		free(t->ca_bundle);
		free(t->token);
		free(t->token_env);
		pfg_strv_release(&t->components);
	}
	free(cfg->notify);
	pfg_strv_release(&cfg->warnings);
}
