/* report_int.h: the report's model, shared by the loader and the four
 * writers of src/report/. Not part of the module's face (report.h). */
#ifndef PERFGUARD_REPORT_INT_H
#define PERFGUARD_REPORT_INT_H

#include "perfguard/alerts.h"
#include "perfguard/query.h"
#include "perfguard/report.h"

#include <stdio.h>

/* One benchmark as every format shows it. */
struct pfg_rbench {
	int64_t bench_id, run_id;     /* run_id: the run judged; 0: none */
	const char *component, *name, *full, *unit; /* borrowed */
	enum pfg_direction direction;
	const char *baseline_state;   /* approved, proposed, none */
	int has_cmp;
	struct pfg_comparison cmp;
	double worse_pct;             /* cmp's change, positive = worse */
	const struct pfg_query_side *base, *cur; /* never NULL */
	char base_label[64], cur_label[64];
	int has_trend;
	struct pfg_query_trend trend;
	int has_detail;               /* base and cur point into detail */
	struct pfg_query_bench_detail detail; /* the suite's and a run's modes */
	int judged, fails;            /* a gate item names it; it fails the gate */
	enum pfg_gate_kind gate_kind;
	int64_t alert_id;             /* the gate item's alert; 0: none */
	enum pfg_alert_state alert_state;
	size_t open_alerts;
	enum pfg_severity worst_severity;
	double time_s;                /* seconds of its samples when the unit is
				         a duration, else 0 */
	double started_at;            /* of the run judged; 0: unknown */
	const char *git_rev;          /* "" when unknown */
	int rank;                     /* sort key: see rank_of() in load.c */
};

/* The report. */
struct pfg_report {
	struct pfg_report_opts o;
	const char *mode;             /* "suite", "run" or "compare" */
	const char *suite;            /* the config's suite name, or "" */
	struct pfg_query_overview ov;
	int has_gate;
	struct pfg_gate_report gate;
	struct pfg_query_run_compare cmp;
	struct pfg_rbench *b;         /* sorted: severity, then change */
	size_t n;
	struct pfg_query_alert_detail *alerts; /* newest first */
	size_t n_alerts, n_alerts_left; /* shown; left out past the limit */
	int64_t env_id;
	int env_known;
	struct pfg_environment env;
	const char *git_rev;          /* of the run judged (or run B) */
	double run_at;
	size_t verdicts[PFG_VERDICT_NOT_COMPARABLE + 1];
	size_t severities[PFG_SEVERITY_CRITICAL + 1]; /* of regressions */
	size_t n_failing;
	double thresholds[4];
	enum pfg_severity fail_on;
	int fail_on_missing;
	const char *test;             /* yuen, welch, mwu */
	double alpha, confidence;
	double generated_at;
	int failed;
};

/* The most alerts a report lists (the newest). */
#define PFG_REPORT_ALERTS_MAX 500

/* Writers: each renders r on f; errors are ferror(f)'s, checked by the caller. */
void pfg_report_html(const struct pfg_report *r, FILE *f);
void pfg_report_json(const struct pfg_report *r, FILE *f);
void pfg_report_junit(const struct pfg_report *r, FILE *f);
void pfg_report_markdown(const struct pfg_report *r, FILE *f);

/* ---- Shared by the writers (text.c) --------------------------------- */

/* s for HTML text or a quoted attribute (also XML): & < > " ' escaped,
 * ill-formed UTF-8 as U+FFFD, and control characters other than tab and
 * newline (not allowed in XML 1.0) as U+FFFD. NULL writes nothing. */
void pfg_report_esc(FILE *f, const char *s);

/* A short phrase of the verdict of b for people: "regression (major)",
 * "no change", "no baseline", ... */
const char *pfg_report_verdict_text(const struct pfg_rbench *b);

/* "+12.3%", or "n/a" when b has no comparison with numbers. */
void pfg_report_change(const struct pfg_rbench *b, char *buf, size_t len);

/* "[+10.1%, +14.6%]", or "" */
void pfg_report_interval(const struct pfg_rbench *b, char *buf, size_t len);

/* Nonzero when b's comparison carries numbers (a change, an interval). */
int pfg_report_has_numbers(const struct pfg_rbench *b);

/* Format epoch seconds as UTC "YYYY-MM-DDTHH:MM:SSZ", or "" for 0. */
void pfg_report_time(double at, char *buf, size_t len);

/* v with at most 3 decimals, never an exponent (JUnit's time). */
void pfg_report_decimal(double v, char *buf, size_t len);

#endif
