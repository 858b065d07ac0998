/* message.c: what a notification says: the items of a run or of alert
 * changes, and what each target lets through. */
#include "perfguard/alerts.h"
#include "perfguard/notify.h"
#include "perfguard/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pfg_notify_message_init(struct pfg_notify_message *m, const char *event,
			     const char *suite)
{
	memset(m, 0, sizeof *m);
	snprintf(m->event, sizeof m->event, "%s", event);
	m->suite = pfg_xstrdup(suite ? suite : "perfguard");
}

/* A copy of s, or NULL. */
static char *dup_or_null(const char *s)
{
	return s ? pfg_xstrdup(s) : NULL;
}

void pfg_notify_message_add(struct pfg_notify_message *m, const struct pfg_notify_item *it)
{
	if (m->n_items == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->items = pfg_xrealloc(m->items, m->cap * sizeof *m->items);
	}
	struct pfg_notify_item *c = &m->items[m->n_items++];
	*c = *it;
	c->bench = pfg_xstrdup(it->bench ? it->bench : "?");
	if (it->component) {
		c->component = pfg_xstrdup(it->component);
	} else {
		const char *slash = strchr(c->bench, '/');
		c->component = slash ? strndup(c->bench, (size_t)(slash - c->bench))
				     : pfg_xstrdup(c->bench);
	}
	c->actor = dup_or_null(it->actor);
}

void pfg_notify_message_release(struct pfg_notify_message *m)
{
	for (size_t i = 0; i < m->n_items; i++) {
		free(m->items[i].bench);
		free(m->items[i].component);
		free(m->items[i].actor);
	}
	free(m->items);
	free(m->suite);
	free(m->git_rev);
	free(m->trigger);
	memset(m, 0, sizeof *m);
}

/* Fill it's alert fields from alert id (kind, severity, state, change). */
static void item_from_alert(struct pfg_store *st, int64_t id, struct pfg_notify_item *it)
{
	struct pfg_alert a;
	char err[PFG_ERR_MAX];
	it->alert_id = id;
	if (pfg_store_alert_get(st, id, &a, NULL, NULL, err, sizeof err) != PFG_OK)
		return;
	it->state = a.state;
	if (it->severity == PFG_SEVERITY_NONE)
		it->severity = a.severity;
	if (!it->has_change) {
		it->has_change = 1;
		it->change_pct = a.change_pct;
		it->ci_low_pct = a.ci_low_pct;
		it->ci_high_pct = a.ci_high_pct;
	}
	pfg_alert_release(&a);
}

int pfg_notify_message_of_run(const struct pfg_config *cfg, struct pfg_store *st,
			      const struct pfg_run_report *report,
			      struct pfg_notify_message *m, char *err, size_t errlen)
{
	pfg_notify_message_init(m, "run", cfg->suite);
	m->run_id = report->run_id;
	m->run_status = report->status;
	m->n_benchmarks = report->n_outcomes;
	struct pfg_result_row *rows = NULL;
	size_t n_rows = 0;
	/* The run's git revision and trigger, as stored. */
	if (report->n_outcomes) {
		const struct pfg_benchmark_cfg *b = report->outcomes[0].bench;
		if (pfg_store_history(st, b->component, b->name, 1, &rows, &n_rows, NULL, 0) ==
		    PFG_OK && n_rows && rows[0].run_id == report->run_id && rows[0].git_rev[0])
			m->git_rev = pfg_xstrdup(rows[0].git_rev);
		pfg_result_rows_free(rows, n_rows);
	}
	for (size_t i = 0; i < report->n_outcomes; i++) {
		const struct pfg_bench_outcome *o = &report->outcomes[i];
		const struct pfg_comparison *c = &o->comparison;
		struct pfg_notify_item it = { .bench = o->bench->id,
					      .component = o->bench->component };
		if (o->has_comparison && c->verdict == PFG_VERDICT_REGRESSION) {
			it.event = o->bench->type == PFG_TYPE_ERROR_RATE ? PFG_NOTIFY_ON_ERROR_RATE
									 : PFG_NOTIFY_ON_REGRESSION;
			it.severity = c->severity;
			it.has_change = 1;
			it.change_pct = c->change_pct;
			it.ci_low_pct = c->ci_low_pct;
			it.ci_high_pct = c->ci_high_pct;
			if (c->alert_id)
				item_from_alert(st, c->alert_id, &it);
			pfg_notify_message_add(m, &it);
		}
		if (o->changes.drift_alert_id) {
			struct pfg_notify_item d = { .bench = o->bench->id,
						     .component = o->bench->component,
						     .event = PFG_NOTIFY_ON_DRIFT };
			item_from_alert(st, o->changes.drift_alert_id, &d);
			pfg_notify_message_add(m, &d);
		}
		if (o->changes.n_recovered) {
			struct pfg_notify_item r = { .bench = o->bench->id,
						     .component = o->bench->component,
						     .event = PFG_NOTIFY_ON_RECOVERED,
						     .count = o->changes.n_recovered };
			if (o->has_comparison) {
				r.has_change = 1;
				r.change_pct = c->change_pct;
				r.ci_low_pct = c->ci_low_pct;
				r.ci_high_pct = c->ci_high_pct;
			}
			pfg_notify_message_add(m, &r);
		}
		if (o->changes.baseline_id) {
			struct pfg_notify_item b = { .bench = o->bench->id,
						     .component = o->bench->component,
						     .event = PFG_NOTIFY_ON_BASELINE_PROPOSED,
						     .baseline_id = o->changes.baseline_id };
			pfg_notify_message_add(m, &b);
		}
	}
	if (report->status == PFG_RUN_INTERRUPTED || report->n_outcomes == 0)
		return PFG_OK;
	struct pfg_gate_opts go;
	struct pfg_gate_report gr = { 0 };
	pfg_gate_opts_init(&go, cfg);
	go.run_id = report->run_id;
	int rc = pfg_gate_judge(st, &go, &gr, err, errlen);
	if (rc == PFG_OK) {
		m->has_gate = 1;
		m->gate_failed = gr.failed;
		m->fail_on = gr.fail_on;
		m->gate_benchmarks = gr.n_benchmarks;
		for (size_t i = 0; i < gr.n_items; i++)
			m->gate_failing += gr.items[i].fails != 0;
	}
	pfg_gate_report_release(&gr);
	pfg_gate_opts_release(&go);
	return rc == PFG_ENOTFOUND ? PFG_OK : rc;
}

void pfg_notify_message_sample(struct pfg_notify_message *m, const char *suite)
{
	pfg_notify_message_init(m, "test", suite);
	m->git_rev = pfg_xstrdup("0000000000000000000000000000000000000000");
	m->run_status = PFG_RUN_COMPLETE;
	m->trigger = pfg_xstrdup("cli");
	m->n_benchmarks = 2;
	m->has_gate = 1;
	m->gate_failed = 1;
	m->fail_on = PFG_SEVERITY_MAJOR;
	m->gate_failing = 1;
	m->gate_benchmarks = 2;
	struct pfg_notify_item r = { .event = PFG_NOTIFY_ON_REGRESSION,
				     .bench = "example/startup", .severity = PFG_SEVERITY_MAJOR,
				     .has_change = 1, .change_pct = 23.4, .ci_low_pct = 18.9,
				     .ci_high_pct = 28.1, .alert_id = 1,
				     .state = PFG_ALERT_NEW };
	pfg_notify_message_add(m, &r);
	struct pfg_notify_item b = { .event = PFG_NOTIFY_ON_BASELINE_PROPOSED,
				     .bench = "example/parse", .baseline_id = 1 };
	pfg_notify_message_add(m, &b);
}

/* Nonzero when the component matches one of t's globs (or t has none). */
static int component_wanted(const struct pfg_notify_target *t, const char *component)
{
	if (t->components.n == 0)
		return 1;
	for (size_t i = 0; i < t->components.n; i++)
		if (pfg_glob_match(t->components.v[i], component))
			return 1;
	return 0;
}

int pfg_notify_message_for(const struct pfg_notify_target *t,
			   const struct pfg_notify_message *m,
			   struct pfg_notify_message *out)
{
	int test = strcmp(m->event, "test") == 0;
	pfg_notify_message_init(out, m->event, m->suite);
	out->run_id = m->run_id;
	out->git_rev = dup_or_null(m->git_rev);
	out->run_status = m->run_status;
	out->trigger = dup_or_null(m->trigger);
	out->n_benchmarks = m->n_benchmarks;
	out->has_gate = m->has_gate;
	out->gate_failed = m->gate_failed;
	out->fail_on = m->fail_on;
	out->gate_failing = m->gate_failing;
	out->gate_benchmarks = m->gate_benchmarks;
	for (size_t i = 0; i < m->n_items; i++) {
		const struct pfg_notify_item *it = &m->items[i];
		int judged = it->event == PFG_NOTIFY_ON_REGRESSION ||
			     it->event == PFG_NOTIFY_ON_DRIFT ||
			     it->event == PFG_NOTIFY_ON_ERROR_RATE ||
			     it->event == PFG_NOTIFY_ON_ALERT_STATE;
		if (!test && (!(t->on & (1u << it->event)) ||
			      (judged && it->severity < t->min_severity) ||
			      !component_wanted(t, it->component)))
			continue;
		pfg_notify_message_add(out, it);
	}
	return test || out->n_items > 0 ||
	       (out->has_gate && out->gate_failed && (t->on & (1u << PFG_NOTIFY_ON_GATE_FAILED)));
}

void pfg_notify_message_summary(const struct pfg_notify_message *m, char *buf, size_t len)
{
	size_t count[PFG_NOTIFY_N_EVENTS] = { 0 };
	enum pfg_severity worst = PFG_SEVERITY_NONE;
	for (size_t i = 0; i < m->n_items; i++) {
		const struct pfg_notify_item *it = &m->items[i];
		count[it->event] += it->event == PFG_NOTIFY_ON_RECOVERED && it->count ? it->count : 1;
		if (it->event == PFG_NOTIFY_ON_REGRESSION && it->severity > worst)
			worst = it->severity;
	}
	size_t o = 0;
	if (strcmp(m->event, "test") == 0)
		o += (size_t)snprintf(buf + o, len - o, "test message: ");
	if (m->run_id && o < len)
		o += (size_t)snprintf(buf + o, len - o, "run %lld: ", (long long)m->run_id);
	static const char *const words[][2] = {
		{ "regression", "regressions" }, { "drift alert", "drift alerts" },
		{ "error_rate alert", "error_rate alerts" }, { "alert recovered", "alerts recovered" },
		{ "baseline proposed", "baselines proposed" }, { "", "" },
		{ "alert changed", "alerts changed" } };
	int any = 0;
	if (m->n_items == 1 && m->items[0].event == PFG_NOTIFY_ON_ALERT_STATE && o < len) {
		const struct pfg_notify_item *it = &m->items[0];
		o += (size_t)snprintf(buf + o, len - o, "alert %lld %s (%s)", (long long)it->alert_id,
				      pfg_alert_state_name(it->state), it->bench);
		count[PFG_NOTIFY_ON_ALERT_STATE] = 0;
		any = 1;
	}
	for (int e = 0; e < PFG_NOTIFY_N_EVENTS && o < len; e++) {
		if (!count[e] || e == PFG_NOTIFY_ON_GATE_FAILED)
			continue;
		o += (size_t)snprintf(buf + o, len - o, "%s%zu %s", any ? ", " : "", count[e],
				      words[e][count[e] != 1]);
		if (e == PFG_NOTIFY_ON_REGRESSION && worst && o < len)
			o += (size_t)snprintf(buf + o, len - o, " (worst %s)",
					      pfg_severity_name(worst));
		any = 1;
	}
	if (!any && o < len)
		o += (size_t)snprintf(buf + o, len - o, "nothing new");
	if (m->has_gate && o < len)
		snprintf(buf + o, len - o, "; gate %s", m->gate_failed ? "failed" : "passed");
}
