/* cmd_compare.c: `perfguard compare`: is CURRENT_FILE slower than
 * BASELINE_FILE? The statistics engine on two plain files of numbers. */
#include "numfile.h"
#include "perfguard/cli.h"
#include "perfguard/config.h"
#include "perfguard/stats.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_JSON = 0x2000, OPT_TEST, OPT_ALPHA, OPT_CONFIDENCE, OPT_OUTLIERS,
	OPT_DIRECTION, OPT_THRESHOLDS, OPT_FAIL_ON,
};

/* Parse "5,10,20,50" into t[4], each in [0, PFG_THRESHOLD_MAX]; returns 0
 * or -1. */
static int parse_thresholds(const char *s, double t[4])
{
	char *copy = pfg_xstrdup(s), *save = NULL, *tok = strtok_r(copy, ",", &save);
	int i = 0, rc = 0;
	for (; tok && i < 4; tok = strtok_r(NULL, ",", &save), i++)
		if (pfg_numfile_parse_double(tok, &t[i]) || t[i] < 0 ||
		    t[i] > PFG_THRESHOLD_MAX || (i && t[i] < t[i - 1]))
			rc = -1;
	if (tok || i != 4)
		rc = -1;
	free(copy);
	return rc;
}

/* Add v to o under key, or null when it is not finite (never NaN as a number). */
static void add_number(cJSON *o, const char *key, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

/* Print the result as one JSON object. */
static void print_json(const struct pfg_stats_compare_result *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "test", pfg_stats_test_name(r->test));
	cJSON_AddNumberToObject(o, "n_base", (double)r->n_base);
	cJSON_AddNumberToObject(o, "n_current", (double)r->n_current);
	cJSON_AddNumberToObject(o, "outliers_base", (double)r->outliers_base);
	cJSON_AddNumberToObject(o, "outliers_current", (double)r->outliers_current);
	cJSON_AddNumberToObject(o, "outliers_removed_base", (double)r->outliers_removed_base);
	cJSON_AddNumberToObject(o, "outliers_removed_current",
				(double)r->outliers_removed_current);
	add_number(o, "estimate_base", r->estimate_base);
	add_number(o, "estimate_current", r->estimate_current);
	add_number(o, "mean_base", r->mean_base);
	add_number(o, "mean_current", r->mean_current);
	add_number(o, "median_base", r->median_base);
	add_number(o, "median_current", r->median_current);
	add_number(o, "stddev_base", r->stddev_base);
	add_number(o, "stddev_current", r->stddev_current);
	add_number(o, "change_pct", r->change_pct);
	add_number(o, "ci_low_pct", r->ci_low_pct);
	add_number(o, "ci_high_pct", r->ci_high_pct);
	add_number(o, "confidence", r->confidence);
	add_number(o, "p_value", r->p_value);
	add_number(o, "alpha", r->alpha);
	cJSON_AddBoolToObject(o, "significant", r->significant);
	add_number(o, "statistic", r->statistic);
	add_number(o, "df", r->df);
	cJSON_AddStringToObject(o, "severity", pfg_severity_name(r->severity));
	cJSON_AddStringToObject(o, "direction", pfg_direction_name(r->direction));
	cJSON_AddStringToObject(o, "verdict", pfg_verdict_name(r->verdict));
	add_number(o, "mde_pct", r->mde_pct);
	pfg_cli_print_json(o);
}

/* Print the result as a table for people. */
static void print_table(const struct pfg_stats_compare_result *r,
			const struct pfg_stats_compare_opts *o)
{
	static const char *const what[] = { "trimmed mean", "mean", "median" };
	const char *det = o->outliers == PFG_OUTLIERS_MAD ? "mad" : "iqr";
	printf("%-18s %14s %14s\n", "", "baseline", "current");
	printf("%-18s %14zu %14zu\n", "n (used)", r->n_base, r->n_current);
	char ob[32], oc[32];
	snprintf(ob, sizeof ob, "%zu%s", r->outliers_base,
		 r->outliers_removed_base ? " removed" : "");
	snprintf(oc, sizeof oc, "%zu%s", r->outliers_current,
		 r->outliers_removed_current ? " removed" : "");
	printf("outliers (%s)%*s %14s %14s\n", det, (int)(18 - 11 - strlen(det)), "", ob, oc);
	printf("%-18s %14.6g %14.6g\n", what[r->test], r->estimate_base, r->estimate_current);
	printf("%-18s %14.6g %14.6g\n", "mean", r->mean_base, r->mean_current);
	printf("%-18s %14.6g %14.6g\n", "median", r->median_base, r->median_current);
	printf("%-18s %14.6g %14.6g\n", "stddev", r->stddev_base, r->stddev_current);
	printf("\n");
	printf("%-18s %s\n", "test", r->test == PFG_TEST_YUEN	 ? "Yuen (20% trimmed means)"
				     : r->test == PFG_TEST_WELCH ? "Welch t-test (means)"
								 : "Mann-Whitney U (medians)");
	printf("%-18s %+.2f%%  [%+.2f%%, %+.2f%%] at %g%% confidence\n", "change",
	       r->change_pct, r->ci_low_pct, r->ci_high_pct, r->confidence * 100);
	printf("%-18s %.4g (alpha %g): %s\n", "p-value", r->p_value, r->alpha,
	       r->significant ? "significant" : "not significant");
	if (isfinite(r->mde_pct))
		printf("%-18s %.2f%% (80%% power)\n", "detectable change", r->mde_pct);
	else
		printf("%-18s unbounded\n", "detectable change");
	printf("%-18s %s", "verdict", pfg_verdict_name(r->verdict));
	if (r->verdict == PFG_VERDICT_REGRESSION)
		printf(" (%s)", pfg_severity_name(r->severity));
	printf(", %s is better\n", pfg_direction_name(r->direction));
}

/* Read one input file into *v; 0, or the exit code after a message. */
static int read_input(const struct pfg_cli *cli, const char *path, double **v, size_t *n)
{
	char err[PFG_ERR_MAX];
	if (pfg_numfile_read(path, v, n, err, sizeof err))
		return pfg_cli_fail(cli, PFG_EXIT_USAGE, "%s", err);
	if (*n < 2) {
		free(*v);
		*v = NULL;
		return pfg_cli_fail(cli, PFG_EXIT_USAGE,
				    "%s: %zu value%s; at least 2 are needed to compare",
				    strcmp(path, "-") == 0 ? "<stdin>" : path, *n,
				    *n == 1 ? "" : "s");
	}
	return 0;
}

/* `perfguard compare`: parse the options and run; returns an exit code.
 * Long because it is one flat case per option, each with its message. */
static int cmd_compare(struct pfg_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "test", required_argument, NULL, OPT_TEST },
		{ "alpha", required_argument, NULL, OPT_ALPHA },
		{ "confidence", required_argument, NULL, OPT_CONFIDENCE },
		{ "outliers", required_argument, NULL, OPT_OUTLIERS },
		{ "direction", required_argument, NULL, OPT_DIRECTION },
		{ "thresholds", required_argument, NULL, OPT_THRESHOLDS },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		PFG_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct pfg_stats_compare_opts o;
	pfg_stats_compare_opts_init(&o);
	int json = 0, opt, rc;
	enum pfg_severity fail_on = PFG_SEVERITY_NONE;
	optind = 1;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON:
			json = 1;
			break;
		case OPT_TEST:
			if (pfg_stats_test_parse(optarg, &o.test))
				return pfg_cli_usage_error(cli, "--test: expected yuen, welch or "
						      "mwu, got '%s'", optarg);
			break;
		case OPT_ALPHA:
			if ((rc = pfg_cli_parse_number(cli, "--alpha", optarg, "a probability",
						       PFG_ALPHA_MIN, PFG_ALPHA_MAX,
						       &o.alpha)) >= 0)
				return rc;
			break;
		case OPT_CONFIDENCE:
			if ((rc = pfg_cli_parse_number(cli, "--confidence", optarg,
						       "a probability", PFG_CONFIDENCE_MIN,
						       PFG_CONFIDENCE_MAX, &o.confidence)) >= 0)
				return rc;
			break;
		case OPT_OUTLIERS:
			if (pfg_stats_outliers_parse(optarg, &o.outliers))
				return pfg_cli_usage_error(cli, "--outliers: expected iqr, mad or "
						      "none, got '%s'", optarg);
			break;
		case OPT_DIRECTION:
			if (pfg_direction_parse(optarg, &o.direction))
				return pfg_cli_usage_error(cli, "--direction: expected lower or "
						      "higher, got '%s'", optarg);
			break;
		case OPT_THRESHOLDS:
			if (parse_thresholds(optarg, o.thresholds))
				return pfg_cli_usage_error(cli, "--thresholds: expected 4 "
						      "increasing percentages between 0 and %g "
						      "like 5,10,20,50, got '%s'",
						      PFG_THRESHOLD_MAX, optarg);
			break;
		case OPT_FAIL_ON:
			if (pfg_severity_parse(optarg, &fail_on) ||
			    fail_on == PFG_SEVERITY_NONE)
				return pfg_cli_usage_error(cli, "--fail-on: expected minor, "
						      "moderate, major or critical, got '%s'",
						      optarg);
			break;
		default:
			if ((rc = pfg_cli_common_option(cli, opt, optarg)) >= 0)
				return rc;
		}
	}
	if (argc - optind != 2)
		return pfg_cli_usage_error(cli, "expected BASELINE_FILE and CURRENT_FILE, got "
				      "%d argument%s", argc - optind,
				      argc - optind == 1 ? "" : "s");
	const char *bpath = argv[optind], *cpath = argv[optind + 1];
	if (strcmp(bpath, "-") == 0 && strcmp(cpath, "-") == 0)
		return pfg_cli_usage_error(cli, "only one of the two files can be '-' "
				      "(standard input)");
	double *b = NULL, *c = NULL;
	size_t nb, nc;
	rc = read_input(cli, bpath, &b, &nb);
	if (!rc)
		rc = read_input(cli, cpath, &c, &nc);
	if (rc) {
		free(b);
		return rc;
	}
	struct pfg_stats_compare_result r;
	char err[PFG_ERR_MAX];
	if (pfg_stats_compare(b, nb, c, nc, &o, &r, err, sizeof err)) {
		rc = pfg_cli_fail(cli, PFG_EXIT_USAGE, "%s vs %s: %s", bpath, cpath, err);
	} else {
		if (json)
			print_json(&r);
		else
			print_table(&r, &o);
		rc = fail_on != PFG_SEVERITY_NONE && r.verdict == PFG_VERDICT_REGRESSION &&
				     r.severity >= fail_on
			     ? PFG_EXIT_GATE
			     : PFG_EXIT_OK;
		if (rc == PFG_EXIT_GATE)
			fprintf(stderr, "perfguard compare: %s regression (%+.2f%%) reaches "
				"--fail-on %s\n", pfg_severity_name(r.severity),
				r.change_pct, pfg_severity_name(fail_on));
	}
	free(b);
	free(c);
	return rc;
}

const struct pfg_command pfg_cmd_compare_entry = {
	.name = "compare",
	.summary = "did CURRENT_FILE regress against BASELINE_FILE?",
	.usage =
		"Usage: perfguard compare [--json] [--test yuen|welch|mwu] [--alpha A]\n"
		"                         [--confidence C] [--outliers iqr|mad|none]\n"
		"                         [--direction lower|higher] [--thresholds 5,10,20,50]\n"
		"                         [--fail-on LEVEL] BASELINE_FILE CURRENT_FILE\n"
		"\n"
		"Compare two samples, one number per line (blank lines and # comments\n"
		"skipped, - reads standard input): outliers, a two-sided test, the change\n"
		"in percent with its confidence interval, the smallest change the data\n"
		"could detect, and a verdict: regression, improvement, no_change or\n"
		"inconclusive (too noisy to have seen a minor change).\n"
		"\n"
		"  --test T        yuen: 20% trimmed means (default), welch: means,\n"
		"                  mwu: Mann-Whitney U on medians (bootstrap interval)\n"
		"  --alpha A       significance level (default 0.05, 0.000001 to 0.5)\n"
		"  --confidence C  level of the interval (default 0.95, 0.5 to 0.999999)\n"
		"  --outliers M    remove outliers before the test: iqr (Tukey fences),\n"
		"                  mad (modified z > 3.5) or none (default; outliers are\n"
		"                  still counted)\n"
		"  --direction D   lower (default: time, memory) or higher (throughput)\n"
		"                  is better\n"
		"  --thresholds T  minor,moderate,major,critical in percent (5,10,20,50;\n"
		"                  each 0 to 100000)\n"
		"  --fail-on LEVEL exit 1 when a regression reaches LEVEL: minor,\n"
		"                  moderate, major or critical\n"
		"  --json          print every field as one JSON object\n"
		"\n"
		"Exit status: 0, 1 with --fail-on when a regression reaches LEVEL, 2 for\n"
		"a usage error or bad input (a line that is not a number, NaN, fewer\n"
		"than 2 values, a baseline of 0, values too large to compare).\n",
	.run = cmd_compare,
};
