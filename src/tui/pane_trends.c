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

/* The chart's value range: the runs from `from` on, and the baseline
 * with its band of +-thr percent, so that noise draws flat and a change
 * of a few percent small; widened a little when flat. */
static void pfg_trends_range(const struct pfg_query_trend *t, size_t from, double thr,
			     double *plo, double *phi)
{
	double lo = INFINITY, hi = -INFINITY, sum = 0;
	for (size_t i = from; i < t->n; i++) {
		lo = fmin(lo, t->y[i]);
		hi = fmax(hi, t->y[i]);
		sum += t->y[i];
	}
	double c = t->has_baseline ? t->baseline : sum / (double)(t->n - from);
	double band = fabs(c) * thr / 100;
	lo = fmin(lo, c - band);
	hi = fmax(hi, c + band);
	if (hi <= lo) {
		double d = fabs(hi) * 0.05 + 1e-9;
		lo -= d;
		hi += d;
	}
	*plo = lo;
	*phi = hi;
}

/* The row (0 at the top of ch rows) where value v falls in lo..hi. */
static int pfg_trends_row(double v, double lo, double hi, int ch)
{
	int levels = ch * 8;
	return ch - 1 - (int)((v - lo) / (hi - lo) * (levels - 1)) / 8;
}

/* The width of the y axis's labels for the range and the baseline. */
static int pfg_trends_label_w(const struct pfg_query_trend *t, size_t from, double thr)
{
	char a[48];
	double lo, hi;
	pfg_trends_range(t, from, thr, &lo, &hi);
	double v[3] = { lo, hi, t->has_baseline ? t->baseline : lo };
	int w = 4;
	for (int i = 0; i < 3; i++) {
		pfg_ui_fmt_value(v[i], t->unit, a, sizeof a);
		w = pfg_tui_width(a) > w ? pfg_tui_width(a) : w;
	}
	return w + 1;
}

/* The chart from row top, ch rows high: the range's labels (and the
 * baseline's) in a column of label_w cells, then one column of blocks
 * per run (n from `from`); the baseline dotted where no block covers it,
 * and the threshold band's edges dotted dim. */
static void pfg_trends_chart(WINDOW *w, const struct pfg_query_trend *t, size_t from,
			     size_t n, int top, int ch, int label_w, double thr)
{
	char line[512], a[48];
	double lo, hi;
	pfg_trends_range(t, from, thr, &lo, &hi);
	int levels = ch * 8;
	int x0 = 1 + label_w + 1;
	int dim = pfg_tui_attr(PFG_EL_DIM);
	pfg_ui_fmt_value(hi, t->unit, a, sizeof a);
	snprintf(line, sizeof line, "%*s", label_w - 1, a);
	pfg_ui_put(w, top, 1, label_w, dim, line);
	pfg_ui_fmt_value(lo, t->unit, a, sizeof a);
	snprintf(line, sizeof line, "%*s", label_w - 1, a);
	pfg_ui_put(w, top + ch - 1, 1, label_w, dim, line);
	int base_row = -1, band_hi = -1, band_lo = -1;
	if (t->has_baseline) {
		base_row = pfg_trends_row(t->baseline, lo, hi, ch);
		band_hi = pfg_trends_row(t->baseline * (1 + thr / 100), lo, hi, ch);
		band_lo = pfg_trends_row(t->baseline * (1 - thr / 100), lo, hi, ch);
		if (base_row > 0 && base_row < ch - 1) {
			pfg_ui_fmt_value(t->baseline, t->unit, a, sizeof a);
			snprintf(line, sizeof line, "%*s", label_w - 1, a);
			pfg_ui_put(w, top + base_row, 1, label_w, pfg_tui_attr(PFG_EL_BASELINE), line);
		}
	}
	for (size_t i = 0; i < n; i++) {
		int e = 1 + (int)((t->y[from + i] - lo) / (hi - lo) * (levels - 1) + 0.5);
		for (int r = 0; r < ch; r++) {
			int lvl = e - (ch - 1 - r) * 8;
			int x = x0 + (int)i;
			if (lvl <= 0 && r == base_row)
				pfg_ui_put(w, top + r, x, 1, pfg_tui_attr(PFG_EL_BASELINE),
					   pfg_tui_glyph("baseline"));
			else if (lvl <= 0 && (r == band_hi || r == band_lo) && band_hi != base_row)
				pfg_ui_put(w, top + r, x, 1, dim, pfg_tui_utf8() ? "·" : ".");
			else if (lvl > 0)
				pfg_ui_put(w, top + r, x, 1, pfg_tui_attr(PFG_EL_SPARK),
					   pfg_tui_block(lvl));
		}
	}
}

/* The x axis under the chart: the first and last runs shown, and the
 * change points (from `from` on) as markers. */
static void pfg_trends_axis(WINDOW *w, const struct pfg_query_trend *t, size_t from,
			    size_t n, int row, int x0, int iw)
{
	char a[32], b[32];
	int dim = pfg_tui_attr(PFG_EL_DIM);
	snprintf(a, sizeof a, "run #%lld", (long long)t->run_ids[from]);
	snprintf(b, sizeof b, "#%lld", (long long)t->run_ids[from + n - 1]);
	int end = x0 + (int)n - 1;
	int bx = end - pfg_tui_width(b) + 1;
	int ax = x0;
	if (pfg_tui_width(a) + 1 >= bx - ax) {
		/* Too narrow for both: the run numbers only. */
		snprintf(a, sizeof a, "#%lld", (long long)t->run_ids[from]);
	}
	if (n > 1 && ax + pfg_tui_width(a) + 1 < bx) {
		pfg_ui_put(w, row, ax, iw - ax, dim, a);
		pfg_ui_put(w, row, bx, iw - bx, dim, b);
	} else {
		pfg_ui_put(w, row, ax, iw - ax, dim, b);
	}
	for (size_t k = 0; k < t->n_cps; k++)
		if (t->cps[k] >= from)
			pfg_ui_put(w, row, x0 + (int)(t->cps[k] - from), 1,
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
		snprintf(line + at, sizeof line - at, "  %s #%lld %+.1f%%",
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
	double thr = ui->cfg ? ui->cfg->thresholds.minor : 5.0;
	int ch = h - 5;
	size_t n = t->n;
	int label_w = pfg_trends_label_w(t, 0, thr);
	int cw = iw - label_w - 2;
	if (cw < 4 || ch < 1)
		return;
	if (n > (size_t)cw) {
		n = (size_t)cw;
		label_w = pfg_trends_label_w(t, t->n - n, thr);
	}
	size_t from = t->n - n;
	int top = 2, x0 = 1 + label_w + 1;
	pfg_trends_chart(w, t, from, n, top, ch, label_w, thr);
	pfg_trends_axis(w, t, from, n, top + ch, x0, iw);
	pfg_trends_footer(w, t, h, iw);
}
