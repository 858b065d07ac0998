/* notify.h: telling people what happened, over Slack, Discord, Microsoft
 * Teams, generic webhooks and Home Assistant's REST API (libcurl).
 *
 * After a run, and when people change alerts, one message per target
 * sums up what happened (never one per benchmark): regressions with their
 * change, interval, severity and alert state, drift and error_rate alerts,
 * recoveries, proposed baselines, the gate's verdict, the run and its git
 * revision; past each service's limits the rest is "and N more". Every
 * message is recorded in the store with its outcome; one that could not be
 * delivered waits in a bounded backlog and is retried at the next run.
 *
 * Nothing here prints or fails a run: outcomes are returned for the caller
 * to show. URLs and secrets never leave this module in full: messages,
 * errors and the store see the host only (pfg_notify_mask_url). Sending
 * blocks for at most the targets' timeouts and retries; the dashboard
 * calls it from its worker thread, never from the UI thread. */
#ifndef PERFGUARD_NOTIFY_H
#define PERFGUARD_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "perfguard/config.h"
#include "perfguard/engine.h"
#include "perfguard/store.h"

/* At most this many undelivered messages wait per target; older ones are
 * dropped (status dropped in the log). */
#define PFG_NOTIFY_BACKLOG 20
/* Attempts per try of a message (connection errors, 429 and 5xx retried). */
#define PFG_NOTIFY_MAX_ATTEMPTS 3
/* A Retry-After longer than this is not waited for: the message stays
 * pending for the next run. Seconds. */
#define PFG_NOTIFY_MAX_WAIT_S 30.0
/* The first backoff without a Retry-After, doubled at each attempt, with
 * jitter of +-50%. Seconds. */
#define PFG_NOTIFY_BACKOFF_S 0.5

/* One thing that happened. */
struct pfg_notify_item {
	enum pfg_notify_event event;  /* regression, drift, error_rate, recovered,
					 baseline_proposed or alert_state */
	char *bench;                  /* "component/name" */
	char *component;
	enum pfg_severity severity;   /* NONE for recovered, baseline_proposed */
	int has_change;               /* change_pct and its interval are set */
	double change_pct, ci_low_pct, ci_high_pct;
	int64_t alert_id;             /* 0: none */
	enum pfg_alert_state state;   /* the alert's state (when alert_id) */
	enum pfg_alert_state from;    /* alert_state: the state before */
	char *actor;                  /* alert_state: who changed it, or NULL */
	int64_t baseline_id;          /* baseline_proposed: the proposal */
	size_t count;                 /* recovered: how many alerts */
};

/* What one message is about: a run, alert changes, or a test. */
struct pfg_notify_message {
	char event[16];               /* "run", "alert_state", "test" */
	char *suite;
	int64_t run_id;               /* 0: none */
	char *git_rev;                /* NULL: unknown */
	enum pfg_run_status run_status;
	char *trigger;                /* cli, tui, ci, ingest; NULL */
	size_t n_benchmarks;          /* benchmarks the run measured */
	int has_gate;                 /* the run was judged with the config's gate */
	int gate_failed;
	enum pfg_severity fail_on;
	size_t gate_failing, gate_benchmarks;
	struct pfg_notify_item *items;
	size_t n_items, cap;
};

/* Start an empty message of event for suite. */
void pfg_notify_message_init(struct pfg_notify_message *m, const char *event,
			     const char *suite);

/* Append a copy of it (its strings are copied). */
void pfg_notify_message_add(struct pfg_notify_message *m, const struct pfg_notify_item *it);

void pfg_notify_message_release(struct pfg_notify_message *m);

/* The message of a finished run: what report found, the alerts' states
 * and the run's gate judged with cfg's settings. Returns 0, or a negative
 * code with err filled when the store could not be read. */
int pfg_notify_message_of_run(const struct pfg_config *cfg, struct pfg_store *st,
			      const struct pfg_run_report *report,
			      struct pfg_notify_message *m, char *err, size_t errlen);

/* A sample message for `perfguard notify test`. */
void pfg_notify_message_sample(struct pfg_notify_message *m, const char *suite);

/* What target t is told of m, into out (initialised here): the items its
 * "on", min_severity and components let through. Returns nonzero when
 * there is something to say (an item, or a failed gate with gate_failed
 * in "on"); a test message always passes whole. */
int pfg_notify_message_for(const struct pfg_notify_target *t,
			   const struct pfg_notify_message *m,
			   struct pfg_notify_message *out);

/* One line for the log and for people: "run 12: 3 regressions (worst
 * major), gate failed". */
void pfg_notify_message_summary(const struct pfg_notify_message *m, char *buf, size_t len);

/* The body to post to a target of kind k: JSON text within the service's
 * limits (Slack blocks, Discord embeds, a Teams Adaptive Card under about
 * 28 KB, the webhook's summary document with "schema_version": 1, Home
 * Assistant's persistent notification: title, Markdown message and a
 * notification_id per suite and target), the
 * items past them summed up as "and N more". Caller frees. */
char *pfg_notify_payload(enum pfg_notify_kind k, const struct pfg_notify_message *m);

/* The URL as people may see it: scheme and host only,
 * "https://hooks.slack.com/...". */
void pfg_notify_mask_url(const char *url, char *buf, size_t len);

/* The URL of t (literal, or from its variable) as masked text into buf,
 * or a sentence saying why there is none ("$SLACK_URL is not set"). Returns
 * 0 when t has a URL. */
int pfg_notify_describe_url(const struct pfg_notify_target *t, char *buf, size_t len);

/* How one try of one message went. */
struct pfg_notify_outcome {
	char target[64];
	int64_t id;                   /* its row in the log; 0: not recorded */
	int said;                     /* 0: nothing to tell this target */
	enum pfg_notify_status status;
	int http_status;              /* 0: no HTTP answer */
	int attempts;                 /* requests made */
	char error[256];              /* why not sent; "" when sent */
	size_t backlog_sent, backlog_left; /* older messages delivered / still
					  waiting after this try */
};

/* Post body to t: at most PFG_NOTIFY_MAX_ATTEMPTS requests, retrying
 * connection errors, 429 and 5xx after Retry-After (or Discord's
 * retry_after) or an exponential backoff with jitter; other 4xx never.
 * Fills out's status (sent, failed, or pending for a retryable failure),
 * http_status, attempts and error (masked). Never fails otherwise. Once
 * cancel_fd (-1: none; an engine session's token) is readable, the request
 * and any wait stop at once and the message is left pending. */
void pfg_notify_post(const struct pfg_notify_target *t, const char *body, int cancel_fd,
		     struct pfg_notify_outcome *out);

/* As pfg_notify_post, to t's URL followed by path (NULL: none): a POST of
 * body, or a GET when body is NULL. A homeassistant target (and the
 * Supervisor's API, which takes the same token) sends "Authorization:
 * Bearer" with its token, scrubbed from errors like every secret. When
 * response is not NULL it gets the body of a 2xx answer (its first 4 KB;
 * caller frees), else NULL. */
void pfg_notify_request(const struct pfg_notify_target *t, const char *path,
			const char *body, int cancel_fd, struct pfg_notify_outcome *out,
			char **response);

/* Home Assistant's REST API base of its URL base: base + "/api", or base
 * itself when it ends in "/api" already (http://supervisor/core/api).
 * Caller frees. */
char *pfg_notify_ha_api_url(const char *base);

/* Tell every target of cfg (only those named target, when not NULL) what
 * m says to it: for each, the backlog first, then m, each recorded in st.
 * A test message ignores the filters and never joins the backlog.
 * outcomes (may be NULL) gets one entry per target tried, n_outcomes how
 * many; free with free(). cancel_fd as pfg_notify_post. Returns 0, or PFG_ERUNTIME when the store failed
 * (what was sent is still returned). */
int pfg_notify_send(const struct pfg_config *cfg, struct pfg_store *st,
		    const struct pfg_notify_message *m, const char *target, int cancel_fd,
		    struct pfg_notify_outcome **outcomes, size_t *n_outcomes,
		    char *err, size_t errlen);

/* After a run: build its message and send it to every target. Adds to
 * notices one line per message not delivered (for the caller to show).
 * Does nothing without targets. Never fails the run. cancel_fd as
 * pfg_notify_post (the engine passes its session's). */
void pfg_notify_run(const struct pfg_config *cfg, struct pfg_store *st,
		    const struct pfg_run_report *report, int cancel_fd,
		    struct pfg_strv *notices);

/* After people changed alerts: alert ids[i] went from from[i] to its
 * current state, by actor. One message per target; as pfg_notify_run. */
void pfg_notify_alert_changes(const struct pfg_config *cfg, struct pfg_store *st,
			      const int64_t *ids, const enum pfg_alert_state *from, size_t n,
			      const char *actor, struct pfg_strv *notices);

#endif
