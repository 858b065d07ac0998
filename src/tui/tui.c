/* tui.c: the dashboard's main loop. The UI thread owns ncurses: it polls
 * the terminal and the workers' self-pipe with a tick timeout, turns keys
 * into jobs for the workers, and turns their messages into the model the
 * panes draw. */
#include "ui.h"

#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

#define PFG_CTRL(c) ((c) & 0x1f)
#define PFG_KEY_ESC 27

/* A signal asked the dashboard to end (SIGTERM, SIGHUP, SIGINT). */
static volatile sig_atomic_t pfg_tui_signal;
static int pfg_sig_wake_fd = -1, pfg_sig_cancel_fd = -1;

/* Signal handler: stop any run and wake the UI. Async-signal-safe. */
static void pfg_tui_on_signal(int sig)
{
	int saved = errno;
	pfg_tui_signal = sig;
	pfg_engine_request_stop();
	if (pfg_sig_cancel_fd >= 0 && write(pfg_sig_cancel_fd, "c", 1) < 0) {
		/* the pipe is full: cancellation was already asked */
	}
	if (pfg_sig_wake_fd >= 0 && write(pfg_sig_wake_fd, "s", 1) < 0) {
		/* full: the UI is awake already */
	}
	errno = saved;
}

/* Install the handlers, without SA_RESTART so poll() wakes. */
static void pfg_tui_signals(struct pfg_tui *ui)
{
	pfg_sig_wake_fd = ui->ch.wake[1];
	pfg_sig_cancel_fd = ui->ch.cancel[1];
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = pfg_tui_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* Show a notice on the hint line for a few seconds. */
__attribute__((format(printf, 3, 4)))
static void pfg_notice(struct pfg_tui *ui, int is_error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->notice, sizeof ui->notice, fmt, ap);
	va_end(ap);
	ui->notice_err = is_error;
	ui->notice_until = pfg_now_ns() + (is_error ? 8 : 5) * 1000000000LL;
	ui->dirty_hints = 1;
}

/* A new job of kind for a worker. */
static struct pfg_tui_job *pfg_job(enum pfg_tui_job_kind kind)
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
static const struct pfg_query_alert *pfg_sel_alert(const struct pfg_tui *ui)
{
	if (!ui->snap || ui->sel_alert >= ui->n_alert_rows)
		return NULL;
	return &ui->snap->alerts[ui->alert_rows[ui->sel_alert]];
}

/* The benchmark the trends pane shows. */
const struct pfg_query_bench *pfg_ui_trend_bench(const struct pfg_tui *ui)
{
	if (ui->focus == PFG_PANE_ALERTS && ui->snap) {
		const struct pfg_query_alert *a = pfg_sel_alert(ui);
		for (size_t i = 0; a && i < ui->snap->n; i++)
			if (ui->snap->b[i].id == a->bench_id)
				return &ui->snap->b[i];
	}
	return pfg_sel_bench(ui);
}

/* Ask the reader for the trend of the benchmark pane 3 shows. */
static void pfg_request_trend(struct pfg_tui *ui, int force)
{
	const struct pfg_query_bench *b = pfg_ui_trend_bench(ui);
	if (!b || (!force && ui->trend && ui->trend->bench_id == b->id))
		return;
	struct pfg_tui_job *j = pfg_job(PFG_JOB_TREND);
	j->id = b->id;
	j->text = pfg_xstrdup(b->unit);
	pfg_tui_jobq_push(&ui->reader.q, j);
	ui->dirty[PFG_PANE_TRENDS] = 1;
}

/* Remember what is selected, so a reload keeps it. */
static void pfg_selection_moved(struct pfg_tui *ui)
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
	const struct pfg_query_alert *a = pfg_sel_alert(ui);
	ui->sel_alert_id = a ? a->id : 0;
	ui->dirty[PFG_PANE_BASELINES] = ui->dirty[PFG_PANE_TRENDS] = 1;
	ui->dirty[PFG_PANE_ALERTS] = 1;
	pfg_request_trend(ui, 0);
}

/* Rebuild the tree's and the alerts' rows from the snapshot, the folds
 * and the filter, keeping the selection where it can. */
static void pfg_rebuild(struct pfg_tui *ui)
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
	pfg_selection_moved(ui);
}

/* Ask the reader for a fresh overview. */
static void pfg_request_snapshot(struct pfg_tui *ui)
{
	pfg_tui_jobq_push(&ui->reader.q, pfg_job(PFG_JOB_SNAPSHOT));
}

/* Nonzero while the runner holds or waits for a run. */
static int pfg_run_pending(struct pfg_tui *ui)
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
static void pfg_cancel_and_quit(struct pfg_tui *ui)
{
	ui->quitting = 1;
	pfg_tui_jobq_clear(&ui->runner.q);
	if (!ui->cancel_sent) {
		ui->cancel_sent = 1;
		pfg_engine_request_stop();
		if (write(ui->ch.cancel[1], "c", 1) < 0) {
			/* full: the runner was asked already */
		}
	}
	ui->dirty[PFG_PANE_LIVE] = 1;
	pfg_notice(ui, 0, "cancelling the run; the dashboard closes when it has stopped");
}

/* q: leave, asking first while a run is in progress. */
static void pfg_begin_quit(struct pfg_tui *ui, int ask)
{
	if (!pfg_run_pending(ui)) {
		ui->quit = 1;
		return;
	}
	if (!ask) {
		pfg_cancel_and_quit(ui);
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
static void pfg_queue_run(struct pfg_tui *ui, int all)
{
	if (!ui->cfg) {
		pfg_notice(ui, 1, "%s", ui->cfg_problem ? ui->cfg_problem : "no config");
		return;
	}
	if (ui->quitting)
		return;
	struct pfg_tui_job *j = pfg_job(PFG_JOB_RUN);
	if (all) {
		j->label = pfg_xstrdup("all");
	} else {
		const char *target = NULL;
		if (ui->focus == PFG_PANE_ALERTS) {
			const struct pfg_query_alert *a = pfg_sel_alert(ui);
			target = a ? a->bench : NULL;
		} else if (ui->snap && ui->sel_row < ui->n_rows) {
			const struct pfg_tui_row *r = &ui->rows[ui->sel_row];
			const struct pfg_query_bench *b = &ui->snap->b[r->bench];
			target = r->is_comp ? b->component : b->full;
		}
		if (!target) {
			pfg_tui_job_free(j);
			pfg_notice(ui, 1, "nothing selected to run");
			return;
		}
		int known = 0;
		for (size_t i = 0; i < ui->cfg->n_benchmarks; i++)
			known |= strcmp(ui->cfg->benchmarks[i].id, target) == 0 ||
				 strcmp(ui->cfg->benchmarks[i].component, target) == 0;
		if (!known) {
			pfg_tui_job_free(j);
			pfg_notice(ui, 1, "%s is not in the config %s", target, ui->cfg->path);
			return;
		}
		pfg_strv_push(&j->patterns, target);
		j->label = pfg_xstrdup(target);
	}
	pfg_notice(ui, 0, "queued a run of %s", j->label);
	pfg_tui_jobq_push(&ui->runner.q, j);
	ui->dirty[PFG_PANE_LIVE] = 1;
}

/* The benchmark actions apply to: the alert's in the alerts pane, else
 * the tree's selection. NULL with a notice when there is none. */
static const struct pfg_query_bench *pfg_action_bench(struct pfg_tui *ui)
{
	const struct pfg_query_bench *b = NULL;
	if (ui->focus == PFG_PANE_ALERTS && ui->snap) {
		const struct pfg_query_alert *a = pfg_sel_alert(ui);
		for (size_t i = 0; a && i < ui->snap->n; i++)
			if (ui->snap->b[i].id == a->bench_id)
				b = &ui->snap->b[i];
	} else {
		b = pfg_sel_bench(ui);
	}
	if (!b)
		pfg_notice(ui, 1, "select a benchmark first");
	return b;
}

/* b: propose a baseline from the latest run of the selection. */
static void pfg_propose(struct pfg_tui *ui)
{
	const struct pfg_query_bench *b = pfg_action_bench(ui);
	if (!b)
		return;
	struct pfg_tui_job *j = pfg_job(PFG_JOB_PROPOSE);
	j->text = pfg_xstrdup(b->full);
	pfg_tui_jobq_push(&ui->reader.q, j);
}

/* a and x: confirm, showing what changes, then approve or reject. */
static void pfg_decide(struct pfg_tui *ui, const char *to)
{
	const struct pfg_query_bench *b = pfg_action_bench(ui);
	if (!b)
		return;
	if (!b->proposed_id) {
		pfg_notice(ui, 1, "%s has no proposed baseline: b proposes one from its "
			   "latest run", b->full);
		return;
	}
	char pv[48], av[48];
	pfg_ui_fmt_value(b->proposed_mean, b->unit, pv, sizeof pv);
	pfg_ui_modal_close(ui);
	int approve = strcmp(to, "approved") == 0;
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
	struct pfg_tui_job *j = pfg_job(PFG_JOB_DECIDE);
	j->id = b->proposed_id;
	snprintf(j->to, sizeof j->to, "%s", to);
	ui->confirm_job = j;
	ui->confirm_act = PFG_CONFIRM_JOB;
	ui->modal = PFG_MODAL_CONFIRM;
	ui->mdirty = 1;
}

/* The alert that A, i, f and n act on: the detail's, else the selection. */
static int64_t pfg_action_alert(struct pfg_tui *ui)
{
	if (ui->modal == PFG_MODAL_DETAIL && ui->detail)
		return ui->detail->alert.id;
	const struct pfg_query_alert *a = pfg_sel_alert(ui);
	if (!a) {
		pfg_notice(ui, 1, "no alert selected (pane 4)");
		return 0;
	}
	return a->id;
}

/* A, i, f: move the alert to state to. */
static void pfg_alert_to(struct pfg_tui *ui, const char *to)
{
	int64_t id = pfg_action_alert(ui);
	if (!id)
		return;
	struct pfg_tui_job *j = pfg_job(PFG_JOB_ALERT);
	j->id = id;
	snprintf(j->to, sizeof j->to, "%s", to);
	pfg_tui_jobq_push(&ui->reader.q, j);
}

/* Open a line of input for act. */
static void pfg_input_open(struct pfg_tui *ui, enum pfg_input_act act, int64_t id,
			   const char *prompt, const char *initial)
{
	pfg_ui_modal_close(ui);
	ui->input_act = act;
	ui->input_id = id;
	snprintf(ui->input_prompt, sizeof ui->input_prompt, "%s", prompt);
	snprintf(ui->input, sizeof ui->input, "%s", initial ? initial : "");
	pfg_strv_push(&ui->mlines, act == PFG_INPUT_FILTER
		      ? "Filter benchmarks and alerts (substring or glob; empty: all)"
		      : "Add a note to the alert's history");
	ui->modal = PFG_MODAL_INPUT;
	ui->mdirty = 1;
}

/* Enter on an input line. */
static void pfg_input_done(struct pfg_tui *ui)
{
	if (ui->input_act == PFG_INPUT_FILTER) {
		snprintf(ui->filter, sizeof ui->filter, "%s", ui->input);
		pfg_ui_modal_close(ui);
		pfg_rebuild(ui);
		return;
	}
	if (*ui->input) {
		struct pfg_tui_job *j = pfg_job(PFG_JOB_ALERT);
		j->id = ui->input_id;
		snprintf(j->to, sizeof j->to, "note");
		j->text = pfg_xstrdup(ui->input);
		pfg_tui_jobq_push(&ui->reader.q, j);
	}
	pfg_ui_modal_close(ui);
	if (ui->input_back) {
		/* Back to the detail the note was written from, with the note. */
		struct pfg_tui_job *j = pfg_job(PFG_JOB_DETAIL);
		j->id = ui->input_id;
		j->text = ui->input_back_unit;
		ui->input_back_unit = NULL;
		ui->input_back = 0;
		pfg_tui_jobq_push(&ui->reader.q, j);
	}
}

/* t: the next theme found. */
static void pfg_next_theme(struct pfg_tui *ui)
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
		pfg_notice(ui, 1, "%s", err);
		pfg_strv_release(&warn);
		return;
	}
	pfg_tui_theme_release(&ui->theme);
	ui->theme = t;
	pfg_tui_theme_apply(&ui->theme, ui->color);
	if (warn.n)
		pfg_notice(ui, 1, "theme %s: %s%s", ui->theme.name, warn.v[0],
			   warn.n > 1 ? " (and more)" : "");
	else
		pfg_notice(ui, 0, "theme %s", ui->theme.name);
	pfg_strv_release(&warn);
	pfg_ui_layout(ui);
}

/* Move a selection index by delta within n rows. */
static size_t pfg_move(size_t at, long delta, size_t n)
{
	if (n == 0)
		return 0;
	long v = (long)at + delta;
	if (v < 0)
		v = 0;
	if (v >= (long)n)
		v = (long)n - 1;
	return (size_t)v;
}

/* Fold (fold > 0), unfold (< 0) or toggle (0) the selected component. */
static void pfg_fold(struct pfg_tui *ui, int fold)
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
	pfg_rebuild(ui);
}

/* Keys of the modal dialogs. Returns 1 when the key was used. */
static int pfg_modal_key(struct pfg_tui *ui, int k)
{
	switch (ui->modal) {
	case PFG_MODAL_NONE:
		return 0;
	case PFG_MODAL_HELP:
		pfg_ui_modal_close(ui);
		return 1;
	case PFG_MODAL_CONFIRM:
		if (k == 'y' || k == 'Y' || k == '\n' || k == '\r' || k == KEY_ENTER) {
			if (ui->confirm_act == PFG_CONFIRM_QUIT) {
				pfg_ui_modal_close(ui);
				pfg_cancel_and_quit(ui);
			} else {
				pfg_tui_jobq_push(&ui->reader.q, ui->confirm_job);
				ui->confirm_job = NULL;
				pfg_ui_modal_close(ui);
			}
		} else if (k == 'n' || k == 'N' || k == PFG_KEY_ESC || k == 'q') {
			pfg_ui_modal_close(ui);
		}
		return 1;
	case PFG_MODAL_INPUT: {
		size_t n = strlen(ui->input);
		if (k == PFG_KEY_ESC) {
			ui->input_back = 0;
			pfg_ui_modal_close(ui);
		} else if (k == '\n' || k == '\r' || k == KEY_ENTER) {
			pfg_input_done(ui);
		} else if (k == KEY_BACKSPACE || k == 127 || k == 8) {
			/* Remove one UTF-8 character. */
			while (n > 0 && ((unsigned char)ui->input[n - 1] & 0xc0) == 0x80)
				n--;
			if (n > 0)
				n--;
			ui->input[n] = '\0';
		} else if (k == PFG_CTRL('u')) {
			ui->input[0] = '\0';
		} else if (k >= 32 && k < 256 && k != 127 && n + 1 < sizeof ui->input) {
			ui->input[n] = (char)k;
			ui->input[n + 1] = '\0';
		}
		ui->mdirty = 1;
		return 1;
	}
	case PFG_MODAL_DETAIL:
		if (k == 'j' || k == KEY_DOWN)
			ui->mscroll++;
		else if (k == 'k' || k == KEY_UP)
			ui->mscroll--;
		else if (k == KEY_NPAGE || k == ' ')
			ui->mscroll += 10;
		else if (k == KEY_PPAGE)
			ui->mscroll -= 10;
		else if (k == PFG_KEY_ESC || k == 'q' || k == '\n' || k == '\r' || k == KEY_ENTER)
			pfg_ui_modal_close(ui);
		else if (k == 'A')
			pfg_alert_to(ui, "acknowledged");
		else if (k == 'i')
			pfg_alert_to(ui, "invalid");
		else if (k == 'f')
			pfg_alert_to(ui, "fixed");
		else if (k == 'n') {
			char *unit = pfg_xstrdup(ui->detail->unit);
			pfg_input_open(ui, PFG_INPUT_NOTE, ui->detail->alert.id, "note:", NULL);
			ui->input_back = 1;
			free(ui->input_back_unit);
			ui->input_back_unit = unit;
		}
		else
			return 1;
		ui->mdirty = 1;
		return 1;
	}
	return 0;
}

/* Up, down and paging in the focused pane. */
static void pfg_nav(struct pfg_tui *ui, long delta)
{
	if (ui->focus == PFG_PANE_ALERTS)
		ui->sel_alert = pfg_move(ui->sel_alert, delta, ui->n_alert_rows);
	else
		ui->sel_row = pfg_move(ui->sel_row, delta, ui->n_rows);
	pfg_selection_moved(ui);
}

/* The number of rows a page holds in the focused pane. */
static long pfg_page(const struct pfg_tui *ui)
{
	WINDOW *w = ui->win[ui->focus];
	return w ? (long)getmaxy(w) - 3 : 10;
}

/* One key from the terminal. */
static void pfg_key(struct pfg_tui *ui, int k)
{
	if (k == KEY_RESIZE) {
		pfg_ui_layout(ui);
		return;
	}
	if (k == PFG_CTRL('l')) {
		clearok(curscr, TRUE);
		pfg_ui_dirty_all(ui);
		return;
	}
	if (pfg_modal_key(ui, k))
		return;
	switch (k) {
	case 'q':
	case PFG_CTRL('c'):
		pfg_begin_quit(ui, 1);
		break;
	case '?':
	case KEY_F(1):
		pfg_ui_help(ui);
		break;
	case '\t':
	case KEY_BTAB:
		ui->focus = (ui->focus + (k == '\t' ? 1 : PFG_PANE_COUNT - 1)) % PFG_PANE_COUNT;
		pfg_ui_dirty_all(ui);
		pfg_request_trend(ui, 0);
		break;
	case '1': case '2': case '3': case '4':
		ui->focus = k - '1';
		pfg_ui_dirty_all(ui);
		pfg_request_trend(ui, 0);
		break;
	case 'j': case KEY_DOWN:
		pfg_nav(ui, 1);
		break;
	case 'k': case KEY_UP:
		pfg_nav(ui, -1);
		break;
	case KEY_NPAGE:
		pfg_nav(ui, pfg_page(ui));
		break;
	case KEY_PPAGE:
		pfg_nav(ui, -pfg_page(ui));
		break;
	case 'g': case KEY_HOME:
		pfg_nav(ui, -(long)(ui->n_rows + ui->n_alert_rows));
		break;
	case 'G': case KEY_END:
		pfg_nav(ui, (long)(ui->n_rows + ui->n_alert_rows));
		break;
	case 'h': case KEY_LEFT:
		if (ui->focus == PFG_PANE_BASELINES)
			pfg_fold(ui, 1);
		break;
	case 'l': case KEY_RIGHT:
		if (ui->focus == PFG_PANE_BASELINES)
			pfg_fold(ui, -1);
		break;
	case '\n': case '\r': case KEY_ENTER: case ' ':
		if (ui->focus == PFG_PANE_ALERTS) {
			const struct pfg_query_alert *a = pfg_sel_alert(ui);
			if (a) {
				struct pfg_tui_job *j = pfg_job(PFG_JOB_DETAIL);
				j->id = a->id;
				for (size_t i = 0; i < ui->snap->n; i++)
					if (ui->snap->b[i].id == a->bench_id)
						j->text = pfg_xstrdup(ui->snap->b[i].unit);
				pfg_tui_jobq_push(&ui->reader.q, j);
			}
		} else if (ui->focus == PFG_PANE_BASELINES && ui->sel_row < ui->n_rows &&
			   ui->rows[ui->sel_row].is_comp) {
			pfg_fold(ui, 0);
		}
		break;
	case 'r':
		pfg_queue_run(ui, 0);
		break;
	case 'R':
		pfg_queue_run(ui, 1);
		break;
	case 'b':
		pfg_propose(ui);
		break;
	case 'a':
		pfg_decide(ui, "approved");
		break;
	case 'x':
		pfg_decide(ui, "rejected");
		break;
	case 'A':
		pfg_alert_to(ui, "acknowledged");
		break;
	case 'i':
		pfg_alert_to(ui, "invalid");
		break;
	case 'f':
		pfg_alert_to(ui, "fixed");
		break;
	case 'n': {
		int64_t id = pfg_action_alert(ui);
		if (id)
			pfg_input_open(ui, PFG_INPUT_NOTE, id, "note:", NULL);
		break;
	}
	case '/':
		pfg_input_open(ui, PFG_INPUT_FILTER, 0, "filter:", ui->filter);
		break;
	case 't':
		pfg_next_theme(ui);
		break;
	default:
		break;
	}
}

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
		if (r->ok) {
			pfg_ui_fmt_value(r->mean, r->unit, v, sizeof v);
			pfg_ui_fmt_value(r->stddev, r->unit, s, sizeof s);
			int at = snprintf(l->text, sizeof l->text, "%s %s  %s %s %s  n %zu",
					  pfg_tui_glyph("ok"), r->bench, v, pfg_tui_glyph("pm"), s,
					  r->n);
			l->el = PFG_EL_OK;
			if (r->has_cmp && strcmp(r->verdict, "no_baseline") != 0) {
				snprintf(l->text + at, sizeof l->text - (size_t)at, "  %+.1f%% %s%s%s",
					 r->change_pct, r->verdict,
					 strcmp(r->severity, "none") ? " " : "",
					 strcmp(r->severity, "none") ? r->severity : "");
				if (strcmp(r->verdict, "regression") == 0)
					l->el = pfg_tui_severity_el(r->severity);
				else if (strcmp(r->verdict, "improvement") == 0)
					l->el = PFG_EL_IMPROVED;
			} else if (r->has_cmp) {
				snprintf(l->text + at, sizeof l->text - (size_t)at, "  no baseline");
			}
		} else {
			snprintf(l->text, sizeof l->text, "%s %s  %s", pfg_tui_glyph("fail"),
				 r->bench, r->error);
			l->el = PFG_EL_FAILED;
		}
		pfg_request_snapshot(ui);
		break;
	}
	case PFG_EVENT_RUN_DONE:
		ui->live_active = 0;
		break;
	}
}

/* Handle one message from a worker; frees it. */
static void pfg_message(struct pfg_tui *ui, struct pfg_tui_msg *m)
{
	switch (m->kind) {
	case PFG_MSG_SNAPSHOT:
		pfg_tui_snapshot_free(ui->snap);
		ui->snap = m->snap;
		m->snap = NULL;
		if (ui->trace)
			fprintf(ui->trace, "snapshot %zu benchmarks %zu alerts load_ms %.1f\n",
				ui->snap->n, ui->snap->n_alerts, (double)ui->snap->load_ns / 1e6);
		pfg_rebuild(ui);
		pfg_request_trend(ui, 1);
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
		pfg_notice(ui, m->is_error, "%s", m->text);
		break;
	case PFG_MSG_RUN:
		pfg_run_event(ui, &m->run);
		break;
	case PFG_MSG_RUN_IDLE:
		ui->live_active = 0;
		snprintf(ui->last_run, sizeof ui->last_run, "%s", m->text ? m->text : "");
		ui->last_run_err = m->is_error;
		if (m->is_error)
			pfg_notice(ui, 1, "%s", m->text ? m->text : "run failed");
		ui->dirty[PFG_PANE_LIVE] = 1;
		pfg_request_snapshot(ui);
		break;
	case PFG_MSG_CHANGED:
		pfg_request_snapshot(ui);
		if (ui->modal == PFG_MODAL_DETAIL && ui->detail) {
			struct pfg_tui_job *j = pfg_job(PFG_JOB_DETAIL);
			j->id = ui->detail->alert.id;
			j->text = pfg_xstrdup(ui->detail->unit);
			pfg_tui_jobq_push(&ui->reader.q, j);
		}
		break;
	}
	pfg_tui_msg_free(m);
}

/* Load the config: a missing file disables runs; a bad one is an error. */
static int pfg_tui_config(struct pfg_tui *ui)
{
	const char *path = ui->opts->config_path ? ui->opts->config_path : "perfguard.json";
	if (access(path, F_OK) != 0) {
		ui->cfg_problem = pfg_xasprintf("no config at %s: runs are disabled "
						"(perfguard init writes one)", path);
		return 0;
	}
	struct pfg_strv errors = { 0 };
	if (pfg_config_load(path, &ui->cfg, &errors)) {
		for (size_t i = 0; i < errors.n; i++)
			fprintf(stderr, "%s\n", errors.v[i]);
		fprintf(stderr, "perfguard tui: %zu problem%s in the config (see "
			"perfguard.json(5))\n", errors.n, errors.n == 1 ? "" : "s");
		pfg_strv_release(&errors);
		return PFG_EXIT_USAGE;
	}
	return 0;
}

/* Start curses: raw keys, no echo, the theme's colours. */
static void pfg_tui_screen(struct pfg_tui *ui)
{
	initscr();
	raw();
	noecho();
	nonl();
	curs_set(0);
	set_escdelay(25);
	const char *nc = getenv("NO_COLOR");
	ui->color = !ui->opts->no_color && !(nc && *nc) && has_colors();
	if (ui->color) {
		start_color();
		use_default_colors();
	}
	pfg_tui_theme_apply(&ui->theme, ui->color);
	pfg_ui_layout(ui);
}

/* Write the frame's figures to the trace file. */
static void pfg_trace_frame(struct pfg_tui *ui, int64_t draw_ns, int drawn)
{
	if (!ui->trace)
		return;
	fprintf(ui->trace, "frame %ld t_ms %.3f draw_us %.1f data %d windows %d\n", ui->frames,
		(double)(pfg_now_ns() - ui->t0) / 1e6, (double)draw_ns / 1e3, ui->snap != NULL,
		drawn);
	fflush(ui->trace);
}

/* The main loop: draw, wait, handle keys and messages. */
static void pfg_tui_loop(struct pfg_tui *ui)
{
	int64_t next_tick = pfg_now_ns() + 1000000000LL;
	for (;;) {
		int64_t t = pfg_now_ns();
		int drawn = pfg_ui_draw(ui);
		doupdate();
		ui->frames++;
		pfg_trace_frame(ui, pfg_now_ns() - t, drawn);
		if (ui->opts->frames > 0 && ui->frames >= ui->opts->frames && !ui->quitting)
			pfg_begin_quit(ui, 0);
		if (ui->quit || (ui->quitting && !pfg_run_pending(ui)))
			break;
		int running = pfg_run_pending(ui);
		int64_t now = pfg_now_ns();
		int timeout = (int)((next_tick - now) / 1000000);
		if (timeout < 0)
			timeout = 0;
		struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
					 { .fd = ui->ch.wake[0], .events = POLLIN } };
		int rc = poll(fds, 2, timeout);
		if (pfg_tui_signal && !ui->quitting) {
			ui->cancel_sent = 1; /* the handler did */
			pfg_cancel_and_quit(ui);
			if (!pfg_run_pending(ui))
				ui->quit = 1;
		}
		if (rc < 0 || (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) || rc == 0) {
			int k;
			while ((k = wgetch(ui->status)) != ERR)
				pfg_key(ui, k);
			if (fds[0].revents & (POLLHUP | POLLERR))
				pfg_begin_quit(ui, 0);
		}
		if (fds[1].revents & POLLIN) {
			pfg_tui_drain(&ui->ch);
			struct pfg_tui_msg *m = pfg_tui_take(&ui->ch);
			while (m) {
				struct pfg_tui_msg *next = m->next;
				pfg_message(ui, m);
				m = next;
			}
		}
		now = pfg_now_ns();
		if (now >= next_tick) {
			next_tick = now + (running ? 250000000LL : 1000000000LL);
			if (running)
				ui->dirty[PFG_PANE_LIVE] = 1;
			if (*ui->notice && now >= ui->notice_until) {
				ui->notice[0] = '\0';
				ui->dirty_hints = 1;
			}
		}
	}
}

/* Open a store connection for a worker; prints why not. */
static int pfg_tui_open(const char *db, struct pfg_store **st)
{
	char err[PFG_ERR_MAX];
	if (pfg_store_open(db, st, err, sizeof err)) {
		fprintf(stderr, "perfguard tui: %s\n", err);
		return -1;
	}
	return 0;
}

/* Free what the UI holds. */
static void pfg_tui_release(struct pfg_tui *ui)
{
	pfg_ui_modal_close(ui);
	pfg_ui_free_windows(ui);
	pfg_tui_snapshot_free(ui->snap);
	pfg_tui_trend_free(ui->trend);
	free(ui->rows);
	free(ui->alert_rows);
	pfg_strv_release(&ui->collapsed);
	pfg_strv_release(&ui->theme_dirs);
	pfg_strv_release(&ui->theme_names);
	pfg_tui_theme_release(&ui->theme);
	pfg_config_free(ui->cfg);
	free(ui->cfg_problem);
	free(ui->input_back_unit);
}

/* Run the dashboard until the operator quits. */
int pfg_tui_main(const struct pfg_tui_opts *opts)
{
	setlocale(LC_ALL, "");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "perfguard tui: standard input and output must be a "
			"terminal (use 'perfguard list' or 'perfguard history' in scripts)\n");
		return PFG_EXIT_USAGE;
	}
	struct pfg_tui ui0, *ui = &ui0;
	memset(ui, 0, sizeof *ui);
	ui->opts = opts;
	ui->db_path = opts->db_path;
	ui->t0 = pfg_now_ns();
	ui->focus = PFG_PANE_BASELINES;
	int code = pfg_tui_config(ui);
	if (code) {
		pfg_tui_release(ui);
		return code;
	}
	struct pfg_strv warn = { 0 };
	char err[PFG_ERR_MAX];
	pfg_tui_theme_dirs(opts->themes_dir, &ui->theme_dirs);
	pfg_tui_theme_list(&ui->theme_dirs, &ui->theme_names);
	if (pfg_tui_theme_load(&ui->theme_dirs, opts->theme, &ui->theme, &warn, err,
			       sizeof err)) {
		fprintf(stderr, "perfguard tui: %s\n", err);
		pfg_strv_release(&warn);
		pfg_tui_release(ui);
		return PFG_EXIT_USAGE;
	}
	if (pfg_tui_open(opts->db_path, &ui->reader.store) ||
	    pfg_tui_open(opts->db_path, &ui->runner.store)) {
		if (ui->reader.store)
			pfg_store_close(ui->reader.store);
		pfg_strv_release(&warn);
		pfg_tui_release(ui);
		return PFG_EXIT_RUNTIME;
	}
	if (pfg_tui_chan_init(&ui->ch)) {
		fprintf(stderr, "perfguard tui: cannot make a pipe\n");
		pfg_store_close(ui->reader.store);
		pfg_store_close(ui->runner.store);
		pfg_strv_release(&warn);
		pfg_tui_release(ui);
		return PFG_EXIT_RUNTIME;
	}
	const char *trace = getenv("PERFGUARD_TUI_TRACE");
	if (trace && *trace)
		ui->trace = fopen(trace, "a");
	struct pfg_tui_worker *ws[2] = { &ui->reader, &ui->runner };
	for (int i = 0; i < 2; i++) {
		pfg_tui_jobq_init(&ws[i]->q);
		ws[i]->ch = &ui->ch;
		ws[i]->cfg = ui->cfg;
		ws[i]->db_path = opts->db_path;
	}
	pfg_tui_glyphs_init(opts->ascii);
	pfg_tui_signals(ui);
	pfg_tui_screen(ui);
	if (warn.n)
		pfg_notice(ui, 1, "theme %s: %s%s", ui->theme.name, warn.v[0],
			   warn.n > 1 ? " (and more)" : "");
	else if (ui->cfg_problem)
		pfg_notice(ui, 1, "%s", ui->cfg_problem);
	if (pfg_tui_worker_start(&ui->reader, 0) || pfg_tui_worker_start(&ui->runner, 1)) {
		pfg_notice(ui, 1, "cannot start a worker thread");
		ui->quit = 1;
	}
	pfg_request_snapshot(ui);
	if (!ui->quit)
		pfg_tui_loop(ui);

	pfg_tui_worker_stop(&ui->runner);
	pfg_tui_worker_stop(&ui->reader);
	pfg_tui_release(ui);
	endwin();
	if (ui->trace) {
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		fprintf(ui->trace, "frames %ld maxrss_kib %ld\n", ui->frames, ru.ru_maxrss);
		fclose(ui->trace);
	}
	for (size_t i = 0; i < warn.n; i++)
		fprintf(stderr, "perfguard tui: theme: %s\n", warn.v[i]);
	pfg_strv_release(&warn);
	for (int i = 0; i < 2; i++) {
		pfg_store_close(ws[i]->store);
		pfg_tui_jobq_release(&ws[i]->q);
	}
	pfg_tui_chan_release(&ui->ch);
	pfg_sig_wake_fd = pfg_sig_cancel_fd = -1;
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	return pfg_tui_signal ? 128 + pfg_tui_signal : PFG_EXIT_OK;
}
