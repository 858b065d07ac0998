/* report.h: reports for people and tools outside the terminal: a
 * self-contained HTML page (its own SVG charts, readable with scripts and
 * styles blocked), JSON in a versioned schema, JUnit XML and Markdown.
 *
 * A report is built in two steps: pfg_report_load() reads everything it
 * shows through the read layer (query.h) and the gate (alerts.h), then
 * pfg_report_write() renders it in a format; the formats are described in
 * perfguard-report(5). Every string from a config, a benchmark or a person
 * is escaped for the format it goes into. */
#ifndef PERFGUARD_REPORT_H
#define PERFGUARD_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "perfguard/config.h"
#include "perfguard/store.h"

/* The version of the JSON report's schema ("schema_version"). */
#define PFG_REPORT_SCHEMA_VERSION 1

/* The default size limit of a Markdown report, in bytes: under GitHub's
 * 65,536 characters of a pull request comment, and far under the 1 MiB of
 * a step summary. */
#define PFG_REPORT_MD_MAX 60000
#define PFG_REPORT_MD_MIN 2000   /* the smallest limit accepted */

/* The runs of history a report shows per benchmark by default: the latest
 * 100 keep a report of 2,000 benchmarks near 2 s and 10 MB (bench/report). */
#define PFG_REPORT_HISTORY 100

enum pfg_report_format {
	PFG_REPORT_HTML = 0,
	PFG_REPORT_JSON,
	PFG_REPORT_JUNIT,
	PFG_REPORT_MARKDOWN,
};

/* "html", "json", "junit", "markdown"; parse returns 0, or -1 for none. */
const char *pfg_report_format_name(enum pfg_report_format f);
int pfg_report_format_parse(const char *s, enum pfg_report_format *out);

/* What a report covers. Zero fields: the suite's state with its history. */
struct pfg_report_opts {
	int64_t run_id;           /* judge this run (the gate's --run); 0: the
				     suite's state, each benchmark's latest */
	double since;             /* history from this time (epoch s); 0: all */
	const char *component;    /* a glob over component names; NULL: all */
	int baseline_vs_run;      /* only each benchmark against its baseline:
				     no history, trend nor change points */
	int64_t compare_a, compare_b; /* both set: run compare_b against run
				     compare_a (pfg_query_compare_runs) */
	size_t history;           /* runs per timeline; 0: PFG_REPORT_HISTORY */
	size_t md_max;            /* Markdown size limit; 0: PFG_REPORT_MD_MAX */
	const char *benchmark;    /* "component/name": only this benchmark (its
				     page); NULL: every one */
	const char *link_base;    /* served pages (perfguard serve): a URL path
				     ending in '/'; the HTML links each benchmark
				     to LINK_BASE "benchmark/COMPONENT/NAME" and
				     the JSON report, all escaped. NULL: a file's
				     in-page anchors */
};

struct pfg_report;

/* Load what the report shows from st with cfg's settings (cfg may be NULL:
 * the store's benchmarks, default statistics). Returns 0 with *out set,
 * PFG_ENOTFOUND when a run is unknown or nothing was run, PFG_EINPUT for
 * options that contradict each other, or PFG_ERUNTIME (err filled). */
int pfg_report_load(struct pfg_store *st, const struct pfg_config *cfg,
		    const struct pfg_report_opts *o, struct pfg_report **out, char *err,
		    size_t errlen);

/* Render r as format f on out. Returns 0, or PFG_ERUNTIME when writing
 * failed (err filled). */
int pfg_report_write(const struct pfg_report *r, enum pfg_report_format f, FILE *out,
		     char *err, size_t errlen);

/* The gate's verdict in r: nonzero when it failed (a compare report: a
 * regression at or above the config's gate.fail_on). */
int pfg_report_failed(const struct pfg_report *r);

void pfg_report_free(struct pfg_report *r);

/* The Content-Security-Policy under which the HTML page works in full: its
 * own <style> and <script> allowed by their SHA-256 hashes, nothing else
 * (no fetches, no other scripts, no frames but same-origin ancestors). A
 * static string, computed once; thread-safe. */
const char *pfg_report_html_csp(void);

#endif
