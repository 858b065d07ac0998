/* notify.c: sending a message to every target, with its backlog, and
 * recording each try in the store. */
#include "perfguard/notify.h"
#include "perfguard/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Record the outcome of a try of row id; errors of the store go to err. */
static int record(struct pfg_store *st, const struct pfg_notify_outcome *o, int64_t id,
		  char *err, size_t errlen)
{
	return pfg_store_notify_update(st, id, o->status, o->http_status, o->attempts,
				       o->error[0] ? o->error : NULL, err, errlen);
}

/* Retry the pending messages of t, oldest first, stopping at the first
 * that is not delivered. Returns 0 when the backlog is empty now, 1 when
 * some is left, or a negative code when the store failed. */
static int flush_backlog(const struct pfg_notify_target *t, struct pfg_store *st,
			 int cancel_fd, struct pfg_notify_outcome *o, char *err, size_t errlen)
{
	struct pfg_notify_row *rows;
	size_t n;
	if (pfg_store_notify_pending(st, t->name, &rows, &n, err, errlen))
		return PFG_ERUNTIME;
	int rc = 0;
	size_t i = 0;
	for (; i < n; i++) {
		struct pfg_notify_outcome try = { 0 };
		pfg_notify_post(t, rows[i].payload ? rows[i].payload : "{}", cancel_fd, &try);
		if (record(st, &try, rows[i].id, err, errlen)) {
			rc = PFG_ERUNTIME;
			break;
		}
		if (try.status == PFG_NOTIFY_FAILED)
			continue; /* refused for good: on to the next */
		if (try.status == PFG_NOTIFY_PENDING) {
			/* The target is still down: the new message waits too. */
			snprintf(o->error, sizeof o->error, "not tried: an older message to "
				 "this target failed: %.180s", try.error);
			rc = 1;
			break;
		}
		o->backlog_sent++;
	}
	o->backlog_left = rc == 1 ? n - i : 0;
	pfg_notify_rows_free(rows, n);
	return rc;
}

/* Send m to target t: its backlog, then m (recorded before it is sent). */
static int send_one(const struct pfg_notify_target *t, struct pfg_store *st,
		    const struct pfg_notify_message *m, int cancel_fd,
		    struct pfg_notify_outcome *o, char *err, size_t errlen)
{
	int test = strcmp(m->event, "test") == 0;
	struct pfg_notify_message mine;
	memset(o, 0, sizeof *o);
	snprintf(o->target, sizeof o->target, "%s", t->name);
	o->said = pfg_notify_message_for(t, m, &mine);
	if (!o->said) {
		pfg_notify_message_release(&mine);
		return PFG_OK;
	}
	char summary[400];
	pfg_notify_message_summary(&mine, summary, sizeof summary);
	char *body = pfg_notify_payload(t->kind, &mine);
	pfg_notify_message_release(&mine);
	struct pfg_notify_row row = { .target = t->name,
				      .kind = (char *)pfg_notify_kind_name(t->kind),
				      .event = (char *)m->event, .run_id = m->run_id,
				      .summary = summary, .status = PFG_NOTIFY_PENDING,
				      .payload = body };
	int rc = test ? 0 : flush_backlog(t, st, cancel_fd, o, err, errlen);
	if (rc < 0 || pfg_store_notify_add(st, &row, &o->id, err, errlen)) {
		free(body);
		return PFG_ERUNTIME;
	}
	if (rc == 1) {
		o->status = PFG_NOTIFY_PENDING; /* not tried: waits behind the older */
		o->attempts = 0;
		o->backlog_left++;
	} else {
		size_t sent = o->backlog_sent;
		pfg_notify_post(t, body, cancel_fd, o);
		o->backlog_sent = sent;
		if (test && o->status == PFG_NOTIFY_PENDING)
			o->status = PFG_NOTIFY_FAILED; /* a test is never retried later */
		o->backlog_left = o->status == PFG_NOTIFY_PENDING;
	}
	free(body);
	snprintf(o->target, sizeof o->target, "%s", t->name);
	o->said = 1;
	if (record(st, o, o->id, err, errlen))
		return PFG_ERUNTIME;
	size_t dropped = 0;
	if (pfg_store_notify_trim(st, t->name, PFG_NOTIFY_BACKLOG, &dropped, err, errlen))
		return PFG_ERUNTIME;
	o->backlog_left -= dropped < o->backlog_left ? dropped : o->backlog_left;
	return PFG_OK;
}

int pfg_notify_send(const struct pfg_config *cfg, struct pfg_store *st,
		    const struct pfg_notify_message *m, const char *target, int cancel_fd,
		    struct pfg_notify_outcome **outcomes, size_t *n_outcomes,
		    char *err, size_t errlen)
{
	struct pfg_notify_outcome *out = pfg_xcalloc(cfg->n_notify + 1, sizeof *out);
	size_t n = 0;
	int rc = PFG_OK;
	if (!target) {
		const char **names = pfg_xcalloc(cfg->n_notify + 1, sizeof *names);
		for (size_t i = 0; i < cfg->n_notify; i++)
			names[i] = cfg->notify[i].name;
		rc = pfg_store_notify_drop_others(st, names, cfg->n_notify, err, errlen);
		free(names);
	}
	for (size_t i = 0; i < cfg->n_notify && rc == PFG_OK; i++) {
		if (target && strcmp(target, cfg->notify[i].name))
			continue;
		rc = send_one(&cfg->notify[i], st, m, cancel_fd, &out[n], err, errlen);
		if (out[n].said)
			n++;
	}
	if (outcomes)
		*outcomes = out;
	else
		free(out);
	if (n_outcomes)
		*n_outcomes = n;
	return rc;
}

/* Send m to every target of cfg and add a line to notices for each
 * message not delivered and for a store that failed. */
static void send_all(const struct pfg_config *cfg, struct pfg_store *st,
		     const struct pfg_notify_message *m, int cancel_fd,
		     struct pfg_strv *notices)
{
	char err[PFG_ERR_MAX];
	struct pfg_notify_outcome *out;
	size_t n;
	if (pfg_notify_send(cfg, st, m, NULL, cancel_fd, &out, &n, err, sizeof err))
		pfg_strv_pushf(notices, "notifications not all recorded: %s", err);
	for (size_t i = 0; i < n; i++) {
		if (out[i].status == PFG_NOTIFY_SENT)
			continue;
		pfg_strv_pushf(notices, "notification to %s %s after %d attempt%s: %s",
			       out[i].target, out[i].status == PFG_NOTIFY_PENDING
			       ? "not delivered (retried at the next run)" : "failed",
			       out[i].attempts, out[i].attempts == 1 ? "" : "s", out[i].error);
	}
	free(out);
}

void pfg_notify_run(const struct pfg_config *cfg, struct pfg_store *st,
		    const struct pfg_run_report *report, int cancel_fd,
		    struct pfg_strv *notices)
{
	if (!cfg->n_notify)
		return;
	char err[PFG_ERR_MAX];
	struct pfg_notify_message m;
	if (pfg_notify_message_of_run(cfg, st, report, &m, err, sizeof err))
		pfg_strv_pushf(notices, "no notification sent: %s", err);
	else
		send_all(cfg, st, &m, cancel_fd, notices);
	pfg_notify_message_release(&m);
}

void pfg_notify_alert_changes(const struct pfg_config *cfg, struct pfg_store *st,
			      const int64_t *ids, const enum pfg_alert_state *from, size_t n,
			      const char *actor, struct pfg_strv *notices)
{
	if (!cfg->n_notify || !n)
		return;
	struct pfg_notify_message m;
	pfg_notify_message_init(&m, "alert_state", cfg->suite);
	for (size_t i = 0; i < n; i++) {
		struct pfg_alert a;
		char err[PFG_ERR_MAX];
		if (pfg_store_alert_get(st, ids[i], &a, NULL, NULL, err, sizeof err)) {
			pfg_strv_pushf(notices, "alert %lld left out of the notification: %s",
				       (long long)ids[i], err);
			continue;
		}
		struct pfg_notify_item it = { .event = PFG_NOTIFY_ON_ALERT_STATE,
					      .bench = a.bench, .severity = a.severity,
					      .has_change = 1, .change_pct = a.change_pct,
					      .ci_low_pct = a.ci_low_pct,
					      .ci_high_pct = a.ci_high_pct, .alert_id = a.id,
					      .state = a.state, .from = from[i],
					      .actor = (char *)actor };
		pfg_notify_message_add(&m, &it);
		pfg_alert_release(&a);
	}
	send_all(cfg, st, &m, -1, notices);
	pfg_notify_message_release(&m);
}
