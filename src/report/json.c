/* json.c: the report as JSON, schema version 1 (perfguard-report(5)).
 * Field names follow `perfguard gate --json` and `compare --json` where
 * they overlap; a number that is not finite is written as null. */
#include "report_int.h"

#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Add s (valid UTF-8 made of it; NULL: null) under key. */
static void add_str(cJSON *o, const char *key, const char *s)
{
	if (!s) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	char *clean = pfg_utf8_sanitize(s);
	cJSON_AddStringToObject(o, key, clean);
	free(clean);
}

/* Add v under key, or null when it is not finite. */
static void add_num(cJSON *o, const char *key, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

/* Add an epoch time as "YYYY-MM-DDTHH:MM:SSZ" (0: null). */
static void add_time(cJSON *o, const char *key, double at)
{
	char buf[32];
	pfg_report_time(at, buf, sizeof buf);
	if (*buf)
		cJSON_AddStringToObject(o, key, buf);
	else
		cJSON_AddNullToObject(o, key);
}

/* An id, or null for 0. */
static void add_id(cJSON *o, const char *key, int64_t id)
{
	if (id)
		cJSON_AddNumberToObject(o, key, (double)id);
	else
		cJSON_AddNullToObject(o, key);
}

/* The statistics of one side, or null when it has no samples. */
static cJSON *side_json(const struct pfg_query_side *s)
{
	if (!s->has_summary)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "n", (double)s->sum.n);
	add_num(o, "mean", s->sum.mean);
	add_num(o, "median", s->sum.median);
	add_num(o, "stddev", s->sum.stddev);
	add_num(o, "min", s->sum.min);
	add_num(o, "max", s->sum.max);
	add_num(o, "p95", s->sum.p95);
	cJSON_AddNumberToObject(o, "outliers", (double)s->n_outliers);
	return o;
}

/* The comparison of b, or null. */
static cJSON *comparison_json(const struct pfg_rbench *b)
{
	if (!b->has_cmp)
		return cJSON_CreateNull();
	const struct pfg_comparison *c = &b->cmp;
	cJSON *o = cJSON_CreateObject();
	add_str(o, "verdict", pfg_verdict_name(c->verdict));
	add_str(o, "severity", pfg_severity_name(c->severity));
	add_str(o, "test", c->test);
	add_id(o, "baseline_id", c->baseline_id);
	cJSON_AddNumberToObject(o, "n_base", (double)c->n_base);
	cJSON_AddNumberToObject(o, "n_current", (double)c->n_current);
	int nums = pfg_report_has_numbers(b);
	add_num(o, "estimate_base", nums ? c->estimate_base : NAN);
	add_num(o, "estimate_current", nums ? c->estimate_current : NAN);
	add_num(o, "change_pct", nums ? c->change_pct : NAN);
	add_num(o, "ci_low_pct", nums ? c->ci_low_pct : NAN);
	add_num(o, "ci_high_pct", nums ? c->ci_high_pct : NAN);
	add_num(o, "p_value", nums ? c->p_value : NAN);
	add_num(o, "mde_pct", nums && c->mde_pct >= 0 ? c->mde_pct : NAN);
	cJSON_AddNumberToObject(o, "confirm_runs", c->confirm_runs);
	if (*c->reason)
		add_str(o, "reason", c->reason);
	else
		cJSON_AddNullToObject(o, "reason");
	return o;
}

/* The history of b: run means, the fit, the change points; null without. */
static cJSON *trend_json(const struct pfg_rbench *b, cJSON **cps)
{
	*cps = cJSON_CreateArray();
	if (!b->has_trend)
		return cJSON_CreateNull();
	const struct pfg_query_trend *t = &b->trend;
	cJSON *o = cJSON_CreateObject();
	cJSON *runs = cJSON_AddArrayToObject(o, "run_ids");
	cJSON *means = cJSON_AddArrayToObject(o, "means");
	for (size_t i = 0; i < t->n; i++) {
		cJSON_AddItemToArray(runs, cJSON_CreateNumber((double)t->run_ids[i]));
		cJSON_AddItemToArray(means, isfinite(t->y[i]) ? cJSON_CreateNumber(t->y[i])
							      : cJSON_CreateNull());
	}
	add_num(o, "baseline_mean", t->has_baseline ? t->baseline : NAN);
	add_num(o, "slope", t->has_fit ? t->slope : NAN);
	add_num(o, "r2", t->has_fit ? t->r2 : NAN);
	add_num(o, "slope_p_value", t->has_fit ? t->slope_p : NAN);
	for (size_t k = 0; k < t->n_cps; k++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddNumberToObject(c, "run_id", (double)t->run_ids[t->cps[k]]);
		cJSON_AddNumberToObject(c, "index", (double)t->cps[k]);
		add_num(c, "change_pct", t->cp_change[k]);
		cJSON_AddItemToArray(*cps, c);
	}
	return o;
}

/* One benchmark. */
static cJSON *bench_json(const struct pfg_report *r, const struct pfg_rbench *b)
{
	cJSON *o = cJSON_CreateObject();
	add_str(o, "component", b->component);
	add_str(o, "name", b->name);
	add_str(o, "unit", b->unit);
	add_str(o, "direction", pfg_direction_name(b->direction));
	add_id(o, "run_id", b->run_id);
	add_time(o, "started_at", b->started_at);
	add_str(o, "git_rev", *b->git_rev ? b->git_rev : NULL);
	cJSON *base = cJSON_AddObjectToObject(o, "baseline");
	add_str(base, "state", b->baseline_state);
	if (!strcmp(r->mode, "compare")) {
		add_id(base, "id", 0);
		add_id(base, "run_id", r->o.compare_a);
	} else {
		add_id(base, "id", b->detail.has_base ? b->detail.base.id : 0);
		cJSON *runs = cJSON_AddArrayToObject(base, "runs");
		for (size_t i = 0; b->detail.has_base && i < b->detail.base.n_runs; i++)
			cJSON_AddItemToArray(runs,
					     cJSON_CreateNumber((double)b->detail.base.runs[i]));
	}
	cJSON *stats = cJSON_AddObjectToObject(o, "statistics");
	cJSON_AddItemToObject(stats, "baseline", side_json(b->base));
	cJSON_AddItemToObject(stats, "current", side_json(b->cur));
	cJSON_AddItemToObject(o, "comparison", comparison_json(b));
	cJSON *g = cJSON_AddObjectToObject(o, "gate");
	cJSON_AddBoolToObject(g, "judged", b->judged);
	cJSON_AddBoolToObject(g, "fails", b->fails);
	add_str(g, "kind", b->judged ? pfg_gate_kind_name(b->gate_kind) : NULL);
	add_id(g, "alert_id", b->alert_id);
	add_str(g, "alert_state", b->alert_id ? pfg_alert_state_name(b->alert_state) : NULL);
	cJSON_AddNumberToObject(o, "open_alerts", (double)b->open_alerts);
	cJSON *cps;
	cJSON_AddItemToObject(o, "trend", trend_json(b, &cps));
	cJSON_AddItemToObject(o, "change_points", cps);
	add_num(o, "time_s", b->time_s);
	return o;
}

/* One alert with its history. */
static cJSON *alert_json(const struct pfg_query_alert_detail *d)
{
	const struct pfg_alert *a = &d->alert;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)a->id);
	add_str(o, "benchmark", a->bench ? a->bench : "?");
	add_str(o, "kind", pfg_alert_kind_name(a->kind));
	add_str(o, "state", pfg_alert_state_name(a->state));
	add_str(o, "severity", pfg_severity_name(a->severity));
	add_num(o, "change_pct", a->change_pct);
	add_num(o, "ci_low_pct", a->ci_low_pct);
	add_num(o, "ci_high_pct", a->ci_high_pct);
	add_num(o, "p_value", a->p_value);
	add_id(o, "run_id", a->run_id);
	add_id(o, "baseline_id", a->baseline_id);
	add_time(o, "created_at", a->created_at);
	add_time(o, "updated_at", a->updated_at);
	add_id(o, "recovered_run_id", a->recovered_run_id);
	add_str(o, "detail", a->detail);
	cJSON *h = cJSON_AddArrayToObject(o, "history");
	for (size_t i = 0; i < d->n_hist; i++) {
		cJSON *e = cJSON_CreateObject();
		add_time(e, "at", d->hist[i].at);
		add_str(e, "actor", d->hist[i].actor);
		add_str(e, "from", pfg_alert_state_name(d->hist[i].from));
		add_str(e, "to", pfg_alert_state_name(d->hist[i].to));
		add_str(e, "note", d->hist[i].note);
		cJSON_AddItemToArray(h, e);
	}
	return o;
}

void pfg_report_json(const struct pfg_report *r, FILE *f)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "schema_version", PFG_REPORT_SCHEMA_VERSION);
	cJSON_AddStringToObject(o, "generator", "perfguard " PFG_VERSION);
	add_time(o, "generated_at", r->generated_at);
	add_str(o, "kind", r->mode);
	add_str(o, "suite", r->suite);
	cJSON *env = cJSON_AddObjectToObject(o, "environment");
	add_id(env, "id", r->env_id);
	add_str(env, "host", r->env_known ? r->env.host : NULL);
	add_str(env, "cpu_model", r->env_known ? r->env.cpu_model : NULL);
	add_str(env, "kernel", r->env_known ? r->env.kernel : NULL);
	cJSON *runs = cJSON_AddObjectToObject(o, "runs");
	add_id(runs, "judged", strcmp(r->mode, "compare") ? r->o.run_id : r->o.compare_b);
	add_id(runs, "compared_with", r->o.compare_a);
	add_time(runs, "latest_started_at", r->run_at);
	add_str(runs, "git_rev", *r->git_rev ? r->git_rev : NULL);
	add_time(runs, "since", r->o.since);
	cJSON *s = cJSON_AddObjectToObject(o, "settings");
	add_str(s, "test", r->test);
	add_num(s, "alpha", r->alpha);
	add_num(s, "confidence", r->confidence);
	cJSON *th = cJSON_AddObjectToObject(s, "thresholds");
	static const char *const sev[] = { "minor", "moderate", "major", "critical" };
	for (int k = 0; k < 4; k++)
		add_num(th, sev[k], r->thresholds[k]);
	add_str(s, "component", r->o.component);
	cJSON *g = cJSON_AddObjectToObject(o, "gate");
	add_str(g, "verdict", r->failed ? "fail" : "pass");
	add_str(g, "fail_on", pfg_severity_name(r->fail_on));
	cJSON_AddBoolToObject(g, "fail_on_missing_baseline", r->fail_on_missing);
	cJSON_AddNumberToObject(g, "benchmarks", (double)(r->has_gate ? r->gate.n_benchmarks
							    : r->n));
	cJSON_AddNumberToObject(g, "failing", (double)r->n_failing);
	cJSON *c = cJSON_AddObjectToObject(o, "counts");
	cJSON_AddNumberToObject(c, "benchmarks", (double)r->n);
	for (int v = 0; v <= PFG_VERDICT_NOT_COMPARABLE; v++)
		cJSON_AddNumberToObject(c, pfg_verdict_name(v), (double)r->verdicts[v]);
	for (int k = PFG_SEVERITY_MINOR; k <= PFG_SEVERITY_CRITICAL; k++)
		cJSON_AddNumberToObject(c, pfg_severity_name(k), (double)r->severities[k]);
	cJSON *arr = cJSON_AddArrayToObject(o, "benchmarks");
	for (size_t i = 0; i < r->n; i++)
		cJSON_AddItemToArray(arr, bench_json(r, &r->b[i]));
	cJSON *al = cJSON_AddArrayToObject(o, "alerts");
	for (size_t i = 0; i < r->n_alerts; i++)
		cJSON_AddItemToArray(al, alert_json(&r->alerts[i]));
	cJSON_AddNumberToObject(o, "alerts_left_out", (double)r->n_alerts_left);
	char *text = cJSON_PrintUnformatted(o);
	if (text) {
		fputs(text, f);
		fputc('\n', f);
	}
	free(text);
	cJSON_Delete(o);
}
