/* numfile.h: reading files of numbers for `perfguard compare` and
 * `perfguard trend` (private to src/cli/). */
#ifndef PERFGUARD_NUMFILE_H
#define PERFGUARD_NUMFILE_H

#include <stddef.h>

/* Read one number per line from path ("-" is standard input). Blank lines
 * and everything from '#' to the end of a line are skipped. A line that is
 * not a finite number fails with "PATH:LINE: ..." in err. On success *out
 * (caller frees; may be NULL when *n is 0) holds *n values. Returns 0 or
 * PFG_EINPUT. */
int pfg_numfile_read(const char *path, double **out, size_t *n, char *err, size_t errlen);

/* Parse a whole string as a finite double; returns 0 or -1. */
int pfg_numfile_parse_double(const char *s, double *v);

#endif
