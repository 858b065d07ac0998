/* ingest.c: what `perfguard ingest` and the C API need of the store beyond
 * a run's own writes: one transaction around a whole import, and a note
 * on the run in the audit log. */
#include "store_int.h"

/* Authorizer of a batch: the BEGIN, COMMIT and ROLLBACK of the store's
 * own functions become no-ops (SQLITE_IGNORE on SQLITE_TRANSACTION makes
 * SQLite generate no code for them), so their writes join the batch's
 * transaction; everything else is allowed. */
static int batch_authorizer(void *ctx, int action, const char *a, const char *b,
			    const char *c, const char *d)
{
	(void)ctx, (void)a, (void)b, (void)c, (void)d;
	return action == SQLITE_TRANSACTION ? SQLITE_IGNORE : SQLITE_OK;
}

int pfg_store_batch_begin(struct pfg_store *st, char *err, size_t errlen)
{
	if (!sqlite3_get_autocommit(st->db))
		return pfg_error(err, errlen, PFG_ERUNTIME, "a batch cannot begin inside a "
				 "transaction");
	if (store_begin(st, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_set_authorizer(st->db, batch_authorizer, NULL);
	return PFG_OK;
}

int pfg_store_batch_end(struct pfg_store *st, int rc, char *err, size_t errlen)
{
	sqlite3_set_authorizer(st->db, NULL, NULL);
	return store_finish(st, rc, err, errlen);
}

int pfg_store_run_note(struct pfg_store *st, int64_t run_id, const char *actor,
		       const char *action, const char *note, char *err, size_t errlen)
{
	int rc = store_begin(st, err, errlen);
	if (rc == PFG_OK)
		rc = store_audit(st, actor, "run", run_id, action, note, err, errlen);
	return store_finish(st, rc, err, errlen);
}
