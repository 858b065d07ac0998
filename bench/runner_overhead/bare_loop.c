/* bare_loop.c: the floor for runner overhead: posix_spawn + wait4 of a
 * command N times with nothing else around it, timed on CLOCK_MONOTONIC
 * exactly as the runner times a run (just before spawn to reap).
 * Usage: bare_loop [N [PROGRAM]]; prints "median_ns=M runs=N". */
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

/* Nanoseconds on CLOCK_MONOTONIC. */
static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* qsort comparison of int64_t. */
static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000;
	char *prog = argc > 2 ? argv[2] : "/bin/true";
	if (n < 1) {
		fprintf(stderr, "usage: bare_loop [N [PROGRAM]]\n");
		return 2;
	}
	char *child_argv[] = { prog, NULL };
	int64_t *t = malloc((size_t)n * sizeof *t);
	if (!t)
		return 1;
	for (long i = -20; i < n; i++) { /* 20 warmup runs, as run.sh asks of all */
		pid_t pid;
		int status;
		struct rusage ru;
		int64_t start = now_ns();
		int err = posix_spawn(&pid, prog, NULL, NULL, child_argv, environ);
		if (err) {
			fprintf(stderr, "bare_loop: cannot run %s: %s\n", prog, strerror(err));
			return 1;
		}
		if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bare_loop: %s failed\n", prog);
			return 1;
		}
		if (i >= 0)
			t[i] = now_ns() - start;
	}
	qsort(t, (size_t)n, sizeof *t, cmp_i64);
	double median = n % 2 ? (double)t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2.0;
	printf("median_ns=%.0f runs=%ld\n", median, n);
	free(t);
	return 0;
}
