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
