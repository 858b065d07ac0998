/* sort_bench.c: a C API example. Times qsort of 20,000 numbers in-process
 * and records a custom metric, then finishes the run: perfguard stores and
 * analyses it like `perfguard run` and its gate judges it.
 *
 *   cc sort_bench.c $(pkg-config --cflags --libs perfguard) -o sort_bench
 *   ./sort_bench perfguard.db [perfguard.json]
 *
 * Exit status: 0, 1 when the gate fails, 2 or 3 when perfguard fails. */
#include <perfguard/api.h>

#include <stdio.h>
#include <stdlib.h>

#define N 20000

/* Ascending order of two ints, for qsort. */
static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* The function measured: sort a fresh copy of the numbers. */
static void sort_numbers(void *arg)
{
	static int work[N];
	const int *numbers = arg;
	for (int i = 0; i < N; i++)
		work[i] = numbers[i];
	qsort(work, N, sizeof work[0], cmp_int);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s DATABASE [CONFIG]\n", argv[0]);
		return 2;
	}
	static int numbers[N];
	srand(42);
	for (int i = 0; i < N; i++)
		numbers[i] = rand();

	char err[1024];
	pfg_suite *s;
	if (pfg_suite_open(&s, argv[1], argc > 2 ? argv[2] : NULL, "sorting", err,
			   sizeof err)) {
		fprintf(stderr, "sort_bench: %s\n", err);
		return 3;
	}
	/* A custom metric, say comparisons per sort of 1,000 numbers; scaled by
	 * $SORT_BENCH_SCALE so that a test can make it regress. */
	const char *scale = getenv("SORT_BENCH_SCALE");
	double comparisons[] = { 8700, 8710, 8690, 8705, 8695 };
	for (int i = 0; scale && i < 5; i++)
		comparisons[i] *= atof(scale);
	struct pfg_suite_result r;
	if (pfg_suite_time(s, "qsort_20k", sort_numbers, numbers, 2, 10) ||
	    pfg_suite_record(s, "comparisons_1k", "", PFG_API_LOWER_IS_BETTER, comparisons,
			     5) ||
	    pfg_suite_finish(s, &r)) {
		fprintf(stderr, "sort_bench: %s\n", pfg_suite_error(s));
		pfg_suite_close(s);
		return 3;
	}
	printf("run %lld: %d benchmarks, %d regressions, gate %s\n", r.run_id, r.benchmarks,
	       r.regressions, r.gate_failed ? "FAIL" : "PASS");
	pfg_suite_close(s);
	return r.gate_failed ? 1 : 0;
}
