/* notify.c (store): the log of notifications and their backlog. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = { "sent", "failed", "pending", "dropped" };

const char *pfg_notify_status_name(enum pfg_notify_status s)
{
	return (unsigned)s < 4 ? status_names[s] : "?";
}

int pfg_notify_status_parse(const char *s, enum pfg_notify_status *out)
{
	for (int i = 0; s && i < 4; i++)
		if (strcmp(s, status_names[i]) == 0) {
			*out = (enum pfg_notify_status)i;
			return 0;
		}
	return -1;
}

int pfg_store_notify_add(struct pfg_store *st, const struct pfg_notify_row *row,
			 int64_t *id, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "INSERT INTO notification (created_at, updated_at, target,"
			  " kind, event, run_id, summary, status, http_status, attempts,"
			  " error, payload) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
			  " ?10, ?11)", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_double(stmt, 1, pfg_wall_time());
	sqlite3_bind_text(stmt, 2, row->target, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, row->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, row->event, -1, SQLITE_STATIC);
	if (row->run_id)
		sqlite3_bind_int64(stmt, 5, row->run_id);
	sqlite3_bind_text(stmt, 6, row->summary ? row->summary : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, pfg_notify_status_name(row->status), -1, SQLITE_STATIC);
	if (row->http_status)
		sqlite3_bind_int(stmt, 8, row->http_status);
	sqlite3_bind_int(stmt, 9, row->attempts);
	if (row->error)
		sqlite3_bind_text(stmt, 10, row->error, -1, SQLITE_STATIC);
	if (row->payload)
		sqlite3_bind_text(stmt, 11, row->payload, -1, SQLITE_STATIC);
	int rc = store_step_done(st, stmt, err, errlen, "record a notification");
	if (rc == PFG_OK)
		*id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

int pfg_store_notify_update(struct pfg_store *st, int64_t id, enum pfg_notify_status status,
			    int http_status, int attempts, const char *error, char *err,
			    size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "UPDATE notification SET updated_at = ?1, status = ?2,"
			  " http_status = ?3, attempts = attempts + ?4, error = ?5,"
			  " payload = CASE WHEN ?2 = 'pending' THEN payload END WHERE id = ?6",
			  &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_double(stmt, 1, pfg_wall_time());
	sqlite3_bind_text(stmt, 2, pfg_notify_status_name(status), -1, SQLITE_STATIC);
	if (http_status)
		sqlite3_bind_int(stmt, 3, http_status);
	sqlite3_bind_int(stmt, 4, attempts);
	if (error)
		sqlite3_bind_text(stmt, 5, error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 6, id);
	return store_step_done(st, stmt, err, errlen, "record a notification's outcome");
}

/* Read a notification row (columns as NOTIFY_COLUMNS) into elem. */
static void read_row(sqlite3_stmt *stmt, void *elem)
{
	struct pfg_notify_row *r = elem;
	r->id = sqlite3_column_int64(stmt, 0);
	r->created_at = sqlite3_column_double(stmt, 1);
	r->updated_at = sqlite3_column_double(stmt, 2);
	r->target = store_column_dup(stmt, 3);
	r->kind = store_column_dup(stmt, 4);
	r->event = store_column_dup(stmt, 5);
	r->run_id = sqlite3_column_int64(stmt, 6);
	r->summary = store_column_dup(stmt, 7);
	store_column_enum(stmt, 8, pfg_notify_status_parse, &r->status);
	r->http_status = sqlite3_column_int(stmt, 9);
	r->attempts = sqlite3_column_int(stmt, 10);
	r->error = store_column_dup(stmt, 11);
	r->payload = store_column_dup(stmt, 12);
}

/* store_free_fn for notification rows. */
static void free_rows(void *rows, size_t n)
{
	pfg_notify_rows_free(rows, n);
}

#define NOTIFY_COLUMNS "id, created_at, updated_at, target, kind, event, run_id," \
	" summary, status, http_status, attempts, error"

int pfg_store_notify_pending(struct pfg_store *st, const char *target,
			     struct pfg_notify_row **out, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	*out = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT " NOTIFY_COLUMNS ", payload FROM notification"
			  " WHERE target = ? AND status = 'pending' ORDER BY id", &stmt,
			  err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_text(stmt, 1, target, -1, SQLITE_STATIC);
	return store_collect(st, stmt, sizeof **out, read_row, free_rows, (void **)out, n,
			     "read pending notifications", err, errlen);
}

int pfg_store_notify_trim(struct pfg_store *st, const char *target, size_t keep,
			  size_t *dropped, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "UPDATE notification SET status = 'dropped', payload = NULL,"
			  " updated_at = ?3, error = 'dropped: the backlog of undelivered"
			  " messages was full' WHERE target = ?1 AND status = 'pending' AND id"
			  " NOT IN (SELECT id FROM notification WHERE target = ?1 AND"
			  " status = 'pending' ORDER BY id DESC LIMIT ?2)", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_text(stmt, 1, target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (int64_t)keep);
	sqlite3_bind_double(stmt, 3, pfg_wall_time());
	int rc = store_step_done(st, stmt, err, errlen, "trim the notification backlog");
	if (dropped)
		*dropped = rc == PFG_OK ? (size_t)sqlite3_changes(st->db) : 0;
	return rc;
}

int pfg_store_notify_drop_others(struct pfg_store *st, const char *const *names, size_t n,
				 char *err, size_t errlen)
{
	/* The names as one JSON array, matched with json_each. */
	size_t len = 3;
	for (size_t i = 0; i < n; i++)
		len += 2 * strlen(names[i]) + 4;
	char *arr = pfg_xmalloc(len), *o = arr;
	*o++ = '[';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*o++ = ',';
		*o++ = '"';
		for (const char *c = names[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				*o++ = '\\';
			*o++ = *c;
		}
		*o++ = '"';
	}
	*o++ = ']';
	*o = '\0';
	sqlite3_stmt *stmt;
	int rc = store_prepare(st, "UPDATE notification SET status = 'dropped', payload = NULL,"
			       " updated_at = ?2, error = 'dropped: its target left the config'"
			       " WHERE status = 'pending' AND target NOT IN"
			       " (SELECT value FROM json_each(?1))", &stmt, err, errlen);
	if (rc == PFG_OK) {
		sqlite3_bind_text(stmt, 1, arr, -1, SQLITE_STATIC);
		sqlite3_bind_double(stmt, 2, pfg_wall_time());
		rc = store_step_done(st, stmt, err, errlen, "drop notifications");
	}
	free(arr);
	return rc;
}

int pfg_store_notify_log(struct pfg_store *st, const char *target, size_t limit,
			 struct pfg_notify_row **out, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	*out = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT " NOTIFY_COLUMNS ", NULL FROM notification"
			  " WHERE ?1 IS NULL OR target = ?1 ORDER BY id DESC LIMIT ?2",
			  &stmt, err, errlen))
		return PFG_ERUNTIME;
	if (target)
		sqlite3_bind_text(stmt, 1, target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, limit ? (int64_t)limit : -1);
	return store_collect(st, stmt, sizeof **out, read_row, free_rows, (void **)out, n,
			     "read the notification log", err, errlen);
}

void pfg_notify_rows_free(struct pfg_notify_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].target);
		free(rows[i].kind);
		free(rows[i].event);
		free(rows[i].summary);
		free(rows[i].error);
		free(rows[i].payload);
	}
	free(rows);
}
