/* html.c: the report as one self-contained HTML page: nothing fetched,
 * readable with scripts and styles blocked (Jenkins' default CSP): the
 * content is semantic tables and inline SVG coloured with presentation
 * attributes; the <style> (dark mode, print, layout) and the small script
 * (sorting the table, opening every section to print) only enhance it. */
#include "charts.h"

#include "perfguard/util.h"

#include <math.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The progressive enhancements: styles, then the script. */
static const char style[] =
	"<style>\n"
	"body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1100px;"
	"padding:0 1em;color:#222;background:#fff;line-height:1.4}\n"
	"table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;"
	"padding:2px 6px;text-align:left;vertical-align:top}\n"
	"td.n,.st td{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"th[data-sort]{cursor:pointer}.verdict-fail{color:#b71c1c}"
	".verdict-pass{color:#1b5e20}\n"
	"details{margin:.3em 0}summary{cursor:pointer}\n"
	"svg.chart{max-width:100%;height:auto;display:block}\n"
	"@media (prefers-color-scheme:dark){body{color:#ddd;background:#121212}"
	"th,td{border-color:#444}a{color:#90caf9}svg .bg{fill:#1e1e1e}"
	"svg.chart text{fill:#ddd}svg.chart .band{fill-opacity:.3}"
	"svg.chart .ink{stroke:#bbb}.verdict-fail{color:#ef9a9a}.verdict-pass{color:#a5d6a7}}\n"
	"@media print{details{break-inside:avoid}body{max-width:none}}\n"
	"</style>\n";

static const char script[] =
	"<script>\n"
	"(function () {\n"
	"  var t = document.getElementById('summary');\n"
	"  if (t) t.querySelectorAll('th[data-sort]').forEach(function (th, col) {\n"
	"    th.title = 'sort';\n"
	"    th.addEventListener('click', function () {\n"
	"      var body = t.tBodies[0], rows = Array.prototype.slice.call(body.rows);\n"
	"      var dir = th.getAttribute('data-dir') === 'asc' ? -1 : 1;\n"
	"      th.setAttribute('data-dir', dir === 1 ? 'asc' : 'desc');\n"
	"      var i = th.cellIndex, num = th.getAttribute('data-sort') === 'num';\n"
	"      rows.sort(function (a, b) {\n"
	"        var x = a.cells[i].getAttribute('data-v') || a.cells[i].textContent;\n"
	"        var y = b.cells[i].getAttribute('data-v') || b.cells[i].textContent;\n"
	"        if (num) { x = parseFloat(x); y = parseFloat(y);\n"
	"          if (isNaN(x)) x = -Infinity; if (isNaN(y)) y = -Infinity; }\n"
	"        return x < y ? -dir : x > y ? dir : 0;\n"
	"      });\n"
	"      rows.forEach(function (r) { body.appendChild(r); });\n"
	"    });\n"
	"  });\n"
	"  window.addEventListener('beforeprint', function () {\n"
	"    document.querySelectorAll('details').forEach(function (d) { d.open = true; });\n"
	"  });\n"
	"})();\n"
	"</script>\n";

/* Escaped text. */
#define E(s) pfg_report_esc(f, (s))

/* s percent-encoded for one segment of a URL path: every byte but
 * RFC 3986's unreserved ones as %XX (so '/', '?', '#', '%' too). */
static void url_segment(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			fputc(*p, f);
		else
			fprintf(f, "%%%02X", *p);
}

/* The opening of a link to b: its served page (link_base), else its
 * section of this page. */
static void bench_link(const struct pfg_report *r, const struct pfg_rbench *b, size_t i,
		       FILE *f)
{
	if (!r->o.link_base) {
		fprintf(f, "<a href=\"#b%zu\">", i);
		return;
	}
	fputs("<a href=\"", f);
	E(r->o.link_base);
	fputs("benchmark/", f);
	url_segment(f, b->component);
	fputc('/', f);
	url_segment(f, b->name);
	fputs("\">", f);
}

/* A value with its unit, escaped, or an empty cell's "–". */
static void value(FILE *f, double v, const char *unit, int have)
{
	char buf[64];
	if (!have) {
		fputs("\xE2\x80\x93", f);
		return;
	}
	pfg_format_value(v, unit, buf, sizeof buf);
	E(buf);
}

/* A coloured dot before a verdict, in SVG so that it shows without CSS. */
static void dot(FILE *f, const struct pfg_rbench *b)
{
	fprintf(f, "<svg width=\"10\" height=\"10\" aria-hidden=\"true\"><circle cx=\"5\" "
		"cy=\"5\" r=\"4.5\" fill=\"%s\"/></svg> ", pfg_chart_color(b));
}

/* The header: the verdict, the counts and the environment. */
static void header(const struct pfg_report *r, FILE *f)
{
	int compare = strcmp(r->mode, "compare") == 0;
	fputs("<h1>perfguard report", f);
	if (*r->suite) {
		fputs(": ", f);
		E(r->suite);
	}
	fputs("</h1>\n<p>", f);
	if (compare)
		fprintf(f, "Run %lld judged against run %lld as its baseline, with the same "
			"statistics.", (long long)r->o.compare_b, (long long)r->o.compare_a);
	else if (r->o.run_id)
		fprintf(f, "Run %lld judged against the approved baselines.",
			(long long)r->o.run_id);
	else
		fputs("The suite's state: each benchmark's latest result against its approved "
		      "baseline, as <code>perfguard gate</code> judges it.", f);
	if (r->o.component) {
		fputs(" Components matching <code>", f);
		E(r->o.component);
		fputs("</code>.", f);
	}
	if (r->o.benchmark) {
		fputs(" This page shows benchmark <code>", f);
		E(r->o.benchmark);
		fputs("</code>: the gate's verdict is the suite's, the counts are its own.", f);
	}
	fputs("</p>\n", f);
	fprintf(f, "<h2 class=\"verdict-%s\">", r->failed ? "fail" : "pass");
	fprintf(f, "<svg width=\"18\" height=\"18\" aria-hidden=\"true\"><circle cx=\"9\" cy=\"9\" "
		"r=\"8\" fill=\"%s\"/></svg> Gate: %s</h2>\n", r->failed ? "#c62828" : "#2e7d32",
		r->failed ? "FAIL" : "PASS");
	fprintf(f, "<p>%zu benchmark%s fail%s the gate (it fails on a regression at <b>%s</b> or "
		"worse%s).</p>\n", r->n_failing, r->n_failing == 1 ? "" : "s",
		r->n_failing == 1 ? "s" : "", pfg_severity_name(r->fail_on),
		r->fail_on_missing && !compare ? ", or a benchmark without a baseline" : "");
	fputs("<table border=\"1\"><caption>Counts</caption><tr><th scope=\"row\">Regressions</th>", f);
	for (int k = PFG_SEVERITY_CRITICAL; k >= PFG_SEVERITY_MINOR; k--)
		fprintf(f, "<td>%s: %zu</td>", pfg_severity_name(k), r->severities[k]);
	fprintf(f, "<td colspan=\"3\"></td></tr><tr><th scope=\"row\">Verdicts</th><td>regression: %zu</td>"
		"<td>improvement: %zu</td><td>no change: %zu</td><td>inconclusive: %zu</td>"
		"<td>no baseline: %zu</td><td>not comparable: %zu</td><td>all: %zu</td></tr>"
		"</table>\n", r->verdicts[PFG_VERDICT_REGRESSION],
		r->verdicts[PFG_VERDICT_IMPROVEMENT], r->verdicts[PFG_VERDICT_NO_CHANGE],
		r->verdicts[PFG_VERDICT_INCONCLUSIVE], r->verdicts[PFG_VERDICT_NO_BASELINE],
		r->verdicts[PFG_VERDICT_NOT_COMPARABLE], r->n);
	fputs("<table border=\"1\"><caption>Environment and settings</caption>", f);
	fputs("<tr><th scope=\"row\">Host</th><td>", f);
	if (r->env_known)
		E(r->env.host);
	else
		fprintf(f, "environment %lld (another machine's)", (long long)r->env_id);
	fputs("</td></tr>", f);
	if (r->env_known) {
		fputs("<tr><th scope=\"row\">CPU</th><td>", f);
		E(r->env.cpu_model);
		fputs("</td></tr><tr><th scope=\"row\">Kernel</th><td>", f);
		E(r->env.kernel);
		fputs("</td></tr>", f);
	}
	char at[32];
	pfg_report_time(r->run_at, at, sizeof at);
	fputs("<tr><th scope=\"row\">Git revision</th><td>", f);
	E(*r->git_rev ? r->git_rev : "unknown");
	fputs("</td></tr><tr><th scope=\"row\">Latest run judged</th><td>", f);
	E(*at ? at : "unknown");
	fprintf(f, "</td></tr><tr><th scope=\"row\">Statistics</th><td>%s test, alpha %g, "
		"%g%% intervals; thresholds minor %g%%, moderate %g%%, major %g%%, critical "
		"%g%%</td></tr>", r->test, r->alpha, r->confidence * 100, r->thresholds[0],
		r->thresholds[1], r->thresholds[2], r->thresholds[3]);
	pfg_report_time(r->generated_at, at, sizeof at);
	fprintf(f, "<tr><th scope=\"row\">Generated</th><td>%s by perfguard %s</td></tr>"
		"</table>\n", at, PFG_VERSION);
}

/* The table of every benchmark, sorted by severity then change. */
static void summary(const struct pfg_report *r, FILE *f)
{
	fputs("<h2 id=\"benchmarks\">Benchmarks</h2>\n<table border=\"1\" id=\"summary\"><thead><tr>"
	      "<th data-sort=\"txt\">Benchmark</th><th>Baseline</th><th>Current</th>"
	      "<th data-sort=\"num\">Change</th><th>95% interval</th>"
	      "<th data-sort=\"num\">p-value</th><th data-sort=\"num\">Detectable</th>"
	      "<th data-sort=\"num\">Verdict</th><th>Alert</th></tr></thead><tbody>\n", f);
	for (size_t i = 0; i < r->n; i++) {
		const struct pfg_rbench *b = &r->b[i];
		int nums = pfg_report_has_numbers(b);
		char chg[32], ci[64];
		pfg_report_change(b, chg, sizeof chg);
		pfg_report_interval(b, ci, sizeof ci);
		fputs("<tr><td>", f);
		bench_link(r, b, i, f);
		E(b->full);
		fputs("</a></td><td class=\"n\">", f);
		value(f, b->base->sum.mean, b->unit, b->base->has_summary);
		fputs("</td><td class=\"n\">", f);
		value(f, b->cur->sum.mean, b->unit, b->cur->has_summary);
		fprintf(f, "</td><td class=\"n\" data-v=\"%.6g\">%s</td><td class=\"n\">%s</td>",
			nums ? b->worse_pct : -1e300, chg, ci);
		if (nums)
			fprintf(f, "<td class=\"n\" data-v=\"%.6g\">%.2g</td>", b->cmp.p_value,
				b->cmp.p_value);
		else
			fputs("<td class=\"n\" data-v=\"2\">\xE2\x80\x93</td>", f);
		if (nums && b->cmp.mde_pct >= 0)
			fprintf(f, "<td class=\"n\" data-v=\"%.6g\">%.1f%%</td>", b->cmp.mde_pct,
				b->cmp.mde_pct);
		else
			fputs("<td class=\"n\" data-v=\"1e300\">\xE2\x80\x93</td>", f);
		fprintf(f, "<td data-v=\"%d\">", -b->rank);
		dot(f, b);
		E(pfg_report_verdict_text(b));
		if (b->fails)
			fputs(" <b>(fails the gate)</b>", f);
		fputs("</td><td>", f);
		if (b->alert_id)
			fprintf(f, "alert %lld, %s", (long long)b->alert_id,
				pfg_alert_state_name(b->alert_state));
		else if (b->open_alerts)
			fprintf(f, "%zu open", b->open_alerts);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

/* Order pointers by component, keeping the sorted order inside one. */
static int by_component(const void *pa, const void *pb)
{
	const struct pfg_rbench *a = *(const struct pfg_rbench *const *)pa;
	const struct pfg_rbench *b = *(const struct pfg_rbench *const *)pb;
	int c = strcmp(a->component, b->component);
	return c ? c : (a < b ? -1 : a > b);
}

/* A change chart per component. */
static void components(const struct pfg_report *r, FILE *f)
{
	const struct pfg_rbench **v = pfg_xcalloc(r->n ? r->n : 1, sizeof *v);
	for (size_t i = 0; i < r->n; i++)
		v[i] = &r->b[i];
	qsort(v, r->n, sizeof *v, by_component);
	fputs("<h2 id=\"components\">Changes by component</h2>\n<p>Each benchmark's change "
	      "against its baseline, positive is worse for the metric, with its 95% interval; "
	      "the bands are the severity thresholds.</p>\n", f);
	for (size_t i = 0; i < r->n;) {
		size_t j = i, reg = 0;
		while (j < r->n && strcmp(v[j]->component, v[i]->component) == 0) {
			reg += v[j]->has_cmp && v[j]->cmp.verdict == PFG_VERDICT_REGRESSION;
			j++;
		}
		fprintf(f, "<details%s><summary>", reg || r->n <= 60 ? " open" : "");
		E(v[i]->component);
		fprintf(f, ": %zu benchmark%s, %zu regression%s</summary>\n", j - i,
			j - i == 1 ? "" : "s", reg, reg == 1 ? "" : "s");
		pfg_chart_changes(f, r, v + i, j - i);
		fputs("</details>\n", f);
		i = j;
	}
	free(v);
}

/* The statistics of both sides. */
static void stats_table(const struct pfg_rbench *b, FILE *f)
{
	const struct pfg_query_side *s[2] = { b->base, b->cur };
	fputs("<table border=\"1\" class=\"st\"><caption>Statistics</caption><tr><th></th><th scope=\"col\">", f);
	E(b->base_label);
	fputs("</th><th scope=\"col\">", f);
	E(b->cur_label);
	fputs("</th></tr>\n<tr><th scope=\"row\">n</th>", f);
	for (int k = 0; k < 2; k++)
		fprintf(f, "<td>%zu</td>", s[k]->n);
	static const char *const rows[] = { "mean", "median", "stddev", "min", "max", "p95" };
	for (int i = 0; i < 6; i++) {
		fprintf(f, "</tr>\n<tr><th scope=\"row\">%s</th>", rows[i]);
		for (int k = 0; k < 2; k++) {
			const struct pfg_stats_summary *m = &s[k]->sum;
			double v[] = { m->mean, m->median, m->stddev, m->min, m->max, m->p95 };
			fputs("<td>", f);
			value(f, v[i], b->unit, s[k]->has_summary);
			fputs("</td>", f);
		}
	}
	fputs("</tr>\n<tr><th scope=\"row\">outliers</th>", f);
	for (int k = 0; k < 2; k++)
		fprintf(f, "<td>%zu</td>", s[k]->n_outliers);
	fputs("</tr></table>\n", f);
}

/* One benchmark's section: what was found, its history, its samples. */
static void bench_section(const struct pfg_report *r, size_t i, FILE *f)
{
	const struct pfg_rbench *b = &r->b[i];
	fprintf(f, "<details id=\"b%zu\"%s><summary>", i,
		b->fails || r->o.benchmark ? " open" : "");
	dot(f, b);
	E(b->full);
	fputs(": ", f);
	E(pfg_report_verdict_text(b));
	fputs("</summary>\n<p>", f);
	if (pfg_report_has_numbers(b)) {
		char chg[32], ci[64];
		pfg_report_change(b, chg, sizeof chg);
		pfg_report_interval(b, ci, sizeof ci);
		fputs("Change ", f);
		E(chg);
		fputs(" ", f);
		E(ci);
		fprintf(f, ", p = %.2g, %s test", b->cmp.p_value, b->cmp.test);
		if (b->cmp.mde_pct >= 0)
			fprintf(f, ", could detect %.1f%%", b->cmp.mde_pct);
		fputs(", ", f);
		E(b->cur_label);
		fputs(" against ", f);
		E(b->base_label);
		fputs(". ", f);
	} else if (b->has_cmp && *b->cmp.reason) {
		fputs("Not compared: ", f);
		E(b->cmp.reason);
		fputs(". ", f);
	}
	fputs("Direction: ", f);
	E(b->direction == PFG_HIGHER_IS_BETTER ? "higher is better" : "lower is better");
	fputs("; baseline ", f);
	E(b->baseline_state);
	fputs(".</p>\n", f);
	if (b->has_trend && b->trend.n) {
		fputs("<h3>History</h3>\n", f);
		pfg_chart_timeline(f, r, b);
		if (b->trend.has_fit)
			fprintf(f, "<p>Trend %.3g per run (R\xC2\xB2 %.2f, p = %.2g), %zu change "
				"point%s.</p>\n", b->trend.slope, b->trend.r2, b->trend.slope_p,
				b->trend.n_cps, b->trend.n_cps == 1 ? "" : "s");
	}
	if (b->base->has_summary || b->cur->has_summary) {
		fputs("<h3>Samples</h3>\n", f);
		pfg_chart_distributions(f, b);
	}
	stats_table(b, f);
	fputs("</details>\n", f);
}

/* The alerts, newest first, each with its history of states and notes. */
static void alerts(const struct pfg_report *r, FILE *f)
{
	if (strcmp(r->mode, "compare") == 0)
		return;
	fprintf(f, "<h2 id=\"alerts\">Alerts</h2>\n");
	if (!r->n_alerts) {
		fputs("<p>No alerts.</p>\n", f);
		return;
	}
	fputs("<table border=\"1\"><thead><tr><th>Raised</th><th>Alert</th><th>Benchmark</th><th>Kind</th>"
	      "<th>Severity</th><th>Change</th><th>State</th><th>History</th></tr></thead>"
	      "<tbody>\n", f);
	for (size_t i = 0; i < r->n_alerts; i++) {
		const struct pfg_query_alert_detail *d = &r->alerts[i];
		const struct pfg_alert *a = &d->alert;
		char at[32];
		pfg_report_time(a->created_at, at, sizeof at);
		fprintf(f, "<tr><td>%s</td><td>%lld</td><td>", at, (long long)a->id);
		E(a->bench ? a->bench : "?");
		fprintf(f, "</td><td>%s</td><td>%s</td><td class=\"n\">%+.1f%%</td><td>%s%s</td>"
			"<td>", pfg_alert_kind_name(a->kind), pfg_severity_name(a->severity),
			a->change_pct, pfg_alert_state_name(a->state),
			a->recovered_run_id ? ", recovered" : "");
		if (a->detail) {
			E(a->detail);
			fputs("<br>", f);
		}
		if (d->n_hist) {
			fputs("<ol>", f);
			for (size_t k = 0; k < d->n_hist; k++) {
				const struct pfg_alert_event *e = &d->hist[k];
				pfg_report_time(e->at, at, sizeof at);
				fprintf(f, "<li>%s ", at);
				E(e->actor ? e->actor : "?");
				if (e->from != e->to)
					fprintf(f, ": %s \xE2\x86\x92 %s", pfg_alert_state_name(e->from),
						pfg_alert_state_name(e->to));
				if (e->note) {
					fputs(": \xE2\x80\x9C", f);
					E(e->note);
					fputs("\xE2\x80\x9D", f);
				}
				fputs("</li>", f);
			}
			fputs("</ol>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
	if (r->n_alerts_left)
		fprintf(f, "<p>%zu older alerts are left out (the newest %d are listed).</p>\n",
			r->n_alerts_left, PFG_REPORT_ALERTS_MAX);
}

/* Render r as one HTML page. */
void pfg_report_html(const struct pfg_report *r, FILE *f)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"color-scheme\" content=\"light dark\">\n<title>perfguard report", f);
	if (*r->suite) {
		fputs(": ", f);
		E(r->suite);
	}
	fprintf(f, " (%s)</title>\n", r->failed ? "FAIL" : "PASS");
	fputs(style, f);
	fputs("</head><body>\n", f);
	header(r, f);
	fputs("<nav>", f);
	if (r->o.link_base) {
		fputs("<a href=\"", f);
		E(r->o.link_base);
		fputs("\">All benchmarks</a> \xC2\xB7 <a href=\"", f);
		E(r->o.link_base);
		fputs("report.json\">JSON</a> \xC2\xB7 ", f);
	}
	fputs("<a href=\"#benchmarks\">Benchmarks</a> \xC2\xB7 <a href=\"#components\">"
	      "Changes by component</a> \xC2\xB7 <a href=\"#details\">Each benchmark</a>", f);
	if (strcmp(r->mode, "compare"))
		fputs(" \xC2\xB7 <a href=\"#alerts\">Alerts</a>", f);
	fputs("</nav>\n", f);
	summary(r, f);
	components(r, f);
	fputs("<h2 id=\"details\">Each benchmark</h2>\n", f);
	for (size_t i = 0; i < r->n; i++)
		bench_section(r, i, f);
	alerts(r, f);
	fputs(script, f);
	fputs("</body></html>\n", f);
}

/* "'sha256-BASE64'" of the text between the tags of a <style> or <script>
 * block (the whole of block, its first and last lines being the tags). */
static void csp_hash(const char *block, char *out, size_t len)
{
	const char *open = strchr(block, '>') + 1;
	const char *close = strrchr(block, '<');
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
	EVP_Digest(open, (size_t)(close - open), md, &n, EVP_sha256(), NULL);
	EVP_EncodeBlock(b64, md, (int)n);
	snprintf(out, len, "'sha256-%s'", (const char *)b64);
}

static char csp[512];
static pthread_once_t csp_once = PTHREAD_ONCE_INIT;

/* Compute the page's policy into csp. */
static void csp_init(void)
{
	char st[128], sc[128];
	csp_hash(style, st, sizeof st);
	csp_hash(script, sc, sizeof sc);
	snprintf(csp, sizeof csp, "default-src 'none'; style-src %s; script-src %s; "
		 "img-src 'none'; base-uri 'none'; form-action 'none'; "
		 "frame-ancestors 'self'", st, sc);
}

/* The policy under which the page works in full (see report.h). */
const char *pfg_report_html_csp(void)
{
	pthread_once(&csp_once, csp_init);
	return csp;
}
