/* mqtt.c: a short MQTT session with libmosquitto: connect with a last
 * will, read the retained messages under a filter, publish at QoS 1 and
 * wait for the broker's acknowledgements, each step bounded in time. */
#include "ha_int.h"
#include "perfguard/util.h"

#include <errno.h>
#include <mosquitto.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The session and what its callbacks saw. */
struct mq {
	struct mosquitto *m;
	double timeout_s;
	int connected;               /* 1 connected, -1 refused */
	int connack;                 /* the broker's answer */
	int lost;                    /* disconnected unexpectedly */
	int sent, acked;             /* QoS 1 publishes and their PUBACKs */
	char marker[160];            /* mq_retained's marker topic */
	int marker_seen;
	struct pfg_strv *collect;    /* where mq_retained puts topics */
	char where[300];             /* "host:port" for messages */
};

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static void lib_init(void)
{
	mosquitto_lib_init();
}

/* CONNACK. */
static void on_connect(struct mosquitto *m, void *ctx, int rc)
{
	(void)m;
	struct mq *q = ctx;
	q->connack = rc;
	q->connected = rc == 0 ? 1 : -1;
}

/* DISCONNECT, asked for or not. */
static void on_disconnect(struct mosquitto *m, void *ctx, int rc)
{
	(void)m;
	struct mq *q = ctx;
	if (rc != 0)
		q->lost = 1;
}

/* PUBACK of a QoS 1 publish. */
static void on_publish(struct mosquitto *m, void *ctx, int mid)
{
	(void)m, (void)mid;
	((struct mq *)ctx)->acked++;
}

/* A message: the marker, or a retained one to collect. */
static void on_message(struct mosquitto *m, void *ctx, const struct mosquitto_message *msg)
{
	(void)m;
	struct mq *q = ctx;
	if (q->marker[0] && strcmp(msg->topic, q->marker) == 0) {
		q->marker_seen = 1;
		return;
	}
	if (q->collect && msg->retain && msg->payloadlen > 0)
		pfg_strv_push(q->collect, msg->topic);
}

/* Run the network loop until *flag is nonzero, the connection is lost or
 * the step's deadline passes. Returns 0 when *flag became nonzero. */
static int wait_for(struct mq *q, const int *flag, const char *what, char *err, size_t errlen)
{
	int64_t end = pfg_now_ns() + (int64_t)(q->timeout_s * 1e9);
	while (!*flag) {
		int rc = mosquitto_loop(q->m, 100, 1);
		if (q->lost || (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN)) {
			snprintf(err, errlen, "MQTT broker %s: connection lost while %s (%s)",
				 q->where, what, mosquitto_strerror(rc ? rc : MOSQ_ERR_CONN_LOST));
			return PFG_ERUNTIME;
		}
		if (q->connected < 0 || *flag)
			break;
		if (pfg_now_ns() > end) {
			snprintf(err, errlen, "MQTT broker %s: no answer within %g s while %s",
				 q->where, q->timeout_s, what);
			return PFG_ERUNTIME;
		}
	}
	return *flag ? PFG_OK : PFG_ERUNTIME;
}

int mq_open(const struct pfg_ha_link *l, const char *node_id, const char *will_topic,
	    struct mq **out, char *err, size_t errlen)
{
	pthread_once(&lib_once, lib_init);
	*out = NULL;
	struct mq *q = pfg_xcalloc(1, sizeof *q);
	q->timeout_s = l->timeout_s > 0 ? l->timeout_s : 10;
	char *safe_host = pfg_utf8_sanitize(l->host);
	snprintf(q->where, sizeof q->where, "%.200s:%d", safe_host, l->port);
	free(safe_host);
	char id[64];
	snprintf(id, sizeof id, "%.40s-%ld", node_id, (long)getpid());
	q->m = mosquitto_new(id, true, q);
	if (!q->m) {
		snprintf(err, errlen, "libmosquitto could not start a client: %s", strerror(errno));
		free(q);
		return PFG_ERUNTIME;
	}
	mosquitto_connect_callback_set(q->m, on_connect);
	mosquitto_disconnect_callback_set(q->m, on_disconnect);
	mosquitto_publish_callback_set(q->m, on_publish);
	mosquitto_message_callback_set(q->m, on_message);
	int rc = MOSQ_ERR_SUCCESS;
	if (l->username)
		rc = mosquitto_username_pw_set(q->m, l->username, l->password);
	if (rc == MOSQ_ERR_SUCCESS && l->tls)
		rc = mosquitto_tls_set(q->m, l->ca_file, l->ca_file ? NULL : "/etc/ssl/certs",
				       NULL, NULL, NULL);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_will_set(q->m, will_topic, 7, "offline", 1, true);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_connect(q->m, l->host, l->port, 30);
	if (rc != MOSQ_ERR_SUCCESS) {
		snprintf(err, errlen, "MQTT broker %s: could not connect: %s", q->where,
			 rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		mosquitto_destroy(q->m);
		free(q);
		return PFG_ERUNTIME;
	}
	if (wait_for(q, &q->connected, "connecting", err, errlen) || q->connected < 0) {
		if (q->connected < 0)
			snprintf(err, errlen, "MQTT broker %s refused the connection: %s",
				 q->where, mosquitto_connack_string(q->connack));
		mosquitto_destroy(q->m);
		free(q);
		return PFG_ERUNTIME;
	}
	*out = q;
	return PFG_OK;
}

int mq_retained(struct mq *q, const char *filter, struct pfg_strv *topics, char *err,
		size_t errlen)
{
	snprintf(q->marker, sizeof q->marker, PFG_HA_STATE_ROOT "/sync/%ld-%lld",
		 (long)getpid(), (long long)pfg_now_ns());
	q->marker_seen = 0;
	q->collect = topics;
	int rc = mosquitto_subscribe(q->m, NULL, filter, 1);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_subscribe(q->m, NULL, q->marker, 1);
	if (rc == MOSQ_ERR_SUCCESS) {
		q->sent++;
		rc = mosquitto_publish(q->m, NULL, q->marker, 1, "x", 1, false);
	}
	if (rc != MOSQ_ERR_SUCCESS) {
		snprintf(err, errlen, "MQTT broker %s: could not subscribe: %s", q->where,
			 mosquitto_strerror(rc));
		return PFG_ERUNTIME;
	}
	rc = wait_for(q, &q->marker_seen, "reading the retained discovery configs", err,
		      errlen);
	mosquitto_unsubscribe(q->m, NULL, filter);
	mosquitto_unsubscribe(q->m, NULL, q->marker);
	q->collect = NULL;
	q->marker[0] = '\0';
	return rc;
}

int mq_publish(struct mq *q, const char *topic, const char *payload, int retain, char *err,
	       size_t errlen)
{
	/* Leave room in libmosquitto's queue: flush every 100 messages. */
	if (q->sent - q->acked >= 100 && mq_flush(q, err, errlen))
		return PFG_ERUNTIME;
	int rc = mosquitto_publish(q->m, NULL, topic, (int)strlen(payload), payload, 1,
				   retain != 0);
	if (rc != MOSQ_ERR_SUCCESS) {
		snprintf(err, errlen, "MQTT broker %s: could not publish: %s", q->where,
			 mosquitto_strerror(rc));
		return PFG_ERUNTIME;
	}
	q->sent++;
	return PFG_OK;
}

int mq_flush(struct mq *q, char *err, size_t errlen)
{
	int64_t end = pfg_now_ns() + (int64_t)(q->timeout_s * 1e9);
	while (q->acked < q->sent) {
		int rc = mosquitto_loop(q->m, 100, 1);
		if (q->lost || rc != MOSQ_ERR_SUCCESS) {
			snprintf(err, errlen, "MQTT broker %s: connection lost while publishing "
				 "(%s)", q->where, mosquitto_strerror(rc ? rc : MOSQ_ERR_CONN_LOST));
			return PFG_ERUNTIME;
		}
		if (pfg_now_ns() > end) {
			snprintf(err, errlen, "MQTT broker %s: %d of %d messages not acknowledged "
				 "within %g s", q->where, q->sent - q->acked, q->sent, q->timeout_s);
			return PFG_ERUNTIME;
		}
	}
	return PFG_OK;
}

static volatile sig_atomic_t stop_hold;
/* SIGINT, SIGTERM while holding: stop. */
static void on_stop(int sig)
{
	(void)sig;
	stop_hold = 1;
}

int mq_hold(struct mq *q, double seconds, char *err, size_t errlen)
{
	struct sigaction sa = { .sa_handler = on_stop }, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	stop_hold = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	int64_t end = pfg_now_ns() + (int64_t)(seconds * 1e9);
	int rc = PFG_OK;
	while (!stop_hold && pfg_now_ns() < end) {
		int lrc = mosquitto_loop(q->m, 200, 1);
		if (q->lost || (lrc != MOSQ_ERR_SUCCESS && lrc != MOSQ_ERR_ERRNO)) {
			snprintf(err, errlen, "MQTT broker %s: connection lost (%s)", q->where,
				 mosquitto_strerror(lrc ? lrc : MOSQ_ERR_CONN_LOST));
			rc = PFG_ERUNTIME;
			break;
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}

void mq_close(struct mq *q)
{
	if (!q)
		return;
	mosquitto_disconnect(q->m);
	for (int i = 0; i < 20 && mosquitto_loop(q->m, 50, 1) == MOSQ_ERR_SUCCESS; i++)
		;
	mosquitto_destroy(q->m);
	free(q);
}
