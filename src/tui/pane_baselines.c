/* pane_baselines.c: pane 1, the components and their benchmarks as a tree
 * with each benchmark's baseline state, latest value, change and history. */
#include "ui.h"

#include <math.h>
#include <string.h>

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

/* Format b's change against its baseline into buf; its element. Without
 * a comparison: "failed" when the latest run failed, else where its
 * baseline stands (so that it shows when the state column does not). */
static enum pfg_tui_el pfg_bench_change(const struct pfg_query_bench *b, char *buf,
					size_t len)
{
	if (b->has_latest && !pfg_latest_ok(b)) {
		snprintf(buf, len, "failed");
		return PFG_EL_FAILED;
	}
	if (!b->has_cmp) {
		snprintf(buf, len, "%s", b->proposed_id ? "proposed" : b->approved_id ? ""
					: "no baseline");
		return b->proposed_id ? PFG_EL_PROPOSED : PFG_EL_DIM;
	}
	const char *sev = b->severity == PFG_SEVERITY_NONE ? "" : pfg_severity_name(b->severity);
	if (b->verdict == PFG_VERDICT_IMPROVEMENT)
		sev = "better";
	else if (b->verdict == PFG_VERDICT_INCONCLUSIVE)
		sev = "noisy";
	snprintf(buf, len, "%+.1f%%%s%s", b->change_pct, *sev ? " " : "", sev);
	if (b->verdict == PFG_VERDICT_REGRESSION)
		return pfg_tui_severity_el(b->severity);
	if (b->verdict == PFG_VERDICT_IMPROVEMENT)
		return PFG_EL_IMPROVED;
	return PFG_EL_DIM;
}

/* b's latest value as shown ("" when it has none; a failed run shows in
 * the change column). */
static void pfg_bench_value(const struct pfg_query_bench *b, char *buf, size_t len)
{
	buf[0] = '\0';
	if (b->has_latest && pfg_latest_ok(b))
		pfg_ui_fmt_value(b->latest_mean, b->unit, buf, len);
}

/* A compact sparkline of b's latest means, cut to width cells, scaled so
 * that the baseline (else the mean) sits mid-height and the band of
 * +-thr percent around it fits: noise draws flat, a change of a few
 * percent small, a regression past the threshold high. */
static void pfg_bench_spark(const struct pfg_query_bench *b, int width, double thr,
			    char *buf, size_t len)
{
	size_t n = b->n_spark < (size_t)width ? b->n_spark : (size_t)width;
	const double *y = b->spark + (b->n_spark - n);
	double lo = INFINITY, hi = -INFINITY, sum = 0;
	for (size_t i = 0; i < n; i++) {
		lo = y[i] < lo ? y[i] : lo;
		hi = y[i] > hi ? y[i] : hi;
		sum += y[i];
	}
	double c = b->approved_id ? b->approved_mean : n ? sum / (double)n : 0;
	double band = fabs(c) * thr / 100;
	lo = fmin(lo, c - band);
	hi = fmax(hi, c + band);
	pfg_tui_sparkline(y, n, lo, hi, buf, len);
}

/* The columns of the tree after the name, in priority order. */
enum { PFG_COL_CHANGE, PFG_COL_VALUE, PFG_COL_SPARK, PFG_COL_STATE, PFG_COL_N };

/* Where the columns go: x and width of each (0: dropped) and the name's. */
struct pfg_bl_cols {
	int name_x, name_w;
	int x[PFG_COL_N], w[PFG_COL_N];
};

/* The title's extra: the filter and how many it shows, else the counts. */
static void pfg_baselines_extra(const struct pfg_tui *ui, char *extra, size_t len)
{
	if (ui->snap && *ui->filter) {
		size_t shown = 0;
		for (size_t r = 0; r < ui->n_rows; r++)
			shown += ui->rows[r].is_comp ? ui->rows[r].n_children : 0;
		snprintf(extra, len, "filter: %s (%zu of %zu)", ui->filter, shown,
			 ui->snap->n);
	} else if (ui->snap) {
		size_t np = 0;
		for (size_t i = 0; i < ui->snap->n; i++)
			np += ui->snap->b[i].proposed_id != 0;
		snprintf(extra, len, "%zu benchmarks", ui->snap->n);
		if (np)
			snprintf(extra + strlen(extra), len - strlen(extra),
				 ", %zu proposed", np);
	}
}

/* Lay the columns out by priority in iw inner cells: the name, then
 * change, value, history and state while the name keeps its minimum;
 * the name gets what is left (up to its longest), the history grows
 * with what remains. */
static void pfg_baselines_columns(const struct pfg_tui *ui, int iw, struct pfg_bl_cols *c)
{
	int want[PFG_COL_N] = { 6, 4, 8, 8 }, name_need = 9;
	char buf[64];
	for (size_t i = 0; i < ui->snap->n; i++) {
		const struct pfg_query_bench *b = &ui->snap->b[i];
		int nw = pfg_tui_width(b->name);
		name_need = nw > name_need ? nw : name_need;
		pfg_bench_change(b, buf, sizeof buf);
		int cw = pfg_tui_width(buf);
		want[PFG_COL_CHANGE] = cw > want[PFG_COL_CHANGE] ? cw : want[PFG_COL_CHANGE];
		pfg_bench_value(b, buf, sizeof buf);
		int vw = pfg_tui_width(buf);
		want[PFG_COL_VALUE] = vw > want[PFG_COL_VALUE] ? vw : want[PFG_COL_VALUE];
	}
	int name_min = name_need < 16 ? name_need : 16;
	c->name_x = 4;
	int avail = iw - 3 - 1, used = 0;
	memset(c->w, 0, sizeof c->w);
	for (int k = 0; k < PFG_COL_N; k++)
		if (avail - used - want[k] - 1 >= name_min) {
			c->w[k] = want[k];
			used += want[k] + 1;
		}
	int name_w = avail - used;
	c->name_w = name_w < name_need ? name_w : name_need;
	int spare = avail - used - c->name_w;
	if (c->w[PFG_COL_SPARK] && spare > 0) {
		int grow = spare < PFG_TUI_SPARK - 8 ? spare : PFG_TUI_SPARK - 8;
		c->w[PFG_COL_SPARK] += grow;
	}
	int x = c->name_x + c->name_w + 1;
	for (int k = 0; k < PFG_COL_N; k++) {
		c->x[k] = x;
		if (c->w[k])
			x += c->w[k] + 1;
	}
}

/* The header row of the columns at y. */
static void pfg_baselines_header(WINDOW *w, int y, const struct pfg_bl_cols *c)
{
	static const char *const names[PFG_COL_N] = { "change", "last", "history", "baseline" };
	int ha = pfg_tui_attr(PFG_EL_HEADER);
	char buf[64];
	pfg_ui_put(w, y, 2, c->name_w + 2, ha, "benchmark");
	for (int k = 0; k < PFG_COL_N; k++) {
		if (!c->w[k])
			continue;
		if (k == PFG_COL_VALUE)
			snprintf(buf, sizeof buf, "%*s", c->w[k], names[k]);
		else
			snprintf(buf, sizeof buf, "%s", names[k]);
		pfg_ui_put(w, y, c->x[k], c->w[k], ha, buf);
	}
}

/* A component's row at y: folded or open, its name and how many it shows. */
static void pfg_baselines_component(struct pfg_tui *ui, WINDOW *w, int y, int iw, int base,
				    const struct pfg_tui_row *row)
{
	const struct pfg_query_bench *b = &ui->snap->b[row->bench];
	char line[512];
	int folded = 0;
	for (size_t k = 0; k < ui->collapsed.n; k++)
		folded |= strcmp(ui->collapsed.v[k], b->component) == 0;
	snprintf(line, sizeof line, "%s %s  (%zu)",
		 pfg_tui_glyph(folded ? "closed" : "open"), b->component,
		 row->n_children);
	pfg_ui_put(w, y, 2, iw - 2, base | A_BOLD, line);
}

/* A benchmark's row at y: name, change, last value, history and baseline
 * state as the columns allow, in the selection's attribute base when sel. */
static void pfg_baselines_bench(struct pfg_tui *ui, WINDOW *w, int y, int sel, int base,
				const struct pfg_query_bench *b, const struct pfg_bl_cols *co)
{
	char buf[512];
	pfg_ui_elide(b->name, co->name_w, buf, sizeof buf);
	pfg_ui_put(w, y, co->name_x, co->name_w, base, buf);
	if (co->w[PFG_COL_CHANGE]) {
		enum pfg_tui_el el = pfg_bench_change(b, buf, sizeof buf);
		pfg_ui_put(w, y, co->x[PFG_COL_CHANGE], co->w[PFG_COL_CHANGE], PFG_SEL_ATTR(el),
			   buf);
	}
	if (co->w[PFG_COL_VALUE]) {
		char v[48];
		pfg_bench_value(b, v, sizeof v);
		snprintf(buf, sizeof buf, "%*s", co->w[PFG_COL_VALUE], v);
		pfg_ui_put(w, y, co->x[PFG_COL_VALUE], co->w[PFG_COL_VALUE], base, buf);
	}
	if (co->w[PFG_COL_SPARK]) {
		double thr = ui->cfg ? ui->cfg->thresholds.minor : 5.0;
		pfg_bench_spark(b, co->w[PFG_COL_SPARK], thr, buf, sizeof buf);
		pfg_ui_put(w, y, co->x[PFG_COL_SPARK], co->w[PFG_COL_SPARK],
			   PFG_SEL_ATTR(PFG_EL_SPARK), buf);
	}
	if (co->w[PFG_COL_STATE]) {
		enum pfg_tui_el el;
		const char *state = pfg_bench_state(b, &el);
		pfg_ui_put(w, y, co->x[PFG_COL_STATE], co->w[PFG_COL_STATE], PFG_SEL_ATTR(el),
			   state);
	}
}

/* Pane 1: components and their benchmarks. */
void pfg_ui_draw_baselines(struct pfg_tui *ui)
{
	WINDOW *w = ui->win[PFG_PANE_BASELINES];
	int h, wd;
	getmaxyx(w, h, wd);
	char extra[400] = "";
	pfg_baselines_extra(ui, extra, sizeof extra);
	pfg_ui_frame(ui, PFG_PANE_BASELINES, extra);
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
	struct pfg_bl_cols cols;
	pfg_baselines_columns(ui, iw, &cols);
	pfg_baselines_header(w, y, &cols);
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
		int sel = r == ui->sel_row;
		int base = sel ? (ui->focus == PFG_PANE_BASELINES ? pfg_tui_attr(PFG_EL_SELECTED)
								 : (int)A_REVERSE)
			       : 0;
		if (sel) {
			wattron(w, base);
			mvwhline(w, y, 1, ' ', iw);
			wattroff(w, base);
		}
		if (row->is_comp)
			pfg_baselines_component(ui, w, y, iw, base, row);
		else
			pfg_baselines_bench(ui, w, y, sel, base, &ui->snap->b[row->bench], &cols);
	}
}
