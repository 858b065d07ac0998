/* view.c: the dashboard's view dialogs: the audit log, the runs (Enter a
 * run's results, two marked runs compared) and the samples behind a
 * verdict (baseline and current on one axis, outliers marked). The data
 * comes from the reader (worker.c); here it becomes lines of text. */
#include "ui.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PFG_KEY_ESC 27

/* The width the view's lines may use. */
static int pfg_view_width(const struct pfg_tui *ui)
{
	int w = ui->cols - 6;
	return w < 20 ? 20 : w > 120 ? 120 : w;
}

/* The audit log, oldest first (the view opens at its end). */
static void pfg_view_audit(struct pfg_tui *ui, const struct pfg_tui_viewdata *v)
{
	char t[64];
	pfg_strv_pushf(&ui->mlines, "Audit log: every decision, who and when (%zu, newest "
		       "last)", v->n_audit);
	for (size_t i = 0; i < v->n_audit; i++) {
		const struct pfg_audit_entry *e = &v->audit[i];
		pfg_format_time(e->at, t, sizeof t);
		pfg_strv_pushf(&ui->mlines, "%s  %s  %s #%lld %s%s%s", t, e->actor ? e->actor : "?",
			       e->entity, (long long)e->entity_id, e->action ? e->action : "",
			       e->detail ? ": " : "", e->detail ? e->detail : "");
	}
	if (!v->n_audit)
		pfg_strv_push(&ui->mlines, "(empty: no decision was made yet)");
	ui->mscroll = 1 << 20;
	pfg_strv_push(&ui->view_keys, "j/k scroll  Esc close");
}

/* A run's wall time, short ("0.4s", "12.3s", "4m05s", "1h02m"); "-" while
 * it runs or when its clock went backwards. */
static void pfg_view_duration(const struct pfg_run_row *r, char *buf, size_t len)
{
	double d = r->ended_at - r->started_at;
	if (r->ended_at <= 0 || d < 0)
		snprintf(buf, len, "-");
	else if (d < 59.95)
		snprintf(buf, len, "%.1fs", d);
	else if (d < 3600)
		snprintf(buf, len, "%dm%02ds", (int)d / 60, (int)d % 60);
	else
		snprintf(buf, len, "%dh%02dm", (int)(d / 3600), (int)d % 3600 / 60);
}

/* The runs view's columns at a width: what is kept and how wide. Dropped
 * by priority: the gaps narrow and the year goes, the git revision is
 * cut to 7, then it goes, then the duration, then the trigger. */
struct pfg_view_runcols {
	const char *gap;
	int started, git, duration, trigger;  /* widths; 0: dropped */
};

/* The widest columns that fit in w. */
static struct pfg_view_runcols pfg_view_runs_fit(int w)
{
	static const struct pfg_view_runcols levels[] = {
		{ "  ", 19, 10, 8, 7 }, { "  ", 16, 10, 8, 7 }, { " ", 14, 10, 8, 7 },
		{ " ", 14, 7, 8, 7 },   { " ", 14, 0, 8, 7 },   { " ", 14, 0, 0, 7 },
		{ " ", 14, 0, 0, 0 },
	};
	size_t n = sizeof levels / sizeof *levels;
	for (size_t i = 0; i < n; i++) {
		const struct pfg_view_runcols *c = &levels[i];
		int g = (int)strlen(c->gap);
		int need = 3 + 6 + g + c->started + g + 11 + g + 11 + (c->trigger ? g + c->trigger : 0) +
			   (c->duration ? g + c->duration : 0) + (c->git ? g + c->git : 0);
		if (need <= w)
			return *c;
	}
	return levels[n - 1];
}

/* One line of the runs view (the header when r is NULL). */
static void pfg_view_runs_line(struct pfg_tui *ui, const struct pfg_view_runcols *c,
			       const struct pfg_run_row *r)
{
	char t[64], d[32], b[64], line[512];
	const char *mark = "   ", *start = "started", *trig = "trigger", *status = "status",
		   *dur = "duration", *git = "git rev", *bench = "benchmarks";
	char id[24] = "run";
	if (r) {
		pfg_format_time(r->started_at, t, sizeof t);
		/* Shorter: without the seconds (16), without the year (14). */
		if (c->started == 16)
			t[16] = '\0';
		start = c->started >= 16 ? t : t + 5;
		pfg_view_duration(r, d, sizeof d);
		if (r->n_failed)
			snprintf(b, sizeof b, "%zu, %zu failed", r->n_bench, r->n_failed);
		else
			snprintf(b, sizeof b, "%zu", r->n_bench);
		snprintf(id, sizeof id, "%lld", (long long)r->id);
		mark = r->id == ui->view_mark[0] || r->id == ui->view_mark[1] ? " * " : "   ";
		trig = *r->trigger ? r->trigger : "-";
		status = pfg_run_status_name(r->status);
		dur = d;
		git = *r->git_rev ? r->git_rev : "-";
		bench = b;
	}
	const char *g = c->gap;
	int n = snprintf(line, sizeof line, "%s%6s%s%-*.*s", mark, id, g, c->started, c->started,
			 start);
	if (c->trigger)
		n += snprintf(line + n, sizeof line - n, "%s%-*.*s", g, c->trigger, c->trigger, trig);
	n += snprintf(line + n, sizeof line - n, "%s%-11s", g, status);
	if (c->duration)
		n += snprintf(line + n, sizeof line - n, "%s%*s", g, c->duration, dur);
	if (c->git)
		n += snprintf(line + n, sizeof line - n, "%s%-*.*s", g, c->git, c->git, git);
	snprintf(line + n, sizeof line - n, "%s%s", g, bench);
	pfg_strv_push(&ui->mlines, line);
}

/* The runs, newest first: the selected one highlighted, marks shown. */
static void pfg_view_runs(struct pfg_tui *ui, const struct pfg_tui_viewdata *v)
{
	struct pfg_view_runcols c = pfg_view_runs_fit(pfg_view_width(ui));
	pfg_strv_pushf(&ui->mlines, "Runs (%zu, newest first)", v->n_runs);
	pfg_view_runs_line(ui, &c, NULL);
	for (size_t i = 0; i < v->n_runs; i++)
		pfg_view_runs_line(ui, &c, &v->runs[i]);
	if (!v->n_runs)
		pfg_strv_push(&ui->mlines, "(no run stored yet: R runs the suite)");
	pfg_strv_push(&ui->view_keys, "Enter results  m mark  c compare marked  Esc close");
}

/* One run's results. */
static void pfg_view_run(struct pfg_tui *ui, const struct pfg_tui_viewdata *v)
{
	char m[48], s[48];
	pfg_strv_pushf(&ui->mlines, "Run #%lld: %zu results", (long long)v->id, v->n_res);
	for (size_t i = 0; i < v->n_res; i++) {
		const struct pfg_tui_runres *r = &v->res[i];
		if (r->ok) {
			pfg_ui_fmt_value(r->mean, r->unit, m, sizeof m);
			pfg_ui_fmt_value(r->stddev, r->unit, s, sizeof s);
			pfg_strv_pushf(&ui->mlines, "  %s  %s %s %s  n %zu", r->bench, m,
				       pfg_tui_glyph("pm"), s, r->n);
		} else {
			pfg_strv_pushf(&ui->mlines, "  %s  failed: %s", r->bench,
				       r->error ? r->error : "?");
		}
	}
	pfg_strv_push(&ui->view_keys, "j/k scroll  Esc back to the runs");
}

/* Two runs compared: B against A as a one-run baseline. */
static void pfg_view_compare(struct pfg_tui *ui, const struct pfg_tui_viewdata *v)
{
	const struct pfg_query_run_compare *c = &v->rc;
	char a[48], b[48];
	pfg_strv_pushf(&ui->mlines, "Run #%lld against run #%lld: %zu regressions, %zu "
		       "improvements", (long long)v->id2, (long long)v->id, c->n_regressions,
		       c->n_improvements);
	pfg_strv_push(&ui->mlines, "(the statistics of a baseline comparison, run A as the "
		      "baseline)");
	if (c->env_a != c->env_b)
		pfg_strv_push(&ui->mlines, "The runs are from two machines.");
	pfg_strv_pushf(&ui->mlines, "  %-24s %11s %11s %9s  %s", "benchmark", "A", "B",
		       "change", "verdict");
	for (size_t i = 0; i < c->n; i++) {
		const struct pfg_query_run_pair *p = &c->b[i];
		char name[64];
		pfg_ui_elide(p->full, 24, name, sizeof name);
		if (p->a.has_summary)
			pfg_ui_fmt_value(p->a.sum.mean, p->unit, a, sizeof a);
		else
			snprintf(a, sizeof a, "-");
		if (p->b.has_summary)
			pfg_ui_fmt_value(p->b.sum.mean, p->unit, b, sizeof b);
		else
			snprintf(b, sizeof b, "-");
		char chg[24] = "";
		if (p->cmp.verdict != PFG_VERDICT_NO_BASELINE &&
		    p->cmp.verdict != PFG_VERDICT_NOT_COMPARABLE)
			snprintf(chg, sizeof chg, "%+.1f%%", p->cmp.change_pct);
		pfg_strv_pushf(&ui->mlines, "  %-24s %11s %11s %9s  %s%s%s", name, a, b, chg,
			       pfg_verdict_name(p->cmp.verdict),
			       p->cmp.severity != PFG_SEVERITY_NONE ? " " : "",
			       p->cmp.severity != PFG_SEVERITY_NONE
			       ? pfg_severity_name(p->cmp.severity) : "");
	}
	pfg_strv_push(&ui->view_keys, "j/k scroll  Esc back to the runs");
}

/* Count side s's samples into bins of [lo, hi] (w bins); the outliers'
 * bins into out_bins. Returns the largest count. */
static size_t pfg_bins(const struct pfg_query_side *s, double lo, double hi, int w,
		       size_t *bins, unsigned char *out_bins)
{
	size_t top = 0;
	for (size_t i = 0; i < s->n; i++) {
		int k = hi > lo ? (int)((s->v[i] - lo) / (hi - lo) * (w - 1) + 0.5) : w / 2;
		k = k < 0 ? 0 : k >= w ? w - 1 : k;
		bins[k]++;
		top = bins[k] > top ? bins[k] : top;
		if (s->outlier && s->outlier[i])
			out_bins[k] = 1;
	}
	return top;
}

/* A side as a histogram of rows lines on the shared axis, then a line
 * marking its outliers (x) and its median (|). */
static void pfg_view_side(struct pfg_tui *ui, const char *label, const struct pfg_query_side *s,
			  double lo, double hi, int w, int rows)
{
	size_t *bins = pfg_xcalloc((size_t)w, sizeof *bins);
	unsigned char *ob = pfg_xcalloc((size_t)w, 1);
	size_t top = pfg_bins(s, lo, hi, w, bins, ob);
	char line[2048];
	for (int r = 0; r < rows; r++) {
		size_t at = (size_t)snprintf(line, sizeof line, "%-9.9s ", r == rows - 1 ? label : "");
		for (int k = 0; k < w && at + 8 < sizeof line; k++) {
			int lvl = top ? (int)((double)bins[k] / (double)top * rows * 8 + 0.5) : 0;
			if (bins[k] && lvl < 1)
				lvl = 1;
			lvl -= (rows - 1 - r) * 8;
			lvl = lvl < 0 ? 0 : lvl > 8 ? 8 : lvl;
			at += (size_t)snprintf(line + at, sizeof line - at, "%s",
					       lvl ? pfg_tui_block(lvl) : " ");
		}
		pfg_strv_push(&ui->mlines, line);
	}
	size_t at = (size_t)snprintf(line, sizeof line, "%-9s ", "");
	int med = s->has_summary && hi > lo
		? (int)((s->sum.median - lo) / (hi - lo) * (w - 1) + 0.5) : -1;
	for (int k = 0; k < w && at + 4 < sizeof line; k++)
		line[at++] = ob[k] ? 'x' : k == med ? '|' : ' ';
	line[at] = '\0';
	pfg_strv_push(&ui->mlines, line);
	free(bins);
	free(ob);
}

/* The summary line of a side. */
static void pfg_view_side_stats(struct pfg_tui *ui, const char *label,
				const struct pfg_query_side *s, const char *unit)
{
	char m[48], md[48], sd[48];
	if (!s->has_summary) {
		pfg_strv_pushf(&ui->mlines, "%-9s no samples", label);
		return;
	}
	pfg_ui_fmt_value(s->sum.mean, unit, m, sizeof m);
	pfg_ui_fmt_value(s->sum.median, unit, md, sizeof md);
	pfg_ui_fmt_value(s->sum.stddev, unit, sd, sizeof sd);
	pfg_strv_pushf(&ui->mlines, "%-9s n %zu  mean %s  median %s  sd %s  outliers %zu", label,
		       s->n, m, md, sd, s->n_outliers);
}

/* The samples behind a verdict: baseline and current on one axis. */
static void pfg_view_dist(struct pfg_tui *ui, const struct pfg_tui_viewdata *v)
{
	char a[48], b[48], c[48], line[512];
	pfg_strv_pushf(&ui->mlines, "Samples of %s: run #%lld%s", v->bench, (long long)v->id2,
		       v->base_id ? "" : " (no approved baseline)");
	if (v->base_id)
		pfg_strv_pushf(&ui->mlines, "against baseline #%lld", (long long)v->base_id);
	if (v->has_cmp) {
		pfg_comparison_describe(&v->cmp, line, sizeof line);
		pfg_strv_push(&ui->mlines, line);
	}
	pfg_strv_push(&ui->mlines, "");
	double lo = INFINITY, hi = -INFINITY;
	const struct pfg_query_side *sides[2] = { &v->base, &v->cur };
	for (int i = 0; i < 2; i++)
		for (size_t k = 0; k < sides[i]->n; k++) {
			lo = fmin(lo, sides[i]->v[k]);
			hi = fmax(hi, sides[i]->v[k]);
		}
	if (!isfinite(lo)) {
		pfg_strv_push(&ui->mlines, "no samples stored");
		pfg_strv_push(&ui->view_keys, "Esc close");
		return;
	}
	if (hi <= lo) {
		double d = fabs(lo) * 0.01 + 1e-9;
		lo -= d;
		hi += d;
	}
	int w = pfg_view_width(ui) - 10;
	w = w > 100 ? 100 : w;
	if (v->base_id)
		pfg_view_side(ui, "baseline", &v->base, lo, hi, w, 3);
	pfg_view_side(ui, "current", &v->cur, lo, hi, w, 3);
	pfg_ui_fmt_value(lo, v->unit, a, sizeof a);
	pfg_ui_fmt_value((lo + hi) / 2, v->unit, b, sizeof b);
	pfg_ui_fmt_value(hi, v->unit, c, sizeof c);
	int wa = pfg_tui_width(a), wb = pfg_tui_width(b), wc = pfg_tui_width(c);
	int gap1 = w / 2 - wa - wb / 2, gap2 = w - wa - gap1 - wb - wc;
	snprintf(line, sizeof line, "%-9s %s%*s%s%*s%s", "", a, gap1 > 1 ? gap1 : 1, "", b,
		 gap2 > 1 ? gap2 : 1, "", c);
	pfg_strv_push(&ui->mlines, line);
	pfg_strv_push(&ui->mlines, "");
	if (v->base_id)
		pfg_view_side_stats(ui, "baseline", &v->base, v->unit);
	pfg_view_side_stats(ui, "current", &v->cur, v->unit);
	pfg_strv_push(&ui->mlines, "x: outliers (Tukey's fences), |: the median");
	pfg_strv_push(&ui->view_keys, "j/k scroll  Esc close");
}

/* Lay out the open view's lines (again). */
void pfg_ui_view_lines(struct pfg_tui *ui)
{
	const struct pfg_tui_viewdata *v = ui->view;
	pfg_strv_release(&ui->mlines);
	pfg_strv_release(&ui->view_keys);
	if (!v)
		return;
	if (v->error)
		pfg_strv_pushf(&ui->mlines, "could not read everything: %s", v->error);
	switch (v->view) {
	case PFG_VIEW_AUDIT:
		pfg_view_audit(ui, v);
		break;
	case PFG_VIEW_RUNS:
		pfg_view_runs(ui, v);
		break;
	case PFG_VIEW_RUN:
		pfg_view_run(ui, v);
		break;
	case PFG_VIEW_COMPARE:
		pfg_view_compare(ui, v);
		break;
	case PFG_VIEW_DIST:
		pfg_view_dist(ui, v);
		break;
	}
	ui->mdirty = 1;
}

/* Show the view data v (ownership passes). */
void pfg_ui_view_open(struct pfg_tui *ui, struct pfg_tui_viewdata *v)
{
	int keep = ui->modal == PFG_MODAL_VIEW && ui->view && ui->view->view == v->view &&
		   v->view == PFG_VIEW_RUNS;
	size_t sel = keep ? ui->view_sel : 0;
	pfg_ui_modal_close(ui);
	ui->view = v;
	ui->view_sel = sel < v->n_runs ? sel : 0;
	ui->modal = PFG_MODAL_VIEW;
	pfg_ui_view_lines(ui);
}

/* The selected run of the runs view, or NULL. */
static const struct pfg_run_row *pfg_view_sel_run(const struct pfg_tui *ui)
{
	if (!ui->view || ui->view->view != PFG_VIEW_RUNS || ui->view_sel >= ui->view->n_runs)
		return NULL;
	return &ui->view->runs[ui->view_sel];
}

/* Keys of the runs view; returns 1 when used. */
static int pfg_view_runs_key(struct pfg_tui *ui, int k)
{
	const struct pfg_run_row *r = pfg_view_sel_run(ui);
	size_t n = ui->view->n_runs;
	if ((k == 'j' || k == KEY_DOWN) && ui->view_sel + 1 < n)
		ui->view_sel++;
	else if ((k == 'k' || k == KEY_UP) && ui->view_sel > 0)
		ui->view_sel--;
	else if (k == '\n' || k == '\r' || k == KEY_ENTER) {
		if (r)
			pfg_ui_request_view(ui, PFG_VIEW_RUN, r->id, 0);
	} else if (k == 'm' || k == ' ') {
		if (!r)
			return 1;
		int64_t *m = ui->view_mark;
		if (m[0] == r->id)
			m[0] = m[1], m[1] = 0;
		else if (m[1] == r->id)
			m[1] = 0;
		else if (!m[0])
			m[0] = r->id;
		else if (!m[1])
			m[1] = r->id;
		else
			m[0] = m[1], m[1] = r->id;
		pfg_ui_view_lines(ui);
	} else if (k == 'c') {
		if (!ui->view_mark[0] || !ui->view_mark[1]) {
			pfg_ui_notice(ui, 1, "mark two runs with m first (%d marked)",
				      !!ui->view_mark[0] + !!ui->view_mark[1]);
			return 1;
		}
		int64_t a = ui->view_mark[0] < ui->view_mark[1] ? ui->view_mark[0] : ui->view_mark[1];
		int64_t b = ui->view_mark[0] < ui->view_mark[1] ? ui->view_mark[1] : ui->view_mark[0];
		pfg_ui_request_view(ui, PFG_VIEW_COMPARE, a, b);
	} else {
		return 0;
	}
	ui->mdirty = 1;
	return 1;
}

/* Keys of an open view; returns 1 when used (every key is). */
int pfg_ui_view_key(struct pfg_tui *ui, int k)
{
	enum pfg_tui_view view = ui->view ? ui->view->view : PFG_VIEW_AUDIT;
	if (view == PFG_VIEW_RUNS && pfg_view_runs_key(ui, k))
		return 1;
	if (k == PFG_KEY_ESC || k == 'q' || k == KEY_BACKSPACE || k == 127) {
		pfg_ui_modal_close(ui);
		if (view == PFG_VIEW_RUN || view == PFG_VIEW_COMPARE)
			pfg_ui_request_view(ui, PFG_VIEW_RUNS, 0, 0);
		return 1;
	}
	if (k == 'j' || k == KEY_DOWN)
		ui->mscroll++;
	else if (k == 'k' || k == KEY_UP)
		ui->mscroll--;
	else if (k == KEY_NPAGE || k == ' ')
		ui->mscroll += 10;
	else if (k == KEY_PPAGE)
		ui->mscroll -= 10;
	else if (k == 'g' || k == KEY_HOME)
		ui->mscroll = 0;
	else if (k == 'G' || k == KEY_END)
		ui->mscroll = 1 << 20;
	else if (k != KEY_RESIZE && k != KEY_MOUSE)
		pfg_ui_notice(ui, 1, "not in this view: Esc closes it first");
	ui->mdirty = 1;
	return 1;
}
