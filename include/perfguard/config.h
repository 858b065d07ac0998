/* config.h: the data model of a suite and the loading of perfguard.json.
 *
 * A suite is components, each with benchmarks. Loading validates every
 * field and reports every problem at once, each as "file:line: path:
 * what was expected, got what"; a config that loaded is complete and
 * consistent, so no other module re-checks it. */
#ifndef PERFGUARD_CONFIG_H
#define PERFGUARD_CONFIG_H

#include <stddef.h>

#include "perfguard/stats.h"
#include "perfguard/util.h"

/* The ranges of the numbers of a config, shared with the options of the
 * CLI that set the same things (perfguard.json(5), perfguard(1)). */
#define PFG_RUNS_MAX 1000000          /* runs: 1..; warmup: 0.. */
#define PFG_TIMEOUT_MIN_S 0.001       /* timeout, seconds (0: none) */
#define PFG_TIMEOUT_MAX_S 86400.0
#define PFG_OPS_MAX 1e15              /* ops per run (0: from the metric) */
#define PFG_THRESHOLD_MAX 100000.0    /* severity thresholds, percent */
#define PFG_ALPHA_MIN 1e-6            /* statistics.alpha */
#define PFG_ALPHA_MAX 0.5
#define PFG_CONFIDENCE_MIN 0.5        /* statistics.confidence */
#define PFG_CONFIDENCE_MAX 0.999999
#define PFG_CONFIRM_RUNS_MAX 10       /* confirm_runs: 0.. */
#define PFG_DRIFT_WINDOW_MAX 10000    /* drift_window: 3.. */
#define PFG_DRIFT_LIMIT_MIN 1.0       /* drift_limit: 1..100 */
#define PFG_DRIFT_LIMIT_MAX 100.0
#define PFG_REBASELINE_AFTER_MAX 10000 /* rebaseline_after: 1.. */
#define PFG_BASELINE_RUNS_MAX 100     /* baseline_runs: 1.. */
#define PFG_AUTO_MIN_RUNS 2           /* min_runs, max_runs: 2..PFG_RUNS_MAX */
#define PFG_PRECISION_MIN_PCT 1e-9    /* precision, percent */
#define PFG_PRECISION_MAX_PCT 100.0
#define PFG_BUDGET_MIN_S 0.001        /* budget, seconds (0: none) */
#define PFG_BUDGET_MAX_S 604800.0
#define PFG_KEEP_DAYS_MAX 100000      /* retention.keep_days: 1.. */
#define PFG_KEEP_RUNS_MAX 1000000000  /* retention.keep_runs: 1.. */

/* "runs": "auto": the sample sized by precision (perfguard.json(5)). After
 * each measured run the relative half-width of the 95% interval of the
 * trimmed mean (PFG_AUTO_TRIM per tail) is computed; the runs stop when it
 * is at most precision_pct (from min_runs on), at max_runs, or before a run
 * that would take the measured runs past budget_s. */
#define PFG_AUTO_TRIM 0.2
#define PFG_AUTO_CONFIDENCE 0.95
struct pfg_auto_runs {
	int on;                 /* nonzero: "runs": "auto" */
	int min_runs;           /* 5 */
	int max_runs;           /* 50 */
	double precision_pct;   /* 2: target relative half-width, percent */
	double budget_s;        /* 60: seconds of measured runs; 0: none */
};

/* What a benchmark measures; each implies a unit and a direction. */
enum pfg_bench_type {
	PFG_TYPE_LATENCY,    /* wall time per run, ms, lower is better */
	PFG_TYPE_THROUGHPUT, /* ops per second, higher is better */
	PFG_TYPE_MEMORY,     /* peak RSS, KiB, lower is better */
	PFG_TYPE_CPU,        /* user + system CPU time, ms, lower is better */
	PFG_TYPE_ERROR_RATE, /* failed runs, % of all runs, lower is better */
	PFG_TYPE_CUSTOM,     /* a metric the benchmark reports */
};

/* A command: an argv run without a shell, or one line for /bin/sh -c. */
struct pfg_command_line {
	struct pfg_strv argv; /* empty when not set; argv.v[0] is the line when shell */
	int shell;
};

struct pfg_benchmark_cfg {
	char *component;        /* the component's name */
	char *name;             /* the benchmark's name, unique in its component */
	char *id;               /* "component/name" */
	enum pfg_bench_type type;
	struct pfg_command_line command;
	struct pfg_command_line setup;   /* once before the runs */
	struct pfg_command_line prepare; /* before every run, not measured */
	struct pfg_command_line cleanup; /* once after the runs, even on failure */
	int runs;               /* measured runs; with auto.on, max_runs */
	struct pfg_auto_runs auto_runs; /* "runs": "auto" and its keys */
	int warmup;             /* runs before, not recorded */
	double timeout_s;       /* per run; 0: none */
	char *cwd;              /* absolute; the config's directory by default */
	struct pfg_strv env;    /* "KEY=VALUE" */
	double ops;             /* work per run for throughput; 0: from the metric */
	char *metric;           /* the custom metric a custom benchmark reports */
	char *unit;
	enum pfg_direction direction; /* stats.h */
};

/* Severity thresholds in percent of change in the worse direction. */
struct pfg_thresholds {
	double minor, moderate, major, critical;
};

/* How runs are analysed and gated (top-level config keys). */
struct pfg_analysis_cfg {
	struct pfg_stats_compare_opts compare; /* "statistics": test, alpha,
					 confidence, outliers; thresholds and
					 direction are filled per benchmark */
	int confirm_runs;       /* reruns that must confirm a regression, 1 */
	int drift_window;       /* runs before a run joins the reference of
				   the history chart (drift), 10 */
	double drift_limit;     /* the history chart's decision limit, 6.5 */
	int auto_approve;       /* "auto_baseline": "approve" (1) or "propose" (0) */
	int rebaseline_after;   /* runs after a change point before a new
				   baseline is proposed, and the runs a
				   sustained improvement proposes, 5 */
	int baseline_runs;      /* runs a first baseline summarises, 5; with 2
				   or more, runs are compared by their means
				   against the between-run noise */
	enum pfg_severity gate_fail_on;  /* "gate.fail_on", major */
	int gate_fail_on_missing_baseline;     /* "gate.fail_on_missing_baseline" */
};

/* ---- Notification targets ("notify", perfguard.json(5)) ---------------- */

enum pfg_notify_kind {
	PFG_NOTIFY_SLACK = 0,     /* a Slack incoming webhook: blocks */
	PFG_NOTIFY_DISCORD,       /* a Discord webhook: embeds */
	PFG_NOTIFY_TEAMS,         /* a Teams Workflows webhook: an Adaptive Card */
	PFG_NOTIFY_WEBHOOK,       /* any URL: the summary as JSON, signed when a
				     secret is set */
	PFG_NOTIFY_HOMEASSISTANT, /* Home Assistant's REST API: a persistent
				     notification, with a bearer token */
	PFG_NOTIFY_N_KINDS,
};

/* What a target is told of: bits 1 << event in pfg_notify_target.on. */
enum pfg_notify_event {
	PFG_NOTIFY_ON_REGRESSION = 0, /* a run found regressions */
	PFG_NOTIFY_ON_DRIFT,          /* a run raised drift alerts */
	PFG_NOTIFY_ON_ERROR_RATE,     /* a run raised error_rate alerts */
	PFG_NOTIFY_ON_RECOVERED,      /* a run marked alerts recovered */
	PFG_NOTIFY_ON_BASELINE_PROPOSED, /* a run proposed baselines */
	PFG_NOTIFY_ON_GATE_FAILED,    /* the run fails the config's gate */
	PFG_NOTIFY_ON_ALERT_STATE,    /* a person changed an alert's state */
	PFG_NOTIFY_N_EVENTS,
};
#define PFG_NOTIFY_TIMEOUT_MIN_S 0.1  /* notify[].timeout, seconds */
#define PFG_NOTIFY_TIMEOUT_MAX_S 300.0

/* "regression", "drift", ..., "alert_state"; parse returns 0 or -1. */
const char *pfg_notify_event_name(enum pfg_notify_event e);
int pfg_notify_event_parse(const char *s, enum pfg_notify_event *out);
/* "slack", "discord", "teams", "webhook", "homeassistant". */
const char *pfg_notify_kind_name(enum pfg_notify_kind k);

/* One target. The URL and the secret are secrets: never print them
 * (pfg_notify_mask_url() in notify.h shows the host only). */
struct pfg_notify_target {
	char *name;               /* unique among the targets */
	enum pfg_notify_kind kind;
	char *url;                /* the literal "url", or NULL */
	char *url_env;            /* "url_env": the variable holding it, or NULL */
	char *secret;             /* webhook: the literal "secret", or NULL */
	char *secret_env;         /* webhook: "secret_env", or NULL */
	char *ca_bundle;          /* absolute path of a CA bundle, or NULL */
	char *token;              /* homeassistant: a literal bearer token (set by
				     code, never by the config), or NULL */
	char *token_env;          /* homeassistant: "token_env", or NULL */
	enum pfg_severity min_severity; /* minor */
	unsigned on;              /* bits 1 << pfg_notify_event; all by default */
	double timeout_s;         /* total per attempt, 10 */
	struct pfg_strv components; /* globs; empty: every component */
};

/* ---- Home Assistant ("homeassistant", perfguard.json(5)) ----------------- */

#define PFG_HA_PREFIX_DEFAULT "homeassistant"

/* The MQTT broker entities are published to ("homeassistant.mqtt"). */
struct pfg_ha_mqtt_cfg {
	int set;                  /* "mqtt" given */
	char *host;               /* required when set */
	int port;                 /* 1883, or 8883 with TLS */
	int tls;                  /* "tls": true or a CA file */
	char *ca_file;            /* absolute path, or NULL: the system's CAs */
	char *username;           /* or NULL */
	char *password_env;       /* the variable holding the password, or NULL */
	char *prefix;             /* the discovery prefix, "homeassistant" */
};

/* The "homeassistant" section: MQTT discovery, the REST API for
 * notifications and events (and sensors without a broker). */
struct pfg_ha_cfg {
	int on;                   /* the section is present */
	struct pfg_ha_mqtt_cfg mqtt;
	char *url;                /* Home Assistant's base URL, or NULL */
	char *token_env;          /* the variable holding a long-lived token */
	enum pfg_severity min_severity; /* persistent notifications: major */
	double timeout_s;         /* per request and per MQTT step, 10 */
};

/* "retention": what `perfguard run` prunes after each run (as `perfguard
 * prune --keep-days D --keep-runs R`: a run either rule keeps is kept). */
struct pfg_retention {
	long keep_days;         /* 0: no age rule */
	long keep_runs;         /* 0: no count rule; both 0: no retention */
};

struct pfg_config {
	char *path;             /* as given */
	char *dir;              /* absolute directory of the config */
	char *suite;            /* the suite's name */
	struct pfg_thresholds thresholds;
	struct pfg_analysis_cfg analysis;
	struct pfg_benchmark_cfg *benchmarks; /* in config order */
	size_t n_benchmarks;
	struct pfg_retention retention; /* "retention"; zero when not set */
	struct pfg_notify_target *notify; /* "notify", in config order */
	size_t n_notify;
	struct pfg_ha_cfg ha;     /* "homeassistant" */
	struct pfg_strv warnings; /* "file:line: path: message" of what loads but
				     is unwise (a literal URL); the CLI prints them */
};

/* Load and validate path. On success returns 0 and *out owns a config to
 * free with pfg_config_free(). On failure returns PFG_EINPUT, and errors
 * holds one line per problem found (the file unreadable, malformed JSON,
 * or every invalid field). */
int pfg_config_load(const char *path, struct pfg_config **out,
		    struct pfg_strv *errors);

/* Parse a config from text; file names the source in messages and dir is
 * the directory relative cwds are resolved against. As pfg_config_load. */
int pfg_config_parse(const char *text, const char *file, const char *dir,
		     struct pfg_config **out, struct pfg_strv *errors);

void pfg_config_free(struct pfg_config *cfg);

/* Names for printing and storing. */
const char *pfg_bench_type_name(enum pfg_bench_type t);

/* A documented example config, as `perfguard init` writes it. */
extern const char pfg_config_example[];

#endif
