/* test_spawner.c: runs spawned through the spawner process report peak RSS
 * from its small size, not from the caller's, and keep every other figure:
 * exit codes, stderr, timeouts killing the group, cancellation, the group
 * killed after every run. After its tests it runs itself with --no-pidfd:
 * the waits again with PERFGUARD_NO_PIDFD=1 (the spawner's runs are then
 * watched through /proc). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/runner.h"
#include "perfguard/util.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Run argv through the runner; fail the test when it could not start. */
static void run(char *const *argv, int shell, double timeout, int cancel_fd,
		struct pfg_measurement *m)
{
	struct pfg_exec_spec spec = { .argv = argv, .shell = shell,
				      .timeout_s = timeout, .grace_s = 0.2,
				      .cancel_fd = cancel_fd, .via_spawner = 1 };
	char err[PFG_ERR_MAX];
	if (pfg_runner_exec(&spec, m, err, sizeof err) != 0)
		fail_msg("%s", err);
}

static void test_peak_rss_does_not_start_at_the_callers_size(void **state)
{
	(void)state;
	char *argv[] = { "true", NULL };
	struct pfg_measurement m;
	/* Grow this process to 200 MiB and keep it resident. */
	size_t big = 200u << 20;
	char *mem = pfg_xmalloc(big);
	memset(mem, 1, big);
	run(argv, 0, 0, -1, &m);
	assert_true(m.exited && m.exit_code == 0);
	print_message("peak RSS of true through the spawner: %ld KiB\n", m.max_rss_kib);
	assert_true(m.max_rss_kib > 0);
	assert_true(m.max_rss_kib < 50 * 1024); /* directly it would be >= 200 MiB */
	pfg_measurement_release(&m);
	free(mem);
}

static void test_exit_codes_signals_and_stderr(void **state)
{
	(void)state;
	char *fail_argv[] = { "echo oops >&2; exit 3", NULL };
	char *segv_argv[] = { "kill -SEGV $$", NULL };
	struct pfg_measurement m;
	run(fail_argv, 1, 0, -1, &m);
	assert_true(m.exited);
	assert_int_equal(m.exit_code, 3);
	assert_string_equal(m.stderr_tail, "oops\n");
	pfg_measurement_release(&m);
	run(segv_argv, 1, 0, -1, &m);
	assert_false(m.exited);
	assert_int_equal(m.term_signal, SIGSEGV);
	pfg_measurement_release(&m);
	/* A command that does not exist is an error before anything spawns. */
	char *none[] = { "no-such-command-xyz", NULL };
	struct pfg_exec_spec spec = { .argv = none, .cancel_fd = -1, .via_spawner = 1 };
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_runner_exec(&spec, &m, err, sizeof err), PFG_EINPUT);
	pfg_measurement_release(&m);
}

static void test_timeout_kills_the_group(void **state)
{
	(void)state;
	char path[] = "/tmp/pfg-spawner-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char *cmd = pfg_xasprintf("sleep 100 & echo $! > %s; wait", path);
	char *argv[] = { cmd, NULL };
	struct pfg_measurement m;
	run(argv, 1, 0.3, -1, &m);
	assert_true(m.timed_out);
	assert_true(m.wall_ns >= 300000000LL && m.wall_ns < 5000000000LL);
	FILE *f = fopen(path, "r");
	long child = 0;
	assert_int_equal(fscanf(f, "%ld", &child), 1);
	fclose(f);
	unlink(path);
	/* The grandchild is killed with the group (a zombie until its parent
	 * is reaped; by now the group is gone). */
	int gone = 0;
	for (int i = 0; i < 100 && !gone; i++) {
		gone = kill((pid_t)child, 0) != 0 && errno == ESRCH;
		usleep(20000);
	}
	assert_true(gone);
	pfg_measurement_release(&m);
	free(cmd);
}

static void test_runs_not_asking_spawn_directly(void **state)
{
	(void)state;
	char *argv[] = { "true", NULL };
	struct pfg_exec_spec spec = { .argv = argv, .cancel_fd = -1 };
	struct pfg_measurement m;
	size_t big = 200u << 20;
	char *mem = pfg_xmalloc(big);
	memset(mem, 1, big);
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_runner_exec(&spec, &m, err, sizeof err), 0);
	/* Spawned by this 200 MiB process: the kernel's floor shows. */
	assert_true(m.max_rss_kib >= 150 * 1024);
	pfg_measurement_release(&m);
	free(mem);
}

static void test_cancel(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	if (fork() == 0) {
		usleep(200000);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		_exit(0);
	}
	char *argv[] = { "sleep", "100", NULL };
	struct pfg_measurement m;
	run(argv, 0, 0, fds[0], &m);
	assert_true(m.cancelled);
	pfg_measurement_release(&m);
	close(fds[0]);
	close(fds[1]);
}

/* Wait up to 2 s until pid is gone; nonzero when it is. */
static int gone_soon(pid_t pid)
{
	for (int i = 0; i < 100; i++) {
		if (kill(pid, 0) != 0 && errno == ESRCH)
			return 1;
		usleep(20000);
	}
	return 0;
}

/* A background process of a run that exits 0 dies with the run. */
static void test_background_killed_after_run(void **state)
{
	(void)state;
	char path[] = "/tmp/pfg-spawner-bg-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char *cmd = pfg_xasprintf("sleep 300 & echo $! > %s; exit 0", path);
	char *argv[] = { cmd, NULL };
	struct pfg_measurement m;
	run(argv, 1, 0, -1, &m);
	assert_true(m.exited && m.exit_code == 0);
	FILE *f = fopen(path, "r");
	long child = 0;
	assert_int_equal(fscanf(f, "%ld", &child), 1);
	fclose(f);
	unlink(path);
	assert_true(child > 0);
	assert_true(gone_soon((pid_t)child));
	pfg_measurement_release(&m);
	free(cmd);
}

/* A stopped spawner is reaped; runs are then spawned directly, and a new
 * spawner can be started. */
static void test_stop_and_restart(void **state)
{
	(void)state;
	char *argv[] = { "true", NULL }, err[PFG_ERR_MAX];
	struct pfg_measurement m;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		; /* what earlier tests left */
	pfg_runner_spawner_stop();
	pfg_runner_spawner_stop(); /* harmless twice */
	assert_true(waitpid(-1, NULL, WNOHANG) <= 0); /* the spawner was reaped */
	run(argv, 0, 0, -1, &m);
	assert_true(pfg_measurement_ok(&m));
	pfg_measurement_release(&m);
	assert_int_equal(pfg_runner_spawner_start(err, sizeof err), 0);
	run(argv, 0, 0, -1, &m);
	assert_true(pfg_measurement_ok(&m));
	pfg_measurement_release(&m);
}

static int start_spawner(void **state)
{
	(void)state;
	char err[PFG_ERR_MAX];
	return pfg_runner_spawner_start(err, sizeof err) == 0 ? 0 : -1;
}

extern char **environ;

int main(int argc, char **argv)
{
	const struct CMUnitTest waits[] = {
		cmocka_unit_test(test_exit_codes_signals_and_stderr),
		cmocka_unit_test(test_timeout_kills_the_group),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_background_killed_after_run),
	};
	if (argc == 2 && strcmp(argv[1], "--no-pidfd") == 0) {
		setenv("PERFGUARD_NO_PIDFD", "1", 1);
		return cmocka_run_group_tests_name("spawner without pidfd", waits,
						   start_spawner, NULL);
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peak_rss_does_not_start_at_the_callers_size),
		cmocka_unit_test(test_exit_codes_signals_and_stderr),
		cmocka_unit_test(test_timeout_kills_the_group),
		cmocka_unit_test(test_runs_not_asking_spawn_directly),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_background_killed_after_run),
		cmocka_unit_test(test_stop_and_restart),
	};
	int failed = cmocka_run_group_tests_name("spawner", tests, start_spawner, NULL);
	/* The waits again through the fallback, in a process of their own
	 * (PERFGUARD_NO_PIDFD is read once). */
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	char *args[] = { self, "--no-pidfd", NULL };
	pid_t pid;
	int status = 0;
	fflush(NULL);
	if (posix_spawn(&pid, self, NULL, NULL, args, environ) != 0 ||
	    waitpid(pid, &status, 0) != pid)
		return 1;
	return failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}
