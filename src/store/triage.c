/* triage.c: baselines, comparisons, alerts, change points and the audit
 * log: what people decide about runs, with the history of every decision. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_audit(struct pfg_store *st, const char *actor, const char *entity,
		int64_t entity_id, const char *action, const char *detail, char *err,
		size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "INSERT INTO audit_log (at, actor, entity, entity_id,"
			  " action, detail) VALUES (?, ?, ?, ?, ?, ?)", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_double(stmt, 1, pfg_wall_time());
	sqlite3_bind_text(stmt, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, entity, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, entity_id);
	sqlite3_bind_text(stmt, 5, action, -1, SQLITE_STATIC);
	if (detail && *detail)
		sqlite3_bind_text(stmt, 6, detail, -1, SQLITE_STATIC);
	return store_step_done(st, stmt, err, errlen, "write audit log");
}

/* Begin a write transaction. */
static int begin(struct pfg_store *st, char *err, size_t errlen)
{
	return store_exec(st, "BEGIN IMMEDIATE", err, errlen);
}

/* Commit when rc is 0, else roll back; returns rc (or the commit's error). */
static int finish(struct pfg_store *st, int rc, char *err, size_t errlen)
{
	if (rc == PFG_OK && store_exec(st, "COMMIT", err, errlen) == PFG_OK)
		return PFG_OK;
	store_exec(st, "ROLLBACK", NULL, 0);
	return rc ? rc : PFG_ERUNTIME;
}

/* ---- Baselines ---------------------------------------------------------- */

int pfg_store_baseline_propose(struct pfg_store *st, int64_t bench_id, int64_t env_id,
			       const int64_t *runs, size_t n_runs,
			       const struct pfg_baseline_stats *stats, const char *reason,
			       const char *actor, int64_t *id, char *err, size_t errlen)
{
	if (n_runs == 0)
		return pfg_error(err, errlen, PFG_EINPUT, "a baseline needs at least one run");
	if (begin(st, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_stmt *stmt;
	int rc = store_prepare(st, "INSERT INTO baseline (benchmark_id, environment_id,"
			       " state, reason, created_at, created_by, n, mean, median,"
			       " stddev) VALUES (?, ?, 'proposed', ?, ?, ?, ?, ?, ?, ?)",
			       &stmt, err, errlen);
	if (rc == PFG_OK) {
		sqlite3_bind_int64(stmt, 1, bench_id);
		sqlite3_bind_int64(stmt, 2, env_id);
		sqlite3_bind_text(stmt, 3, reason, -1, SQLITE_STATIC);
		sqlite3_bind_double(stmt, 4, pfg_wall_time());
		sqlite3_bind_text(stmt, 5, actor, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 6, (int64_t)stats->n);
		sqlite3_bind_double(stmt, 7, stats->mean);
		sqlite3_bind_double(stmt, 8, stats->median);
		sqlite3_bind_double(stmt, 9, stats->stddev);
		rc = store_step_done(st, stmt, err, errlen, "propose baseline");
	}
	*id = sqlite3_last_insert_rowid(st->db);
	for (size_t i = 0; i < n_runs && rc == PFG_OK; i++) {
		if ((rc = store_prepare(st, "INSERT INTO baseline_run (baseline_id, run_id)"
					" VALUES (?, ?)", &stmt, err, errlen)))
			break;
		sqlite3_bind_int64(stmt, 1, *id);
		sqlite3_bind_int64(stmt, 2, runs[i]);
		rc = store_step_done(st, stmt, err, errlen, "propose baseline");
	}
	if (rc == PFG_OK)
		rc = store_audit(st, actor, "baseline", *id, "proposed", reason, err, errlen);
	return finish(st, rc, err, errlen);
}

/* Set baseline id's state (and who decided, when, the note), with one
 * audit entry saying detail (NULL: the note). */
static int set_baseline_state(struct pfg_store *st, int64_t id, const char *to,
			      const char *actor, const char *note, const char *detail,
			      char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "UPDATE baseline SET state = ?2, decided_at = ?3,"
			  " decided_by = ?4, note = coalesce(?5, note) WHERE id = ?1",
			  &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_double(stmt, 3, pfg_wall_time());
	sqlite3_bind_text(stmt, 4, actor, -1, SQLITE_STATIC);
	if (note && *note)
		sqlite3_bind_text(stmt, 5, note, -1, SQLITE_STATIC);
	if (store_step_done(st, stmt, err, errlen, "update baseline"))
		return PFG_ERUNTIME;
	return store_audit(st, actor, "baseline", id, to, detail ? detail : note, err,
			   errlen);
}

/* Approve or reject one proposed baseline inside the caller's transaction. */
static int decide_one(struct pfg_store *st, int64_t id, const char *to,
		      const char *actor, const char *note, char *err, size_t errlen)
{
	struct pfg_baseline b;
	int rc = pfg_store_baseline_get(st, id, &b, err, errlen);
	if (rc == PFG_OK && strcmp(b.state, "proposed") != 0)
		rc = pfg_error(err, errlen, PFG_EINPUT, "baseline %lld of %s is %s: only a "
			       "proposed baseline can be %s", (long long)id, b.bench,
			       b.state, to);
	if (rc == PFG_OK && strcmp(to, "approved") == 0) {
		int64_t old;
		rc = store_select_int(st, "SELECT id FROM baseline WHERE state = 'approved'"
				      " AND (benchmark_id, environment_id) = (SELECT"
				      " benchmark_id, environment_id FROM baseline WHERE"
				      " id = ?)", id, &old, err, errlen);
		if (rc == PFG_OK && old) {
			char detail[64];
			snprintf(detail, sizeof detail, "by baseline %lld", (long long)id);
			rc = set_baseline_state(st, old, "superseded", actor, NULL, detail,
						err, errlen);
		}
	}
	if (rc == PFG_OK)
		rc = set_baseline_state(st, id, to, actor, note, NULL, err, errlen);
	pfg_baseline_release(&b);
	return rc;
}

int pfg_store_baselines_decide(struct pfg_store *st, const int64_t *ids, size_t n,
			       const char *to, const char *actor, const char *note,
			       char *err, size_t errlen)
{
	if (strcmp(to, "approved") && strcmp(to, "rejected"))
		return pfg_error(err, errlen, PFG_EINPUT, "a baseline can be approved or "
				 "rejected, not '%s'", to);
	if (begin(st, err, errlen))
		return PFG_ERUNTIME;
	int rc = PFG_OK;
	for (size_t i = 0; i < n && rc == PFG_OK; i++)
		rc = decide_one(st, ids[i], to, actor, note, err, errlen);
	return finish(st, rc, err, errlen);
}

int pfg_store_baseline_decide(struct pfg_store *st, int64_t id, const char *to,
			      const char *actor, const char *note, char *err,
			      size_t errlen)
{
	return pfg_store_baselines_decide(st, &id, 1, to, actor, note, err, errlen);
}

/* Columns every baseline query selects, in this order. */
#define BASELINE_COLUMNS \
	"b.id, b.benchmark_id, b.environment_id, c.name || '/' || bm.name, b.state," \
	" b.reason, b.created_at, b.created_by, b.decided_at, b.decided_by, b.note," \
	" b.n, b.mean, b.median, b.stddev"
#define BASELINE_FROM \
	" FROM baseline b JOIN benchmark bm ON bm.id = b.benchmark_id" \
	" JOIN component c ON c.id = bm.component_id"

/* Read a baseline row, then its source runs. */
static int read_baseline(struct pfg_store *st, sqlite3_stmt *stmt, struct pfg_baseline *b,
			 char *err, size_t errlen)
{
	memset(b, 0, sizeof *b);
	b->id = sqlite3_column_int64(stmt, 0);
	b->bench_id = sqlite3_column_int64(stmt, 1);
	b->env_id = sqlite3_column_int64(stmt, 2);
	b->bench = store_column_dup(stmt, 3);
	store_column_copy(stmt, 4, b->state, sizeof b->state);
	b->reason = store_column_dup(stmt, 5);
	b->created_at = sqlite3_column_double(stmt, 6);
	b->created_by = store_column_dup(stmt, 7);
	b->decided_at = sqlite3_column_double(stmt, 8);
	b->decided_by = store_column_dup(stmt, 9);
	b->note = store_column_dup(stmt, 10);
	b->stats.n = (size_t)sqlite3_column_int64(stmt, 11);
	b->stats.mean = sqlite3_column_double(stmt, 12);
	b->stats.median = sqlite3_column_double(stmt, 13);
	b->stats.stddev = sqlite3_column_double(stmt, 14);
	sqlite3_stmt *runs;
	if (store_prepare(st, "SELECT run_id FROM baseline_run WHERE baseline_id = ?"
			  " ORDER BY run_id", &runs, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(runs, 1, b->id);
	return store_collect(st, runs, sizeof *b->runs, store_read_int64, NULL,
			     (void **)&b->runs, &b->n_runs, "read baseline", err, errlen);
}

int pfg_store_baselines(struct pfg_store *st, const struct pfg_baseline_filter *f,
			struct pfg_baseline **out, size_t *n, char *err, size_t errlen)
{
	static const struct pfg_baseline_filter all = { 0 };
	sqlite3_stmt *stmt;
	*out = NULL;
	*n = 0;
	f = f ? f : &all;
	if (store_prepare(st, "SELECT " BASELINE_COLUMNS BASELINE_FROM
			  " WHERE (?1 IS NULL OR b.state = ?1) AND (?2 = 0 OR"
			  " b.benchmark_id = ?2) AND (?3 = 0 OR b.environment_id = ?3)"
			  " ORDER BY b.id DESC", &stmt, err, errlen))
		return PFG_ERUNTIME;
	if (f->state)
		sqlite3_bind_text(stmt, 1, f->state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, f->bench_id);
	sqlite3_bind_int64(stmt, 3, f->env_id);
	size_t cap = 0;
	int rc, bad = PFG_OK;
	while (!bad && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = pfg_xrealloc(*out, cap * sizeof **out);
		}
		bad = read_baseline(st, stmt, &(*out)[(*n)++], err, errlen);
	}
	sqlite3_finalize(stmt);
	if (bad || rc != SQLITE_DONE) {
		pfg_baselines_free(*out, *n);
		*out = NULL;
		*n = 0;
		return bad ? bad : store_error(st, err, errlen, "read baselines");
	}
	return PFG_OK;
}

/* The one baseline a query with one integer parameter selects. */
static int get_one_baseline(struct pfg_store *st, const char *where, int64_t param,
			    struct pfg_baseline *out, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	memset(out, 0, sizeof *out);
	char *sql = pfg_xasprintf("SELECT " BASELINE_COLUMNS BASELINE_FROM " WHERE %s",
				  where);
	int rc = store_prepare(st, sql, &stmt, err, errlen);
	free(sql);
	if (rc)
		return rc;
	sqlite3_bind_int64(stmt, 1, param);
	rc = sqlite3_step(stmt);
	int out_rc = rc == SQLITE_ROW ? read_baseline(st, stmt, out, err, errlen)
		   : rc == SQLITE_DONE ? PFG_EINPUT
				       : store_error(st, err, errlen, "read baseline");
	sqlite3_finalize(stmt);
	return out_rc;
}

int pfg_store_baseline_get(struct pfg_store *st, int64_t id, struct pfg_baseline *out,
			   char *err, size_t errlen)
{
	int rc = get_one_baseline(st, "b.id = ?1", id, out, err, errlen);
	if (rc == PFG_EINPUT)
		pfg_error(err, errlen, rc, "no baseline %lld (see 'perfguard baseline "
			  "list')", (long long)id);
	return rc;
}

int pfg_store_baseline_approved(struct pfg_store *st, int64_t bench_id, int64_t env_id,
				struct pfg_baseline *out, char *err, size_t errlen)
{
	char where[96];
	snprintf(where, sizeof where, "b.state = 'approved' AND b.benchmark_id = ?1 AND"
		 " b.environment_id = %lld", (long long)env_id);
	int rc = get_one_baseline(st, where, bench_id, out, err, errlen);
	if (rc == PFG_EINPUT)
		pfg_error(err, errlen, rc, "no approved baseline");
	return rc;
}

int pfg_store_baseline_samples(struct pfg_store *st, int64_t id, double **values,
			       size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	*values = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT s.value FROM sample s JOIN baseline b ON"
			  " b.benchmark_id = s.benchmark_id JOIN baseline_run br ON"
			  " br.baseline_id = b.id AND br.run_id = s.run_id WHERE b.id = ?"
			  " ORDER BY s.run_id, s.seq", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, id);
	return store_collect(st, stmt, sizeof **values, store_read_double, NULL,
			     (void **)values, n, "read baseline samples", err, errlen);
}

void pfg_baseline_release(struct pfg_baseline *b)
{
	free(b->bench);
	free(b->reason);
	free(b->runs);
	free(b->created_by);
	free(b->decided_by);
	free(b->note);
	memset(b, 0, sizeof *b);
}

void pfg_baselines_free(struct pfg_baseline *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pfg_baseline_release(&b[i]);
	free(b);
}

/* ---- Comparisons -------------------------------------------------------- */

int pfg_store_comparison_put(struct pfg_store *st, const struct pfg_comparison *c,
			     char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "INSERT OR REPLACE INTO comparison (run_id, benchmark_id,"
			  " baseline_id, test, n_base, n_current, estimate_base,"
			  " estimate_current, change_pct, ci_low_pct, ci_high_pct, p_value,"
			  " mde_pct, verdict, severity, confirm_runs, alert_id) VALUES (?, ?,"
			  " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, c->run_id);
	sqlite3_bind_int64(stmt, 2, c->bench_id);
	if (c->baseline_id)
		sqlite3_bind_int64(stmt, 3, c->baseline_id);
	sqlite3_bind_text(stmt, 4, c->test, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, (int64_t)c->n_base);
	sqlite3_bind_int64(stmt, 6, (int64_t)c->n_current);
	if (c->baseline_id) {
		double v[] = { c->estimate_base, c->estimate_current, c->change_pct,
			       c->ci_low_pct, c->ci_high_pct, c->p_value, c->mde_pct };
		for (int i = 0; i < 7; i++)
			sqlite3_bind_double(stmt, 7 + i, v[i]);
	}
	sqlite3_bind_text(stmt, 14, c->verdict, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 15, c->severity, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 16, c->confirm_runs);
	if (c->alert_id)
		sqlite3_bind_int64(stmt, 17, c->alert_id);
	return store_step_done(st, stmt, err, errlen, "store comparison");
}

/* Columns every comparison query selects, in this order. */
#define COMPARISON_COLUMNS \
	"run_id, benchmark_id, coalesce(baseline_id, 0), test, n_base, n_current," \
	" estimate_base, estimate_current, change_pct, ci_low_pct, ci_high_pct," \
	" p_value, mde_pct, verdict, severity, confirm_runs, coalesce(alert_id, 0)"

/* Read COMPARISON_COLUMNS into the pfg_comparison at elem. */
static void read_comparison(sqlite3_stmt *stmt, void *elem)
{
	struct pfg_comparison *c = elem;
	c->run_id = sqlite3_column_int64(stmt, 0);
	c->bench_id = sqlite3_column_int64(stmt, 1);
	c->baseline_id = sqlite3_column_int64(stmt, 2);
	store_column_copy(stmt, 3, c->test, sizeof c->test);
	c->n_base = (size_t)sqlite3_column_int64(stmt, 4);
	c->n_current = (size_t)sqlite3_column_int64(stmt, 5);
	double *v[] = { &c->estimate_base, &c->estimate_current, &c->change_pct,
			&c->ci_low_pct, &c->ci_high_pct, &c->p_value, &c->mde_pct };
	for (int i = 0; i < 7; i++)
		*v[i] = sqlite3_column_double(stmt, 6 + i);
	store_column_copy(stmt, 13, c->verdict, sizeof c->verdict);
	store_column_copy(stmt, 14, c->severity, sizeof c->severity);
	c->confirm_runs = sqlite3_column_int(stmt, 15);
	c->alert_id = sqlite3_column_int64(stmt, 16);
}

int pfg_store_comparison_get(struct pfg_store *st, int64_t run_id, int64_t bench_id,
			     struct pfg_comparison *c, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	memset(c, 0, sizeof *c);
	if (store_prepare(st, "SELECT " COMPARISON_COLUMNS " FROM comparison WHERE"
			  " run_id = ? AND benchmark_id = ?", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_int64(stmt, 2, bench_id);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		read_comparison(stmt, c);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return PFG_OK;
	if (rc == SQLITE_DONE)
		return pfg_error(err, errlen, PFG_EINPUT, "no comparison for run %lld",
				 (long long)run_id);
	return store_error(st, err, errlen, "read comparison");
}

int pfg_store_comparison_latest(struct pfg_store *st, int64_t bench_id, int64_t env_id,
				struct pfg_comparison *c, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	memset(c, 0, sizeof *c);
	if (store_prepare(st, "SELECT " COMPARISON_COLUMNS " FROM comparison WHERE"
			  " benchmark_id = ?1 AND run_id IN (SELECT id FROM run WHERE"
			  " environment_id = ?2) ORDER BY run_id DESC LIMIT 1", &stmt, err,
			  errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, bench_id);
	sqlite3_bind_int64(stmt, 2, env_id);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		read_comparison(stmt, c);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return PFG_OK;
	if (rc == SQLITE_DONE)
		return pfg_error(err, errlen, PFG_EINPUT, "no comparison of benchmark %lld "
				 "in environment %lld", (long long)bench_id, (long long)env_id);
	return store_error(st, err, errlen, "read comparison");
}

int pfg_store_comparisons(struct pfg_store *st, int64_t run_id,
			  struct pfg_comparison **out, size_t *n, char *err,
			  size_t errlen)
{
	sqlite3_stmt *stmt;
	*out = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT " COMPARISON_COLUMNS " FROM comparison WHERE"
			  " run_id = ? ORDER BY benchmark_id", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, run_id);
	return store_collect(st, stmt, sizeof **out, read_comparison, NULL, (void **)out,
			     n, "read comparisons", err, errlen);
}

int pfg_store_recent_verdicts(struct pfg_store *st, int64_t bench_id, int64_t env_id,
			      size_t limit, char (**out)[16], int64_t **run_ids,
			      size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	*out = pfg_xcalloc(limit, sizeof **out);
	*run_ids = pfg_xcalloc(limit, sizeof **run_ids);
	*n = 0;
	if (store_prepare(st, "SELECT c.verdict, c.run_id FROM comparison c JOIN run"
			  " ON run.id = c.run_id WHERE c.benchmark_id = ? AND"
			  " run.environment_id = ? ORDER BY c.run_id DESC LIMIT ?",
			  &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, bench_id);
	sqlite3_bind_int64(stmt, 2, env_id);
	sqlite3_bind_int64(stmt, 3, (int64_t)limit);
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && *n < limit) {
		store_column_copy(stmt, 0, (*out)[*n], sizeof (*out)[*n]);
		(*run_ids)[(*n)++] = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? PFG_OK
		: store_error(st, err, errlen, "read comparisons");
}

/* ---- Alerts ------------------------------------------------------------- */

static const char *const severities[] = { "none", "minor", "moderate", "major",
					  "critical" };

/* Rank of a severity name, or -1. */
static int severity_rank(const char *s)
{
	for (int i = 0; i < 5; i++)
		if (strcmp(s, severities[i]) == 0)
			return i;
	return -1;
}

int pfg_severity_at_least(const char *a, const char *b)
{
	return severity_rank(a) >= severity_rank(b);
}

/* Nonzero when an alert may move from state from to state to. */
static int transition_allowed(const char *from, const char *to)
{
	static const char *const order[] = { "new", "acknowledged", "investigating" };
	static const char *const closed[] = { "fixed", "invalid", "wontfix" };
	int f = -1, t = -1, to_closed = 0, from_closed = 0;
	for (int i = 0; i < 3; i++) {
		if (strcmp(from, order[i]) == 0)
			f = i;
		if (strcmp(to, order[i]) == 0)
			t = i;
		from_closed |= strcmp(from, closed[i]) == 0;
		to_closed |= strcmp(to, closed[i]) == 0;
	}
	if (from_closed)
		return strcmp(to, "investigating") == 0; /* reopen */
	return f >= 0 && (to_closed || t > f);
}

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
	sqlite3_bind_text(stmt, 5, a->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, a->severity, -1, SQLITE_STATIC);
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
		     const char *from, const char *to, const char *note, char *err,
		     size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "INSERT INTO alert_event (alert_id, at, actor, from_state,"
			  " to_state, note) VALUES (?, ?, ?, ?, ?, ?)", &stmt, err, errlen))
		return PFG_ERUNTIME;
	double now = pfg_wall_time();
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_double(stmt, 2, now);
	sqlite3_bind_text(stmt, 3, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, to, -1, SQLITE_STATIC);
	if (note && *note)
		sqlite3_bind_text(stmt, 6, note, -1, SQLITE_STATIC);
	if (store_step_done(st, stmt, err, errlen, "write alert history"))
		return PFG_ERUNTIME;
	if (store_prepare(st, "UPDATE alert SET state = ?, updated_at = ? WHERE id = ?",
			  &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_text(stmt, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_double(stmt, 2, now);
	sqlite3_bind_int64(stmt, 3, id);
	if (store_step_done(st, stmt, err, errlen, "update alert"))
		return PFG_ERUNTIME;
	return store_audit(st, actor, "alert", id, strcmp(from, to) ? to : "note", note,
			   err, errlen);
}

/* The state of alert id into state; PFG_EINPUT when unknown. */
static int alert_state(struct pfg_store *st, int64_t id, char *state, size_t len,
		       char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "SELECT state FROM alert WHERE id = ?", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, id);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_column_copy(stmt, 0, state, len);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return PFG_OK;
	if (rc == SQLITE_DONE)
		return pfg_error(err, errlen, PFG_EINPUT, "no alert %lld (see 'perfguard "
				 "alerts list')", (long long)id);
	return store_error(st, err, errlen, "read alert");
}

int pfg_store_alert_transition(struct pfg_store *st, int64_t id, const char *to,
			       const char *actor, const char *note, char *err,
			       size_t errlen)
{
	char from[16];
	if (begin(st, err, errlen))
		return PFG_ERUNTIME;
	int rc = alert_state(st, id, from, sizeof from, err, errlen);
	if (rc == PFG_OK && strcmp(from, to) == 0)
		rc = pfg_error(err, errlen, PFG_EINPUT, "alert %lld is already %s",
			       (long long)id, to);
	else if (rc == PFG_OK && !transition_allowed(from, to))
		rc = pfg_error(err, errlen, PFG_EINPUT, "alert %lld is %s: it cannot "
			       "become %s%s", (long long)id, from, to,
			       strcmp(to, "investigating") ? " (a closed alert can only be "
			       "reopened with 'investigate')" : "");
	if (rc == PFG_OK)
		rc = add_event(st, id, actor, from, to, note, err, errlen);
	return finish(st, rc, err, errlen);
}

int pfg_store_alert_note(struct pfg_store *st, int64_t id, const char *actor,
			 const char *note, char *err, size_t errlen)
{
	char state[16];
	if (!note || !*note)
		return pfg_error(err, errlen, PFG_EINPUT, "a note cannot be empty");
	if (begin(st, err, errlen))
		return PFG_ERUNTIME;
	int rc = alert_state(st, id, state, sizeof state, err, errlen);
	if (rc == PFG_OK)
		rc = add_event(st, id, actor, state, state, note, err, errlen);
	return finish(st, rc, err, errlen);
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

/* The rank of a.severity in SQL, as severity_rank(). */
#define SEVERITY_RANK \
	"(CASE a.severity WHEN 'minor' THEN 1 WHEN 'moderate' THEN 2" \
	" WHEN 'major' THEN 3 WHEN 'critical' THEN 4 ELSE 0 END)"

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
	store_column_copy(stmt, 6, a->kind, sizeof a->kind);
	store_column_copy(stmt, 7, a->state, sizeof a->state);
	store_column_copy(stmt, 8, a->severity, sizeof a->severity);
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
			  " c.id = bm.component_id WHERE (?1 IS NULL OR a.state = ?1 OR"
			  " (?1 = 'open' AND a.state IN ('new', 'acknowledged',"
			  " 'investigating'))) AND (?2 IS NULL OR c.name = ?2) AND"
			  " (?3 IS NULL OR a.kind = ?3) AND (?4 = 0 OR a.benchmark_id = ?4)"
			  " AND (?5 = 0 OR a.run_id = ?5) AND " SEVERITY_RANK " >= ?6"
			  " ORDER BY a.id DESC",
			  &stmt, err, errlen))
		return PFG_ERUNTIME;
	if (f->state)
		sqlite3_bind_text(stmt, 1, f->state, -1, SQLITE_STATIC);
	if (f->component)
		sqlite3_bind_text(stmt, 2, f->component, -1, SQLITE_STATIC);
	if (f->kind)
		sqlite3_bind_text(stmt, 3, f->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, f->bench_id);
	sqlite3_bind_int64(stmt, 5, f->run_id);
	sqlite3_bind_int(stmt, 6, f->min_severity ? severity_rank(f->min_severity) : 0);
	return store_collect(st, stmt, sizeof **out, read_alert, free_alerts, (void **)out,
			     n, "read alerts", err, errlen);
}

/* Read one alert_event row into the pfg_alert_event at elem. */
static void read_event(sqlite3_stmt *stmt, void *elem)
{
	struct pfg_alert_event *e = elem;
	e->at = sqlite3_column_double(stmt, 0);
	e->actor = store_column_dup(stmt, 1);
	store_column_copy(stmt, 2, e->from, sizeof e->from);
	store_column_copy(stmt, 3, e->to, sizeof e->to);
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
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE)
		return pfg_error(err, errlen, PFG_EINPUT, "no alert %lld (see 'perfguard "
				 "alerts list')", (long long)id);
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

/* ---- Change points ------------------------------------------------------ */

int pfg_store_change_points_put(struct pfg_store *st, int64_t bench_id, int64_t env_id,
				const struct pfg_change_point_row *rows, size_t n,
				char *err, size_t errlen)
{
	if (begin(st, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_stmt *stmt;
	int rc = store_prepare(st, "DELETE FROM change_point WHERE benchmark_id = ? AND"
			       " environment_id = ?", &stmt, err, errlen);
	if (rc == PFG_OK) {
		sqlite3_bind_int64(stmt, 1, bench_id);
		sqlite3_bind_int64(stmt, 2, env_id);
		rc = store_step_done(st, stmt, err, errlen, "store change points");
	}
	for (size_t i = 0; i < n && rc == PFG_OK; i++) {
		if ((rc = store_prepare(st, "INSERT INTO change_point (benchmark_id,"
					" environment_id, run_id, mean_before, mean_after,"
					" change_pct, p_value) VALUES (?, ?, ?, ?, ?, ?, ?)",
					&stmt, err, errlen)))
			break;
		sqlite3_bind_int64(stmt, 1, bench_id);
		sqlite3_bind_int64(stmt, 2, env_id);
		sqlite3_bind_int64(stmt, 3, rows[i].run_id);
		sqlite3_bind_double(stmt, 4, rows[i].mean_before);
		sqlite3_bind_double(stmt, 5, rows[i].mean_after);
		sqlite3_bind_double(stmt, 6, rows[i].change_pct);
		sqlite3_bind_double(stmt, 7, rows[i].p_value);
		rc = store_step_done(st, stmt, err, errlen, "store change points");
	}
	return finish(st, rc, err, errlen);
}

/* Read a change_point row into the pfg_change_point_row at elem. */
static void read_change_point(sqlite3_stmt *stmt, void *elem)
{
	struct pfg_change_point_row *r = elem;
	r->run_id = sqlite3_column_int64(stmt, 0);
	r->mean_before = sqlite3_column_double(stmt, 1);
	r->mean_after = sqlite3_column_double(stmt, 2);
	r->change_pct = sqlite3_column_double(stmt, 3);
	r->p_value = sqlite3_column_double(stmt, 4);
}

int pfg_store_change_points(struct pfg_store *st, int64_t bench_id, int64_t env_id,
			    struct pfg_change_point_row **rows, size_t *n, char *err,
			    size_t errlen)
{
	sqlite3_stmt *stmt;
	*rows = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT run_id, mean_before, mean_after, change_pct,"
			  " p_value FROM change_point WHERE benchmark_id = ? AND"
			  " environment_id = ? ORDER BY run_id", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, bench_id);
	sqlite3_bind_int64(stmt, 2, env_id);
	return store_collect(st, stmt, sizeof **rows, read_change_point, NULL,
			     (void **)rows, n, "read change points", err, errlen);
}

/* ---- Audit log ---------------------------------------------------------- */

/* Read an audit_log row into the pfg_audit_entry at elem. */
static void read_audit(sqlite3_stmt *stmt, void *elem)
{
	struct pfg_audit_entry *e = elem;
	e->id = sqlite3_column_int64(stmt, 0);
	e->at = sqlite3_column_double(stmt, 1);
	e->actor = store_column_dup(stmt, 2);
	store_column_copy(stmt, 3, e->entity, sizeof e->entity);
	e->entity_id = sqlite3_column_int64(stmt, 4);
	e->action = store_column_dup(stmt, 5);
	e->detail = store_column_dup(stmt, 6);
}

/* store_free_fn for audit entries. */
static void free_audit(void *entries, size_t n)
{
	pfg_audit_free(entries, n);
}

int pfg_store_audit(struct pfg_store *st, size_t limit, struct pfg_audit_entry **out,
		    size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	*out = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT * FROM (SELECT id, at, actor, entity, entity_id,"
			  " action, detail FROM audit_log ORDER BY id DESC LIMIT ?)"
			  " ORDER BY id", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, limit ? (int64_t)limit : -1);
	return store_collect(st, stmt, sizeof **out, read_audit, free_audit, (void **)out,
			     n, "read audit log", err, errlen);
}

void pfg_audit_free(struct pfg_audit_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].actor);
		free(e[i].action);
		free(e[i].detail);
	}
	free(e);
}
