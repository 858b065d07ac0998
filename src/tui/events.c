/* events.c: the workers' messages on the UI thread: the overview, a
 * trend or an alert's detail arriving, notices, and the engine's events
 * folded into the live pane. */
#include "ui.h"

#include <stdio.h>
#include <string.h>

/* Fold an engine event into the live pane. */
static void pfg_run_event(struct pfg_tui *ui, const struct pfg_tui_run_ev *r)
{
	char v[48], s[48];
	ui->dirty[PFG_PANE_LIVE] = 1;
	switch (r->kind) {
	case PFG_EVENT_RUN_START:
		ui->live_active = 1;
		ui->live_run = r->run_id;
		ui->live_nb = r->n_benches;
		ui->live_bench[0] = '\0';
		ui->live_run_t0 = pfg_now_ns();
		ui->dirty_status = 1;
		break;
	case PFG_EVENT_BENCH_START:
		snprintf(ui->live_bench, sizeof ui->live_bench, "%s", r->bench);
		snprintf(ui->live_unit, sizeof ui->live_unit, "%s", r->unit);
		ui->live_bi = r->bench_index;
		ui->live_nb = r->n_benches;
		ui->live_ri = ui->live_nr = 0;
		ui->n_live_samples = 0;
		ui->live_bench_t0 = pfg_now_ns();
		break;
	case PFG_EVENT_SAMPLE:
		ui->live_ri = r->run_index;
		ui->live_nr = r->n_runs;
		ui->live_warm = r->warmup;
		ui->live_confirm = r->confirming;
		if (!r->warmup) {
			if (ui->n_live_samples == PFG_LIVE_SAMPLES) {
				memmove(ui->live_samples, ui->live_samples + 1,
					(PFG_LIVE_SAMPLES - 1) * sizeof *ui->live_samples);
				ui->n_live_samples--;
			}
			ui->live_samples[ui->n_live_samples++] = r->value;
		}
		break;
	case PFG_EVENT_BENCH_DONE: {
		if (ui->n_log == PFG_LOG_MAX) {
			memmove(ui->log, ui->log + 1, (PFG_LOG_MAX - 1) * sizeof *ui->log);
			ui->n_log--;
		}
		struct pfg_tui_logline *l = &ui->log[ui->n_log++];
		memset(l, 0, sizeof *l);
		l->ok = r->ok;
		snprintf(l->bench, sizeof l->bench, "%s", r->bench);
		if (r->ok) {
			pfg_ui_fmt_value(r->mean, r->unit, v, sizeof v);
			pfg_ui_fmt_value(r->stddev, r->unit, s, sizeof s);
			snprintf(l->value, sizeof l->value, "%s", v);
			snprintf(l->spread, sizeof l->spread, "%s %s  n %zu", pfg_tui_glyph("pm"), s,
				 r->n);
			l->el = PFG_EL_OK;
			if (r->has_cmp && r->verdict != PFG_VERDICT_NO_BASELINE) {
				int sev = r->severity != PFG_SEVERITY_NONE;
				snprintf(l->change, sizeof l->change, "%+.1f%% %s%s%s",
					 r->change_pct, pfg_verdict_name(r->verdict), sev ? " " : "",
					 sev ? pfg_severity_name(r->severity) : "");
				if (r->verdict == PFG_VERDICT_REGRESSION)
					l->el = pfg_tui_severity_el(r->severity);
				else if (r->verdict == PFG_VERDICT_IMPROVEMENT)
					l->el = PFG_EL_IMPROVED;
			} else if (r->has_cmp) {
				snprintf(l->change, sizeof l->change, "no baseline");
			}
		} else {
			snprintf(l->value, sizeof l->value, "%s", r->error);
			l->el = PFG_EL_FAILED;
		}
		pfg_ui_request_snapshot(ui);
		break;
	}
	case PFG_EVENT_RUN_DONE:
		ui->live_active = 0;
		ui->dirty_status = 1;
		break;
	}
}

/* Handle one message from a worker; frees it. */
void pfg_ui_message(struct pfg_tui *ui, struct pfg_tui_msg *m)
{
	switch (m->kind) {
	case PFG_MSG_SNAPSHOT:
		pfg_tui_snapshot_free(ui->snap);
		ui->snap = m->snap;
		m->snap = NULL;
		if (ui->trace)
			fprintf(ui->trace, "snapshot %zu benchmarks %zu alerts load_ms %.1f\n",
				ui->snap->n, ui->snap->n_alerts, (double)ui->snap->load_ns / 1e6);
		pfg_ui_rebuild(ui);
		pfg_ui_request_trend(ui, 1);
		pfg_ui_dirty_all(ui);
		break;
	case PFG_MSG_TREND: {
		const struct pfg_query_bench *b = pfg_ui_trend_bench(ui);
		if (b && b->id == m->trend->bench_id) {
			pfg_tui_trend_free(ui->trend);
			ui->trend = m->trend;
			m->trend = NULL;
			ui->dirty[PFG_PANE_TRENDS] = 1;
		}
		break;
	}
	case PFG_MSG_DETAIL:
		if (ui->modal == PFG_MODAL_NONE || ui->modal == PFG_MODAL_DETAIL) {
			int scroll = ui->modal == PFG_MODAL_DETAIL ? ui->mscroll : 0;
			pfg_ui_modal_close(ui);
			ui->detail = m->detail;
			m->detail = NULL;
			pfg_ui_detail_lines(ui);
			ui->mscroll = scroll;
			ui->modal = PFG_MODAL_DETAIL;
			ui->mdirty = 1;
		}
		break;
	case PFG_MSG_NOTICE:
		pfg_ui_notice(ui, m->is_error, "%s", m->text);
		break;
	case PFG_MSG_RUN:
		pfg_run_event(ui, &m->run);
		break;
	case PFG_MSG_RUN_IDLE:
		ui->live_active = 0;
		snprintf(ui->last_run, sizeof ui->last_run, "%s", m->text ? m->text : "");
		ui->last_run_err = m->is_error;
		if (ui->cancel_sent && !ui->quitting && !pfg_ui_run_pending(ui)) {
			/* A run cancelled with c: the next one may go. */
			pfg_engine_session_rearm(ui->ch.session);
			ui->cancel_sent = 0;
		}
		if (ui->notice_queued) {
			ui->notice[0] = '\0';
			ui->notice_queued = 0;
			ui->dirty_hints = 1;
		}
		if (m->is_error)
			pfg_ui_notice(ui, 1, "%s", m->text ? m->text : "run failed");
		ui->dirty[PFG_PANE_LIVE] = 1;
		pfg_ui_request_snapshot(ui);
		break;
	case PFG_MSG_VIEW:
		if (ui->modal == PFG_MODAL_NONE || ui->modal == PFG_MODAL_VIEW ||
		    ui->modal == PFG_MODAL_DETAIL) {
			pfg_ui_view_open(ui, m->view);
			m->view = NULL;
		}
		break;
	case PFG_MSG_CHANGED:
		if (m->done.kind)
			ui->last_done = m->done;
		pfg_ui_request_snapshot(ui);
		if (ui->modal == PFG_MODAL_DETAIL && ui->detail) {
			struct pfg_tui_job *j = pfg_ui_job(PFG_JOB_DETAIL);
			j->id = ui->detail->alert.id;
			j->text = pfg_xstrdup(ui->detail->unit);
			pfg_tui_jobq_push(&ui->reader.q, j);
		}
		break;
	}
	pfg_tui_msg_free(m);
}
