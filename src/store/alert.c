/* alert.c: alerts, their states and the history of every change. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Alerts ------------------------------------------------------------- */

int pfg_store_alert_add(struct pfg_store *st, const struct pfg_alert *a, int64_t *id,
			char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "INSERT INTO alert (benchmark_id, environment_id, run_id,"
			  " baseline_id, kind, state, severity, change_pct, ci_low_pct,"
			  " ci_high_pct, p_value, created_at, updated_at, detail) VALUES"
			  " (?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?)", &stmt, err, errlen))
		return PFG_ERUNTIME;
	double now = pfg_wall_time();
	sqlite3_bind_int64(stmt, 1, a->bench_id);
	sqlite3_bind_int64(stmt, 2, a->env_id);
	sqlite3_bind_int64(stmt, 3, a->run_id);
	if (a->baseline_id)
		sqlite3_bind_int64(stmt, 4, a->baseline_id);
	sqlite3_bind_text(stmt, 5, pfg_alert_kind_name(a->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, pfg_severity_name(a->severity), -1, SQLITE_STATIC);
	sqlite3_bind_double(stmt, 7, a->change_pct);
	sqlite3_bind_double(stmt, 8, a->ci_low_pct);
	sqlite3_bind_double(stmt, 9, a->ci_high_pct);
	sqlite3_bind_double(stmt, 10, a->p_value);
	sqlite3_bind_double(stmt, 11, now);
	sqlite3_bind_double(stmt, 12, now);
	if (a->detail)
		sqlite3_bind_text(stmt, 13, a->detail, -1, SQLITE_STATIC);
	if (store_step_done(st, stmt, err, errlen, "raise alert"))
		return PFG_ERUNTIME;
	*id = sqlite3_last_insert_rowid(st->db);
	return store_audit(st, "perfguard", "alert", *id, "raised", a->detail, err, errlen);
}

/* Append an event to an alert's history and touch its updated_at. */
static int add_event(struct pfg_store *st, int64_t id, const char *actor,
		     enum pfg_alert_state from, enum pfg_alert_state to, const char *note,
		     char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "INSERT INTO alert_event (alert_id, at, actor, from_state,"
			  " to_state, note) VALUES (?, ?, ?, ?, ?, ?)", &stmt, err, errlen))
		return PFG_ERUNTIME;
	double now = pfg_wall_time();
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_double(stmt, 2, now);
	sqlite3_bind_text(stmt, 3, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, pfg_alert_state_name(from), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, pfg_alert_state_name(to), -1, SQLITE_STATIC);
	if (note && *note)
		sqlite3_bind_text(stmt, 6, note, -1, SQLITE_STATIC);
	if (store_step_done(st, stmt, err, errlen, "write alert history"))
		return PFG_ERUNTIME;
	if (store_prepare(st, "UPDATE alert SET state = ?, updated_at = ? WHERE id = ?",
			  &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_text(stmt, 1, pfg_alert_state_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_double(stmt, 2, now);
	sqlite3_bind_int64(stmt, 3, id);
	if (store_step_done(st, stmt, err, errlen, "update alert"))
		return PFG_ERUNTIME;
	return store_audit(st, actor, "alert", id, from != to ? pfg_alert_state_name(to)
			   : "note", note, err, errlen);
}

/* The state of alert id into state; PFG_ENOTFOUND when unknown. */
static int alert_state(struct pfg_store *st, int64_t id, enum pfg_alert_state *state,
		       char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "SELECT state FROM alert WHERE id = ?", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, id);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_column_enum(stmt, 0, pfg_alert_state_parse, state);
	store_release(st, stmt);
	if (rc == SQLITE_ROW)
		return PFG_OK;
	if (rc == SQLITE_DONE)
		return pfg_error(err, errlen, PFG_ENOTFOUND, "no alert %lld",
				 (long long)id);
	return store_error(st, err, errlen, "read alert");
}

int pfg_store_alert_transition(struct pfg_store *st, int64_t id,
			       enum pfg_alert_state to, const char *actor, const char *note,
			       char *err, size_t errlen)
{
	enum pfg_alert_state from;
	if (store_begin(st, err, errlen))
		return PFG_ERUNTIME;
	int rc = alert_state(st, id, &from, err, errlen);
	if (rc == PFG_OK && from == to)
		rc = pfg_error(err, errlen, PFG_EINPUT, "alert %lld is already %s",
			       (long long)id, pfg_alert_state_name(to));
	else if (rc == PFG_OK && !pfg_alert_state_can_become(from, to))
		rc = pfg_error(err, errlen, PFG_EINPUT, "alert %lld is %s: it cannot "
			       "become %s%s", (long long)id, pfg_alert_state_name(from),
			       pfg_alert_state_name(to), to != PFG_ALERT_INVESTIGATING ?
			       " (a closed alert can only be reopened, to investigating)" :
			       "");
	if (rc == PFG_OK)
		rc = add_event(st, id, actor, from, to, note, err, errlen);
	return store_finish(st, rc, err, errlen);
}

int pfg_store_alert_note(struct pfg_store *st, int64_t id, const char *actor,
			 const char *note, char *err, size_t errlen)
{
	enum pfg_alert_state state;
	if (!note || !*note)
		return pfg_error(err, errlen, PFG_EINPUT, "a note cannot be empty");
	if (store_begin(st, err, errlen))
		return PFG_ERUNTIME;
	int rc = alert_state(st, id, &state, err, errlen);
	if (rc == PFG_OK)
		rc = add_event(st, id, actor, state, state, note, err, errlen);
	return store_finish(st, rc, err, errlen);
}

int pfg_store_alert_recover(struct pfg_store *st, int64_t id, int64_t run_id,
			    char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "UPDATE alert SET recovered_run_id = ?, updated_at = ?"
			  " WHERE id = ?", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_double(stmt, 2, pfg_wall_time());
	sqlite3_bind_int64(stmt, 3, id);
	if (store_step_done(st, stmt, err, errlen, "mark alert recovered"))
		return PFG_ERUNTIME;
	char detail[48];
	snprintf(detail, sizeof detail, "by run %lld", (long long)run_id);
	return store_audit(st, "perfguard", "alert", id, "recovered", detail, err, errlen);
}

/* store_free_fn for alerts. */
static void free_alerts(void *alerts, size_t n)
{
	pfg_alerts_free(alerts, n);
}

/* Columns every alert query selects, in this order. */
#define ALERT_COLUMNS \
	"a.id, a.benchmark_id, a.environment_id, a.run_id, coalesce(a.baseline_id, 0)," \
	" c.name || '/' || bm.name, a.kind, a.state, a.severity, a.change_pct," \
	" a.ci_low_pct, a.ci_high_pct, a.p_value, a.created_at, a.updated_at," \
	" coalesce(a.recovered_run_id, 0), a.detail"

/* Read ALERT_COLUMNS into the pfg_alert at elem. */
static void read_alert(sqlite3_stmt *stmt, void *elem)
{
	struct pfg_alert *a = elem;
	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(stmt, 0);
	a->bench_id = sqlite3_column_int64(stmt, 1);
	a->env_id = sqlite3_column_int64(stmt, 2);
	a->run_id = sqlite3_column_int64(stmt, 3);
	a->baseline_id = sqlite3_column_int64(stmt, 4);
	a->bench = store_column_dup(stmt, 5);
	store_column_enum(stmt, 6, pfg_alert_kind_parse, &a->kind);
	store_column_enum(stmt, 7, pfg_alert_state_parse, &a->state);
	store_column_enum(stmt, 8, pfg_severity_parse, &a->severity);
	a->change_pct = sqlite3_column_double(stmt, 9);
	a->ci_low_pct = sqlite3_column_double(stmt, 10);
	a->ci_high_pct = sqlite3_column_double(stmt, 11);
	a->p_value = sqlite3_column_double(stmt, 12);
	a->created_at = sqlite3_column_double(stmt, 13);
	a->updated_at = sqlite3_column_double(stmt, 14);
	a->recovered_run_id = sqlite3_column_int64(stmt, 15);
	a->detail = store_column_dup(stmt, 16);
}

int pfg_store_alerts(struct pfg_store *st, const struct pfg_alert_filter *f,
		     struct pfg_alert **out, size_t *n, char *err, size_t errlen)
{
	static const struct pfg_alert_filter all = { 0 };
	sqlite3_stmt *stmt;
	*out = NULL;
	*n = 0;
	f = f ? f : &all;
	if (store_prepare(st, "SELECT " ALERT_COLUMNS " FROM alert a JOIN benchmark bm"
			  " ON bm.id = a.benchmark_id JOIN component c ON"
			  " c.id = bm.component_id WHERE (?1 = 0 OR (?1 >> "
			  STORE_ALERT_STATE_INDEX("a.state") ") & 1) AND (?2 IS NULL OR"
			  " c.name = ?2) AND (?3 = 0 OR (?3 >> " STORE_ALERT_KIND_INDEX("a.kind")
			  ") & 1) AND (?4 = 0 OR a.benchmark_id = ?4) AND (?5 = 0 OR"
			  " a.run_id = ?5) AND " STORE_SEVERITY_INDEX("a.severity") " >= ?6"
			  " ORDER BY a.id DESC",
			  &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int(stmt, 1, (int)f->states);
	if (f->component)
		sqlite3_bind_text(stmt, 2, f->component, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, (int)f->kinds);
	sqlite3_bind_int64(stmt, 4, f->bench_id);
	sqlite3_bind_int64(stmt, 5, f->run_id);
	sqlite3_bind_int(stmt, 6, (int)f->min_severity);
	return store_collect(st, stmt, sizeof **out, read_alert, free_alerts, (void **)out,
			     n, "read alerts", err, errlen);
}

/* Read one alert_event row into the pfg_alert_event at elem. */
static void read_event(sqlite3_stmt *stmt, void *elem)
{
	struct pfg_alert_event *e = elem;
	e->at = sqlite3_column_double(stmt, 0);
	e->actor = store_column_dup(stmt, 1);
	store_column_enum(stmt, 2, pfg_alert_state_parse, &e->from);
	store_column_enum(stmt, 3, pfg_alert_state_parse, &e->to);
	e->note = store_column_dup(stmt, 4);
}

/* store_free_fn for alert events. */
static void free_events(void *events, size_t n)
{
	pfg_alert_events_free(events, n);
}

/* Read the history of alert id. */
static int read_events(struct pfg_store *st, int64_t id, struct pfg_alert_event **hist,
		       size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	*hist = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT at, actor, from_state, to_state, note FROM"
			  " alert_event WHERE alert_id = ? ORDER BY id", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, id);
	return store_collect(st, stmt, sizeof **hist, read_event, free_events,
			     (void **)hist, n, "read alert history", err, errlen);
}

int pfg_store_alert_get(struct pfg_store *st, int64_t id, struct pfg_alert *out,
			struct pfg_alert_event **hist, size_t *n_hist, char *err,
			size_t errlen)
{
	sqlite3_stmt *stmt;
	memset(out, 0, sizeof *out);
	if (store_prepare(st, "SELECT " ALERT_COLUMNS " FROM alert a JOIN benchmark bm"
			  " ON bm.id = a.benchmark_id JOIN component c ON"
			  " c.id = bm.component_id WHERE a.id = ?", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, id);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		read_alert(stmt, out);
	store_release(st, stmt);
	if (rc == SQLITE_DONE)
		return pfg_error(err, errlen, PFG_ENOTFOUND, "no alert %lld",
				 (long long)id);
	if (rc != SQLITE_ROW)
		return store_error(st, err, errlen, "read alert");
	if (hist && read_events(st, id, hist, n_hist, err, errlen)) {
		pfg_alert_release(out);
		return PFG_ERUNTIME;
	}
	return PFG_OK;
}

void pfg_alert_release(struct pfg_alert *a)
{
	free(a->bench);
	free(a->detail);
	memset(a, 0, sizeof *a);
}

void pfg_alerts_free(struct pfg_alert *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pfg_alert_release(&a[i]);
	free(a);
}

void pfg_alert_events_free(struct pfg_alert_event *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].actor);
		free(e[i].note);
	}
	free(e);
}

