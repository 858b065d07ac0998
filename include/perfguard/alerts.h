/* alerts.h: the alert policy and the gate.
 *
 * Which alert covers a comparison, what a dismissal (invalid, wontfix)
 * excuses, and the CI gate's decision over the suite's state or one run.
 * The store persists alerts; the rules that judge them live here. */
#ifndef PERFGUARD_ALERTS_H
#define PERFGUARD_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#include "perfguard/config.h"
#include "perfguard/stats.h"
#include "perfguard/store.h"

/* Nonzero when alert a still covers comparison c of its benchmark, so no
 * new alert is raised for c: a is not recovered nor fixed, and either
 * open, or dismissed for what c shows. A dismissal covers what was
 * dismissed, no more: a regression of a higher severity than a's, or
 * whose interval lies wholly above a's change, is not covered. */
int pfg_alert_covers(const struct pfg_alert *a, const struct pfg_comparison *c);

/* What a gate item is about. */
enum pfg_gate_kind {
	PFG_GATE_REGRESSION = 0,  /* a regression (no alert, or a regression alert) */
	PFG_GATE_ERROR_RATE,      /* an error_rate alert */
	PFG_GATE_MISSING_BASELINE,/* judged without an approved baseline */
	PFG_GATE_NO_RESULT,       /* a benchmark with no result in the environment */
	PFG_GATE_DRIFT,           /* an open drift alert (the history chart) */
};

/* "regression", "error_rate", "missing_baseline", "no_result", "drift". */
const char *pfg_gate_kind_name(enum pfg_gate_kind k);

/* One benchmark the gate looked at. */
struct pfg_gate_item {
	char *bench;              /* "component/name" */
	int64_t run_id;           /* the run its verdict comes from; 0: none */
	int64_t alert_id;         /* 0: no alert */
	enum pfg_gate_kind kind;
	enum pfg_severity severity;
	enum pfg_alert_state state; /* the alert's (new when there is none) */
	double change_pct;
	int fails;                /* this item fails the gate */
};

/* What the gate judges: one run, or the suite's state. */
struct pfg_gate_opts {
	int64_t run_id;           /* judge this run's comparisons; 0: the suite */
	const char *const *benches; /* suite: "component/name" of each benchmark
				     of the config; NULL: every one stored */
	size_t n_benches;
	enum pfg_severity fail_on;
	int fail_on_missing_baseline;
	/* suite: the latest comparison of each benchmark in environment
	 * newest_env as pfg_store_comparisons_newest() reads them, when the
	 * caller has read them already (used when newest_env is the gate's
	 * environment); NULL: the gate reads them. Not owned. */
	const struct pfg_comparison *newest;
	size_t n_newest;
	int64_t newest_env;
};

/* The suite's gate as cfg sets it (NULL: major, every stored benchmark):
 * fail_on, fail_on_missing_baseline and its benchmarks' names (owned by o,
 * freed by pfg_gate_opts_release()). */
void pfg_gate_opts_init(struct pfg_gate_opts *o, const struct pfg_config *cfg);
void pfg_gate_opts_release(struct pfg_gate_opts *o);

struct pfg_gate_report {
	int64_t run_id;           /* the run judged; 0 for the suite's state */
	enum pfg_run_status run_status; /* of that run (the suite: unused) */
	int64_t env_id;           /* the environment judged */
	enum pfg_severity fail_on;
	int fail_on_missing_baseline;
	int failed;               /* nonzero: exit 1 */
	struct pfg_gate_item *items;
	size_t n_items;
	size_t n_benchmarks;      /* benchmarks judged */
};

/* Judge for CI. The suite's state (o->run_id 0): for every benchmark, its
 * latest comparison in this machine's environment (or, when this machine
 * has no runs, the latest run's) and the alert covering it. One run
 * (o->run_id): the comparisons of that run. The gate fails on a
 * regression or error_rate at or above fail_on that no dismissal excuses
 * (pfg_alert_covers), and, with fail_on_missing_baseline, on a benchmark
 * without an approved baseline. PFG_ENOTFOUND when the run is unknown or
 * nothing was ever run. Release with pfg_gate_report_release(). */
int pfg_gate_judge(struct pfg_store *st, const struct pfg_gate_opts *o,
		   struct pfg_gate_report *out, char *err, size_t errlen);

void pfg_gate_report_release(struct pfg_gate_report *r);

#endif
