/* summary.c: narrow, set-based reads for the suite's overview: what a
 * listing of every benchmark shows, one query for the whole suite and
 * only the columns it shows. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

/* Read a baseline head (id, benchmark, state, n, mean) into the
 * pfg_baseline_head at elem. */
static void read_baseline_head(sqlite3_stmt *stmt, void *elem)
{
	struct pfg_baseline_head *h = elem;
	h->id = sqlite3_column_int64(stmt, 0);
	h->bench_id = sqlite3_column_int64(stmt, 1);
	store_column_enum(stmt, 2, pfg_baseline_state_parse, &h->state);
	h->n = (size_t)sqlite3_column_int64(stmt, 3);
	h->mean = sqlite3_column_double(stmt, 4);
}

int pfg_store_baseline_heads(struct pfg_store *st, unsigned states, int64_t env_id,
			     struct pfg_baseline_head **out, size_t *n, char *err,
			     size_t errlen)
{
	sqlite3_stmt *stmt;
	*out = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT id, benchmark_id, state, n, mean FROM baseline"
			  " WHERE (?1 = 0 OR (?1 >> " STORE_BASELINE_STATE_INDEX("state")
			  ") & 1) AND (?2 = 0 OR environment_id = ?2) ORDER BY id DESC",
			  &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int(stmt, 1, (int)states);
	sqlite3_bind_int64(stmt, 2, env_id);
	return store_collect(st, stmt, sizeof **out, read_baseline_head, NULL, (void **)out,
			     n, "read baselines", err, errlen);
}
