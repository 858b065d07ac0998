/* panes.c: layout and drawing of the dashboard: the status line, the four
 * panes (baselines, live runs, trends, alerts) and the key-hint bar. Only
 * panes marked dirty are drawn, and only with wnoutrefresh(): the main
 * loop's doupdate() sends the difference to the terminal. */
#include "ui.h"


#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The attribute of element e in a row: the selection's when selected,
 * since a colour pair of its own would hide the selection's background. */
#define PFG_SEL_ATTR(e) (sel ? base : pfg_tui_attr(e))

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
static void pfg_draw_frame(struct pfg_tui *ui, int p, const char *extra)
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
	char t[160];
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
	if (extra && *extra && x < wd - 4) {
		snprintf(t, sizeof t, " %s ", extra);
		pfg_ui_put(w, 0, x, wd - 2 - x, pfg_tui_attr(PFG_EL_DIM), t);
	}
}

/* Nonzero when b's latest result ran to the end with samples. */
static int pfg_latest_ok(const struct pfg_query_bench *b)
{
	return b->latest_ok && b->latest_n > 0;
}

/* The baseline state of b as shown, and its element. */
static const char *pfg_bench_state(const struct pfg_query_bench *b, enum pfg_tui_el *el)
{
	if (b->proposed_id) {
		*el = PFG_EL_PROPOSED;
		return "proposed";
	}
	if (b->approved_id) {
		*el = PFG_EL_APPROVED;
		return "approved";
	}
	*el = PFG_EL_NO_BASELINE;
	return "none";
}

/* Format b's change against its baseline into buf; its element. */
static enum pfg_tui_el pfg_bench_change(const struct pfg_query_bench *b, char *buf,
					size_t len)
{
	if (!b->has_cmp) {
		snprintf(buf, len, "%s", b->has_latest && !pfg_latest_ok(b) ? "failed" : "");
		return b->has_latest && !pfg_latest_ok(b) ? PFG_EL_FAILED : PFG_EL_DIM;
	}
	const char *sev = b->severity == PFG_SEVERITY_NONE ? "" : pfg_severity_name(b->severity);
	if (b->verdict == PFG_VERDICT_IMPROVEMENT)
		sev = "better";
	else if (b->verdict == PFG_VERDICT_INCONCLUSIVE)
		sev = "noisy";
	snprintf(buf, len, "%+.1f%% %s", b->change_pct, sev);
	if (b->verdict == PFG_VERDICT_REGRESSION)
		return pfg_tui_severity_el(b->severity);
	if (b->verdict == PFG_VERDICT_IMPROVEMENT)
		return PFG_EL_IMPROVED;
	return PFG_EL_DIM;
}

/* A compact sparkline of b's latest means, cut to width cells. */
static void pfg_bench_spark(const struct pfg_query_bench *b, int width, char *buf,
			    size_t len)
{
	size_t n = b->n_spark < (size_t)width ? b->n_spark : (size_t)width;
	const double *y = b->spark + (b->n_spark - n);
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		lo = y[i] < lo ? y[i] : lo;
		hi = y[i] > hi ? y[i] : hi;
	}
	pfg_tui_sparkline(y, n, lo, hi, buf, len);
}

/* Pane 1: components and their benchmarks. */
static void pfg_draw_baselines(struct pfg_tui *ui)
{
	WINDOW *w = ui->win[PFG_PANE_BASELINES];
	int h, wd;
	getmaxyx(w, h, wd);
	char extra[400] = "";
	if (ui->snap && *ui->filter) {
		size_t shown = 0;
		for (size_t r = 0; r < ui->n_rows; r++)
			shown += ui->rows[r].is_comp ? ui->rows[r].n_children : 0;
		snprintf(extra, sizeof extra, "filter: %s (%zu of %zu)", ui->filter, shown,
			 ui->snap->n);
	} else if (ui->snap) {
		size_t np = 0;
		for (size_t i = 0; i < ui->snap->n; i++)
			np += ui->snap->b[i].proposed_id != 0;
		snprintf(extra, sizeof extra, "%zu benchmarks", ui->snap->n);
		if (np)
			snprintf(extra + strlen(extra), sizeof extra - strlen(extra),
				 ", %zu proposed", np);
	}
	pfg_draw_frame(ui, PFG_PANE_BASELINES, extra);
	int iw = wd - 2, y = 1;
	if (!ui->snap) {
		pfg_ui_put(w, 1, 2, iw - 2, pfg_tui_attr(PFG_EL_DIM), "loading...");
		return;
	}
	if (ui->snap->n == 0) {
		pfg_ui_put(w, 1, 2, iw - 2, pfg_tui_attr(PFG_EL_DIM),
			   "no benchmarks yet: R runs the suite");
		return;
	}
	int spark_w = iw >= 56 ? 8 : 0, chg_w = iw >= 44 ? 16 : 0, last_w = 11,
	    state_w = 9;
	int name_w = iw - 1 - state_w - last_w - chg_w - spark_w - 3;
	if (name_w < 8) {
		name_w = iw - 1 - state_w - 1;
		last_w = chg_w = spark_w = 0;
	}
	int hx = 1;
	char line[512];
	int ha = pfg_tui_attr(PFG_EL_HEADER);
	pfg_ui_put(w, y, hx + 1, name_w, ha, "benchmark");
	int cx = hx + 1 + name_w + 1;
	pfg_ui_put(w, y, cx, state_w, ha, "baseline");
	if (last_w)
		pfg_ui_put(w, y, cx + state_w, last_w, ha, "       last");
	if (chg_w)
		pfg_ui_put(w, y, cx + state_w + last_w + 1, chg_w, ha, "vs baseline");
	if (spark_w)
		pfg_ui_put(w, y, cx + state_w + last_w + chg_w + 2, spark_w, ha, "history");
	y++;
	int vis = h - 1 - y;
	if (vis < 1)
		return;
	if (ui->sel_row < ui->top_row)
		ui->top_row = ui->sel_row;
	if (ui->sel_row >= ui->top_row + (size_t)vis)
		ui->top_row = ui->sel_row - (size_t)vis + 1;
	if (ui->n_rows == 0)
		pfg_ui_put(w, y, 2, iw - 2, pfg_tui_attr(PFG_EL_DIM), "nothing matches the filter");
	for (size_t r = ui->top_row; r < ui->n_rows && y < h - 1; r++, y++) {
		const struct pfg_tui_row *row = &ui->rows[r];
		const struct pfg_query_bench *b = &ui->snap->b[row->bench];
		int sel = r == ui->sel_row;
		int base = sel ? (ui->focus == PFG_PANE_BASELINES ? pfg_tui_attr(PFG_EL_SELECTED)
								 : (int)A_REVERSE)
			       : 0;
		if (sel) {
			wattron(w, base);
			mvwhline(w, y, 1, ' ', iw);
			wattroff(w, base);
		}
		if (row->is_comp) {
			int folded = 0;
			for (size_t k = 0; k < ui->collapsed.n; k++)
				folded |= strcmp(ui->collapsed.v[k], b->component) == 0;
			snprintf(line, sizeof line, "%s %s  (%zu)",
				 pfg_tui_glyph(folded ? "closed" : "open"), b->component,
				 row->n_children);
			pfg_ui_put(w, y, 2, iw - 2, base | A_BOLD, line);
			continue;
		}
		pfg_ui_put(w, y, 4, name_w - 2, base, b->name);
		enum pfg_tui_el sel_el;
		const char *state = pfg_bench_state(b, &sel_el);
		pfg_ui_put(w, y, cx, state_w, PFG_SEL_ATTR(sel_el), state);
		if (last_w) {
			char v[32] = "";
			if (b->has_latest && pfg_latest_ok(b))
				pfg_ui_fmt_value(b->latest_mean, b->unit, v, sizeof v);
			else if (b->has_latest)
				snprintf(v, sizeof v, "%s", "failed");
			snprintf(line, sizeof line, "%*s", last_w, v);
			pfg_ui_put(w, y, cx + state_w, last_w, base |
				   (b->has_latest && !pfg_latest_ok(b) ? pfg_tui_attr(PFG_EL_FAILED) : 0),
				   line);
		}
		if (chg_w) {
			char c[48];
			enum pfg_tui_el el = pfg_bench_change(b, c, sizeof c);
			pfg_ui_put(w, y, cx + state_w + last_w + 1, chg_w,
				   PFG_SEL_ATTR(el), c);
		}
		if (spark_w) {
			char s[128];
			pfg_bench_spark(b, spark_w, s, sizeof s);
			pfg_ui_put(w, y, cx + state_w + last_w + chg_w + 2, spark_w,
				   PFG_SEL_ATTR(PFG_EL_SPARK), s);
		}
	}
}

/* Seconds since t0 (monotonic ns), for people. */
static void pfg_elapsed(int64_t t0, char *buf, size_t len)
{
	double s = (double)(pfg_now_ns() - t0) / 1e9;
	if (s < 60)
		snprintf(buf, len, "%.1f s", s);
	else
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)s % 60);
}

/* Pane 2: the queue, the benchmark running now, and the latest results. */
static void pfg_draw_live(struct pfg_tui *ui)
{
	WINDOW *w = ui->win[PFG_PANE_LIVE];
	int h, wd;
	getmaxyx(w, h, wd);
	struct pfg_strv queue = { 0 };
	int busy;
	char *current;
	pfg_tui_jobq_peek(&ui->runner.q, &queue, &busy, &current);
	pfg_draw_frame(ui, PFG_PANE_LIVE, busy ? "running" : "idle");
	int iw = wd - 2, y = 1;
	char line[512], t[64], v[48];
	if (busy && ui->live_active) {
		snprintf(line, sizeof line, "%s run #%lld  benchmark %zu of %zu",
			 pfg_tui_glyph("running"), (long long)ui->live_run, ui->live_bi + 1,
			 ui->live_nb);
		pfg_ui_put(w, y++, 2, iw - 2, pfg_tui_attr(PFG_EL_RUNNING), line);
		if (*ui->live_bench) {
			pfg_ui_put(w, y++, 4, iw - 4, A_BOLD, ui->live_bench);
			pfg_elapsed(ui->live_bench_t0, t, sizeof t);
			if (ui->live_nr)
				snprintf(line, sizeof line, "%s %d of %d%s  %s",
					 ui->live_warm ? "warmup" : "run", ui->live_ri, ui->live_nr,
					 ui->live_confirm ? " (confirming)" : "", t);
			else
				snprintf(line, sizeof line, "starting  %s", t);
			pfg_ui_put(w, y++, 4, iw - 4, 0, line);
			if (ui->n_live_samples && y < h - 1) {
				double lo = INFINITY, hi = -INFINITY;
				size_t n = ui->n_live_samples;
				int sw = iw - 30 > 8 ? iw - 30 : 8;
				size_t from = n > (size_t)sw ? n - (size_t)sw : 0;
				for (size_t i = from; i < n; i++) {
					lo = fmin(lo, ui->live_samples[i]);
					hi = fmax(hi, ui->live_samples[i]);
				}
				char s[512];
				pfg_tui_sparkline(ui->live_samples + from, n - from, lo, hi, s, sizeof s);
				pfg_ui_put(w, y, 4, iw - 4, 0, "samples");
				pfg_ui_put(w, y, 12, iw - 12, pfg_tui_attr(PFG_EL_SPARK), s);
				pfg_ui_fmt_value(ui->live_samples[n - 1], ui->live_unit, v, sizeof v);
				snprintf(line, sizeof line, "last %s", v);
				pfg_ui_put(w, y, 13 + (int)(n - from), iw - 13 - (int)(n - from), 0, line);
				y++;
			}
		}
	} else if (busy) {
		snprintf(line, sizeof line, "%s starting %s", pfg_tui_glyph("running"),
			 current ? current : "");
		pfg_ui_put(w, y++, 2, iw - 2, pfg_tui_attr(PFG_EL_RUNNING), line);
	} else {
		pfg_ui_put(w, y++, 2, iw - 2, pfg_tui_attr(PFG_EL_DIM),
			   ui->cfg ? "idle: r runs the selection, R runs all"
				   : "no config: runs are disabled");
	}
	if (ui->quitting && busy)
		pfg_ui_put(w, y++, 2, iw - 2, pfg_tui_attr(PFG_EL_ERROR), "cancelling...");
	if (queue.n && y < h - 1) {
		size_t at = (size_t)snprintf(line, sizeof line, "queue (%zu):", queue.n);
		for (size_t i = 0; i < queue.n && at < sizeof line; i++)
			at += (size_t)snprintf(line + at, sizeof line - at, " %s", queue.v[i]);
		pfg_ui_put(w, y++, 2, iw - 2, pfg_tui_attr(PFG_EL_DIM), line);
	}
	if (*ui->last_run && y < h - 1)
		pfg_ui_put(w, y++, 2, iw - 2,
			   pfg_tui_attr(ui->last_run_err ? PFG_EL_FAILED : PFG_EL_OK), ui->last_run);
	for (size_t i = ui->n_log; i-- > 0 && y < h - 1;)
		pfg_ui_put(w, y++, 2, iw - 2, pfg_tui_attr(ui->log[i].el), ui->log[i].text);
	pfg_strv_release(&queue);
	free(current);
}

/* Pane 3: the selected benchmark's history as a chart. */
static void pfg_draw_trends(struct pfg_tui *ui)
{
	WINDOW *w = ui->win[PFG_PANE_TRENDS];
	int h, wd;
	getmaxyx(w, h, wd);
	const struct pfg_query_bench *b = pfg_ui_trend_bench(ui);
	pfg_draw_frame(ui, PFG_PANE_TRENDS, b ? b->full : NULL);
	int iw = wd - 2;
	const struct pfg_query_trend *t = ui->trend;
	if (!b) {
		pfg_ui_put(w, 1, 2, iw - 2, pfg_tui_attr(PFG_EL_DIM),
			   "select a benchmark in pane 1 or an alert in pane 4");
		return;
	}
	if (!t || t->bench_id != b->id) {
		pfg_ui_put(w, 1, 2, iw - 2, pfg_tui_attr(PFG_EL_DIM), "loading...");
		return;
	}
	if (t->error)
		pfg_ui_put(w, h - 2, 2, iw - 2, pfg_tui_attr(PFG_EL_ERROR), t->error);
	if (t->n == 0) {
		pfg_ui_put(w, 1, 2, iw - 2, pfg_tui_attr(PFG_EL_DIM),
			   "no successful run in this environment yet");
		return;
	}
	char line[512], a[48], c[48];
	if (t->has_fit) {
		pfg_ui_fmt_value(t->slope, t->unit, a, sizeof a);
		snprintf(line, sizeof line, "%zu runs  slope %s%s/run  %s %.2f  p %.3g", t->n,
			 t->slope >= 0 ? "+" : "", a, pfg_tui_glyph("r2"), t->r2, t->slope_p);
	} else {
		snprintf(line, sizeof line, "%zu run%s", t->n, t->n == 1 ? "" : "s");
	}
	pfg_ui_put(w, 1, 2, iw - 2, 0, line);
	/* The chart: label column, then one column per run, newest right. */
	int label_w = 10, ch = h - 5;
	int cw = iw - label_w - 2;
	if (cw < 4 || ch < 1)
		return;
	size_t n = t->n < (size_t)cw ? t->n : (size_t)cw;
	size_t from = t->n - n;
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = from; i < t->n; i++) {
		lo = fmin(lo, t->y[i]);
		hi = fmax(hi, t->y[i]);
	}
	if (t->has_baseline) {
		lo = fmin(lo, t->baseline);
		hi = fmax(hi, t->baseline);
	}
	if (hi <= lo) {
		double d = fabs(hi) * 0.05 + 1e-9;
		lo -= d;
		hi += d;
	}
	int levels = ch * 8;
	int top = 2, x0 = 1 + label_w + 1;
	pfg_ui_fmt_value(hi, t->unit, a, sizeof a);
	snprintf(line, sizeof line, "%*s", label_w - 1, a);
	pfg_ui_put(w, top, 1, label_w, pfg_tui_attr(PFG_EL_DIM), line);
	pfg_ui_fmt_value(lo, t->unit, a, sizeof a);
	snprintf(line, sizeof line, "%*s", label_w - 1, a);
	pfg_ui_put(w, top + ch - 1, 1, label_w, pfg_tui_attr(PFG_EL_DIM), line);
	int base_row = -1;
	if (t->has_baseline)
		base_row = ch - 1 - (int)((t->baseline - lo) / (hi - lo) * (levels - 1)) / 8;
	for (size_t i = 0; i < n; i++) {
		int e = 1 + (int)((t->y[from + i] - lo) / (hi - lo) * (levels - 1) + 0.5);
		for (int r = 0; r < ch; r++) {
			int lvl = e - (ch - 1 - r) * 8;
			int x = x0 + (int)i;
			if (lvl <= 0 && r == base_row)
				pfg_ui_put(w, top + r, x, 1, pfg_tui_attr(PFG_EL_BASELINE),
					   pfg_tui_glyph("baseline"));
			else if (lvl > 0)
				pfg_ui_put(w, top + r, x, 1, pfg_tui_attr(PFG_EL_SPARK),
					   pfg_tui_block(lvl));
		}
	}
	/* Change points under the chart. */
	int cp_row = top + ch;
	for (size_t k = 0; k < t->n_cps; k++)
		if (t->cps[k] >= from)
			pfg_ui_put(w, cp_row, x0 + (int)(t->cps[k] - from), 1,
				   pfg_tui_attr(PFG_EL_CHANGE_POINT), pfg_tui_glyph("cp"));
	/* Footer: baseline, last value, the latest change point. */
	pfg_ui_fmt_value(t->y[t->n - 1], t->unit, a, sizeof a);
	size_t at = (size_t)snprintf(line, sizeof line, "last %s", a);
	if (t->has_baseline) {
		pfg_ui_fmt_value(t->baseline, t->unit, c, sizeof c);
		at += (size_t)snprintf(line + at, sizeof line - at, "  baseline %s %s", c,
				       pfg_tui_glyph("baseline"));
	} else {
		at += (size_t)snprintf(line + at, sizeof line - at, "  no approved baseline");
	}
	if (t->n_cps)
		snprintf(line + at, sizeof line - at, "  %s change point run #%lld %+.1f%%",
			 pfg_tui_glyph("cp"), (long long)t->run_ids[t->cps[t->n_cps - 1]],
			 t->cp_change[t->n_cps - 1]);
	pfg_ui_put(w, h - 2, 2, iw - 2, pfg_tui_attr(PFG_EL_DIM), line);
}

/* Pane 4: alerts by severity and state. */
static void pfg_draw_alerts(struct pfg_tui *ui)
{
	WINDOW *w = ui->win[PFG_PANE_ALERTS];
	int h, wd;
	getmaxyx(w, h, wd);
	char extra[64] = "";
	size_t open = 0;
	if (ui->snap) {
		for (size_t i = 0; i < ui->snap->n_alerts; i++)
			open += pfg_alert_state_is_open(ui->snap->alerts[i].state);
		snprintf(extra, sizeof extra, "%zu open", open);
	}
	pfg_draw_frame(ui, PFG_PANE_ALERTS, extra);
	int iw = wd - 2, y = 1;
	if (!ui->snap)
		return;
	if (ui->n_alert_rows == 0) {
		pfg_ui_put(w, y, 2, iw - 2, pfg_tui_attr(PFG_EL_OK), "no alerts");
		return;
	}
	int ha = pfg_tui_attr(PFG_EL_HEADER);
	pfg_ui_put(w, y, 2, 8, ha, "severity");
	pfg_ui_put(w, y, 11, 8, ha, "  change");
	pfg_ui_put(w, y, 20, 7, ha, "state");
	pfg_ui_put(w, y, 28, iw - 27, ha, "benchmark");
	y++;
	int vis = h - 1 - y;
	if (vis < 1)
		return;
	if (ui->sel_alert < ui->top_alert)
		ui->top_alert = ui->sel_alert;
	if (ui->sel_alert >= ui->top_alert + (size_t)vis)
		ui->top_alert = ui->sel_alert - (size_t)vis + 1;
	char line[512];
	for (size_t r = ui->top_alert; r < ui->n_alert_rows && y < h - 1; r++, y++) {
		const struct pfg_query_alert *a = &ui->snap->alerts[ui->alert_rows[r]];
		int sel = r == ui->sel_alert;
		int base = sel ? (ui->focus == PFG_PANE_ALERTS ? pfg_tui_attr(PFG_EL_SELECTED)
							      : (int)A_REVERSE)
			       : 0;
		int closed = !pfg_alert_state_is_open(a->state);
		if (sel) {
			wattron(w, base);
			mvwhline(w, y, 1, ' ', iw);
			wattroff(w, base);
		}
		pfg_ui_put(w, y, 2, 8, PFG_SEL_ATTR(closed ? PFG_EL_DIM
						 : pfg_tui_severity_el(a->severity)),
			   pfg_severity_name(a->severity));
		snprintf(line, sizeof line, "%+7.1f%%", a->change_pct);
		pfg_ui_put(w, y, 11, 8, base, line);
		/* States in seven cells; the detail spells them out. */
		const char *st = a->state == PFG_ALERT_ACKNOWLEDGED ? "ack'd"
			       : a->state == PFG_ALERT_INVESTIGATING ? "invest."
			       : pfg_alert_state_name(a->state);
		snprintf(line, sizeof line, "%s%s", st, a->recovered ? "*" : "");
		pfg_ui_put(w, y, 20, 7, (sel ? base : closed ? pfg_tui_attr(PFG_EL_DIM) : 0), line);
		snprintf(line, sizeof line, "%s%s%s", a->bench,
			 a->kind != PFG_ALERT_REGRESSION ? " " : "",
			 a->kind != PFG_ALERT_REGRESSION ? pfg_alert_kind_name(a->kind) : "");
		pfg_ui_put(w, y, 28, iw - 27, base, line);
	}
}

/* The top line: database, environment, last run, the gate's verdict. */
static void pfg_draw_status(struct pfg_tui *ui)
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
static void pfg_draw_hints(struct pfg_tui *ui)
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

/* Draw the dirty windows with wnoutrefresh(); the caller does doupdate(). */
int pfg_ui_draw(struct pfg_tui *ui)
{
	int drawn = ui->dirty_status + ui->dirty_hints;
	static void (*const draw[PFG_PANE_COUNT])(struct pfg_tui *) = {
		pfg_draw_baselines, pfg_draw_live, pfg_draw_trends, pfg_draw_alerts,
	};
	if (ui->dirty_status)
		pfg_draw_status(ui);
	if (ui->dirty_hints)
		pfg_draw_hints(ui);
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
