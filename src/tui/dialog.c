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
	pfg_tui_view_free(ui->view);
	ui->view = NULL;
	pfg_strv_release(&ui->view_keys);
	ui->mscroll = 0;
	/* What the dialog covered must be drawn again. */
	touchwin(stdscr);
	pfg_ui_dirty_all(ui);
}

/* Open the help dialog: the keys in two columns, then the words the
 * panes use; it fits 80x24. */
void pfg_ui_help(struct pfg_tui *ui)
{
	static const char *const keys[][2] = {
		{ "Tab 1-4  panes; j/k g/G move", "r / R   run selection / all" },
		{ "h/l      fold / unfold", "c, Esc  cancel the run, stay" },
		{ "Enter    alert detail; fold", "b       propose a baseline" },
		{ "A        acknowledge alert", "a / x   approve / reject it" },
		{ "i / w    invalid / won't fix", "d       samples: baseline vs now" },
		{ "f / I    fixed / investigate", "v       runs: Enter, m mark, c cmp" },
		{ "n        note on the alert", "L       audit log" },
		{ "u        undo last decision", "/       filter as you type" },
		{ "q        quit (asks in a run)", "t       next theme   Ctrl-L redraw" },
	};
	static const char *const words[] = {
		"On a benchmark row, alert keys act on its newest open alert.",
		"noisy     changed, but within the run-to-run noise: not judged",
		"better    an improvement; minor..critical: a regression's size",
		"new*      an alert whose benchmark ran back within threshold",
		"failed    the latest run of it did not finish",
		"history   latest means; the dotted band is baseline +-threshold",
	};
	pfg_ui_modal_close(ui);
	pfg_strv_push(&ui->mlines, "Keys");
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		pfg_strv_pushf(&ui->mlines, "%-35s %s", keys[i][0], keys[i][1]);
	pfg_strv_push(&ui->mlines, "");
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		pfg_strv_push(&ui->mlines, words[i]);
	pfg_strv_push(&ui->mlines, "");
	pfg_strv_push(&ui->mlines, "Any key closes this help.");
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
}

/* Wrap line s at width cells into out: at spaces, else hard. */
void pfg_ui_wrap(const char *s, int width, struct pfg_strv *out)
{
	if (width < 8 || pfg_tui_width(s) <= width) {
		pfg_strv_push(out, s);
		return;
	}
	char *buf = pfg_xstrdup(s);
	char *at = buf;
	while (pfg_tui_width(at) > width) {
		/* The longest prefix of at that fits, in bytes. */
		size_t cut = 0, last_space = 0;
		for (size_t i = 1; at[i - 1]; i++) {
			char c = at[i];
			at[i] = '\0';
			int fits = pfg_tui_width(at) <= width;
			at[i] = c;
			if (!fits)
				break;
			if (((unsigned char)at[i] & 0xc0) != 0x80)
				cut = i;
			if (at[i] == ' ')
				last_space = i;
		}
		size_t end = last_space > (size_t)width / 3 ? last_space : cut;
		if (end == 0)
			end = 1;
		char c = at[end];
		at[end] = '\0';
		pfg_strv_push(out, at);
		at[end] = c;
		at += end;
		while (*at == ' ')
			at++;
		if (*at && at - buf >= 2) {
			/* Continuation lines are indented by two. */
			at -= 2;
			at[0] = ' ';
			at[1] = ' ';
		}
	}
	if (*at)
		pfg_strv_push(out, at);
	free(buf);
}

/* The key hints at the foot of a detail or a view. */
static const char *pfg_dialog_foot(const struct pfg_tui *ui)
{
	if (ui->modal == PFG_MODAL_DETAIL)
		return ui->cols >= 86
			? "A ack  I investigate  i invalid  w won't fix  f fixed  n note  u undo  "
			  "d samples  Esc"
			: "A ack I reopen i invalid w wontfix f fixed n note u undo d samples Esc";
	if (ui->modal == PFG_MODAL_VIEW && ui->view_keys.n)
		return ui->view_keys.v[0];
	return NULL;
}

/* The source line of the runs view's selection, or -1. */
static int pfg_dialog_sel(const struct pfg_tui *ui)
{
	if (ui->modal != PFG_MODAL_VIEW || !ui->view || ui->view->view != PFG_VIEW_RUNS ||
	    !ui->view->n_runs)
		return -1;
	return (int)ui->view_sel + 2 + (ui->view->error != NULL);
}

/* Draw the open dialog centred over the panes: lines wrapped to its
 * width, scrolled, with a fixed foot of keys for details and views. */
void pfg_ui_dialog_draw(struct pfg_tui *ui)
{
	if (ui->modal == PFG_MODAL_NONE || ui->lines < 5 || ui->cols < 20)
		return;
	int want_w = 20;
	for (size_t i = 0; i < ui->mlines.n; i++) {
		int lw = pfg_tui_width(ui->mlines.v[i]) + 4;
		want_w = lw > want_w ? lw : want_w;
	}
	const char *foot = pfg_dialog_foot(ui);
	if (foot && pfg_tui_width(foot) + 4 > want_w)
		want_w = pfg_tui_width(foot) + 4;
	if (ui->modal == PFG_MODAL_INPUT && want_w < 64)
		want_w = 64;
	int w = want_w < ui->cols - 2 ? want_w : ui->cols - 2;
	struct pfg_strv wrapped = { 0 };
	int sel_src = pfg_dialog_sel(ui), sel = -1;
	for (size_t i = 0; i < ui->mlines.n; i++) {
		if ((int)i == sel_src)
			sel = (int)wrapped.n;
		pfg_ui_wrap(ui->mlines.v[i], w - 4, &wrapped);
	}
	int extra = ui->modal == PFG_MODAL_CONFIRM || ui->modal == PFG_MODAL_INPUT || foot ? 2 : 0;
	int h = (int)wrapped.n + 2 + extra;
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
	if (sel >= 0) {
		/* Keep the selection in sight. */
		if (sel < ui->mscroll + 2)
			ui->mscroll = sel - 2;
		if (sel >= ui->mscroll + rows)
			ui->mscroll = sel - rows + 1;
	}
	if (ui->mscroll > (int)wrapped.n - rows)
		ui->mscroll = (int)wrapped.n - rows;
	if (ui->mscroll < 0)
		ui->mscroll = 0;
	for (int i = 0; i < rows && (size_t)(i + ui->mscroll) < wrapped.n; i++) {
		int at = i + ui->mscroll;
		int a = at == sel ? pfg_tui_attr(PFG_EL_SELECTED) : da | (at == 0 ? (int)A_BOLD : 0);
		if (at == sel) {
			wattron(m, a);
			mvwhline(m, 1 + i, 1, ' ', w - 2);
			wattroff(m, a);
		}
		pfg_ui_put(m, 1 + i, 2, w - 4, a, wrapped.v[at]);
	}
	if (rows < (int)wrapped.n && w > 12) {
		char more[32];
		snprintf(more, sizeof more, " %d-%d of %zu ", ui->mscroll + 1,
			 ui->mscroll + rows < (int)wrapped.n ? ui->mscroll + rows : (int)wrapped.n,
			 (size_t)wrapped.n);
		pfg_ui_put(m, 0, w - 2 - pfg_tui_width(more), pfg_tui_width(more), da, more);
	}
	pfg_strv_release(&wrapped);
	if (ui->modal == PFG_MODAL_CONFIRM) {
		pfg_ui_put(m, h - 2, 2, w - 4, pfg_tui_attr(PFG_EL_HINT_KEY), "y");
		pfg_ui_put(m, h - 2, 4, w - 6, da, "confirm    n/Esc cancel");
	} else if (ui->modal == PFG_MODAL_INPUT) {
		char line[400];
		snprintf(line, sizeof line, "%s %s_", ui->input_prompt, ui->input);
		/* The end of a long line stays in sight. */
		const char *show = line;
		while (pfg_tui_width(show) > w - 4)
			show++;
		pfg_ui_put(m, h - 2, 2, w - 4, da | A_BOLD, show);
	} else if (foot) {
		pfg_ui_put(m, h - 2, 2, w - 4, pfg_tui_attr(PFG_EL_HINT_KEY), foot);
	}
	wnoutrefresh(m);
}
