/* junit.c: the report as JUnit XML, valid against both the Jenkins xUnit
 * schema and Apache Ant's (../shared/schemas): one testsuite per component,
 * one testcase per benchmark (classname the component, name the
 * benchmark), a failure of type perfguard.regression for each regression
 * the gate fails on, skipped without a baseline, the environment and the
 * thresholds as properties, empty system-out and system-err. */
#include "report_int.h"

#include "perfguard/util.h"

#include <stdlib.h>
#include <string.h>

/* A property element. */
static void property(FILE *f, const char *name, const char *value)
{
	fputs("    <property name=\"", f);
	pfg_report_esc(f, name);
	fputs("\" value=\"", f);
	pfg_report_esc(f, value);
	fputs("\"/>\n", f);
}

/* A property with a number. */
static void property_num(FILE *f, const char *name, double v)
{
	char buf[64];
	pfg_report_decimal(v, buf, sizeof buf);
	property(f, name, buf);
}

/* The properties every suite carries. */
static void properties(const struct pfg_report *r, FILE *f)
{
	static const char *const sev[] = { "threshold.minor", "threshold.moderate",
					   "threshold.major", "threshold.critical" };
	fputs("   <properties>\n", f);
	property(f, "perfguard.version", PFG_VERSION);
	property(f, "report.kind", r->mode);
	property(f, "gate.verdict", r->failed ? "fail" : "pass");
	property(f, "gate.fail_on", pfg_severity_name(r->fail_on));
	for (int k = 0; k < 4; k++)
		property_num(f, sev[k], r->thresholds[k]);
	property(f, "statistics.test", r->test);
	property_num(f, "statistics.alpha", r->alpha);
	property_num(f, "statistics.confidence", r->confidence);
	if (r->env_known) {
		property(f, "environment.host", r->env.host);
		property(f, "environment.cpu_model", r->env.cpu_model);
		property(f, "environment.kernel", r->env.kernel);
	}
	if (*r->git_rev)
		property(f, "git_rev", r->git_rev);
	fputs("   </properties>\n", f);
}

/* The failure of b: message "+23.4% [18.1%, 28.9%] p=0.0003 major", and a
 * sentence with the numbers as its text. */
static void failure(const struct pfg_rbench *b, FILE *f)
{
	char chg[32], ci[64], msg[192], base[64], cur[64];
	pfg_report_change(b, chg, sizeof chg);
	pfg_report_interval(b, ci, sizeof ci);
	snprintf(msg, sizeof msg, "%s%s%s p=%.2g %s", chg, *ci ? " " : "", ci, b->cmp.p_value,
		 pfg_severity_name(b->cmp.severity));
	pfg_format_value(b->cmp.estimate_base, b->unit, base, sizeof base);
	pfg_format_value(b->cmp.estimate_current, b->unit, cur, sizeof cur);
	char *text = pfg_xasprintf("%s: %s -> %s (%s against %s), %s", b->full, base, cur,
				   b->cur_label, b->base_label, msg);
	fputs("    <failure type=\"perfguard.regression\" message=\"", f);
	pfg_report_esc(f, msg);
	fputs("\">", f);
	pfg_report_esc(f, text);
	fputs("</failure>\n", f);
	free(text);
}

/* Nonzero when b could not be judged: no result, no baseline, or
 * statistics that could not say (a JUnit <skipped>). */
static int unjudged(const struct pfg_rbench *b)
{
	return !b->has_cmp || b->cmp.verdict == PFG_VERDICT_NO_BASELINE ||
	       b->cmp.verdict == PFG_VERDICT_NOT_COMPARABLE;
}

/* The testcases of one component's benchmarks v[0..n). */
static void testcases(const struct pfg_rbench *const *v, size_t n, FILE *f)
{
	for (size_t i = 0; i < n; i++) {
		const struct pfg_rbench *b = v[i];
		char t[64];
		pfg_report_decimal(b->time_s, t, sizeof t);
		fputs("  <testcase classname=\"", f);
		pfg_report_esc(f, b->component);
		fputs("\" name=\"", f);
		pfg_report_esc(f, b->name);
		fprintf(f, "\" time=\"%s\"", t);
		int skipped = !b->fails && unjudged(b);
		if (!b->fails && !skipped) {
			fputs("/>\n", f);
			continue;
		}
		fputs(">\n", f);
		if (b->fails && b->has_cmp && b->cmp.verdict == PFG_VERDICT_REGRESSION) {
			failure(b, f);
		} else if (b->fails) {
			fputs("    <failure type=\"perfguard.", f);
			fputs(pfg_gate_kind_name(b->gate_kind), f);
			fputs("\" message=\"", f);
			pfg_report_esc(f, b->gate_kind == PFG_GATE_MISSING_BASELINE
					  ? "no approved baseline" : pfg_report_verdict_text(b));
			fputs("\"/>\n", f);
		} else {
			fputs("    <skipped message=\"", f);
			pfg_report_esc(f, !b->has_cmp ? "no result"
					  : b->cmp.verdict == PFG_VERDICT_NO_BASELINE
					  ? "no approved baseline"
					  : *b->cmp.reason ? b->cmp.reason : "not comparable");
			fputs("\"/>\n", f);
		}
		fputs("  </testcase>\n", f);
	}
}

/* Order by component, then name, for grouping. */
static int by_component(const void *pa, const void *pb)
{
	const struct pfg_rbench *a = *(const struct pfg_rbench *const *)pa;
	const struct pfg_rbench *b = *(const struct pfg_rbench *const *)pb;
	int c = strcmp(a->component, b->component);
	return c ? c : strcmp(a->name, b->name);
}

void pfg_report_junit(const struct pfg_report *r, FILE *f)
{
	const struct pfg_rbench **v = pfg_xcalloc(r->n ? r->n : 1, sizeof *v);
	for (size_t i = 0; i < r->n; i++)
		v[i] = &r->b[i];
	qsort(v, r->n, sizeof *v, by_component);
	char stamp[32], host[256];
	pfg_report_time(r->generated_at, stamp, sizeof stamp);
	stamp[strlen(stamp) ? strlen(stamp) - 1 : 0] = '\0'; /* Ant: no time zone */
	snprintf(host, sizeof host, "%s", r->env_known && *r->env.host ? r->env.host
								       : "unknown");
	char t[64];
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	/* Ant's schema allows no attribute on testsuites; the counts are
	 * per suite. */
	fputs("<testsuites>\n", f);
	size_t id = 0;
	for (size_t i = 0; i < r->n;) {
		size_t j = i;
		size_t nf = 0, ns = 0;
		double tt = 0;
		while (j < r->n && strcmp(v[j]->component, v[i]->component) == 0) {
			nf += v[j]->fails != 0;
			ns += !v[j]->fails && unjudged(v[j]);
			tt += v[j]->time_s;
			j++;
		}
		pfg_report_decimal(tt, t, sizeof t);
		fputs(" <testsuite name=\"", f);
		pfg_report_esc(f, v[i]->component);
		fprintf(f, "\" package=\"perfguard\" id=\"%zu\" tests=\"%zu\" failures=\"%zu\" "
			"errors=\"0\" skipped=\"%zu\" time=\"%s\" timestamp=\"%s\" hostname=\"",
			id++, j - i, nf, ns, t, stamp);
		pfg_report_esc(f, host);
		fputs("\">\n", f);
		properties(r, f);
		testcases(v + i, j - i, f);
		fputs("  <system-out></system-out>\n  <system-err></system-err>\n"
		      " </testsuite>\n", f);
		i = j;
	}
	fputs("</testsuites>\n", f);
	free(v);
}
