/* comparison.c: the analysis of each benchmark in each run, and the
 * change points of its history. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	sqlite3_bind_text(stmt, 14, pfg_verdict_name(c->verdict), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 15, pfg_severity_name(c->severity), -1, SQLITE_STATIC);
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
	store_column_enum(stmt, 13, pfg_verdict_parse, &c->verdict);
	store_column_enum(stmt, 14, pfg_severity_parse, &c->severity);
	c->confirm_runs = sqlite3_column_int(stmt, 15);
	c->alert_id = sqlite3_column_int64(stmt, 16);
}

/* The one comparison that sql selects with parameters p1 and p2 (after
 * COMPARISON_COLUMNS), into c; PFG_ENOTFOUND saying "no comparison " and
 * what when there is none. */
static int comparison_one(struct pfg_store *st, const char *sql, int64_t p1, int64_t p2,
			  struct pfg_comparison *c, const char *what, char *err,
			  size_t errlen)
{
	sqlite3_stmt *stmt;
	memset(c, 0, sizeof *c);
	if (store_prepare(st, sql, &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, p1);
	sqlite3_bind_int64(stmt, 2, p2);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		read_comparison(stmt, c);
	store_release(st, stmt);
	if (rc == SQLITE_ROW)
		return PFG_OK;
	if (rc == SQLITE_DONE)
		return pfg_error(err, errlen, PFG_ENOTFOUND, "no comparison %s", what);
	return store_error(st, err, errlen, "read comparison");
}

int pfg_store_comparison_get(struct pfg_store *st, int64_t run_id, int64_t bench_id,
			     struct pfg_comparison *c, char *err, size_t errlen)
{
	char what[48];
	snprintf(what, sizeof what, "for run %lld", (long long)run_id);
	return comparison_one(st, "SELECT " COMPARISON_COLUMNS " FROM comparison WHERE"
			      " run_id = ?1 AND benchmark_id = ?2", run_id, bench_id, c, what,
			      err, errlen);
}

int pfg_store_comparison_latest(struct pfg_store *st, int64_t bench_id, int64_t env_id,
				struct pfg_comparison *c, char *err, size_t errlen)
{
	char what[96];
	snprintf(what, sizeof what, "of benchmark %lld in environment %lld",
		 (long long)bench_id, (long long)env_id);
	/* Walk back along comparison's key (benchmark, run) to the first run of
	 * env: a few rows, not every run of env. */
	return comparison_one(st, "SELECT " COMPARISON_COLUMNS " FROM comparison CROSS JOIN"
			      " run ON run.id = run_id WHERE benchmark_id = ?1 AND"
			      " run.environment_id = ?2 ORDER BY run_id DESC LIMIT 1", bench_id,
			      env_id, c, what, err, errlen);
}

int pfg_store_comparisons_newest(struct pfg_store *st, int64_t env_id,
				 struct pfg_comparison **out, size_t *n, char *err,
				 size_t errlen)
{
	sqlite3_stmt *stmt;
	*out = NULL;
	*n = 0;
	/* A comparison is stored for a stored result, so when the benchmark's
	 * latest result (the summary's) is of env and compared, it is the one:
	 * read where the latest run's rows lie together. Else walk back along
	 * comparison_by_benchmark. */
	if (store_prepare(st, "SELECT " COMPARISON_COLUMNS " FROM benchmark b CROSS JOIN"
			  " comparison ON benchmark_id = b.id AND run_id = coalesce("
			  " (SELECT c1.run_id FROM comparison c1 CROSS JOIN run ON"
			  "  run.id = c1.run_id WHERE c1.run_id = b.latest_run_id AND"
			  "  c1.benchmark_id = b.id AND run.environment_id = ?1),"
			  " (SELECT c2.run_id FROM comparison c2 CROSS JOIN run ON"
			  "  run.id = c2.run_id WHERE c2.benchmark_id = b.id AND"
			  "  run.environment_id = ?1 ORDER BY c2.run_id DESC LIMIT 1))"
			  " ORDER BY b.id", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, env_id);
	return store_collect(st, stmt, sizeof **out, read_comparison, NULL, (void **)out,
			     n, "read comparisons", err, errlen);
}

int pfg_store_comparisons_of_latest(struct pfg_store *st, struct pfg_comparison **out,
				    size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	*out = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT " COMPARISON_COLUMNS " FROM benchmark b CROSS JOIN"
			  " comparison ON benchmark_id = b.id AND run_id = b.latest_run_id"
			  " ORDER BY b.id", &stmt, err, errlen))
		return PFG_ERUNTIME;
	return store_collect(st, stmt, sizeof **out, read_comparison, NULL, (void **)out,
			     n, "read comparisons", err, errlen);
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
			      size_t limit, enum pfg_verdict **out, int64_t **run_ids,
			      size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	*out = pfg_xcalloc(limit, sizeof **out);
	*run_ids = pfg_xcalloc(limit, sizeof **run_ids);
	*n = 0;
	if (store_prepare(st, "SELECT c.verdict, c.run_id FROM comparison c CROSS JOIN run"
			  " ON run.id = c.run_id WHERE c.benchmark_id = ? AND"
			  " run.environment_id = ? ORDER BY c.run_id DESC LIMIT ?",
			  &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, bench_id);
	sqlite3_bind_int64(stmt, 2, env_id);
	sqlite3_bind_int64(stmt, 3, (int64_t)limit);
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && *n < limit) {
		store_column_enum(stmt, 0, pfg_verdict_parse, &(*out)[*n]);
		(*run_ids)[(*n)++] = sqlite3_column_int64(stmt, 1);
	}
	store_release(st, stmt);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? PFG_OK
		: store_error(st, err, errlen, "read comparisons");
}


/* ---- Change points ------------------------------------------------------ */

int pfg_store_change_points_put(struct pfg_store *st, int64_t bench_id, int64_t env_id,
				int64_t from_run, const struct pfg_change_point_row *rows,
				size_t n, char *err, size_t errlen)
{
	if (store_begin(st, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_stmt *stmt;
	int rc = store_prepare(st, "DELETE FROM change_point WHERE benchmark_id = ? AND"
			       " environment_id = ? AND run_id >= ?", &stmt, err, errlen);
	if (rc == PFG_OK) {
		sqlite3_bind_int64(stmt, 1, bench_id);
		sqlite3_bind_int64(stmt, 2, env_id);
		sqlite3_bind_int64(stmt, 3, from_run);
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
	return store_finish(st, rc, err, errlen);
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

