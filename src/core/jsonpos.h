/* jsonpos.h (private to core): where each value of a JSON text starts.
 * cJSON keeps no positions, so config messages find their line here. */
#ifndef PERFGUARD_JSONPOS_H
#define PERFGUARD_JSONPOS_H

#include <stddef.h>

struct jsonpos_entry {
	char *path; /* "components[0].benchmarks[1].runs"; "" is the root */
	int line;   /* 1-based line of the member's key, or of the element */
	const char *raw; /* the value's text in the scanned text (a string with
			  * its quotes and escapes), or NULL */
	size_t raw_len;
	int nul;    /* the member's key or its string value holds \u0000, which
		     * cJSON cuts the string at */
};

struct jsonpos {
	struct jsonpos_entry *v;
	size_t n, cap;
};

/* Record the line of every value of text, which cJSON already accepted.
 * Returns 0, or -1 when text is not JSON after all. */
int jsonpos_scan(const char *text, struct jsonpos *map);

/* The source text of the value at exactly path (*len bytes, not
 * NUL-terminated; it points into the text scanned, which must still live),
 * or NULL when path was not recorded. */
const char *jsonpos_raw(const struct jsonpos *map, const char *path, size_t *len);

/* Line of the value at path, or of its nearest recorded ancestor. */
int jsonpos_line(const struct jsonpos *map, const char *path);

/* 1-based line of byte offset off in text. */
int jsonpos_offset_line(const char *text, size_t off);

void jsonpos_release(struct jsonpos *map);

#endif
