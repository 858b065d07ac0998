/* cmd_tui.c: `perfguard tui`: open the dashboard. */
#include "perfguard/cli.h"
#include "perfguard/runner.h"
#include "perfguard/tui.h"
#include "perfguard/util.h"

#include <stdlib.h>
#include <string.h>

/* `perfguard tui`: parse the options and open the dashboard. */
int pfg_cmd_tui(struct pfg_cli *cli, int argc, char **argv)
{
	enum { OPT_THEMES_DIR = 0x2000, OPT_THEME, OPT_ASCII, OPT_NO_COLOR, OPT_FRAMES };
	static const struct option longopts[] = {
		{ "themes-dir", required_argument, NULL, OPT_THEMES_DIR },
		{ "theme", required_argument, NULL, OPT_THEME },
		{ "ascii", no_argument, NULL, OPT_ASCII },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "frames", required_argument, NULL, OPT_FRAMES },
		PFG_COMMON_LONGOPTS, { 0 } };
	struct pfg_tui_opts o = { 0 };
	int opt;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_THEMES_DIR:
			o.themes_dir = optarg;
			continue;
		case OPT_THEME:
			o.theme = optarg;
			continue;
		case OPT_ASCII:
			o.ascii = 1;
			continue;
		case OPT_NO_COLOR:
			o.no_color = 1;
			continue;
		case OPT_FRAMES:
			o.frames = pfg_cli_parse_count(cli, "--frames", optarg, 1);
			if (o.frames < 0)
				return PFG_EXIT_USAGE;
			continue;
		default: {
			int rc = pfg_cli_common_option(cli, opt, optarg);
			if (rc >= 0)
				return rc;
		}
		}
	}
	if (optind < argc)
		return pfg_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	/* The dashboard's engine session starts the spawner (pfg_tui_main). */
	char *db = pfg_cli_db_path(cli);
	o.config_path = cli->config_path;
	o.db_path = db;
	int code = pfg_tui_main(&o);
	free(db);
	return code;
}
