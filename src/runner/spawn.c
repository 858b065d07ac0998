/* spawn.c: posix_spawn of one run: its own process group, default signal
 * dispositions, /dev/null for stdin (and stdout unless kept or captured),
 * stderr to the runner's pipe, no other descriptor. */
#include "runner_int.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

/* Move fd above the standard descriptors (a caller may have closed
 * them), keeping it close-on-exec. Returns the fd to use, or -1. */
int pfg_runner_fd_above_stdio(int fd)
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
	pfg_devnull = pfg_runner_fd_above_stdio(open("/dev/null", O_RDWR | O_CLOEXEC));
}

/* Open the shared /dev/null descriptor once. */
void pfg_runner_devnull_init(void)
{
	pthread_once(&pfg_devnull_once, open_devnull);
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

/* Set up the file actions of a run: stdin from /dev/null, stdout to outfd
 * (>= 0) or else from /dev/null unless keep_stdout, stderr to errfd, no
 * other descriptor, cwd when given. */
static void init_actions(posix_spawn_file_actions_t *fa, int outfd, int errfd,
			 int keep_stdout, const char *cwd)
{
	pthread_once(&pfg_devnull_once, open_devnull);
	posix_spawn_file_actions_init(fa);
	/* dup2 of a descriptor held open is cheaper than an open in the child. */
	if (pfg_devnull >= 0)
		posix_spawn_file_actions_adddup2(fa, pfg_devnull, STDIN_FILENO);
	else
		posix_spawn_file_actions_addopen(fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	if (outfd >= 0)
		posix_spawn_file_actions_adddup2(fa, outfd, STDOUT_FILENO);
	else if (!keep_stdout && pfg_devnull >= 0)
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
int pfg_runner_spawn(const char *file, char *const *argv, char *const *envp,
		     const char *cwd, int keep_stdout, int outfd, int errfd, pid_t *pid,
		     int64_t *start)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	init_actions(&fa, outfd, errfd, keep_stdout, cwd);
	init_attr(&attr);
	reset_own_peak_rss();
	*start = pfg_now_ns();
	int serr = posix_spawn(pid, file, &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return serr;
}
