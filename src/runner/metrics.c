/* metrics.c: the custom metrics a run reports in $PERFGUARD_METRICS: the
 * file's creation and removal, the sweep of files left by killed
 * processes, its careful reading and the parser of its lines. */
#include "runner_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Nonzero when the n bytes at s are a valid metric name: [A-Za-z0-9_.:-]+. */
static int metric_name_ok(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || (s[i] && strchr("_.:-", s[i]))))
			return 0; /* ASCII only, whatever the locale */
	return 1;
}

/* Copy the n bytes of line into buf for an error message: at most 60
 * characters, with control characters shown as '?'. */
static void quote_line(const char *line, size_t n, char *buf, size_t len)
{
	size_t k = 0, i = 0;
	for (; i < n && k + 4 < len && k < 60; i++)
		buf[k++] = (unsigned char)line[i] < 0x20 || line[i] == 0x7f ? '?' : line[i];
	if (i < n && k + 4 < len) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k] = '\0';
}

/* Drop m's metrics and metrics_error. */
static void metrics_clear(struct pfg_measurement *m)
{
	for (size_t i = 0; i < m->n_metrics; i++) {
		free(m->metrics[i].name);
		free(m->metrics[i].unit);
	}
	free(m->metrics);
	m->metrics = NULL;
	m->n_metrics = 0;
	free(m->metrics_error);
	m->metrics_error = NULL;
}

/* Drop the metrics parsed so far and record why the file was rejected. */
__attribute__((format(printf, 2, 3)))
static void metrics_reject(struct pfg_measurement *m, const char *fmt, ...)
{
	metrics_clear(m);
	va_list ap;
	va_start(ap, fmt);
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	m->metrics_error = pfg_xstrdup(msg);
}

/* The metric names seen so far, for finding a duplicate in constant time:
 * open addressing with linear probing; a slot holds 1 + the index of a
 * metric in m->metrics, or 0 when free. At most half full. */
struct name_table {
	uint32_t *slot;
	size_t mask; /* slots - 1; slots is a power of two */
};

/* FNV-1a of the n bytes at s. */
static uint64_t name_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* The slot of the name of n bytes at s (hash h): the one holding it, or
 * the free one where it belongs. */
static size_t table_find(const struct name_table *t, const struct pfg_measurement *m,
			 const char *s, size_t n, uint64_t h)
{
	size_t i = (size_t)h & t->mask;
	for (;;) {
		uint32_t v = t->slot[i];
		if (v == 0)
			return i;
		const char *name = m->metrics[v - 1].name;
		if (strncmp(name, s, n) == 0 && name[n] == '\0')
			return i;
		i = (i + 1) & t->mask;
	}
}

/* Make room for one more name: double the table when it would be more
 * than half full, re-inserting m's metrics. */
static void table_reserve(struct name_table *t, const struct pfg_measurement *m)
{
	if (t->slot && 2 * (m->n_metrics + 1) <= t->mask + 1)
		return;
	size_t slots = t->slot ? 2 * (t->mask + 1) : 64;
	free(t->slot);
	t->slot = pfg_xcalloc(slots, sizeof *t->slot);
	t->mask = slots - 1;
	for (size_t k = 0; k < m->n_metrics; k++) {
		const char *name = m->metrics[k].name;
		size_t n = strlen(name);
		t->slot[table_find(t, m, name, n, name_hash(name, n))] = (uint32_t)(k + 1);
	}
}

/* Nonzero when the parse must stop now. */
static int parse_must_stop(const struct pfg_parse_stop *stop)
{
	return pfg_runner_stop_gen() != stop->gen ||
	       pfg_runner_cancel_requested(stop->cancel_fd);
}

/* Lines parsed between two looks at a stop request. */
#define PFG_PARSE_STOP_EVERY 4096

/* A token of a line: where it starts and how long it is. */
struct token {
	const char *s;
	size_t n;
};

/* Parse one line of n bytes (no newline), line number lineno, into m,
 * with t for duplicates. Returns 0, or PFG_EINPUT after rejecting. */
static int parse_line(const char *line, size_t n, int lineno, struct pfg_measurement *m,
		      struct name_table *t)
{
	if (n && line[n - 1] == '\r')
		n--;
	struct token tok[4];
	int ntok = 0;
	for (size_t i = 0; i < n && ntok < 4;) {
		if (line[i] == ' ' || line[i] == '\t') {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && line[j] != ' ' && line[j] != '\t')
			j++;
		tok[ntok++] = (struct token){ line + i, j - i };
		i = j;
	}
	if (ntok == 0 || tok[0].s[0] == '#')
		return 0;
	double v = 0;
	int number = 0;
	if (ntok >= 2) {
		/* strtod needs a NUL: copy the value token. */
		char small[64], *copy = tok[1].n < sizeof small ? small :
					pfg_xmalloc(tok[1].n + 1);
		memcpy(copy, tok[1].s, tok[1].n);
		copy[tok[1].n] = '\0';
		char *end = NULL;
		v = strtod(copy, &end);
		number = end != copy && *end == '\0';
		if (copy != small)
			free(copy);
	}
	if (ntok < 2 || ntok > 3 || !metric_name_ok(tok[0].s, tok[0].n) || !number) {
		char shown[80];
		quote_line(line, n, shown, sizeof shown);
		metrics_reject(m, "metrics file line %d: expected 'name value [unit]', "
			       "got '%s'", lineno, shown);
		return PFG_EINPUT;
	}
	if (!isfinite(v)) {
		metrics_reject(m, "metrics file line %d: the value of '%.*s' is not a "
			       "finite number: '%.*s'", lineno, (int)tok[0].n, tok[0].s,
			       (int)tok[1].n, tok[1].s);
		return PFG_EINPUT;
	}
	table_reserve(t, m);
	uint64_t h = name_hash(tok[0].s, tok[0].n);
	size_t slot = table_find(t, m, tok[0].s, tok[0].n, h);
	if (t->slot[slot]) {
		metrics_reject(m, "metrics file line %d: metric '%.*s' given twice",
			       lineno, (int)tok[0].n, tok[0].s);
		return PFG_EINPUT;
	}
	if (m->n_metrics == PFG_METRICS_MAX_COUNT) {
		metrics_reject(m, "metrics file line %d: more than %d metrics", lineno,
			       PFG_METRICS_MAX_COUNT);
		return PFG_EINPUT;
	}
	size_t k = m->n_metrics;
	if (k == 0 || (k >= 8 && (k & (k - 1)) == 0)) /* full: 8, 16, 32... */
		m->metrics = pfg_xrealloc(m->metrics, (k ? 2 * k : 8) * sizeof *m->metrics);
	char *name = pfg_xmalloc(tok[0].n + 1);
	memcpy(name, tok[0].s, tok[0].n);
	name[tok[0].n] = '\0';
	char *unit = pfg_xmalloc(ntok == 3 ? tok[2].n + 1 : 1);
	if (ntok == 3)
		memcpy(unit, tok[2].s, tok[2].n);
	unit[ntok == 3 ? tok[2].n : 0] = '\0';
	m->metrics[k] = (struct pfg_metric){ .name = name, .value = v, .unit = unit };
	m->n_metrics = k + 1;
	t->slot[slot] = (uint32_t)(k + 1);
	return 0;
}

/* Parse the metrics text into m (see pfg_runner_parse_metrics), looking
 * at stop every PFG_PARSE_STOP_EVERY lines. */
static int parse_metrics(const char *text, size_t size, struct pfg_measurement *m,
			 const struct pfg_parse_stop *stop)
{
	metrics_clear(m);
	if (size && memchr(text, '\0', size)) {
		metrics_reject(m, "metrics file: expected text lines 'name value [unit]', "
			       "got a NUL byte");
		return PFG_EINPUT;
	}
	struct name_table t = { NULL, 0 };
	int rc = 0, lineno = 0;
	for (const char *p = text, *end = text + size; p < end && rc == 0;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (++lineno % PFG_PARSE_STOP_EVERY == 0 && parse_must_stop(stop)) {
			metrics_reject(m, "metrics file: not read to the end, the run was "
				       "stopped");
			rc = PFG_ERUNTIME;
			break;
		}
		rc = parse_line(p, (size_t)(le - p), lineno, m, &t);
		p = nl ? nl + 1 : end;
	}
	free(t.slot);
	return rc;
}

int pfg_runner_parse_metrics(const char *text, size_t size, struct pfg_measurement *m)
{
	struct pfg_parse_stop stop = { -1, pfg_runner_stop_gen() };
	return parse_metrics(text, size, m, &stop);
}

/* What a file of mode is, for the message rejecting it. */
static const char *file_kind(mode_t mode)
{
	return S_ISFIFO(mode) ? "a FIFO" : S_ISDIR(mode) ? "a directory" :
	       S_ISCHR(mode) ? "a character device" : S_ISBLK(mode) ? "a block device" :
	       S_ISSOCK(mode) ? "a socket" : S_ISLNK(mode) ? "a symbolic link" :
	       "not a regular file";
}

/* Read and parse the metrics file at path into m. A missing file counts
 * as empty (the command may have removed it). Only a regular file is read:
 * the command may have replaced it with a FIFO (reading would block) or a
 * link to a file that is none of its business, so it is opened without
 * following links and without blocking. At most PFG_METRICS_MAX_BYTES are
 * read. Returns as parse_metrics(), 0 for a missing file. */
int pfg_runner_metrics_read(const char *path, struct pfg_measurement *m,
			    const struct pfg_parse_stop *stop)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP)
			metrics_reject(m, "metrics file is a symbolic link, expected a "
				       "regular file");
		else if (errno == ENXIO)
			metrics_reject(m, "metrics file is a socket, expected a regular file");
		else
			metrics_reject(m, "metrics file: cannot open it: %s", strerror(errno));
		return PFG_EINPUT;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		metrics_reject(m, "metrics file: cannot stat it: %s", strerror(errno));
		close(fd);
		return PFG_EINPUT;
	}
	if (!S_ISREG(st.st_mode)) {
		metrics_reject(m, "metrics file is %s, expected a regular file",
			       file_kind(st.st_mode));
		close(fd);
		return PFG_EINPUT;
	}
	if ((uint64_t)st.st_size > PFG_METRICS_MAX_BYTES) {
		close(fd);
		metrics_reject(m, "metrics file: %lld bytes, more than the %zu MiB allowed",
			       (long long)st.st_size, PFG_METRICS_MAX_BYTES >> 20);
		return PFG_EINPUT;
	}
	/* It may still grow while we read: read at most one byte too many. */
	size_t cap = (size_t)st.st_size + 1 + 4096, len = 0;
	if (cap > PFG_METRICS_MAX_BYTES + 1)
		cap = PFG_METRICS_MAX_BYTES + 1;
	char *buf = pfg_xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap > PFG_METRICS_MAX_BYTES)
				break;
			cap = cap * 2 > PFG_METRICS_MAX_BYTES + 1 ? PFG_METRICS_MAX_BYTES + 1
								  : cap * 2;
			buf = pfg_xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	int rc;
	if (len > PFG_METRICS_MAX_BYTES) {
		metrics_reject(m, "metrics file: more than the %zu MiB allowed",
			       PFG_METRICS_MAX_BYTES >> 20);
		rc = PFG_EINPUT;
	} else {
		rc = parse_metrics(buf, len, m, stop);
	}
	free(buf);
	return rc;
}

/* The prefix of metrics file names; the creating process's pid follows. */
#define PFG_METRICS_PREFIX "perfguard-metrics-"

/* Remove from dir the metrics files of perfguard processes that are gone
 * (killed with SIGKILL before they could remove them): regular files of
 * ours named perfguard-metrics-PID-* whose PID no process has. Best
 * effort; a file of a live process, or of another user, stays. */
static void sweep_stale_metrics(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	size_t plen = strlen(PFG_METRICS_PREFIX);
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *name = e->d_name;
		if (strncmp(name, PFG_METRICS_PREFIX, plen) != 0 ||
		    !isdigit((unsigned char)name[plen]))
			continue;
		char *end;
		errno = 0;
		long pid = strtol(name + plen, &end, 10);
		if (errno || *end != '-' || pid <= 0 || pid > INT_MAX)
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue; /* alive, or not ours to signal: alive */
		struct stat st;
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_uid == geteuid())
			unlinkat(dirfd(d), name, 0);
	}
	closedir(d);
}

/* The directory of metrics files, $TMPDIR or /tmp. */
static const char *metrics_dir(void)
{
	const char *dir = getenv("TMPDIR");
	return dir && *dir ? dir : "/tmp";
}

static pthread_once_t pfg_sweep_once = PTHREAD_ONCE_INIT;

/* Sweep the metrics directory once per process, before its first file. */
static void sweep_once(void)
{
	sweep_stale_metrics(metrics_dir());
}

/* Create the empty metrics file, $TMPDIR/perfguard-metrics-PID-XXXXXX;
 * returns its malloc'd path or NULL. */
char *pfg_runner_metrics_create(char *err, size_t errlen)
{
	pthread_once(&pfg_sweep_once, sweep_once);
	const char *dir = metrics_dir();
	char *path = pfg_xasprintf("%s/" PFG_METRICS_PREFIX "%ld-XXXXXX", dir,
				   (long)getpid());
	int fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		pfg_error(err, errlen, PFG_ERUNTIME, "cannot create a metrics file in "
			  "%s: %s (set TMPDIR to a writable directory)", dir, strerror(errno));
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

/* Remove the metrics file at path, whatever the command made of it (a
 * directory it created there is removed only when empty). */
void pfg_runner_metrics_remove(const char *path)
{
	if (unlink(path) != 0 && (errno == EISDIR || errno == EPERM))
		rmdir(path);
}
