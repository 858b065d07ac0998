/* actions.c: what the operator's keys do on the UI thread: the tree's
 * rows and selection, folds and the filter, and the jobs handed to the
 * workers (reload, trend, run, propose, decide, triage an alert). */
#include "ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Show a notice on the hint line for a few seconds. */
__attribute__((format(printf, 3, 4)))
void pfg_ui_notice(struct pfg_tui *ui, int is_error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->notice, sizeof ui->notice, fmt, ap);
	va_end(ap);
	ui->notice_err = is_error;
	ui->notice_queued = 0;
	ui->notice_until = pfg_now_ns() + (is_error ? 8 : 5) * 1000000000LL;
	ui->dirty_hints = 1;
}

/* A new job of kind for a worker. */
struct pfg_tui_job *pfg_ui_job(enum pfg_tui_job_kind kind)
{
	struct pfg_tui_job *j = pfg_xcalloc(1, sizeof *j);
	j->kind = kind;
	return j;
}

/* Nonzero when the component is folded. */
static int pfg_folded(const struct pfg_tui *ui, const char *comp)
{
	for (size_t i = 0; i < ui->collapsed.n; i++)
		if (strcmp(ui->collapsed.v[i], comp) == 0)
			return 1;
	return 0;
}

/* Nonzero when text passes the filter (a glob, else a substring). */
static int pfg_match(const struct pfg_tui *ui, const char *text)
{
	if (!*ui->filter)
		return 1;
	if (strpbrk(ui->filter, "*?["))
		return pfg_glob_match(ui->filter, text);
	return strcasestr(text, ui->filter) != NULL;
}

/* The benchmark row selected in the tree, or NULL. */
static const struct pfg_query_bench *pfg_sel_bench(const struct pfg_tui *ui)
{
	if (!ui->snap || ui->sel_row >= ui->n_rows || ui->rows[ui->sel_row].is_comp)
		return NULL;
	return &ui->snap->b[ui->rows[ui->sel_row].bench];
}

/* The alert selected in the alerts pane, or NULL. */
const struct pfg_query_alert *pfg_ui_sel_alert(const struct pfg_tui *ui)
{
	if (!ui->snap || ui->sel_alert >= ui->n_alert_rows)
		return NULL;
	return &ui->snap->alerts[ui->alert_rows[ui->sel_alert]];
}

/* The benchmark the trends pane shows. */
const struct pfg_query_bench *pfg_ui_trend_bench(const struct pfg_tui *ui)
{
	if (ui->focus == PFG_PANE_ALERTS && ui->snap) {
		const struct pfg_query_alert *a = pfg_ui_sel_alert(ui);
		for (size_t i = 0; a && i < ui->snap->n; i++)
			if (ui->snap->b[i].id == a->bench_id)
				return &ui->snap->b[i];
	}
	return pfg_sel_bench(ui);
}

/* Ask the reader for the trend of the benchmark pane 3 shows. */
void pfg_ui_request_trend(struct pfg_tui *ui, int force)
{
	const struct pfg_query_bench *b = pfg_ui_trend_bench(ui);
	if (!b || (!force && ui->trend && ui->trend->bench_id == b->id))
		return;
	struct pfg_tui_job *j = pfg_ui_job(PFG_JOB_TREND);
	j->id = b->id;
	j->text = pfg_xstrdup(b->unit);
	pfg_tui_jobq_push(&ui->reader.q, j);
	ui->dirty[PFG_PANE_TRENDS] = 1;
}

/* Remember what is selected, so a reload keeps it. */
void pfg_ui_selection_moved(struct pfg_tui *ui)
{
	ui->sel_bench_id = 0;
	ui->sel_component[0] = '\0';
	if (ui->snap && ui->sel_row < ui->n_rows) {
		const struct pfg_tui_row *r = &ui->rows[ui->sel_row];
		const struct pfg_query_bench *b = &ui->snap->b[r->bench];
		if (r->is_comp)
			snprintf(ui->sel_component, sizeof ui->sel_component, "%s", b->component);
		else
			ui->sel_bench_id = b->id;
	}
	const struct pfg_query_alert *a = pfg_ui_sel_alert(ui);
	ui->sel_alert_id = a ? a->id : 0;
	ui->dirty[PFG_PANE_BASELINES] = ui->dirty[PFG_PANE_TRENDS] = 1;
	ui->dirty[PFG_PANE_ALERTS] = 1;
	pfg_ui_request_trend(ui, 0);
}

/* Rebuild the tree's and the alerts' rows from the snapshot, the folds
 * and the filter, keeping the selection where it can. */
void pfg_ui_rebuild(struct pfg_tui *ui)
{
	free(ui->rows);
	free(ui->alert_rows);
	ui->rows = NULL;
	ui->alert_rows = NULL;
	ui->n_rows = ui->n_alert_rows = 0;
	if (!ui->snap)
		return;
	const struct pfg_query_overview *s = ui->snap;
	ui->rows = pfg_xcalloc(2 * s->n + 1, sizeof *ui->rows);
	const char *comp = NULL;
	size_t comp_row = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct pfg_query_bench *b = &s->b[i];
		if (!pfg_match(ui, b->full))
			continue;
		if (!comp || strcmp(comp, b->component) != 0) {
			comp = b->component;
			comp_row = ui->n_rows;
			ui->rows[ui->n_rows++] = (struct pfg_tui_row){ .is_comp = 1, .bench = i };
		}
		ui->rows[comp_row].n_children++;
		if (!pfg_folded(ui, b->component))
			ui->rows[ui->n_rows++] = (struct pfg_tui_row){ .bench = i };
	}
	size_t sel = ui->sel_row < ui->n_rows ? ui->sel_row : ui->n_rows ? ui->n_rows - 1 : 0;
	for (size_t r = 0; r < ui->n_rows; r++) {
		const struct pfg_query_bench *b = &s->b[ui->rows[r].bench];
		if ((ui->rows[r].is_comp && *ui->sel_component &&
		     strcmp(b->component, ui->sel_component) == 0) ||
		    (!ui->rows[r].is_comp && ui->sel_bench_id && b->id == ui->sel_bench_id)) {
			sel = r;
			break;
		}
	}
	/* Start on the first benchmark rather than on a component. */
	if (!ui->sel_bench_id && !*ui->sel_component && ui->n_rows > 1)
		sel = 1;
	ui->sel_row = sel;

	ui->alert_rows = pfg_xcalloc(s->n_alerts + 1, sizeof *ui->alert_rows);
	size_t asel = ui->sel_alert;
	for (size_t i = 0; i < s->n_alerts; i++) {
		if (!pfg_match(ui, s->alerts[i].bench))
			continue;
		if (s->alerts[i].id == ui->sel_alert_id)
			asel = ui->n_alert_rows;
		ui->alert_rows[ui->n_alert_rows++] = i;
	}
	ui->sel_alert = asel < ui->n_alert_rows ? asel : ui->n_alert_rows ? ui->n_alert_rows - 1 : 0;
	pfg_ui_selection_moved(ui);
}

/* Ask the reader for a fresh overview. */
void pfg_ui_request_snapshot(struct pfg_tui *ui)
{
	pfg_tui_jobq_push(&ui->reader.q, pfg_ui_job(PFG_JOB_SNAPSHOT));
}

/* Fold (fold > 0), unfold (< 0) or toggle (0) the selected component. */
void pfg_ui_fold(struct pfg_tui *ui, int fold)
{
	if (!ui->snap || ui->sel_row >= ui->n_rows)
		return;
	const char *comp = ui->snap->b[ui->rows[ui->sel_row].bench].component;
	int folded = pfg_folded(ui, comp);
	if (fold == 0)
		fold = folded ? -1 : 1;
	if (fold > 0 && !folded) {
		pfg_strv_push(&ui->collapsed, comp);
	} else if (fold < 0 && folded) {
		struct pfg_strv keep = { 0 };
		for (size_t i = 0; i < ui->collapsed.n; i++)
			if (strcmp(ui->collapsed.v[i], comp) != 0)
				pfg_strv_push(&keep, ui->collapsed.v[i]);
		pfg_strv_release(&ui->collapsed);
		ui->collapsed = keep;
	}
	/* Land on the component's row. */
	snprintf(ui->sel_component, sizeof ui->sel_component, "%s", comp);
	ui->sel_bench_id = 0;
	pfg_ui_rebuild(ui);
}

/* Nonzero while the runner holds or waits for a run. */
int pfg_ui_run_pending(struct pfg_tui *ui)
{
	struct pfg_strv q = { 0 };
	int busy;
	char *cur;
	pfg_tui_jobq_peek(&ui->runner.q, &q, &busy, &cur);
	int pending = busy || q.n;
	pfg_strv_release(&q);
	free(cur);
	return pending;
}

/* Stop what runs and leave once the runner is idle. */
void pfg_ui_cancel_and_quit(struct pfg_tui *ui)
{
	ui->quitting = 1;
	pfg_tui_jobq_clear(&ui->runner.q);
	if (!ui->cancel_sent) {
		ui->cancel_sent = 1;
		pfg_engine_session_cancel(ui->ch.session);
	}
	ui->dirty[PFG_PANE_LIVE] = 1;
	pfg_ui_notice(ui, 0, "cancelling the run; the dashboard closes when it has stopped");
}

/* q: leave, asking first while a run is in progress. */
void pfg_ui_begin_quit(struct pfg_tui *ui, int ask)
{
	if (!pfg_ui_run_pending(ui)) {
		ui->quit = 1;
		return;
	}
	if (!ask) {
		pfg_ui_cancel_and_quit(ui);
		return;
	}
	pfg_ui_modal_close(ui);
	pfg_strv_pushf(&ui->mlines, "A run is in progress%s%s.", *ui->live_bench ? ": " : "",
		       ui->live_bench);
	pfg_strv_push(&ui->mlines, "Quit and cancel it? What finished is kept and the run");
	pfg_strv_push(&ui->mlines, "is marked interrupted.");
	ui->confirm_act = PFG_CONFIRM_QUIT;
	ui->modal = PFG_MODAL_CONFIRM;
	ui->mdirty = 1;
}

/* r and R: queue a run of patterns (none: all). */
void pfg_ui_queue_run(struct pfg_tui *ui, int all)
{
	if (!ui->cfg) {
		pfg_ui_notice(ui, 1, "%s", ui->cfg_problem ? ui->cfg_problem : "no config");
		return;
	}
	if (ui->quitting)
		return;
	if (ui->cancel_sent) {
		pfg_ui_notice(ui, 1, "the run is being cancelled: queue again once it stopped");
		return;
	}
	struct pfg_tui_job *j = pfg_ui_job(PFG_JOB_RUN);
	if (all) {
		j->label = pfg_xstrdup("all");
	} else {
		const char *target = NULL;
		if (ui->focus == PFG_PANE_ALERTS) {
			const struct pfg_query_alert *a = pfg_ui_sel_alert(ui);
			target = a ? a->bench : NULL;
		} else if (ui->snap && ui->sel_row < ui->n_rows) {
			const struct pfg_tui_row *r = &ui->rows[ui->sel_row];
			const struct pfg_query_bench *b = &ui->snap->b[r->bench];
			target = r->is_comp ? b->component : b->full;
		}
		if (!target) {
			pfg_tui_job_free(j);
			pfg_ui_notice(ui, 1, "nothing selected to run");
			return;
		}
		int known = 0;
		for (size_t i = 0; i < ui->cfg->n_benchmarks; i++)
			known |= strcmp(ui->cfg->benchmarks[i].id, target) == 0 ||
				 strcmp(ui->cfg->benchmarks[i].component, target) == 0;
		if (!known) {
			pfg_tui_job_free(j);
			pfg_ui_notice(ui, 1, "%s is not in the config %s", target, ui->cfg->path);
			return;
		}
		pfg_strv_push(&j->patterns, target);
		j->label = pfg_xstrdup(target);
	}
	pfg_ui_notice(ui, 0, "queued a run of %s", j->label);
	ui->notice_queued = 1;
	pfg_tui_jobq_push(&ui->runner.q, j);
	ui->dirty[PFG_PANE_LIVE] = 1;
}

/* The benchmark actions apply to: the alert's in the alerts pane, else
 * the tree's selection. NULL with a notice when there is none. */
static const struct pfg_query_bench *pfg_action_bench(struct pfg_tui *ui)
{
	const struct pfg_query_bench *b = ui->focus == PFG_PANE_LIVE ? NULL
					  : pfg_ui_trend_bench(ui);
	if (!b && ui->focus == PFG_PANE_BASELINES && ui->snap && ui->sel_row < ui->n_rows)
		pfg_ui_notice(ui, 1, "%s is a component: select one of its benchmarks",
			      ui->snap->b[ui->rows[ui->sel_row].bench].component);
	else if (!b)
		pfg_ui_notice(ui, 1, "select a benchmark (pane 1) or an alert (pane 4) first");
	return b;
}

/* b: propose a baseline from the latest run of the selection. */
void pfg_ui_propose(struct pfg_tui *ui)
{
	const struct pfg_query_bench *b = pfg_action_bench(ui);
	if (!b)
		return;
	struct pfg_tui_job *j = pfg_ui_job(PFG_JOB_PROPOSE);
	j->text = pfg_xstrdup(b->full);
	pfg_tui_jobq_push(&ui->reader.q, j);
}

static void pfg_confirm_with_note(struct pfg_tui *ui, struct pfg_tui_job *j, int back);

/* a and x: confirm, showing what changes, then approve or reject. */
void pfg_ui_decide(struct pfg_tui *ui, enum pfg_baseline_state to)
{
	const struct pfg_query_bench *b = pfg_action_bench(ui);
	if (!b)
		return;
	if (!b->proposed_id) {
		pfg_ui_notice(ui, 1, "%s has no proposed baseline: b proposes one from its "
			   "latest run", b->full);
		return;
	}
	char pv[48], av[48];
	pfg_ui_fmt_value(b->proposed_mean, b->unit, pv, sizeof pv);
	pfg_ui_modal_close(ui);
	pfg_strv_release(&ui->mlines);
	int approve = to == PFG_BASELINE_APPROVED;
	pfg_strv_pushf(&ui->mlines, "%s baseline #%lld of %s?", approve ? "Approve" : "Reject",
		       (long long)b->proposed_id, b->full);
	pfg_strv_push(&ui->mlines, "");
	pfg_strv_pushf(&ui->mlines, "proposed:  mean %s (n %zu)", pv, b->proposed_n);
	if (b->approved_id) {
		pfg_ui_fmt_value(b->approved_mean, b->unit, av, sizeof av);
		double d = b->approved_mean != 0
			? 100.0 * (b->proposed_mean - b->approved_mean) / b->approved_mean : 0;
		pfg_strv_pushf(&ui->mlines, "approved:  #%lld, mean %s (n %zu)",
			       (long long)b->approved_id, av, b->approved_n);
		if (approve)
			pfg_strv_pushf(&ui->mlines, "It supersedes the approved one: later runs "
				       "are judged against a mean %+.1f%% from it.", d);
		else
			pfg_strv_push(&ui->mlines, "The approved baseline stays in force.");
	} else {
		pfg_strv_push(&ui->mlines, approve ? "No approved baseline yet: later runs are "
				      "judged against this one."
				    : "The benchmark stays without an approved baseline.");
	}
	struct pfg_tui_job *j = pfg_ui_job(PFG_JOB_DECIDE);
	j->id = b->proposed_id;
	j->baseline_to = to;
	pfg_confirm_with_note(ui, j, 0);
}

/* The alert a triage key acts on: the detail's, the alerts pane's
 * selection, or the newest alert of the benchmark the focused pane shows
 * (open ones; closed ones for reopen). Fills which with "alert #N of
 * bench" and *derived when it came from a benchmark; returns its id, or 0
 * with a notice saying why there is none. */
static int64_t pfg_target_alert(struct pfg_tui *ui, const char *verb, int reopen,
				char *which, size_t len, int *derived,
				enum pfg_alert_state *state)
{
	*derived = 0;
	if (ui->modal == PFG_MODAL_DETAIL && ui->detail) {
		const struct pfg_alert *a = &ui->detail->alert;
		snprintf(which, len, "alert #%lld of %s", (long long)a->id, a->bench ? a->bench : "?");
		*state = a->state;
		return a->id;
	}
	if (!ui->snap) {
		pfg_ui_notice(ui, 1, "still loading");
		return 0;
	}
	if (ui->focus == PFG_PANE_ALERTS) {
		const struct pfg_query_alert *a = pfg_ui_sel_alert(ui);
		if (!a) {
			pfg_ui_notice(ui, 1, "no alert to %s: %s", verb,
				      *ui->filter ? "none matches the filter" : "there are none");
			return 0;
		}
		snprintf(which, len, "alert #%lld of %s", (long long)a->id, a->bench);
		*state = a->state;
		return a->id;
	}
	if (ui->focus == PFG_PANE_LIVE) {
		pfg_ui_notice(ui, 1, "nothing to %s in pane 2: select an alert (4) or a "
			      "benchmark (1)", verb);
		return 0;
	}
	const struct pfg_query_bench *b = pfg_ui_trend_bench(ui);
	if (!b) {
		pfg_ui_notice(ui, 1, "nothing to %s: a component is selected; select one of "
			      "its benchmarks or an alert (4)", verb);
		return 0;
	}
	const struct pfg_query_alert *best = NULL;
	for (size_t i = 0; i < ui->snap->n_alerts; i++) {
		const struct pfg_query_alert *a = &ui->snap->alerts[i];
		if (a->bench_id != b->id || pfg_alert_state_is_open(a->state) == reopen)
			continue;
		if (!best || a->created_at > best->created_at ||
		    (a->created_at == best->created_at && a->id > best->id))
			best = a;
	}
	if (!best) {
		pfg_ui_notice(ui, 1, "%s has no %s alert to %s", b->full,
			      reopen ? "closed" : "open", verb);
		return 0;
	}
	*derived = 1;
	snprintf(which, len, "alert #%lld of %s", (long long)best->id, best->bench);
	*state = best->state;
	return best->id;
}

/* Open the one prompt of a decision: lines already in ui->mlines, j
 * carried out with the note typed on Enter. */
static void pfg_confirm_with_note(struct pfg_tui *ui, struct pfg_tui_job *j, int back)
{
	char *unit = back && ui->detail ? pfg_xstrdup(ui->detail->unit) : NULL;
	int64_t back_id = back && ui->detail ? ui->detail->alert.id : 0;
	struct pfg_strv lines = ui->mlines;
	memset(&ui->mlines, 0, sizeof ui->mlines);
	pfg_ui_modal_close(ui);
	pfg_strv_release(&ui->mlines);
	ui->mlines = lines;
	pfg_strv_push(&ui->mlines, "");
	pfg_strv_push(&ui->mlines, "Enter confirms, Esc cancels; a note is optional.");
	ui->input_act = PFG_INPUT_CONFIRM;
	ui->input_id = back_id;
	ui->input_back = back_id != 0;
	free(ui->input_back_unit);
	ui->input_back_unit = unit;
	snprintf(ui->input_prompt, sizeof ui->input_prompt, "note:");
	ui->input[0] = '\0';
	ui->confirm_job = j;
	ui->modal = PFG_MODAL_INPUT;
	ui->mdirty = 1;
}

/* A, i, w, f, I: move the alert the focused pane shows to state to. */
void pfg_ui_alert_key(struct pfg_tui *ui, enum pfg_alert_state to)
{
	static const char *const verbs[] = {
		[PFG_ALERT_NEW] = "", [PFG_ALERT_ACKNOWLEDGED] = "acknowledge",
		[PFG_ALERT_INVESTIGATING] = "investigate", [PFG_ALERT_FIXED] = "mark fixed",
		[PFG_ALERT_INVALID] = "mark invalid", [PFG_ALERT_WONTFIX] = "mark won't fix",
	};
	char which[400];
	int derived;
	enum pfg_alert_state from;
	int reopen = to == PFG_ALERT_INVESTIGATING;
	int64_t id = pfg_target_alert(ui, verbs[to], reopen, which, sizeof which, &derived,
				      &from);
	if (!id)
		return;
	/* I on a selected open alert investigates it; on a benchmark it
	 * reopens the newest closed one (found above). */
	if (from == to) {
		pfg_ui_notice(ui, 1, "%s is %s already", which, pfg_alert_state_name(to));
		return;
	}
	if (!pfg_alert_state_is_open(from) && to != PFG_ALERT_INVESTIGATING) {
		pfg_ui_notice(ui, 1, "%s is closed (%s): I reopens it", which,
			      pfg_alert_state_name(from));
		return;
	}
	struct pfg_tui_job *j = pfg_ui_job(PFG_JOB_ALERT);
	j->id = id;
	j->alert_to = to;
	int closing = !pfg_alert_state_is_open(to);
	if (!closing && !derived) {
		pfg_tui_jobq_push(&ui->reader.q, j);
		return;
	}
	int back = ui->modal == PFG_MODAL_DETAIL;
	pfg_strv_release(&ui->mlines);
	char verb[64];
	snprintf(verb, sizeof verb, "%s", verbs[to]);
	verb[0] = (char)(verb[0] - 'a' + 'A');
	pfg_strv_pushf(&ui->mlines, "%s %s?", verb, which);
	if (derived)
		pfg_strv_pushf(&ui->mlines, "(its newest %s alert; select another in pane 4)",
			       reopen ? "closed" : "open");
	pfg_strv_pushf(&ui->mlines, "now %s; it becomes %s.", pfg_alert_state_name(from),
		       pfg_alert_state_name(to));
	if (closing)
		pfg_strv_push(&ui->mlines, "A closed alert stays closed until I reopens it.");
	pfg_confirm_with_note(ui, j, back);
}

/* n: a note on the alert the focused pane shows. */
void pfg_ui_note_key(struct pfg_tui *ui)
{
	char which[400];
	int derived;
	enum pfg_alert_state st;
	int64_t id = pfg_target_alert(ui, "note", 0, which, sizeof which, &derived, &st);
	if (!id && ui->focus != PFG_PANE_ALERTS && ui->modal != PFG_MODAL_DETAIL &&
	    pfg_ui_trend_bench(ui)) {
		/* No open alert: a note may go on a closed one. */
		ui->notice[0] = '\0';
		id = pfg_target_alert(ui, "note", 1, which, sizeof which, &derived, &st);
	}
	if (!id)
		return;
	int back = ui->modal == PFG_MODAL_DETAIL;
	char *unit = back && ui->detail ? pfg_xstrdup(ui->detail->unit) : NULL;
	char prompt[96];
	snprintf(prompt, sizeof prompt, "note:");
	pfg_ui_input_open(ui, PFG_INPUT_NOTE, id, prompt, NULL);
	pfg_strv_release(&ui->mlines);
	pfg_strv_pushf(&ui->mlines, "Add a note to %s", which);
	if (derived)
		pfg_strv_push(&ui->mlines, "(its newest alert; select another in pane 4)");
	pfg_strv_push(&ui->mlines, "Enter adds it, Esc cancels.");
	ui->input_back = back;
	free(ui->input_back_unit);
	ui->input_back_unit = unit;
}

/* u: undo the last decision of this session, or say why not. */
void pfg_ui_undo(struct pfg_tui *ui)
{
	struct pfg_tui_done *d = &ui->last_done;
	struct pfg_tui_job *j = NULL;
	switch (d->kind) {
	case 0:
		pfg_ui_notice(ui, 1, "nothing to undo: no decision made in this session");
		return;
	case PFG_JOB_ALERT:
		if (pfg_alert_state_is_open(d->to)) {
			pfg_ui_notice(ui, 1, "alert #%lld stays %s: alerts only move forward; "
				      "i, w or f close it", (long long)d->id,
				      pfg_alert_state_name(d->to));
			return;
		}
		j = pfg_ui_job(PFG_JOB_ALERT);
		j->alert_to = PFG_ALERT_INVESTIGATING;
		j->text = pfg_xasprintf("undo: reopened after it was marked %s",
					pfg_alert_state_name(d->to));
		break;
	case PFG_JOB_PROPOSE:
		j = pfg_ui_job(PFG_JOB_DECIDE);
		j->baseline_to = PFG_BASELINE_REJECTED;
		j->text = pfg_xstrdup("undo: the proposal was withdrawn");
		break;
	case PFG_JOB_DECIDE:
		pfg_ui_notice(ui, 1, "baseline #%lld stays %s: a decided baseline cannot be "
			      "undone; b proposes a new one", (long long)d->id,
			      pfg_baseline_state_name(d->bto));
		return;
	default:
		return;
	}
	j->id = d->id;
	j->undo = 1;
	pfg_tui_jobq_push(&ui->reader.q, j);
	d->kind = 0;
}

/* Open a line of input for act. */
void pfg_ui_input_open(struct pfg_tui *ui, enum pfg_input_act act, int64_t id,
			   const char *prompt, const char *initial)
{
	pfg_ui_modal_close(ui);
	ui->input_act = act;
	ui->input_id = id;
	snprintf(ui->input_prompt, sizeof ui->input_prompt, "%s", prompt);
	snprintf(ui->input, sizeof ui->input, "%s", initial ? initial : "");
	if (act == PFG_INPUT_FILTER) {
		snprintf(ui->filter_saved, sizeof ui->filter_saved, "%s", ui->filter);
		pfg_strv_push(&ui->mlines, "Filter benchmarks and alerts as you type");
		pfg_strv_push(&ui->mlines, "(substring or glob). Enter keeps it, Esc clears it.");
	} else {
		pfg_strv_push(&ui->mlines, "Add a note to the alert's history");
	}
	ui->modal = PFG_MODAL_INPUT;
	ui->mdirty = 1;
}

/* The filter follows the line as it is typed. */
void pfg_ui_filter_typed(struct pfg_tui *ui)
{
	if (strcmp(ui->filter, ui->input) == 0)
		return;
	snprintf(ui->filter, sizeof ui->filter, "%s", ui->input);
	pfg_ui_rebuild(ui);
	pfg_ui_dirty_all(ui);
}

/* Enter on an input line. */
void pfg_ui_input_done(struct pfg_tui *ui)
{
	if (ui->input_act == PFG_INPUT_FILTER) {
		snprintf(ui->filter, sizeof ui->filter, "%s", ui->input);
		pfg_ui_modal_close(ui);
		pfg_ui_rebuild(ui);
		return;
	}
	if (ui->input_act == PFG_INPUT_CONFIRM && ui->confirm_job) {
		struct pfg_tui_job *j = ui->confirm_job;
		ui->confirm_job = NULL;
		if (*ui->input) {
			free(j->text);
			j->text = pfg_xstrdup(ui->input);
		}
		pfg_tui_jobq_push(&ui->reader.q, j);
	} else if (ui->input_act == PFG_INPUT_NOTE && *ui->input) {
		struct pfg_tui_job *j = pfg_ui_job(PFG_JOB_NOTE);
		j->id = ui->input_id;
		j->text = pfg_xstrdup(ui->input);
		pfg_tui_jobq_push(&ui->reader.q, j);
	}
	int back = ui->input_back;
	int64_t id = ui->input_id;
	char *unit = ui->input_back_unit;
	ui->input_back_unit = NULL;
	ui->input_back = 0;
	pfg_ui_modal_close(ui);
	if (back) {
		/* Back to the detail the prompt was opened from, with the change. */
		struct pfg_tui_job *j = pfg_ui_job(PFG_JOB_DETAIL);
		j->id = id;
		j->text = unit;
		pfg_tui_jobq_push(&ui->reader.q, j);
	} else {
		free(unit);
	}
}

/* c or Esc while a run is going: cancel it and stay. */
void pfg_ui_cancel_run(struct pfg_tui *ui)
{
	if (!pfg_ui_run_pending(ui)) {
		pfg_ui_notice(ui, 1, "no run to cancel");
		return;
	}
	size_t dropped = pfg_tui_jobq_clear(&ui->runner.q);
	pfg_engine_session_cancel(ui->ch.session);
	ui->cancel_sent = 1;
	if (dropped)
		pfg_ui_notice(ui, 0, "cancelling the run (and %zu queued); what finished is kept",
			      dropped);
	else
		pfg_ui_notice(ui, 0, "cancelling the run; what finished is kept");
	ui->dirty[PFG_PANE_LIVE] = 1;
}

/* Ask the reader for a view. */
void pfg_ui_request_view(struct pfg_tui *ui, enum pfg_tui_view view, int64_t id,
			 int64_t id2)
{
	struct pfg_tui_job *j = pfg_ui_job(PFG_JOB_VIEW);
	j->view = view;
	j->id = id;
	j->id2 = id2;
	pfg_tui_jobq_push(&ui->reader.q, j);
}

/* d: the samples of the focused benchmark (its latest run against its
 * approved baseline) or of the alert in view. */
void pfg_ui_dist_key(struct pfg_tui *ui)
{
	if (ui->modal == PFG_MODAL_DETAIL && ui->detail) {
		pfg_ui_request_view(ui, PFG_VIEW_DIST, ui->detail->alert.bench_id,
				    ui->detail->alert.run_id);
		return;
	}
	const struct pfg_query_bench *b = NULL;
	if (ui->focus == PFG_PANE_ALERTS) {
		const struct pfg_query_alert *a = pfg_ui_sel_alert(ui);
		if (a) {
			pfg_ui_request_view(ui, PFG_VIEW_DIST, a->bench_id, a->run_id);
			return;
		}
	} else {
		b = pfg_ui_trend_bench(ui);
	}
	if (!b) {
		pfg_ui_notice(ui, 1, "d shows a benchmark's samples: select a benchmark or an "
			      "alert");
		return;
	}
	if (!b->in_store || !b->has_latest) {
		pfg_ui_notice(ui, 1, "%s has no run yet: r runs it", b->full);
		return;
	}
	pfg_ui_request_view(ui, PFG_VIEW_DIST, b->id, b->latest_run);
}

/* t: the next theme found. */
void pfg_ui_next_theme(struct pfg_tui *ui)
{
	size_t i = 0;
	for (; i < ui->theme_names.n; i++)
		if (strcmp(ui->theme_names.v[i], ui->theme.name) == 0)
			break;
	const char *next = ui->theme_names.v[(i + 1) % ui->theme_names.n];
	struct pfg_tui_theme t;
	struct pfg_strv warn = { 0 };
	char err[PFG_ERR_MAX];
	if (pfg_tui_theme_load(&ui->theme_dirs, next, &t, &warn, err, sizeof err)) {
		pfg_ui_notice(ui, 1, "%s", err);
		pfg_strv_release(&warn);
		return;
	}
	pfg_tui_theme_release(&ui->theme);
	ui->theme = t;
	pfg_tui_theme_apply(&ui->theme, ui->color);
	if (warn.n)
		pfg_ui_notice(ui, 1, "theme %s: %s%s", ui->theme.name, warn.v[0],
			   warn.n > 1 ? " (and more)" : "");
	else
		pfg_ui_notice(ui, 0, "theme %s", ui->theme.name);
	pfg_strv_release(&warn);
	pfg_ui_layout(ui);
}
