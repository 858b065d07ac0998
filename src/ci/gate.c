/* gate.c: judge a run for CI: regressions at or above the fail level that
 * nobody dismissed fail it. */
#include "perfguard/ci.h"

#include "perfguard/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The "component/name" of bench_id among rows, or "?". */
static const char *bench_name(const struct pfg_bench_row *rows, size_t n, int64_t id,
			      char *buf, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].id == id) {
			snprintf(buf, len, "%s/%s", rows[i].component, rows[i].name);
			return buf;
		}
	return "?";
}

/* Append an item to the report. */
static struct pfg_gate_item *add_item(struct pfg_gate_report *r, const char *bench,
				      const char *kind)
{
	r->items = pfg_xrealloc(r->items, (r->n_items + 1) * sizeof *r->items);
	struct pfg_gate_item *it = &r->items[r->n_items++];
	memset(it, 0, sizeof *it);
	it->bench = pfg_xstrdup(bench);
	snprintf(it->kind, sizeof it->kind, "%s", kind);
	snprintf(it->severity, sizeof it->severity, "none");
	return it;
}

/* Judge one comparison into the report. */
static int judge(struct pfg_store *st, const struct pfg_comparison *c, const char *bench,
		 struct pfg_gate_report *r, char *err, size_t errlen)
{
	const char *level = pfg_stats_severity_name(r->fail_on);
	if (strcmp(c->verdict, "no_baseline") == 0) {
		struct pfg_gate_item *it = add_item(r, bench, "missing_baseline");
		it->fails = r->fail_on_missing_baseline;
		return PFG_OK;
	}
	if (strcmp(c->verdict, "regression") != 0)
		return PFG_OK;
	struct pfg_alert a = { 0 };
	if (c->alert_id && pfg_store_alert_get(st, c->alert_id, &a, NULL, NULL, err, errlen))
		return PFG_ERUNTIME;
	struct pfg_gate_item *it = add_item(r, bench, c->alert_id ? a.kind : "regression");
	snprintf(it->severity, sizeof it->severity, "%s", c->severity);
	snprintf(it->state, sizeof it->state, "%s", c->alert_id ? a.state : "new");
	it->alert_id = c->alert_id;
	it->change_pct = c->change_pct;
	it->fails = pfg_severity_at_least(c->severity, level) &&
		    strcmp(it->state, "invalid") != 0 && strcmp(it->state, "wontfix") != 0;
	pfg_alert_release(&a);
	return PFG_OK;
}

int pfg_ci_gate(struct pfg_store *st, int64_t run_id, enum pfg_stats_severity fail_on,
		int fail_on_missing_baseline, struct pfg_gate_report *out, char *err,
		size_t errlen)
{
	memset(out, 0, sizeof *out);
	out->fail_on = fail_on;
	out->fail_on_missing_baseline = fail_on_missing_baseline;
	int rc = run_id ? PFG_OK : pfg_store_latest_run(st, 0, &run_id, err, errlen);
	if (rc == PFG_OK)
		rc = pfg_store_run_info(st, run_id, NULL, out->run_status,
					sizeof out->run_status, err, errlen);
	if (rc)
		return rc;
	out->run_id = run_id;
	struct pfg_comparison *cs;
	struct pfg_bench_row *rows;
	size_t nc, nb;
	if ((rc = pfg_store_comparisons(st, run_id, &cs, &nc, err, errlen)))
		return rc;
	if ((rc = pfg_store_benchmarks(st, &rows, &nb, err, errlen))) {
		free(cs);
		return rc;
	}
	out->n_benchmarks = nc;
	for (size_t i = 0; i < nc && rc == PFG_OK; i++) {
		char name[256];
		rc = judge(st, &cs[i], bench_name(rows, nb, cs[i].bench_id, name, sizeof name),
			   out, err, errlen);
	}
	for (size_t i = 0; i < out->n_items; i++)
		out->failed |= out->items[i].fails;
	free(cs);
	pfg_bench_rows_free(rows, nb);
	return rc;
}

void pfg_gate_report_release(struct pfg_gate_report *r)
{
	for (size_t i = 0; i < r->n_items; i++)
		free(r->items[i].bench);
	free(r->items);
	memset(r, 0, sizeof *r);
}
