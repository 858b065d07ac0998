/* ha.c: where Home Assistant is (the config, or the Supervisor inside an
 * add-on), publishing and removing the suite's entities over MQTT or the
 * REST API, and the notifications and events of alerts over REST. */
#include "ha_int.h"
#include "perfguard/notify.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The Supervisor's base URL: $PERFGUARD_SUPERVISOR_URL or the add-on's. */
static const char *supervisor_url(void)
{
	const char *v = getenv("PERFGUARD_SUPERVISOR_URL");
	return v && *v ? v : PFG_HA_SUPERVISOR_URL;
}

/* A REST target for url with token (borrowed), as notify delivers. */
static struct pfg_notify_target rest_target(const char *url, const char *token, double timeout)
{
	struct pfg_notify_target t = { .name = "homeassistant",
				       .kind = PFG_NOTIFY_HOMEASSISTANT,
				       .url = (char *)url, .token = (char *)token,
				       .timeout_s = timeout > 0 ? timeout : 10 };
	return t;
}

/* Ask the Supervisor for the MQTT service into l. */
static void supervisor_mqtt(struct pfg_ha_link *l, const char *token, int cancel_fd)
{
	struct pfg_notify_target t = rest_target(supervisor_url(), token, l->timeout_s);
	struct pfg_notify_outcome out;
	char *body = NULL;
	pfg_notify_request(&t, "/services/mqtt", NULL, cancel_fd, &out, &body);
	if (out.status != PFG_NOTIFY_SENT) {
		snprintf(l->why_no_mqtt, sizeof l->why_no_mqtt, "the Supervisor offers no MQTT "
			 "service (%.60s; does the add-on declare services: [\"mqtt:want\"] and is "
			 "a broker installed?)", out.error);
		return;
	}
	cJSON *j = cJSON_Parse(body);
	free(body);
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "data");
	const cJSON *host = cJSON_GetObjectItemCaseSensitive(d, "host");
	const cJSON *port = cJSON_GetObjectItemCaseSensitive(d, "port");
	const cJSON *ssl = cJSON_GetObjectItemCaseSensitive(d, "ssl");
	const cJSON *user = cJSON_GetObjectItemCaseSensitive(d, "username");
	const cJSON *pass = cJSON_GetObjectItemCaseSensitive(d, "password");
	if (!cJSON_IsString(host) || !*host->valuestring || !cJSON_IsNumber(port) ||
	    port->valuedouble < 1 || port->valuedouble > 65535) {
		snprintf(l->why_no_mqtt, sizeof l->why_no_mqtt, "the Supervisor's answer about "
			 "the MQTT service has no host and port");
		cJSON_Delete(j);
		return;
	}
	l->mqtt = 1;
	l->host = pfg_xstrdup(host->valuestring);
	l->port = (int)port->valuedouble;
	l->tls = cJSON_IsTrue(ssl);
	if (cJSON_IsString(user) && *user->valuestring)
		l->username = pfg_xstrdup(user->valuestring);
	if (cJSON_IsString(pass) && l->username)
		l->password = pfg_xstrdup(pass->valuestring);
	snprintf(l->mqtt_from, sizeof l->mqtt_from, "supervisor");
	cJSON_Delete(j);
}

int pfg_ha_link_resolve(const struct pfg_config *cfg, struct pfg_ha_link *l, int cancel_fd,
			char *err, size_t errlen)
{
	const struct pfg_ha_cfg *h = &cfg->ha;
	memset(l, 0, sizeof *l);
	l->timeout_s = h->timeout_s > 0 ? h->timeout_s : 10;
	l->prefix = pfg_xstrdup(h->mqtt.prefix ? h->mqtt.prefix : PFG_HA_PREFIX_DEFAULT);
	const char *sup = getenv("SUPERVISOR_TOKEN");
	if (sup && !*sup)
		sup = NULL;
	if (!h->on) {
		snprintf(l->why_no_mqtt, sizeof l->why_no_mqtt, "no \"homeassistant\" in the "
			 "config");
		snprintf(l->why_no_rest, sizeof l->why_no_rest, "no \"homeassistant\" in the "
			 "config");
		return PFG_OK;
	}
	if (h->mqtt.set) {
		l->mqtt = 1;
		l->host = pfg_xstrdup(h->mqtt.host);
		l->port = h->mqtt.port;
		l->tls = h->mqtt.tls;
		l->ca_file = h->mqtt.ca_file ? pfg_xstrdup(h->mqtt.ca_file) : NULL;
		l->username = h->mqtt.username ? pfg_xstrdup(h->mqtt.username) : NULL;
		snprintf(l->mqtt_from, sizeof l->mqtt_from, "config");
		if (h->mqtt.password_env) {
			const char *pw = getenv(h->mqtt.password_env);
			if (!pw) {
				snprintf(err, errlen, "homeassistant.mqtt.password_env: $%s is not "
					 "set (the MQTT password)", h->mqtt.password_env);
				return PFG_EINPUT;
			}
			l->password = pfg_xstrdup(pw);
		}
	} else if (sup) {
		supervisor_mqtt(l, sup, cancel_fd);
	} else {
		snprintf(l->why_no_mqtt, sizeof l->why_no_mqtt, "no \"homeassistant.mqtt\" in the "
			 "config and not in an add-on ($SUPERVISOR_TOKEN unset)");
	}
	if (h->url) {
		const char *tok = getenv(h->token_env);
		if (!tok || !*tok) {
			snprintf(err, errlen, "homeassistant.token_env: $%s is not set (a long-lived "
				 "access token of Home Assistant)", h->token_env);
			return PFG_EINPUT;
		}
		l->rest = 1;
		l->api_url = pfg_notify_ha_api_url(h->url);
		l->token = pfg_xstrdup(tok);
		snprintf(l->rest_from, sizeof l->rest_from, "config");
	} else if (sup) {
		l->rest = 1;
		char *core = pfg_xasprintf("%s/core", supervisor_url());
		l->api_url = pfg_notify_ha_api_url(core);
		free(core);
		l->token = pfg_xstrdup(sup);
		snprintf(l->rest_from, sizeof l->rest_from, "supervisor");
	} else {
		snprintf(l->why_no_rest, sizeof l->why_no_rest, "no \"homeassistant.url\" in the "
			 "config and not in an add-on ($SUPERVISOR_TOKEN unset)");
	}
	return PFG_OK;
}

void pfg_ha_link_release(struct pfg_ha_link *l)
{
	free(l->host);
	free(l->ca_file);
	free(l->username);
	if (l->password)
		memset(l->password, 0, strlen(l->password));
	free(l->password);
	free(l->prefix);
	free(l->api_url);
	if (l->token)
		memset(l->token, 0, strlen(l->token));
	free(l->token);
	memset(l, 0, sizeof *l);
}

/* One REST request: POST body (or GET) to path under the API. Returns 0
 * when sent; else counts the failure in o and keeps the first error. */
static int rest(const struct pfg_ha_link *l, const char *path, const char *body, int cancel_fd,
		struct pfg_ha_outcome *o)
{
	struct pfg_notify_target t = rest_target(l->api_url, l->token, l->timeout_s);
	struct pfg_notify_outcome out;
	pfg_notify_request(&t, path, body, cancel_fd, &out, NULL);
	if (out.status == PFG_NOTIFY_SENT)
		return 0;
	o->requests_failed++;
	if (!o->error[0])
		snprintf(o->error, sizeof o->error, "Home Assistant's REST API (%s): %.200s",
			 l->rest_from, out.error);
	return -1;
}

/* Load the suite's entities from st. */
static int load_entities(const struct pfg_config *cfg, struct pfg_store *st,
			 struct pfg_ha_entities *es, char *err, size_t errlen)
{
	struct pfg_query_overview ov = { 0 };
	struct pfg_query_overview_opts opts = { .gate = 1 };
	int rc = pfg_query_overview_load(st, cfg, &opts, &ov, err, errlen);
	if (rc == PFG_OK)
		pfg_ha_entities_build(cfg, &ov, es);
	pfg_query_overview_release(&ov);
	return rc;
}

/* The node and object of "<prefix>/<platform>/<node>/<object>/config",
 * pointing into topic; returns 0 when it has that shape. */
static int parse_config_topic(const char *topic, const char *prefix, char *platform,
			      char *node, char *object, size_t len)
{
	size_t pl = strlen(prefix);
	if (strncmp(topic, prefix, pl) || topic[pl] != '/')
		return -1;
	const char *p = topic + pl + 1;
	char *parts[3] = { platform, node, object };
	for (int i = 0; i < 3; i++) {
		size_t n = strcspn(p, "/");
		if (!n || n >= len || p[n] != '/')
			return -1;
		memcpy(parts[i], p, n);
		parts[i][n] = '\0';
		p += n + 1;
	}
	return strcmp(p, "config") == 0 ? 0 : -1;
}

/* Publish "" retained on the config, state and attributes of an entity. */
static int mqtt_clear(struct mq *q, const char *config_topic, const char *node,
		      const char *object, char *err, size_t errlen)
{
	char *st = pfg_ha_state_topic(node, object, "state");
	char *at = pfg_ha_state_topic(node, object, "attributes");
	int rc = mq_publish(q, config_topic, "", 1, err, errlen);
	if (!rc)
		rc = mq_publish(q, st, "", 1, err, errlen);
	if (!rc)
		rc = mq_publish(q, at, "", 1, err, errlen);
	free(st);
	free(at);
	return rc;
}

/* Remove the node's retained configs not in es (all when es is NULL). */
static int mqtt_remove_stale(struct mq *q, const struct pfg_ha_link *l, const char *node,
			     const struct pfg_ha_entities *es, size_t *removed, char *err,
			     size_t errlen)
{
	struct pfg_strv topics = { 0 };
	char *filter = pfg_xasprintf("%s/+/%s/+/config", l->prefix, node);
	int rc = mq_retained(q, filter, &topics, err, errlen);
	free(filter);
	for (size_t i = 0; rc == PFG_OK && i < topics.n; i++) {
		char platform[PFG_HA_ID_MAX], nd[PFG_HA_ID_MAX], object[PFG_HA_ID_MAX];
		if (parse_config_topic(topics.v[i], l->prefix, platform, nd, object,
				       sizeof object) || strcmp(nd, node))
			continue;
		const struct pfg_ha_entity *e = es ? pfg_ha_entities_find(es, object) : NULL;
		if (e && strcmp(e->platform, platform) == 0)
			continue;
		rc = mqtt_clear(q, topics.v[i], node, object, err, errlen);
		*removed += rc == PFG_OK;
	}
	pfg_strv_release(&topics);
	return rc;
}

/* Publish es over MQTT. */
static int publish_mqtt(const struct pfg_ha_link *l, const struct pfg_ha_entities *es,
			double hold_s, struct pfg_ha_outcome *o, char *err, size_t errlen)
{
	char *avail = pfg_ha_availability_topic(es->node_id);
	struct mq *q;
	int rc = mq_open(l, es->node_id, avail, &q, err, errlen);
	if (rc == PFG_OK)
		rc = mqtt_remove_stale(q, l, es->node_id, es, &o->removed, err, errlen);
	for (size_t i = 0; rc == PFG_OK && i < es->n; i++) {
		const struct pfg_ha_entity *e = &es->v[i];
		char *ct = pfg_ha_config_topic(l->prefix, e->platform, es->node_id, e->object_id);
		char *cp = pfg_ha_discovery_payload(es, e);
		char *st = pfg_ha_state_topic(es->node_id, e->object_id, "state");
		rc = mq_publish(q, ct, cp, 1, err, errlen);
		if (!rc && e->attributes) {
			char *at = pfg_ha_state_topic(es->node_id, e->object_id, "attributes");
			rc = mq_publish(q, at, e->attributes, 1, err, errlen);
			free(at);
		}
		if (!rc)
			rc = mq_publish(q, st, e->state, 1, err, errlen);
		o->entities += rc == PFG_OK;
		free(ct);
		free(cp);
		free(st);
	}
	if (rc == PFG_OK)
		rc = mq_publish(q, avail, "online", 1, err, errlen);
	if (rc == PFG_OK)
		rc = mq_flush(q, err, errlen);
	if (rc == PFG_OK && hold_s > 0) {
		rc = mq_hold(q, hold_s, err, errlen);
		/* A clean end: say offline ourselves (the will is for a crash). */
		if (rc == PFG_OK && !mq_publish(q, avail, "offline", 1, err, errlen))
			rc = mq_flush(q, err, errlen);
	}
	mq_close(q);
	free(avail);
	o->mqtt = 1;
	return rc;
}

/* Publish es over REST: POST /api/states/<entity id> each. */
static int publish_rest(const struct pfg_ha_link *l, const struct pfg_ha_entities *es,
			struct pfg_ha_outcome *o, char *err, size_t errlen)
{
	o->rest = 1;
	for (size_t i = 0; i < es->n; i++) {
		char id[300];
		pfg_ha_entity_id(es, &es->v[i], id, sizeof id);
		char *path = pfg_xasprintf("/states/%s", id);
		char *body = pfg_ha_rest_state_payload(es, &es->v[i]);
		if (rest(l, path, body, -1, o) == 0)
			o->entities++;
		free(path);
		free(body);
		if (o->requests_failed && !o->entities)
			break; /* the first failed: the API is down, do not insist */
	}
	if (o->requests_failed) {
		snprintf(err, errlen, "%s", o->error);
		return o->entities ? PFG_OK : PFG_ERUNTIME;
	}
	return PFG_OK;
}

int pfg_ha_publish(const struct pfg_config *cfg, struct pfg_store *st,
		   const struct pfg_ha_link *l, double hold_s, struct pfg_ha_outcome *o,
		   char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	if (!l->mqtt && !l->rest) {
		snprintf(err, errlen, "nowhere to publish to: %s; %s", l->why_no_mqtt,
			 l->why_no_rest);
		snprintf(o->error, sizeof o->error, "%s", err);
		return PFG_EINPUT;
	}
	struct pfg_ha_entities es;
	memset(&es, 0, sizeof es);
	int rc = load_entities(cfg, st, &es, err, errlen);
	if (rc == PFG_OK)
		rc = l->mqtt ? publish_mqtt(l, &es, hold_s, o, err, errlen)
			     : publish_rest(l, &es, o, err, errlen);
	if (rc && !o->error[0])
		snprintf(o->error, sizeof o->error, "%s", err);
	pfg_ha_entities_release(&es);
	return rc;
}

int pfg_ha_remove(const struct pfg_config *cfg, const struct pfg_ha_link *l,
		  struct pfg_ha_outcome *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	if (!l->mqtt) {
		snprintf(err, errlen, "removing entities needs an MQTT broker (%s); entities "
			 "set over the REST API go when Home Assistant restarts", l->why_no_mqtt);
		snprintf(o->error, sizeof o->error, "%s", err);
		return PFG_EINPUT;
	}
	struct pfg_ha_entities es;
	struct pfg_query_overview ov = { 0 };
	pfg_ha_entities_build(cfg, &ov, &es);
	char *avail = pfg_ha_availability_topic(es.node_id);
	struct mq *q;
	int rc = mq_open(l, es.node_id, avail, &q, err, errlen);
	if (rc == PFG_OK)
		rc = mqtt_remove_stale(q, l, es.node_id, NULL, &o->removed, err, errlen);
	if (rc == PFG_OK)
		rc = mq_publish(q, avail, "", 1, err, errlen);
	if (rc == PFG_OK)
		rc = mq_flush(q, err, errlen);
	mq_close(q);
	o->mqtt = 1;
	if (rc)
		snprintf(o->error, sizeof o->error, "%s", err);
	free(avail);
	pfg_ha_entities_release(&es);
	return rc;
}

/* persistent_notification/create for alert it (a run's or a change's). */
static void notify_alert(const struct pfg_ha_link *l, const char *node, const char *suite,
			 const struct pfg_notify_item *it, int cancel_fd, struct pfg_ha_outcome *o)
{
	char id[PFG_HA_ID_MAX + 32];
	pfg_ha_notification_id(node, it->alert_id, id, sizeof id);
	cJSON *b = cJSON_CreateObject();
	char *bench = pfg_utf8_sanitize(it->bench), *s = pfg_utf8_sanitize(suite);
	char *title = pfg_xasprintf("perfguard %s: %s %s regression", s, bench,
				    pfg_severity_name(it->severity));
	cJSON_AddStringToObject(b, "title", title);
	/* The message is Markdown: names go in code spans, stripped of '`'. */
	for (char *p = bench; *p; p++)
		if (*p == '`')
			*p = '\'';
	char *msg = pfg_xasprintf("`%s` is %+.1f%% worse than its baseline (95%% interval "
				  "%+.1f%% to %+.1f%%), severity **%s**.\n\nAlert %lld is %s. "
				  "See `perfguard alerts show %lld`.", bench, it->change_pct,
				  it->ci_low_pct, it->ci_high_pct,
				  pfg_severity_name(it->severity), (long long)it->alert_id,
				  pfg_alert_state_name(it->state), (long long)it->alert_id);
	cJSON_AddStringToObject(b, "message", msg);
	cJSON_AddStringToObject(b, "notification_id", id);
	char *body = cJSON_PrintUnformatted(b);
	rest(l, "/services/persistent_notification/create", body, cancel_fd, o);
	free(body);
	free(msg);
	free(title);
	free(bench);
	free(s);
	cJSON_Delete(b);
}

/* persistent_notification/dismiss of alert id. */
static void dismiss_alert(const struct pfg_ha_link *l, const char *node, int64_t alert_id,
			  int cancel_fd, struct pfg_ha_outcome *o)
{
	char id[PFG_HA_ID_MAX + 32];
	pfg_ha_notification_id(node, alert_id, id, sizeof id);
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "notification_id", id);
	char *body = cJSON_PrintUnformatted(b);
	rest(l, "/services/persistent_notification/dismiss", body, cancel_fd, o);
	free(body);
	cJSON_Delete(b);
}

/* POST /api/events/perfguard_regression for regression item it. */
static void fire_event(const struct pfg_ha_link *l, const struct pfg_notify_message *m,
		       const struct pfg_notify_item *it, int cancel_fd, struct pfg_ha_outcome *o)
{
	cJSON *b = cJSON_CreateObject();
	char *s = pfg_utf8_sanitize(m->suite), *bench = pfg_utf8_sanitize(it->bench);
	cJSON_AddStringToObject(b, "suite", s);
	cJSON_AddStringToObject(b, "benchmark", bench);
	cJSON_AddStringToObject(b, "kind", it->event == PFG_NOTIFY_ON_ERROR_RATE ? "error_rate"
				: "regression");
	cJSON_AddStringToObject(b, "severity", pfg_severity_name(it->severity));
	cJSON_AddNumberToObject(b, "change_pct", it->change_pct);
	cJSON_AddNumberToObject(b, "ci_low_pct", it->ci_low_pct);
	cJSON_AddNumberToObject(b, "ci_high_pct", it->ci_high_pct);
	if (it->alert_id) {
		cJSON_AddNumberToObject(b, "alert_id", (double)it->alert_id);
		cJSON_AddStringToObject(b, "alert_state", pfg_alert_state_name(it->state));
	} else {
		cJSON_AddNullToObject(b, "alert_id");
	}
	cJSON_AddNumberToObject(b, "run_id", (double)m->run_id);
	char *body = cJSON_PrintUnformatted(b);
	rest(l, "/events/perfguard_regression", body, cancel_fd, o);
	free(body);
	free(s);
	free(bench);
	cJSON_Delete(b);
}

/* Publish the entities after a change; what failed goes to notices. */
static void publish_quietly(const struct pfg_config *cfg, struct pfg_store *st,
			    const struct pfg_ha_link *l, struct pfg_strv *notices)
{
	if (!l->mqtt && !l->rest)
		return;
	struct pfg_ha_outcome o;
	char err[PFG_ERR_MAX];
	if (pfg_ha_publish(cfg, st, l, 0, &o, err, sizeof err) || o.requests_failed)
		pfg_strv_pushf(notices, "Home Assistant entities not %supdated: %s",
			       o.entities ? "all " : "", o.error[0] ? o.error : err);
}

/* The node id of cfg's suite. */
static void node_of(const struct pfg_config *cfg, char *buf, size_t len)
{
	char sid[PFG_HA_ID_MAX - 16];
	char *s = pfg_utf8_sanitize(cfg->suite ? cfg->suite : "perfguard");
	pfg_ha_object_id(s, sid, sizeof sid);
	free(s);
	snprintf(buf, len, "perfguard_%s", sid);
}

void pfg_ha_after_run(const struct pfg_config *cfg, struct pfg_store *st,
		      const struct pfg_run_report *report, int cancel_fd,
		      struct pfg_strv *notices)
{
	if (!cfg->ha.on)
		return;
	struct pfg_ha_link l;
	char err[PFG_ERR_MAX];
	if (pfg_ha_link_resolve(cfg, &l, cancel_fd, err, sizeof err)) {
		pfg_strv_pushf(notices, "Home Assistant not told: %s", err);
		pfg_ha_link_release(&l);
		return;
	}
	publish_quietly(cfg, st, &l, notices);
	if (l.rest) {
		struct pfg_notify_message m;
		struct pfg_ha_outcome o = { 0 };
		char node[PFG_HA_ID_MAX];
		node_of(cfg, node, sizeof node);
		if (pfg_notify_message_of_run(cfg, st, report, &m, err, sizeof err) == PFG_OK) {
			for (size_t i = 0; i < m.n_items; i++) {
				const struct pfg_notify_item *it = &m.items[i];
				int regression = it->event == PFG_NOTIFY_ON_REGRESSION ||
						 it->event == PFG_NOTIFY_ON_ERROR_RATE;
				if (regression)
					fire_event(&l, &m, it, cancel_fd, &o);
				if (regression && it->alert_id && it->severity >=
				    cfg->ha.min_severity && pfg_alert_state_is_open(it->state))
					notify_alert(&l, node, m.suite, it, cancel_fd, &o);
			}
		}
		pfg_notify_message_release(&m);
		/* The alerts this run recovered: their notifications go. */
		for (size_t i = 0; i < report->n_outcomes; i++) {
			const struct pfg_bench_outcome *bo = &report->outcomes[i];
			if (!bo->changes.n_recovered)
				continue;
			struct pfg_alert *al = NULL;
			size_t n = 0;
			struct pfg_alert_filter f = { .bench_id = bo->bench_id };
			if (pfg_store_alerts(st, &f, &al, &n, err, sizeof err) != PFG_OK)
				continue;
			for (size_t k = 0; k < n; k++)
				if (al[k].recovered_run_id == report->run_id)
					dismiss_alert(&l, node, al[k].id, cancel_fd, &o);
			pfg_alerts_free(al, n);
		}
		if (o.requests_failed)
			pfg_strv_pushf(notices, "Home Assistant: %zu request%s failed: %s",
				       o.requests_failed, o.requests_failed == 1 ? "" : "s",
				       o.error);
	}
	pfg_ha_link_release(&l);
}

void pfg_ha_after_alert_changes(const struct pfg_config *cfg, struct pfg_store *st,
				const int64_t *ids, const enum pfg_alert_state *from, size_t n,
				struct pfg_strv *notices)
{
	(void)from;
	if (!cfg->ha.on || !n)
		return;
	struct pfg_ha_link l;
	char err[PFG_ERR_MAX];
	if (pfg_ha_link_resolve(cfg, &l, -1, err, sizeof err)) {
		pfg_strv_pushf(notices, "Home Assistant not told: %s", err);
		pfg_ha_link_release(&l);
		return;
	}
	publish_quietly(cfg, st, &l, notices);
	if (l.rest) {
		struct pfg_ha_outcome o = { 0 };
		char node[PFG_HA_ID_MAX];
		node_of(cfg, node, sizeof node);
		for (size_t i = 0; i < n; i++) {
			struct pfg_alert a;
			if (pfg_store_alert_get(st, ids[i], &a, NULL, NULL, err, sizeof err))
				continue;
			if (!pfg_alert_state_is_open(a.state) || a.recovered_run_id) {
				dismiss_alert(&l, node, a.id, -1, &o);
			} else if (a.kind != PFG_ALERT_DRIFT && a.severity >= cfg->ha.min_severity) {
				struct pfg_notify_item it = { .bench = a.bench,
							      .severity = a.severity,
							      .change_pct = a.change_pct,
							      .ci_low_pct = a.ci_low_pct,
							      .ci_high_pct = a.ci_high_pct,
							      .alert_id = a.id, .state = a.state };
				notify_alert(&l, node, cfg->suite, &it, -1, &o);
			}
			pfg_alert_release(&a);
		}
		if (o.requests_failed)
			pfg_strv_pushf(notices, "Home Assistant: %zu request%s failed: %s",
				       o.requests_failed, o.requests_failed == 1 ? "" : "s",
				       o.error);
	}
	pfg_ha_link_release(&l);
}
