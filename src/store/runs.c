/* runs.c: the runs with their result counts, newest first, in one query
 * (the dashboard's runs view). */
#include "store_int.h"

/* store_row_fn for a run row. */
static void read_run_row(sqlite3_stmt *stmt, void *elem)
{
	struct pfg_run_row *r = elem;
	r->id = sqlite3_column_int64(stmt, 0);
	store_column_copy(stmt, 1, r->trigger, sizeof r->trigger);
	store_column_copy(stmt, 2, r->git_rev, sizeof r->git_rev);
	store_column_enum(stmt, 3, pfg_run_status_parse, &r->status);
	r->started_at = sqlite3_column_double(stmt, 4);
	r->ended_at = sqlite3_column_double(stmt, 5);
	r->env_id = sqlite3_column_int64(stmt, 6);
	r->n_bench = (size_t)sqlite3_column_int64(stmt, 7);
	r->n_failed = (size_t)sqlite3_column_int64(stmt, 8);
}

int pfg_store_runs(struct pfg_store *st, size_t limit, struct pfg_run_row **out, size_t *n,
		   char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	*out = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT r.id, r.trigger, r.git_rev, r.status, r.started_at,"
			  " r.ended_at, r.environment_id, count(x.run_id),"
			  " coalesce(sum(x.ok = 0), 0)"
			  " FROM run r LEFT JOIN result x ON x.run_id = r.id"
			  " GROUP BY r.id ORDER BY r.id DESC LIMIT ?1",
			  &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, limit ? (int64_t)limit : -1);
	return store_collect(st, stmt, sizeof **out, read_run_row, NULL, (void **)out, n,
			     "read the runs", err, errlen);
}
