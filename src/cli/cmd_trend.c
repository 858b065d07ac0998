/* cmd_trend.c: `perfguard trend`: the slope and the change points of a
 * history, one value per line in order. */
#include "numfile.h"
#include "perfguard/cli.h"
#include "perfguard/stats.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_JSON = 0x2000, OPT_WINDOW, OPT_MAX_PVALUE, OPT_MIN_MAGNITUDE };

/* The largest --window (the split step is quadratic in it) and
 * --min-magnitude (1000: a change of 100000%, the largest threshold). */
#define WINDOW_MAX 100000L
#define MAGNITUDE_MAX 1000.0

/* Print trend and change points as one JSON object. */
static void print_json(const struct pfg_stats_trend *t,
		       const struct pfg_stats_change_point *cps, size_t ncp)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "n", (double)t->n);
	cJSON_AddNumberToObject(o, "slope", t->slope);
	cJSON_AddNumberToObject(o, "intercept", t->intercept);
	cJSON_AddNumberToObject(o, "r2", t->r2);
	cJSON_AddNumberToObject(o, "slope_p_value", t->slope_p_value);
	cJSON *arr = cJSON_AddArrayToObject(o, "change_points");
	for (size_t i = 0; i < ncp; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddNumberToObject(c, "index", (double)cps[i].index);
		cJSON_AddNumberToObject(c, "mean_before", cps[i].mean_before);
		cJSON_AddNumberToObject(c, "mean_after", cps[i].mean_after);
		cJSON_AddNumberToObject(c, "change_pct", cps[i].change_pct);
		cJSON_AddNumberToObject(c, "p_value", cps[i].p_value);
		cJSON_AddItemToArray(arr, c);
	}
	pfg_cli_print_json(o);
}

/* Print trend and change points as a table for people. */
static void print_table(const struct pfg_stats_trend *t,
			const struct pfg_stats_change_point *cps, size_t ncp, double mean)
{
	printf("%-15s %zu\n", "n", t->n);
	printf("%-15s %.6g per point", "slope", t->slope);
	if (mean != 0)
		printf(" (%+.3f%% of the mean per point)", 100 * t->slope / fabs(mean));
	printf("\n%-15s %.6g\n", "intercept", t->intercept);
	printf("%-15s %.4f\n", "r2", t->r2);
	printf("%-15s %.4g%s\n", "slope p-value", t->slope_p_value,
	       t->slope_p_value < 0.05 ? " (a significant trend)" : "");
	printf("%-15s %zu\n", "change points", ncp);
	if (!ncp)
		return;
	printf("\n%8s %14s %14s %10s %10s\n", "index", "mean before", "mean after",
	       "change", "p-value");
	for (size_t i = 0; i < ncp; i++)
		printf("%8zu %14.6g %14.6g %+9.2f%% %10.3g\n", cps[i].index, cps[i].mean_before,
		       cps[i].mean_after, cps[i].change_pct, cps[i].p_value);
}

/* `perfguard trend`: parse the options and run; returns an exit code. */
static int cmd_trend(struct pfg_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ "max-pvalue", required_argument, NULL, OPT_MAX_PVALUE },
		{ "min-magnitude", required_argument, NULL, OPT_MIN_MAGNITUDE },
		PFG_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct pfg_stats_cp_opts o;
	pfg_stats_cp_opts_init(&o);
	int json = 0, opt;
	long w;
	optind = 1;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON:
			json = 1;
			break;
		case OPT_WINDOW:
			if ((w = pfg_cli_parse_range(cli, "--window", optarg, 2,
						     WINDOW_MAX)) < 0)
				return PFG_EXIT_USAGE;
			o.window = (size_t)w;
			break;
		case OPT_MAX_PVALUE:
			if (pfg_numfile_parse_double(optarg, &o.max_pvalue) ||
			    o.max_pvalue <= 0 || o.max_pvalue > 1)
				return pfg_cli_usage_error(cli, "--max-pvalue: expected a number "
						      "in (0, 1], got '%s'", optarg);
			break;
		case OPT_MIN_MAGNITUDE:
			if (pfg_numfile_parse_double(optarg, &o.min_magnitude) ||
			    o.min_magnitude < 0 || o.min_magnitude > MAGNITUDE_MAX)
				return pfg_cli_usage_error(cli, "--min-magnitude: expected a "
						      "relative change between 0 and %g "
						      "such as 0.05, got '%s'", MAGNITUDE_MAX,
						      optarg);
			break;
		default: {
			int rc = pfg_cli_common_option(cli, opt, optarg);
			if (rc >= 0)
				return rc;
		}
		}
	}
	if (argc - optind != 1)
		return pfg_cli_usage_error(cli, "expected one SERIES_FILE, got %d arguments",
				      argc - optind);
	const char *path = argv[optind];
	char err[PFG_ERR_MAX];
	double *x;
	size_t n;
	if (pfg_numfile_read(path, &x, &n, err, sizeof err))
		return pfg_cli_fail(cli, PFG_EXIT_USAGE, "%s", err);
	if (n < 2) {
		free(x);
		return pfg_cli_fail(cli, PFG_EXIT_USAGE,
				    "%s: %zu value%s; a trend needs at least 2",
				    strcmp(path, "-") == 0 ? "<stdin>" : path, n,
				    n == 1 ? "" : "s");
	}
	struct pfg_stats_trend t;
	struct pfg_stats_change_point *cps = NULL;
	size_t ncp = 0;
	int rc = PFG_EXIT_OK;
	if (pfg_stats_trend_fit(NULL, x, n, &t, err, sizeof err) ||
	    pfg_stats_change_points(x, n, &o, &cps, &ncp, err, sizeof err)) {
		rc = pfg_cli_fail(cli, PFG_EXIT_USAGE, "%s: %s", path, err);
	} else if (json) {
		print_json(&t, cps, ncp);
	} else {
		double mean = 0;
		for (size_t i = 0; i < n; i++)
			mean += x[i] / (double)n;
		print_table(&t, cps, ncp, mean);
	}
	pfg_stats_change_points_free(cps);
	free(x);
	return rc;
}

const struct pfg_command pfg_cmd_trend_entry = {
	.name = "trend",
	.summary = "slope and change points of a history",
	.usage =
		"Usage: perfguard trend [--json] [--window N] [--max-pvalue P]\n"
		"                       [--min-magnitude M] SERIES_FILE\n"
		"\n"
		"Fit a least squares line to a history (one number per line, oldest\n"
		"first; - reads standard input) and find its change points with\n"
		"e-divisive means as Apache Otava does. Each change point is the index\n"
		"(from 0) of the first value of the new segment, with the means before\n"
		"and after, the change in percent and the p-value.\n"
		"\n"
		"  --window N         points per window of the split step (default 50,\n"
		"                     2 to 100000)\n"
		"  --max-pvalue P     significance of a change point (default 0.001)\n"
		"  --min-magnitude M  smallest relative change kept (default 0.05, 0 to\n"
		"                     1000)\n"
		"  --json             print n, slope, intercept, r2, slope_p_value and\n"
		"                     change_points as JSON\n"
		"\n"
		"Exit status: 0, or 2 for a usage error or bad input.\n",
	.run = cmd_trend,
};
