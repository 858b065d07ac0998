/* runner_int.h (private to the runner): what its files share.
 *
 * slots.c   the process groups that pfg_runner_kill_all() kills, and the
 *           stop generation it bumps
 * env.c     the child's environment, PATH lookup, the working directory
 * spawn.c   posix_spawn of one run: attributes and file actions
 * spawner.c the small spawner process and its socket protocol
 * wait.c    waiting with a pidfd (or polling), stderr and stdout draining,
 *           timeouts and the group kill
 * metrics.c the $PERFGUARD_METRICS file: creation, sweep, reading, parsing
 * exec.c    pfg_runner_exec() and pfg_runner_capture(): the steps of a run
 * measurement.c describing and releasing a measurement */
#ifndef PERFGUARD_RUNNER_INT_H
#define PERFGUARD_RUNNER_INT_H

#include "perfguard/runner.h"
#include "perfguard/util.h"

#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* ---- slots.c ---- */

/* Claim a slot for pgid; returns its index, or -1 when all are taken.
 * Lock-free: a signal handler may read the slots meanwhile. */
int pfg_runner_slot_claim(pid_t pgid);

/* Free a slot claimed by pfg_runner_slot_claim() (-1: none). */
void pfg_runner_slot_free(int slot);

/* The stop generation: pfg_runner_kill_all() bumps it. */
unsigned pfg_runner_stop_gen(void);

/* ---- env.c ---- */

/* Find cmd as execvp would, in the PATH of envp, relative entries resolved
 * from cwd. Returns the path to execute (cmd itself or a string the caller
 * frees through *owned), or NULL after filling err (PFG_EINPUT). */
const char *pfg_runner_resolve(const char *cmd, const char *cwd, char *const *envp,
			       char **owned, char *err, size_t errlen);

/* Our environment with over and then extra ("KEY=VALUE" or NULL) laid
 * over it. Returns environ itself when nothing changes, else an array the
 * caller frees (its strings stay borrowed). */
char **pfg_runner_build_env(char *const *over, char *extra);

/* Nonzero when dir is a directory we may enter; else fills err. */
int pfg_runner_check_cwd(const char *dir, char *err, size_t errlen);

/* ---- spawn.c ---- */

/* Move fd above the standard descriptors, close-on-exec. Returns the fd
 * to use, or -1. */
int pfg_runner_fd_above_stdio(int fd);

/* Open the shared /dev/null descriptor once. */
void pfg_runner_devnull_init(void);

/* Spawn file with argv and envp in its own process group: stdin from
 * /dev/null, stdout to outfd (>= 0), else inherited when keep_stdout, else
 * /dev/null; stderr to errfd; no other descriptor. Returns 0 with *pid and
 * *start (CLOCK_MONOTONIC ns just before the spawn) set, or an errno. */
int pfg_runner_spawn(const char *file, char *const *argv, char *const *envp,
		     const char *cwd, int keep_stdout, int outfd, int errfd, pid_t *pid,
		     int64_t *start);

/* ---- spawner.c ---- */

/* Nonzero when the spawner process runs. */
int pfg_runner_spawner_running(void);

/* Ask the spawner to start a run; as pfg_runner_spawn() (no outfd). Holds
 * the spawner's lock until pfg_runner_spawner_reap() when it succeeds. */
int pfg_runner_spawner_spawn(const char *file, char *const *argv, char *const *envp,
			     const char *cwd, int keep_stdout, int errfd, pid_t *pid,
			     int64_t *start);

/* Wait for the spawner's report of the run it reaped; releases its lock.
 * Returns 0, or -1 when the spawner is gone. */
int pfg_runner_spawner_reap(pid_t pid, int *status, struct rusage *ru);

/* ---- wait.c ---- */

/* Nonzero when cancel_fd (if any, -1: none) is readable. */
int pfg_runner_cancel_requested(int cancel_fd);

/* Open a pidfd for pid, or -1 (then the waiter polls). */
int pfg_runner_pidfd(pid_t pid);

/* State of one wait: what we watch and what happened. */
struct pfg_waiter {
	pid_t pid;
	int foreign;        /* the spawner's child, not ours: no waitid() */
	int pidfd;          /* -1: poll with short timeouts instead */
	int errfd;          /* stderr pipe (we hold its write end too), -1
			       after a read error or end of file */
	int outfd;          /* stdout pipe when captured, else -1 */
	int cancel_fd;
	char tail[2 * PFG_STDERR_TAIL];
	size_t tail_len;
	int truncated;
	char *out;          /* captured stdout (NUL-terminated), or NULL */
	size_t out_len, out_max;
};

/* Wait until the child exits or deadline (0: none) passes, draining its
 * pipes. Returns 1 when it exited, 0 at the deadline, -1 on cancel. */
int pfg_runner_wait_exit(struct pfg_waiter *w, int64_t deadline, int watch_cancel);

/* Kill the child's group: TERM, up to grace_ns, then KILL. */
void pfg_runner_kill_group(struct pfg_waiter *w, int64_t grace_ns);

/* Read what is left in the waiter's pipes and close them and the pidfd. */
void pfg_runner_waiter_finish(struct pfg_waiter *w);

/* ---- metrics.c ---- */

/* What may stop a parse: cancel_fd becoming readable (-1: none), or
 * pfg_runner_kill_all() moving the stop generation away from gen. */
struct pfg_parse_stop {
	int cancel_fd;
	unsigned gen;
};

/* Create the empty metrics file, $TMPDIR/perfguard-metrics-PID-XXXXXX
 * (sweeping stale ones first, once per process); returns its malloc'd
 * path, or NULL after filling err. */
char *pfg_runner_metrics_create(char *err, size_t errlen);

/* Remove the metrics file at path, whatever the command made of it. */
void pfg_runner_metrics_remove(const char *path);

/* Read and parse the metrics file at path into m (a missing file is
 * empty). Returns as pfg_runner_parse_metrics(). */
int pfg_runner_metrics_read(const char *path, struct pfg_measurement *m,
			    const struct pfg_parse_stop *stop);

#endif
