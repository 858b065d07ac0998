/* util.h: allocation that never returns NULL, error buffers, exit codes,
 * clocks and small string helpers shared by every module. */
#ifndef PERFGUARD_UTIL_H
#define PERFGUARD_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define PFG_VERSION "0.1.0"

/* Exit codes of the CLI (DESIGN.md). */
enum pfg_exit {
	PFG_EXIT_OK = 0,      /* success */
	PFG_EXIT_GATE = 1,    /* a gate failed */
	PFG_EXIT_USAGE = 2,   /* usage or input error */
	PFG_EXIT_RUNTIME = 3, /* a benchmark could not run, the database failed */
};

/* Return codes of library functions: 0 is success, a failure is negative
 * and fills the caller's error buffer with a sentence that says what is
 * wrong in the library's own words (what is missing or invalid), never
 * which command to type: the front end that prints it (the CLI, the
 * dashboard) adds its own hint. The CLI turns them into exit codes with
 * pfg_cli_exit_of(): PFG_EINPUT and PFG_ENOTFOUND exit 2, PFG_ERUNTIME 3.
 * A lookup that may legitimately find nothing (an approved baseline, the
 * latest comparison) returns PFG_ENOTFOUND, so callers can test for "none"
 * without mistaking bad input or a failure for it. */
enum pfg_err {
	PFG_OK = 0,
	PFG_EINPUT = -2,    /* bad input: the caller's error buffer says what */
	PFG_ERUNTIME = -3,  /* the system or the database failed */
	PFG_ENOTFOUND = -4, /* no such row: an unknown id or name; the caller's
			     * error buffer says which */
};

/* Size of an error buffer that every fallible function may fill. */
#define PFG_ERR_MAX 1024

/* Allocation wrappers: abort with a message when memory runs out. */
void *pfg_xmalloc(size_t n);
void *pfg_xcalloc(size_t count, size_t size);
void *pfg_xrealloc(void *p, size_t n);
char *pfg_xstrdup(const char *s);
char *pfg_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Format a message into err (may be NULL) and return code. */
int pfg_error(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Nanoseconds on CLOCK_MONOTONIC. */
int64_t pfg_now_ns(void);

/* Seconds since the Unix epoch on CLOCK_REALTIME, as a double. */
double pfg_wall_time(void);

/* Format epoch seconds as local "YYYY-MM-DD HH:MM:SS" into buf. */
void pfg_format_time(double epoch, char *buf, size_t len);

/* Nonzero when s matches the glob pattern (fnmatch without flags). */
int pfg_glob_match(const char *pattern, const char *s);

/* Read a whole file into a NUL-terminated buffer; *len gets its size.
 * Returns NULL and fills err when it cannot be read. Caller frees. */
char *pfg_read_file(const char *path, size_t *len, char *err, size_t errlen);

/* Format a value with its unit for people: "12.3 ms", "4.10 MiB" where a
 * duration or size scales better, else 3-4 significant digits with a
 * k/M/G prefix for large values. */
void pfg_format_value(double v, const char *unit, char *buf, size_t len);

/* Decode the UTF-8 character at s (NUL-terminated, *s != 0). Returns its
 * length (1-4) with *cp set, or minus the number of bytes of an ill-formed
 * sequence to skip (its maximal well-formed prefix, at least 1): a stray
 * continuation byte, a truncated sequence, an overlong form, a surrogate
 * (U+D800..U+DFFF) or a value above U+10FFFF. */
int pfg_utf8_decode(const char *s, uint32_t *cp);

/* Nonzero when s is valid UTF-8. */
int pfg_utf8_valid(const char *s);

/* A copy of s in valid UTF-8: each ill-formed sequence (as
 * pfg_utf8_decode skips it) becomes U+FFFD; valid text is kept as is.
 * Never returns NULL; caller frees. */
char *pfg_utf8_sanitize(const char *s);


/* A growable NULL-terminated array of owned strings. */
struct pfg_strv {
	char **v;
	size_t n, cap;
};
void pfg_strv_push(struct pfg_strv *sv, const char *s);
void pfg_strv_pushf(struct pfg_strv *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pfg_strv_release(struct pfg_strv *sv);

#endif
