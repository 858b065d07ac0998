/* audit.c: the audit log of every decision, with who and when. */
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

