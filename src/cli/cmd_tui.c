/* cmd_tui.c: `perfguard tui`: open the dashboard. */
#include "perfguard/cli.h"
#include "perfguard/runner.h"
#include "perfguard/tui.h"
#include "perfguard/util.h"

#include <stdlib.h>
#include <string.h>

/* `perfguard tui`: parse the options and open the dashboard. */
static int cmd_tui(struct pfg_cli *cli, int argc, char **argv)
{
	enum { OPT_THEMES_DIR = 0x2000, OPT_THEME, OPT_ASCII, OPT_NO_COLOR, OPT_FRAMES,
	       OPT_NO_MOUSE };
	static const struct option longopts[] = {
		{ "themes-dir", required_argument, NULL, OPT_THEMES_DIR },
		{ "theme", required_argument, NULL, OPT_THEME },
		{ "ascii", no_argument, NULL, OPT_ASCII },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "frames", required_argument, NULL, OPT_FRAMES },
		{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
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
		case OPT_NO_MOUSE:
			o.no_mouse = 1;
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

const struct pfg_command pfg_cmd_tui_entry = {
	.name = "tui",
	.summary = "the dashboard: baselines, live runs, trends, alerts",
	.usage =
		"Usage: perfguard tui [-c FILE] [--db FILE] [--theme NAME] [--themes-dir DIR]\n"
		"                     [--ascii] [--no-color] [--no-mouse] [--frames N]\n"
		"\n"
		"Open the ncurses dashboard on the config and database (also what\n"
		"`perfguard` with no command does on a terminal): baselines as a tree,\n"
		"live runs, the selected benchmark's trend and the alerts. Press ? in\n"
		"the dashboard for its keys; perfguard(1) lists them too.\n"
		"\n"
		"  --theme NAME      a theme (default, light, high-contrast, monochrome,\n"
		"                    or any NAME.theme found; t cycles in the dashboard)\n"
		"  --themes-dir DIR  look for themes in DIR first, then in\n"
		"                    $XDG_CONFIG_HOME/perfguard/themes and the installed ones\n"
		"  --ascii           ASCII sparklines, even in a UTF-8 locale\n"
		"  --no-color        no colours, only attributes (as NO_COLOR=1)\n"
		"  --no-mouse        leave the mouse to the terminal (no clicks, no wheel)\n"
		"  --frames N        exit after N frames (scripted and sanitizer runs)\n"
		"  -c, --config FILE the config; without one the dashboard browses the\n"
		"                    database and cannot start runs (with neither a config\n"
		"                    nor a database it says to run `perfguard init`)\n"
		"  --db FILE         the database\n"
		"\n"
		"Exit status: 0, 2 for bad usage, an invalid config or an unknown theme,\n"
		"3 when the database cannot be opened.\n",
	.run = cmd_tui,
};
