/* ci.c: the face of the pipeline writers: platforms, the checks on what
 * goes into a pipeline, the names made from the suite, quoting, and the
 * shell every platform runs. One file per platform writes its pipeline. */
#include "ci_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perfguard/util.h"

static const char *const platform_names[] = { "github", "gitlab", "jenkins" };
static const char *const default_paths[] = { ".github/workflows/perfguard.yml",
					     ".gitlab-ci.yml", "Jenkinsfile" };

int pfg_ci_platform_parse(const char *s, enum pfg_ci_platform *out)
{
	for (int p = PFG_CI_GITHUB; p <= PFG_CI_JENKINS; p++)
		if (strcmp(s, platform_names[p]) == 0) {
			*out = (enum pfg_ci_platform)p;
			return 0;
		}
	return -1;
}

const char *pfg_ci_platform_name(enum pfg_ci_platform p)
{
	return platform_names[p];
}

const char *pfg_ci_default_path(enum pfg_ci_platform p)
{
	return default_paths[p];
}

/* Make room for n more bytes and the terminating NUL. */
static void buf_reserve(struct ci_buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	while (b->len + n + 1 > b->cap)
		b->cap = b->cap ? 2 * b->cap : 4096;
	b->s = pfg_xrealloc(b->s, b->cap);
}

void ci_put(struct ci_buf *b, const char *s)
{
	size_t n = strlen(s);
	buf_reserve(b, n);
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

void ci_putf(struct ci_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	ci_put(b, s);
	free(s);
}

void ci_put_yaml(struct ci_buf *b, const char *s)
{
	ci_put(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			ci_putf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			ci_putf(b, "\\x%02X", *p);
		else
			ci_putf(b, "%c", *p);
	}
	ci_put(b, "\"");
}

void ci_put_groovy(struct ci_buf *b, const char *s)
{
	ci_put(b, "'");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\'' || *p == '\\')
			ci_putf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			ci_putf(b, "\\u%04X", *p);
		else
			ci_putf(b, "%c", *p);
	}
	ci_put(b, "'");
}

/* s lowered to [a-z0-9] runs joined by sep (other bytes become sep, none
 * at either end), at most max bytes; fallback when nothing is left. */
static char *slug_of(const char *s, const char *keep, size_t max, const char *fallback)
{
	char *out = pfg_xmalloc(max + 1);
	size_t n = 0;
	int pending = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && n < max; p++) {
		if (isalnum(*p) && *p < 0x80) {
			if (pending && n > 0 && n + 1 < max)
				out[n++] = '-';
			pending = 0;
			out[n++] = (char)tolower(*p);
		} else if (*p < 0x80 && strchr(keep, *p) && n > 0) {
			if (pending && n + 1 < max)
				out[n++] = '-';
			pending = 0;
			out[n++] = (char)*p;
		} else {
			pending = 1;
		}
	}
	while (n > 0 && !isalnum((unsigned char)out[n - 1]))
		n--;
	out[n] = '\0';
	if (n == 0) {
		free(out);
		return pfg_xstrdup(fallback);
	}
	return out;
}

/* s on one printable line for a name or a comment, at most DISPLAY_MAX
 * bytes (then cut with "..."): control characters and invalid UTF-8 become
 * spaces or U+FFFD, and "${{" (a GitHub expression) becomes "$ {{". */
#define DISPLAY_MAX 56
static char *display_of(const char *s)
{
	char *clean = pfg_utf8_sanitize(s);
	struct ci_buf b = { 0 };
	ci_put(&b, "");
	for (const char *p = clean; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (b.len >= DISPLAY_MAX && (c & 0xC0) != 0x80) {
			ci_put(&b, "...");
			break;
		}
		if (c < 0x20 || c == 0x7f)
			ci_put(&b, " ");
		else if (strncmp(p, "${{", 3) == 0)
			ci_put(&b, "$ ");
		else
			ci_putf(&b, "%c", c);
	}
	free(clean);
	return b.s;
}

/* s percent-encoded: unreserved characters kept, and / when keep_slash. */
static char *url_of(const char *s, int keep_slash)
{
	struct ci_buf b = { 0 };
	ci_put(&b, "");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((isalnum(*p) && *p < 0x80) || strchr("-._~", *p) ||
		    (keep_slash && *p == '/'))
			ci_putf(&b, "%c", *p);
		else
			ci_putf(&b, "%%%02X", *p);
	}
	return b.s;
}

/* 0 when path can go into a pipeline of platform as it is (see
 * pfg_ci_render), else PFG_EINPUT with err naming what (the option that
 * sets it) and why. */
static int check_path(enum pfg_ci_platform platform, const char *what, const char *path,
		      char *err, size_t errlen)
{
	if (!*path)
		return pfg_error(err, errlen, PFG_EINPUT, "%s is empty", what);
	if (!pfg_utf8_valid(path))
		return pfg_error(err, errlen, PFG_EINPUT, "%s is not valid UTF-8", what);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return pfg_error(err, errlen, PFG_EINPUT, "%s holds a control character "
					 "(0x%02X): a pipeline cannot name it", what, *p);
		if (strchr("*?[]{}!,\\", *p))
			return pfg_error(err, errlen, PFG_EINPUT, "%s '%s' holds '%c', which CI "
					 "path patterns read as a pattern; choose a path "
					 "without * ? [ ] { } ! , or \\", what, path, *p);
	}
	if (platform == PFG_CI_GITLAB && strchr(path, '$'))
		return pfg_error(err, errlen, PFG_EINPUT, "%s '%s' holds '$', which GitLab "
				 "expands in variables and paths; choose a path without it",
				 what, path);
	if (platform == PFG_CI_JENKINS && strchr(path, ' '))
		return pfg_error(err, errlen, PFG_EINPUT, "%s '%s' holds a space, where "
				 "Jenkins' artifact patterns split; choose a path without "
				 "one", what, path);
	if (path[0] == '/')
		return pfg_error(err, errlen, PFG_EINPUT, "%s '%s' is absolute; a pipeline "
				 "needs it relative to the repository", what, path);
	if (path[0] == '-')
		return pfg_error(err, errlen, PFG_EINPUT, "%s '%s' starts with '-'", what, path);
	return PFG_OK;
}

/* 0 when branch is a plain branch name, else PFG_EINPUT. */
static int check_branch(const char *branch, char *err, size_t errlen)
{
	size_t n = strlen(branch);
	int ok = n > 0 && n <= 200 && branch[0] != '-' && branch[0] != '/' &&
		 branch[n - 1] != '/' && !strstr(branch, "..");
	for (const unsigned char *p = (const unsigned char *)branch; ok && *p; p++)
		ok = (isalnum(*p) && *p < 0x80) || strchr("._/-", *p);
	if (!ok)
		return pfg_error(err, errlen, PFG_EINPUT, "--branch: expected a branch name "
				 "of letters, digits and . _ / -, got '%s'", branch);
	return PFG_OK;
}

/* The names of o, or PFG_EINPUT when something cannot go into a pipeline. */
static int names_make(const struct pfg_ci_opts *o, struct ci_names *n, char *err,
		      size_t errlen)
{
	memset(n, 0, sizeof *n);
	int rc;
	if ((rc = check_branch(o->branch, err, errlen)) ||
	    (rc = check_path(o->platform, "the config path (-c)", o->config_path, err, errlen)) ||
	    (rc = check_path(o->platform, "the database path (--db)", o->db_path, err, errlen)) ||
	    (rc = check_path(o->platform, "the pipeline's path (-o)", o->file_path, err, errlen)))
		return rc;
	n->slug = slug_of(o->suite ? o->suite : "", "._", 24, "suite");
	n->display = display_of(o->suite ? o->suite : "");
	/* GitLab: lowered, every other character '-', at most 63, no '-' at the ends. */
	n->branch_slug = slug_of(o->branch, "", 63, "main");
	n->db_url = url_of(o->db_path, 1);
	n->branch_url = url_of(o->branch, 0);
	const char *slash = strrchr(o->file_path, '/');
	n->file_name = pfg_xstrdup(slash ? slash + 1 : o->file_path);
	return PFG_OK;
}

/* Free what names_make made. */
static void names_release(struct ci_names *n)
{
	free(n->slug);
	free(n->display);
	free(n->branch_slug);
	free(n->db_url);
	free(n->branch_url);
	free(n->file_name);
}

void ci_put_install(struct ci_buf *b, const char *indent, const char *extra_line)
{
	static const char *const lines[] = {
		"export PATH=\"$HOME/.local/bin:$PATH\"",
		"if ! command -v perfguard >/dev/null 2>&1; then",
		"  if [ -z \"$PERFGUARD_GIT\" ]; then",
		"    echo \"perfguard is not on this runner: install it there, or\" >&2",
		"    echo \"set PERFGUARD_GIT to its git URL to build it here\" >&2",
		"    exit 2",
		"  fi",
		"  src=\"${TMPDIR:-/tmp}/perfguard-src\"",
		"  rm -rf \"$src\"",
		"  git clone --depth 1 \"$PERFGUARD_GIT\" \"$src\"",
		"  make -C \"$src\" deps",
		"  make -C \"$src\" install PREFIX=\"$HOME/.local\"",
		NULL,
	};
	for (const char *const *l = lines; *l; l++)
		ci_putf(b, "%s%s\n", indent, *l);
	if (extra_line)
		ci_putf(b, "%s  %s\n", indent, extra_line);
	ci_putf(b, "%sfi\n%sperfguard --version\n", indent, indent);
}

void ci_put_reports(struct ci_buf *b, const char *prefix, const char *suffix)
{
	static const char *const formats[][2] = {
		{ "junit", CI_JUNIT }, { "html", CI_HTML },
		{ "json", CI_JSON }, { "markdown", CI_MARKDOWN },
	};
	for (size_t k = 0; k < sizeof formats / sizeof *formats; k++)
		ci_putf(b, "%sperfguard report --format %s -o \"$PERFGUARD_OUT/%s\"%s\n",
			prefix, formats[k][0], formats[k][1], suffix);
}

int pfg_ci_render(const struct pfg_ci_opts *o, char **out, char *err, size_t errlen)
{
	struct ci_names n;
	int rc = names_make(o, &n, err, errlen);
	if (rc) {
		names_release(&n);
		return rc;
	}
	struct ci_buf b = { 0 };
	ci_put(&b, "");
	switch (o->platform) {
	case PFG_CI_GITHUB:
		ci_github(&b, o, &n);
		break;
	case PFG_CI_GITLAB:
		ci_gitlab(&b, o, &n);
		break;
	case PFG_CI_JENKINS:
		ci_jenkins(&b, o, &n);
		break;
	}
	names_release(&n);
	*out = b.s;
	return PFG_OK;
}

char *pfg_ci_next_steps(const struct pfg_ci_opts *o)
{
	struct ci_buf b = { 0 };
	ci_put(&b, "next:\n");
	switch (o->platform) {
	case PFG_CI_GITHUB:
		ci_put(&b,
		       "  - register a self-hosted runner with the label 'perfguard' on one\n"
		       "    dedicated machine (results compare only within one host, CPU and\n"
		       "    kernel; hosted runners change machine every job), or edit runs-on\n"
		       "  - install perfguard on it, or set the repository variable\n"
		       "    PERFGUARD_GIT (Settings > Secrets and variables > Actions >\n"
		       "    Variables) to perfguard's git URL to build it in the job\n"
		       "  - webhooks of notifications: add each URL as a repository secret and\n"
		       "    pass it in the job's env (a commented example is in the file)\n");
		break;
	case PFG_CI_GITLAB:
		ci_put(&b,
		       "  - register a runner with the tag 'perfguard' on one dedicated machine\n"
		       "    (results compare only within one host, CPU and kernel), or edit tags\n"
		       "  - install perfguard (and curl) on it, or set the CI/CD variable\n"
		       "    PERFGUARD_GIT to perfguard's git URL to build it in the job\n"
		       "  - already have a .gitlab-ci.yml? write this job elsewhere (-o) and\n"
		       "    add it with include: local: (it uses the default stage 'test')\n"
		       "  - webhooks of notifications: add each URL as a masked CI/CD variable\n");
		break;
	case PFG_CI_JENKINS:
		ci_put(&b,
		       "  - give one dedicated agent the label 'perfguard' (results compare only\n"
		       "    within one host, CPU and kernel), or edit the agent line\n"
		       "  - plugins: Pipeline, JUnit, HTML Publisher; Copy Artifact (optional)\n"
		       "    carries the database from the last build of the main branch\n"
		       "  - install perfguard on the agent, or set PERFGUARD_GIT in the\n"
		       "    environment block to perfguard's git URL to build it in the job\n"
		       "  - webhooks of notifications: add each URL as a secret text\n"
		       "    credential and bind it (a commented example is in the file)\n");
		break;
	}
	ci_putf(&b, "  - commit %s and push to '%s': its first pipeline starts the history\n",
		o->file_path, o->branch);
	return b.s;
}
