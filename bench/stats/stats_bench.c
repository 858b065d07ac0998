/* stats_bench.c: how long the statistics engine takes: compare on large
 * samples (each test) and change points on long histories, with how the
 * time grows with n. It measures and prints; it asserts nothing.
 * Usage: stats_bench [MAX_COMPARE_N] */
#include "perfguard/stats.h"
#include "perfguard/util.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>

/* Seconds taken by the fastest of reps calls of compare. */
static double time_compare(const double *b, const double *c, size_t n,
			   enum pfg_stats_test t, int reps)
{
	struct pfg_stats_compare_opts o;
	struct pfg_stats_compare_result r;
	char err[PFG_ERR_MAX];
	pfg_stats_compare_opts_init(&o);
	o.test = t;
	double best = 1e30;
	for (int i = 0; i < reps; i++) {
		int64_t t0 = pfg_now_ns();
		if (pfg_stats_compare(b, n, c, n, &o, &r, err, sizeof err)) {
			fprintf(stderr, "stats_bench: %s\n", err);
			exit(1);
		}
		double s = (double)(pfg_now_ns() - t0) / 1e9;
		if (s < best)
			best = s;
	}
	return best;
}

/* Seconds taken by the fastest of reps change point searches; *found gets
 * how many points were found. */
static double time_cp(const double *x, size_t n, int reps, size_t *found)
{
	struct pfg_stats_cp_opts o;
	pfg_stats_cp_opts_init(&o);
	double best = 1e30;
	for (int i = 0; i < reps; i++) {
		struct pfg_stats_change_point *cps;
		int64_t t0 = pfg_now_ns();
		if (pfg_stats_change_points(x, n, &o, &cps, found, NULL, 0))
			exit(1);
		double s = (double)(pfg_now_ns() - t0) / 1e9;
		pfg_stats_change_points_free(cps);
		if (s < best)
			best = s;
	}
	return best;
}

int main(int argc, char **argv)
{
	size_t max_n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 1000000;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 1);
	double *b = pfg_xmalloc(max_n * sizeof *b), *c = pfg_xmalloc(max_n * sizeof *c);
	for (size_t i = 0; i < max_n; i++) {
		b[i] = 100 * gsl_ran_lognormal(rng, 0, 0.2);
		c[i] = 101 * gsl_ran_lognormal(rng, 0, 0.2);
	}
	printf("compare, n values on each side (lognormal; fastest of 3)\n");
	printf("%-6s %10s %12s %12s\n", "test", "n", "seconds", "x per 10x n");
	for (int t = 0; t < 3; t++) {
		double prev = 0;
		for (size_t n = max_n / 100 ? max_n / 100 : 2; n <= max_n; n *= 10) {
			double s = time_compare(b, c, n, (enum pfg_stats_test)t, 3);
			if (prev > 0)
				printf("%-6s %10zu %12.4f %12.1f\n",
				       pfg_stats_test_name((enum pfg_stats_test)t), n, s, s / prev);
			else
				printf("%-6s %10zu %12.4f %12s\n",
				       pfg_stats_test_name((enum pfg_stats_test)t), n, s, "-");
			prev = s;
		}
	}
	printf("\nchange points, default options (window 50), a history with a\n"
	       "10%% shift every 250 points and 2%% noise (fastest of 3)\n");
	printf("%10s %8s %12s %12s\n", "n", "found", "seconds", "x per 10x n");
	size_t sizes[] = { 1000, 10000, 100000 };
	double *x = pfg_xmalloc(100000 * sizeof *x), prev = 0;
	for (size_t i = 0; i < 100000; i++)
		x[i] = (100 + (double)((i / 250) % 2) * 10) * (1 + gsl_ran_gaussian(rng, 0.02));
	for (int k = 0; k < 3; k++) {
		size_t found;
		double s = time_cp(x, sizes[k], 3, &found);
		if (prev > 0)
			printf("%10zu %8zu %12.4f %12.1f\n", sizes[k], found, s, s / prev);
		else
			printf("%10zu %8zu %12.4f %12s\n", sizes[k], found, s, "-");
		prev = s;
	}
	free(x);
	free(b);
	free(c);
	gsl_rng_free(rng);
	return 0;
}
