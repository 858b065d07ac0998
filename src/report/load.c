/* load.c: read what a report shows through the read layer (query.h) and
 * the gate (alerts.h), into the model of report_int.h; render it with
 * pfg_report_write(). */
#include "report_int.h"

#include "perfguard/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct pfg_query_side no_side;

/* "html", "json", "junit", "markdown". */
const char *pfg_report_format_name(enum pfg_report_format f)
{
	static const char *const names[] = { "html", "json", "junit", "markdown" };
	return (unsigned)f < 4 ? names[f] : "?";
}

/* Parse a format name ("md" too); 0, or -1 for none. */
int pfg_report_format_parse(const char *s, enum pfg_report_format *out)
{
	for (int f = PFG_REPORT_HTML; f <= PFG_REPORT_MARKDOWN; f++)
		if (strcmp(s, pfg_report_format_name(f)) == 0 ||
		    (f == PFG_REPORT_MARKDOWN && strcmp(s, "md") == 0)) {
			*out = f;
			return 0;
		}
	return -1;
}

/* The sort key of b: regressions by severity first, then what cannot be
 * judged, then no change, improvements last. */
static int rank_of(const struct pfg_rbench *b)
{
	if (!b->has_cmp)
		return 1;
	switch (b->cmp.verdict) {
	case PFG_VERDICT_REGRESSION:
		return 10 + (int)b->cmp.severity;
	case PFG_VERDICT_NOT_COMPARABLE:
		return 4;
	case PFG_VERDICT_INCONCLUSIVE:
		return 3;
	case PFG_VERDICT_NO_BASELINE:
		return 2;
	case PFG_VERDICT_NO_CHANGE:
		return 1;
	default:
		return 0;
	}
}

/* Severity, then the change in the worse direction, then the name. */
static int bench_order(const void *pa, const void *pb)
{
	const struct pfg_rbench *a = pa, *b = pb;
	if (a->rank != b->rank)
		return a->rank > b->rank ? -1 : 1;
	double wa = pfg_report_has_numbers(a) ? a->worse_pct : -HUGE_VAL;
	double wb = pfg_report_has_numbers(b) ? b->worse_pct : -HUGE_VAL;
	if (wa != wb)
		return wa > wb ? -1 : 1;
	return strcmp(a->full, b->full);
}

/* Seconds of the samples of side s when unit is a duration, else 0. */
static double seconds_of(const struct pfg_query_side *s, const char *unit)
{
	static const struct { const char *unit; double scale; } units[] = {
		{ "s", 1 }, { "ms", 1e-3 }, { "us", 1e-6 }, { "µs", 1e-6 }, { "ns", 1e-9 },
	};
	for (size_t k = 0; k < sizeof units / sizeof *units; k++)
		if (unit && strcmp(unit, units[k].unit) == 0) {
			double t = 0;
			for (size_t i = 0; i < s->n; i++)
				t += s->v[i] > 0 ? s->v[i] : 0;
			return t * units[k].scale;
		}
	return 0;
}

/* Fill the derived fields of b once its comparison and sides are set. */
static void finish_bench(struct pfg_report *r, struct pfg_rbench *b)
{
	b->worse_pct = b->direction == PFG_HIGHER_IS_BETTER ? -b->cmp.change_pct
							    : b->cmp.change_pct;
	b->rank = rank_of(b);
	b->time_s = seconds_of(b->cur, b->unit);
	if (b->has_cmp) {
		r->verdicts[b->cmp.verdict]++;
		if (b->cmp.verdict == PFG_VERDICT_REGRESSION)
			r->severities[b->cmp.severity]++;
	}
}

/* The settings the report states: statistics, thresholds, the gate's. */
static void load_settings(struct pfg_report *r, const struct pfg_config *cfg)
{
	struct pfg_stats_compare_opts co;
	pfg_stats_compare_opts_init(&co);
	double th[4] = { 5, 10, 20, 50 };
	if (cfg) {
		co = cfg->analysis.compare;
		th[0] = cfg->thresholds.minor;
		th[1] = cfg->thresholds.moderate;
		th[2] = cfg->thresholds.major;
		th[3] = cfg->thresholds.critical;
		r->suite = cfg->suite ? cfg->suite : "";
	}
	memcpy(r->thresholds, th, sizeof th);
	r->test = pfg_stats_test_name(co.test);
	r->alpha = co.alpha;
	r->confidence = co.confidence;
	struct pfg_gate_opts go;
	pfg_gate_opts_init(&go, cfg);
	r->fail_on = go.fail_on;
	r->fail_on_missing = go.fail_on_missing_baseline;
	pfg_gate_opts_release(&go);
}

/* Nonzero when a benchmark passes the report's --component glob and its
 * one benchmark (o.benchmark, "component/name"). */
static int wanted(const struct pfg_report *r, const char *component, const char *full)
{
	return (!r->o.component || pfg_glob_match(r->o.component, component)) &&
	       (!r->o.benchmark || strcmp(r->o.benchmark, full) == 0);
}

/* The gate's item of full, or NULL. */
static const struct pfg_gate_item *gate_item(const struct pfg_report *r, const char *full)
{
	for (size_t i = 0; r->has_gate && i < r->gate.n_items; i++)
		if (strcmp(r->gate.items[i].bench, full) == 0)
			return &r->gate.items[i];
	return NULL;
}

/* One benchmark of the overview, judged in its latest run or o->run_id. */
static int load_bench(struct pfg_report *r, struct pfg_store *st,
		      const struct pfg_query_bench *q, const struct pfg_config *cfg,
		      char *err, size_t errlen)
{
	const struct pfg_gate_item *it = gate_item(r, q->full);
	int64_t run = r->o.run_id ? r->o.run_id
		    : it && it->run_id ? it->run_id
		    : q->has_latest ? q->latest_run : 0;
	struct pfg_rbench *b = &r->b[r->n];
	memset(b, 0, sizeof *b);
	b->bench_id = q->id;
	b->run_id = run;
	b->component = q->component;
	b->name = q->name;
	b->full = q->full;
	b->unit = q->unit ? q->unit : "";
	b->baseline_state = pfg_query_baseline_name(q->baseline);
	b->open_alerts = q->open_alerts;
	b->worst_severity = q->worst_severity;
	b->base = b->cur = &no_side;
	b->git_rev = "";
	if (cfg)
		for (size_t k = 0; k < cfg->n_benchmarks; k++)
			if (strcmp(cfg->benchmarks[k].id, q->full) == 0)
				b->direction = cfg->benchmarks[k].direction;
	if (q->in_store) {
		enum pfg_stats_outliers m = cfg ? cfg->analysis.compare.outliers
						: PFG_OUTLIERS_IQR;
		int rc = pfg_query_bench_detail_load(st, q->id, r->env_id, run, m, &b->detail,
						     err, errlen);
		if (rc) {
			pfg_query_bench_detail_release(&b->detail);
			return rc;
		}
		b->has_detail = 1;
		b->has_cmp = b->detail.has_cmp;
		b->cmp = b->detail.cmp;
		b->base = &b->detail.base_side;
		b->cur = &b->detail.cur_side;
		if (b->detail.has_latest && b->detail.latest.run_id == run) {
			b->started_at = b->detail.latest.started_at;
			b->git_rev = b->detail.latest.git_rev;
		}
		if (b->detail.has_base)
			snprintf(b->base_label, sizeof b->base_label, "baseline %lld",
				 (long long)b->detail.base.id);
	}
	if (r->o.run_id && !b->cur->n && !b->has_cmp) {
		pfg_query_bench_detail_release(&b->detail); /* not in the run: left out */
		return PFG_OK;
	}
	if (!*b->base_label)
		snprintf(b->base_label, sizeof b->base_label, "baseline");
	if (run)
		snprintf(b->cur_label, sizeof b->cur_label, "run %lld", (long long)run);
	else
		snprintf(b->cur_label, sizeof b->cur_label, "current");
	if (it) {
		b->judged = 1;
		b->fails = it->fails;
		b->gate_kind = it->kind;
		b->alert_id = it->alert_id;
		b->alert_state = it->state;
	}
	if (q->in_store && !r->o.baseline_vs_run) {
		size_t limit = r->o.history ? r->o.history : PFG_REPORT_HISTORY;
		int rc = pfg_query_trend_load(st, q->id, r->env_id, limit, b->unit, &b->trend,
					      err, errlen);
		if (rc == PFG_OK && r->o.since > 0)
			rc = pfg_query_trend_since(st, r->env_id, r->o.since, &b->trend, err,
						   errlen);
		b->has_trend = 1;
		if (rc) {
			pfg_query_trend_release(&b->trend);
			pfg_query_bench_detail_release(&b->detail);
			return rc;
		}
	}
	finish_bench(r, b);
	r->n++;
	return PFG_OK;
}

/* The suite's state (o->run_id 0) or one run, through the overview. */
static int load_suite(struct pfg_report *r, struct pfg_store *st,
		      const struct pfg_config *cfg, char *err, size_t errlen)
{
	struct pfg_gate_opts go;
	pfg_gate_opts_init(&go, cfg);
	go.run_id = r->o.run_id;
	int rc = pfg_gate_judge(st, &go, &r->gate, err, errlen);
	pfg_gate_opts_release(&go);
	if (rc)
		return rc;
	r->has_gate = 1;
	r->failed = r->gate.failed;
	r->env_id = r->gate.env_id;
	struct pfg_query_overview_opts oo = { .env_id = r->env_id };
	if ((rc = pfg_query_overview_load(st, cfg, &oo, &r->ov, err, errlen)))
		return rc;
	r->b = pfg_xcalloc(r->ov.n ? r->ov.n : 1, sizeof *r->b);
	for (size_t i = 0; i < r->ov.n && rc == PFG_OK; i++)
		if (wanted(r, r->ov.b[i].component, r->ov.b[i].full))
			rc = load_bench(r, st, &r->ov.b[i], cfg, err, errlen);
	for (size_t i = 0; i < r->n; i++)
		r->n_failing += r->b[i].fails;
	return rc;
}

/* Two runs side by side (--compare). */
static int load_compare(struct pfg_report *r, struct pfg_store *st,
			const struct pfg_config *cfg, char *err, size_t errlen)
{
	int rc = pfg_query_compare_runs(st, cfg, r->o.compare_a, r->o.compare_b, &r->cmp, err,
					errlen);
	if (rc)
		return rc;
	r->env_id = r->cmp.env_b;
	r->b = pfg_xcalloc(r->cmp.n ? r->cmp.n : 1, sizeof *r->b);
	for (size_t i = 0; i < r->cmp.n; i++) {
		const struct pfg_query_run_pair *p = &r->cmp.b[i];
		if (!wanted(r, p->component, p->full))
			continue;
		struct pfg_rbench *b = &r->b[r->n++];
		memset(b, 0, sizeof *b);
		b->bench_id = p->bench_id;
		b->run_id = r->o.compare_b;
		b->component = p->component;
		b->name = p->name;
		b->full = p->full;
		b->unit = p->unit;
		b->direction = p->direction;
		b->baseline_state = p->a.n ? "run" : "none";
		b->has_cmp = 1;
		b->cmp = p->cmp;
		b->base = &p->a;
		b->cur = &p->b;
		b->git_rev = "";
		snprintf(b->base_label, sizeof b->base_label, "run %lld",
			 (long long)r->o.compare_a);
		snprintf(b->cur_label, sizeof b->cur_label, "run %lld",
			 (long long)r->o.compare_b);
		finish_bench(r, b);
		b->judged = 1;
		b->fails = b->cmp.verdict == PFG_VERDICT_REGRESSION && b->cmp.severity >= r->fail_on;
		b->gate_kind = PFG_GATE_REGRESSION;
		r->n_failing += b->fails;
	}
	r->failed = r->n_failing > 0;
	return PFG_OK;
}

/* The alerts of the benchmarks shown, newest first, with their histories. */
static int load_alerts(struct pfg_report *r, struct pfg_store *st, char *err,
		       size_t errlen)
{
	/* The overview lists them open first; the timeline wants newest first. */
	size_t na = r->ov.n_alerts, k = 0;
	const struct pfg_query_alert **pick = pfg_xcalloc(na ? na : 1, sizeof *pick);
	for (size_t i = 0; i < na; i++) {
		const struct pfg_query_alert *a = &r->ov.alerts[i];
		const struct pfg_query_bench *q = NULL;
		for (size_t j = 0; j < r->ov.n && !q; j++)
			if (r->ov.b[j].id == a->bench_id)
				q = &r->ov.b[j];
		if ((q && !wanted(r, q->component, q->full)) || (!q && r->o.benchmark) ||
		    a->created_at < r->o.since)
			continue;
		pick[k++] = a;
	}
	/* Insertion by id, newest first (ids grow with time). */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && pick[j]->id > pick[j - 1]->id; j--) {
			const struct pfg_query_alert *t = pick[j];
			pick[j] = pick[j - 1];
			pick[j - 1] = t;
		}
	size_t show = k < PFG_REPORT_ALERTS_MAX ? k : PFG_REPORT_ALERTS_MAX;
	r->n_alerts_left = k - show;
	r->alerts = pfg_xcalloc(show ? show : 1, sizeof *r->alerts);
	int rc = PFG_OK;
	for (size_t i = 0; i < show && rc == PFG_OK; i++) {
		rc = pfg_query_alert_detail_load(st, pick[i]->id, NULL, &r->alerts[r->n_alerts],
						 err, errlen);
		if (rc == PFG_OK)
			r->n_alerts++;
		else if (rc == PFG_ENOTFOUND)
			rc = PFG_OK;
	}
	free(pick);
	return rc;
}

/* Load a report (see report.h). */
int pfg_report_load(struct pfg_store *st, const struct pfg_config *cfg,
		    const struct pfg_report_opts *o, struct pfg_report **out, char *err,
		    size_t errlen)
{
	*out = NULL;
	if ((o->compare_a != 0) != (o->compare_b != 0) || (o->compare_a && o->run_id))
		return pfg_error(err, errlen, PFG_EINPUT, "a comparison of two runs takes "
				 "both runs, and no run to judge");
	struct pfg_report *r = pfg_xcalloc(1, sizeof *r);
	r->o = *o;
	r->suite = "";
	r->git_rev = "";
	r->generated_at = pfg_wall_time();
	load_settings(r, cfg);
	int compare = o->compare_a != 0;
	r->mode = compare ? "compare" : o->run_id ? "run" : "suite";
	int rc = compare ? load_compare(r, st, cfg, err, errlen)
			 : load_suite(r, st, cfg, err, errlen);
	if (rc == PFG_OK && o->benchmark && !r->n)
		rc = pfg_error(err, errlen, PFG_ENOTFOUND, "no benchmark %s", o->benchmark);
	if (rc == PFG_OK && !compare)
		rc = load_alerts(r, st, err, errlen);
	if (rc) {
		pfg_report_free(r);
		return rc;
	}
	qsort(r->b, r->n, sizeof *r->b, bench_order);
	for (size_t i = 0; i < r->n; i++) /* the sort moved what they point into */
		if (r->b[i].has_detail) {
			r->b[i].base = &r->b[i].detail.base_side;
			r->b[i].cur = &r->b[i].detail.cur_side;
			if (*r->b[i].git_rev)
				r->b[i].git_rev = r->b[i].detail.latest.git_rev;
		}
	r->env_known = pfg_query_environment_describe(st, r->env_id, &r->env) == PFG_OK;
	for (size_t i = 0; i < r->n; i++)
		if (r->b[i].started_at > r->run_at) {
			r->run_at = r->b[i].started_at;
			r->git_rev = r->b[i].git_rev;
		}
	*out = r;
	return PFG_OK;
}

/* Nonzero when the report's gate failed. */
int pfg_report_failed(const struct pfg_report *r)
{
	return r->failed;
}

/* Render r (see report.h). */
int pfg_report_write(const struct pfg_report *r, enum pfg_report_format f, FILE *out,
		     char *err, size_t errlen)
{
	switch (f) {
	case PFG_REPORT_HTML:
		pfg_report_html(r, out);
		break;
	case PFG_REPORT_JSON:
		pfg_report_json(r, out);
		break;
	case PFG_REPORT_JUNIT:
		pfg_report_junit(r, out);
		break;
	case PFG_REPORT_MARKDOWN:
		pfg_report_markdown(r, out);
		break;
	}
	if (fflush(out) || ferror(out))
		return pfg_error(err, errlen, PFG_ERUNTIME, "cannot write the report");
	return PFG_OK;
}

/* Free r and everything it read. */
void pfg_report_free(struct pfg_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		pfg_query_trend_release(&r->b[i].trend);
		pfg_query_bench_detail_release(&r->b[i].detail);
	}
	free(r->b);
	for (size_t i = 0; i < r->n_alerts; i++)
		pfg_query_alert_detail_release(&r->alerts[i]);
	free(r->alerts);
	if (r->has_gate)
		pfg_gate_report_release(&r->gate);
	pfg_query_overview_release(&r->ov);
	pfg_query_run_compare_release(&r->cmp);
	free(r);
}
