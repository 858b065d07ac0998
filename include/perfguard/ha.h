/* ha.h: the suite in Home Assistant: entities over MQTT discovery
 * (libmosquitto), or over the REST API without a broker; a persistent
 * notification per alert and an event per regression (the REST API,
 * through notify's delivery: timeouts, retries, secrets never printed).
 *
 * Entities (one device per suite, node id "perfguard_<suite>"):
 *   sensor open_regressions     open alerts, with counts by kind and the
 *                               alerts themselves as attributes
 *   sensor worst_severity       none, minor, moderate, major, critical
 *   binary_sensor gate          problem: on when the suite's gate fails
 *   sensor last_run             timestamp of the latest run
 *   sensor last_run_status      complete, failed, interrupted, running
 *   sensor bench_<comp>_<name>  each benchmark's latest mean in its unit,
 *                               its change against the baseline, interval,
 *                               verdict and alerts as attributes
 * Discovery configs are retained under
 *   <prefix>/<sensor|binary_sensor>/<node>/<object>/config,
 * states and attributes under perfguard/<node>/<object>/{state,attributes},
 * availability ("online"/"offline", the connection's last will) under
 * perfguard/<node>/availability. Without a broker the same entities are
 * set with POST /api/states/<platform>.<node>_<object>, which Home
 * Assistant forgets when it restarts.
 *
 * Nothing here fails a run: the after-run and after-alert-change hooks add
 * what did not reach Home Assistant to notices. */
#ifndef PERFGUARD_HA_H
#define PERFGUARD_HA_H

#include <stddef.h>
#include <stdint.h>

#include "perfguard/config.h"
#include "perfguard/engine.h"
#include "perfguard/query.h"
#include "perfguard/store.h"

#define PFG_HA_ID_MAX 128
/* The Supervisor's API; PERFGUARD_SUPERVISOR_URL overrides it (tests). */
#define PFG_HA_SUPERVISOR_URL "http://supervisor"
/* The topic under which states and availability live. */
#define PFG_HA_STATE_ROOT "perfguard"

/* s as an object id and topic level, into buf: lower case letters, digits
 * and '_' (runs of anything else become one '_', none at either end);
 * when that lost anything but case, "_" and 8 hex digits of a hash of s
 * follow, so that different names stay different ids. Never empty. */
void pfg_ha_object_id(const char *s, char *buf, size_t len);

/* One entity and what it says now. */
struct pfg_ha_entity {
	const char *platform;       /* "sensor" or "binary_sensor" */
	char object_id[PFG_HA_ID_MAX];
	char *name;                 /* shown beside the device's name */
	char *unit;                 /* unit_of_measurement, or NULL */
	const char *device_class;   /* or NULL */
	const char *state_class;    /* or NULL */
	const char *icon;           /* or NULL */
	const char *const *options; /* device_class enum: the states */
	char *state;                /* the state payload ("None": unknown) */
	char *attributes;           /* a JSON object, or NULL */
};

/* Every entity of a suite. */
struct pfg_ha_entities {
	char node_id[PFG_HA_ID_MAX]; /* "perfguard_<suite>" */
	char *suite;
	struct pfg_ha_entity *v;
	size_t n;
};

/* The suite's entities from its overview (loaded with opts.gate); only
 * the config's benchmarks get one each. */
void pfg_ha_entities_build(const struct pfg_config *cfg, const struct pfg_query_overview *ov,
			   struct pfg_ha_entities *out);
void pfg_ha_entities_release(struct pfg_ha_entities *es);

/* The entity of object_id in es, or NULL. */
const struct pfg_ha_entity *pfg_ha_entities_find(const struct pfg_ha_entities *es,
						 const char *object_id);

/* Topics. Caller frees. */
char *pfg_ha_config_topic(const char *prefix, const char *platform, const char *node_id,
			  const char *object_id);
char *pfg_ha_state_topic(const char *node_id, const char *object_id, const char *leaf);
char *pfg_ha_availability_topic(const char *node_id);

/* The retained discovery config of e (JSON, names escaped by cJSON).
 * Caller frees. */
char *pfg_ha_discovery_payload(const struct pfg_ha_entities *es, const struct pfg_ha_entity *e);

/* "sensor.perfguard_<suite>_<object>" into buf. */
void pfg_ha_entity_id(const struct pfg_ha_entities *es, const struct pfg_ha_entity *e,
		      char *buf, size_t len);

/* The body of POST /api/states/<entity id> for e: state, and attributes
 * with friendly_name, unit_of_measurement, device_class, state_class.
 * Caller frees. */
char *pfg_ha_rest_state_payload(const struct pfg_ha_entities *es, const struct pfg_ha_entity *e);

/* Where entities and notifications go, resolved from the config and, in
 * an add-on (SUPERVISOR_TOKEN set, nothing said in the config), from the
 * Supervisor. Holds secrets: never print them. */
struct pfg_ha_link {
	int mqtt;                   /* a broker is known */
	char *host;
	int port;
	int tls;
	char *ca_file;              /* NULL: the system's CAs */
	char *username, *password;  /* or NULL */
	char *prefix;
	char mqtt_from[16];         /* "config", "supervisor" */
	int rest;                   /* the REST API is known */
	char *api_url;              /* ".../api" */
	char *token;
	char rest_from[16];
	double timeout_s;
	char why_no_mqtt[200];      /* when !mqtt: why, for people */
	char why_no_rest[200];
};

/* Resolve cfg->ha into l (release in every case). Returns 0, or
 * PFG_EINPUT when a variable the config names is unset (err filled). The
 * Supervisor's answer that there is no MQTT service is not an error. */
int pfg_ha_link_resolve(const struct pfg_config *cfg, struct pfg_ha_link *l, int cancel_fd,
			char *err, size_t errlen);
void pfg_ha_link_release(struct pfg_ha_link *l);

/* What a publish did. */
struct pfg_ha_outcome {
	int mqtt, rest;             /* which way went */
	size_t entities;            /* published */
	size_t removed;             /* entities removed (benchmarks gone, or all) */
	size_t requests_failed;     /* REST requests that failed */
	char error[256];            /* the first problem, or "" */
};

/* Publish the suite's entities and states (MQTT when a broker is known,
 * else POST /api/states): discovery configs of entities no longer in the
 * config removed with empty retained messages. hold_s > 0 stays connected
 * that long (or until SIGINT/SIGTERM) with availability online, so that
 * the broker's last will says offline when perfguard dies. Returns 0, or
 * PFG_ERUNTIME when nothing could be published (o->error, err filled). */
int pfg_ha_publish(const struct pfg_config *cfg, struct pfg_store *st,
		   const struct pfg_ha_link *l, double hold_s, struct pfg_ha_outcome *o,
		   char *err, size_t errlen);

/* Remove every entity of the suite from Home Assistant: empty retained
 * configs, states and attributes for all that the broker holds for the
 * node, and availability offline. Needs a broker. As pfg_ha_publish. */
int pfg_ha_remove(const struct pfg_config *cfg, const struct pfg_ha_link *l,
		  struct pfg_ha_outcome *o, char *err, size_t errlen);

/* The notification_id of alert id in suite's node: "<node>_alert_<id>". */
void pfg_ha_notification_id(const char *node_id, int64_t alert_id, char *buf, size_t len);

/* After a run: entities and states; over REST a persistent notification
 * for each regression alert of the run at or above min_severity (created
 * or replaced), dismissal of the alerts the run recovered, and an event
 * perfguard_regression per regression. Nothing without "homeassistant". */
void pfg_ha_after_run(const struct pfg_config *cfg, struct pfg_store *st,
		      const struct pfg_run_report *report, int cancel_fd,
		      struct pfg_strv *notices);

/* After people changed alerts ids (from their states before): states,
 * and the notifications of those alerts dismissed when closed, replaced
 * while open. */
void pfg_ha_after_alert_changes(const struct pfg_config *cfg, struct pfg_store *st,
				const int64_t *ids, const enum pfg_alert_state *from, size_t n,
				struct pfg_strv *notices);

#endif
