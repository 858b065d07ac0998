/* deliver.c: posting a body to a target with libcurl: timeouts, TLS
 * verification, retries of what may pass later, an HMAC signature, and
 * errors that never show a URL or a secret. */
#include "perfguard/notify.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RESPONSE_MAX 4096        /* bytes of a response body kept */

void pfg_notify_mask_url(const char *url, char *buf, size_t len)
{
	const char *scheme_end = strstr(url, "://");
	if (!scheme_end) {
		snprintf(buf, len, "(not a URL)");
		return;
	}
	const char *host = scheme_end + 3;
	size_t host_len = strcspn(host, "/?#");
	/* user:password@host: the user part is a secret too. */
	const char *at = memchr(host, '@', host_len);
	if (at) {
		host_len -= (size_t)(at + 1 - host);
		host = at + 1;
	}
	int more = host[host_len] != '\0';
	snprintf(buf, len, "%.*s%.*s%s", (int)(scheme_end + 3 - url), url, (int)host_len, host,
		 more ? "/..." : "");
}

/* The URL of t (NULL with why in buf when there is none). */
static const char *target_url(const struct pfg_notify_target *t, char *why, size_t len)
{
	if (t->url)
		return t->url;
	const char *v = getenv(t->url_env);
	if (!v || !*v) {
		snprintf(why, len, "$%s is not set", t->url_env);
		return NULL;
	}
	if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) {
		snprintf(why, len, "$%s does not hold an http:// or https:// URL", t->url_env);
		return NULL;
	}
	return v;
}

/* The bearer token of a homeassistant target, or NULL. */
static const char *target_token(const struct pfg_notify_target *t)
{
	if (t->token)
		return t->token;
	const char *v = t->token_env ? getenv(t->token_env) : NULL;
	return v && *v ? v : NULL;
}

char *pfg_notify_ha_api_url(const char *base)
{
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	if (n >= 4 && strncmp(base + n - 4, "/api", 4) == 0)
		return strndup(base, n);
	return pfg_xasprintf("%.*s/api", (int)n, base);
}

/* The secret of a webhook target, or NULL. */
static const char *target_secret(const struct pfg_notify_target *t)
{
	if (t->secret)
		return t->secret;
	const char *v = t->secret_env ? getenv(t->secret_env) : NULL;
	return v && *v ? v : NULL;
}

int pfg_notify_describe_url(const struct pfg_notify_target *t, char *buf, size_t len)
{
	const char *url = target_url(t, buf, len);
	if (!url)
		return -1;
	pfg_notify_mask_url(url, buf, len);
	return 0;
}

/* Replace every occurrence of secret (when at least 4 bytes) in text with
 * "***", in place. */
static void scrub(char *text, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	if (n < 4)
		return;
	char *p;
	while ((p = strstr(text, secret))) {
		memcpy(p, "***", 3);
		memmove(p + 3, p + n, strlen(p + n) + 1);
	}
}

/* Remove from text the URL, its path and query, and the secret. */
static void scrub_all(char *text, const char *url, const char *secret)
{
	scrub(text, url);
	const char *s = strstr(url, "://");
	if (s) {
		const char *path = s + 3 + strcspn(s + 3, "/?#");
		scrub(text, path);
		const char *at = memchr(s + 3, '@', (size_t)(path - s - 3));
		if (at) {
			char *user = strndup(s + 3, (size_t)(at - s - 3));
			scrub(text, user);
			free(user);
		}
	}
	scrub(text, secret);
}

/* What a request came back with. */
struct response {
	char body[RESPONSE_MAX + 1];
	size_t len;
	double retry_after;       /* seconds from Retry-After; -1: none */
};

/* libcurl write callback: keep the first RESPONSE_MAX bytes. */
static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct response *r = ctx;
	size_t len = size * n, room = RESPONSE_MAX - r->len;
	size_t take = len < room ? len : room;
	memcpy(r->body + r->len, data, take);
	r->len += take;
	r->body[r->len] = '\0';
	return len;
}

/* libcurl header callback: note Retry-After in seconds. */
static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
	struct response *r = ctx;
	size_t len = size * n;
	static const char name[] = "retry-after:";
	if (len > sizeof name - 1 && strncasecmp(data, name, sizeof name - 1) == 0) {
		char v[64];
		size_t vl = len - (sizeof name - 1);
		snprintf(v, sizeof v, "%.*s", (int)(vl < 63 ? vl : 63), data + sizeof name - 1);
		char *end;
		double s = strtod(v, &end);
		if (end != v && isfinite(s) && s >= 0)
			r->retry_after = s;
	}
	return len;
}

/* Discord's {"retry_after": seconds} in a 429's body, or -1. */
static double json_retry_after(const char *body)
{
	cJSON *j = cJSON_Parse(body);
	double s = -1;
	const cJSON *ra = cJSON_GetObjectItemCaseSensitive(j, "retry_after");
	if (cJSON_IsNumber(ra) && isfinite(ra->valuedouble) && ra->valuedouble >= 0)
		s = ra->valuedouble;
	cJSON_Delete(j);
	return s;
}

/* "X-Perfguard-Signature-256: sha256=HEX" of body with secret. */
static void signature_header(const char *secret, const char *body, char *buf, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)body,
	     strlen(body), md, &md_len);
	size_t o = (size_t)snprintf(buf, len, "X-Perfguard-Signature-256: sha256=");
	for (unsigned i = 0; i < md_len && o + 3 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%02x", md[i]);
}

/* Nonzero for a curl failure worth another attempt: the connection. */
static int retryable_curl(CURLcode c)
{
	return c == CURLE_COULDNT_CONNECT || c == CURLE_COULDNT_RESOLVE_HOST ||
	       c == CURLE_COULDNT_RESOLVE_PROXY || c == CURLE_OPERATION_TIMEDOUT ||
	       c == CURLE_SEND_ERROR || c == CURLE_RECV_ERROR || c == CURLE_GOT_NOTHING ||
	       c == CURLE_PARTIAL_FILE;
}

/* curl_global_init once per process. */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Nonzero once cancel_fd (when >= 0) is readable: waiting at most ms. */
static int cancelled(int cancel_fd, int ms)
{
	if (cancel_fd < 0) {
		if (ms > 0) {
			struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
			while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
				;
		}
		return 0;
	}
	struct pollfd p = { .fd = cancel_fd, .events = POLLIN };
	int64_t end = pfg_now_ns() + (int64_t)ms * 1000000;
	for (;;) {
		int rc = poll(&p, 1, ms);
		if (rc > 0)
			return 1;
		if (rc == 0 || errno != EINTR)
			return 0;
		int64_t left = end - pfg_now_ns();
		ms = left > 0 ? (int)(left / 1000000) : 0;
	}
}

/* libcurl progress callback: abort the transfer once cancelled. */
static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return cancelled(*(const int *)ctx, 0);
}

/* One request. Returns the curl code; *http gets the status (0: none). */
static CURLcode request(const struct pfg_notify_target *t, const char *url,
			const struct curl_slist *headers, const char *body, const int *cancel_fd,
			struct response *r, long *http, char *cerr)
{
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(cerr, CURL_ERROR_SIZE, "libcurl could not start a request");
		return CURLE_FAILED_INIT;
	}
	memset(r, 0, sizeof *r);
	r->retry_after = -1;
	cerr[0] = '\0';
	long total_ms = (long)(t->timeout_s * 1000);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "perfguard/" PFG_VERSION);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, total_ms < 10000 ? total_ms : 10000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, total_ms);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (t->ca_bundle)
		curl_easy_setopt(c, CURLOPT_CAINFO, t->ca_bundle);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	if (*cancel_fd >= 0) {
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, cancel_fd);
	}
	CURLcode rc = curl_easy_perform(c);
	*http = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, http);
	curl_easy_cleanup(c);
	return rc;
}

/* The start of a response body as one printable line into buf. */
static void body_excerpt(const struct response *r, char *buf, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < r->len && o + 1 < len && o < 120; i++) {
		unsigned char ch = (unsigned char)r->body[i];
		buf[o++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
	}
	buf[o] = '\0';
}

void pfg_notify_post(const struct pfg_notify_target *t, const char *body, int cancel_fd,
		     struct pfg_notify_outcome *out)
{
	if (t->kind != PFG_NOTIFY_HOMEASSISTANT) {
		pfg_notify_request(t, NULL, body, cancel_fd, out, NULL);
		return;
	}
	/* Home Assistant's API lives under /api of its base URL. */
	char why[200];
	const char *base = target_url(t, why, sizeof why);
	size_t n = base ? strlen(base) : 0;
	while (n && base[n - 1] == '/')
		n--;
	int has_api = n >= 4 && strncmp(base + n - 4, "/api", 4) == 0;
	pfg_notify_request(t, has_api ? "/services/persistent_notification/create"
			   : "/api/services/persistent_notification/create", body, cancel_fd,
			   out, NULL);
}

void pfg_notify_request(const struct pfg_notify_target *t, const char *path,
			const char *body, int cancel_fd, struct pfg_notify_outcome *out,
			char **response)
{
	char why[200];
	out->status = PFG_NOTIFY_FAILED;
	out->http_status = 0;
	out->attempts = 0;
	out->error[0] = '\0';
	if (response)
		*response = NULL;
	const char *base = target_url(t, why, sizeof why);
	if (!base) {
		snprintf(out->error, sizeof out->error, "%s", why);
		return;
	}
	const char *token = t->kind == PFG_NOTIFY_HOMEASSISTANT ? target_token(t) : NULL;
	if (t->kind == PFG_NOTIFY_HOMEASSISTANT && !token) {
		snprintf(out->error, sizeof out->error, "$%s is not set (the bearer token)",
			 t->token_env ? t->token_env : "?");
		return;
	}
	if (cancelled(cancel_fd, 0)) {
		out->status = PFG_NOTIFY_PENDING;
		snprintf(out->error, sizeof out->error, "not sent: cancelled");
		return;
	}
	size_t bn = strlen(base);
	while (path && bn && base[bn - 1] == '/')
		bn--;
	char *url = pfg_xasprintf("%.*s%s", (int)bn, base, path ? path : "");
	pthread_once(&curl_once, curl_init_once);
	const char *secret = t->kind == PFG_NOTIFY_WEBHOOK ? target_secret(t) : NULL;
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	headers = curl_slist_append(headers, "Expect:");
	if (secret && body) {
		char sig[160];
		signature_header(secret, body, sig, sizeof sig);
		headers = curl_slist_append(headers, sig);
	}
	if (token) {
		char *auth = pfg_xasprintf("Authorization: Bearer %s", token);
		headers = curl_slist_append(headers, auth);
		free(auth);
		secret = token; /* scrubbed from errors below */
	}
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, (unsigned long)pfg_now_ns() ^ (unsigned long)getpid());
	struct response *r = pfg_xmalloc(sizeof *r);
	char cerr[CURL_ERROR_SIZE];
	for (int attempt = 1; attempt <= PFG_NOTIFY_MAX_ATTEMPTS; attempt++) {
		long http = 0;
		CURLcode rc = request(t, url, headers, body, &cancel_fd, r, &http, cerr);
		out->attempts = attempt;
		out->http_status = (int)http;
		int retry;
		if (rc == CURLE_ABORTED_BY_CALLBACK) {
			out->status = PFG_NOTIFY_PENDING;
			snprintf(out->error, sizeof out->error, "cancelled while sending");
			break;
		}
		if (rc != CURLE_OK) {
			snprintf(out->error, sizeof out->error, "%s", *cerr ? cerr
				 : curl_easy_strerror(rc));
			retry = retryable_curl(rc);
		} else if (http >= 200 && http < 300) {
			out->status = PFG_NOTIFY_SENT;
			out->error[0] = '\0';
			if (response)
				*response = strndup(r->body, r->len);
			break;
		} else {
			char excerpt[128];
			body_excerpt(r, excerpt, sizeof excerpt);
			snprintf(out->error, sizeof out->error, "HTTP %ld%s%s", http,
				 *excerpt ? ": " : "", excerpt);
			retry = http == 429 || http >= 500;
		}
		if (!retry) {
			out->status = PFG_NOTIFY_FAILED;
			break;
		}
		out->status = PFG_NOTIFY_PENDING;
		if (attempt == PFG_NOTIFY_MAX_ATTEMPTS)
			break;
		double wait = r->retry_after;
		if (wait < 0 && http == 429)
			wait = json_retry_after(r->body);
		if (wait < 0)
			wait = PFG_NOTIFY_BACKOFF_S * pow(2, attempt - 1) *
			       (0.5 + gsl_rng_uniform(rng));
		if (wait > PFG_NOTIFY_MAX_WAIT_S) {
			size_t o = strlen(out->error);
			snprintf(out->error + o, sizeof out->error - o, " (asked to wait %.0f s: "
				 "left for the next run)", wait);
			break;
		}
		if (cancelled(cancel_fd, (int)(wait * 1000))) {
			size_t o = strlen(out->error);
			snprintf(out->error + o, sizeof out->error - o, " (cancelled before "
				 "the next attempt)");
			break;
		}
	}
	free(r);
	gsl_rng_free(rng);
	curl_slist_free_all(headers);
	scrub_all(out->error, url, secret);
	scrub_all(out->error, base, NULL);
	free(url);
}
