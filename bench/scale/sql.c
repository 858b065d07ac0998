/* bench/scale/sql.c: `sql DB < FILE` runs the SQL script on stdin against
 * DB like `sqlite3 -bail DB` does, with the SQL functions perfguard's
 * store registers on its own connections (pfg_sample_pack, which packs a
 * benchmark's samples of a run as schema 8 stores them), so that the
 * benchmark seeds can fill a database of the current schema. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "perfguard/util.h"
#include "../../src/store/sample_pack.h"

/* Read all of stdin into a new string. */
static char *read_stdin(void)
{
	size_t len = 0, cap = 1 << 16;
	char *s = pfg_xmalloc(cap);
	size_t got;
	while ((got = fread(s + len, 1, cap - len - 1, stdin)) > 0) {
		len += got;
		if (cap - len < 2)
			s = pfg_xrealloc(s, cap *= 2);
	}
	s[len] = '\0';
	return s;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sql DB < SCRIPT\n");
		return 2;
	}
	sqlite3 *db;
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fprintf(stderr, "sql: %s: %s\n", argv[1], sqlite3_errmsg(db));
		return 3;
	}
	sqlite3_busy_timeout(db, 5000);
	char *script = read_stdin(), *msg = NULL;
	int rc = sample_pack_register(db) != SQLITE_OK ||
		sqlite3_exec(db, script, NULL, NULL, &msg) != SQLITE_OK;
	if (rc)
		fprintf(stderr, "sql: %s: %s\n", argv[1], msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	free(script);
	sqlite3_close(db);
	return rc ? 3 : 0;
}
