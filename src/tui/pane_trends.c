/* pane_trends.c: pane 3, the selected benchmark's history as a chart with
 * its baseline, change points and fitted slope. */
#include "ui.h"

#include <math.h>

/* The line above the chart: how many runs, and the fitted slope if any. */
static void pfg_trends_summary(WINDOW *w, const struct pfg_query_trend *t, int iw)
{
	char line[512], a[48];
	if (t->has_fit) {
		pfg_ui_fmt_value(t->slope, t->unit, a, sizeof a);
		snprintf(line, sizeof line, "%zu runs  slope %s%s/run  %s %.2f  p %.3g", t->n,
			 t->slope >= 0 ? "+" : "", a, pfg_tui_glyph("r2"), t->r2, t->slope_p);
	} else {
		snprintf(line, sizeof line, "%zu run%s", t->n, t->n == 1 ? "" : "s");
	}
	pfg_ui_put(w, 1, 2, iw - 2, 0, line);
}

/* The chart's value range: the runs from `from` on and the baseline,
 * widened a little when flat. */
static void pfg_trends_range(const struct pfg_query_trend *t, size_t from, double *plo,
			     double *phi)
{
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
	*plo = lo;
	*phi = hi;
}

/* The chart from row top, ch rows high: the range's labels in a column of
 * label_w cells, then one column of blocks per run (n from `from`), the
 * baseline dotted where no block covers it. */
static void pfg_trends_chart(WINDOW *w, const struct pfg_query_trend *t, size_t from,
			     size_t n, int top, int ch, int label_w)
{
	char line[512], a[48];
	double lo, hi;
	pfg_trends_range(t, from, &lo, &hi);
	int levels = ch * 8;
	int x0 = 1 + label_w + 1;
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
}

/* The change points shown (from `from` on) as markers in row cp_row. */
static void pfg_trends_cps(WINDOW *w, const struct pfg_query_trend *t, size_t from,
			   int cp_row, int x0)
{
	for (size_t k = 0; k < t->n_cps; k++)
		if (t->cps[k] >= from)
			pfg_ui_put(w, cp_row, x0 + (int)(t->cps[k] - from), 1,
				   pfg_tui_attr(PFG_EL_CHANGE_POINT), pfg_tui_glyph("cp"));
}

/* Footer: baseline, last value, the latest change point. */
static void pfg_trends_footer(WINDOW *w, const struct pfg_query_trend *t, int h, int iw)
{
	char line[512], a[48], c[48];
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

/* Pane 3: the selected benchmark's history as a chart. */
void pfg_ui_draw_trends(struct pfg_tui *ui)
{
	WINDOW *w = ui->win[PFG_PANE_TRENDS];
	int h, wd;
	getmaxyx(w, h, wd);
	const struct pfg_query_bench *b = pfg_ui_trend_bench(ui);
	pfg_ui_frame(ui, PFG_PANE_TRENDS, b ? b->full : NULL);
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
	pfg_trends_summary(w, t, iw);
	/* The chart: label column, then one column per run, newest right. */
	int label_w = 10, ch = h - 5;
	int cw = iw - label_w - 2;
	if (cw < 4 || ch < 1)
		return;
	size_t n = t->n < (size_t)cw ? t->n : (size_t)cw;
	size_t from = t->n - n;
	int top = 2, x0 = 1 + label_w + 1;
	pfg_trends_chart(w, t, from, n, top, ch, label_w);
	/* Change points under the chart. */
	pfg_trends_cps(w, t, from, top + ch, x0);
	pfg_trends_footer(w, t, h, iw);
}
