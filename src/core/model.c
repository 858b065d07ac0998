/* model.c: the names of perfguard's domain words. */
#include "perfguard/model.h"

#include <string.h>

static const char *const direction_names[] = { "lower", "higher" };
static const char *const severity_names[] = { "none", "minor", "moderate", "major",
					       "critical" };
static const char *const verdict_names[] = { "no_change", "regression", "improvement",
					      "inconclusive", "no_baseline",
					      "not_comparable" };
static const char *const kind_names[] = { "regression", "drift", "error_rate" };
static const char *const alert_state_names[] = { "new", "acknowledged", "investigating",
						 "fixed", "invalid", "wontfix" };
static const char *const baseline_state_names[] = { "proposed", "approved", "rejected",
						    "superseded" };
static const char *const run_status_names[] = { "running", "complete", "failed",
						"interrupted" };
static const char *const boost_names[] = { "unknown", "off", "on" };
static const char *const stop_reason_names[] = { "runs", "precise", "max_runs", "budget",
						 "interrupted" };

#define COUNT(a) ((int)(sizeof a / sizeof *a))

/* names[i], or "?" when i is out of range. */
static const char *name_of(const char *const *names, int n, int i)
{
	return i >= 0 && i < n ? names[i] : "?";
}

/* The index of s in names[0..n), or -1. */
static int index_of(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* Define the name/parse pair of one enum over its table of names. */
#define NAME_PARSE(type, fn, table)                                      \
	const char *pfg_##fn##_name(enum type v)                         \
	{                                                                \
		return name_of(table, COUNT(table), (int)v);             \
	}                                                                \
	int pfg_##fn##_parse(const char *s, enum type *out)              \
	{                                                                \
		int i = index_of(table, COUNT(table), s);                \
		if (i < 0)                                               \
			return -1;                                       \
		*out = (enum type)i;                                     \
		return 0;                                                \
	}

NAME_PARSE(pfg_direction, direction, direction_names)
NAME_PARSE(pfg_severity, severity, severity_names)
NAME_PARSE(pfg_verdict, verdict, verdict_names)
NAME_PARSE(pfg_alert_kind, alert_kind, kind_names)
NAME_PARSE(pfg_alert_state, alert_state, alert_state_names)
NAME_PARSE(pfg_baseline_state, baseline_state, baseline_state_names)
NAME_PARSE(pfg_run_status, run_status, run_status_names)
NAME_PARSE(pfg_boost, boost, boost_names)
NAME_PARSE(pfg_stop_reason, stop_reason, stop_reason_names)

int pfg_alert_state_is_open(enum pfg_alert_state s)
{
	return s == PFG_ALERT_NEW || s == PFG_ALERT_ACKNOWLEDGED ||
	       s == PFG_ALERT_INVESTIGATING;
}

int pfg_alert_state_is_dismissed(enum pfg_alert_state s)
{
	return s == PFG_ALERT_INVALID || s == PFG_ALERT_WONTFIX;
}

int pfg_alert_state_can_become(enum pfg_alert_state from, enum pfg_alert_state to)
{
	if (!pfg_alert_state_is_open(from))
		return to == PFG_ALERT_INVESTIGATING; /* reopen */
	return !pfg_alert_state_is_open(to) || to > from;
}
