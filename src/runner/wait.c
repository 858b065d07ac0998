/* wait.c: wait for a run with a pidfd, or by polling where pidfds are
 * missing; drain its stderr (and a captured stdout) meanwhile; time it
 * out; kill its process group. */
#include "runner_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

/* Append what is readable on the stdout pipe to w->out, keeping at most
 * w->out_max bytes and discarding the rest. Returns as drain(). */
static int drain_out(struct pfg_waiter *w)
{
	for (;;) {
		char buf[4096];
		ssize_t r = read(w->outfd, buf, sizeof buf);
		if (r > 0) {
			size_t keep = w->out_max - w->out_len;
			if ((size_t)r < keep)
				keep = (size_t)r;
			memcpy(w->out + w->out_len, buf, keep);
			w->out_len += keep;
			w->out[w->out_len] = '\0';
			continue;
		}
		if (r == 0)
			return 0;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EWOULDBLOCK;
	}
}

/* Nonzero when cancel_fd (if any) says the run must stop. */
int pfg_runner_cancel_requested(int cancel_fd)
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
int pfg_runner_pidfd(pid_t pid)
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

/* Read what the pipes that poll() found ready hold; a pipe at its end is
 * closed. ierr and iout index fds, or are -1. */
static void drain_ready(struct pfg_waiter *w, const struct pollfd *fds, int ierr, int iout)
{
	if (ierr >= 0 && fds[ierr].revents &&
	    !drain(w->errfd, w->tail, &w->tail_len, &w->truncated)) {
		close(w->errfd);
		w->errfd = -1;
	}
	if (iout >= 0 && fds[iout].revents && !drain_out(w)) {
		close(w->outfd);
		w->outfd = -1;
	}
}

/* Add fd to the poll set when it is open (and want is set); returns its
 * index, or -1. */
static int watch(struct pollfd *fds, nfds_t *n, int fd, int want)
{
	if (fd < 0 || !want)
		return -1;
	fds[*n] = (struct pollfd){ .fd = fd, .events = POLLIN };
	return (int)(*n)++;
}

/* Wait for exit, deadline or cancel (see runner_int.h). */
int pfg_runner_wait_exit(struct pfg_waiter *w, int64_t deadline, int watch_cancel)
{
	for (;;) {
		struct pollfd fds[4];
		nfds_t n = 0;
		int ipid = watch(fds, &n, w->pidfd, 1);
		int ierr = watch(fds, &n, w->errfd, 1);
		int iout = watch(fds, &n, w->outfd, 1);
		int ican = watch(fds, &n, w->cancel_fd, watch_cancel);
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
		if (r > 0)
			drain_ready(w, fds, ierr, iout);
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
void pfg_runner_kill_group(struct pfg_waiter *w, int64_t grace_ns)
{
	kill(-w->pid, SIGTERM);
	pfg_runner_wait_exit(w, pfg_now_ns() + grace_ns, 0);
	kill(-w->pid, SIGKILL);
	pfg_runner_wait_exit(w, 0, 0);
}

/* Drain and close the waiter's pipes and its pidfd. */
void pfg_runner_waiter_finish(struct pfg_waiter *w)
{
	if (w->errfd >= 0) {
		drain(w->errfd, w->tail, &w->tail_len, &w->truncated);
		close(w->errfd);
		w->errfd = -1;
	}
	if (w->outfd >= 0) {
		drain_out(w);
		close(w->outfd);
		w->outfd = -1;
	}
	if (w->pidfd >= 0)
		close(w->pidfd);
	w->pidfd = -1;
}
