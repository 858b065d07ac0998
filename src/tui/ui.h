/* ui.h: the UI thread's state, shared by the main loop (tui.c), the keys
 * (keys.c), the actions (actions.c), the workers' messages (events.c), the
 * layout and draw pass (panes.c), the panes (pane_*.c) and the dialogs
 * (dialog.c). Only the UI thread touches any of it. */
#ifndef PERFGUARD_TUI_UI_H
#define PERFGUARD_TUI_UI_H

#include <curses.h>
#include <stdio.h>

#include "tui_int.h"

enum pfg_pane {
	PFG_PANE_BASELINES, PFG_PANE_LIVE, PFG_PANE_TRENDS, PFG_PANE_ALERTS,
	PFG_PANE_COUNT
};

/* A line of the baselines tree: a component or one of its benchmarks. */
struct pfg_tui_row {
	int is_comp;
	size_t bench;           /* index into snap->b (a component: its first) */
	size_t n_children;      /* a component: benchmarks that match the filter */
};

/* A finished benchmark in the live pane's log. */
struct pfg_tui_logline {
	int ok;
	char bench[256];
	char value[320];        /* "10 ms", or the error */
	char spread[96];        /* "± 0.2 ms  n 5" */
	char change[96];        /* "+0.3% no_change", "" */
	enum pfg_tui_el el;
};

enum pfg_modal { PFG_MODAL_NONE, PFG_MODAL_HELP, PFG_MODAL_CONFIRM, PFG_MODAL_INPUT,
		 PFG_MODAL_DETAIL, PFG_MODAL_VIEW };

/* What a confirmed dialog does. */
enum pfg_confirm_act { PFG_CONFIRM_JOB, PFG_CONFIRM_QUIT };

/* What an input line is for. */
enum pfg_input_act { PFG_INPUT_FILTER, PFG_INPUT_NOTE,
		     PFG_INPUT_CONFIRM /* confirm_job with the line as its note */ };

#define PFG_LOG_MAX 24
/* Keys read at once from the terminal. */
#define PFG_INPUT_MAX 32
#define PFG_LIVE_SAMPLES 64

struct pfg_tui {
	const struct pfg_tui_opts *opts;
	struct pfg_config *cfg;        /* NULL: no config, runs disabled */
	char *cfg_problem;             /* why there is no config */
	const char *db_path;
	struct pfg_tui_chan ch;
	struct pfg_tui_worker reader, runner;

	struct pfg_query_overview *snap; /* NULL until the first load */
	struct pfg_query_trend *trend;
	int trend_loading;

	/* Baselines tree. */
	struct pfg_tui_row *rows;
	size_t n_rows, sel_row, top_row;
	struct pfg_strv collapsed;     /* names of folded components */
	char filter[256];
	int64_t sel_bench_id;          /* selection kept across reloads */
	char sel_component[256];

	/* Alerts. */
	size_t *alert_rows;            /* indices into snap->alerts that match */
	size_t n_alert_rows, sel_alert, top_alert;
	int64_t sel_alert_id;

	/* Live runs. */
	int live_active;
	int64_t live_run;
	char live_bench[256], live_unit[32];
	size_t live_bi, live_nb;
	int live_ri, live_nr, live_warm, live_confirm;
	double live_samples[PFG_LIVE_SAMPLES];
	size_t n_live_samples;
	int64_t live_bench_t0, live_run_t0;
	struct pfg_tui_logline log[PFG_LOG_MAX]; /* newest last */
	size_t n_log;
	char last_run[160];
	int last_run_err;

	/* Screen. */
	WINDOW *status, *hints, *win[PFG_PANE_COUNT];
	int lines, cols, single, focus;
	int dirty[PFG_PANE_COUNT], dirty_status, dirty_hints;

	/* Dialogs. */
	enum pfg_modal modal;
	WINDOW *mwin;
	int mdirty;
	struct pfg_strv mlines;        /* the dialog's text */
	int mscroll;
	enum pfg_confirm_act confirm_act;
	struct pfg_tui_job *confirm_job; /* run by the reader on yes */
	enum pfg_input_act input_act;
	int64_t input_id;
	int input_back;                /* reopen the detail of input_id after */
	char *input_back_unit;
	char input_prompt[96], input[256];
	struct pfg_query_alert_detail *detail;
	struct pfg_tui_viewdata *view; /* the open view's data */
	size_t view_sel;               /* the selected line of a list view */
	int64_t view_mark[2];          /* runs marked for a comparison */
	struct pfg_strv view_keys;     /* the view's key hints (one line) */
	struct pfg_tui_done last_done; /* the last decision, for u */
	char filter_saved[256];        /* the filter before / opened */

	char notice[512];
	int notice_err;
	int notice_queued;             /* the notice says a run was queued */
	int64_t notice_until;

	/* Themes. */
	struct pfg_strv theme_dirs, theme_names;
	struct pfg_tui_theme theme;
	int color;

	int pending[32];               /* a mouse report cut short */
	int n_pending;

	int quit, quitting, cancel_sent;
	long frames;
	FILE *trace;
	int64_t t0;
};

/* actions.c */
/* The benchmark pane 3 shows: the alert's in the alerts pane, else the
 * tree's selection; NULL when a component is selected. */
const struct pfg_query_bench *pfg_ui_trend_bench(const struct pfg_tui *ui);
/* Show a notice on the hint line for a few seconds. */
void pfg_ui_notice(struct pfg_tui *ui, int is_error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A new job of kind for a worker (the caller hands it to a queue). */
struct pfg_tui_job *pfg_ui_job(enum pfg_tui_job_kind kind);
/* The alert selected in the alerts pane, or NULL. */
const struct pfg_query_alert *pfg_ui_sel_alert(const struct pfg_tui *ui);
/* Ask the reader for the trend pane 3 shows (force: even when loaded). */
void pfg_ui_request_trend(struct pfg_tui *ui, int force);
/* Ask the reader for a fresh overview. */
void pfg_ui_request_snapshot(struct pfg_tui *ui);
/* Remember the selection after it moved, and load its trend. */
void pfg_ui_selection_moved(struct pfg_tui *ui);
/* Rebuild the tree's and the alerts' rows from the overview. */
void pfg_ui_rebuild(struct pfg_tui *ui);
/* Fold (> 0), unfold (< 0) or toggle (0) the selected component. */
void pfg_ui_fold(struct pfg_tui *ui, int fold);
/* Nonzero while the runner holds or waits for a run. */
int pfg_ui_run_pending(struct pfg_tui *ui);
/* Stop what runs and leave once the runner is idle. */
void pfg_ui_cancel_and_quit(struct pfg_tui *ui);
/* Leave, asking first (ask) while a run is in progress. */
void pfg_ui_begin_quit(struct pfg_tui *ui, int ask);
/* Queue a run of the selection, or of everything (all). */
void pfg_ui_queue_run(struct pfg_tui *ui, int all);
/* Propose a baseline of the selection from its latest run. */
void pfg_ui_propose(struct pfg_tui *ui);
/* Confirm, then approve or reject (to) the selection's proposed baseline. */
void pfg_ui_decide(struct pfg_tui *ui, enum pfg_baseline_state to);
/* Open a line of input for act, about alert id for a note. */
void pfg_ui_input_open(struct pfg_tui *ui, enum pfg_input_act act, int64_t id,
		       const char *prompt, const char *initial);
/* The filter follows the input line as it is typed. */
void pfg_ui_filter_typed(struct pfg_tui *ui);
/* Enter on an input line: keep the filter, add the note or confirm. */
void pfg_ui_input_done(struct pfg_tui *ui);
/* Switch to the next theme found. */
void pfg_ui_next_theme(struct pfg_tui *ui);
/* A, i, w, f, I: move the alert the focused pane shows to state to;
 * asks first (with a note) for the closing states. */
void pfg_ui_alert_key(struct pfg_tui *ui, enum pfg_alert_state to);
/* n: a note on the alert the focused pane shows. */
void pfg_ui_note_key(struct pfg_tui *ui);
/* u: undo the last decision of this session, or say why not. */
void pfg_ui_undo(struct pfg_tui *ui);
/* c or Esc while a run is going: cancel it and stay. */
void pfg_ui_cancel_run(struct pfg_tui *ui);
/* Ask the reader for a view (id: its run or benchmark; id2: a run). */
void pfg_ui_request_view(struct pfg_tui *ui, enum pfg_tui_view view, int64_t id,
			 int64_t id2);
/* d: the samples of the focused benchmark or alert. */
void pfg_ui_dist_key(struct pfg_tui *ui);

/* mouse.c: SGR mouse reports in the input; the rest to pfg_ui_key(). */
void pfg_ui_mouse_enable(struct pfg_tui *ui, int on);
void pfg_ui_input(struct pfg_tui *ui, const int *keys, int n);

/* keys.c: one key from the terminal. */
void pfg_ui_key(struct pfg_tui *ui, int k);

/* events.c: handle one message from a worker; frees it. */
void pfg_ui_message(struct pfg_tui *ui, struct pfg_tui_msg *m);

/* panes.c: the layout, the shared drawing helpers and the draw pass. */
void pfg_ui_layout(struct pfg_tui *ui);
/* Draw what is dirty; returns how many windows were drawn. */
int pfg_ui_draw(struct pfg_tui *ui);
void pfg_ui_put(WINDOW *w, int y, int x, int maxw, int attr, const char *s);
void pfg_ui_fmt_value(double v, const char *unit, char *buf, size_t len);
const char *pfg_ui_pane_name(int pane);
void pfg_ui_free_windows(struct pfg_tui *ui);
/* Frame pane p with its number, name and extra; a tab bar in single mode. */
void pfg_ui_frame(struct pfg_tui *ui, int p, const char *extra);

/* The attribute of element e in a row: the selection's when selected,
 * since a colour pair of its own would hide the selection's background.
 * Uses the row's locals sel and base. */
#define PFG_SEL_ATTR(e) (sel ? base : pfg_tui_attr(e))

/* pane_*.c: each pane draws itself into its window (already erased). */
void pfg_ui_draw_baselines(struct pfg_tui *ui);
void pfg_ui_draw_live(struct pfg_tui *ui);
void pfg_ui_draw_trends(struct pfg_tui *ui);
void pfg_ui_draw_alerts(struct pfg_tui *ui);
/* pane_bars.c: the status line and the key-hint bar, with wnoutrefresh(). */
void pfg_ui_draw_status(struct pfg_tui *ui);
void pfg_ui_draw_hints(struct pfg_tui *ui);

/* dialog.c */
void pfg_ui_dialog_draw(struct pfg_tui *ui);
void pfg_ui_help(struct pfg_tui *ui);
void pfg_ui_detail_lines(struct pfg_tui *ui);
void pfg_ui_modal_close(struct pfg_tui *ui);
void pfg_ui_dirty_all(struct pfg_tui *ui);
/* Wrap line s at width cells into out (words, else hard cuts). */
void pfg_ui_wrap(const char *s, int width, struct pfg_strv *out);
/* Elide s in the middle to at most width cells, keeping more of its end
 * (where names differ); into buf. */
void pfg_ui_elide(const char *s, int width, char *buf, size_t len);

/* view.c: the view dialogs (audit log, runs, a run, samples). */
/* Show the view data v (ownership passes). */
void pfg_ui_view_open(struct pfg_tui *ui, struct pfg_tui_viewdata *v);
/* Lay out the open view's lines again (after a resize). */
void pfg_ui_view_lines(struct pfg_tui *ui);
/* Keys of an open view; returns 1 when used. */
int pfg_ui_view_key(struct pfg_tui *ui, int k);

#endif
