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

/* The columns of the tree: widths in cells, and where the state column
 * starts (the others follow it). A zero width hides its column. */
struct pfg_bl_cols {
	int name_w, state_w, last_w, chg_w, spark_w, cx;
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

/* Fit the columns into iw inner cells: narrow panes drop all but the
 * name and the state. */
static void pfg_baselines_columns(int iw, struct pfg_bl_cols *c)
{
	int spark_w = iw >= 56 ? 8 : 0, chg_w = iw >= 44 ? 16 : 0, last_w = 11,
	    state_w = 9;
	int name_w = iw - 1 - state_w - last_w - chg_w - spark_w - 3;
	if (name_w < 8) {
		name_w = iw - 1 - state_w - 1;
		last_w = chg_w = spark_w = 0;
	}
	int hx = 1;
	c->name_w = name_w;
	c->state_w = state_w;
	c->last_w = last_w;
	c->chg_w = chg_w;
	c->spark_w = spark_w;
	c->cx = hx + 1 + name_w + 1;
}

/* The header row of the columns at y. */
static void pfg_baselines_header(WINDOW *w, int y, const struct pfg_bl_cols *c)
{
	int hx = 1, cx = c->cx, state_w = c->state_w, last_w = c->last_w, chg_w = c->chg_w,
	    spark_w = c->spark_w;
	int ha = pfg_tui_attr(PFG_EL_HEADER);
	pfg_ui_put(w, y, hx + 1, c->name_w, ha, "benchmark");
	pfg_ui_put(w, y, cx, state_w, ha, "baseline");
	if (last_w)
		pfg_ui_put(w, y, cx + state_w, last_w, ha, "       last");
	if (chg_w)
		pfg_ui_put(w, y, cx + state_w + last_w + 1, chg_w, ha, "vs baseline");
	if (spark_w)
		pfg_ui_put(w, y, cx + state_w + last_w + chg_w + 2, spark_w, ha, "history");
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

/* A benchmark's row at y: name, baseline state, last value, change and
 * history, in the selection's attribute base when sel. */
static void pfg_baselines_bench(WINDOW *w, int y, int sel, int base,
				const struct pfg_query_bench *b, const struct pfg_bl_cols *co)
{
	int cx = co->cx, state_w = co->state_w, last_w = co->last_w, chg_w = co->chg_w,
	    spark_w = co->spark_w;
	char line[512];
	pfg_ui_put(w, y, 4, co->name_w - 2, base, b->name);
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
	pfg_baselines_columns(iw, &cols);
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
			pfg_baselines_bench(w, y, sel, base, &ui->snap->b[row->bench], &cols);
	}
}
