/* policy.c: which alert covers a comparison, and what a dismissal excuses. */
#include "perfguard/alerts.h"

int pfg_alert_covers(const struct pfg_alert *a, const struct pfg_comparison *c)
{
	if (a->recovered_run_id || a->state == PFG_ALERT_FIXED)
		return 0;
	if (pfg_alert_state_is_open(a->state))
		return 1;
	return c->severity <= a->severity && c->ci_low_pct <= a->change_pct;
}
