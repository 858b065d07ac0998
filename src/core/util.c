/* util.c: allocation wrappers, error buffers, clocks, small helpers. */
#include "perfguard/util.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Print why and abort: the rest of the code never checks malloc. */
static void out_of_memory(size_t n)
{
	fprintf(stderr, "perfguard: out of memory allocating %zu bytes\n", n);
	abort();
}

void *pfg_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *pfg_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		out_of_memory(count * size);
	return p;
}

void *pfg_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

char *pfg_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(pfg_xmalloc(n), s, n);
}

/* vasprintf that aborts on failure. */
static char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		out_of_memory(strlen(fmt));
	return s;
}

char *pfg_xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

int pfg_error(char *err, size_t errlen, int code, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

int64_t pfg_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

double pfg_wall_time(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void pfg_format_time(double epoch, char *buf, size_t len)
{
	time_t t = (time_t)epoch;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

int pfg_glob_match(const char *pattern, const char *s)
{
	return fnmatch(pattern, s, 0) == 0;
}

char *pfg_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		pfg_error(err, errlen, PFG_EINPUT, "%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = pfg_xmalloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0)
			buf = pfg_xrealloc(buf, cap *= 2);
	}
	if (ferror(f)) {
		pfg_error(err, errlen, PFG_EINPUT, "%s: read error: %s", path,
			  strerror(errno));
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

void pfg_strv_push(struct pfg_strv *sv, const char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = pfg_xrealloc(sv->v, sv->cap * sizeof *sv->v);
	}
	sv->v[sv->n++] = pfg_xstrdup(s);
	sv->v[sv->n] = NULL;
}

void pfg_strv_pushf(struct pfg_strv *sv, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	pfg_strv_push(sv, s);
	free(s);
}

void pfg_strv_release(struct pfg_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

void pfg_format_value(double v, const char *unit, char *buf, size_t len)
{
	static const char *time_units[] = { "ns", "us", "ms", "s" };
	static const char *size_units[] = { "KiB", "MiB", "GiB" };
	int ti = -1, si = -1;
	for (int i = 0; i < 4; i++)
		if (strcmp(unit, time_units[i]) == 0)
			ti = i;
	for (int i = 0; i < 3; i++)
		if (strcmp(unit, size_units[i]) == 0)
			si = i;
	if (ti >= 0) {
		double a = v < 0 ? -v : v;
		while (ti < 3 && a >= 1000) {
			v /= 1000, a /= 1000, ti++;
		}
		while (ti > 0 && a < 1 && a > 0) {
			v *= 1000, a *= 1000, ti--;
		}
		snprintf(buf, len, "%.3g %s", v, time_units[ti]);
	} else if (si >= 0) {
		while (si < 2 && (v >= 1024 || v <= -1024)) {
			v /= 1024, si++;
		}
		snprintf(buf, len, "%.3g %s", v, size_units[si]);
	} else {
		static const char *prefix[] = { "", "k", "M", "G", "T" };
		int k = 0;
		while (k < 4 && (v >= 1e3 || v <= -1e3)) {
			v /= 1000, k++;
		}
		snprintf(buf, len, "%.3g%s%s%s", v, k || *unit ? " " : "",
			 prefix[k], unit);
	}
}

int pfg_utf8_decode(const char *s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c = p[0], min;
	int need;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		need = 1, c &= 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		need = 2, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 3, c &= 0x07, min = 0x10000;
	else
		return -1; /* a continuation byte, an overlong lead (c0, c1) or > f4 */
	for (int i = 1; i <= need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -i; /* truncated: skip what was well-formed so far */
		c = c << 6 | (p[i] & 0x3f);
		/* Reject as soon as the prefix can only be an overlong form, a
		 * surrogate or beyond U+10FFFF (the maximal well-formed subpart). */
		if (i == 1 && need >= 2) {
			uint32_t top = c << 6 * (need - 1);
			if (top < min || (top >= 0xd800 && top <= 0xdfff) || top > 0x10ffff)
				return -1;
		}
	}
	*cp = c;
	return need + 1;
}

char *pfg_utf8_sanitize(const char *s)
{
	size_t n = strlen(s), at = 0;
	/* Each bad byte becomes at most 3 bytes (U+FFFD). */
	char *out = pfg_xmalloc(3 * n + 1);
	while (*s) {
		uint32_t cp;
		int k = pfg_utf8_decode(s, &cp);
		if (k > 0) {
			memcpy(out + at, s, (size_t)k);
			at += (size_t)k;
			s += k;
		} else {
			memcpy(out + at, "\xef\xbf\xbd", 3);
			at += 3;
			s += -k;
		}
	}
	out[at] = '\0';
	return out;
}

int pfg_utf8_valid(const char *s)
{
	uint32_t cp;
	for (int k; *s; s += k)
		if ((k = pfg_utf8_decode(s, &cp)) < 0)
			return 0;
	return 1;
}
