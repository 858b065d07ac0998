/* cmd_init.c: `perfguard init`: write a documented example config. */
#include "perfguard/cli.h"
#include "perfguard/config.h"
#include "perfguard/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* `perfguard init`: parse the options and run; returns an exit code. */
static int cmd_init(struct pfg_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' }, PFG_COMMON_LONGOPTS, { 0 } };
	int force = 0, opt;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (opt == 'f') {
			force = 1;
			continue;
		}
		int rc = pfg_cli_common_option(cli, opt, optarg);
		if (rc >= 0)
			return rc;
	}
	if (optind < argc)
		return pfg_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	const char *path = cli->config_path;
	/* Write beside, then rename: never leave half a config behind. */
	char *tmp = pfg_xasprintf("%s.tmp.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s: %s", path, strerror(e));
	}
	size_t len = strlen(pfg_config_example);
	int ok = write(fd, pfg_config_example, len) == (ssize_t)len;
	ok &= fsync(fd) == 0;
	ok &= close(fd) == 0;
	if (ok && !force && access(path, F_OK) == 0) {
		unlink(tmp);
		free(tmp);
		return pfg_cli_fail(cli, PFG_EXIT_USAGE, "%s already exists; use --force "
				    "to overwrite it", path);
	}
	if (!ok || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		free(tmp);
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s: %s", path, strerror(e));
	}
	free(tmp);
	printf("wrote %s: edit it, then 'perfguard run' (format: man perfguard.json)\n",
	       path);
	return PFG_EXIT_OK;
}

const struct pfg_command pfg_cmd_init_entry = {
	.name = "init",
	.summary = "write a documented example perfguard.json",
	.usage =
		"Usage: perfguard init [-c FILE] [--force]\n"
		"\n"
		"Write a documented example config (./perfguard.json, or the file named\n"
		"by -c or $PERFGUARD_CONFIG). Refuses to overwrite an existing file\n"
		"unless --force is given.\n",
	.run = cmd_init,
};
