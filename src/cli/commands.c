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
	{ NULL, NULL, NULL, NULL },
};
