/* text.c: what the report's writers share: escaping for HTML and XML,
 * and the few phrases and numbers every format prints the same way. */
#include "report_int.h"

#include "perfguard/util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void pfg_report_esc(FILE *f, const char *s)
{
	if (!s)
		return;
	while (*s) {
		uint32_t cp;
		int len = pfg_utf8_decode(s, &cp);
		if (len < 0) {
			fputs("\xEF\xBF\xBD", f);
			s += -len;
			continue;
		}
		switch (cp) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7f ||
			    (cp >= 0x80 && cp < 0xa0) || cp == 0xfffe || cp == 0xffff)
				fputs("\xEF\xBF\xBD", f);
			else
				fwrite(s, 1, (size_t)len, f);
		}
		s += len;
	}
}

const char *pfg_report_verdict_text(const struct pfg_rbench *b)
{
	static const char *const sev[] = { "regression", "regression (minor)",
					   "regression (moderate)", "regression (major)",
					   "regression (critical)" };
	if (!b->has_cmp)
		return b->run_id ? "not compared" : "no result";
	switch (b->cmp.verdict) {
	case PFG_VERDICT_REGRESSION:
		return sev[b->cmp.severity <= PFG_SEVERITY_CRITICAL ? b->cmp.severity : 0];
	case PFG_VERDICT_IMPROVEMENT:
		return "improvement";
	case PFG_VERDICT_NO_CHANGE:
		return "no change";
	case PFG_VERDICT_INCONCLUSIVE:
		return "inconclusive";
	case PFG_VERDICT_NO_BASELINE:
		return "no baseline";
	default:
		return "not comparable";
	}
}

int pfg_report_has_numbers(const struct pfg_rbench *b)
{
	return b->has_cmp && b->cmp.verdict != PFG_VERDICT_NO_BASELINE &&
	       b->cmp.verdict != PFG_VERDICT_NOT_COMPARABLE && isfinite(b->cmp.change_pct);
}

void pfg_report_change(const struct pfg_rbench *b, char *buf, size_t len)
{
	if (!pfg_report_has_numbers(b))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%+.1f%s", b->cmp.change_pct,
			 strcmp(b->cmp.test, "fisher") == 0 ? " pts" : "%");
}

void pfg_report_interval(const struct pfg_rbench *b, char *buf, size_t len)
{
	if (!pfg_report_has_numbers(b) || strcmp(b->cmp.test, "fisher") == 0)
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, "[%+.1f%%, %+.1f%%]", b->cmp.ci_low_pct, b->cmp.ci_high_pct);
}

void pfg_report_time(double at, char *buf, size_t len)
{
	if (at <= 0) {
		snprintf(buf, len, "%s", "");
		return;
	}
	time_t t = (time_t)at;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void pfg_report_decimal(double v, char *buf, size_t len)
{
	if (!isfinite(v) || fabs(v) < 5e-4)
		v = 0;
	snprintf(buf, len, "%.3f", v);
	/* Trim trailing zeros, keeping one digit after the point. */
	char *dot = strchr(buf, '.');
	if (dot) {
		char *e = buf + strlen(buf) - 1;
		while (e > dot + 1 && *e == '0')
			*e-- = '\0';
	}
}
