/* pane_bars.c: the status line at the top (database, environment, last run,
 * the gate's verdict) and the key-hint bar at the bottom. */
#include "ui.h"

#include <string.h>


/* The top line: the last run (or the one going), the environment and the
 * database, each shown only while it fits whole, in that priority; the
 * gate's verdict keeps its place at the right. */
void pfg_ui_draw_status(struct pfg_tui *ui)
{
	WINDOW *w = ui->status;
	werase(w);
	const struct pfg_query_overview *s = ui->snap;
	char run[160] = "", when[32] = "", envs[300], db[600];
	static struct pfg_environment env;
	if (!env.host[0])
		pfg_environment_detect(&env);
	if (ui->live_active && ui->live_run)
		snprintf(run, sizeof run, "run #%lld running", (long long)ui->live_run);
	else if (pfg_ui_run_pending(ui))
		snprintf(run, sizeof run, "a run is starting");
	if (s && s->last_run) {
		if (s->last_run_at > 0) {
			char t[32];
			pfg_format_time(s->last_run_at, t, sizeof t);
			/* "MM-DD HH:MM" of "YYYY-MM-DD HH:MM:SS". */
			snprintf(when, sizeof when, "%.11s", strlen(t) >= 16 ? t + 5 : t);
		}
		size_t at = strlen(run);
		snprintf(run + at, sizeof run - at, "%slast run #%lld %s %s", at ? ", " : "",
			 (long long)s->last_run, pfg_run_status_name(s->last_status), when);
	} else if (s && !*run) {
		snprintf(run, sizeof run, "no run yet");
	}
	snprintf(envs, sizeof envs, "env %s", env.host);
	snprintf(db, sizeof db, "db %s", ui->db_path);
	char right[64] = "";
	enum pfg_tui_el rel = PFG_EL_GATE_PASS;
	if (s && s->has_gate) {
		snprintf(right, sizeof right, s->gate_failed ? " gate FAIL (%zu) " : " gate PASS ",
			 s->gate_failing);
		rel = s->gate_failed ? PFG_EL_GATE_FAIL : PFG_EL_GATE_PASS;
	}
	int rw = pfg_tui_width(right);
	int room = ui->cols - rw - 1;
	char line[1024];
	size_t at = (size_t)snprintf(line, sizeof line, " perfguard");
	const char *parts[] = { run, envs, db, s && s->error ? s->error : "" };
	int width = pfg_tui_width(line);
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
		int pw = pfg_tui_width(parts[i]);
		if (!pw || width + 2 + pw > room)
			continue;
		at += (size_t)snprintf(line + at, sizeof line - at, "  %s", parts[i]);
		width += 2 + pw;
	}
	pfg_ui_put(w, 0, 0, room, pfg_tui_attr(PFG_EL_STATUS), line);
	if (rw)
		pfg_ui_put(w, 0, ui->cols - rw, rw, pfg_tui_attr(rel), right);
	wnoutrefresh(w);
}

/* The bottom line: a notice while one is fresh, else the key hints of
 * the focused pane between the ones that always show (help, filter,
 * theme, quit), which never fall off. */
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
	typedef const char *const hint[2];
	static hint always[] = { { "?", "help" }, { "/", "filter" }, { "t", "theme" },
				 { "q", "quit" } };
	static hint bench[] = { { "r", "run" }, { "b", "propose" }, { "a", "approve" },
				{ "d", "samples" }, { "v", "runs" }, { "L", "log" },
				{ "x", "reject" }, { "R", "run all" }, { "Tab", "pane" } };
	static hint alerts[] = { { "Enter", "detail" }, { "A", "ack" }, { "i", "invalid" },
				 { "f", "fixed" }, { "n", "note" }, { "u", "undo" },
				 { "w", "wontfix" }, { "d", "samples" }, { "Tab", "pane" } };
	static hint running[] = { { "c", "cancel run" }, { "v", "runs" }, { "Tab", "pane" } };
	hint *ctx = bench;
	size_t n_ctx = sizeof bench / sizeof *bench;
	if (pfg_ui_run_pending(ui) && ui->focus == PFG_PANE_LIVE) {
		ctx = running;
		n_ctx = sizeof running / sizeof *running;
	} else if (ui->focus == PFG_PANE_ALERTS) {
		ctx = alerts;
		n_ctx = sizeof alerts / sizeof *alerts;
	}
	int fixed = 0;
	for (size_t i = 0; i < sizeof always / sizeof *always; i++)
		fixed += pfg_tui_width(always[i][0]) + pfg_tui_width(always[i][1]) + 2;
	int x = 1;
	for (int pass = 0; pass < 2; pass++) {
		hint *hs = pass ? always : ctx;
		size_t n = pass ? sizeof always / sizeof *always : n_ctx;
		for (size_t i = 0; i < n; i++) {
			int need = pfg_tui_width(hs[i][0]) + pfg_tui_width(hs[i][1]) + 2;
			if (x + need + (pass ? 0 : fixed) > ui->cols)
				break;
			pfg_ui_put(w, 0, x, ui->cols - x, pfg_tui_attr(PFG_EL_HINT_KEY), hs[i][0]);
			x += pfg_tui_width(hs[i][0]) + 1;
			pfg_ui_put(w, 0, x, ui->cols - x, pfg_tui_attr(PFG_EL_HINT_TEXT), hs[i][1]);
			x += pfg_tui_width(hs[i][1]) + 1;
		}
	}
	wnoutrefresh(w);
}
