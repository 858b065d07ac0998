/* serve.c: the reports over HTTP with libmicrohttpd (see serve.h): routing,
 * the ingress prefix, the accept policy, and rendering each answer with
 * the report module into memory. */
#include "perfguard/serve.h"

#include "perfguard/report.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

struct pfg_serve {
	struct pfg_serve_opts o;
	struct MHD_Daemon *d;
	unsigned port;
};

/* What every answer carries besides its type and policy. */
static const char *const common_headers[][2] = {
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "no-referrer" },
	{ "Cache-Control", "no-store" },
};

/* The policy of answers that are not the HTML page: nothing runs. */
static const char plain_csp[] = "default-src 'none'; frame-ancestors 'self'";

/* Parse an address (see serve.h). */
int pfg_serve_addr_parse(const char *s, struct pfg_serve_addr *out, char *err,
			 size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, s, out->bytes) == 1) {
		out->family = AF_INET;
		return PFG_OK;
	}
	if (inet_pton(AF_INET6, s, out->bytes) == 1) {
		out->family = AF_INET6;
		return PFG_OK;
	}
	return pfg_error(err, errlen, PFG_EINPUT, "expected an IPv4 or IPv6 address such as "
			 "127.0.0.1 or ::1, got '%s'", s);
}

/* Nonzero for a byte allowed in an ingress path's segment. */
static int ingress_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

/* Whether to honour an X-Ingress-Path (see serve.h). */
int pfg_serve_ingress_ok(const char *s)
{
	size_t len = strlen(s);
	if (len < 2 || len > PFG_SERVE_INGRESS_MAX || s[0] != '/')
		return 0;
	const char *seg = s + 1;
	for (const char *p = s + 1;; p++) {
		if (*p == '/' || !*p) {
			size_t n = (size_t)(p - seg);
			/* A trailing '/' ends the path; any other empty segment is "//". */
			if ((n == 0 && *p) || (n == 1 && seg[0] == '.') ||
			    (n == 2 && seg[0] == '.' && seg[1] == '.'))
				return 0;
			if (!*p)
				return 1;
			seg = p + 1;
		} else if (!ingress_byte((unsigned char)*p)) {
			return 0;
		}
	}
}

/* Nonzero when the peer addr is among o's --allow addresses (an IPv4 one
 * also as its IPv4-mapped IPv6 form). */
static int peer_allowed(const struct pfg_serve_opts *o, const struct sockaddr *addr)
{
	const unsigned char *v4 = NULL, *v6 = NULL;
	if (addr->sa_family == AF_INET) {
		v4 = (const unsigned char *)&((const struct sockaddr_in *)addr)->sin_addr;
	} else if (addr->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)addr)->sin6_addr;
		v6 = a->s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a))
			v4 = a->s6_addr + 12;
	}
	for (size_t i = 0; i < o->n_allow; i++) {
		const struct pfg_serve_addr *w = &o->allow[i];
		if ((w->family == AF_INET && v4 && memcmp(w->bytes, v4, 4) == 0) ||
		    (w->family == AF_INET6 && v6 && memcmp(w->bytes, v6, 16) == 0))
			return 1;
	}
	return 0;
}

/* MHD's accept policy: every peer, or only the --allow ones. */
static enum MHD_Result accept_peer(void *cls, const struct sockaddr *addr, socklen_t len)
{
	const struct pfg_serve *s = cls;
	(void)len;
	return !s->o.n_allow || peer_allowed(&s->o, addr) ? MHD_YES : MHD_NO;
}

/* MHD's unescaping, turned off: the path is split into segments first and
 * each decoded on its own (decode_segment), so "%2F" stays inside one. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

/* The value of hex digit c, or -1. */
static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	     : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The n bytes at s percent-decoded into a new string, or NULL when an
 * escape is malformed or the result is empty or holds a control byte. */
static char *decode_segment(const char *s, size_t n)
{
	char *out = pfg_xmalloc(n + 1), *w = out;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int hi = i + 2 < n ? hex_value(s[i + 1]) : -1;
			int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
			if (lo < 0)
				goto bad;
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			goto bad;
		*w++ = (char)c;
	}
	*w = '\0';
	if (w > out)
		return out;
bad:
	free(out);
	return NULL;
}

/* "component/name" of a path "/benchmark/COMPONENT/NAME", or NULL. */
static char *bench_of_path(const char *url)
{
	static const char prefix[] = "/benchmark/";
	if (strncmp(url, prefix, sizeof prefix - 1) != 0)
		return NULL;
	const char *comp = url + sizeof prefix - 1;
	const char *slash = strchr(comp, '/');
	if (!slash || strchr(slash + 1, '/'))
		return NULL;
	char *c = decode_segment(comp, (size_t)(slash - comp));
	char *n = c ? decode_segment(slash + 1, strlen(slash + 1)) : NULL;
	char *full = n ? pfg_xasprintf("%s/%s", c, n) : NULL;
	free(c);
	free(n);
	return full;
}

/* Queue an answer of len bytes of body (taken over, freed by MHD). */
static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *type,
			      const char *csp, char *body, size_t len)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	for (size_t i = 0; i < sizeof common_headers / sizeof *common_headers; i++)
		MHD_add_response_header(r, common_headers[i][0], common_headers[i][1]);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "60");
	enum MHD_Result rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* A short plain-text answer. */
static enum MHD_Result answer_text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	char *body = pfg_xasprintf("%s\n", msg);
	return answer(c, status, "text/plain; charset=utf-8", plain_csp, body, strlen(body));
}

/* The report of bench (NULL: the whole suite) in format fmt, linked under
 * base, rendered from a fresh read of the database. */
static enum MHD_Result answer_report(const struct pfg_serve *s, struct MHD_Connection *c,
				     enum pfg_report_format fmt, const char *bench,
				     const char *base)
{
	char err[PFG_ERR_MAX];
	if (access(s->o.db_path, F_OK) != 0) /* never created by serving */
		return answer_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
				   "No results yet: run 'perfguard run' first.");
	struct pfg_store *st = NULL;
	struct pfg_report *r = NULL;
	struct pfg_report_opts o = { .benchmark = bench, .link_base = base };
	int rc = pfg_store_open(s->o.db_path, &st, err, sizeof err);
	if (rc == PFG_OK)
		rc = pfg_report_load(st, s->o.cfg, &o, &r, err, sizeof err);
	char *body = NULL;
	size_t len = 0;
	if (rc == PFG_OK) {
		FILE *f = open_memstream(&body, &len);
		rc = f ? pfg_report_write(r, fmt, f, err, sizeof err)
		       : pfg_error(err, sizeof err, PFG_ERUNTIME, "out of memory");
		if (f && fclose(f) != 0 && rc == PFG_OK)
			rc = pfg_error(err, sizeof err, PFG_ERUNTIME, "out of memory");
	}
	pfg_report_free(r);
	pfg_store_close(st);
	if (rc == PFG_ENOTFOUND) {
		free(body);
		return bench ? answer_text(c, MHD_HTTP_NOT_FOUND, "No such benchmark.")
			     : answer_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
					   "No results yet: run 'perfguard run' first.");
	}
	if (rc != PFG_OK) {
		free(body);
		fprintf(stderr, "perfguard serve: %s: %s\n", s->o.db_path, err);
		return answer_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				   "The report could not be read (see the server's log).");
	}
	return fmt == PFG_REPORT_JSON
		? answer(c, MHD_HTTP_OK, "application/json", plain_csp, body, len)
		: answer(c, MHD_HTTP_OK, "text/html; charset=utf-8", pfg_report_html_csp(),
			 body, len);
}

/* MHD's request handler: route a GET or HEAD once its request is read. */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version,
			      const char *upload_data, size_t *upload_size, void **state)
{
	static int seen;
	const struct pfg_serve *s = cls;
	(void)version;
	(void)upload_data;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return answer_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
				   "Method not allowed: this server is read-only (GET, HEAD).");
	if (!*state) { /* the headers: answer once any body is read */
		*state = &seen;
		return MHD_YES;
	}
	if (*upload_size) { /* a GET's body: ignored */
		*upload_size = 0;
		return MHD_YES;
	}
	const char *ingress = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Ingress-Path");
	char base[PFG_SERVE_INGRESS_MAX + 2] = "/";
	if (ingress && pfg_serve_ingress_ok(ingress))
		snprintf(base, sizeof base, "%s%s", ingress,
			 ingress[strlen(ingress) - 1] == '/' ? "" : "/");
	if (strcmp(url, "/") == 0)
		return answer_report(s, c, PFG_REPORT_HTML, NULL, base);
	if (strcmp(url, "/report.json") == 0)
		return answer_report(s, c, PFG_REPORT_JSON, NULL, base);
	char *bench = bench_of_path(url);
	if (!bench)
		return answer_text(c, MHD_HTTP_NOT_FOUND, "Not found.");
	enum MHD_Result rc = answer_report(s, c, PFG_REPORT_HTML, bench, base);
	free(bench);
	return rc;
}

/* The connection limit o asks for, within the file descriptors this
 * process may open (raising its soft limit to the hard one). */
static unsigned connection_limit(const struct pfg_serve_opts *o)
{
	unsigned want = o->connection_limit ? o->connection_limit : 512;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return want;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	/* Each request also opens the database (and its WAL files). */
	rlim_t room = rl.rlim_cur > 128 ? (rl.rlim_cur - 64) / 2 : 16;
	return room < want ? (unsigned)room : want;
}

/* Start the daemon (see serve.h). */
int pfg_serve_start(const struct pfg_serve_opts *o, struct pfg_serve **out, char *err,
		    size_t errlen)
{
	*out = NULL;
	struct pfg_serve *s = pfg_xcalloc(1, sizeof *s);
	s->o = *o;
	if (!s->o.bind.family) {
		s->o.bind.family = AF_INET;
		memcpy(s->o.bind.bytes, "\x7f\0\0\x01", 4);
	}
	struct sockaddr_storage sa;
	memset(&sa, 0, sizeof sa);
	unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD;
	if (s->o.bind.family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&sa;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)o->port);
		memcpy(&a->sin_addr, s->o.bind.bytes, 4);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&sa;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)o->port);
		memcpy(&a->sin6_addr, s->o.bind.bytes, 16);
		/* "::" takes IPv4 peers too (as IPv4-mapped addresses). */
		flags |= IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr) ? MHD_USE_DUAL_STACK
								: MHD_USE_IPv6;
	}
	errno = 0;
	s->d = MHD_start_daemon(flags, (uint16_t)o->port, accept_peer, s, handle, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_THREAD_POOL_SIZE, o->threads ? o->threads : 4u,
				MHD_OPTION_CONNECTION_LIMIT, connection_limit(o),
				MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s ? o->timeout_s : 15u,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
				MHD_OPTION_LISTEN_BACKLOG_SIZE, 512u,
				MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
				MHD_OPTION_END);
	if (!s->d) {
		char host[INET6_ADDRSTRLEN];
		inet_ntop(s->o.bind.family, s->o.bind.bytes, host, sizeof host);
		int e = errno;
		free(s);
		return pfg_error(err, errlen, PFG_ERUNTIME, "cannot listen on %s port %u%s%s",
				 host, o->port, e ? ": " : "", e ? strerror(e) : "");
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : o->port;
	*out = s;
	return PFG_OK;
}

/* The port listened on. */
unsigned pfg_serve_port(const struct pfg_serve *s)
{
	return s->port;
}

/* Stop and free s. */
void pfg_serve_stop(struct pfg_serve *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	free(s);
}
