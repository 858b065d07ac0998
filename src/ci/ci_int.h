/* ci_int.h: what the pipeline writers of src/ci share: a growing text
 * buffer, quoting for YAML and Groovy, the names derived from the suite,
 * and the shell every pipeline runs. */
#ifndef PERFGUARD_CI_INT_H
#define PERFGUARD_CI_INT_H

#include <stddef.h>

#include "perfguard/ci.h"

/* A string that grows as text is appended (aborts when memory runs out). */
struct ci_buf {
	char *s;
	size_t len, cap;
};

/* Append s, or the formatted text, to b. */
void ci_put(struct ci_buf *b, const char *s);
void ci_putf(struct ci_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append s as a YAML double-quoted scalar: \ and " escaped, control
 * characters as \xNN. */
void ci_put_yaml(struct ci_buf *b, const char *s);

/* Append s as a Groovy single-quoted string ('...': no interpolation). */
void ci_put_groovy(struct ci_buf *b, const char *s);

/* Names made once from the options, safe wherever they go. */
struct ci_names {
	char *slug;        /* the suite as [a-z0-9._-], for keys and artifacts */
	char *display;     /* the suite on one printable line, no "${{" */
	char *branch_slug; /* the branch as GitLab's CI_COMMIT_REF_SLUG */
	char *db_url;      /* the database path percent-encoded for a URL */
	char *branch_url;  /* the branch percent-encoded for a URL path segment */
	char *file_name;   /* the pipeline file's last component */
};

/* The shell that installs perfguard when it is not on PATH (from
 * $PERFGUARD_GIT into ~/.local); extra_line, when not NULL, is appended
 * inside the install branch. Lines end in newlines; indent prefixes each. */
void ci_put_install(struct ci_buf *b, const char *indent, const char *extra_line);

/* The reports' lines: "perfguard report --format F -o "$PERFGUARD_OUT/report.E""
 * each followed by suffix (e.g. " || status=3"), each prefixed by prefix. */
void ci_put_reports(struct ci_buf *b, const char *prefix, const char *suffix);

/* The file names of the reports in $PERFGUARD_OUT. */
#define CI_REPORTS_DIR "perfguard-reports"
#define CI_JUNIT "report.xml"
#define CI_HTML "report.html"
#define CI_JSON "report.json"
#define CI_MARKDOWN "report.md"

void ci_github(struct ci_buf *b, const struct pfg_ci_opts *o, const struct ci_names *n);
void ci_gitlab(struct ci_buf *b, const struct pfg_ci_opts *o, const struct ci_names *n);
void ci_jenkins(struct ci_buf *b, const struct pfg_ci_opts *o, const struct ci_names *n);

#endif
