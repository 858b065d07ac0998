/* session.c: the engine session (the spawner, the signal handlers and the
 * cancel token of a process) and the repeat loop of warmup and measured
 * runs that the engine and `perfguard measure` share. */
#include "perfguard/engine.h"
#include "perfguard/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The signals a session catches. */
static const int pfg_session_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define PFG_N_SIGNALS 3

struct pfg_engine_session {
	int cancel[2];            /* the token: a pipe, readable once tripped */
	atomic_int cancelled;
	atomic_int signal;        /* the last signal that tripped it, or 0 */
	atomic_int wake_fd;       /* written by the handler, or -1 */
	int started_spawner;
	int caught;               /* the handlers are installed */
	struct sigaction old[PFG_N_SIGNALS];
};

/* The session of this process, for the signal handler. */
static _Atomic(struct pfg_engine_session *) pfg_active;

/* SIGINT, SIGTERM, SIGHUP: note the signal, trip the token, wake the UI. */
static void on_signal(int sig)
{
	int saved = errno;
	struct pfg_engine_session *s = atomic_load(&pfg_active);
	if (s) {
		atomic_store(&s->signal, sig);
		pfg_engine_session_cancel(s);
		int fd = atomic_load(&s->wake_fd);
		if (fd >= 0 && write(fd, "s", 1) < 0) {
			/* full: the UI is awake already */
		}
	}
	errno = saved;
}

/* Begin the session of this process (see engine.h). */
int pfg_engine_session_begin(const struct pfg_engine_session_opts *opts,
			     struct pfg_engine_session **out, char *err, size_t errlen)
{
	*out = NULL;
	if (atomic_load(&pfg_active))
		return pfg_error(err, errlen, PFG_ERUNTIME, "an engine session is "
				 "active already");
	struct pfg_engine_session *s = pfg_xcalloc(1, sizeof *s);
	if (pipe2(s->cancel, O_CLOEXEC | O_NONBLOCK) != 0) {
		free(s);
		return pfg_error(err, errlen, PFG_ERUNTIME, "cannot create a pipe: %s",
				 strerror(errno));
	}
	atomic_init(&s->cancelled, 0);
	atomic_init(&s->signal, 0);
	atomic_init(&s->wake_fd, -1);
	if (opts && opts->spawner) {
		char ignored[PFG_ERR_MAX];
		s->started_spawner = pfg_runner_spawner_start(ignored, sizeof ignored) == 0;
	}
	atomic_store(&pfg_active, s);
	if (opts && opts->signals)
		pfg_engine_session_catch_signals(s, -1);
	*out = s;
	return 0;
}

/* Install the session's signal handlers (see engine.h). */
void pfg_engine_session_catch_signals(struct pfg_engine_session *s, int wake_fd)
{
	atomic_store(&s->wake_fd, wake_fd);
	if (s->caught)
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < PFG_N_SIGNALS; i++)
		sigaction(pfg_session_signals[i], &sa, &s->old[i]);
	s->caught = 1;
}

/* Trip the token (see engine.h). Async-signal-safe. */
void pfg_engine_session_cancel(struct pfg_engine_session *s)
{
	if (!s)
		return;
	int saved = errno;
	atomic_store(&s->cancelled, 1);
	pfg_runner_kill_all();
	if (write(s->cancel[1], "c", 1) < 0) {
		/* full: cancellation was asked already */
	}
	errno = saved;
}

/* Untrip the token (see engine.h). */
void pfg_engine_session_rearm(struct pfg_engine_session *s)
{
	if (!s || atomic_load(&s->signal))
		return;
	char buf[64];
	while (read(s->cancel[0], buf, sizeof buf) > 0)
		;
	atomic_store(&s->cancelled, 0);
}

/* Nonzero once the token was tripped. */
int pfg_engine_session_cancelled(const struct pfg_engine_session *s)
{
	return s && atomic_load(&s->cancelled);
}

/* The signal that tripped the token, or 0. */
int pfg_engine_session_signal(const struct pfg_engine_session *s)
{
	return s ? atomic_load(&s->signal) : 0;
}

/* The token's read end, or -1. */
int pfg_engine_session_cancel_fd(const struct pfg_engine_session *s)
{
	return s ? s->cancel[0] : -1;
}

/* End the session (see engine.h). */
void pfg_engine_session_end(struct pfg_engine_session *s)
{
	if (!s)
		return;
	if (s->caught)
		for (int i = 0; i < PFG_N_SIGNALS; i++)
			sigaction(pfg_session_signals[i], &s->old[i], NULL);
	atomic_store(&pfg_active, NULL);
	if (s->started_spawner)
		pfg_runner_spawner_stop();
	close(s->cancel[0]);
	close(s->cancel[1]);
	free(s);
}

/* Run the warmup and measured runs (see engine.h). */
int pfg_engine_repeat(struct pfg_engine_session *session, const struct pfg_repeat *r,
		      char *err, size_t errlen)
{
	struct pfg_exec_spec spec = *r->spec;
	if (session)
		spec.cancel_fd = pfg_engine_session_cancel_fd(session);
	int total = r->warmup + r->runs;
	for (int i = 0; i < total; i++) {
		if (pfg_engine_session_cancelled(session))
			return PFG_REPEAT_STOPPED;
		if (r->before && r->before(i, r->ctx))
			return PFG_REPEAT_ABORTED;
		struct pfg_measurement m;
		int rc = pfg_runner_exec(&spec, &m, err, errlen);
		if (rc < 0 || m.cancelled || pfg_engine_session_cancelled(session)) {
			pfg_measurement_release(&m);
			return rc < 0 ? rc : PFG_REPEAT_STOPPED;
		}
		int warm = i < r->warmup;
		struct pfg_repeat_run run = {
			.index = i, .warmup = warm, .number = warm ? i + 1 : i - r->warmup + 1,
			.of = warm ? r->warmup : r->runs, .m = &m,
		};
		rc = r->on_run(&run, r->ctx);
		pfg_measurement_release(&m);
		if (rc)
			return PFG_REPEAT_ABORTED;
	}
	return pfg_engine_session_cancelled(session) ? PFG_REPEAT_STOPPED : 0;
}
