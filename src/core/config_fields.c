/* config_fields.c: readers of JSON fields for the config loader, each
 * checking type and range and reporting a problem with its line. */
#include "config_int.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copy s[0..n) into buf (len bytes, always terminated) as one printable
 * line: newline, return and tab as \n, \r, \t, other control characters
 * as \xHH. A value or key can hold any of them, and a message is one line. */
void cfg_escape_line(const char *s, size_t n, char *buf, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 5 < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' || c == '\r' || c == '\t') {
			buf[o++] = '\\';
			buf[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o] = '\0';
}


const struct jsonpos *cfg_pos(struct loader *ld)
{
	if (!ld->scanned) {
		jsonpos_scan(ld->text, &ld->pos);
		ld->scanned = 1;
	}
	return &ld->pos;
}

void cfg_problem(struct loader *ld, const char *path, const char *fmt, ...)
{
	va_list ap;
	char msg[512], line[1024];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char *raw = pfg_xasprintf("%s:%d: %s%s%s", ld->file, jsonpos_line(cfg_pos(ld), path),
				  path, *path ? ": " : "", msg);
	cfg_escape_line(raw, strlen(raw), line, sizeof line);
	free(raw);
	pfg_strv_push(ld->errors, line);
}

/* What item at path is, shortened, for "got ..." in messages: a number as
 * its source text (cJSON turns 1e999 into inf and prints null), a string
 * quoted with its control characters escaped, else its JSON. */
void cfg_describe(struct loader *ld, const char *path, const cJSON *item,
		     char *buf, size_t len)
{
	char tmp[256];
	size_t n;
	const char *raw = cJSON_IsNumber(item) ? jsonpos_raw(cfg_pos(ld), path, &n) : NULL;
	if (raw) {
		cfg_escape_line(raw, n, tmp, sizeof tmp);
	} else if (cJSON_IsNumber(item)) {
		if (isfinite(item->valuedouble))
			snprintf(tmp, sizeof tmp, "%.17g", item->valuedouble);
		else
			snprintf(tmp, sizeof tmp, "a number too large");
	} else if (cJSON_IsString(item)) {
		char esc[200];
		cfg_escape_line(item->valuestring, strlen(item->valuestring), esc, sizeof esc);
		snprintf(tmp, sizeof tmp, "\"%s\"", esc);
	} else {
		char *s = cJSON_PrintUnformatted(item);
		snprintf(tmp, sizeof tmp, "%.200s", s ? s : "?");
		free(s);
	}
	if (strlen(tmp) > 40)
		snprintf(buf, len, "%.37s...", tmp);
	else
		snprintf(buf, len, "%s", tmp);
}

/* Join a parent path and a key. Caller frees. */
char *cfg_join(const char *path, const char *key)
{
	return *path ? pfg_xasprintf("%s.%s", path, key) : pfg_xstrdup(key);
}

/* Report members of obj whose key is not in allowed, and duplicate keys. */
void cfg_check_keys(struct loader *ld, const cJSON *obj, const char *path,
		       const char *const *allowed)
{
	for (const cJSON *it = obj->child; it; it = it->next) {
		char *p = cfg_join(path, it->string);
		int known = 0;
		for (const char *const *a = allowed; *a; a++)
			known |= strcmp(*a, it->string) == 0;
		if (!known) {
			char list[256] = "";
			for (const char *const *a = allowed; *a; a++) {
				strncat(list, *a, sizeof list - strlen(list) - 3);
				if (a[1])
					strncat(list, ", ", sizeof list - strlen(list) - 1);
			}
			cfg_problem(ld, p, "unknown key (expected one of: %s)", list);
		}
		for (const cJSON *prev = obj->child; prev != it; prev = prev->next)
			if (strcmp(prev->string, it->string) == 0) {
				cfg_problem(ld, p, "duplicate key");
				break;
			}
		free(p);
	}
}

/* Read an integer member in [min, max] into *out; absent leaves *out as
 * it is. */
void cfg_get_int(struct loader *ld, const cJSON *obj, const char *path,
		    const char *key, int min, int max, int *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!it)
		return;
	double v = it->valuedouble;
	if (cJSON_IsNumber(it) && v == floor(v) && v >= min && v <= max) {
		*out = (int)v;
		return;
	}
	char got[64], *p = cfg_join(path, key);
	cfg_describe(ld, p, it, got, sizeof got);
	cfg_problem(ld, p, "expected an integer between %d and %d, got %s", min, max, got);
	free(p);
}

/* Read a number member in [lo, hi] (or exactly 0 when zero says what 0
 * means) into *out; what names the quantity ("a number of seconds"). */
void cfg_get_number(struct loader *ld, const cJSON *obj, const char *path,
		       const char *key, const char *what, double lo, double hi,
		       const char *zero, double *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!it)
		return;
	double v = it->valuedouble;
	if (cJSON_IsNumber(it) && isfinite(v) && ((v >= lo && v <= hi) || (zero && v == 0))) {
		*out = v;
		return;
	}
	char got[64], *p = cfg_join(path, key);
	cfg_describe(ld, p, it, got, sizeof got);
	cfg_problem(ld, p, "expected %s between %g and %g%s%s%s, got %s", what, lo, hi,
		zero ? " (0: " : "", zero ? zero : "", zero ? ")" : "", got);
	free(p);
}

/* Read a timeout member: 0 (none) or seconds in a range a run can take. */
void cfg_get_timeout(struct loader *ld, const cJSON *obj, const char *path,
			double *out)
{
	cfg_get_number(ld, obj, path, "timeout", "a number of seconds", PFG_TIMEOUT_MIN_S,
		   PFG_TIMEOUT_MAX_S, "no timeout", out);
}

/* The string member key, or NULL (reported when present but not a string,
 * or when required and absent). */
const char *cfg_get_string(struct loader *ld, const cJSON *obj,
			      const char *path, const char *key, int required)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	char *p = cfg_join(path, key);
	const char *s = NULL;
	if (!it) {
		if (required)
			cfg_problem(ld, path, "missing required key \"%s\"", key);
	} else if (!cJSON_IsString(it) || !*it->valuestring) {
		char got[64];
		cfg_describe(ld, p, it, got, sizeof got);
		cfg_problem(ld, p, "expected a non-empty string, got %s", got);
	} else {
		s = it->valuestring;
	}
	free(p);
	return s;
}

/* Nonzero when s is a usable component or benchmark name. */
int cfg_valid_name(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return 0;
	return 1;
}

/* A name member: required, non-empty, letters, digits, '_', '.', '-'. */
const char *cfg_get_name(struct loader *ld, const cJSON *obj, const char *path)
{
	const char *s = cfg_get_string(ld, obj, path, "name", 1);
	if (s && !cfg_valid_name(s)) {
		char *p = cfg_join(path, "name");
		cfg_problem(ld, p, "expected letters, digits, '_', '.' or '-', got \"%s\"", s);
		free(p);
		return NULL;
	}
	return s;
}

/* Check the members of an object member named key; returns it or NULL. */
const cJSON *cfg_get_object(struct loader *ld, const cJSON *obj,
			      const char *path, const char *key,
			      const char *const *allowed)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!it)
		return NULL;
	char *p = cfg_join(path, key);
	if (!cJSON_IsObject(it)) {
		char got[64];
		cfg_describe(ld, p, it, got, sizeof got);
		cfg_problem(ld, p, "expected an object, got %s", got);
		it = NULL;
	} else {
		cfg_check_keys(ld, it, p, allowed);
	}
	free(p);
	return it;
}

/* A string member that must be one of the names parse accepts. */
void cfg_get_choice(struct loader *ld, const cJSON *obj, const char *path,
		       const char *key, const char *choices,
		       int (*parse)(const char *, void *), void *out)
{
	const char *s = cfg_get_string(ld, obj, path, key, 0);
	if (s && parse(s, out) != 0) {
		char *p = cfg_join(path, key);
		cfg_problem(ld, p, "expected one of %s, got \"%s\"", choices, s);
		free(p);
	}
}

/* A boolean member. */
void cfg_get_bool(struct loader *ld, const cJSON *obj, const char *path,
		     const char *key, int *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!it)
		return;
	if (cJSON_IsBool(it)) {
		*out = cJSON_IsTrue(it);
		return;
	}
	char got[64], *p = cfg_join(path, key);
	cfg_describe(ld, p, it, got, sizeof got);
	cfg_problem(ld, p, "expected true or false, got %s", got);
	free(p);
}

/* The named array member, reported when absent, empty or not an array. */
const cJSON *cfg_get_array(struct loader *ld, const cJSON *obj,
			      const char *path, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!it) {
		cfg_problem(ld, path, "missing required key \"%s\"", key);
		return NULL;
	}
	if (cJSON_IsArray(it) && cJSON_GetArraySize(it) > 0)
		return it;
	char got[64], *p = cfg_join(path, key);
	cfg_describe(ld, p, it, got, sizeof got);
	cfg_problem(ld, p, "expected a non-empty array, got %s", got);
	free(p);
	return NULL;
}
