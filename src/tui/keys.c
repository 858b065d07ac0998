/* keys.c: the dashboard's keys: those of the modal dialogs, moving in
 * the panes, and the key map that calls the actions (actions.c). */
#include "ui.h"

#include <stdlib.h>
#include <string.h>

#define PFG_CTRL(c) ((c) & 0x1f)
#define PFG_KEY_ESC 27

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
				pfg_ui_cancel_and_quit(ui);
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
			if (ui->input_act == PFG_INPUT_FILTER) {
				ui->input[0] = '\0';
				pfg_ui_filter_typed(ui);
			}
			int back = ui->input_back;
			int64_t id = ui->input_id;
			char *unit = ui->input_back_unit;
			ui->input_back_unit = NULL;
			ui->input_back = 0;
			pfg_ui_modal_close(ui);
			if (back) {
				struct pfg_tui_job *j = pfg_ui_job(PFG_JOB_DETAIL);
				j->id = id;
				j->text = unit;
				pfg_tui_jobq_push(&ui->reader.q, j);
			} else {
				free(unit);
			}
			return 1;
		} else if (k == '\n' || k == '\r' || k == KEY_ENTER) {
			pfg_ui_input_done(ui);
			return 1;
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
		if (ui->input_act == PFG_INPUT_FILTER)
			pfg_ui_filter_typed(ui);
		ui->mdirty = 1;
		return 1;
	}
	case PFG_MODAL_VIEW:
		return pfg_ui_view_key(ui, k);
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
			pfg_ui_alert_key(ui, PFG_ALERT_ACKNOWLEDGED);
		else if (k == 'I')
			pfg_ui_alert_key(ui, PFG_ALERT_INVESTIGATING);
		else if (k == 'i')
			pfg_ui_alert_key(ui, PFG_ALERT_INVALID);
		else if (k == 'w')
			pfg_ui_alert_key(ui, PFG_ALERT_WONTFIX);
		else if (k == 'f')
			pfg_ui_alert_key(ui, PFG_ALERT_FIXED);
		else if (k == 'n')
			pfg_ui_note_key(ui);
		else if (k == 'u')
			pfg_ui_undo(ui);
		else if (k == 'd')
			pfg_ui_dist_key(ui);
		else if (k == '?' || k == KEY_F(1))
			pfg_ui_notice(ui, 0, "in the detail: A ack, I investigate, i invalid, "
				      "w won't fix, f fixed, n note, u undo, d samples, Esc close");
		else if (k != KEY_RESIZE && k != KEY_MOUSE)
			pfg_ui_notice(ui, 1, "not in the alert's detail: Esc closes it first "
				      "(? lists its keys)");
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
	pfg_ui_selection_moved(ui);
}

/* The number of rows a page holds in the focused pane. */
static long pfg_page(const struct pfg_tui *ui)
{
	WINDOW *w = ui->win[ui->focus];
	return w ? (long)getmaxy(w) - 3 : 10;
}

/* Focus and movement keys; returns 1 when k was one. */
static int pfg_key_move(struct pfg_tui *ui, int k)
{
	switch (k) {
	case '\t':
	case KEY_BTAB:
		ui->focus = (ui->focus + (k == '\t' ? 1 : PFG_PANE_COUNT - 1)) % PFG_PANE_COUNT;
		pfg_ui_dirty_all(ui);
		pfg_ui_request_trend(ui, 0);
		break;
	case '1': case '2': case '3': case '4':
		ui->focus = k - '1';
		pfg_ui_dirty_all(ui);
		pfg_ui_request_trend(ui, 0);
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
			pfg_ui_fold(ui, 1);
		break;
	case 'l': case KEY_RIGHT:
		if (ui->focus == PFG_PANE_BASELINES)
			pfg_ui_fold(ui, -1);
		break;
	default:
		return 0;
	}
	return 1;
}

/* Enter: an alert's detail in the alerts pane, a fold on a component;
 * elsewhere it says what Enter does. */
static void pfg_key_enter(struct pfg_tui *ui)
{
	if (ui->focus == PFG_PANE_ALERTS) {
		const struct pfg_query_alert *a = pfg_ui_sel_alert(ui);
		if (!a) {
			pfg_ui_notice(ui, 1, "no alert selected");
			return;
		}
		struct pfg_tui_job *j = pfg_ui_job(PFG_JOB_DETAIL);
		j->id = a->id;
		for (size_t i = 0; i < ui->snap->n; i++)
			if (ui->snap->b[i].id == a->bench_id)
				j->text = pfg_xstrdup(ui->snap->b[i].unit);
		pfg_tui_jobq_push(&ui->reader.q, j);
	} else if (ui->focus == PFG_PANE_BASELINES && ui->sel_row < ui->n_rows &&
		   ui->rows[ui->sel_row].is_comp) {
		pfg_ui_fold(ui, 0);
	} else {
		pfg_ui_notice(ui, 1, "Enter opens an alert (pane 4) or folds a component; "
			      "on a benchmark d shows its samples");
	}
}

/* One key from the terminal. */
void pfg_ui_key(struct pfg_tui *ui, int k)
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
	if (pfg_modal_key(ui, k) || pfg_key_move(ui, k))
		return;
	switch (k) {
	case 'q':
	case PFG_CTRL('c'):
		pfg_ui_begin_quit(ui, 1);
		break;
	case '?':
	case KEY_F(1):
		pfg_ui_help(ui);
		break;
	case '\n': case '\r': case KEY_ENTER: case ' ':
		pfg_key_enter(ui);
		break;
	case 'r':
		pfg_ui_queue_run(ui, 0);
		break;
	case 'R':
		pfg_ui_queue_run(ui, 1);
		break;
	case 'c':
		pfg_ui_cancel_run(ui);
		break;
	case PFG_KEY_ESC:
		if (pfg_ui_run_pending(ui)) {
			pfg_ui_cancel_run(ui);
		} else if (*ui->filter) {
			ui->filter[0] = '\0';
			pfg_ui_rebuild(ui);
			pfg_ui_notice(ui, 0, "filter cleared");
		} else {
			pfg_ui_notice(ui, 1, "Esc cancels a run or clears the filter: "
				      "there is neither");
		}
		break;
	case 'b':
		pfg_ui_propose(ui);
		break;
	case 'a':
		pfg_ui_decide(ui, PFG_BASELINE_APPROVED);
		break;
	case 'x':
		pfg_ui_decide(ui, PFG_BASELINE_REJECTED);
		break;
	case 'A':
		pfg_ui_alert_key(ui, PFG_ALERT_ACKNOWLEDGED);
		break;
	case 'I':
		pfg_ui_alert_key(ui, PFG_ALERT_INVESTIGATING);
		break;
	case 'i':
		pfg_ui_alert_key(ui, PFG_ALERT_INVALID);
		break;
	case 'w':
		pfg_ui_alert_key(ui, PFG_ALERT_WONTFIX);
		break;
	case 'f':
		pfg_ui_alert_key(ui, PFG_ALERT_FIXED);
		break;
	case 'n':
		pfg_ui_note_key(ui);
		break;
	case 'u':
		pfg_ui_undo(ui);
		break;
	case 'd':
		pfg_ui_dist_key(ui);
		break;
	case 'L':
		pfg_ui_request_view(ui, PFG_VIEW_AUDIT, 0, 0);
		break;
	case 'v':
		pfg_ui_request_view(ui, PFG_VIEW_RUNS, 0, 0);
		break;
	case '/':
		pfg_ui_input_open(ui, PFG_INPUT_FILTER, 0, "filter:", NULL);
		pfg_ui_filter_typed(ui);
		break;
	case 't':
		pfg_ui_next_theme(ui);
		break;
	case KEY_MOUSE:
		break;
	default:
		if (k >= 32 && k < 127)
			pfg_ui_notice(ui, 1, "'%c' is not a key of the dashboard: ? lists them",
				      k);
		break;
	}
}
