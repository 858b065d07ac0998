/* jsonpos.c: a small JSON walker that records the line of each value. */
#include "jsonpos.h"

#include "perfguard/util.h"

#include <stdlib.h>
#include <string.h>

struct scanner {
	const char *p;
	int line;
	struct jsonpos *map;
	int nul; /* the last string scanned held \u0000 */
};

/* Remember that path starts at line; returns its index in map. */
static size_t record(struct jsonpos *map, const char *path, int line)
{
	if (map->n == map->cap) {
		map->cap = map->cap ? map->cap * 2 : 64;
		map->v = pfg_xrealloc(map->v, map->cap * sizeof *map->v);
	}
	map->v[map->n] = (struct jsonpos_entry){ pfg_xstrdup(path), line, NULL, 0, 0 };
	return map->n++;
}

/* Skip whitespace, counting newlines. */
static void skip_ws(struct scanner *s)
{
	while (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r') {
		if (*s->p == '\n')
			s->line++;
		s->p++;
	}
}

/* Scan a string literal; return its raw contents (escapes kept) or NULL. */
static char *scan_string(struct scanner *s)
{
	if (*s->p != '"')
		return NULL;
	const char *start = ++s->p;
	s->nul = 0;
	while (*s->p && *s->p != '"') {
		if (*s->p == '\\' && s->p[1]) {
			s->p++;
			if (*s->p == 'u' && strncmp(s->p + 1, "0000", 4) == 0)
				s->nul = 1;
		}
		s->p++;
	}
	if (*s->p != '"')
		return NULL;
	size_t n = (size_t)(s->p - start);
	char *out = pfg_xmalloc(n + 1);
	memcpy(out, start, n);
	out[n] = '\0';
	s->p++;
	return out;
}

static int scan_value(struct scanner *s, const char *path, size_t idx);

/* Scan an object whose members get paths under path. */
static int scan_object(struct scanner *s, const char *path)
{
	s->p++;
	skip_ws(s);
	if (*s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		skip_ws(s);
		int line = s->line;
		char *key = scan_string(s);
		if (!key)
			return -1;
		int key_nul = s->nul;
		char *child = *path ? pfg_xasprintf("%s.%s", path, key)
				    : pfg_xstrdup(key);
		free(key);
		size_t idx = record(s->map, child, line);
		s->map->v[idx].nul = key_nul;
		skip_ws(s);
		int rc = *s->p == ':' ? (s->p++, scan_value(s, child, idx)) : -1;
		free(child);
		if (rc)
			return -1;
		skip_ws(s);
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		if (*s->p != '}')
			return -1;
		s->p++;
		return 0;
	}
}

/* Scan an array whose elements get paths path[i]. */
static int scan_array(struct scanner *s, const char *path)
{
	s->p++;
	skip_ws(s);
	if (*s->p == ']') {
		s->p++;
		return 0;
	}
	for (size_t i = 0;; i++) {
		skip_ws(s);
		char *child = pfg_xasprintf("%s[%zu]", path, i);
		size_t idx = record(s->map, child, s->line);
		int rc = scan_value(s, child, idx);
		free(child);
		if (rc)
			return -1;
		skip_ws(s);
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		if (*s->p != ']')
			return -1;
		s->p++;
		return 0;
	}
}

/* Scan any value at path, whose entry is map->v[idx]: its raw text and
 * whether it is a string holding \u0000 are noted there. */
static int scan_value(struct scanner *s, const char *path, size_t idx)
{
	skip_ws(s);
	const char *start = s->p;
	int rc = 0;
	switch (*s->p) {
	case '{':
		rc = scan_object(s, path);
		break;
	case '[':
		rc = scan_array(s, path);
		break;
	case '"': {
		char *str = scan_string(s);
		free(str);
		rc = str ? 0 : -1;
		s->map->v[idx].nul |= s->nul;
		break;
	}
	case '\0':
		return -1;
	default: /* number, true, false, null */
		while (*s->p && !strchr(",]} \t\r\n", *s->p))
			s->p++;
		break;
	}
	s->map->v[idx].raw = start;
	s->map->v[idx].raw_len = (size_t)(s->p - start);
	return rc;
}

int jsonpos_scan(const char *text, struct jsonpos *map)
{
	struct scanner s = { text, 1, map, 0 };
	size_t idx = record(map, "", 1);
	return scan_value(&s, "", idx);
}

const char *jsonpos_raw(const struct jsonpos *map, const char *path, size_t *len)
{
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->v[i].path, path) == 0) {
			*len = map->v[i].raw_len;
			return map->v[i].raw;
		}
	return NULL;
}

int jsonpos_line(const struct jsonpos *map, const char *path)
{
	size_t len = strlen(path);
	for (;;) {
		for (size_t i = 0; i < map->n; i++)
			if (strlen(map->v[i].path) == len &&
			    strncmp(map->v[i].path, path, len) == 0)
				return map->v[i].line;
		/* Fall back to the parent: cut the last ".key" or "[i]". */
		while (len > 0 && path[len - 1] != '.' && path[len - 1] != '[')
			len--;
		if (len == 0)
			return 1;
		len--;
	}
}

int jsonpos_offset_line(const char *text, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off && text[i]; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

void jsonpos_release(struct jsonpos *map)
{
	for (size_t i = 0; i < map->n; i++)
		free(map->v[i].path);
	free(map->v);
	map->v = NULL;
	map->n = map->cap = 0;
}
