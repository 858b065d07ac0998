/* ci.h: what perfguard does for CI pipelines: the gate. */
#ifndef PERFGUARD_CI_H
#define PERFGUARD_CI_H

#include <stddef.h>
#include <stdint.h>

#include "perfguard/stats.h"
#include "perfguard/store.h"

/* One reason the gate looked at: a benchmark of the judged run. */
struct pfg_gate_item {
	char *bench;              /* "component/name" */
	int64_t alert_id;         /* 0: no alert */
	char kind[24];            /* regression, error_rate, missing_baseline */
	char severity[16];
	char state[16];           /* the alert's state */
	double change_pct;
	int fails;                /* this item fails the gate */
};

struct pfg_gate_report {
	int64_t run_id;
	char run_status[16];
	enum pfg_stats_severity fail_on;
	int fail_on_missing_baseline;
	int failed;               /* nonzero: exit 1 */
	struct pfg_gate_item *items;
	size_t n_items;
	size_t n_benchmarks;      /* benchmarks in the run */
};

/* Judge run_id (0: the latest complete run): the gate fails when a
 * regression or error_rate alert of that run at or above fail_on is in any
 * state but invalid or wontfix, or (with fail_on_missing_baseline) when a
 * benchmark of the run has no approved baseline. PFG_EINPUT when there is
 * no such run. Release with pfg_gate_report_release(). */
int pfg_ci_gate(struct pfg_store *st, int64_t run_id, enum pfg_stats_severity fail_on,
		int fail_on_missing_baseline, struct pfg_gate_report *out, char *err,
		size_t errlen);

void pfg_gate_report_release(struct pfg_gate_report *r);

#endif
