/* dialog.c: the dashboard's modal windows: help, a confirmation that
 * shows what will change, a line of input (filter, note), and the detail
 * of an alert. */
#include "ui.h"

#include <stdlib.h>
#include <string.h>

/* Mark every pane, both lines and the dialog for drawing. */
void pfg_ui_dirty_all(struct pfg_tui *ui)
{
	for (int p = 0; p < PFG_PANE_COUNT; p++)
		ui->dirty[p] = 1;
	ui->dirty_status = ui->dirty_hints = ui->mdirty = 1;
}

/* Close the dialog, if any, and redraw what it covered. */
void pfg_ui_modal_close(struct pfg_tui *ui)
{
	if (ui->mwin)
		delwin(ui->mwin);
	ui->mwin = NULL;
	ui->modal = PFG_MODAL_NONE;
	pfg_strv_release(&ui->mlines);
	pfg_tui_job_free(ui->confirm_job);
	ui->confirm_job = NULL;
	pfg_tui_detail_free(ui->detail);
	ui->detail = NULL;
	ui->mscroll = 0;
	/* What the dialog covered must be drawn again. */
	touchwin(stdscr);
	pfg_ui_dirty_all(ui);
}

/* Open the help dialog. */
void pfg_ui_help(struct pfg_tui *ui)
{
	static const char *const lines[] = {
		"Keys",
		"",
		"  Tab, Shift-Tab, 1-4   move between panes",
		"  j/k, Down/Up          move; PgDn/PgUp, g/G: page, top, end",
		"  h/l, Left/Right       fold / unfold a component; Enter toggles",
		"  r                     run the selected benchmark or component",
		"  R                     run every benchmark of the config",
		"  b                     propose a baseline from the latest run",
		"  a / x                 approve / reject the proposed baseline",
		"  Enter (alerts)        the alert's detail, history and notes",
		"  A / i / f             acknowledge / invalid / fixed (alert)",
		"  n                     add a note to the alert",
		"  /                     filter benchmarks and alerts",
		"  t                     next theme",
		"  Ctrl-L                redraw the screen",
		"  q                     quit (asks first while a run is going)",
		"",
		"Any key closes this help.",
	};
	pfg_ui_modal_close(ui);
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
		pfg_strv_push(&ui->mlines, lines[i]);
	ui->modal = PFG_MODAL_HELP;
	ui->mdirty = 1;
}

/* Format a value with the unit, "-" when absent. */
static void pfg_val(double v, int have, const char *unit, char *buf, size_t len)
{
	if (have)
		pfg_ui_fmt_value(v, unit, buf, len);
	else
		snprintf(buf, len, "-");
}

/* Lay out the lines of the alert detail ui->detail. */
void pfg_ui_detail_lines(struct pfg_tui *ui)
{
	const struct pfg_query_alert_detail *d = ui->detail;
	const struct pfg_alert *a = &d->alert;
	struct pfg_strv *l = &ui->mlines;
	char t[64], b1[48], b2[48];
	pfg_strv_release(l);
	pfg_strv_pushf(l, "Alert #%lld  %s  %s  %s", (long long)a->id,
		       pfg_alert_kind_name(a->kind), pfg_severity_name(a->severity),
		       pfg_alert_state_name(a->state));
	pfg_strv_pushf(l, "%s  run #%lld  baseline #%lld", a->bench ? a->bench : "?",
		       (long long)a->run_id, (long long)a->baseline_id);
	pfg_format_time(a->created_at, t, sizeof t);
	pfg_strv_pushf(l, "raised %s", t);
	if (a->recovered_run_id)
		pfg_strv_pushf(l, "recovered: run #%lld was back within threshold",
			       (long long)a->recovered_run_id);
	pfg_strv_push(l, "");
	pfg_strv_pushf(l, "change %+.2f%%   %.0f%% interval [%+.2f%%, %+.2f%%]   p = %.3g",
		       a->change_pct, ui->cfg ? 100 * ui->cfg->analysis.compare.confidence : 95.0, a->ci_low_pct, a->ci_high_pct, a->p_value);
	if (d->has_cmp)
		pfg_strv_pushf(l, "test %s  n %zu vs %zu  verdict %s  minimum detectable %.1f%%",
			       d->cmp.test, d->cmp.n_base, d->cmp.n_current,
			       pfg_verdict_name(d->cmp.verdict),
			       d->cmp.mde_pct);
	if (a->detail)
		pfg_strv_pushf(l, "%s", a->detail);
	pfg_strv_push(l, "");
	pfg_strv_pushf(l, "%-10s %14s %14s", "", "baseline", "current");
	struct { const char *name; double base, cur; } rows[] = {
		{ "n", d->has_base ? (double)d->base.stats.n : 0, (double)d->current.n },
		{ "mean", d->has_base ? d->base.stats.mean : 0, d->current.mean },
		{ "median", d->has_base ? d->base.stats.median : 0, d->current.median },
		{ "stddev", d->has_base ? d->base.stats.stddev : 0, d->current.stddev },
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		if (i == 0) {
			snprintf(b1, sizeof b1, d->has_base ? "%zu" : "-", d->base.stats.n);
			snprintf(b2, sizeof b2, d->has_current ? "%zu" : "-", d->current.n);
		} else {
			pfg_val(rows[i].base, d->has_base, d->unit, b1, sizeof b1);
			pfg_val(rows[i].cur, d->has_current, d->unit, b2, sizeof b2);
		}
		pfg_strv_pushf(l, "%-10s %14s %14s", rows[i].name, b1, b2);
	}
	pfg_strv_push(l, "");
	pfg_strv_push(l, "History");
	for (size_t i = 0; i < d->n_hist; i++) {
		const struct pfg_alert_event *e = &d->hist[i];
		pfg_format_time(e->at, t, sizeof t);
		if (e->from == e->to)
			pfg_strv_pushf(l, "  %s  %s  note: %s", t, e->actor ? e->actor : "?",
				       e->note ? e->note : "");
		else
			pfg_strv_pushf(l, "  %s  %s  %s %s %s%s%s", t, e->actor ? e->actor : "?",
				       pfg_alert_state_name(e->from), pfg_tui_glyph("arrow"),
				       pfg_alert_state_name(e->to), e->note ? ": " : "",
				       e->note ? e->note : "");
	}
	if (d->n_hist == 0)
		pfg_strv_push(l, "  (none)");
	pfg_strv_push(l, "");
	pfg_strv_push(l, "A acknowledge  i invalid  f fixed  n note  j/k scroll  Esc close");
}

/* Draw the open dialog centred over the panes. */
void pfg_ui_dialog_draw(struct pfg_tui *ui)
{
	if (ui->modal == PFG_MODAL_NONE || ui->lines < 5 || ui->cols < 20)
		return;
	int want_w = 20;
	for (size_t i = 0; i < ui->mlines.n; i++) {
		int lw = pfg_tui_width(ui->mlines.v[i]) + 4;
		want_w = lw > want_w ? lw : want_w;
	}
	if (ui->modal == PFG_MODAL_INPUT)
		want_w = 64;
	int extra = ui->modal == PFG_MODAL_CONFIRM || ui->modal == PFG_MODAL_INPUT ? 2 : 0;
	int w = want_w < ui->cols - 2 ? want_w : ui->cols - 2;
	int h = (int)ui->mlines.n + 2 + extra;
	if (h > ui->lines - 2)
		h = ui->lines - 2;
	if (ui->mwin)
		delwin(ui->mwin);
	ui->mwin = newwin(h, w, (ui->lines - h) / 2, (ui->cols - w) / 2);
	WINDOW *m = ui->mwin;
	int da = pfg_tui_attr(PFG_EL_DIALOG);
	wbkgdset(m, (chtype)da | ' ');
	werase(m);
	wattron(m, pfg_tui_attr(PFG_EL_BORDER_FOCUS));
	box(m, 0, 0);
	wattroff(m, pfg_tui_attr(PFG_EL_BORDER_FOCUS));
	int rows = h - 2 - extra;
	if (ui->mscroll > (int)ui->mlines.n - rows)
		ui->mscroll = (int)ui->mlines.n - rows;
	if (ui->mscroll < 0)
		ui->mscroll = 0;
	for (int i = 0; i < rows && (size_t)(i + ui->mscroll) < ui->mlines.n; i++)
		pfg_ui_put(m, 1 + i, 2, w - 4, da | (i + ui->mscroll == 0 ? A_BOLD : 0),
			   ui->mlines.v[i + ui->mscroll]);
	if (ui->modal == PFG_MODAL_CONFIRM) {
		pfg_ui_put(m, h - 2, 2, w - 4, pfg_tui_attr(PFG_EL_HINT_KEY), "y");
		pfg_ui_put(m, h - 2, 4, w - 6, da, "confirm    n/Esc cancel");
	} else if (ui->modal == PFG_MODAL_INPUT) {
		char line[400];
		snprintf(line, sizeof line, "%s %s_", ui->input_prompt, ui->input);
		pfg_ui_put(m, h - 2, 2, w - 4, da | A_BOLD, line);
	}
	wnoutrefresh(m);
}
