/* fuzz_numfile.c: files of numbers (pfg_numfile_read), and what `perfguard
 * compare` and `perfguard trend` then do with the numbers: a comparison of
 * the two halves with the default options, a line fit and change points on
 * the whole. */
#include <math.h>

#include "cli/numfile.h"
#include "perfguard/stats.h"

#include "fuzz.h"

/* libFuzzer's entry: read the input as a file of numbers. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	const char *path = fuzz_file("numbers.txt", data, size);
	double *x = NULL;
	size_t n = 0;
	char err[512];
	if (pfg_numfile_read(path, &x, &n, err, sizeof err)) {
		free(x);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			abort(); /* the reader promises finite numbers */
	if (n >= 4) {
		struct pfg_stats_compare_opts o;
		struct pfg_stats_compare_result r;
		pfg_stats_compare_opts_init(&o);
		pfg_stats_compare(x, n / 2, x + n / 2, n - n / 2, &o, &r, err, sizeof err);

		struct pfg_stats_trend t;
		pfg_stats_trend_fit(NULL, x, n, &t, err, sizeof err);

		struct pfg_stats_cp_opts co;
		struct pfg_stats_change_point *cps = NULL;
		size_t ncp = 0;
		pfg_stats_cp_opts_init(&co);
		if (pfg_stats_change_points(x, n, &co, &cps, &ncp, err, sizeof err) == 0)
			for (size_t i = 0; i < ncp; i++)
				if (cps[i].index == 0 || cps[i].index >= n)
					abort(); /* a change point starts a new segment inside x */
		pfg_stats_change_points_free(cps);
	}
	free(x);
	return 0;
}
