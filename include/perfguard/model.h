/* model.h: perfguard's domain words, each an enum with one name/parse pair.
 *
 * Everything that travels between modules uses these enums; the database
 * keeps their names as readable TEXT, and the store converts at its
 * boundary. Names are the lowercase words users see ("regression",
 * "wontfix", ...). Every parse function returns 0 and sets *out, or -1
 * when s names nothing (out untouched). */
#ifndef PERFGUARD_MODEL_H
#define PERFGUARD_MODEL_H

/* Which way is better for a metric. */
enum pfg_direction {
	PFG_LOWER_IS_BETTER = 0, /* latency, memory: an increase is a regression */
	PFG_HIGHER_IS_BETTER,    /* throughput: a decrease is a regression */
};

/* Severity of a regression, in order: compare with < and >=. */
enum pfg_severity {
	PFG_SEVERITY_NONE = 0,
	PFG_SEVERITY_MINOR,
	PFG_SEVERITY_MODERATE,
	PFG_SEVERITY_MAJOR,
	PFG_SEVERITY_CRITICAL,
};

/* What a comparison with the baseline concluded. The statistics produce
 * the first four; the analysis adds the last two. */
enum pfg_verdict {
	PFG_VERDICT_NO_CHANGE = 0, /* not significant and precise enough, or a
	                            * significant change below the minor threshold */
	PFG_VERDICT_REGRESSION,    /* significant, worse by at least the minor threshold */
	PFG_VERDICT_IMPROVEMENT,   /* significant, better by at least the minor threshold */
	PFG_VERDICT_INCONCLUSIVE,  /* not significant, but the minimum detectable
	                            * effect exceeds the minor threshold */
	PFG_VERDICT_NO_BASELINE,   /* no approved baseline to compare with */
	PFG_VERDICT_NOT_COMPARABLE,/* too few values, a baseline of 0, overflow */
};

/* What an alert is about. */
enum pfg_alert_kind {
	PFG_ALERT_REGRESSION = 0,
	PFG_ALERT_DRIFT,
	PFG_ALERT_ERROR_RATE,
};

/* An alert's state: open (new, acknowledged, investigating) or closed
 * (fixed; invalid and wontfix are dismissals). */
enum pfg_alert_state {
	PFG_ALERT_NEW = 0,
	PFG_ALERT_ACKNOWLEDGED,
	PFG_ALERT_INVESTIGATING,
	PFG_ALERT_FIXED,
	PFG_ALERT_INVALID,
	PFG_ALERT_WONTFIX,
};

enum pfg_baseline_state {
	PFG_BASELINE_PROPOSED = 0,
	PFG_BASELINE_APPROVED,
	PFG_BASELINE_REJECTED,
	PFG_BASELINE_SUPERSEDED,
};

enum pfg_run_status {
	PFG_RUN_RUNNING = 0,
	PFG_RUN_COMPLETE,
	PFG_RUN_FAILED,
	PFG_RUN_INTERRUPTED,
};

/* Whether the CPU may clock above its base frequency (turbo boost). */
enum pfg_boost {
	PFG_BOOST_UNKNOWN = 0,   /* no file says */
	PFG_BOOST_OFF,
	PFG_BOOST_ON,
};

/* Why the measured runs of a benchmark stopped. */
enum pfg_stop_reason {
	PFG_STOP_RUNS = 0,        /* the fixed number of runs was made */
	PFG_STOP_PRECISE,         /* "runs": "auto": the target precision was reached */
	PFG_STOP_MAX_RUNS,        /* "runs": "auto": max_runs made, not precise enough */
	PFG_STOP_BUDGET,          /* "runs": "auto": another run would overrun the budget */
	PFG_STOP_INTERRUPTED,     /* the run was cancelled (a signal, the dashboard) */
};

const char *pfg_direction_name(enum pfg_direction d);
const char *pfg_severity_name(enum pfg_severity s);
const char *pfg_verdict_name(enum pfg_verdict v);
const char *pfg_alert_kind_name(enum pfg_alert_kind k);
const char *pfg_alert_state_name(enum pfg_alert_state s);
const char *pfg_baseline_state_name(enum pfg_baseline_state s);
const char *pfg_run_status_name(enum pfg_run_status s);
const char *pfg_boost_name(enum pfg_boost b);
const char *pfg_stop_reason_name(enum pfg_stop_reason r);

int pfg_direction_parse(const char *s, enum pfg_direction *out);
int pfg_severity_parse(const char *s, enum pfg_severity *out);
int pfg_verdict_parse(const char *s, enum pfg_verdict *out);
int pfg_alert_kind_parse(const char *s, enum pfg_alert_kind *out);
int pfg_alert_state_parse(const char *s, enum pfg_alert_state *out);
int pfg_baseline_state_parse(const char *s, enum pfg_baseline_state *out);
int pfg_run_status_parse(const char *s, enum pfg_run_status *out);
int pfg_boost_parse(const char *s, enum pfg_boost *out);
int pfg_stop_reason_parse(const char *s, enum pfg_stop_reason *out);

/* Nonzero for new, acknowledged and investigating. */
int pfg_alert_state_is_open(enum pfg_alert_state s);

/* Nonzero for a dismissal: invalid or wontfix. */
int pfg_alert_state_is_dismissed(enum pfg_alert_state s);

/* Nonzero when an alert in state from may move to state to: forward from
 * an open state (new -> acknowledged -> investigating, or to any closed
 * state); a closed alert only back to investigating. */
int pfg_alert_state_can_become(enum pfg_alert_state from, enum pfg_alert_state to);

/* A bit mask of the open alert states, for store filters. */
#define PFG_ALERT_OPEN_STATES                                            \
	((1u << PFG_ALERT_NEW) | (1u << PFG_ALERT_ACKNOWLEDGED) |        \
	 (1u << PFG_ALERT_INVESTIGATING))

#endif
