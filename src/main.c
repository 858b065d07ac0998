/* main.c: dispatch `perfguard CMD ...` to its subcommand. */
#include "perfguard/cli.h"
#include "perfguard/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Print the overview of every command. */
static void usage(FILE *f)
{
	fputs("Usage: perfguard [-c FILE] [--db FILE] COMMAND [ARGS...]\n"
	      "       perfguard --version | help [COMMAND]\n"
	      "\nPerformance regression testing: run benchmarks, keep every sample,\n"
	      "decide with statistics whether a run regressed.\n\nCommands:\n", f);
	for (const struct pfg_command *const *c = pfg_commands; *c; c++)
		fprintf(f, "  %-10s %s\n", (*c)->name, (*c)->summary);
	fputs("\nEvery command takes -c/--config FILE and --db FILE, and --help.\n"
	      "Exit status: 0 success, 1 a gate failed, 2 usage or input error,\n"
	      "3 a runtime failure. See perfguard(1) and perfguard.json(5).\n", f);
}

/* `perfguard help [CMD]`. */
static int help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return PFG_EXIT_OK;
	}
	const struct pfg_command *c = pfg_command_find(argv[1]);
	if (!c) {
		fprintf(stderr, "perfguard help: no command '%s'\n", argv[1]);
		return PFG_EXIT_USAGE;
	}
	fputs(c->usage, stdout);
	return PFG_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct pfg_cli cli = { 0 };
	int i = 1;
	/* Options before the command: -c FILE, --db FILE, --version, --help. */
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--version") == 0) {
			printf("perfguard %s\n", PFG_VERSION);
			return PFG_EXIT_OK;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return PFG_EXIT_OK;
		} else if ((strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) && i + 1 < argc) {
			cli.config_path = argv[++i];
		} else if (strcmp(a, "--db") == 0 && i + 1 < argc) {
			cli.db_path = argv[++i];
		} else if (strncmp(a, "--config=", 9) == 0) {
			cli.config_path = a + 9;
		} else if (strncmp(a, "--db=", 5) == 0) {
			cli.db_path = a + 5;
		} else {
			fprintf(stderr, "perfguard: unknown or incomplete option '%s'\n", a);
			usage(stderr);
			return PFG_EXIT_USAGE;
		}
	}
	if (!cli.config_path) {
		const char *env = getenv("PERFGUARD_CONFIG");
		cli.config_path = env && *env ? env : "perfguard.json";
	}
	if (i >= argc) {
		/* No command on a terminal: the dashboard. */
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
			char *tui_argv[] = { "tui", NULL };
			cli.cmd = "tui";
			return pfg_command_find("tui")->run(&cli, 1, tui_argv);
		}
		usage(stderr);
		return PFG_EXIT_USAGE;
	}
	if (strcmp(argv[i], "help") == 0)
		return help(argc - i, argv + i);
	const struct pfg_command *c = pfg_command_find(argv[i]);
	if (!c) {
		fprintf(stderr, "perfguard: no command '%s'\n", argv[i]);
		usage(stderr);
		return PFG_EXIT_USAGE;
	}
	cli.cmd = c->name;
	return c->run(&cli, argc - i, argv + i);
}
