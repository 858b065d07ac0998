/* pane_live.c: pane 2, the queue, the benchmark running now and the
 * latest results. */
#include "ui.h"

#include <math.h>
#include <stdlib.h>

/* Seconds since t0 (monotonic ns), for people. */
static void pfg_elapsed(int64_t t0, char *buf, size_t len)
{
	double s = (double)(pfg_now_ns() - t0) / 1e9;
	if (s < 60)
		snprintf(buf, len, "%.1f s", s);
	else
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)s % 60);
}

/* A finished benchmark at y: the name (elided in the middle, at least 10
 * cells) and the value first, then the change, then the spread and the
 * number of samples, each while there is room. */
static void pfg_live_logline(WINDOW *w, int y, int iw, const struct pfg_tui_logline *l)
{
	char name[256], line[1024];
	int avail = iw - 2 - 2;
	int vw = pfg_tui_width(l->value), nw = pfg_tui_width(l->bench);
	int cw = *l->change ? pfg_tui_width(l->change) + 2 : 0;
	int sw = *l->spread ? pfg_tui_width(l->spread) + 1 : 0;
	int name_min = nw < 10 ? nw : 10;
	if (avail - 2 - vw - cw - sw < name_min)
		sw = 0;
	if (avail - 2 - vw - cw < name_min)
		cw = 0;
	int name_w = avail - 2 - vw - cw - sw;
	name_w = name_w < name_min ? name_min : name_w > nw ? nw : name_w;
	pfg_ui_elide(l->bench, name_w, name, sizeof name);
	snprintf(line, sizeof line, "%s %s  %s%s%s%s%s", pfg_tui_glyph(l->ok ? "ok" : "fail"), name,
		 l->value, sw ? " " : "", sw ? l->spread : "", cw ? "  " : "", cw ? l->change : "");
	pfg_ui_put(w, y, 2, iw - 2, pfg_tui_attr(l->el), line);
}

/* Pane 2: the queue, the benchmark running now, and the latest results. */
void pfg_ui_draw_live(struct pfg_tui *ui)
{
	WINDOW *w = ui->win[PFG_PANE_LIVE];
	int h, wd;
	getmaxyx(w, h, wd);
	struct pfg_strv queue = { 0 };
	int busy;
	char *current;
	pfg_tui_jobq_peek(&ui->runner.q, &queue, &busy, &current);
	pfg_ui_frame(ui, PFG_PANE_LIVE, busy ? "running" : "idle");
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
			   ui->cfg ? "idle: r runs the selection"
				   : "no config: runs are disabled");
	}
	if ((ui->quitting || ui->cancel_sent) && busy)
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
		pfg_live_logline(w, y++, iw, &ui->log[i]);
	pfg_strv_release(&queue);
	free(current);
}
