/* commands.c: the table of subcommands and their help texts. */
#include "perfguard/cli.h"

#include <stddef.h>

const struct pfg_command pfg_commands[] = {
	{ "init", pfg_cmd_init, "write a documented example perfguard.json",
	  "Usage: perfguard init [-c FILE] [--force]\n"
	  "\n"
	  "Write a documented example config (./perfguard.json, or the file named\n"
	  "by -c or $PERFGUARD_CONFIG). Refuses to overwrite an existing file\n"
	  "unless --force is given.\n" },
	{ "run", pfg_cmd_run, "run benchmarks, store every sample, print results",
	  "Usage: perfguard run [--json] [-c FILE] [--db FILE] [PATTERN...]\n"
	  "\n"
	  "Run the benchmarks of the config whose component/name matches one of\n"
	  "the glob PATTERNs (all when none is given), store every sample in the\n"
	  "database and print a table: n, mean, median, stddev, min, max, p95.\n"
	  "\n"
	  "  --json        print the results as JSON on stdout\n"
	  "  -c, --config FILE  the config (default ./perfguard.json, $PERFGUARD_CONFIG)\n"
	  "  --db FILE     the database (default .perfguard/perfguard.db beside the\n"
	  "                config, $PERFGUARD_DB)\n"
	  "\n"
	  "Exit status: 0 when every benchmark ran, 2 for a bad config or usage,\n"
	  "3 when a benchmark could not run or the database failed.\n"
	  "Ctrl-C stops the run: it is kept as 'interrupted' with the samples\n"
	  "it finished.\n" },
	{ "list", pfg_cmd_list, "list components and benchmarks with their last result",
	  "Usage: perfguard list [--json] [-c FILE] [--db FILE]\n"
	  "\n"
	  "List the benchmarks of the config with their type, unit, direction,\n"
	  "how many runs the database holds and the latest mean.\n" },
	{ "history", pfg_cmd_history, "a row per run of one benchmark",
	  "Usage: perfguard history [--json] [--limit N] [-c FILE] [--db FILE] BENCH\n"
	  "\n"
	  "Print one row per stored run of BENCH (component/name), oldest first:\n"
	  "run id, time, status, git revision, n, mean, median, stddev, p95.\n"
	  "  --limit N   only the latest N runs\n" },
	{ "measure", pfg_cmd_measure, "time an ad hoc command; nothing is stored",
	  "Usage: perfguard measure [--runs N] [--warmup N] [--timeout S] [--shell]\n"
	  "                         [--json] [--] CMD [ARG...]\n"
	  "\n"
	  "Run CMD (looked up in PATH, no shell) N times after the warmup runs and\n"
	  "print the wall time (mean and standard deviation, median, min and max),\n"
	  "the mean user and system CPU time and the peak RSS. Nothing is stored\n"
	  "and no config is needed. stdin and stdout of CMD are /dev/null.\n"
	  "\n"
	  "  -r, --runs N     measured runs (default 10)\n"
	  "  -w, --warmup N   runs before them, not counted (default 1)\n"
	  "  --timeout S      kill a run's process group after S seconds\n"
	  "  --shell          run the words of CMD joined by spaces with /bin/sh -c\n"
	  "  --json           print a summary and every sample as JSON on stdout\n"
	  "\n"
	  "Exit status: 0 when every run succeeded, 2 for a usage error or a\n"
	  "command that does not exist, 3 when a run failed (its stderr is shown).\n" },
	{ "compare", pfg_cmd_compare, "did CURRENT_FILE regress against BASELINE_FILE?",
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
	  "  --alpha A       significance level (default 0.05)\n"
	  "  --confidence C  level of the interval (default 0.95)\n"
	  "  --outliers M    remove outliers before the test: iqr (Tukey fences),\n"
	  "                  mad (modified z > 3.5) or none (default; outliers are\n"
	  "                  still counted)\n"
	  "  --direction D   lower (default: time, memory) or higher (throughput)\n"
	  "                  is better\n"
	  "  --thresholds T  minor,moderate,major,critical in percent (5,10,20,50)\n"
	  "  --fail-on LEVEL exit 1 when a regression reaches LEVEL: minor,\n"
	  "                  moderate, major or critical\n"
	  "  --json          print every field as one JSON object\n"
	  "\n"
	  "Exit status: 0, 1 with --fail-on when a regression reaches LEVEL, 2 for\n"
	  "a usage error or bad input (a line that is not a number, NaN, fewer\n"
	  "than 2 values, a baseline of 0).\n" },
	{ "trend", pfg_cmd_trend, "slope and change points of a history",
	  "Usage: perfguard trend [--json] [--window N] [--max-pvalue P]\n"
	  "                       [--min-magnitude M] SERIES_FILE\n"
	  "\n"
	  "Fit a least squares line to a history (one number per line, oldest\n"
	  "first; - reads standard input) and find its change points with\n"
	  "e-divisive means as Apache Otava does. Each change point is the index\n"
	  "(from 0) of the first value of the new segment, with the means before\n"
	  "and after, the change in percent and the p-value.\n"
	  "\n"
	  "  --window N         points per window of the split step (default 50)\n"
	  "  --max-pvalue P     significance of a change point (default 0.001)\n"
	  "  --min-magnitude M  smallest relative change kept (default 0.05)\n"
	  "  --json             print n, slope, intercept, r2, slope_p_value and\n"
	  "                     change_points as JSON\n"
	  "\n"
	  "Exit status: 0, or 2 for a usage error or bad input.\n" },
	{ NULL, NULL, NULL, NULL },
};
