/* markdown.c: the report as Markdown for a CI step summary or a pull
 * request comment: the verdict, a table of the regressions and
 * improvements with severity markers, the rest counted; never longer than
 * the size limit (o.md_max): rows that do not fit become "and N more". */
#include "report_int.h"

#include "perfguard/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The room kept for the closing lines after the table. */
#define TAIL_ROOM 700

/* s as Markdown text in a table cell: HTML's &, <, > as entities,
 * Markdown's emphasis, code, link and table punctuation backslash-escaped,
 * line breaks as spaces, control characters and ill-formed UTF-8 as U+FFFD. */
static void md_esc(FILE *f, const char *s)
{
	for (; s && *s;) {
		uint32_t cp;
		int len = pfg_utf8_decode(s, &cp);
		if (len < 0) {
			fputs("\xEF\xBF\xBD", f);
			s += -len;
			continue;
		}
		if (cp == '&')
			fputs("&amp;", f);
		else if (cp == '<')
			fputs("&lt;", f);
		else if (cp == '>')
			fputs("&gt;", f);
		else if (cp == '\n' || cp == '\r' || cp == '\t')
			fputc(' ', f);
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			fputs("\xEF\xBF\xBD", f);
		else if (strchr("\\`*_[]|~", (int)cp) && cp < 0x80)
			fprintf(f, "\\%c", (char)cp);
		else
			fwrite(s, 1, (size_t)len, f);
		s += len;
	}
}

/* The marker of b's verdict: a coloured circle per severity, and a word
 * in the verdict column so that the colour is never the only sign. */
static const char *marker(const struct pfg_rbench *b)
{
	static const char *const sev[] = { "\xF0\x9F\x94\xB4", "\xE2\x9A\xAA",
					   "\xF0\x9F\x9F\xA1", "\xF0\x9F\x9F\xA0",
					   "\xF0\x9F\x94\xB4" };
	if (b->has_cmp && b->cmp.verdict == PFG_VERDICT_REGRESSION)
		return sev[b->cmp.severity <= PFG_SEVERITY_CRITICAL ? b->cmp.severity : 0];
	if (b->has_cmp && b->cmp.verdict == PFG_VERDICT_IMPROVEMENT)
		return "\xF0\x9F\x9F\xA2";
	return "";
}

/* One table row for b into a string. */
static char *row(const struct pfg_rbench *b)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char base[64], cur[64], chg[32], ci[64];
	pfg_format_value(b->cmp.estimate_base, b->unit, base, sizeof base);
	pfg_format_value(b->cmp.estimate_current, b->unit, cur, sizeof cur);
	pfg_report_change(b, chg, sizeof chg);
	pfg_report_interval(b, ci, sizeof ci);
	fprintf(f, "| %s | ", marker(b));
	md_esc(f, b->full);
	fputs(" | ", f);
	md_esc(f, base);
	fputs(" | ", f);
	md_esc(f, cur);
	fprintf(f, " | %s %s | %.2g | %s%s |\n", chg, ci, b->cmp.p_value,
		pfg_report_verdict_text(b), b->fails ? ", **fails the gate**" : "");
	fclose(f);
	return buf;
}

void pfg_report_markdown(const struct pfg_report *r, FILE *out)
{
	size_t max = r->o.md_max ? r->o.md_max : PFG_REPORT_MD_MAX;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int compare = strcmp(r->mode, "compare") == 0;
	fprintf(f, "## perfguard: %s\n\n", r->failed ? "\xE2\x9D\x8C gate failed"
						    : "\xE2\x9C\x85 gate passed");
	if (compare)
		fprintf(f, "Run %lld against run %lld. ", (long long)r->o.compare_b,
			(long long)r->o.compare_a);
	else if (r->o.run_id)
		fprintf(f, "Run %lld against the approved baselines. ", (long long)r->o.run_id);
	else
		fputs("The suite's state: each benchmark's latest result against its approved "
		      "baseline. ", f);
	fprintf(f, "Fails on a regression at %s or worse%s.\n\n", pfg_severity_name(r->fail_on),
		r->fail_on_missing && !compare ? " or a missing baseline" : "");
	size_t reg = r->verdicts[PFG_VERDICT_REGRESSION];
	fprintf(f, "**%zu** benchmark%s: **%zu** regression%s", r->n, r->n == 1 ? "" : "s", reg,
		reg == 1 ? "" : "s");
	if (reg) {
		const char *sep = " (";
		for (int k = PFG_SEVERITY_CRITICAL; k >= PFG_SEVERITY_MINOR; k--)
			if (r->severities[k]) {
				fprintf(f, "%s%zu %s", sep, r->severities[k], pfg_severity_name(k));
				sep = ", ";
			}
		fputs(")", f);
	}
	fprintf(f, ", %zu improvement%s, %zu no change, %zu inconclusive, %zu without a "
		"baseline, %zu not comparable; **%zu** fail%s the gate.\n\n",
		r->verdicts[PFG_VERDICT_IMPROVEMENT],
		r->verdicts[PFG_VERDICT_IMPROVEMENT] == 1 ? "" : "s",
		r->verdicts[PFG_VERDICT_NO_CHANGE], r->verdicts[PFG_VERDICT_INCONCLUSIVE],
		r->verdicts[PFG_VERDICT_NO_BASELINE], r->verdicts[PFG_VERDICT_NOT_COMPARABLE],
		r->n_failing, r->n_failing == 1 ? "s" : "");
	if (r->env_known) {
		fputs("Environment: ", f);
		md_esc(f, r->env.host);
		fputs(", ", f);
		md_esc(f, r->env.cpu_model);
		fputs(", ", f);
		md_esc(f, r->env.kernel);
		if (*r->git_rev) {
			fputs(", git ", f);
			md_esc(f, r->git_rev);
		}
		fputs(".\n\n", f);
	}
	size_t shown = 0, changed = 0, other[PFG_VERDICT_NOT_COMPARABLE + 2] = { 0 };
	for (size_t i = 0; i < r->n; i++) {
		const struct pfg_rbench *b = &r->b[i];
		int wanted = b->has_cmp && (b->cmp.verdict == PFG_VERDICT_REGRESSION ||
					    b->cmp.verdict == PFG_VERDICT_IMPROVEMENT);
		wanted = wanted || b->fails;
		if (!wanted) {
			other[b->has_cmp ? b->cmp.verdict : PFG_VERDICT_NOT_COMPARABLE + 1]++;
			continue;
		}
		changed++;
		char *line = row(b);
		fflush(f);
		if (shown == 0 && len + 200 + strlen(line) + TAIL_ROOM <= max)
			fputs("| | Benchmark | Baseline | Current | Change [95% CI] | p | "
			      "Verdict |\n|---|---|---|---|---|---|---|\n", f);
		fflush(f);
		if (len + strlen(line) + TAIL_ROOM <= max && (shown || len + 200 <= max)) {
			fputs(line, f);
			shown++;
		}
		free(line);
	}
	if (changed > shown)
		fprintf(f, "\n_…and %zu more regression%s or improvement%s not shown (this "
			"summary is kept under %zu bytes; the HTML or JSON report lists every "
			"benchmark)._\n", changed - shown, changed - shown == 1 ? "" : "s",
			changed - shown == 1 ? "" : "s", max);
	if (!changed)
		fputs("No regression and no improvement.\n", f);
	size_t rest = r->n - changed;
	if (rest)
		fprintf(f, "\n<details><summary>%zu other benchmark%s</summary>\n\n%zu no change, "
			"%zu inconclusive, %zu without a baseline, %zu not comparable or without "
			"a result.\n\n</details>\n", rest, rest == 1 ? "" : "s",
			other[PFG_VERDICT_NO_CHANGE], other[PFG_VERDICT_INCONCLUSIVE],
			other[PFG_VERDICT_NO_BASELINE],
			other[PFG_VERDICT_NOT_COMPARABLE] + other[PFG_VERDICT_NOT_COMPARABLE + 1]);
	fprintf(f, "\n<sub>perfguard %s, %s test, alpha %g, thresholds %g/%g/%g/%g%%.</sub>\n",
		PFG_VERSION, r->test, r->alpha, r->thresholds[0], r->thresholds[1],
		r->thresholds[2], r->thresholds[3]);
	fclose(f);
	fwrite(buf, 1, len, out);
	free(buf);
}
