/* ha_int.h (private to the ha module): a short MQTT session with
 * libmosquitto, driven from the calling thread with a deadline per step. */
#ifndef PERFGUARD_HA_INT_H
#define PERFGUARD_HA_INT_H

#include "perfguard/ha.h"

struct mq;

/* Connect to l's broker as a client of node_id, with the last will
 * "offline" (retained) on will_topic, and wait for the broker's answer.
 * Returns 0 with *out set, or PFG_ERUNTIME with err filled (host and port
 * only, never the password). */
int mq_open(const struct pfg_ha_link *l, const char *node_id, const char *will_topic,
	    struct mq **out, char *err, size_t errlen);

/* The topics matching filter that the broker holds retained messages for
 * (non-empty), appended to topics: subscribes, and knows it has them all
 * when a marker it publishes to itself after the subscription comes back. */
int mq_retained(struct mq *m, const char *filter, struct pfg_strv *topics, char *err,
		size_t errlen);

/* Publish payload (may be "": removes a retained message) at QoS 1. */
int mq_publish(struct mq *m, const char *topic, const char *payload, int retain, char *err,
	       size_t errlen);

/* Wait until the broker acknowledged every publish. */
int mq_flush(struct mq *m, char *err, size_t errlen);

/* Stay connected for seconds (or until SIGINT or SIGTERM). Returns 0, or
 * PFG_ERUNTIME when the connection was lost. */
int mq_hold(struct mq *m, double seconds, char *err, size_t errlen);

/* Disconnect cleanly (no last will) and free m. NULL is a no-op. */
void mq_close(struct mq *m);

#endif
