/* spawner.c: a small process forked early (pfg_runner_spawner_start) that
 * spawns and reaps the runs that ask for it. Linux starts a new process's
 * peak RSS at the size of the process that spawns it, so spawning from
 * this small process keeps memory figures the same whether the CLI or the
 * larger dashboard asks.
 * Protocol on a stream socket, one run at a time: a request (header, the
 * strings, stderr's descriptor), a spawn reply; once the run has exited
 * (or been killed), one byte asking to reap it, and the reap reply. */
#include "runner_int.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

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
static pid_t pfg_spawner_pid;
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
		rep.err = pfg_runner_spawn(file, v, v + h.argc + 1, h.has_cwd ? cwd : NULL,
					   (int)h.keep_stdout, -1, errfd, &pid, &start);
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

/* Fork the spawner (see runner.h). */
int pfg_runner_spawner_start(char *err, size_t errlen)
{
	int fds[2];
	if (pfg_spawner_fd >= 0)
		return 0;
	/* A run spawned elsewhere is watched by pidfd, or else by /proc. */
	int probe = pfg_runner_pidfd(getpid());
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
	pfg_spawner_pid = pid;
	return 0;
}

/* Stop the spawner (see runner.h): close its socket and reap it. */
void pfg_runner_spawner_stop(void)
{
	pthread_mutex_lock(&pfg_spawner_lock);
	if (pfg_spawner_fd >= 0) {
		close(pfg_spawner_fd); /* it reads end of file and exits, */
		pfg_spawner_fd = -1;
		kill(pfg_spawner_pid, SIGKILL); /* or a fork holding the socket */
		while (waitpid(pfg_spawner_pid, NULL, 0) < 0 && errno == EINTR)
			;
		pfg_spawner_pid = 0;
	}
	pthread_mutex_unlock(&pfg_spawner_lock);
}

/* Nonzero when the spawner runs. */
int pfg_runner_spawner_running(void)
{
	return pfg_spawner_fd >= 0;
}

/* Ask the spawner to start a run; as pfg_runner_spawn(). Holds the spawner's lock
 * until pfg_runner_spawner_reap() when it succeeds. */
int pfg_runner_spawner_spawn(const char *file, char *const *argv, char *const *envp,
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
int pfg_runner_spawner_reap(pid_t pid, int *status, struct rusage *ru)
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
