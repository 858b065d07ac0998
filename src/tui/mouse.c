/* mouse.c: the terminal's input before the keys: SGR 1006 mouse reports
 * (ESC [ < b ; x ; y M) are taken out of it and become clicks (select and
 * focus) and wheel turns (scroll); every other key goes to keys.c. The
 * dashboard asks the terminal for these reports itself, so that they work
 * whatever the terminfo entry says about the mouse, and at any width. */
#include "ui.h"

#include <stdio.h>
#include <string.h>

#define PFG_KEY_ESC 27

/* Ask the terminal for button and wheel reports in SGR form (on) or stop. */
void pfg_ui_mouse_enable(struct pfg_tui *ui, int on)
{
	if (ui->opts->no_mouse)
		return;
	fputs(on ? "\033[?1000h\033[?1006h" : "\033[?1006l\033[?1000l", stdout);
	fflush(stdout);
}

/* The pane under screen cell (x, y), or -1. */
static int pfg_pane_at(const struct pfg_tui *ui, int x, int y)
{
	for (int p = 0; p < PFG_PANE_COUNT; p++) {
		WINDOW *w = ui->win[p];
		if (!w || (ui->single && p != ui->focus))
			continue;
		int by, bx, h, wd;
		getbegyx(w, by, bx);
		getmaxyx(w, h, wd);
		if (y >= by && y < by + h && x >= bx && x < bx + wd)
			return p;
	}
	return -1;
}

/* A click at screen cell (x, y): focus the pane and select its row. */
static void pfg_click(struct pfg_tui *ui, int x, int y)
{
	if (ui->modal != PFG_MODAL_NONE)
		return;
	int p = pfg_pane_at(ui, x, y);
	if (p < 0)
		return;
	if (ui->focus != p) {
		ui->focus = p;
		pfg_ui_dirty_all(ui);
	}
	int by, bx;
	getbegyx(ui->win[p], by, bx);
	(void)bx;
	/* Rows start under the frame and the columns' header. */
	long row = (long)(y - by) - 2;
	if (row < 0) {
		pfg_ui_request_trend(ui, 0);
		return;
	}
	if (p == PFG_PANE_BASELINES && ui->top_row + (size_t)row < ui->n_rows)
		ui->sel_row = ui->top_row + (size_t)row;
	else if (p == PFG_PANE_ALERTS && ui->top_alert + (size_t)row < ui->n_alert_rows)
		ui->sel_alert = ui->top_alert + (size_t)row;
	pfg_ui_selection_moved(ui);
}

/* The wheel at (x, y): scroll a dialog, else move the selection of the
 * pane under the pointer by three rows. */
static void pfg_wheel(struct pfg_tui *ui, int x, int y, int down)
{
	int key = down ? 'j' : 'k';
	if (ui->modal != PFG_MODAL_NONE) {
		for (int i = 0; i < 3; i++)
			pfg_ui_key(ui, down ? KEY_DOWN : KEY_UP);
		return;
	}
	int p = pfg_pane_at(ui, x, y);
	if (p != PFG_PANE_BASELINES && p != PFG_PANE_ALERTS)
		return;
	if (ui->focus != p) {
		ui->focus = p;
		pfg_ui_dirty_all(ui);
	}
	for (int i = 0; i < 3; i++)
		pfg_ui_key(ui, key);
}

/* Parse an SGR report at k[0..n) (k[0] is ESC); returns how many keys it
 * took, 0 when it is not one, -1 when it is cut short. */
static int pfg_sgr(struct pfg_tui *ui, const int *k, int n)
{
	if (n < 3 || k[1] != '[' || k[2] != '<')
		return n < 3 && (n < 2 || k[1] == '[') ? -1 : 0;
	int v[3] = { 0, 0, 0 }, f = 0, i = 3;
	for (; i < n; i++) {
		if (k[i] >= '0' && k[i] <= '9' && v[f] < 100000)
			v[f] = v[f] * 10 + (k[i] - '0');
		else if (k[i] == ';' && f < 2)
			f++;
		else if ((k[i] == 'M' || k[i] == 'm') && f == 2)
			break;
		else
			return 0;
	}
	if (i == n)
		return -1;
	int b = v[0], x = v[1] - 1, y = v[2] - 1;
	if (k[i] == 'M') {
		if ((b & ~(4 | 8 | 16)) == 0)
			pfg_click(ui, x, y);
		else if ((b & 64) && !(b & 32))
			pfg_wheel(ui, x, y, b & 1);
	}
	return i + 1;
}

/* Keys read from the terminal: mouse reports handled, the rest to keys.c.
 * A report cut short is kept in ui->pending for the next read. */
void pfg_ui_input(struct pfg_tui *ui, const int *keys, int n)
{
	int buf[PFG_INPUT_MAX * 2], m = 0, flush = n == 0; /* no more came: as keys */
	for (int i = 0; i < ui->n_pending; i++)
		buf[m++] = ui->pending[i];
	for (int i = 0; i < n && m < (int)(sizeof buf / sizeof *buf); i++)
		buf[m++] = keys[i];
	ui->n_pending = 0;
	for (int i = 0; i < m;) {
		if (buf[i] == PFG_KEY_ESC && !ui->opts->no_mouse) {
			int used = pfg_sgr(ui, buf + i, m - i);
			if (used < 0 && !flush && m - i < PFG_INPUT_MAX) {
				/* A report cut short (or a lone Esc, which may
				 * start one): wait a moment for the rest. */
				for (int k = i; k < m; k++)
					ui->pending[ui->n_pending++] = buf[k];
				return;
			}
			if (used > 0) {
				i += used;
				continue;
			}
		}
		pfg_ui_key(ui, buf[i++]);
	}
}
