/* policy.c: which alert covers a comparison, and what a dismissal excuses. */
#include "perfguard/alerts.h"

#include <string.h>

int pfg_alert_state_open(const char *state)
{
	return strcmp(state, "new") == 0 || strcmp(state, "acknowledged") == 0 ||
	       strcmp(state, "investigating") == 0;
}

int pfg_alert_state_dismissed(const char *state)
{
	return strcmp(state, "invalid") == 0 || strcmp(state, "wontfix") == 0;
}

/* The rank of a severity name: none 0 ... critical 4 (unknown: 0). */
static int severity_rank(const char *name)
{
	enum pfg_stats_severity s = PFG_SEVERITY_NONE;
	pfg_stats_severity_parse(name, &s);
	return (int)s;
}

int pfg_alert_covers(const struct pfg_alert *a, const struct pfg_comparison *c)
{
	if (a->recovered_run_id || strcmp(a->state, "fixed") == 0)
		return 0;
	if (pfg_alert_state_open(a->state))
		return 1;
	return severity_rank(c->severity) <= severity_rank(a->severity) &&
	       c->ci_low_pct <= a->change_pct;
}
