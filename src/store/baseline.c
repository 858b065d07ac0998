/* baseline.c: proposed, approved, rejected and superseded baselines. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Baselines ---------------------------------------------------------- */

int pfg_store_baseline_propose(struct pfg_store *st, int64_t bench_id, int64_t env_id,
			       const int64_t *runs, size_t n_runs,
			       const struct pfg_baseline_stats *stats, const char *reason,
			       const char *actor, int64_t *id, char *err, size_t errlen)
{
	if (n_runs == 0)
		return pfg_error(err, errlen, PFG_EINPUT, "a baseline needs at least one run");
	if (store_begin(st, err, errlen))
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
	return store_finish(st, rc, err, errlen);
}

/* Set baseline id's state (and who decided, when, the note), with one
 * audit entry saying detail (NULL: the note). */
static int set_baseline_state(struct pfg_store *st, int64_t id, enum pfg_baseline_state to,
			      const char *actor, const char *note, const char *detail,
			      char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "UPDATE baseline SET state = ?2, decided_at = ?3,"
			  " decided_by = ?4, note = coalesce(?5, note) WHERE id = ?1",
			  &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, pfg_baseline_state_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_double(stmt, 3, pfg_wall_time());
	sqlite3_bind_text(stmt, 4, actor, -1, SQLITE_STATIC);
	if (note && *note)
		sqlite3_bind_text(stmt, 5, note, -1, SQLITE_STATIC);
	if (store_step_done(st, stmt, err, errlen, "update baseline"))
		return PFG_ERUNTIME;
	return store_audit(st, actor, "baseline", id, pfg_baseline_state_name(to),
			   detail ? detail : note, err,
			   errlen);
}

/* Approve or reject one proposed baseline inside the caller's transaction. */
static int decide_one(struct pfg_store *st, int64_t id, enum pfg_baseline_state to,
		      const char *actor, const char *note, char *err, size_t errlen)
{
	struct pfg_baseline b;
	int rc = pfg_store_baseline_get(st, id, &b, err, errlen);
	if (rc == PFG_OK && b.state != PFG_BASELINE_PROPOSED)
		rc = pfg_error(err, errlen, PFG_EINPUT, "baseline %lld of %s is %s: only a "
			       "proposed baseline can be %s", (long long)id, b.bench,
			       pfg_baseline_state_name(b.state), pfg_baseline_state_name(to));
	if (rc == PFG_OK && to == PFG_BASELINE_APPROVED) {
		int64_t old;
		rc = store_select_int(st, "SELECT id FROM baseline WHERE state = 'approved'"
				      " AND (benchmark_id, environment_id) = (SELECT"
				      " benchmark_id, environment_id FROM baseline WHERE"
				      " id = ?)", id, &old, err, errlen);
		if (rc == PFG_OK && old) {
			char detail[64];
			snprintf(detail, sizeof detail, "by baseline %lld", (long long)id);
			rc = set_baseline_state(st, old, PFG_BASELINE_SUPERSEDED, actor, NULL, detail,
						err, errlen);
		}
	}
	if (rc == PFG_OK)
		rc = set_baseline_state(st, id, to, actor, note, NULL, err, errlen);
	pfg_baseline_release(&b);
	return rc;
}

int pfg_store_baselines_decide(struct pfg_store *st, const int64_t *ids, size_t n,
			       enum pfg_baseline_state to, const char *actor, const char *note,
			       char *err, size_t errlen)
{
	if (to != PFG_BASELINE_APPROVED && to != PFG_BASELINE_REJECTED)
		return pfg_error(err, errlen, PFG_EINPUT, "a baseline can be approved or "
				 "rejected, not '%s'", pfg_baseline_state_name(to));
	if (store_begin(st, err, errlen))
		return PFG_ERUNTIME;
	int rc = PFG_OK;
	for (size_t i = 0; i < n && rc == PFG_OK; i++)
		rc = decide_one(st, ids[i], to, actor, note, err, errlen);
	return store_finish(st, rc, err, errlen);
}

int pfg_store_baseline_decide(struct pfg_store *st, int64_t id, enum pfg_baseline_state to,
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
	store_column_enum(stmt, 4, pfg_baseline_state_parse, &b->state);
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
			  " WHERE (?1 = 0 OR (?1 >> " STORE_BASELINE_STATE_INDEX("b.state")
			  ") & 1) AND (?2 = 0 OR"
			  " b.benchmark_id = ?2) AND (?3 = 0 OR b.environment_id = ?3)"
			  " ORDER BY b.id DESC", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int(stmt, 1, (int)f->states);
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
	store_release(st, stmt);
	if (bad || rc != SQLITE_DONE) {
		pfg_baselines_free(*out, *n);
		*out = NULL;
		*n = 0;
		return bad ? bad : store_error(st, err, errlen, "read baselines");
	}
	return PFG_OK;
}

/* The one baseline that sql (a constant text, so that its statement is
 * kept for reuse) selects with integer parameters p1 and p2. */
static int get_one_baseline(struct pfg_store *st, const char *sql, int64_t p1, int64_t p2,
			    struct pfg_baseline *out, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	memset(out, 0, sizeof *out);
	int rc = store_prepare(st, sql, &stmt, err, errlen);
	if (rc)
		return rc;
	sqlite3_bind_int64(stmt, 1, p1);
	sqlite3_bind_int64(stmt, 2, p2);
	rc = sqlite3_step(stmt);
	int out_rc = rc == SQLITE_ROW ? read_baseline(st, stmt, out, err, errlen)
		   : rc == SQLITE_DONE ? PFG_ENOTFOUND
				       : store_error(st, err, errlen, "read baseline");
	store_release(st, stmt);
	return out_rc;
}

int pfg_store_baseline_get(struct pfg_store *st, int64_t id, struct pfg_baseline *out,
			   char *err, size_t errlen)
{
	int rc = get_one_baseline(st, "SELECT " BASELINE_COLUMNS BASELINE_FROM
				  " WHERE b.id = ?1", id, 0, out, err, errlen);
	if (rc == PFG_ENOTFOUND)
		pfg_error(err, errlen, rc, "no baseline %lld", (long long)id);
	return rc;
}

int pfg_store_baseline_approved(struct pfg_store *st, int64_t bench_id, int64_t env_id,
				struct pfg_baseline *out, char *err, size_t errlen)
{
	int rc = get_one_baseline(st, "SELECT " BASELINE_COLUMNS BASELINE_FROM
				  " WHERE b.state = 'approved' AND b.benchmark_id = ?1 AND"
				  " b.environment_id = ?2", bench_id, env_id, out, err, errlen);
	if (rc == PFG_ENOTFOUND)
		pfg_error(err, errlen, rc, "no approved baseline");
	return rc;
}

int pfg_store_baseline_samples(struct pfg_store *st, int64_t id, double **values,
			       size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	*values = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT s.data FROM sample_pack s JOIN baseline b ON"
			  " b.benchmark_id = s.benchmark_id JOIN baseline_run br ON"
			  " br.baseline_id = b.id AND br.run_id = s.run_id WHERE b.id = ?"
			  " ORDER BY s.run_id", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, id);
	return store_collect_sample_values(st, stmt, values, n, "read baseline samples",
					   err, errlen);
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

