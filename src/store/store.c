/* store.c: what every file of the store shares: errors, statements,
 * transactions, row collection and lookups. */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

int store_error(struct pfg_store *st, char *err, size_t errlen, const char *what)
{
	int code = sqlite3_extended_errcode(st->db);
	const char *hint = "";
	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
		hint = " (another process holds it: try again when it is done)";
	else if ((code & 0xff) == SQLITE_READONLY || st->readonly)
		hint = " (the file or its directory is read-only)";
	return pfg_error(err, errlen, PFG_ERUNTIME, "%s: %s: %s%s", st->path, what,
			 sqlite3_errmsg(st->db), hint);
}

int store_prepare(struct pfg_store *st, const char *sql, sqlite3_stmt **stmt,
		   char *err, size_t errlen)
{
	for (size_t i = 0; i < st->n_stmts; i++) {
		struct store_stmt_slot *s = &st->stmts[i];
		if (s->sql == sql && !s->in_use && strcmp(sqlite3_sql(s->stmt), sql) == 0) {
			sqlite3_clear_bindings(s->stmt); /* unbound parameters are NULL */
			s->in_use = 1;
			*stmt = s->stmt;
			return PFG_OK;
		}
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) !=
	    SQLITE_OK)
		return store_error(st, err, errlen, "prepare");
	if (st->n_stmts < STORE_STMT_SLOTS)
		st->stmts[st->n_stmts++] = (struct store_stmt_slot){ sql, *stmt, 1 };
	return PFG_OK;
}

void store_release(struct pfg_store *st, sqlite3_stmt *stmt)
{
	for (size_t i = 0; i < st->n_stmts; i++)
		if (st->stmts[i].stmt == stmt) {
			/* Reset leaves the connection's error code as finalizing would. */
			sqlite3_reset(stmt);
			st->stmts[i].in_use = 0;
			return;
		}
	sqlite3_finalize(stmt);
}

void store_release_all(struct pfg_store *st)
{
	for (size_t i = 0; i < st->n_stmts; i++)
		sqlite3_finalize(st->stmts[i].stmt);
	st->n_stmts = 0;
}

int store_exec(struct pfg_store *st, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_error(st, err, errlen, "write");
	return PFG_OK;
}

int store_begin(struct pfg_store *st, char *err, size_t errlen)
{
	return store_exec(st, "BEGIN IMMEDIATE", err, errlen);
}

int store_finish(struct pfg_store *st, int rc, char *err, size_t errlen)
{
	if (rc == PFG_OK && store_exec(st, "COMMIT", err, errlen) == PFG_OK)
		return PFG_OK;
	store_exec(st, "ROLLBACK", NULL, 0);
	return rc ? rc : PFG_ERUNTIME;
}

int store_step_done(struct pfg_store *st, sqlite3_stmt *stmt, char *err,
		     size_t errlen, const char *what)
{
	int rc = sqlite3_step(stmt);
	int out = rc == SQLITE_DONE ? PFG_OK : store_error(st, err, errlen, what);
	store_release(st, stmt);
	return out;
}


int store_lookup_id(struct pfg_store *st, const char *sql, const char *const *params,
		     int nparams, int64_t *id, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, sql, &stmt, err, errlen))
		return PFG_ERUNTIME;
	for (int i = 0; i < nparams; i++)
		sqlite3_bind_text(stmt, i + 1, params[i], -1, SQLITE_STATIC);
	int rc = sqlite3_step(stmt);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	store_release(st, stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(st, err, errlen, "read");
	return PFG_OK;
}

int store_find_or_insert(struct pfg_store *st, const char *select, const char *insert,
			  const char *const *params, int nparams, int64_t *id,
			  char *err, size_t errlen)
{
	if (store_lookup_id(st, select, params, nparams, id, err, errlen))
		return PFG_ERUNTIME;
	if (*id)
		return PFG_OK;
	sqlite3_stmt *stmt;
	if (store_prepare(st, insert, &stmt, err, errlen))
		return PFG_ERUNTIME;
	for (int i = 0; i < nparams; i++)
		sqlite3_bind_text(stmt, i + 1, params[i], -1, SQLITE_STATIC);
	int rc = sqlite3_step(stmt);
	store_release(st, stmt);
	if (rc == SQLITE_DONE) {
		*id = sqlite3_last_insert_rowid(st->db);
		return PFG_OK;
	}
	/* Another process added the same row since the lookup: take its id. */
	if (sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_UNIQUE &&
	    store_lookup_id(st, select, params, nparams, id, err, errlen) == PFG_OK && *id)
		return PFG_OK;
	return store_error(st, err, errlen, "insert");
}


void store_column_copy(sqlite3_stmt *stmt, int col, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);
	snprintf(buf, len, "%s", t ? (const char *)t : "");
}

char *store_column_dup(sqlite3_stmt *stmt, int col)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);
	return t ? pfg_xstrdup((const char *)t) : NULL;
}

int store_collect(struct pfg_store *st, sqlite3_stmt *stmt, size_t elem_size,
		  store_row_fn read, store_free_fn release, void **out, size_t *n,
		  const char *what, char *err, size_t errlen)
{
	char *arr = NULL;
	size_t cap = 0;
	int rc;
	*n = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			arr = pfg_xrealloc(arr, cap * elem_size);
		}
		memset(arr + *n * elem_size, 0, elem_size);
		read(stmt, arr + (*n)++ * elem_size);
	}
	store_release(st, stmt);
	if (rc != SQLITE_DONE) {
		if (release)
			release(arr, *n);
		else
			free(arr);
		*out = NULL;
		*n = 0;
		return store_error(st, err, errlen, what);
	}
	*out = arr;
	return PFG_OK;
}

void store_read_double(sqlite3_stmt *stmt, void *elem)
{
	*(double *)elem = sqlite3_column_double(stmt, 0);
}

void store_read_int64(sqlite3_stmt *stmt, void *elem)
{
	*(int64_t *)elem = sqlite3_column_int64(stmt, 0);
}

int store_select_int(struct pfg_store *st, const char *sql, int64_t param,
		     int64_t *out, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, sql, &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, param);
	int rc = sqlite3_step(stmt);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	store_release(st, stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(st, err, errlen, "read");
	return PFG_OK;
}

/* Columns every result query selects, in this order. */
