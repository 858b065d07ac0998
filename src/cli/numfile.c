/* numfile.c: one number per line, '#' comments and blank lines skipped. */
#include "numfile.h"
#include "perfguard/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pfg_numfile_parse_double(const char *s, double *v)
{
	char *end;
	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return -1;
	errno = 0;
	double d = strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (end == s || *end || !isfinite(d))
		return -1;
	*v = d;
	return 0;
}

int pfg_numfile_read(const char *path, double **out, size_t *n, char *err, size_t errlen)
{
	int is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : path;
	FILE *f = is_stdin ? stdin : fopen(path, "r");
	*out = NULL;
	*n = 0;
	if (!f)
		return pfg_error(err, errlen, PFG_EINPUT, "%s: cannot open: %s", path,
				 strerror(errno));
	char *line = NULL;
	size_t cap = 0, count = 0, alloc = 0, lineno = 0;
	double *v = NULL;
	int rc = PFG_OK;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (memchr(line, '\0', (size_t)len)) {
			rc = pfg_error(err, errlen, PFG_EINPUT, "%s:%zu: holds a NUL byte, "
				       "expected a number per line", name, lineno);
			break;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		char *p = line;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			continue;
		double d;
		if (pfg_numfile_parse_double(p, &d)) {
			char *e = p + strlen(p);
			while (e > p && isspace((unsigned char)e[-1]))
				*--e = '\0';
			double probe;
			char *end;
			probe = strtod(p, &end);
			int nonfinite = end != p && !*end && !isfinite(probe);
			rc = pfg_error(err, errlen, PFG_EINPUT,
				       nonfinite ? "%s:%zu: '%.40s' is not a finite number; NaN "
						   "and infinity cannot be measurements"
						 : "%s:%zu: '%.40s' is not a number",
				       name, lineno, p);
			break;
		}
		if (count == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			v = pfg_xrealloc(v, alloc * sizeof *v);
		}
		v[count++] = d;
	}
	if (!rc && ferror(f))
		rc = pfg_error(err, errlen, PFG_EINPUT, "%s: read error", name);
	free(line);
	if (!is_stdin)
		fclose(f);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = count;
	return PFG_OK;
}
