/* exec.c: one run of a command, step by step: check the spec, prepare
 * its environment, argv and metrics file, make its pipes, spawn it
 * (directly or through the spawner) and register its group, wait for it
 * with a deadline, reap it and collect what it measured. */
#include "runner_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Everything one run holds between its steps. */
struct exec_run {
	const struct pfg_exec_spec *spec;
	struct pfg_parse_stop stop;
	char *metrics_path, *metrics_var, *resolved_owned;
	char **envp, **argv_owned;
	const char *file;         /* what is executed */
	char *const *argv;
	int errpipe[2];           /* stderr: [0] read by us, [1] the child's */
	int outpipe[2];           /* stdout when captured, else -1 */
	size_t out_max;           /* bytes of stdout kept when captured */
	pid_t pid;
	int64_t start, end;
	int spawner;              /* spawned through the spawner */
	int slot;                 /* our slot for pfg_runner_kill_all() */
	struct pfg_waiter w;
	int status;
	struct rusage ru;
};

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
	if (spec->cwd && !pfg_runner_check_cwd(spec->cwd, err, errlen))
		return PFG_EINPUT;
	return 0;
}

/* The argv of a shell run: sh -c CMD sh ARG..., further arguments
 * becoming $1...; the caller frees the array (its strings are borrowed). */
static char **shell_argv(char *const *argv)
{
	size_t n = 0;
	while (argv[n])
		n++;
	char **v = pfg_xcalloc(n + 4, sizeof *v);
	v[0] = "sh";
	v[1] = "-c";
	v[2] = argv[0];
	v[3] = "sh";
	for (size_t i = 1; i < n; i++)
		v[3 + i] = argv[i];
	return v;
}

/* Prepare r: the metrics file, the environment, the file and argv to
 * execute. Returns 0, or a negative code after filling err. */
static int prepare(struct exec_run *r, char *err, size_t errlen)
{
	const struct pfg_exec_spec *spec = r->spec;
	if (spec->metrics) {
		r->metrics_path = pfg_runner_metrics_create(err, errlen);
		if (!r->metrics_path)
			return PFG_ERUNTIME;
		r->metrics_var = pfg_xasprintf("PERFGUARD_METRICS=%s", r->metrics_path);
	}
	r->envp = pfg_runner_build_env(spec->env, r->metrics_var);
	if (spec->shell) {
		r->argv = r->argv_owned = shell_argv(spec->argv);
		r->file = "/bin/sh";
		return 0;
	}
	r->argv = spec->argv;
	r->file = pfg_runner_resolve(spec->argv[0], spec->cwd, r->envp, &r->resolved_owned,
				     err, errlen);
	return r->file ? 0 : PFG_EINPUT;
}

/* Make a pipe for the child's stderr or stdout: both ends above the
 * standard descriptors, ours non-blocking, the child's blocking like an
 * ordinary stream. Returns 0, or PFG_ERUNTIME after filling err. */
static int make_pipe(int fds[2], char *err, size_t errlen)
{
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
		return pfg_error(err, errlen, PFG_ERUNTIME, "cannot create a pipe: %s",
				 strerror(errno));
	fds[0] = pfg_runner_fd_above_stdio(fds[0]);
	fds[1] = pfg_runner_fd_above_stdio(fds[1]);
	if (fds[0] < 0 || fds[1] < 0)
		return pfg_error(err, errlen, PFG_ERUNTIME, "cannot create a pipe: %s",
				 strerror(errno));
	fcntl(fds[1], F_SETFL, 0);
	return 0;
}

/* Spawn the run and register its group, with signals blocked meanwhile so
 * that a handler's pfg_runner_kill_all() cannot miss it. Returns 0, or a
 * negative code after filling err. */
static int start(struct exec_run *r, char *err, size_t errlen)
{
	const struct pfg_exec_spec *spec = r->spec;
	pfg_runner_devnull_init();
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r->spawner = spec->via_spawner && r->outpipe[1] < 0 && pfg_runner_spawner_running();
	int serr = r->spawner ?
		pfg_runner_spawner_spawn(r->file, r->argv, r->envp, spec->cwd,
					 spec->keep_stdout, r->errpipe[1], &r->pid, &r->start) :
		pfg_runner_spawn(r->file, r->argv, r->envp, spec->cwd, spec->keep_stdout,
				 r->outpipe[1], r->errpipe[1], &r->pid, &r->start);
	r->slot = serr == 0 ? pfg_runner_slot_claim(r->pid) : -1;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/* We keep our copy of the write end until the child is reaped: the
	 * child's exit then wakes us once (pidfd), not twice (pipe hangup and
	 * pidfd), which measurably shortens the timed wait. It also means a
	 * background process that inherited stderr never holds the run. */
	if (serr != 0)
		return pfg_error(err, errlen, serr == ENOENT || serr == EACCES ||
				 serr == ENOEXEC ? PFG_EINPUT : PFG_ERUNTIME,
				 "cannot run %s: %s", spec->shell ? "/bin/sh" : spec->argv[0],
				 strerror(serr));
	return 0;
}

/* Wait for the run until it exits, times out or is cancelled; kill its
 * group in the last two cases, and whatever it left in its group always. */
static void await(struct exec_run *r, struct pfg_measurement *out)
{
	const struct pfg_exec_spec *spec = r->spec;
	r->w = (struct pfg_waiter){
		.pid = r->pid,
		.foreign = r->spawner,
		.pidfd = pfg_runner_pidfd(r->pid),
		.errfd = r->errpipe[0],
		.outfd = r->outpipe[0],
		.cancel_fd = spec->cancel_fd,
		.out_max = r->out_max,
	};
	r->errpipe[0] = r->outpipe[0] = -1; /* the waiter owns them now */
	if (r->w.outfd >= 0)
		r->w.out = pfg_xcalloc(r->out_max + 1, 1);
	int64_t deadline = spec->timeout_s > 0 ?
		r->start + (int64_t)(spec->timeout_s * 1e9) : 0;
	int64_t grace = (int64_t)((spec->grace_s > 0 ? spec->grace_s : 2.0) * 1e9);
	int how = pfg_runner_wait_exit(&r->w, deadline, 1);
	if (how <= 0) {
		out->timed_out = how == 0;
		out->timeout_s = how == 0 ? spec->timeout_s : 0;
		out->cancelled = how < 0;
		pfg_runner_kill_group(&r->w, grace);
	}
	/* What the run left in its group (a background process) dies with it.
	 * The leader is not reaped yet, so its pid still names this group. A
	 * process that left the group (setsid) escapes. */
	kill(-r->pid, SIGKILL);
	/* Free the slot before reaping: once reaped, the pgid may be reused. */
	pfg_runner_slot_free(r->slot);
	r->slot = -1;
}

/* Reap the run (ourselves or through the spawner) into r->status and
 * r->ru, and note when it ended. Returns 0, or PFG_ERUNTIME after filling
 * err when the spawner stopped answering. */
static int reap(struct exec_run *r, char *err, size_t errlen)
{
	memset(&r->ru, 0, sizeof r->ru);
	r->end = pfg_now_ns();
	if (r->spawner) {
		if (pfg_runner_spawner_reap(r->pid, &r->status, &r->ru) != 0)
			return pfg_error(err, errlen, PFG_ERUNTIME, "the spawner process "
					 "stopped answering");
		return 0;
	}
	while (wait4(r->pid, &r->status, 0, &r->ru) < 0 && errno == EINTR)
		;
	r->end = pfg_now_ns();
	return 0;
}

/* The last bytes of stderr in w as a string for the user, or NULL: a cut
 * tail starts at a line when one begins early enough. */
static char *stderr_tail(const struct pfg_waiter *w)
{
	if (!w->tail_len)
		return NULL;
	const char *t = w->tail;
	size_t n = w->tail_len;
	const char *nl = w->truncated ? memchr(t, '\n', n < 256 ? n : 256) : NULL;
	if (nl && (size_t)(nl + 1 - t) < n) {
		n -= (size_t)(nl + 1 - t);
		t = nl + 1;
	}
	char *s = pfg_xmalloc(n + 1);
	memcpy(s, t, n);
	s[n] = '\0';
	return s;
}

/* Fill out from the reaped run: times, rusage, status, stderr, metrics. */
static void collect(struct exec_run *r, struct pfg_measurement *out)
{
	out->wall_ns = r->end - r->start;
	pfg_runner_waiter_finish(&r->w);
	out->user_ns = (int64_t)r->ru.ru_utime.tv_sec * 1000000000 +
		       (int64_t)r->ru.ru_utime.tv_usec * 1000;
	out->sys_ns = (int64_t)r->ru.ru_stime.tv_sec * 1000000000 +
		      (int64_t)r->ru.ru_stime.tv_usec * 1000;
	out->max_rss_kib = r->ru.ru_maxrss;
	if (WIFEXITED(r->status)) {
		out->exited = 1;
		out->exit_code = WEXITSTATUS(r->status);
	} else if (WIFSIGNALED(r->status)) {
		out->term_signal = WTERMSIG(r->status);
	}
	out->stderr_tail = stderr_tail(&r->w);
	if (r->metrics_path &&
	    pfg_runner_metrics_read(r->metrics_path, out, &r->stop) == PFG_ERUNTIME)
		out->cancelled = 1; /* stopped while parsing */
}

/* Close and free what r still holds. */
static void release(struct exec_run *r)
{
	for (int i = 0; i < 2; i++) {
		if (r->errpipe[i] >= 0)
			close(r->errpipe[i]);
		if (r->outpipe[i] >= 0)
			close(r->outpipe[i]);
	}
	pfg_runner_waiter_finish(&r->w);
	free(r->w.out);
	if (r->metrics_path) {
		pfg_runner_metrics_remove(r->metrics_path);
		free(r->metrics_path);
	}
	free(r->metrics_var);
	if (r->envp != environ)
		free(r->envp);
	free(r->argv_owned);
	free(r->resolved_owned);
}

/* Run spec once into out (see pfg_runner_exec); with capture set, stdout
 * goes to a pipe and at most max_out bytes of it to *text. */
static int run(const struct pfg_exec_spec *spec, int capture, size_t max_out,
	       char **text, struct pfg_measurement *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	int rc = check_spec(spec, err, errlen);
	if (rc)
		return rc;
	if (pfg_runner_cancel_requested(spec->cancel_fd)) {
		out->cancelled = 1;
		return 0;
	}
	struct exec_run r = {
		.spec = spec, .stop = { spec->cancel_fd, pfg_runner_stop_gen() },
		.envp = environ, .errpipe = { -1, -1 }, .outpipe = { -1, -1 },
		.out_max = max_out, .slot = -1,
		.w = { .pidfd = -1, .errfd = -1, .outfd = -1 },
	};
	if ((rc = prepare(&r, err, errlen)) == 0 &&
	    (rc = make_pipe(r.errpipe, err, errlen)) == 0 &&
	    (!capture || (rc = make_pipe(r.outpipe, err, errlen)) == 0) &&
	    (rc = start(&r, err, errlen)) == 0) {
		await(&r, out);
		rc = reap(&r, err, errlen);
		if (rc == 0)
			collect(&r, out);
		if (rc == 0 && text) {
			*text = r.w.out;
			r.w.out = NULL;
		}
	}
	release(&r);
	return rc;
}

/* Run spec once (see runner.h). */
int pfg_runner_exec(const struct pfg_exec_spec *spec,
		    struct pfg_measurement *out, char *err, size_t errlen)
{
	return run(spec, 0, 0, NULL, out, err, errlen);
}

/* Run spec once capturing its stdout (see runner.h). */
int pfg_runner_capture(const struct pfg_exec_spec *spec, size_t max_bytes, char **text,
		       struct pfg_measurement *out, char *err, size_t errlen)
{
	*text = NULL;
	return run(spec, 1, max_bytes, text, out, err, errlen);
}
