/* panes.c: layout of the dashboard, the drawing helpers the panes share
 * (cut text, values, frames) and the draw pass. Each pane draws itself in
 * pane_*.c: pane_baselines.c, pane_live.c, pane_trends.c, pane_alerts.c,
 * and pane_bars.c the status line and the key-hint bar. Only panes marked
 * dirty are drawn, and only with wnoutrefresh(): the main loop's doupdate()
 * sends the difference to the terminal. */
#include "ui.h"

#include <string.h>

/* The size below which one pane at a time is shown. */
#define PFG_MIN_COLS 80
#define PFG_MIN_LINES 24

/* The name of a pane for its title. */
const char *pfg_ui_pane_name(int pane)
{
	static const char *const names[PFG_PANE_COUNT] = { "Baselines", "Live runs",
							   "Trends", "Alerts" };
	return names[pane];
}

/* Format a value with its unit as the CLI does. */
void pfg_ui_fmt_value(double v, const char *unit, char *buf, size_t len)
{
	pfg_format_value(v, unit ? unit : "", buf, len);
}

/* Write s at y, x in attr, cut at maxw display cells. */
void pfg_ui_put(WINDOW *w, int y, int x, int maxw, int attr, const char *s)
{
	if (maxw <= 0 || !s)
		return;
	/* Cut s at maxw display cells. */
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t n = strlen(s), at = 0;
	int width = 0;
	while (at < n) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + at, n - at, &st);
		int cw = 1;
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof st);
			k = 1;
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		if (width + cw > maxw)
			break;
		width += cw;
		at += k;
	}
	wattron(w, attr);
	mvwaddnstr(w, y, x, s, (int)at);
	wattroff(w, attr);
}

/* The byte offset where the first cells of s end (at most cells). */
static size_t pfg_cells_prefix(const char *s, int cells)
{
	size_t at = 0, n = strlen(s);
	int used = 0;
	while (at < n) {
		size_t k = 1;
		while (at + k < n && ((unsigned char)s[at + k] & 0xc0) == 0x80)
			k++;
		char tmp[8] = "";
		memcpy(tmp, s + at, k < 7 ? k : 7);
		int cw = pfg_tui_width(tmp);
		if (used + cw > cells)
			break;
		used += cw;
		at += k;
	}
	return at;
}

/* Elide s in the middle to width cells, keeping two thirds of what shows
 * from its end, where names of a suite differ. */
void pfg_ui_elide(const char *s, int width, char *buf, size_t len)
{
	int sw = pfg_tui_width(s);
	if (sw <= width || width < 4) {
		snprintf(buf, len, "%s", s);
		return;
	}
	const char *dots = pfg_tui_utf8() ? "…" : "~";
	int keep = width - 1, tail = keep * 2 / 3, head = keep - tail;
	size_t hb = pfg_cells_prefix(s, head);
	/* The tail: skip characters until what is left fits. */
	const char *t = s;
	while (*t && pfg_tui_width(t) > tail) {
		t++;
		while (((unsigned char)*t & 0xc0) == 0x80)
			t++;
	}
	snprintf(buf, len, "%.*s%s%s", (int)hb, s, dots, t);
}

/* Delete every window of the layout. */
void pfg_ui_free_windows(struct pfg_tui *ui)
{
	for (int i = 0; i < PFG_PANE_COUNT; i++) {
		if (ui->win[i])
			delwin(ui->win[i]);
		ui->win[i] = NULL;
	}
	if (ui->status)
		delwin(ui->status);
	if (ui->hints)
		delwin(ui->hints);
	ui->status = ui->hints = NULL;
}

/* Make the windows for the terminal's size: four panes or one. */
void pfg_ui_layout(struct pfg_tui *ui)
{
	pfg_ui_free_windows(ui);
	getmaxyx(stdscr, ui->lines, ui->cols);
	int lines = ui->lines < 2 ? 2 : ui->lines, cols = ui->cols < 1 ? 1 : ui->cols;
	ui->status = newwin(1, cols, 0, 0);
	ui->hints = newwin(1, cols, lines - 1, 0);
	keypad(ui->status, TRUE);
	nodelay(ui->status, TRUE);
	int body = lines - 2;
	ui->single = cols < PFG_MIN_COLS || lines < PFG_MIN_LINES;
	if (body >= 3 && cols >= 10) {
		if (ui->single) {
			for (int i = 0; i < PFG_PANE_COUNT; i++)
				ui->win[i] = newwin(body, cols, 1, 0);
		} else {
			int lw = cols * 3 / 5, th = body * 3 / 5;
			ui->win[PFG_PANE_BASELINES] = newwin(th, lw, 1, 0);
			ui->win[PFG_PANE_LIVE] = newwin(th, cols - lw, 1, lw);
			ui->win[PFG_PANE_TRENDS] = newwin(body - th, lw, 1 + th, 0);
			ui->win[PFG_PANE_ALERTS] = newwin(body - th, cols - lw, 1 + th, lw);
		}
	}
	int bg = pfg_tui_attr(PFG_EL_NORMAL);
	for (int i = 0; i < PFG_PANE_COUNT; i++)
		if (ui->win[i])
			wbkgdset(ui->win[i], (chtype)bg | ' ');
	wbkgdset(ui->status, (chtype)pfg_tui_attr(PFG_EL_STATUS) | ' ');
	wbkgdset(ui->hints, (chtype)bg | ' ');
	pfg_ui_dirty_all(ui);
}

/* Frame pane p with its number and name; in single-pane mode, a tab bar. */
void pfg_ui_frame(struct pfg_tui *ui, int p, const char *extra)
{
	WINDOW *w = ui->win[p];
	int h, wd;
	getmaxyx(w, h, wd);
	(void)h;
	int focus = p == ui->focus;
	int battr = pfg_tui_attr(focus ? PFG_EL_BORDER_FOCUS : PFG_EL_BORDER);
	wattron(w, battr);
	box(w, 0, 0);
	wattroff(w, battr);
	int x = 2;
	char t[200];
	if (ui->single) {
		for (int i = 0; i < PFG_PANE_COUNT && x < wd - 4; i++) {
			snprintf(t, sizeof t, " %d %s ", i + 1, pfg_ui_pane_name(i));
			int a = i == p ? pfg_tui_attr(PFG_EL_TITLE) | (int)A_REVERSE
				       : pfg_tui_attr(PFG_EL_DIM);
			pfg_ui_put(w, 0, x, wd - 2 - x, a, t);
			x += pfg_tui_width(t) + 1;
		}
	} else {
		snprintf(t, sizeof t, " %d %s ", p + 1, pfg_ui_pane_name(p));
		pfg_ui_put(w, 0, x, wd - 4, pfg_tui_attr(PFG_EL_TITLE) |
			   (focus ? A_REVERSE : 0), t);
		x += pfg_tui_width(t) + 1;
	}
	if (extra && *extra && x < wd - 6) {
		/* A long name keeps its end, where names differ. */
		char cut[160];
		pfg_ui_elide(extra, wd - 4 - x, cut, sizeof cut);
		snprintf(t, sizeof t, " %s ", cut);
		pfg_ui_put(w, 0, x, wd - 2 - x, pfg_tui_attr(PFG_EL_DIM), t);
	}
}
/* Draw the dirty windows with wnoutrefresh(); the caller does doupdate(). */
int pfg_ui_draw(struct pfg_tui *ui)
{
	int drawn = ui->dirty_status + ui->dirty_hints;
	static void (*const draw[PFG_PANE_COUNT])(struct pfg_tui *) = {
		pfg_ui_draw_baselines, pfg_ui_draw_live, pfg_ui_draw_trends, pfg_ui_draw_alerts,
	};
	if (ui->dirty_status)
		pfg_ui_draw_status(ui);
	if (ui->dirty_hints)
		pfg_ui_draw_hints(ui);
	for (int p = 0; p < PFG_PANE_COUNT; p++) {
		if (!ui->win[p] || (ui->single && p != ui->focus))
			continue;
		if (!ui->dirty[p] && !ui->mdirty)
			continue;
		werase(ui->win[p]);
		draw[p](ui);
		wnoutrefresh(ui->win[p]);
		drawn++;
	}
	if (ui->modal != PFG_MODAL_NONE) {
		/* Panes redrawn under the dialog hide it: draw it again. */
		int under = 0;
		for (int p = 0; p < PFG_PANE_COUNT; p++)
			under |= ui->dirty[p];
		if (under || ui->mdirty || ui->dirty_status || ui->dirty_hints) {
			pfg_ui_dialog_draw(ui);
			drawn++;
		}
	}
	for (int p = 0; p < PFG_PANE_COUNT; p++)
		ui->dirty[p] = 0;
	ui->dirty_status = ui->dirty_hints = ui->mdirty = 0;
	return drawn;
}
