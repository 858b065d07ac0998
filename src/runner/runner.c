/* runner.c: spawn one command in its own process group, wait for it with
 * a deadline, and measure it: wall time, CPU, peak RSS, exit status, the
 * tail of stderr and the custom metrics it wrote to $PERFGUARD_METRICS. */
#include "perfguard/runner.h"
#include "perfguard/util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Process groups started by pfg_runner_exec() and not yet reaped, so that
 * pfg_runner_kill_all() can kill them from a signal handler. A slot is 0
 * when free; slots are claimed and freed with lock-free atomics. */
#define PFG_RUNNER_SLOTS 64
static atomic_int pfg_running[PFG_RUNNER_SLOTS];

/* Bumped by every pfg_runner_kill_all(): a run that sees it change since
 * it started stops parsing its metrics. Lock-free, so signal-safe. */
static atomic_uint pfg_stop_gen;

/* Claim a slot for pgid; returns its index, or -1 when all are taken. */
static int slot_claim(pid_t pgid)
{
	for (int i = 0; i < PFG_RUNNER_SLOTS; i++) {
		int expect = 0;
		if (atomic_compare_exchange_strong(&pfg_running[i], &expect, (int)pgid))
			return i;
	}
	return -1;
}

/* Free a slot claimed by slot_claim(). */
static void slot_free(int slot)
{
	if (slot >= 0)
		atomic_store(&pfg_running[slot], 0);
}

void pfg_runner_kill_all(void)
{
	int saved = errno;
	atomic_fetch_add(&pfg_stop_gen, 1u);
	for (int i = 0; i < PFG_RUNNER_SLOTS; i++) {
		int pgid = atomic_load(&pfg_running[i]);
		if (pgid > 0)
			kill(-(pid_t)pgid, SIGKILL);
	}
	errno = saved;
}

/* Nonzero when path names an executable regular file; *eacces is set when
 * it exists but may not be executed. base, when not NULL, is the directory
 * a relative path is resolved from (the child's cwd). */
static int is_executable(const char *base, const char *path, int *eacces)
{
	char buf[4096];
	const char *p = path;
	if (base && path[0] != '/') {
		if ((size_t)snprintf(buf, sizeof buf, "%s/%s", base, path) >= sizeof buf)
			return 0;
		p = buf;
	}
	struct stat st;
	if (stat(p, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if (access(p, X_OK) != 0) {
		*eacces = 1;
		return 0;
	}
	return 1;
}

/* The value of variable name in the NULL-terminated envp, or NULL. */
static const char *env_get(char *const *envp, const char *name)
{
	size_t n = strlen(name);
	for (; envp && *envp; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/* Find cmd as execvp would, in the PATH of the child's environment, with
 * relative entries resolved from cwd. Returns the path to execute (cmd
 * itself or a string the caller frees through *owned), or NULL after
 * filling err. */
static const char *resolve_command(const char *cmd, const char *cwd,
				   char *const *envp, char **owned, char *err,
				   size_t errlen)
{
	int eacces = 0;
	*owned = NULL;
	if (!*cmd) {
		pfg_error(err, errlen, PFG_EINPUT, "empty command");
		return NULL;
	}
	if (strchr(cmd, '/')) {
		if (is_executable(cwd, cmd, &eacces))
			return cmd;
		pfg_error(err, errlen, PFG_EINPUT, eacces ?
			  "cannot execute %s: permission denied" :
			  "no such command: %s", cmd);
		return NULL;
	}
	const char *path = env_get(envp, "PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	const char *p = path;
	for (;;) {
		const char *colon = strchr(p, ':');
		size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
		char *cand = dlen ? pfg_xasprintf("%.*s/%s", (int)dlen, p, cmd)
				  : pfg_xasprintf("./%s", cmd);
		if (is_executable(cwd, cand, &eacces)) {
			*owned = cand;
			return cand;
		}
		free(cand);
		if (!colon)
			break;
		p = colon + 1;
	}
	pfg_error(err, errlen, PFG_EINPUT, eacces ?
		  "cannot execute %s: permission denied" :
		  "no such command: %s (not found in PATH)", cmd);
	return NULL;
}

/* Nonzero when "KEY=..." entries a and b set the same key. */
static int same_key(const char *a, const char *b)
{
	size_t ka = strcspn(a, "="), kb = strcspn(b, "=");
	return ka == kb && strncmp(a, b, ka) == 0;
}

/* Nonzero when one of the NULL-terminated entries v sets the key of e. */
static int key_in(const char *e, char *const *v)
{
	for (; v && *v; v++)
		if (same_key(e, *v))
			return 1;
	return 0;
}

/* The child's environment: ours with spec->env and then extra
 * ("KEY=VALUE" or NULL) laid over it, the last setting of a key winning.
 * Returns environ itself when nothing changes, else an array the caller
 * frees (its strings stay borrowed). */
static char **build_env(char *const *over, char *extra)
{
	if (!(over && *over) && !extra)
		return environ;
	size_t n = 0, k = 0;
	for (char **e = environ; e && *e; e++)
		n++;
	for (char *const *o = over; o && *o; o++)
		n++;
	char *const extra_v[] = { extra, NULL };
	char **envp = pfg_xcalloc(n + 2, sizeof *envp);
	for (char **e = environ; e && *e; e++)
		if (!key_in(*e, over) && !key_in(*e, extra_v))
			envp[k++] = *e;
	for (char *const *o = over; o && *o; o++)
		if (!key_in(*o, o + 1) && !key_in(*o, extra_v))
			envp[k++] = *o;
	if (extra)
		envp[k++] = extra;
	envp[k] = NULL;
	return envp;
}

/* Append what is readable on fd to the tail buffer, keeping the last
 * PFG_STDERR_TAIL bytes. Returns 0 at end of file, 1 when more may come. */
static int drain(int fd, char *tail, size_t *len, int *truncated)
{
	for (;;) {
		size_t room = 2 * PFG_STDERR_TAIL - *len;
		ssize_t r = read(fd, tail + *len, room);
		if (r > 0) {
			*len += (size_t)r;
			if (*len > PFG_STDERR_TAIL) {
				memmove(tail, tail + *len - PFG_STDERR_TAIL, PFG_STDERR_TAIL);
				*len = PFG_STDERR_TAIL;
				*truncated = 1;
			}
			continue;
		}
		if (r == 0)
			return 0;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EWOULDBLOCK;
	}
}

/* Milliseconds from now until deadline (ns on CLOCK_MONOTONIC) for poll(),
 * rounded up; -1 when deadline is 0 (none). */
static int ms_until(int64_t deadline)
{
	if (deadline == 0)
		return -1;
	int64_t left = deadline - pfg_now_ns();
	if (left <= 0)
		return 0;
	int64_t ms = (left + 999999) / 1000000;
	return ms > 1000000 ? 1000000 : (int)ms;
}

/* Nonzero when cancel_fd (if any) says the run must stop. */
static int cancel_requested(int cancel_fd)
{
	if (cancel_fd < 0)
		return 0;
	struct pollfd p = { .fd = cancel_fd, .events = POLLIN };
	return poll(&p, 1, 0) > 0 && p.revents;
}

/* Set once pidfd_open() turned out not to be usable (ENOSYS before Linux
 * 5.3 and under valgrind, EPERM from a seccomp filter, EINVAL), or when
 * PERFGUARD_NO_PIDFD=1 asked: later runs go straight to polling. */
static atomic_int pfg_no_pidfd;
static pthread_once_t pfg_no_pidfd_once = PTHREAD_ONCE_INIT;

/* Read PERFGUARD_NO_PIDFD once: set and not "0" forces polling. */
static void read_no_pidfd_env(void)
{
	const char *v = getenv("PERFGUARD_NO_PIDFD");
	if (v && *v && strcmp(v, "0") != 0)
		atomic_store(&pfg_no_pidfd, 1);
}

/* Open a pidfd for pid, or -1 (then the caller polls). */
static int pidfd_for(pid_t pid)
{
	pthread_once(&pfg_no_pidfd_once, read_no_pidfd_env);
#ifdef SYS_pidfd_open
	if (atomic_load(&pfg_no_pidfd))
		return -1;
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0 && (errno == ENOSYS || errno == EPERM || errno == EINVAL))
		atomic_store(&pfg_no_pidfd, 1);
	return fd;
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/* Nonzero when our child pid has exited (it stays a zombie until reaped). */
static int has_exited(pid_t pid)
{
	siginfo_t si;
	si.si_pid = 0;
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		if (errno != EINTR)
			return 1;
	return si.si_pid == pid;
}

/* Nonzero when pid, a child of the spawner that the spawner has not
 * reaped, has exited: /proc shows it as a zombie (or it is gone). */
static int proc_exited(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH;
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf - 1)) < 0 && errno == EINTR)
		;
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	const char *rp = strrchr(buf, ')'); /* the name may hold ')' too */
	return rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X');
}

/* State of one wait: what we watch and what happened. */
struct waiter {
	pid_t pid;
	int foreign;        /* the spawner's child, not ours: no waitid() */
	int pidfd;          /* -1: poll with short timeouts instead */
	int errfd;          /* stderr pipe (we hold its write end too), -1
			       after a read error */
	int cancel_fd;
	char tail[2 * PFG_STDERR_TAIL];
	size_t tail_len;
	int truncated;
};

/* Wait until the child exits or deadline (0: none) passes, draining
 * stderr. Returns 1 when it exited, 0 at the deadline, -1 on cancel. */
static int wait_exit(struct waiter *w, int64_t deadline, int watch_cancel)
{
	for (;;) {
		struct pollfd fds[3];
		nfds_t n = 0;
		int ipid = -1, ierr = -1, ican = -1;
		if (w->pidfd >= 0) {
			ipid = (int)n;
			fds[n++] = (struct pollfd){ .fd = w->pidfd, .events = POLLIN };
		}
		if (w->errfd >= 0) {
			ierr = (int)n;
			fds[n++] = (struct pollfd){ .fd = w->errfd, .events = POLLIN };
		}
		if (watch_cancel && w->cancel_fd >= 0) {
			ican = (int)n;
			fds[n++] = (struct pollfd){ .fd = w->cancel_fd, .events = POLLIN };
		}
		int timeout = ms_until(deadline);
		if (w->pidfd < 0 && (timeout < 0 || timeout > 2))
			timeout = 2; /* no pidfd: look at the child every 2 ms */
		int r = poll(fds, n, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue; /* a signal handler may have killed the group */
			if (w->pidfd >= 0) { /* cannot happen; fall back to polling */
				close(w->pidfd);
				w->pidfd = -1;
			}
			struct timespec ts = { 0, 2000000 };
			nanosleep(&ts, NULL);
		}
		if (r > 0 && ierr >= 0 && fds[ierr].revents) {
			if (!drain(w->errfd, w->tail, &w->tail_len, &w->truncated)) {
				close(w->errfd);
				w->errfd = -1;
			}
		}
		if (r > 0 && ican >= 0 && fds[ican].revents)
			return -1;
		if (ipid >= 0 ? r > 0 && fds[ipid].revents != 0 :
		    w->foreign ? proc_exited(w->pid) : has_exited(w->pid))
			return 1;
		if (deadline && pfg_now_ns() >= deadline)
			return 0;
	}
}

/* Kill the child's group: TERM, up to grace_ns for the child to exit,
 * then KILL for whatever of the group is left. The child is not reaped
 * yet, so its pid cannot name another group. */
static void kill_group(struct waiter *w, int64_t grace_ns)
{
	kill(-w->pid, SIGTERM);
	wait_exit(w, pfg_now_ns() + grace_ns, 0);
	kill(-w->pid, SIGKILL);
	wait_exit(w, 0, 0);
}

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

/* What may stop a parse: cancel_fd becoming readable (-1: none), or
 * pfg_runner_kill_all() moving pfg_stop_gen away from gen. */
struct parse_stop {
	int cancel_fd;
	unsigned gen;
};

/* Nonzero when the parse must stop now. */
static int parse_must_stop(const struct parse_stop *stop)
{
	return atomic_load(&pfg_stop_gen) != stop->gen ||
	       cancel_requested(stop->cancel_fd);
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
			 const struct parse_stop *stop)
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
	struct parse_stop stop = { -1, atomic_load(&pfg_stop_gen) };
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
static int read_metrics(const char *path, struct pfg_measurement *m,
			const struct parse_stop *stop)
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
static char *make_metrics_file(char *err, size_t errlen)
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
static void remove_metrics_file(const char *path)
{
	if (unlink(path) != 0 && (errno == EISDIR || errno == EPERM))
		rmdir(path);
}

/* Nonzero when dir exists and is a directory we may enter; fills err. */
static int check_cwd(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	if (stat(dir, &st) != 0) {
		pfg_error(err, errlen, PFG_EINPUT, "working directory %s: %s", dir,
			  strerror(errno));
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		pfg_error(err, errlen, PFG_EINPUT, "working directory %s: not a directory",
			  dir);
		return 0;
	}
	if (access(dir, X_OK) != 0) {
		pfg_error(err, errlen, PFG_EINPUT, "working directory %s: %s", dir,
			  strerror(errno));
		return 0;
	}
	return 1;
}

/* Move fd above the standard descriptors (a caller may have closed
 * them), keeping it close-on-exec. Returns the fd to use, or -1. */
static int fd_above_stdio(int fd)
{
	if (fd < 0 || fd > STDERR_FILENO)
		return fd;
	int moved = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	close(fd);
	return moved;
}

/* /dev/null, opened once for every run's stdin and stdout (-1 if it
 * cannot be opened: the child then opens it itself). */
static int pfg_devnull = -1;
static pthread_once_t pfg_devnull_once = PTHREAD_ONCE_INIT;

/* Open pfg_devnull; called once. */
static void open_devnull(void)
{
	pfg_devnull = fd_above_stdio(open("/dev/null", O_RDWR | O_CLOEXEC));
}

/* Reset our own peak RSS to the current RSS. Linux starts a spawned
 * process's ru_maxrss at its spawner's peak (exec_mmap() keeps the
 * high-water mark of the mm it replaces), so without this a moment of
 * high memory use in perfguard would floor every later measurement.
 * Best effort: /proc may be missing or read-only. */
static void reset_own_peak_rss(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t r = write(fd, "5", 1);
	(void)r;
	close(fd);
}

/* Set up the spawn attributes: own process group, default signal
 * dispositions for the signals a caller may ignore or handle, and an
 * empty signal mask (a worker thread may block signals). */
static void init_attr(posix_spawnattr_t *attr)
{
	sigset_t def, none;
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGTERM);
	sigaddset(&def, SIGQUIT);
	sigaddset(&def, SIGHUP);
	sigaddset(&def, SIGCHLD);
	sigemptyset(&none);
	posix_spawnattr_init(attr);
	posix_spawnattr_setflags(attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
				 POSIX_SPAWN_SETSIGMASK);
	posix_spawnattr_setpgroup(attr, 0);
	posix_spawnattr_setsigdefault(attr, &def);
	posix_spawnattr_setsigmask(attr, &none);
}

/* Set up the file actions of a run: stdin (and stdout unless keep_stdout)
 * from /dev/null, stderr to errfd, no other descriptor, cwd when given. */
static void init_actions(posix_spawn_file_actions_t *fa, int errfd, int keep_stdout,
			 const char *cwd)
{
	pthread_once(&pfg_devnull_once, open_devnull);
	posix_spawn_file_actions_init(fa);
	/* dup2 of a descriptor held open is cheaper than an open in the child. */
	if (pfg_devnull >= 0)
		posix_spawn_file_actions_adddup2(fa, pfg_devnull, STDIN_FILENO);
	else
		posix_spawn_file_actions_addopen(fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	if (!keep_stdout && pfg_devnull >= 0)
		posix_spawn_file_actions_adddup2(fa, pfg_devnull, STDOUT_FILENO);
	else if (!keep_stdout)
		posix_spawn_file_actions_addopen(fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(fa, errfd, STDERR_FILENO);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	/* Our other descriptors (the database, a UI's pipes) are not the
	 * benchmark's business. */
	posix_spawn_file_actions_addclosefrom_np(fa, STDERR_FILENO + 1);
#endif
	if (cwd)
		posix_spawn_file_actions_addchdir_np(fa, cwd);
}

/* Spawn file with argv and envp as a run: own process group, the file
 * actions above. Returns 0 with *pid and *start (CLOCK_MONOTONIC ns just
 * before the spawn) set, or an errno value. */
static int spawn_run(const char *file, char *const *argv, char *const *envp,
		     const char *cwd, int keep_stdout, int errfd, pid_t *pid,
		     int64_t *start)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	init_actions(&fa, errfd, keep_stdout, cwd);
	init_attr(&attr);
	reset_own_peak_rss();
	*start = pfg_now_ns();
	int serr = posix_spawn(pid, file, &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return serr;
}

/* ---- The spawner --------------------------------------------------------
 * A small process forked early (pfg_runner_spawner_start) that spawns and
 * reaps the runs that ask for it. Linux starts a new process's peak RSS at the size
 * of the process that spawns it, so spawning from this small process keeps
 * memory figures the same whether the CLI or the larger dashboard asks.
 * Protocol on a stream socket, one run at a time: a request (header, the
 * strings, stderr's descriptor), a spawn reply; once the run has exited
 * (or been killed), one byte asking to reap it, and the reap reply. */

struct spawn_request {
	uint32_t len;          /* bytes of strings that follow */
	uint32_t argc, envc;
	uint32_t keep_stdout, has_cwd;
};

struct spawn_reply {
	int32_t err;           /* errno of posix_spawn, 0 on success */
	int32_t pid;
	int64_t start_ns;
};

struct reap_reply {
	int32_t pid, status;
	int64_t utime_us, stime_us, maxrss_kib;
};

static int pfg_spawner_fd = -1;
static pthread_mutex_t pfg_spawner_lock = PTHREAD_MUTEX_INITIALIZER;

/* Write all of buf; 0 or -1. */
static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read exactly n bytes; 0, or -1 on EOF or error. */
static int read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* The spawner's loop: serve requests until the socket closes. */
static void spawner_serve(int sock)
{
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	for (;;) {
		struct spawn_request h;
		int errfd = -1;
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { &h, sizeof h };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = cbuf, .msg_controllen = sizeof cbuf };
		ssize_t r;
		while ((r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
			;
		if (r <= 0)
			_exit(0);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		if (c && c->cmsg_type == SCM_RIGHTS)
			memcpy(&errfd, CMSG_DATA(c), sizeof errfd);
		if ((size_t)r < sizeof h && read_all(sock, (char *)&h + r, sizeof h - (size_t)r))
			_exit(1);
		char *strings = pfg_xmalloc(h.len + 1);
		if (read_all(sock, strings, h.len) || errfd < 0)
			_exit(1);
		strings[h.len] = '\0';
		char **v = pfg_xcalloc(h.argc + h.envc + 2, sizeof *v);
		char *p = strings, *file = p, *cwd;
		p += strlen(p) + 1;
		cwd = p;
		p += strlen(p) + 1;
		for (uint32_t i = 0; i < h.argc + h.envc + 1; i++) {
			if (i == h.argc)
				continue; /* NULL between argv and envp */
			v[i] = p;
			p += strlen(p) + 1;
		}
		struct spawn_reply rep = { 0 };
		pid_t pid = 0;
		int64_t start = 0;
		rep.err = spawn_run(file, v, v + h.argc + 1, h.has_cwd ? cwd : NULL,
				    (int)h.keep_stdout, errfd, &pid, &start);
		close(errfd);
		rep.pid = pid;
		rep.start_ns = start;
		free(v);
		free(strings);
		if (write_all(sock, &rep, sizeof rep))
			_exit(1);
		if (rep.err)
			continue;
		/* Reap only when asked: until then the run stays a zombie at worst,
		 * so the caller's pidfd and process group stay valid. */
		char go;
		if (read_all(sock, &go, 1))
			_exit(1);
		int status = 0;
		struct rusage ru;
		memset(&ru, 0, sizeof ru);
		while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
			;
		struct reap_reply done = {
			pid, status,
			(int64_t)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
			(int64_t)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec,
			ru.ru_maxrss,
		};
		if (write_all(sock, &done, sizeof done))
			_exit(1);
	}
}

int pfg_runner_spawner_start(char *err, size_t errlen)
{
	int fds[2];
	if (pfg_spawner_fd >= 0)
		return 0;
	/* A run spawned elsewhere is watched by pidfd, or else by /proc. */
	int probe = pidfd_for(getpid());
	if (probe >= 0)
		close(probe);
	else if (access("/proc/self/stat", R_OK) != 0)
		return pfg_error(err, errlen, PFG_ERUNTIME, "neither pidfd_open nor "
				 "/proc is available");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
		return pfg_error(err, errlen, PFG_ERUNTIME, "socketpair: %s", strerror(errno));
	pid_t parent = getpid(), pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return pfg_error(err, errlen, PFG_ERUNTIME, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		spawner_serve(fds[1]);
		_exit(0);
	}
	close(fds[1]);
	pfg_spawner_fd = fds[0];
	return 0;
}

/* Ask the spawner to start a run; as spawn_run(). Holds the spawner's lock
 * until spawner_reap() when it succeeds. */
static int spawner_spawn(const char *file, char *const *argv, char *const *envp,
			 const char *cwd, int keep_stdout, int errfd, pid_t *pid,
			 int64_t *start)
{
	struct spawn_request h = { 0 };
	size_t len = strlen(file) + 1 + (cwd ? strlen(cwd) : 0) + 1;
	for (char *const *a = argv; *a; a++, h.argc++)
		len += strlen(*a) + 1;
	for (char *const *e = envp; *e; e++, h.envc++)
		len += strlen(*e) + 1;
	char *buf = pfg_xmalloc(len), *p = buf;
	p = stpcpy(p, file) + 1;
	p = stpcpy(p, cwd ? cwd : "") + 1;
	for (char *const *a = argv; *a; a++)
		p = stpcpy(p, *a) + 1;
	for (char *const *e = envp; *e; e++)
		p = stpcpy(p, *e) + 1;
	h.len = (uint32_t)len;
	h.keep_stdout = (uint32_t)keep_stdout;
	h.has_cwd = cwd != NULL;
	char cbuf[CMSG_SPACE(sizeof(int))];
	memset(cbuf, 0, sizeof cbuf);
	struct iovec iov = { &h, sizeof h };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof cbuf };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &errfd, sizeof errfd);
	pthread_mutex_lock(&pfg_spawner_lock);
	ssize_t w;
	while ((w = sendmsg(pfg_spawner_fd, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	struct spawn_reply rep;
	int bad = w != (ssize_t)sizeof h || write_all(pfg_spawner_fd, buf, len) ||
		  read_all(pfg_spawner_fd, &rep, sizeof rep);
	free(buf);
	if (bad || rep.err) {
		pthread_mutex_unlock(&pfg_spawner_lock);
		return bad ? EPIPE : rep.err;
	}
	*pid = rep.pid;
	*start = rep.start_ns;
	return 0;
}

/* Wait for the spawner's report of the run it reaped; releases its lock.
 * Returns 0, or -1 when the spawner is gone. */
static int spawner_reap(pid_t pid, int *status, struct rusage *ru)
{
	struct reap_reply done;
	int rc = write_all(pfg_spawner_fd, "r", 1) ||
		 read_all(pfg_spawner_fd, &done, sizeof done);
	pthread_mutex_unlock(&pfg_spawner_lock);
	if (rc || done.pid != pid)
		return -1;
	*status = done.status;
	ru->ru_utime.tv_sec = done.utime_us / 1000000;
	ru->ru_utime.tv_usec = done.utime_us % 1000000;
	ru->ru_stime.tv_sec = done.stime_us / 1000000;
	ru->ru_stime.tv_usec = done.stime_us % 1000000;
	ru->ru_maxrss = done.maxrss_kib;
	return 0;
}

/* Check spec's fields that the caller may get wrong; fills err. */
static int check_spec(const struct pfg_exec_spec *spec, char *err, size_t errlen)
{
	if (!spec->argv || !spec->argv[0])
		return pfg_error(err, errlen, PFG_EINPUT, "no command to run");
	for (char *const *e = spec->env; e && *e; e++)
		if (!strchr(*e, '=') || **e == '=')
			return pfg_error(err, errlen, PFG_EINPUT, "environment entry '%s': "
					 "expected KEY=VALUE", *e);
	if (!(spec->timeout_s >= 0) || !(spec->grace_s >= 0))
		return pfg_error(err, errlen, PFG_EINPUT, "timeout and grace period "
				 "must be 0 or more seconds");
	return 0;
}

int pfg_runner_exec(const struct pfg_exec_spec *spec,
		    struct pfg_measurement *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	int rc = check_spec(spec, err, errlen);
	if (rc)
		return rc;
	if (spec->cwd && !check_cwd(spec->cwd, err, errlen))
		return PFG_EINPUT;
	if (cancel_requested(spec->cancel_fd)) {
		out->cancelled = 1;
		return 0;
	}
	struct parse_stop stop = { spec->cancel_fd, atomic_load(&pfg_stop_gen) };

	char *metrics_path = NULL, *metrics_var = NULL, *resolved_owned = NULL;
	char **envp = environ, **argv_owned = NULL;
	int pipefd[2] = { -1, -1 };
	rc = PFG_ERUNTIME;
	if (spec->metrics) {
		metrics_path = make_metrics_file(err, errlen);
		if (!metrics_path)
			goto done;
		metrics_var = pfg_xasprintf("PERFGUARD_METRICS=%s", metrics_path);
	}
	envp = build_env(spec->env, metrics_var);

	const char *file;
	char *const *argv = spec->argv;
	if (spec->shell) {
		size_t n = 0;
		while (spec->argv[n])
			n++;
		/* sh -c CMD sh ARG...: further arguments become $1... */
		argv_owned = pfg_xcalloc(n + 4, sizeof *argv_owned);
		argv_owned[0] = "sh";
		argv_owned[1] = "-c";
		argv_owned[2] = spec->argv[0];
		argv_owned[3] = "sh";
		for (size_t i = 1; i < n; i++)
			argv_owned[3 + i] = spec->argv[i];
		argv = argv_owned;
		file = "/bin/sh";
	} else {
		file = resolve_command(spec->argv[0], spec->cwd, envp, &resolved_owned,
				       err, errlen);
		if (!file) {
			rc = PFG_EINPUT;
			goto done;
		}
	}

	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) != 0) {
		pfg_error(err, errlen, PFG_ERUNTIME, "cannot create a pipe: %s",
			  strerror(errno));
		goto done;
	}
	pipefd[0] = fd_above_stdio(pipefd[0]);
	pipefd[1] = fd_above_stdio(pipefd[1]);
	if (pipefd[0] < 0 || pipefd[1] < 0) {
		pfg_error(err, errlen, PFG_ERUNTIME, "cannot create a pipe: %s",
			  strerror(errno));
		goto done;
	}
	/* The child's end blocks like an ordinary stderr. */
	fcntl(pipefd[1], F_SETFL, 0);

	pthread_once(&pfg_devnull_once, open_devnull);
	/* Block signals until the group is registered, so that a handler's
	 * pfg_runner_kill_all() cannot miss it. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pid_t pid = 0;
	int64_t start = 0;
	int spawner = spec->via_spawner && pfg_spawner_fd >= 0;
	int serr = spawner ? spawner_spawn(file, argv, envp, spec->cwd, spec->keep_stdout,
					   pipefd[1], &pid, &start)
			   : spawn_run(file, argv, envp, spec->cwd, spec->keep_stdout,
				       pipefd[1], &pid, &start);
	int slot = serr == 0 ? slot_claim(pid) : -1;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/* We keep our copy of the write end until the child is reaped: the
	 * child's exit then wakes us once (pidfd), not twice (pipe hangup and
	 * pidfd), which measurably shortens the timed wait. It also means a
	 * background process that inherited stderr never holds the run. */
	if (serr != 0) {
		rc = pfg_error(err, errlen, serr == ENOENT || serr == EACCES ||
			       serr == ENOEXEC ? PFG_EINPUT : PFG_ERUNTIME,
			       "cannot run %s: %s", spec->shell ? "/bin/sh" : spec->argv[0],
			       strerror(serr));
		goto done;
	}

	struct waiter w = {
		.pid = pid,
		.foreign = spawner,
		.pidfd = pidfd_for(pid),
		.errfd = pipefd[0],
		.cancel_fd = spec->cancel_fd,
	};
	pipefd[0] = -1; /* w.errfd owns it now */
	int64_t deadline = spec->timeout_s > 0 ?
		start + (int64_t)(spec->timeout_s * 1e9) : 0;
	int64_t grace = (int64_t)((spec->grace_s > 0 ? spec->grace_s : 2.0) * 1e9);
	int how = wait_exit(&w, deadline, 1);
	if (how <= 0) {
		out->timed_out = how == 0;
		out->timeout_s = how == 0 ? spec->timeout_s : 0;
		out->cancelled = how < 0;
		kill_group(&w, grace);
	}
	/* What the run left in its group (a background process) dies with it.
	 * The leader is not reaped yet, so its pid still names this group. A
	 * process that left the group (setsid) escapes. */
	kill(-pid, SIGKILL);
	/* Free the slot before reaping: once reaped, the pgid may be reused. */
	slot_free(slot);

	int status = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	int64_t end = pfg_now_ns();
	if (spawner) {
		if (spawner_reap(pid, &status, &ru) != 0) {
			rc = pfg_error(err, errlen, PFG_ERUNTIME, "the spawner process "
				       "stopped answering");
			if (w.errfd >= 0)
				close(w.errfd);
			if (w.pidfd >= 0)
				close(w.pidfd);
			goto done;
		}
	} else {
		while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
			;
		end = pfg_now_ns();
	}
	out->wall_ns = end - start;
	if (w.errfd >= 0) {
		drain(w.errfd, w.tail, &w.tail_len, &w.truncated);
		close(w.errfd);
	}
	if (w.pidfd >= 0)
		close(w.pidfd);

	out->user_ns = (int64_t)ru.ru_utime.tv_sec * 1000000000 +
		       (int64_t)ru.ru_utime.tv_usec * 1000;
	out->sys_ns = (int64_t)ru.ru_stime.tv_sec * 1000000000 +
		      (int64_t)ru.ru_stime.tv_usec * 1000;
	out->max_rss_kib = ru.ru_maxrss;
	if (WIFEXITED(status)) {
		out->exited = 1;
		out->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		out->term_signal = WTERMSIG(status);
	}
	if (w.tail_len) {
		/* A cut tail starts at a line when one begins early enough. */
		const char *t = w.tail;
		size_t n = w.tail_len;
		const char *nl = w.truncated ? memchr(t, '\n', n < 256 ? n : 256) : NULL;
		if (nl && (size_t)(nl + 1 - t) < n) {
			n -= (size_t)(nl + 1 - t);
			t = nl + 1;
		}
		out->stderr_tail = pfg_xmalloc(n + 1);
		memcpy(out->stderr_tail, t, n);
		out->stderr_tail[n] = '\0';
	}
	if (metrics_path && read_metrics(metrics_path, out, &stop) == PFG_ERUNTIME)
		out->cancelled = 1; /* stopped while parsing */
	rc = 0;

done:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (metrics_path) {
		remove_metrics_file(metrics_path);
		free(metrics_path);
	}
	free(metrics_var);
	if (envp != environ)
		free(envp);
	free(argv_owned);
	free(resolved_owned);
	return rc;
}

int pfg_measurement_ok(const struct pfg_measurement *m)
{
	return m->exited && m->exit_code == 0 && !m->term_signal && !m->timed_out &&
	       !m->cancelled && !m->metrics_error;
}

/* Format seconds without trailing zeros: "5", "0.25". */
static void format_seconds(double s, char *buf, size_t len)
{
	snprintf(buf, len, "%.3f", s);
	char *dot = strchr(buf, '.');
	if (!dot)
		return;
	char *end = buf + strlen(buf) - 1;
	while (end > dot && *end == '0')
		*end-- = '\0';
	if (end == dot)
		*end = '\0';
}

void pfg_measurement_describe(const struct pfg_measurement *m, char *buf,
			      size_t len)
{
	if (!len)
		return;
	if (m->timed_out) {
		char secs[32];
		format_seconds(m->timeout_s, secs, sizeof secs);
		snprintf(buf, len, "timed out after %s s", secs);
	} else if (m->cancelled) {
		snprintf(buf, len, "cancelled");
	} else if (m->term_signal) {
		snprintf(buf, len, "killed by signal %d (%s)", m->term_signal,
			 strsignal(m->term_signal));
	} else if (m->exited && m->exit_code != 0) {
		snprintf(buf, len, "exit code %d", m->exit_code);
	} else if (m->metrics_error) {
		snprintf(buf, len, "bad metrics file: %s", m->metrics_error);
	} else if (!m->exited) {
		snprintf(buf, len, "did not run");
	} else {
		snprintf(buf, len, "succeeded");
	}
}

const struct pfg_metric *pfg_measurement_metric(const struct pfg_measurement *m,
						const char *name)
{
	for (size_t i = 0; i < m->n_metrics; i++)
		if (strcmp(m->metrics[i].name, name) == 0)
			return &m->metrics[i];
	return NULL;
}

void pfg_measurement_release(struct pfg_measurement *m)
{
	for (size_t i = 0; i < m->n_metrics; i++) {
		free(m->metrics[i].name);
		free(m->metrics[i].unit);
	}
	free(m->metrics);
	free(m->metrics_error);
	free(m->stderr_tail);
	memset(m, 0, sizeof *m);
}
