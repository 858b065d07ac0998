/* test_runner.c: the runner against real processes: exit codes, signals,
 * timeouts that kill a whole process tree, cancellation, CPU and memory
 * figures, stderr, the metrics file (and what a hostile benchmark makes of
 * it), the environment and the cwd.
 *
 * The binary doubles as its own helper: `test_runner --burn MS` spins
 * for MS ms of CPU and `test_runner --alloc MIB` touches MIB MiB. After
 * its tests it runs itself with --no-pidfd: the waits again (timeout,
 * cancel, stop) with PERFGUARD_NO_PIDFD=1, through the polling fallback. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "perfguard/runner.h"
#include "perfguard/util.h"

extern char **environ;

/* The path of this binary, for the helper modes. */
static char self_exe[PATH_MAX];
/* A private scratch directory, removed at the end. */
static char scratch[PATH_MAX];

/* Spin until this process has used ms milliseconds of CPU. */
static int helper_burn(long ms)
{
	volatile unsigned long x = 0;
	struct timespec ts;
	do {
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	} while (ts.tv_sec * 1000L + ts.tv_nsec / 1000000 < ms);
	return 0;
}

/* Allocate and touch mib MiB, then exit. */
static int helper_alloc(long mib)
{
	size_t n = (size_t)mib << 20;
	volatile char *p = malloc(n);
	if (!p)
		return 1;
	for (size_t i = 0; i < n; i += 4096)
		p[i] = (char)i;
	free((void *)p);
	return 0;
}

/* A spec for argv with the defaults tests want: no cancel fd. */
static struct pfg_exec_spec spec_for(char *const *argv)
{
	return (struct pfg_exec_spec){ .argv = argv, .cancel_fd = -1 };
}

/* Run a shell command line and return the measurement (rc must be 0). */
static void run_sh(const char *cmdline, struct pfg_measurement *m)
{
	char *argv[] = { (char *)cmdline, NULL };
	struct pfg_exec_spec s = spec_for(argv);
	s.shell = 1;
	char err[PFG_ERR_MAX] = "";
	int rc = pfg_runner_exec(&s, m, err, sizeof err);
	if (rc != 0)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(rc, 0);
}

/* A path inside the scratch directory (static buffer per call site). */
static void scratch_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", scratch, name);
}

/* Read a pid written by a script into path; waits up to 2 s for it. */
static pid_t read_pid(const char *path)
{
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(path, "r");
		long pid = 0;
		if (f) {
			int ok = fscanf(f, "%ld", &pid) == 1;
			fclose(f);
			if (ok && pid > 0)
				return (pid_t)pid;
		}
		struct timespec ts = { 0, 10000000 };
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* Nonzero while pid is a live process (not gone, not a zombie waiting
 * for an init that may never reap it). */
static int process_alive(pid_t pid)
{
	if (kill(pid, 0) != 0)
		return errno != ESRCH;
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *rp = strrchr(buf, ')');
	return rp && rp[1] == ' ' && rp[2] != 'Z' && rp[2] != 'X';
}

/* Wait up to 2 s for pid to be gone; returns nonzero when it is. */
static int process_gone(pid_t pid)
{
	for (int i = 0; i < 200; i++) {
		if (!process_alive(pid))
			return 1;
		struct timespec ts = { 0, 10000000 };
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* /bin/true succeeds and is timed. */
static void test_true_ok(void **state)
{
	(void)state;
	char *argv[] = { "true", NULL };
	struct pfg_exec_spec s = spec_for(argv);
	struct pfg_measurement m;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_true(m.exited);
	assert_int_equal(m.exit_code, 0);
	assert_int_equal(m.term_signal, 0);
	assert_true(m.wall_ns > 0 && m.wall_ns < 5000000000LL);
	assert_true(m.max_rss_kib > 0);
	assert_null(m.stderr_tail);
	assert_true(pfg_measurement_ok(&m));
	char buf[64];
	pfg_measurement_describe(&m, buf, sizeof buf);
	assert_string_equal(buf, "succeeded");
	pfg_measurement_release(&m);
	assert_null(m.metrics);
}

/* A non-zero exit code is reported and is not ok. */
static void test_exit_code(void **state)
{
	(void)state;
	char *argv[] = { "sh", "-c", "exit 3", NULL };
	struct pfg_exec_spec s = spec_for(argv);
	struct pfg_measurement m;
	char err[PFG_ERR_MAX], buf[64];
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_true(m.exited);
	assert_int_equal(m.exit_code, 3);
	assert_false(pfg_measurement_ok(&m));
	pfg_measurement_describe(&m, buf, sizeof buf);
	assert_string_equal(buf, "exit code 3");
	pfg_measurement_release(&m);
}

/* shell mode runs /bin/sh -c with further arguments as $1... */
static void test_shell_mode(void **state)
{
	(void)state;
	char *argv[] = { "exit $(($1 + $2))", "2", "5", NULL };
	struct pfg_exec_spec s = spec_for(argv);
	s.shell = 1;
	struct pfg_measurement m;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_int_equal(m.exit_code, 7);
	pfg_measurement_release(&m);
}

/* Death by a signal is reported with its number and name. */
static void test_signal(void **state)
{
	(void)state;
	struct pfg_measurement m;
	char buf[128];
	run_sh("kill -SEGV $$", &m);
	assert_false(m.exited);
	assert_int_equal(m.term_signal, SIGSEGV);
	assert_false(pfg_measurement_ok(&m));
	pfg_measurement_describe(&m, buf, sizeof buf);
	assert_non_null(strstr(buf, "killed by signal 11"));
	assert_non_null(strstr(buf, strsignal(SIGSEGV)));
	pfg_measurement_release(&m);
}

/* A timeout kills the whole tree, even processes that ignore SIGTERM. */
static void test_timeout_kills_tree(void **state)
{
	(void)state;
	char pidfile[PATH_MAX + 16], cmd[2 * PATH_MAX];
	scratch_path(pidfile, sizeof pidfile, "grandchild.pid");
	unlink(pidfile);
	snprintf(cmd, sizeof cmd,
		 "trap '' TERM; sleep 1000 & echo $! > '%s'; sleep 1000 & wait", pidfile);
	char *argv[] = { cmd, NULL };
	struct pfg_exec_spec s = spec_for(argv);
	s.shell = 1;
	s.timeout_s = 0.3;
	s.grace_s = 0.2;
	struct pfg_measurement m;
	char err[PFG_ERR_MAX], buf[64];
	int64_t t0 = pfg_now_ns();
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	int64_t took = pfg_now_ns() - t0;
	assert_true(m.timed_out);
	assert_false(m.cancelled);
	assert_int_equal(m.term_signal, SIGKILL);
	/* TERM was ignored: the group died at KILL after the grace period. */
	assert_true(m.wall_ns >= 500000000LL);
	assert_true(took < 3000000000LL);
	pfg_measurement_describe(&m, buf, sizeof buf);
	assert_string_equal(buf, "timed out after 0.3 s");
	pid_t gc = read_pid(pidfile);
	assert_true(gc > 0);
	assert_true(process_gone(gc));
	pfg_measurement_release(&m);
}

/* When the command dies at SIGTERM, the grace period is not waited out
 * and its children die with it. */
static void test_timeout_term_suffices(void **state)
{
	(void)state;
	char pidfile[PATH_MAX + 16], cmd[2 * PATH_MAX];
	scratch_path(pidfile, sizeof pidfile, "child.pid");
	unlink(pidfile);
	snprintf(cmd, sizeof cmd, "sleep 1000 & echo $! > '%s'; wait", pidfile);
	char *argv[] = { cmd, NULL };
	struct pfg_exec_spec s = spec_for(argv);
	s.shell = 1;
	s.timeout_s = 0.2; /* grace: the default 2 s */
	struct pfg_measurement m;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_true(m.timed_out);
	assert_int_equal(m.term_signal, SIGTERM);
	assert_true(m.wall_ns >= 200000000LL && m.wall_ns < 1500000000LL);
	pid_t gc = read_pid(pidfile);
	assert_true(gc > 0);
	assert_true(process_gone(gc));
	pfg_measurement_release(&m);
}

/* Write a byte to the fd in *arg after 200 ms. */
/* What write_later waits for, and where it writes. */
struct cancel_later {
	const char *pidfile; /* the grandchild's pid is there: the tree is up */
	int fd;
};

/* Cancel once the tree has started (its pid file is written, however
 * loaded the machine or slow valgrind), then 200 ms more. */
static void *write_later(void *arg)
{
	const struct cancel_later *c = arg;
	read_pid(c->pidfile);
	struct timespec ts = { 0, 200000000 };
	nanosleep(&ts, NULL);
	ssize_t r = write(c->fd, "x", 1);
	(void)r;
	return NULL;
}

/* A readable cancel_fd stops the run and kills its tree. */
static void test_cancel_fd(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	char pidfile[PATH_MAX + 16], cmd[2 * PATH_MAX];
	scratch_path(pidfile, sizeof pidfile, "cancel.pid");
	unlink(pidfile);
	snprintf(cmd, sizeof cmd, "sleep 1000 & echo $! > '%s'; wait", pidfile);
	char *argv[] = { cmd, NULL };
	struct pfg_exec_spec s = spec_for(argv);
	s.shell = 1;
	s.cancel_fd = p[0];
	pthread_t t;
	struct cancel_later later = { pidfile, p[1] };
	assert_int_equal(pthread_create(&t, NULL, write_later, &later), 0);
	struct pfg_measurement m;
	char err[PFG_ERR_MAX], buf[64];
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	pthread_join(t, NULL);
	assert_true(m.cancelled);
	assert_false(m.timed_out);
	assert_true(m.wall_ns >= 150000000LL);
	pfg_measurement_describe(&m, buf, sizeof buf);
	assert_string_equal(buf, "cancelled");
	assert_false(pfg_measurement_ok(&m));
	pid_t gc = read_pid(pidfile);
	assert_true(gc > 0);
	assert_true(process_gone(gc));
	pfg_measurement_release(&m);

	/* Already cancelled: nothing is started. */
	scratch_path(pidfile, sizeof pidfile, "never.txt");
	snprintf(cmd, sizeof cmd, "echo ran > '%s'", pidfile);
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_true(m.cancelled);
	assert_int_equal(access(pidfile, F_OK), -1);
	pfg_measurement_release(&m);
	close(p[0]);
	close(p[1]);
}

/* Call pfg_runner_kill_all() after 200 ms. */
static void *kill_all_later(void *arg)
{
	(void)arg;
	struct timespec ts = { 0, 200000000 };
	nanosleep(&ts, NULL);
	pfg_runner_kill_all();
	return NULL;
}

/* pfg_runner_kill_all() kills a running command's group. */
static void test_kill_all(void **state)
{
	(void)state;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, kill_all_later, NULL), 0);
	struct pfg_measurement m;
	int64_t t0 = pfg_now_ns();
	run_sh("sleep 30", &m);
	pthread_join(t, NULL);
	assert_true(pfg_now_ns() - t0 < 10000000000LL);
	assert_int_equal(m.term_signal, SIGKILL);
	assert_false(m.timed_out);
	pfg_measurement_release(&m);
}

/* Burning ~150 ms of CPU shows in user_ns. */
static void test_cpu_time(void **state)
{
	(void)state;
	char *argv[] = { self_exe, "--burn", "150", NULL };
	struct pfg_exec_spec s = spec_for(argv);
	struct pfg_measurement m;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_true(pfg_measurement_ok(&m));
	assert_true(m.user_ns > 50000000LL);
	assert_true(m.user_ns + m.sys_ns >= 140000000LL);
	assert_true(m.wall_ns >= 140000000LL);
	assert_true(m.sys_ns >= 0);
	pfg_measurement_release(&m);
}

/* Our resident set size now, in KiB (VmRSS), or -1. */
static long own_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* Touching 64 MiB shows in the peak RSS; /bin/true stays small even
 * right after a peak of our own (Linux would carry it into the child). */
static void test_peak_rss(void **state)
{
	(void)state;
	char *argv[] = { self_exe, "--alloc", "64", NULL };
	struct pfg_exec_spec s = spec_for(argv);
	struct pfg_measurement m;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_true(pfg_measurement_ok(&m));
	assert_true(m.max_rss_kib >= 64 * 1024);
	pfg_measurement_release(&m);

	size_t big = (size_t)128 << 20;
	/* mmap, not malloc: a sanitizer's allocator keeps freed memory. */
	char *p = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	assert_true(p != MAP_FAILED);
	memset(p, 1, big);
	assert_true(own_rss_kib() >= 128 * 1024);
	munmap(p, big);
	long rss = own_rss_kib();
	assert_true(rss > 0 && rss < 100 * 1024);
	char *targv[] = { "true", NULL };
	s = spec_for(targv);
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_true(m.max_rss_kib > 0 && m.max_rss_kib < rss + 20 * 1024);
	pfg_measurement_release(&m);
}

/* A failing command's stderr is kept; a long one only its tail. */
static void test_stderr_tail(void **state)
{
	(void)state;
	struct pfg_measurement m;
	run_sh("echo 'first line' >&2; echo 'it broke' >&2; exit 1", &m);
	assert_int_equal(m.exit_code, 1);
	assert_non_null(m.stderr_tail);
	assert_string_equal(m.stderr_tail, "first line\nit broke\n");
	pfg_measurement_release(&m);

	run_sh("i=0; while [ $i -lt 400 ]; do echo \"line $i of the noise\" >&2; "
	       "i=$((i+1)); done; echo THE-END >&2; exit 2", &m);
	assert_non_null(m.stderr_tail);
	size_t n = strlen(m.stderr_tail);
	assert_true(n > 1000 && n <= PFG_STDERR_TAIL);
	assert_string_equal(m.stderr_tail + n - 8, "THE-END\n");
	assert_null(strstr(m.stderr_tail, "line 0 "));
	assert_true(strncmp(m.stderr_tail, "line ", 5) == 0); /* cut at a line */
	pfg_measurement_release(&m);

	/* stdout goes to /dev/null, not into the tail. */
	run_sh("echo to-stdout", &m);
	assert_null(m.stderr_tail);
	pfg_measurement_release(&m);
}

/* A background child that keeps stderr open does not hold the run. */
static void test_background_keeps_stderr(void **state)
{
	(void)state;
	char pidfile[PATH_MAX + 16], cmd[2 * PATH_MAX];
	scratch_path(pidfile, sizeof pidfile, "bg.pid");
	unlink(pidfile);
	snprintf(cmd, sizeof cmd, "sleep 3 & echo $! > '%s'; echo done >&2", pidfile);
	struct pfg_measurement m;
	run_sh(cmd, &m);
	assert_true(pfg_measurement_ok(&m));
	assert_true(m.wall_ns < 2000000000LL);
	assert_string_equal(m.stderr_tail, "done\n");
	pid_t bg = read_pid(pidfile);
	if (bg > 0)
		kill(bg, SIGKILL);
	pfg_measurement_release(&m);
}

/* stdin and stdout are /dev/null; our other descriptors are closed. */
static void test_child_descriptors(void **state)
{
	(void)state;
	int fd = open("/dev/null", O_RDONLY); /* deliberately inheritable */
	assert_true(fd > 2);
	char cmd[256];
	snprintf(cmd, sizeof cmd,
		 "test \"$(readlink /proc/$$/fd/0)\" = /dev/null && "
		 "test \"$(readlink /proc/$$/fd/1)\" = /dev/null && "
		 "test ! -e /proc/$$/fd/%d", fd);
	struct pfg_measurement m;
	run_sh(cmd, &m);
	assert_int_equal(m.exit_code, 0);
	pfg_measurement_release(&m);
	close(fd);
}

/* A good metrics file is parsed, comments and blank lines skipped. */
static void test_metrics_good(void **state)
{
	(void)state;
	char *argv[] = { "printf '# custom metrics\\n\\nlatency_p99 12.5 ms\\n"
			 "ops:total 1e3\\r\\n  rss.peak\\t-4 KiB\\n' > \"$PERFGUARD_METRICS\"",
			 NULL };
	struct pfg_exec_spec s = spec_for(argv);
	s.shell = 1;
	s.metrics = 1;
	struct pfg_measurement m;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_null(m.metrics_error);
	assert_true(pfg_measurement_ok(&m));
	assert_int_equal(m.n_metrics, 3);
	const struct pfg_metric *lat = pfg_measurement_metric(&m, "latency_p99");
	assert_non_null(lat);
	assert_true(lat->value == 12.5);
	assert_string_equal(lat->unit, "ms");
	const struct pfg_metric *ops = pfg_measurement_metric(&m, "ops:total");
	assert_non_null(ops);
	assert_true(ops->value == 1000.0);
	assert_string_equal(ops->unit, "");
	const struct pfg_metric *rss = pfg_measurement_metric(&m, "rss.peak");
	assert_non_null(rss);
	assert_true(rss->value == -4.0);
	assert_null(pfg_measurement_metric(&m, "nothing"));
	pfg_measurement_release(&m);
}

/* Run a shell script with metrics on and return its metrics_error
 * (caller frees), asserting that no metric survived. */
static char *metrics_error_of(const char *script)
{
	char *argv[] = { (char *)script, NULL };
	struct pfg_exec_spec s = spec_for(argv);
	s.shell = 1;
	s.metrics = 1;
	struct pfg_measurement m;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_non_null(m.metrics_error);
	assert_int_equal(m.n_metrics, 0);
	assert_null(m.metrics);
	assert_false(pfg_measurement_ok(&m));
	char buf[600];
	pfg_measurement_describe(&m, buf, sizeof buf);
	assert_true(strncmp(buf, "bad metrics file: metrics file line ", 36) == 0);
	char *e = pfg_xstrdup(m.metrics_error);
	pfg_measurement_release(&m);
	return e;
}

/* A garbage line rejects the whole file with its line number. */
static void test_metrics_garbage(void **state)
{
	(void)state;
	char *e = metrics_error_of("printf 'ok 1\\nthis is not a metric\\n' > \"$PERFGUARD_METRICS\"");
	assert_string_equal(e, "metrics file line 2: expected 'name value [unit]', "
			    "got 'this is not a metric'");
	free(e);
	e = metrics_error_of("printf 'a 1\\n\\nlatency 12ms\\n' > \"$PERFGUARD_METRICS\"");
	assert_string_equal(e, "metrics file line 3: expected 'name value [unit]', "
			    "got 'latency 12ms'");
	free(e);
	e = metrics_error_of("echo 'bad/name 1' > \"$PERFGUARD_METRICS\"");
	assert_non_null(strstr(e, "line 1: expected"));
	free(e);
	e = metrics_error_of("echo 'lonely' > \"$PERFGUARD_METRICS\"");
	assert_non_null(strstr(e, "got 'lonely'"));
	free(e);
	e = metrics_error_of("printf 'x 1\\nx 2\\n' > \"$PERFGUARD_METRICS\"");
	assert_string_equal(e, "metrics file line 2: metric 'x' given twice");
	free(e);
}

/* Values must be finite numbers. */
static void test_metrics_nonfinite(void **state)
{
	(void)state;
	char *e = metrics_error_of("echo 'latency nan ms' > \"$PERFGUARD_METRICS\"");
	assert_string_equal(e, "metrics file line 1: the value of 'latency' is not "
			    "a finite number: 'nan'");
	free(e);
	e = metrics_error_of("printf 'a 1\\nb -inf\\n' > \"$PERFGUARD_METRICS\"");
	assert_non_null(strstr(e, "line 2: the value of 'b' is not a finite number"));
	free(e);
	e = metrics_error_of("echo 'big 1e999' > \"$PERFGUARD_METRICS\"");
	assert_non_null(strstr(e, "not a finite number"));
	free(e);
}

/* The metrics file is removed afterwards; without metrics the variable
 * is not set at all. */
static void test_metrics_file_lifecycle(void **state)
{
	(void)state;
	char *argv[] = { "test -f \"$PERFGUARD_METRICS\" && echo \"$PERFGUARD_METRICS\" >&2",
			 NULL };
	struct pfg_exec_spec s = spec_for(argv);
	s.shell = 1;
	s.metrics = 1;
	struct pfg_measurement m;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_int_equal(m.exit_code, 0);
	assert_int_equal(m.n_metrics, 0);
	assert_null(m.metrics_error);
	assert_non_null(m.stderr_tail);
	char *nl = strchr(m.stderr_tail, '\n');
	assert_non_null(nl);
	*nl = '\0';
	assert_non_null(strstr(m.stderr_tail, "perfguard-metrics-"));
	assert_int_equal(access(m.stderr_tail, F_OK), -1);
	pfg_measurement_release(&m);

	run_sh("test -z \"${PERFGUARD_METRICS+set}\"", &m);
	assert_int_equal(m.exit_code, 0);
	pfg_measurement_release(&m);
}

/* A command that does not exist is an error, not a run with exit 127. */
static void test_no_such_command(void **state)
{
	(void)state;
	char *argv[] = { "perfguard-no-such-command-xyz", "arg", NULL };
	struct pfg_exec_spec s = spec_for(argv);
	struct pfg_measurement m;
	char err[PFG_ERR_MAX] = "";
	int rc = pfg_runner_exec(&s, &m, err, sizeof err);
	assert_true(rc < 0);
	assert_non_null(strstr(err, "no such command: perfguard-no-such-command-xyz"));
	assert_false(m.exited);
	pfg_measurement_release(&m);

	char *argv2[] = { "./not/here", NULL };
	s = spec_for(argv2);
	rc = pfg_runner_exec(&s, &m, err, sizeof err);
	assert_true(rc < 0);
	assert_string_equal(err, "no such command: ./not/here");
	pfg_measurement_release(&m);

	/* A file that exists but is not executable. */
	char path[PATH_MAX + 16];
	scratch_path(path, sizeof path, "noexec.sh");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\nexit 0\n", f);
	fclose(f);
	chmod(path, 0644);
	char *argv3[] = { path, NULL };
	s = spec_for(argv3);
	rc = pfg_runner_exec(&s, &m, err, sizeof err);
	assert_true(rc < 0);
	assert_non_null(strstr(err, "permission denied"));
	pfg_measurement_release(&m);
	unlink(path);
}

/* A missing working directory is an error; an existing one is used. */
static void test_cwd(void **state)
{
	(void)state;
	char *argv[] = { "true", NULL };
	struct pfg_exec_spec s = spec_for(argv);
	s.cwd = "/nonexistent/perfguard-dir";
	struct pfg_measurement m;
	char err[PFG_ERR_MAX] = "";
	int rc = pfg_runner_exec(&s, &m, err, sizeof err);
	assert_true(rc < 0);
	assert_string_equal(err, "working directory /nonexistent/perfguard-dir: "
			    "No such file or directory");
	pfg_measurement_release(&m);

	char real[PATH_MAX], cmd[2 * PATH_MAX];
	assert_non_null(realpath(scratch, real));
	snprintf(cmd, sizeof cmd, "test \"$(pwd -P)\" = '%s'", real);
	char *argv2[] = { cmd, NULL };
	s = spec_for(argv2);
	s.shell = 1;
	s.cwd = scratch;
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_int_equal(m.exit_code, 0);
	pfg_measurement_release(&m);

	/* A relative command path is resolved from the cwd. */
	char path[PATH_MAX + 16];
	scratch_path(path, sizeof path, "exit5.sh");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\nexit 5\n", f);
	fclose(f);
	chmod(path, 0755);
	char *argv3[] = { "./exit5.sh", NULL };
	s = spec_for(argv3);
	s.cwd = scratch;
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_int_equal(m.exit_code, 5);
	pfg_measurement_release(&m);
}

/* spec->env adds and overrides variables for the child only; a PATH in
 * it is where the command is looked up. */
static void test_env(void **state)
{
	(void)state;
	setenv("PFG_TEST_VAR", "parent", 1);
	setenv("PFG_INHERITED", "yes", 1);
	char *argv[] = { "test \"$PFG_TEST_VAR\" = child && test \"$PFG_NEW\" = 'a b' "
			 "&& test \"$PFG_INHERITED\" = yes", NULL };
	char *env[] = { "PFG_TEST_VAR=first", "PFG_NEW=a b", "PFG_TEST_VAR=child", NULL };
	struct pfg_exec_spec s = spec_for(argv);
	s.shell = 1;
	s.env = env;
	struct pfg_measurement m;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_int_equal(m.exit_code, 0);
	pfg_measurement_release(&m);
	assert_string_equal(getenv("PFG_TEST_VAR"), "parent");
	assert_null(getenv("PFG_NEW"));

	/* PATH from spec->env finds a command only there. */
	char path[PATH_MAX + 16], pathvar[PATH_MAX + 32];
	scratch_path(path, sizeof path, "pfg-only-here");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\nexit 9\n", f);
	fclose(f);
	chmod(path, 0755);
	snprintf(pathvar, sizeof pathvar, "PATH=%s:/usr/bin:/bin", scratch);
	char *env2[] = { pathvar, NULL };
	char *argv2[] = { "pfg-only-here", NULL };
	s = spec_for(argv2);
	assert_true(pfg_runner_exec(&s, &m, err, sizeof err) < 0);
	pfg_measurement_release(&m);
	s.env = env2;
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_int_equal(m.exit_code, 9);
	pfg_measurement_release(&m);

	/* An entry without '=' is refused. */
	char *bad[] = { "NOEQUALS", NULL };
	s.env = bad;
	assert_true(pfg_runner_exec(&s, &m, err, sizeof err) < 0);
	assert_non_null(strstr(err, "NOEQUALS"));
	pfg_measurement_release(&m);
}

/* Many runs leak no descriptors. */
static void test_no_fd_leak(void **state)
{
	(void)state;
	int before = open("/dev/null", O_RDONLY);
	close(before);
	for (int i = 0; i < 50; i++) {
		struct pfg_measurement m;
		char *argv[] = { "echo x >&2; echo m 1 > \"$PERFGUARD_METRICS\"", NULL };
		struct pfg_exec_spec s = spec_for(argv);
		s.shell = 1;
		s.metrics = 1;
		s.timeout_s = i % 2 ? 10 : 0;
		char err[PFG_ERR_MAX];
		assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
		assert_true(pfg_measurement_ok(&m));
		pfg_measurement_release(&m);
	}
	int after = open("/dev/null", O_RDONLY);
	close(after);
	assert_int_equal(before, after);
}

/* Run a shell script with metrics on (timeout 20 s) and fill m. */
static void run_metrics(const char *script, struct pfg_measurement *m)
{
	char *argv[] = { (char *)script, NULL };
	struct pfg_exec_spec s = spec_for(argv);
	s.shell = 1;
	s.metrics = 1;
	s.timeout_s = 20;
	char err[PFG_ERR_MAX] = "";
	int rc = pfg_runner_exec(&s, m, err, sizeof err);
	if (rc != 0)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(rc, 0);
}

/* A FIFO in place of the metrics file does not hang the run: it is
 * rejected, and removed afterwards. */
static void test_metrics_fifo(void **state)
{
	(void)state;
	struct pfg_measurement m;
	int64_t t0 = pfg_now_ns();
	run_metrics("echo \"$PERFGUARD_METRICS\" >&2; rm -f \"$PERFGUARD_METRICS\" && "
		    "mkfifo \"$PERFGUARD_METRICS\"", &m);
	assert_true(pfg_now_ns() - t0 < 10000000000LL); /* not the 20 s timeout */
	assert_false(m.timed_out);
	assert_int_equal(m.exit_code, 0);
	assert_non_null(m.metrics_error);
	assert_string_equal(m.metrics_error, "metrics file is a FIFO, expected a regular file");
	assert_int_equal(m.n_metrics, 0);
	assert_false(pfg_measurement_ok(&m));
	char buf[600];
	pfg_measurement_describe(&m, buf, sizeof buf);
	assert_string_equal(buf, "bad metrics file: metrics file is a FIFO, expected a "
			    "regular file");
	char *nl = strchr(m.stderr_tail, '\n');
	assert_non_null(nl);
	*nl = '\0';
	assert_int_equal(access(m.stderr_tail, F_OK), -1);
	pfg_measurement_release(&m);
}

/* A symbolic link in place of the metrics file is not followed: what it
 * points to is never read, so none of it shows in the error. */
static void test_metrics_symlink(void **state)
{
	(void)state;
	char secret[PATH_MAX + 16], cmd[2 * PATH_MAX];
	scratch_path(secret, sizeof secret, "shadow");
	FILE *f = fopen(secret, "w");
	assert_non_null(f);
	fputs("root:$6$SECRETHASH:19000:0:99999:7:::\n", f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "ln -sf '%s' \"$PERFGUARD_METRICS\"", secret);
	struct pfg_measurement m;
	run_metrics(cmd, &m);
	assert_int_equal(m.exit_code, 0);
	assert_non_null(m.metrics_error);
	assert_string_equal(m.metrics_error, "metrics file is a symbolic link, expected a "
			    "regular file");
	assert_null(strstr(m.metrics_error, "SECRET"));
	pfg_measurement_release(&m);
	/* A link to a good metrics file is refused all the same. */
	scratch_path(secret, sizeof secret, "good-metrics");
	f = fopen(secret, "w");
	assert_non_null(f);
	fputs("x 1\n", f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "ln -sf '%s' \"$PERFGUARD_METRICS\"", secret);
	run_metrics(cmd, &m);
	assert_non_null(m.metrics_error);
	assert_int_equal(m.n_metrics, 0);
	pfg_measurement_release(&m);
	assert_int_equal(access(secret, F_OK), 0); /* the target is left alone */
}

/* A directory in place of the metrics file is rejected and removed. */
static void test_metrics_directory(void **state)
{
	(void)state;
	struct pfg_measurement m;
	run_metrics("echo \"$PERFGUARD_METRICS\" >&2; rm -f \"$PERFGUARD_METRICS\" && "
		    "mkdir \"$PERFGUARD_METRICS\"", &m);
	assert_non_null(m.metrics_error);
	assert_string_equal(m.metrics_error, "metrics file is a directory, expected a "
			    "regular file");
	char *nl = strchr(m.stderr_tail, '\n');
	assert_non_null(nl);
	*nl = '\0';
	assert_int_equal(access(m.stderr_tail, F_OK), -1);
	pfg_measurement_release(&m);
}

/* Up to 64 MiB is read; a bigger file is rejected without being read. */
static void test_metrics_size_cap(void **state)
{
	(void)state;
	struct pfg_measurement m;
	/* 20 MB of comments, then a metric: over the old 16 MiB, under 64. */
	run_metrics("yes '# a comment line of padding' | head -n 600000 > "
		    "\"$PERFGUARD_METRICS\"; echo 'last 7 ms' >> \"$PERFGUARD_METRICS\"", &m);
	assert_null(m.metrics_error);
	assert_int_equal(m.n_metrics, 1);
	assert_true(pfg_measurement_metric(&m, "last")->value == 7.0);
	pfg_measurement_release(&m);
	run_metrics("echo 'x 1' > \"$PERFGUARD_METRICS\"; truncate -s 65M "
		    "\"$PERFGUARD_METRICS\"", &m);
	assert_non_null(m.metrics_error);
	assert_string_equal(m.metrics_error, "metrics file: 68157440 bytes, more than the "
			    "64 MiB allowed");
	pfg_measurement_release(&m);
}

/* 200,000 distinct names are all kept, each with its own value and unit,
 * in the order written. */
static void test_metrics_many_names(void **state)
{
	(void)state;
	enum { N = 200000 };
	size_t cap = (size_t)N * 32, len = 0;
	char *text = pfg_xmalloc(cap);
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len, i % 3 ? "m%d %d\n" :
					"m%d %d u%d\n", i, i, i);
	struct pfg_measurement m;
	memset(&m, 0, sizeof m);
	assert_int_equal(pfg_runner_parse_metrics(text, len, &m), 0);
	assert_null(m.metrics_error);
	assert_int_equal(m.n_metrics, N);
	char want[32];
	for (int i = 0; i < N; i++) {
		snprintf(want, sizeof want, "m%d", i);
		assert_string_equal(m.metrics[i].name, want);
		assert_true(m.metrics[i].value == (double)i);
		if (i % 3)
			assert_string_equal(m.metrics[i].unit, "");
		else {
			snprintf(want, sizeof want, "u%d", i);
			assert_string_equal(m.metrics[i].unit, want);
		}
	}
	assert_true(pfg_measurement_metric(&m, "m199999")->value == 199999.0);
	assert_null(pfg_measurement_metric(&m, "m200000"));
	pfg_measurement_release(&m);

	/* The same name again, far down: rejected at its line. */
	len += (size_t)snprintf(text + len, cap - len, "m123456 1\n");
	memset(&m, 0, sizeof m);
	assert_int_equal(pfg_runner_parse_metrics(text, len, &m), PFG_EINPUT);
	assert_string_equal(m.metrics_error, "metrics file line 200001: metric 'm123456' "
			    "given twice");
	assert_int_equal(m.n_metrics, 0);
	assert_null(m.metrics);
	pfg_measurement_release(&m);
	free(text);
}

/* Parse text (a C string) and return pfg_runner_parse_metrics's code. */
static int parse_str(const char *text, struct pfg_measurement *m)
{
	memset(m, 0, sizeof *m);
	return pfg_runner_parse_metrics(text, strlen(text), m);
}

/* Duplicates are rejected as before: the whole file, naming the line; a
 * name that is a prefix of another is not a duplicate. */
static void test_metrics_duplicates(void **state)
{
	(void)state;
	struct pfg_measurement m;
	assert_int_equal(parse_str("a 1\nb 2\n# a 5\na 3\n", &m), PFG_EINPUT);
	assert_string_equal(m.metrics_error, "metrics file line 4: metric 'a' given twice");
	assert_int_equal(m.n_metrics, 0);
	pfg_measurement_release(&m);
	assert_int_equal(parse_str("ab 1\na 2\nabc 3\nb 4\nm1 5\nm10 6\n", &m), 0);
	assert_int_equal(m.n_metrics, 6);
	assert_true(pfg_measurement_metric(&m, "a")->value == 2.0);
	assert_true(pfg_measurement_metric(&m, "m10")->value == 6.0);
	pfg_measurement_release(&m);
	/* Same value and unit counts as twice too. */
	assert_int_equal(parse_str("x 1 ms\r\nx 1 ms\r\n", &m), PFG_EINPUT);
	assert_string_equal(m.metrics_error, "metrics file line 2: metric 'x' given twice");
	pfg_measurement_release(&m);
}

/* The parser reads exactly size bytes (no NUL needed), and keeps the
 * rules of the file: CR before LF, tabs, the last line without LF. */
static void test_metrics_parse_text(void **state)
{
	(void)state;
	struct pfg_measurement m;
	memset(&m, 0, sizeof m);
	const char buf[] = { 'a', ' ', '1', '2', '\n', 'b', '\t', '3', 'x' };
	assert_int_equal(pfg_runner_parse_metrics(buf, 8, &m), 0); /* "b\t3" last */
	assert_int_equal(m.n_metrics, 2);
	assert_true(m.metrics[0].value == 12.0 && m.metrics[1].value == 3.0);
	assert_int_equal(pfg_runner_parse_metrics(buf, 9, &m), PFG_EINPUT);
	assert_string_equal(m.metrics_error, "metrics file line 2: expected 'name value "
			    "[unit]', got 'b?3x'");
	assert_int_equal(pfg_runner_parse_metrics("a 1\0b 2", 7, &m), PFG_EINPUT);
	assert_non_null(strstr(m.metrics_error, "NUL byte"));
	assert_int_equal(pfg_runner_parse_metrics("", 0, &m), 0);
	assert_int_equal(m.n_metrics, 0);
	assert_null(m.metrics_error);
	assert_int_equal(parse_str("a 1 ms extra\n", &m), PFG_EINPUT);
	assert_string_equal(m.metrics_error, "metrics file line 1: expected 'name value "
			    "[unit]', got 'a 1 ms extra'");
	pfg_measurement_release(&m);
}

/* Write 200,000 metric lines to $PERFGUARD_METRICS, a shell fragment. */
#define MANY_METRICS "awk 'BEGIN { for (i = 0; i < 200000; i++) print \"m\" i, i }' " \
	"> \"$PERFGUARD_METRICS\""

/* A cancel request that comes while a large metrics file is parsed stops
 * the parse: the run reports cancelled and keeps no metrics. */
static void test_metrics_parse_cancelled(void **state)
{
	(void)state;
	char fifo[PATH_MAX + 16], cmd[2 * PATH_MAX];
	scratch_path(fifo, sizeof fifo, "cancel.fifo");
	unlink(fifo);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	int fd = open(fifo, O_RDONLY | O_NONBLOCK);
	assert_true(fd >= 0);
	/* The file is complete before the command asks to cancel. */
	snprintf(cmd, sizeof cmd, MANY_METRICS "; echo x > '%s'; sleep 30", fifo);
	char *argv[] = { cmd, NULL };
	struct pfg_exec_spec s = spec_for(argv);
	s.shell = 1;
	s.metrics = 1;
	s.cancel_fd = fd;
	struct pfg_measurement m;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_true(m.cancelled);
	assert_int_equal(m.n_metrics, 0);
	assert_non_null(m.metrics_error);
	assert_string_equal(m.metrics_error, "metrics file: not read to the end, the run "
			    "was stopped");
	pfg_measurement_release(&m);
	close(fd);
	unlink(fifo);
}

/* Call pfg_runner_kill_all() once the file named by arg exists. */
static void *kill_all_when_ready(void *arg)
{
	for (int i = 0; i < 3000 && access(arg, F_OK) != 0; i++) {
		struct timespec ts = { 0, 10000000 };
		nanosleep(&ts, NULL);
	}
	pfg_runner_kill_all();
	return NULL;
}

/* A stop request (pfg_runner_kill_all, as on SIGTERM) stops the parse of
 * the run's metrics too. */
static void test_metrics_parse_stopped(void **state)
{
	(void)state;
	char ready[PATH_MAX + 16], cmd[2 * PATH_MAX];
	scratch_path(ready, sizeof ready, "metrics.ready");
	unlink(ready);
	snprintf(cmd, sizeof cmd, MANY_METRICS "; touch '%s'; sleep 30", ready);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, kill_all_when_ready, ready), 0);
	struct pfg_measurement m;
	run_metrics(cmd, &m);
	pthread_join(t, NULL);
	assert_int_equal(m.term_signal, SIGKILL);
	assert_true(m.cancelled);
	assert_int_equal(m.n_metrics, 0);
	assert_non_null(strstr(m.metrics_error, "the run was stopped"));
	pfg_measurement_release(&m);
	/* The next run is not stopped by the old request. */
	run_metrics(MANY_METRICS, &m);
	assert_false(m.cancelled);
	assert_int_equal(m.n_metrics, 200000);
	pfg_measurement_release(&m);
}

/* Background processes of a run that exits normally do not outlive it. */
static void test_background_killed_after_run(void **state)
{
	(void)state;
	char pidfile[PATH_MAX + 16], cmd[2 * PATH_MAX];
	scratch_path(pidfile, sizeof pidfile, "leftover.pid");
	unlink(pidfile);
	snprintf(cmd, sizeof cmd, "sleep 300 & echo $! > '%s'; exit 0", pidfile);
	struct pfg_measurement m;
	run_sh(cmd, &m);
	assert_true(pfg_measurement_ok(&m));
	pid_t bg = read_pid(pidfile);
	assert_true(bg > 0);
	assert_true(process_gone(bg));
	pfg_measurement_release(&m);
	/* So do those of a failing run, and of an argv run (no shell). */
	snprintf(cmd, sizeof cmd, "sleep 300 & echo $! > '%s'; exit 4", pidfile);
	unlink(pidfile);
	char *argv[] = { "sh", "-c", cmd, NULL };
	struct pfg_exec_spec s = spec_for(argv);
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_runner_exec(&s, &m, err, sizeof err), 0);
	assert_int_equal(m.exit_code, 4);
	bg = read_pid(pidfile);
	assert_true(bg > 0);
	assert_true(process_gone(bg));
	pfg_measurement_release(&m);
}

/* Nonzero when this process holds a pidfd now. */
static int holds_pidfd(void)
{
	char path[64], target[128];
	int found = 0;
	for (int fd = 0; fd < 1024 && !found; fd++) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(path, target, sizeof target - 1);
		if (n > 0) {
			target[n] = '\0';
			found = strstr(target, "pidfd") != NULL;
		}
	}
	return found;
}

/* Record in *arg whether a pidfd is held 200 ms into a run, then stop it. */
static void *look_for_pidfd(void *arg)
{
	struct timespec ts = { 0, 200000000 };
	nanosleep(&ts, NULL);
	*(int *)arg = holds_pidfd();
	pfg_runner_kill_all();
	return NULL;
}

/* Whether this binary runs its tests with PERFGUARD_NO_PIDFD=1. */
static int no_pidfd_mode;

/* The runner waits on a pidfd where the kernel has one, and by polling
 * when PERFGUARD_NO_PIDFD=1 forces the fallback. */
static void test_wait_path(void **state)
{
	(void)state;
	int probe = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (probe >= 0)
		close(probe);
	int held = -1;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, look_for_pidfd, &held), 0);
	struct pfg_measurement m;
	run_sh("sleep 30", &m);
	pthread_join(t, NULL);
	assert_int_equal(m.term_signal, SIGKILL);
	pfg_measurement_release(&m);
	print_message("waiting with %s\n", held ? "a pidfd" : "polling");
	assert_int_equal(held, probe >= 0 && !no_pidfd_mode);
}

/* Metrics files that setup() left as if by killed perfguard processes. */
static char stale_dead[PATH_MAX + 64], stale_live[PATH_MAX + 64],
	    stale_unnamed[PATH_MAX + 64];

/* The first run with metrics in a process removes the metrics files of
 * perfguard processes that are gone, and only those. */
static void test_stale_metrics_swept(void **state)
{
	(void)state;
	assert_int_equal(access(stale_dead, F_OK), 0);
	struct pfg_measurement m;
	run_metrics("echo \"$PERFGUARD_METRICS\" >&2", &m);
	assert_int_equal(access(stale_dead, F_OK), -1);
	assert_int_equal(access(stale_live, F_OK), 0);
	assert_int_equal(access(stale_unnamed, F_OK), 0);
	/* The run's own file carries our pid. */
	char want[64];
	snprintf(want, sizeof want, "/perfguard-metrics-%ld-", (long)getpid());
	assert_non_null(strstr(m.stderr_tail, want));
	pfg_measurement_release(&m);
}

/* Create the stale metrics files in dir: one of a pid that is gone, one
 * of a live process (our parent), one without a pid. */
static int make_stale_files(const char *dir)
{
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	if (dead < 0 || waitpid(dead, NULL, 0) != dead)
		return -1;
	snprintf(stale_dead, sizeof stale_dead, "%s/perfguard-metrics-%ld-AbC123", dir,
		 (long)dead);
	snprintf(stale_live, sizeof stale_live, "%s/perfguard-metrics-%ld-XyZ789", dir,
		 (long)getppid());
	snprintf(stale_unnamed, sizeof stale_unnamed, "%s/perfguard-metrics-Qw3rty", dir);
	const char *paths[] = { stale_dead, stale_live, stale_unnamed };
	for (int i = 0; i < 3; i++) {
		int fd = open(paths[i], O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0)
			return -1;
		close(fd);
	}
	return 0;
}

/* $TMPDIR as it was before setup() pointed it at the scratch directory. */
static char *saved_tmpdir;

/* Create the scratch directory. */
static int setup(void **state)
{
	(void)state;
	const char *tmp = getenv("TMPDIR");
	saved_tmpdir = tmp ? pfg_xstrdup(tmp) : NULL;
	snprintf(scratch, sizeof scratch, "%s/pfg-test-runner.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	unsetenv("PERFGUARD_METRICS");
	if (!mkdtemp(scratch))
		return -1;
	/* Metrics files go to the scratch directory, where stale ones wait. */
	setenv("TMPDIR", scratch, 1);
	return make_stale_files(scratch);
}

/* Remove the scratch directory. */
static int teardown(void **state)
{
	(void)state;
	char cmd[PATH_MAX + 32];
	if (saved_tmpdir)
		setenv("TMPDIR", saved_tmpdir, 1);
	else
		unsetenv("TMPDIR");
	free(saved_tmpdir);
	saved_tmpdir = NULL;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
	return system(cmd) == 0 ? 0 : -1;
}

/* pfg_runner_capture keeps at most max_bytes of stdout and reads the rest
 * away, so that a chatty command neither blocks on a full pipe nor grows
 * the buffer; the run is measured as any other. */
static void test_capture_stdout(void **state)
{
	(void)state;
	char *argv[] = { "printf 'abc\\ndef\\n'; echo oops >&2", NULL };
	struct pfg_exec_spec s = spec_for(argv);
	s.shell = 1;
	s.timeout_s = 20;
	struct pfg_measurement m;
	char err[PFG_ERR_MAX], *text = NULL;
	assert_int_equal(pfg_runner_capture(&s, 64, &text, &m, err, sizeof err), 0);
	assert_true(pfg_measurement_ok(&m));
	assert_string_equal(text, "abc\ndef\n");
	assert_string_equal(m.stderr_tail, "oops\n");
	free(text);
	pfg_measurement_release(&m);
	argv[0] = "head -c 1000000 /dev/zero | tr '\\0' x";
	assert_int_equal(pfg_runner_capture(&s, 5, &text, &m, err, sizeof err), 0);
	assert_true(pfg_measurement_ok(&m)); /* not timed out on a full pipe */
	assert_string_equal(text, "xxxxx");
	free(text);
	pfg_measurement_release(&m);
	char *none[] = { "no-such-command-perfguard", NULL };
	s = spec_for(none);
	assert_int_equal(pfg_runner_capture(&s, 5, &text, &m, err, sizeof err), PFG_EINPUT);
	assert_null(text);
	pfg_measurement_release(&m);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--burn") == 0)
		return helper_burn(atol(argv[2]));
	if (argc == 3 && strcmp(argv[1], "--alloc") == 0)
		return helper_alloc(atol(argv[2]));
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
	if (n <= 0) {
		fprintf(stderr, "cannot read /proc/self/exe\n");
		return 1;
	}
	self_exe[n] = '\0';
	const char *np = getenv("PERFGUARD_NO_PIDFD");
	no_pidfd_mode = np && *np && strcmp(np, "0") != 0;
	if (argc == 2 && strcmp(argv[1], "--no-pidfd") == 0) {
		setenv("PERFGUARD_NO_PIDFD", "1", 1);
		no_pidfd_mode = 1;
	}

	const struct CMUnitTest waits[] = {
		cmocka_unit_test(test_wait_path),
		cmocka_unit_test(test_timeout_kills_tree),
		cmocka_unit_test(test_timeout_term_suffices),
		cmocka_unit_test(test_cancel_fd),
		cmocka_unit_test(test_kill_all),
		cmocka_unit_test(test_background_killed_after_run),
		cmocka_unit_test(test_metrics_parse_cancelled),
		cmocka_unit_test(test_metrics_parse_stopped),
	};
	if (argc == 2 && strcmp(argv[1], "--no-pidfd") == 0)
		return cmocka_run_group_tests_name("runner without pidfd", waits, setup,
						   teardown);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stale_metrics_swept),
		cmocka_unit_test(test_capture_stdout),
		cmocka_unit_test(test_wait_path),
		cmocka_unit_test(test_true_ok),
		cmocka_unit_test(test_exit_code),
		cmocka_unit_test(test_shell_mode),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_timeout_kills_tree),
		cmocka_unit_test(test_timeout_term_suffices),
		cmocka_unit_test(test_cancel_fd),
		cmocka_unit_test(test_kill_all),
		cmocka_unit_test(test_cpu_time),
		cmocka_unit_test(test_peak_rss),
		cmocka_unit_test(test_stderr_tail),
		cmocka_unit_test(test_background_keeps_stderr),
		cmocka_unit_test(test_child_descriptors),
		cmocka_unit_test(test_metrics_good),
		cmocka_unit_test(test_metrics_garbage),
		cmocka_unit_test(test_metrics_nonfinite),
		cmocka_unit_test(test_metrics_file_lifecycle),
		cmocka_unit_test(test_no_such_command),
		cmocka_unit_test(test_cwd),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_no_fd_leak),
		cmocka_unit_test(test_metrics_fifo),
		cmocka_unit_test(test_metrics_symlink),
		cmocka_unit_test(test_metrics_directory),
		cmocka_unit_test(test_metrics_size_cap),
		cmocka_unit_test(test_metrics_many_names),
		cmocka_unit_test(test_metrics_duplicates),
		cmocka_unit_test(test_metrics_parse_text),
		cmocka_unit_test(test_metrics_parse_cancelled),
		cmocka_unit_test(test_metrics_parse_stopped),
		cmocka_unit_test(test_background_killed_after_run),
	};
	int failed = cmocka_run_group_tests_name("runner", tests, setup, teardown);
	if (no_pidfd_mode)
		return failed;
	/* The waits again through the fallback, in a process of their own
	 * (PERFGUARD_NO_PIDFD is read once). */
	char *args[] = { self_exe, "--no-pidfd", NULL };
	pid_t pid;
	int status = 0;
	fflush(NULL);
	if (posix_spawn(&pid, self_exe, NULL, NULL, args, environ) != 0 ||
	    waitpid(pid, &status, 0) != pid)
		return 1;
	return failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}
