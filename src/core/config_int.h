/* config_int.h (private to core's config loader): the state validation
 * carries, and the readers of JSON fields that report each problem once,
 * as "file:line: path: message" on one line. */
#ifndef PERFGUARD_CONFIG_INT_H
#define PERFGUARD_CONFIG_INT_H

#include "perfguard/config.h"

#include "jsonpos.h"

#include <cjson/cJSON.h>

/* What validation carries along: where messages point and where they go. */
struct loader {
	const char *file;
	const char *dir;
	const char *text;     /* the config's JSON, for cfg_pos() */
	struct jsonpos pos;   /* where each value is: read by cfg_pos() only */
	int scanned;          /* pos is filled */
	struct pfg_strv *errors;
};

/* Where each value of the config lies (its line, its source text): the
 * text scanned on the first call, as only a problem needs it. */
const struct jsonpos *cfg_pos(struct loader *ld);

/* Copy s[0..n) into buf (len bytes, always terminated) as one printable
 * line: newline, return and tab as \n, \r, \t, other control characters
 * as \xHH. A value or key can hold any of them, and a message is one line. */
void cfg_escape_line(const char *s, size_t n, char *buf, size_t len);

/* Add "file:line: path: message" to the errors, on one line. */
void cfg_problem(struct loader *ld, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What item at path is, shortened, for "got ..." in messages: a number as
 * its source text (cJSON turns 1e999 into inf and prints null), a string
 * quoted with its control characters escaped, else its JSON. */
void cfg_describe(struct loader *ld, const char *path, const cJSON *item,
		     char *buf, size_t len);

/* Join a parent path and a key. Caller frees. */
char *cfg_join(const char *path, const char *key);

/* Report members of obj whose key is not in allowed, and duplicate keys. */
void cfg_check_keys(struct loader *ld, const cJSON *obj, const char *path,
		       const char *const *allowed);

/* Read an integer member in [min, max] into *out; absent leaves *out as
 * it is. */
void cfg_get_int(struct loader *ld, const cJSON *obj, const char *path,
		    const char *key, int min, int max, int *out);

/* Read a number member in [lo, hi] (or exactly 0 when zero says what 0
 * means) into *out; what names the quantity ("a number of seconds"). */
void cfg_get_number(struct loader *ld, const cJSON *obj, const char *path,
		       const char *key, const char *what, double lo, double hi,
		       const char *zero, double *out);

/* Read a timeout member: 0 (none) or seconds in a range a run can take. */
void cfg_get_timeout(struct loader *ld, const cJSON *obj, const char *path,
			double *out);

/* The string member key, or NULL (reported when present but not a string,
 * or when required and absent). */
const char *cfg_get_string(struct loader *ld, const cJSON *obj,
			      const char *path, const char *key, int required);

/* Nonzero when s is a usable component or benchmark name. */
int cfg_valid_name(const char *s);

/* A name member: required, non-empty, letters, digits, '_', '.', '-'. */
const char *cfg_get_name(struct loader *ld, const cJSON *obj, const char *path);

/* Check the members of an object member named key; returns it or NULL. */
const cJSON *cfg_get_object(struct loader *ld, const cJSON *obj,
			      const char *path, const char *key,
			      const char *const *allowed);

/* A string member that must be one of the names parse accepts. */
void cfg_get_choice(struct loader *ld, const cJSON *obj, const char *path,
		       const char *key, const char *choices,
		       int (*parse)(const char *, void *), void *out);

/* A boolean member. */
void cfg_get_bool(struct loader *ld, const cJSON *obj, const char *path,
		     const char *key, int *out);

/* The named array member, reported when absent, empty or not an array. */
const cJSON *cfg_get_array(struct loader *ld, const cJSON *obj,
			      const char *path, const char *key);

/* Read the "notify" targets into cfg (config_notify.c); a literal URL or
 * secret loads with a warning in cfg->warnings. */
void cfg_load_notify(struct loader *ld, const cJSON *root, struct pfg_config *cfg);

/* Read the "homeassistant" section into cfg->ha (config_ha.c). */
void cfg_load_ha(struct loader *ld, const cJSON *root, struct pfg_config *cfg);

/* Free what cfg->ha owns. */
void cfg_ha_free(struct pfg_config *cfg);

/* Nonzero when s is a usable environment variable name. */
int cfg_valid_env_name(const char *s);

/* Free the targets and the warnings of cfg. */
void cfg_notify_free(struct pfg_config *cfg);

#endif
