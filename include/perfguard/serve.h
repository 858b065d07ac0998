/* serve.h: `perfguard serve`: the reports over HTTP, read-only, with
 * libmicrohttpd. GET or HEAD of
 *
 *   /                              the suite's state as the HTML report
 *   /report.json                   the same as the JSON report
 *   /benchmark/COMPONENT/NAME      one benchmark's HTML page (each segment
 *                                  percent-decoded on its own)
 *
 * each rendered by the report module (report.h) from a fresh read of the
 * database; any other method is 405, any other path 404. Behind Home
 * Assistant's ingress proxy the links carry the X-Ingress-Path header's
 * prefix when it is a safe path (else the header is ignored). The daemon
 * runs in its own threads (a small pool, each polling its connections)
 * with a connection limit and an idle timeout, so slow clients hold a
 * connection, not a thread. */
#ifndef PERFGUARD_SERVE_H
#define PERFGUARD_SERVE_H

#include <stddef.h>
#include <sys/socket.h>

#include "perfguard/config.h"

/* The most --allow addresses. */
#define PFG_SERVE_ALLOW_MAX 16

/* The longest X-Ingress-Path honoured, in bytes. */
#define PFG_SERVE_INGRESS_MAX 256

/* An IPv4 or IPv6 address (--bind, --allow). */
struct pfg_serve_addr {
	int family;                 /* AF_INET or AF_INET6 */
	unsigned char bytes[16];    /* 4 or 16 of them, network order */
};

/* What to serve and how. */
struct pfg_serve_opts {
	const char *db_path;        /* read per request; never created */
	const struct pfg_config *cfg; /* may be NULL; borrowed until stopped */
	struct pfg_serve_addr bind; /* zero: 127.0.0.1 */
	unsigned port;              /* 0: a free port (pfg_serve_port) */
	struct pfg_serve_addr allow[PFG_SERVE_ALLOW_MAX];
	size_t n_allow;             /* 0: every peer accepted */
	unsigned threads;           /* 0: 4 */
	unsigned connection_limit;  /* 0: 512 (less when file descriptors are) */
	unsigned timeout_s;         /* idle seconds before a connection is
				       closed; 0: 15 */
};

struct pfg_serve;

/* Parse s, an IPv4 or IPv6 address, into *out. Returns 0, or PFG_EINPUT
 * (err filled: what was expected). */
int pfg_serve_addr_parse(const char *s, struct pfg_serve_addr *out, char *err,
			 size_t errlen);

/* Nonzero when s is an X-Ingress-Path to honour: '/' then segments of
 * letters, digits and "-._~", none empty, "." or "..", at most
 * PFG_SERVE_INGRESS_MAX bytes. */
int pfg_serve_ingress_ok(const char *s);

/* Start serving o (copied) in the daemon's own threads. Returns 0 with
 * *out set, or PFG_ERUNTIME (err filled: the address could not be bound). */
int pfg_serve_start(const struct pfg_serve_opts *o, struct pfg_serve **out, char *err,
		    size_t errlen);

/* The port listened on (the one chosen when o->port was 0). */
unsigned pfg_serve_port(const struct pfg_serve *s);

/* Stop accepting, close every connection, join the threads, free s. */
void pfg_serve_stop(struct pfg_serve *s);

#endif
