/* pane_alerts.c: pane 4, the alerts by severity and state. */
#include "ui.h"

#include <string.h>

/* Pane 4: alerts by severity and state. */
void pfg_ui_draw_alerts(struct pfg_tui *ui)
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
	pfg_ui_frame(ui, PFG_PANE_ALERTS, extra);
	int iw = wd - 2, y = 1;
	if (!ui->snap)
		return;
	if (ui->n_alert_rows == 0) {
		pfg_ui_put(w, y, 2, iw - 2, pfg_tui_attr(PFG_EL_OK), "no alerts");
		return;
	}
	/* Columns by priority: the benchmark (what is left, elided in the
	 * middle), the change, the state, the severity (also the change's
	 * colour) dropped first. */
	int name_need = 9;
	for (size_t r = 0; r < ui->n_alert_rows; r++) {
		const struct pfg_query_alert *a = &ui->snap->alerts[ui->alert_rows[r]];
		int nw = pfg_tui_width(a->bench) +
			 (a->kind != PFG_ALERT_REGRESSION ? 1 + pfg_tui_width(pfg_alert_kind_name(a->kind)) : 0);
		name_need = nw > name_need ? nw : name_need;
	}
	int name_min = name_need < 12 ? name_need : 12;
	int avail = iw - 2, chg_w = 8, st_w = 8, sev_w = 8;
	if (avail - chg_w - 1 - st_w - 1 - sev_w - 1 < name_min)
		sev_w = 0;
	if (avail - chg_w - 1 - st_w - 1 - (sev_w ? sev_w + 1 : 0) < name_min)
		st_w = 0;
	int x = 2, sev_x = x;
	x += sev_w ? sev_w + 1 : 0;
	int chg_x = x;
	x += chg_w + 1;
	int st_x = x;
	x += st_w ? st_w + 1 : 0;
	int name_x = x, name_w = iw - name_x;
	int ha = pfg_tui_attr(PFG_EL_HEADER);
	if (sev_w)
		pfg_ui_put(w, y, sev_x, sev_w, ha, "severity");
	pfg_ui_put(w, y, chg_x, chg_w, ha, "  change");
	if (st_w)
		pfg_ui_put(w, y, st_x, st_w, ha, "state");
	pfg_ui_put(w, y, name_x, name_w, ha, "benchmark");
	y++;
	int vis = h - 1 - y;
	if (vis < 1)
		return;
	if (ui->sel_alert < ui->top_alert)
		ui->top_alert = ui->sel_alert;
	if (ui->sel_alert >= ui->top_alert + (size_t)vis)
		ui->top_alert = ui->sel_alert - (size_t)vis + 1;
	char line[512], name[512];
	for (size_t r = ui->top_alert; r < ui->n_alert_rows && y < h - 1; r++, y++) {
		const struct pfg_query_alert *a = &ui->snap->alerts[ui->alert_rows[r]];
		int sel = r == ui->sel_alert;
		int base = sel ? (ui->focus == PFG_PANE_ALERTS ? pfg_tui_attr(PFG_EL_SELECTED)
							      : (int)A_REVERSE)
			       : 0;
		int closed = !pfg_alert_state_is_open(a->state);
		enum pfg_tui_el sev_el = closed ? PFG_EL_DIM : pfg_tui_severity_el(a->severity);
		if (sel) {
			wattron(w, base);
			mvwhline(w, y, 1, ' ', iw);
			wattroff(w, base);
		}
		if (sev_w)
			pfg_ui_put(w, y, sev_x, sev_w, PFG_SEL_ATTR(sev_el),
				   pfg_severity_name(a->severity));
		snprintf(line, sizeof line, "%+7.1f%%", a->change_pct);
		pfg_ui_put(w, y, chg_x, chg_w, PFG_SEL_ATTR(sev_el), line);
		if (st_w) {
			/* States in eight cells; the detail spells them out. */
			const char *st = a->state == PFG_ALERT_ACKNOWLEDGED ? "ack'd"
				       : a->state == PFG_ALERT_INVESTIGATING ? "invest."
				       : pfg_alert_state_name(a->state);
			snprintf(line, sizeof line, "%s%s", st, a->recovered ? "*" : "");
			pfg_ui_put(w, y, st_x, st_w,
				   (sel ? base : closed ? pfg_tui_attr(PFG_EL_DIM) : 0), line);
		}
		snprintf(line, sizeof line, "%s%s%s", a->bench,
			 a->kind != PFG_ALERT_REGRESSION ? " " : "",
			 a->kind != PFG_ALERT_REGRESSION ? pfg_alert_kind_name(a->kind) : "");
		pfg_ui_elide(line, name_w, name, sizeof name);
		pfg_ui_put(w, y, name_x, name_w, base, name);
	}
}
