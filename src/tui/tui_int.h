/* tui_int.h: what the files of the dashboard share: the model the UI
 * draws, the queues between the UI and its workers, themes and glyphs.
 *
 * Threads: only the main (UI) thread calls ncurses or touches struct
 * pfg_tui. The workers own one store connection each and talk to the UI
 * only through pfg_tui_post() (worker -> UI messages) and the job queues
 * (UI -> worker). Everything a message carries is owned by the message. */
#ifndef PERFGUARD_TUI_INT_H
#define PERFGUARD_TUI_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "perfguard/config.h"
#include "perfguard/engine.h"
#include "perfguard/query.h"
#include "perfguard/store.h"
#include "perfguard/tui.h"
#include "perfguard/util.h"

/* ---- The model ----------------------------------------------------------- */

/* Points of the compact sparkline kept per benchmark. */
#define PFG_TUI_SPARK 16
/* Runs of history the trend pane loads. */
#define PFG_TUI_TREND_RUNS 240

/* The model is the read layer's (query.h): the overview (benchmarks,
 * alerts, the header's facts), the selected benchmark's trend and an
 * alert's detail. The UI holds each on the heap, owned by a message until
 * the UI takes it. */

/* ---- Messages: workers -> UI -------------------------------------------- */

enum pfg_tui_msg_kind {
	PFG_MSG_SNAPSHOT,    /* snap */
	PFG_MSG_TREND,       /* trend */
	PFG_MSG_DETAIL,      /* detail */
	PFG_MSG_NOTICE,      /* text; is_error */
	PFG_MSG_RUN,         /* an engine event, copied */
	PFG_MSG_RUN_IDLE,    /* the runner finished a job (text: how it ended) */
	PFG_MSG_CHANGED,     /* the store changed: reload (done: what did) */
	PFG_MSG_VIEW,        /* view: a list for a view dialog */
};

/* A decision the reader carried out, kept by the UI so that u can undo
 * the last one. */
struct pfg_tui_done {
	int kind;                     /* PFG_JOB_ALERT, _DECIDE or _PROPOSE; 0: none */
	int64_t id;                   /* the alert or the baseline */
	enum pfg_alert_state from, to; /* an alert's states before and after */
	enum pfg_baseline_state bto;  /* a decision's state */
	char bench[256];              /* the benchmark's "component/name" */
};

/* What a view dialog lists (PFG_JOB_VIEW, PFG_MSG_VIEW). */
enum pfg_tui_view {
	PFG_VIEW_AUDIT,      /* the audit log */
	PFG_VIEW_RUNS,       /* the runs, newest first */
	PFG_VIEW_RUN,        /* one run's results (id) */
	PFG_VIEW_DIST,       /* a benchmark's samples (id) in a run (id2) vs its baseline */
	PFG_VIEW_COMPARE,    /* run id2 against run id */
};

/* A benchmark's result in one run. */
struct pfg_tui_runres {
	char *bench, *unit, *error;
	int ok;
	size_t n;
	double mean, stddev;
};

/* The data of a view, owned by its message until the UI takes it. */
struct pfg_tui_viewdata {
	enum pfg_tui_view view;
	int64_t id, id2;
	struct pfg_audit_entry *audit;
	size_t n_audit;
	struct pfg_run_row *runs;     /* RUNS: newest first */
	size_t n_runs;
	struct pfg_tui_runres *res;
	size_t n_res;
	char bench[256], unit[32];    /* DIST */
	int64_t base_id;              /* DIST: the approved baseline, 0: none */
	struct pfg_query_side base, cur;
	int has_cmp;                  /* DIST: the run's comparison */
	struct pfg_comparison cmp;
	struct pfg_query_run_compare rc; /* COMPARE */
	char *error;                  /* what could not be read, or NULL */
};

/* A copy of an engine event that outlives the callback. */
struct pfg_tui_run_ev {
	enum pfg_event_kind kind;
	int64_t run_id;
	char bench[256];
	char unit[32];
	size_t bench_index, n_benches;
	int run_index, n_runs, warmup, confirming;
	double value;
	int ok;                       /* BENCH_DONE */
	char error[256];
	size_t n;
	double mean, stddev;
	int has_cmp;
	enum pfg_verdict verdict;
	enum pfg_severity severity;
	double change_pct;
	int64_t alert_id;
	enum pfg_run_status status;   /* RUN_DONE */
};

struct pfg_tui_msg {
	enum pfg_tui_msg_kind kind;
	struct pfg_query_overview *snap;
	struct pfg_query_trend *trend;
	struct pfg_query_alert_detail *detail;
	char *text;
	int is_error;
	struct pfg_tui_run_ev run;
	struct pfg_tui_done done;     /* CHANGED: kind 0 when not a decision */
	struct pfg_tui_viewdata *view;
	struct pfg_tui_msg *next;
};

/* ---- Jobs: UI -> workers ------------------------------------------------- */

enum pfg_tui_job_kind {
	PFG_JOB_SNAPSHOT,    /* reload the overview */
	PFG_JOB_TREND,       /* load the trend of bench_id */
	PFG_JOB_DETAIL,      /* load alert id */
	PFG_JOB_PROPOSE,     /* propose a baseline of text ("component/name") */
	PFG_JOB_DECIDE,      /* baseline id -> baseline_to */
	PFG_JOB_ALERT,       /* alert id -> alert_to */
	PFG_JOB_NOTE,        /* add text as a note to alert id */
	PFG_JOB_RUN,         /* run the benchmarks matching patterns */
	PFG_JOB_VIEW,        /* load view (id: its run or benchmark) */
};

struct pfg_tui_job {
	enum pfg_tui_job_kind kind;
	int64_t id;
	enum pfg_baseline_state baseline_to;
	enum pfg_alert_state alert_to;
	char *text;                   /* a note, a name, a unit */
	int undo;                     /* the decision undoes the last one */
	enum pfg_tui_view view;
	int64_t id2;                  /* PROPOSE: the latest run; VIEW DIST: an alert's run */
	struct pfg_strv patterns;
	char *label;                  /* for the queue display */
	struct pfg_tui_job *next;
};

/* A job queue served by one worker thread. */
struct pfg_tui_jobq {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pfg_tui_job *head;
	int stop;                     /* the worker must return */
	int busy;                     /* the worker holds a job */
	char *current;                /* label of the job it holds, or NULL */
};

/* The shared channel: the message queue and the self-pipe. */
struct pfg_tui_chan {
	pthread_mutex_t lock;
	struct pfg_tui_msg *head, *tail;
	int wake[2];                  /* self-pipe: workers write, the UI polls */
	struct pfg_engine_session *session; /* its cancel token stops the
				       engine's run */
};

/* Initialise ch (pipes non-blocking, close-on-exec). Returns 0 or -1. */
int pfg_tui_chan_init(struct pfg_tui_chan *ch);
void pfg_tui_chan_release(struct pfg_tui_chan *ch);
/* Append m (ownership passes) and wake the UI. Any thread. */
void pfg_tui_post(struct pfg_tui_chan *ch, struct pfg_tui_msg *m);
/* Take every pending message, oldest first; the caller frees each. */
struct pfg_tui_msg *pfg_tui_take(struct pfg_tui_chan *ch);
/* Drain the wake pipe (UI thread). */
void pfg_tui_drain(struct pfg_tui_chan *ch);
void pfg_tui_msg_free(struct pfg_tui_msg *m);

void pfg_tui_jobq_init(struct pfg_tui_jobq *q);
void pfg_tui_jobq_release(struct pfg_tui_jobq *q);
/* Append j; a SNAPSHOT or TREND job replaces one of its kind still waiting. */
void pfg_tui_jobq_push(struct pfg_tui_jobq *q, struct pfg_tui_job *j);
/* Wait for a job; NULL once stop is set. */
struct pfg_tui_job *pfg_tui_jobq_wait(struct pfg_tui_jobq *q);
/* The worker is done with its job. */
void pfg_tui_jobq_done(struct pfg_tui_jobq *q);
/* Drop every waiting job; returns how many. */
size_t pfg_tui_jobq_clear(struct pfg_tui_jobq *q);
/* Labels of the waiting jobs (copied), and whether one is held. */
void pfg_tui_jobq_peek(struct pfg_tui_jobq *q, struct pfg_strv *labels, int *busy,
		       char **current);
void pfg_tui_job_free(struct pfg_tui_job *j);

/* Release and free a model a message or the UI holds (NULL: nothing). */
void pfg_tui_snapshot_free(struct pfg_query_overview *s);
void pfg_tui_trend_free(struct pfg_query_trend *t);
void pfg_tui_detail_free(struct pfg_query_alert_detail *d);
void pfg_tui_view_free(struct pfg_tui_viewdata *v);

/* ---- Workers -------------------------------------------------------------- */

/* What a worker thread needs; one per thread. */
struct pfg_tui_worker {
	pthread_t thread;
	int started;
	struct pfg_tui_jobq q;
	struct pfg_tui_chan *ch;
	struct pfg_store *store;       /* owned by this worker's thread */
	const struct pfg_config *cfg;  /* read only; NULL: runs disabled */
	const char *db_path;
};

/* Start w's thread: the reader serves store jobs, the runner engine runs.
 * Signals the UI handles are blocked in the thread. Returns 0 or -1. */
int pfg_tui_worker_start(struct pfg_tui_worker *w, int runner);
/* Ask w to stop after its job and join it. */
void pfg_tui_worker_stop(struct pfg_tui_worker *w);

/* ---- Themes --------------------------------------------------------------- */

enum pfg_tui_el {
	PFG_EL_NORMAL, PFG_EL_TITLE, PFG_EL_BORDER, PFG_EL_BORDER_FOCUS,
	PFG_EL_HEADER, PFG_EL_SELECTED, PFG_EL_DIM, PFG_EL_STATUS,
	PFG_EL_HINT_KEY, PFG_EL_HINT_TEXT, PFG_EL_NOTICE, PFG_EL_ERROR,
	PFG_EL_APPROVED, PFG_EL_PROPOSED, PFG_EL_NO_BASELINE,
	PFG_EL_MINOR, PFG_EL_MODERATE, PFG_EL_MAJOR, PFG_EL_CRITICAL,
	PFG_EL_IMPROVED, PFG_EL_SPARK, PFG_EL_BASELINE, PFG_EL_CHANGE_POINT,
	PFG_EL_RUNNING, PFG_EL_OK, PFG_EL_FAILED, PFG_EL_DIALOG,
	PFG_EL_GATE_PASS, PFG_EL_GATE_FAIL,
	PFG_EL_COUNT
};

/* One element: colours as 0xRRGGBB or -1 (the terminal's default). */
struct pfg_tui_style {
	int fg, bg;
	unsigned attr;  /* PFG_A_* in colour */
	unsigned mono;  /* PFG_A_* without colour */
};

enum { PFG_A_BOLD = 1, PFG_A_DIM = 2, PFG_A_UNDERLINE = 4, PFG_A_REVERSE = 8,
       PFG_A_STANDOUT = 16, PFG_A_ITALIC = 32 };

struct pfg_tui_theme {
	char name[64];
	char *path;                   /* the file it came from, or NULL (built in) */
	struct pfg_tui_style el[PFG_EL_COUNT];
};

/* Directories searched for themes, in order (see theme.c). */
void pfg_tui_theme_dirs(const char *themes_dir, struct pfg_strv *dirs);
/* Load theme name over the default; warnings (unknown keys, bad values)
 * are added to warn. Returns 0, or PFG_EINPUT with err filled when no
 * such theme is found. */
int pfg_tui_theme_load(const struct pfg_strv *dirs, const char *name,
		       struct pfg_tui_theme *out, struct pfg_strv *warn, char *err,
		       size_t errlen);
void pfg_tui_theme_release(struct pfg_tui_theme *t);
/* The names of every theme found in dirs, sorted, unique. */
void pfg_tui_theme_list(const struct pfg_strv *dirs, struct pfg_strv *names);
/* Make curses pairs for t; color 0 uses the monochrome attributes only. */
void pfg_tui_theme_apply(const struct pfg_tui_theme *t, int color);
/* The curses attributes of element e after pfg_tui_theme_apply(). */
int pfg_tui_attr(enum pfg_tui_el e);
/* Map 0xRRGGBB to the nearest xterm 256 colour index. */
int pfg_tui_rgb_to_256(int rgb);
/* Map a 256 colour index to the nearest of the first n (8 or 16). */
int pfg_tui_256_to_basic(int idx, int n);
/* The element for a severity name ("none" -> NORMAL). */
enum pfg_tui_el pfg_tui_severity_el(enum pfg_severity severity);

/* ---- Glyphs and text ------------------------------------------------------ */

/* Decide UTF-8 or ASCII: UTF-8 when the locale's codeset is UTF-8 and
 * ascii is not forced. */
void pfg_tui_glyphs_init(int ascii);
int pfg_tui_utf8(void);
/* Write a sparkline of y[0..n) (scaled to lo..hi) into buf as a
 * NUL-terminated UTF-8 or ASCII string of exactly n cells. */
void pfg_tui_sparkline(const double *y, size_t n, double lo, double hi, char *buf,
		       size_t len);
/* A block of level 0..8 eighths (0: space) for bar charts. */
const char *pfg_tui_block(int eighths);
/* Glyphs: tree open/closed markers, the running marker, a dash, a
 * change point marker, the baseline line. */
const char *pfg_tui_glyph(const char *name);
/* Display width of a UTF-8 string (invalid bytes count 1). */
int pfg_tui_width(const char *s);

#endif
