/* runner.h: spawn one benchmark command and measure it.
 *
 * The runner knows processes, clocks and rusage; it never touches SQLite
 * or statistics. One call of pfg_runner_exec() is one run of a command:
 * wall time on CLOCK_MONOTONIC, user and system CPU and peak RSS from
 * wait4(), exit code or signal, the tail of stderr, and the custom metrics
 * the command wrote to the file named by $PERFGUARD_METRICS. When the run
 * ends, whatever is left of its process group is killed with SIGKILL
 * (background processes included; one that left the group escapes). */
#ifndef PERFGUARD_RUNNER_H
#define PERFGUARD_RUNNER_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of a failing command's stderr kept for the user. */
#define PFG_STDERR_TAIL 2048

/* The largest metrics file read (64 MiB) and the most metrics one run may
 * report: past either, the run's metrics are rejected. */
#define PFG_METRICS_MAX_BYTES ((size_t)64 << 20)
#define PFG_METRICS_MAX_COUNT 1000000

/* What to run and how. Strings are borrowed for the duration of the call. */
struct pfg_exec_spec {
	/* argv[0] is looked up in PATH; NULL-terminated. When shell is
	 * nonzero, argv[0] is a command line run by /bin/sh -c instead. */
	char *const *argv;
	int shell;
	const char *cwd;         /* NULL: the current directory */
	char *const *env;        /* NULL or NULL-terminated "KEY=VALUE" added
				    to (and overriding) the environment */
	double timeout_s;        /* 0: none */
	double grace_s;          /* TERM -> KILL grace period; 0: 2 seconds */
	int metrics;             /* nonzero: set $PERFGUARD_METRICS to a fresh
				    file, $TMPDIR/perfguard-metrics-PID-XXXXXX,
				    parse it afterwards and remove it. Only a
				    regular file is read (not a link, FIFO or
				    device), at most PFG_METRICS_MAX_BYTES. The
				    first such run of a process removes the
				    files left by perfguard processes that are
				    gone (killed before they could). */
	int cancel_fd;           /* -1, or an fd that becomes readable to ask
				    for cancellation (the TUI's worker) */
	int keep_stdout;         /* nonzero: inherit stdout instead of
				    sending it to /dev/null */
	int via_spawner;         /* nonzero: spawn through the spawner process
				    when one runs (pfg_runner_spawner_start),
				    for a peak RSS that does not start at our
				    size; it costs tens of microseconds of wall
				    time, so only memory benchmarks ask */
};

/* One custom metric line "name value [unit]". */
struct pfg_metric {
	char *name;
	double value;
	char *unit; /* "" when absent */
};

/* The outcome of one run. Release with pfg_measurement_release(). */
struct pfg_measurement {
	int64_t wall_ns;       /* CLOCK_MONOTONIC from spawn to reap */
	int64_t user_ns;       /* ru_utime */
	int64_t sys_ns;        /* ru_stime */
	long max_rss_kib;      /* ru_maxrss: the peak of the command and the
				  children it waited for. Linux starts it at
				  the spawner's resident size, so figures
				  below perfguard's own RSS (a few MiB) are a
				  floor, not the command's. */
	int exited;            /* nonzero: exit_code is valid */
	int exit_code;
	int term_signal;       /* nonzero when killed by a signal */
	int timed_out;         /* killed by perfguard after timeout_s */
	int cancelled;         /* killed because cancellation was asked, or
				  a stop came while its metrics were parsed */
	double timeout_s;      /* the timeout that expired, when timed_out */
	struct pfg_metric *metrics;
	size_t n_metrics;
	char *metrics_error;   /* NULL, or why the metrics file was rejected
				  (file and line); its metrics are then empty */
	char *stderr_tail;     /* last PFG_STDERR_TAIL bytes of stderr, or NULL */
};

/* Run spec once and fill out. Waiting for the command uses a pidfd, or,
 * where pidfd_open(2) is missing or refused (old kernels, valgrind, a
 * seccomp filter) or PERFGUARD_NO_PIDFD=1 was set when the first run
 * started, a poll every 2 ms with the same timeout and cancel behaviour.
 * Returns 0 when the command was started and
 * reaped, whatever its exit status (see pfg_measurement_ok); returns a
 * negative code and fills err when it could not be started at all (no
 * such command, cwd missing, fork failure). out is always initialised
 * and must be released. */
int pfg_runner_exec(const struct pfg_exec_spec *spec,
		    struct pfg_measurement *out, char *err, size_t errlen);

/* Run spec once as pfg_runner_exec() does, with its stdout captured
 * instead of sent to /dev/null or kept (keep_stdout and via_spawner are
 * ignored): at most max_bytes of it go to *text, NUL-terminated, the rest
 * is read and dropped. *text is set (the caller frees it) when 0 is
 * returned, NULL otherwise. For short helper commands (git). */
int pfg_runner_capture(const struct pfg_exec_spec *spec, size_t max_bytes, char **text,
		       struct pfg_measurement *out, char *err, size_t errlen);

/* Parse the text of a metrics file (size bytes, need not end in NUL):
 * lines "name value [unit]" with a name of [A-Za-z0-9_.:-], a finite
 * number and an optional unit, blank lines and '#' comments skipped, CR
 * before LF ignored. Any other line, a NUL byte, a name given twice or
 * more than PFG_METRICS_MAX_COUNT metrics reject the whole text. Time is
 * linear in size. Replaces m's metrics (other fields are kept). Returns 0
 * when accepted; PFG_EINPUT when rejected, with m->metrics_error saying
 * why (line and what was expected) and no metrics; PFG_ERUNTIME when
 * pfg_runner_kill_all() was called meanwhile (a stop request), with
 * metrics_error set too. The runner reads every metrics file with it. */
int pfg_runner_parse_metrics(const char *text, size_t size,
			     struct pfg_measurement *m);

/* Nonzero when the run exited 0, was not killed, and its metrics parsed. */
int pfg_measurement_ok(const struct pfg_measurement *m);

/* Describe why a run failed ("exit code 3", "killed by signal 11
 * (Segmentation fault)", "timed out after 5 s", "cancelled", "bad metrics
 * file: ...") into buf; "succeeded" when it did not. */
void pfg_measurement_describe(const struct pfg_measurement *m, char *buf,
			      size_t len);

/* Value of the custom metric named name, or NULL. */
const struct pfg_metric *pfg_measurement_metric(const struct pfg_measurement *m,
						const char *name);

/* Free what out owns and zero it. */
void pfg_measurement_release(struct pfg_measurement *m);

/* Fork a small process that spawns and reaps the later runs that ask for
 * it (via_spawner). Linux starts a new process's peak RSS at the size of
 * its spawner, so without it memory figures depend on how big the caller
 * has grown (the dashboard is bigger than the CLI). Call early, before the
 * process grows and before threads start; the spawner exits with us.
 * Returns 0, or PFG_ERUNTIME (runs are then spawned directly). */
int pfg_runner_spawner_start(char *err, size_t errlen);

/* Stop the spawner, if one runs, and reap it: later runs are spawned
 * directly until pfg_runner_spawner_start() is called again. Not while a
 * run is in progress in another thread (it would wait for it). */
void pfg_runner_spawner_stop(void);

/* Kill every process group that a pfg_runner_exec() in this process
 * still has running, and ask the runs in progress to stop (a run busy
 * parsing a large metrics file stops parsing and reports cancelled).
 * Async-signal-safe: for SIGINT/SIGTERM handlers. */
void pfg_runner_kill_all(void);

#endif
