/* pane_bars.c: the status line at the top (database, environment, last run,
 * the gate's verdict) and the key-hint bar at the bottom. */
#include "ui.h"


/* The top line: database, environment, last run, the gate's verdict. */
void pfg_ui_draw_status(struct pfg_tui *ui)
{
	WINDOW *w = ui->status;
	werase(w);
	char line[1024], when[32] = "";
	const struct pfg_query_overview *s = ui->snap;
	size_t at = (size_t)snprintf(line, sizeof line, " perfguard  db %s", ui->db_path);
	static struct pfg_environment env;
	if (!env.host[0])
		pfg_environment_detect(&env);
	at += (size_t)snprintf(line + at, sizeof line - at, "  env %s", env.host);
	if (s && s->last_run) {
		if (s->last_run_at > 0)
			pfg_format_time(s->last_run_at, when, sizeof when);
		at += (size_t)snprintf(line + at, sizeof line - at, "  last run #%lld %s %s",
				       (long long)s->last_run, pfg_run_status_name(s->last_status),
				       when);
	} else if (s) {
		at += (size_t)snprintf(line + at, sizeof line - at, "  no run yet");
	}
	char right[64] = "";
	enum pfg_tui_el rel = PFG_EL_GATE_PASS;
	if (s && s->has_gate) {
		snprintf(right, sizeof right, s->gate_failed ? " gate FAIL (%zu) " : " gate PASS ",
			 s->gate_failing);
		rel = s->gate_failed ? PFG_EL_GATE_FAIL : PFG_EL_GATE_PASS;
	}
	int rw = pfg_tui_width(right);
	/* The verdict keeps its place at the right; the rest is cut. */
	pfg_ui_put(w, 0, 0, ui->cols - rw - 1, pfg_tui_attr(PFG_EL_STATUS), line);
	int x = pfg_tui_width(line);
	if (rw)
		pfg_ui_put(w, 0, ui->cols - rw, rw, pfg_tui_attr(rel), right);
	if (s && s->error && x + 2 < ui->cols - rw - 1)
		pfg_ui_put(w, 0, x + 2, ui->cols - rw - x - 3, pfg_tui_attr(PFG_EL_ERROR), s->error);
	wnoutrefresh(w);
}

/* The bottom line: a notice while one is fresh, else the key hints. */
void pfg_ui_draw_hints(struct pfg_tui *ui)
{
	WINDOW *w = ui->hints;
	werase(w);
	if (*ui->notice && pfg_now_ns() < ui->notice_until) {
		pfg_ui_put(w, 0, 1, ui->cols - 1,
			   pfg_tui_attr(ui->notice_err ? PFG_EL_ERROR : PFG_EL_NOTICE), ui->notice);
		wnoutrefresh(w);
		return;
	}
	static const char *const hints[][2] = {
		{ "q", "quit" }, { "?", "help" }, { "Tab", "pane" }, { "r", "run" },
		{ "R", "run all" }, { "b", "propose" }, { "a", "approve" }, { "x", "reject" },
		{ "A", "ack" }, { "i", "invalid" }, { "f", "fixed" }, { "n", "note" },
		{ "/", "filter" }, { "t", "theme" },
	};
	int x = 1;
	for (size_t i = 0; i < sizeof hints / sizeof *hints; i++) {
		int need = pfg_tui_width(hints[i][0]) + pfg_tui_width(hints[i][1]) + 2;
		if (x + need > ui->cols)
			break;
		pfg_ui_put(w, 0, x, ui->cols - x, pfg_tui_attr(PFG_EL_HINT_KEY), hints[i][0]);
		x += pfg_tui_width(hints[i][0]) + 1;
		pfg_ui_put(w, 0, x, ui->cols - x, pfg_tui_attr(PFG_EL_HINT_TEXT), hints[i][1]);
		x += pfg_tui_width(hints[i][1]) + 1;
	}
	wnoutrefresh(w);
}
