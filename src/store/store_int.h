/* store_int.h (private to the store): the handle and the helpers that
 * every file of the module shares. */
#ifndef PERFGUARD_STORE_INT_H
#define PERFGUARD_STORE_INT_H

#include "perfguard/store.h"
#include "perfguard/util.h"

#include <sqlite3.h>

/* How many of each benchmark's latest run means table recent_mean keeps
 * (per environment). */
#define STORE_RECENT_MEANS 32

/* How many prepared statements a connection keeps for reuse. */
#define STORE_STMT_SLOTS 96

/* A prepared statement kept for reuse, keyed by its SQL text. */
struct store_stmt_slot {
	const char *sql;      /* the caller's text (compared by address, then content) */
	sqlite3_stmt *stmt;
	int in_use;           /* handed out and not yet released */
};

struct pfg_store {
	sqlite3 *db;
	char *path;
	int readonly;  /* opened read-only: the file or its directory is not ours */
	struct store_stmt_slot stmts[STORE_STMT_SLOTS];
	size_t n_stmts;
};

/* Fill err with what SQLite said about what failed; return PFG_ERUNTIME. */
int store_error(struct pfg_store *st, char *err, size_t errlen, const char *what);

/* A prepared statement of sql: the connection's kept one when sql was
 * prepared before and is not in use (one per query per connection), else a
 * new one, kept when there is room. Hand it back with store_release(),
 * never sqlite3_finalize(). On failure fill err and return PFG_ERUNTIME. */
int store_prepare(struct pfg_store *st, const char *sql, sqlite3_stmt **stmt,
		  char *err, size_t errlen);

/* Hand back a statement of store_prepare(): reset when it is kept (its
 * parameters are unbound when it is handed out again), finalized
 * otherwise; the connection's error code stays that of its last step. */
void store_release(struct pfg_store *st, sqlite3_stmt *stmt);

/* Finalize every kept statement (before closing the connection). */
void store_release_all(struct pfg_store *st);

/* Run SQL without results (schema, transactions). */
int store_exec(struct pfg_store *st, const char *sql, char *err, size_t errlen);

/* Begin a write transaction (BEGIN IMMEDIATE). */
int store_begin(struct pfg_store *st, char *err, size_t errlen);

/* Commit when rc is 0, else roll back; returns rc (or the commit's error). */
int store_finish(struct pfg_store *st, int rc, char *err, size_t errlen);

/* Step a statement that returns no row, then finalize it. */
int store_step_done(struct pfg_store *st, sqlite3_stmt *stmt, char *err,
		    size_t errlen, const char *what);

/* Copy a text column into buf ("" for NULL). */
void store_column_copy(sqlite3_stmt *stmt, int col, char *buf, size_t len);

/* Parse a text column into the enum at out with a model.h parse function;
 * a NULL or unknown name reads as the enum's first value. */
#define store_column_enum(stmt, col, parse, out)                                 \
	do {                                                                    \
		if (parse((const char *)sqlite3_column_text(stmt, col), out))    \
			*(out) = 0;                                              \
	} while (0)

/* SQL giving the index of a column's name in a model.h enum, so that a
 * bit mask of wanted values can be tested in a query. */
#define STORE_ALERT_STATE_INDEX(col)                                             \
	"(CASE " col " WHEN 'new' THEN 0 WHEN 'acknowledged' THEN 1"             \
	" WHEN 'investigating' THEN 2 WHEN 'fixed' THEN 3 WHEN 'invalid' THEN 4" \
	" WHEN 'wontfix' THEN 5 END)"
#define STORE_ALERT_KIND_INDEX(col)                                              \
	"(CASE " col " WHEN 'regression' THEN 0 WHEN 'drift' THEN 1"            \
	" WHEN 'error_rate' THEN 2 END)"
#define STORE_BASELINE_STATE_INDEX(col)                                          \
	"(CASE " col " WHEN 'proposed' THEN 0 WHEN 'approved' THEN 1"            \
	" WHEN 'rejected' THEN 2 WHEN 'superseded' THEN 3 END)"
#define STORE_SEVERITY_INDEX(col)                                                \
	"(CASE " col " WHEN 'minor' THEN 1 WHEN 'moderate' THEN 2"               \
	" WHEN 'major' THEN 3 WHEN 'critical' THEN 4 ELSE 0 END)"

/* A text column as a new string (NULL for NULL). */
char *store_column_dup(sqlite3_stmt *stmt, int col);

/* Run a SELECT of one integer with text parameters; *id gets it, or 0. */
int store_lookup_id(struct pfg_store *st, const char *sql, const char *const *params,
		    int nparams, int64_t *id, char *err, size_t errlen);

/* Find a row with the select, else insert it with the insert (both
 * binding params as text); *id gets its id. A row that another process
 * inserted meanwhile is found, not an error. */
int store_find_or_insert(struct pfg_store *st, const char *select, const char *insert,
			 const char *const *params, int nparams, int64_t *id,
			 char *err, size_t errlen);

/* Add an audit log entry (inside the caller's transaction). */
int store_audit(struct pfg_store *st, const char *actor, const char *entity,
		int64_t entity_id, const char *action, const char *detail, char *err,
		size_t errlen);

/* The row id of a statement's single integer result, after binding one
 * int64 parameter; *out gets it or 0 when there is no row. */
int store_select_int(struct pfg_store *st, const char *sql, int64_t param,
		     int64_t *out, char *err, size_t errlen);

/* Reads one row of a query into the element at elem. */
typedef void (*store_row_fn)(sqlite3_stmt *stmt, void *elem);

/* Frees n collected elements (their contents and the array). */
typedef void (*store_free_fn)(void *elems, size_t n);

/* Step stmt to its end, appending an element of elem_size per row read by
 * read; finalizes stmt. *out and *n get the array (NULL, 0 when empty).
 * On a failure frees what was collected with release (or free) and returns
 * PFG_ERUNTIME with err saying what could not be read. */
int store_collect(struct pfg_store *st, sqlite3_stmt *stmt, size_t elem_size,
		  store_row_fn read, store_free_fn release, void **out, size_t *n,
		  const char *what, char *err, size_t errlen);

/* Step stmt to its end, appending the sample values of the packed blob
 * (sample_pack.h) in its column 0 of every row to *values (NULL, 0 when
 * none); hands stmt back. On a failure (a corrupt blob included) frees
 * them and returns PFG_ERUNTIME with err saying what could not be read. */
int store_collect_sample_values(struct pfg_store *st, sqlite3_stmt *stmt,
				double **values, size_t *n, const char *what,
				char *err, size_t errlen);

/* store_row_fn for one double or one int64 column. */
void store_read_double(sqlite3_stmt *stmt, void *elem);
void store_read_int64(sqlite3_stmt *stmt, void *elem);

#endif
