/* describe.c: a comparison in one sentence, the same in every view. */
#include "perfguard/query.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Append to buf at *at what fmt says, never past len. */
static void put(char *buf, size_t len, size_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	if (*at >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *at, len - *at, fmt, ap);
	va_end(ap);
	*at += n > 0 ? (size_t)n : 0;
}

void pfg_comparison_describe(const struct pfg_comparison *c, char *buf, size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	const char *verdict = pfg_verdict_name(c->verdict);
	if (c->verdict == PFG_VERDICT_NO_BASELINE) {
		put(buf, len, &at, "no approved baseline yet");
		return;
	}
	if (strcmp(c->test, "fisher") == 0) {
		put(buf, len, &at, "vs baseline %lld: failed runs %.1f%% -> %.1f%% (%+.1f "
		    "points), p = %.2g: %s", (long long)c->baseline_id, c->estimate_base,
		    c->estimate_current, c->change_pct, c->p_value, verdict);
	} else if (c->verdict == PFG_VERDICT_NOT_COMPARABLE) {
		put(buf, len, &at, "vs baseline %lld: cannot be compared (%s)",
		    (long long)c->baseline_id,
		    *c->reason ? c->reason : "too few samples, or a baseline of 0");
	} else {
		put(buf, len, &at, "vs baseline %lld: %+.1f%% [%+.1f%%, %+.1f%%], p = %.2g, %s",
		    (long long)c->baseline_id, c->change_pct, c->ci_low_pct, c->ci_high_pct,
		    c->p_value, verdict);
		if (c->severity != PFG_SEVERITY_NONE)
			put(buf, len, &at, " (%s)", pfg_severity_name(c->severity));
		if (c->mde_pct >= 0 && c->verdict == PFG_VERDICT_INCONCLUSIVE)
			put(buf, len, &at, ": not significant, and too noisy to show a change "
			    "under %.1f%%", c->mde_pct);
		else if (c->mde_pct >= 0 && c->verdict != PFG_VERDICT_REGRESSION)
			put(buf, len, &at, ", would have shown a change of %.1f%%", c->mde_pct);
	}
	if (c->confirm_runs && c->verdict == PFG_VERDICT_REGRESSION)
		put(buf, len, &at, ", confirmed by %d rerun%s", c->confirm_runs,
		    c->confirm_runs == 1 ? "" : "s");
	else if (c->confirm_runs)
		put(buf, len, &at, ", after %d confirmation rerun%s", c->confirm_runs,
		    c->confirm_runs == 1 ? "" : "s");
	if (*c->basis)
		put(buf, len, &at, "; judged on %s", c->basis);
}
