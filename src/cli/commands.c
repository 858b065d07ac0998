/* commands.c: the table of subcommands. Each command is one file,
 * src/cli/cmd_NAME.c, defining pfg_cmd_NAME_entry: its name, summary,
 * help text and entry point; adding one is that file and a line in each
 * list below. */
#include "perfguard/cli.h"

#include <stddef.h>
#include <string.h>

extern const struct pfg_command pfg_cmd_init_entry;
extern const struct pfg_command pfg_cmd_run_entry;
extern const struct pfg_command pfg_cmd_list_entry;
extern const struct pfg_command pfg_cmd_history_entry;
extern const struct pfg_command pfg_cmd_measure_entry;
extern const struct pfg_command pfg_cmd_ingest_entry;
extern const struct pfg_command pfg_cmd_compare_entry;
extern const struct pfg_command pfg_cmd_trend_entry;
extern const struct pfg_command pfg_cmd_baseline_entry;
extern const struct pfg_command pfg_cmd_alerts_entry;
extern const struct pfg_command pfg_cmd_gate_entry;
extern const struct pfg_command pfg_cmd_report_entry;
extern const struct pfg_command pfg_cmd_serve_entry;
extern const struct pfg_command pfg_cmd_log_entry;
extern const struct pfg_command pfg_cmd_notify_entry;
extern const struct pfg_command pfg_cmd_ha_entry;
extern const struct pfg_command pfg_cmd_ci_entry;
extern const struct pfg_command pfg_cmd_prune_entry;
extern const struct pfg_command pfg_cmd_tui_entry;

/* In the order `perfguard help` lists them. */
const struct pfg_command *const pfg_commands[] = {
	&pfg_cmd_init_entry,
	&pfg_cmd_run_entry,
	&pfg_cmd_list_entry,
	&pfg_cmd_history_entry,
	&pfg_cmd_measure_entry,
	&pfg_cmd_ingest_entry,
	&pfg_cmd_compare_entry,
	&pfg_cmd_trend_entry,
	&pfg_cmd_baseline_entry,
	&pfg_cmd_alerts_entry,
	&pfg_cmd_gate_entry,
	&pfg_cmd_report_entry,
	&pfg_cmd_serve_entry,
	&pfg_cmd_log_entry,
	&pfg_cmd_notify_entry,
	&pfg_cmd_ha_entry,
	&pfg_cmd_ci_entry,
	&pfg_cmd_prune_entry,
	&pfg_cmd_tui_entry,
	NULL,
};

const struct pfg_command *pfg_command_find(const char *name)
{
	for (const struct pfg_command *const *c = pfg_commands; *c; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}
