/* series.c: a benchmark's recent run means as the analysis reads them,
 * along the covering index of results, with each run's environment read
 * a range of runs at a time rather than looked up row by row. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

/* How many consecutive runs' environments one range read brings. */
#define SERIES_RUN_SPAN 256

/* The environments of runs lo..lo + SERIES_RUN_SPAN - 1 (0: no such run). */
struct run_envs {
	int64_t lo;
	int64_t env[SERIES_RUN_SPAN];
	int loaded;
};

/* Read the environments of the SERIES_RUN_SPAN runs ending at run_id into
 * e. */
static int run_envs_load(struct pfg_store *st, int64_t run_id, struct run_envs *e,
			 char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "SELECT id, environment_id FROM run WHERE id BETWEEN ?1 AND ?2",
			  &stmt, err, errlen))
		return PFG_ERUNTIME;
	e->lo = run_id - SERIES_RUN_SPAN + 1;
	e->loaded = 1;
	memset(e->env, 0, sizeof e->env);
	sqlite3_bind_int64(stmt, 1, e->lo);
	sqlite3_bind_int64(stmt, 2, run_id);
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(stmt, 0);
		if (id >= e->lo && id <= run_id)
			e->env[id - e->lo] = sqlite3_column_int64(stmt, 1);
	}
	store_release(st, stmt);
	return rc == SQLITE_DONE ? PFG_OK : store_error(st, err, errlen, "read runs");
}

int pfg_store_series_tail(struct pfg_store *st, int64_t bench_id, int64_t env_id,
			  size_t limit, struct pfg_mean_row **rows, size_t *n, char *err,
			  size_t errlen)
{
	sqlite3_stmt *stmt;
	*rows = NULL;
	*n = 0;
	/* Newest first along result_by_benchmark, which covers the query. */
	if (store_prepare(st, "SELECT run_id, mean FROM result WHERE benchmark_id = ?1"
			  " AND ok = 1 AND n > 0 ORDER BY run_id DESC", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, bench_id);
	struct run_envs *e = pfg_xcalloc(1, sizeof *e);
	size_t cap = 0;
	int rc = SQLITE_DONE, bad = PFG_OK;
	while ((limit == 0 || *n < limit) && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t run = sqlite3_column_int64(stmt, 0);
		if (!e->loaded || run < e->lo || run >= e->lo + SERIES_RUN_SPAN)
			if ((bad = run_envs_load(st, run, e, err, errlen)))
				break;
		if (e->env[run - e->lo] != env_id)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			*rows = pfg_xrealloc(*rows, cap * sizeof **rows);
		}
		(*rows)[(*n)++] = (struct pfg_mean_row){ bench_id, run,
							 sqlite3_column_double(stmt, 1) };
	}
	if (!bad && limit && *n == limit)
		rc = SQLITE_DONE; /* stopped at the limit */
	store_release(st, stmt);
	free(e);
	if (bad || rc != SQLITE_DONE) {
		free(*rows);
		*rows = NULL;
		*n = 0;
		return bad ? bad : store_error(st, err, errlen, "read results");
	}
	/* Oldest first. */
	for (size_t i = 0; i < *n / 2; i++) {
		struct pfg_mean_row t = (*rows)[i];
		(*rows)[i] = (*rows)[*n - 1 - i];
		(*rows)[*n - 1 - i] = t;
	}
	return PFG_OK;
}
