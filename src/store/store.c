/* store.c: the SQLite schema, its migrations, and every query. */
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


/* Migrations: migrations[i] takes user_version i to i + 1. */
static const char *const migrations[] = {
	/* 0 -> 1: the foundation's data model. */
	"CREATE TABLE component ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE benchmark ("
	"  id INTEGER PRIMARY KEY,"
	"  component_id INTEGER NOT NULL REFERENCES component(id),"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  unit TEXT NOT NULL,"
	"  direction TEXT NOT NULL CHECK (direction IN ('lower', 'higher')),"
	"  UNIQUE (component_id, name));"
	"CREATE TABLE environment ("
	"  id INTEGER PRIMARY KEY,"
	"  host TEXT NOT NULL, cpu_model TEXT NOT NULL, kernel TEXT NOT NULL,"
	"  UNIQUE (host, cpu_model, kernel));"
	"CREATE TABLE run ("
	"  id INTEGER PRIMARY KEY,"
	"  environment_id INTEGER NOT NULL REFERENCES environment(id),"
	"  started_at REAL NOT NULL,"
	"  ended_at REAL,"
	"  trigger TEXT NOT NULL CHECK (trigger IN ('cli', 'tui', 'ci', 'ingest')),"
	"  git_rev TEXT,"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('running', 'complete', 'failed', 'interrupted')),"
	"  pid INTEGER);"
	"CREATE TABLE sample ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
	"  benchmark_id INTEGER NOT NULL REFERENCES benchmark(id),"
	"  seq INTEGER NOT NULL,"
	"  value REAL NOT NULL,"
	"  wall_ns INTEGER NOT NULL, user_ns INTEGER NOT NULL,"
	"  sys_ns INTEGER NOT NULL, max_rss_kib INTEGER NOT NULL,"
	"  exit_code INTEGER NOT NULL, term_signal INTEGER NOT NULL,"
	"  UNIQUE (run_id, benchmark_id, seq));"
	"CREATE TABLE sample_metric ("
	"  sample_id INTEGER NOT NULL REFERENCES sample(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL,"
	"  PRIMARY KEY (sample_id, name));"
	"CREATE TABLE result ("
	"  run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
	"  benchmark_id INTEGER NOT NULL REFERENCES benchmark(id),"
	"  ok INTEGER NOT NULL, error TEXT,"
	"  n INTEGER NOT NULL, mean REAL, median REAL, stddev REAL,"
	"  min REAL, max REAL, p95 REAL, outliers INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (run_id, benchmark_id));"
	"CREATE INDEX result_by_benchmark ON result(benchmark_id, run_id);"
	"CREATE TABLE audit_log ("
	"  id INTEGER PRIMARY KEY,"
	"  at REAL NOT NULL, actor TEXT NOT NULL,"
	"  entity TEXT NOT NULL, entity_id INTEGER NOT NULL,"
	"  action TEXT NOT NULL, detail TEXT);",
	/* 1 -> 2: baselines, comparisons, alerts, change points. */
	"CREATE TABLE baseline ("
	"  id INTEGER PRIMARY KEY,"
	"  benchmark_id INTEGER NOT NULL REFERENCES benchmark(id),"
	"  environment_id INTEGER NOT NULL REFERENCES environment(id),"
	"  state TEXT NOT NULL CHECK (state IN"
	"    ('proposed', 'approved', 'rejected', 'superseded')),"
	"  reason TEXT NOT NULL,"
	"  created_at REAL NOT NULL, created_by TEXT NOT NULL,"
	"  decided_at REAL, decided_by TEXT, note TEXT,"
	"  n INTEGER NOT NULL, mean REAL NOT NULL, median REAL NOT NULL,"
	"  stddev REAL NOT NULL);"
	"CREATE UNIQUE INDEX baseline_one_approved ON baseline(benchmark_id,"
	"  environment_id) WHERE state = 'approved';"
	"CREATE TABLE baseline_run ("
	"  baseline_id INTEGER NOT NULL REFERENCES baseline(id),"
	"  run_id INTEGER NOT NULL REFERENCES run(id),"
	"  PRIMARY KEY (baseline_id, run_id));"
	"CREATE TABLE comparison ("
	"  run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
	"  benchmark_id INTEGER NOT NULL REFERENCES benchmark(id),"
	"  baseline_id INTEGER REFERENCES baseline(id),"
	"  test TEXT NOT NULL, n_base INTEGER NOT NULL, n_current INTEGER NOT NULL,"
	"  estimate_base REAL, estimate_current REAL,"
	"  change_pct REAL, ci_low_pct REAL, ci_high_pct REAL, p_value REAL,"
	"  mde_pct REAL, verdict TEXT NOT NULL, severity TEXT NOT NULL,"
	"  confirm_runs INTEGER NOT NULL DEFAULT 0,"
	"  alert_id INTEGER,"
	"  PRIMARY KEY (run_id, benchmark_id));"
	"CREATE TABLE alert ("
	"  id INTEGER PRIMARY KEY,"
	"  benchmark_id INTEGER NOT NULL REFERENCES benchmark(id),"
	"  environment_id INTEGER NOT NULL REFERENCES environment(id),"
	"  run_id INTEGER NOT NULL REFERENCES run(id),"
	"  baseline_id INTEGER REFERENCES baseline(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('regression', 'drift', 'error_rate')),"
	"  state TEXT NOT NULL CHECK (state IN ('new', 'acknowledged',"
	"    'investigating', 'fixed', 'invalid', 'wontfix')),"
	"  severity TEXT NOT NULL,"
	"  change_pct REAL NOT NULL, ci_low_pct REAL, ci_high_pct REAL, p_value REAL,"
	"  created_at REAL NOT NULL, updated_at REAL NOT NULL,"
	"  recovered_run_id INTEGER REFERENCES run(id), detail TEXT);"
	"CREATE INDEX alert_by_run ON alert(run_id);"
	"CREATE INDEX comparison_by_benchmark ON comparison(benchmark_id, run_id);"
	"CREATE INDEX alert_by_benchmark ON alert(benchmark_id, state);"
	"CREATE TABLE alert_event ("
	"  id INTEGER PRIMARY KEY,"
	"  alert_id INTEGER NOT NULL REFERENCES alert(id),"
	"  at REAL NOT NULL, actor TEXT NOT NULL,"
	"  from_state TEXT NOT NULL, to_state TEXT NOT NULL, note TEXT);"
	"CREATE TABLE change_point ("
	"  benchmark_id INTEGER NOT NULL REFERENCES benchmark(id),"
	"  environment_id INTEGER NOT NULL REFERENCES environment(id),"
	"  run_id INTEGER NOT NULL REFERENCES run(id),"
	"  mean_before REAL NOT NULL, mean_after REAL NOT NULL,"
	"  change_pct REAL NOT NULL, p_value REAL NOT NULL,"
	"  PRIMARY KEY (benchmark_id, environment_id, run_id));",
	/* 2 -> 3: the noise settings of the machine at each run's start. */
	"CREATE TABLE run_noise ("
	"  run_id INTEGER PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,"
	"  cpus INTEGER NOT NULL,"          /* 0: unknown */
	"  governor TEXT,"                  /* NULL: unknown */
	"  boost TEXT NOT NULL CHECK (boost IN ('unknown', 'off', 'on')),"
	"  load1 REAL,"                     /* NULL: unknown */
	"  virt TEXT NOT NULL, container TEXT NOT NULL,"
	"  aslr INTEGER NOT NULL,"          /* -1: unknown */
	"  pinned INTEGER NOT NULL,"        /* -1: unknown */
	"  warnings TEXT NOT NULL);",       /* one per line */
};

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
	if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK)
		return store_error(st, err, errlen, "prepare");
	return PFG_OK;
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
	sqlite3_finalize(stmt);
	return out;
}

int pfg_store_schema_version(struct pfg_store *st)
{
	sqlite3_stmt *stmt;
	int v = -1;
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			v = sqlite3_column_int(stmt, 0);
		sqlite3_finalize(stmt);
	}
	return v;
}

/* Apply every migration past the file's user_version, each atomically. */
static int migrate(struct pfg_store *st, char *err, size_t errlen)
{
	int nmig = (int)(sizeof migrations / sizeof *migrations);
	if (store_exec(st, "BEGIN IMMEDIATE", err, errlen))
		return PFG_ERUNTIME;
	int v = pfg_store_schema_version(st);
	if (v < 0 || v > nmig) {
		/* -1 with no SQLite error is a user_version of -1: say what it is
		 * before ROLLBACK replaces SQLite's message ("not an error"). */
		int rc = v < 0 && sqlite3_errcode(st->db) != SQLITE_OK
			? store_error(st, err, errlen, "read schema version")
			: v < 0 ? pfg_error(err, errlen, PFG_ERUNTIME, "%s: schema version %d "
					    "is not one perfguard knows (expected 0..%d); is "
					    "this a perfguard database?", st->path, v, nmig)
			: pfg_error(err, errlen, PFG_ERUNTIME,
				    "%s: schema version %d is newer than this perfguard "
				    "knows (%d): upgrade perfguard", st->path, v, nmig);
		store_exec(st, "ROLLBACK", NULL, 0);
		return rc;
	}
	for (; v < nmig; v++) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
		if (store_exec(st, migrations[v], err, errlen) || store_exec(st, pragma, err, errlen)) {
			store_exec(st, "ROLLBACK", NULL, 0);
			return PFG_ERUNTIME;
		}
	}
	return store_exec(st, "COMMIT", err, errlen);
}

/* SQL function pid_gone(pid): 1 when no process pid exists on this host. */
static void sql_pid_gone(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_int64 pid = sqlite3_value_int64(argv[0]);
	int gone = pid <= 0 || pid > INT32_MAX || (kill((pid_t)pid, 0) != 0 && errno == ESRCH);
	sqlite3_result_int(ctx, gone);
}

/* Mark runs of this host whose process is gone as interrupted, in one
 * statement: the check and the write happen under the write lock, so a
 * run that its own process finished meanwhile keeps the status it
 * committed (a process that is gone cannot commit any more). */
static int recover_stale_runs(struct pfg_store *st, char *err, size_t errlen)
{
	int64_t running;
	if (store_select_int(st, "SELECT count(*) FROM run WHERE status = 'running'"
			     " AND id > ?", 0, &running, err, errlen))
		return PFG_ERUNTIME;
	if (!running)
		return PFG_OK; /* nothing to check: no write lock taken */
	struct pfg_environment env;
	pfg_environment_detect(&env);
	if (sqlite3_create_function(st->db, "pid_gone", 1, SQLITE_UTF8, NULL, sql_pid_gone,
				    NULL, NULL) != SQLITE_OK)
		return store_error(st, err, errlen, "register pid_gone");
	sqlite3_stmt *stmt;
	if (store_prepare(st, "UPDATE run SET status = 'interrupted', ended_at = ?"
			  " WHERE status = 'running' AND pid_gone(pid) AND environment_id"
			  " IN (SELECT id FROM environment WHERE host = ?)", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_double(stmt, 1, pfg_wall_time());
	sqlite3_bind_text(stmt, 2, env.host, -1, SQLITE_TRANSIENT);
	return store_step_done(st, stmt, err, errlen, "mark stale runs interrupted");
}

/* Create the database's directory and its missing parents (0700). */
static int make_parent_dir(const char *path, char *err, size_t errlen)
{
	char *dir = pfg_xstrdup(path);
	char *slash = strrchr(dir, '/');
	int rc = PFG_OK;
	if (slash && slash != dir) {
		*slash = '\0';
		for (char *p = dir + 1; rc == PFG_OK; p++) {
			int last = *p == '\0';
			if (*p != '/' && !last)
				continue;
			*p = '\0';
			struct stat sb;
			if (stat(dir, &sb) != 0 && mkdir(dir, 0700) != 0 && errno != EEXIST)
				rc = pfg_error(err, errlen, PFG_ERUNTIME, "%s: cannot create "
					       "directory: %s", dir, strerror(errno));
			if (last)
				break;
			*p = '/';
		}
	}
	free(dir);
	return rc;
}

/* Nonzero when path exists but this process may not write it or create
 * files beside it (SQLite's journal): open it read-only then. */
static int only_readable(const char *path)
{
	if (access(path, F_OK) != 0)
		return 0;
	char *copy = pfg_xstrdup(path);
	int ro = access(path, W_OK) != 0 || access(dirname(copy), W_OK) != 0;
	free(copy);
	return ro;
}

/* Create the file with mode 0600 if it does not exist yet. */
static int create_private(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		return PFG_OK;
	}
	struct stat sb;
	if (errno == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return pfg_error(err, errlen, PFG_ERUNTIME, "%s: is a directory, "
				 "expected a database file", path);
	if (errno == EEXIST)
		return PFG_OK;
	return pfg_error(err, errlen, PFG_ERUNTIME, "%s: cannot create: %s", path,
			 strerror(errno));
}

/* Put the database in WAL mode. Switching takes an exclusive lock that
 * SQLite does not wait for, so when several processes create the file at
 * once, retry for up to the busy timeout. */
static int set_wal(struct pfg_store *st, char *err, size_t errlen)
{
	for (int i = 0; i < 500; i++) {
		if (sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) ==
		    SQLITE_OK)
			return PFG_OK;
		if ((sqlite3_errcode(st->db) & 0xff) != SQLITE_BUSY &&
		    (sqlite3_errcode(st->db) & 0xff) != SQLITE_LOCKED)
			break;
		sqlite3_sleep(10);
	}
	return store_error(st, err, errlen, "set WAL mode");
}

/* Open path read-only: for a database this process cannot write, whose
 * schema must already be current (nothing can be migrated or recovered). */
static int open_readonly(struct pfg_store *st, char *err, size_t errlen)
{
	char *uri = sqlite3_mprintf("file:%s?mode=ro", st->path);
	int rc = sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	sqlite3_free(uri);
	if (rc == SQLITE_OK && pfg_store_schema_version(st) < 0) {
		/* A WAL database in a directory we cannot write: its shared memory
		 * file cannot be made, so read it as an immutable snapshot. */
		sqlite3_close_v2(st->db);
		uri = sqlite3_mprintf("file:%s?immutable=1", st->path);
		rc = sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
				     NULL);
		sqlite3_free(uri);
	}
	if (rc != SQLITE_OK)
		return store_error(st, err, errlen, "open read-only");
	int v = pfg_store_schema_version(st);
	if (v != PFG_STORE_SCHEMA_VERSION)
		return pfg_error(err, errlen, PFG_ERUNTIME, "%s: read-only, and its schema "
				 "version %d is not %d: open it once where it can be written "
				 "to upgrade it", st->path, v, PFG_STORE_SCHEMA_VERSION);
	st->readonly = 1;
	return PFG_OK;
}

int pfg_store_open(const char *path, struct pfg_store **out, char *err,
		   size_t errlen)
{
	*out = NULL;
	struct pfg_store *st = pfg_xcalloc(1, sizeof *st);
	st->path = pfg_xstrdup(path);
	if (only_readable(path)) {
		if (open_readonly(st, err, errlen)) {
			pfg_store_close(st);
			return PFG_ERUNTIME;
		}
		sqlite3_busy_timeout(st->db, 5000);
		*out = st;
		return PFG_OK;
	}
	if (make_parent_dir(path, err, errlen) || create_private(path, err, errlen)) {
		pfg_store_close(st);
		return PFG_ERUNTIME;
	}
	int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		if (!st->db)
			abort(); /* SQLite could not allocate its handle */
		store_error(st, err, errlen, "open");
		pfg_store_close(st);
		return PFG_ERUNTIME;
	}
	sqlite3_busy_timeout(st->db, 5000);
	sqlite3_extended_result_codes(st->db, 1);
	if (store_exec(st, "PRAGMA foreign_keys = ON", err, errlen) ||
	    set_wal(st, err, errlen) ||
	    store_exec(st, "PRAGMA synchronous = NORMAL", err, errlen) ||
	    migrate(st, err, errlen) || recover_stale_runs(st, err, errlen)) {
		pfg_store_close(st);
		return PFG_ERUNTIME;
	}
	*out = st;
	return PFG_OK;
}

void pfg_store_close(struct pfg_store *st)
{
	if (!st)
		return;
	sqlite3_close_v2(st->db);
	free(st->path);
	free(st);
}

/* Copy the first line of what f holds with prefix key into buf. */
static void read_field(const char *file, const char *key, char *buf, size_t len)
{
	FILE *f = fopen(file, "r");
	char line[512];
	while (f && fgets(line, sizeof line, f)) {
		if (strncmp(line, key, strlen(key)) != 0)
			continue;
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		colon += strspn(colon + 1, " \t") + 1;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	if (f)
		fclose(f);
}

void pfg_environment_detect(struct pfg_environment *env)
{
	struct utsname u;
	memset(env, 0, sizeof *env);
	if (uname(&u) == 0) {
		snprintf(env->host, sizeof env->host, "%s", u.nodename);
		snprintf(env->kernel, sizeof env->kernel, "%s %s", u.sysname, u.release);
	}
	read_field("/proc/cpuinfo", "model name", env->cpu_model, sizeof env->cpu_model);
	if (!env->cpu_model[0])
		snprintf(env->cpu_model, sizeof env->cpu_model, "%s", u.machine);
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
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(st, err, errlen, "read");
	return PFG_OK;
}

/* Find a row with lookup, else insert it and return the new id. */
static int find_or_insert(struct pfg_store *st, const char *select, const char *insert,
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
	sqlite3_finalize(stmt);
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

int pfg_store_environment_id(struct pfg_store *st, const struct pfg_environment *env,
			     int64_t *id, char *err, size_t errlen)
{
	const char *p[] = { env->host, env->cpu_model, env->kernel };
	return find_or_insert(st, "SELECT id FROM environment WHERE host = ?1 AND"
			      " cpu_model = ?2 AND kernel = ?3",
			      "INSERT INTO environment (host, cpu_model, kernel)"
			      " VALUES (?1, ?2, ?3)", p, 3, id, err, errlen);
}

int pfg_store_environment_find(struct pfg_store *st, const struct pfg_environment *env,
			       int64_t *id, char *err, size_t errlen)
{
	const char *p[] = { env->host, env->cpu_model, env->kernel };
	if (store_lookup_id(st, "SELECT id FROM environment WHERE host = ?1 AND"
			    " cpu_model = ?2 AND kernel = ?3", p, 3, id, err, errlen))
		return PFG_ERUNTIME;
	return *id ? PFG_OK : pfg_error(err, errlen, PFG_EINPUT, "no run of this "
					"environment (%s) is stored", env->host);
}

int pfg_store_benchmark_id(struct pfg_store *st, const char *component,
			   const char *name, const char *kind, const char *unit,
			   const char *direction, int64_t *id, char *err,
			   size_t errlen)
{
	int64_t comp;
	const char *cp[] = { component };
	if (find_or_insert(st, "SELECT id FROM component WHERE name = ?1",
			   "INSERT INTO component (name) VALUES (?1)", cp, 1, &comp,
			   err, errlen))
		return PFG_ERUNTIME;
	char comp_text[32];
	snprintf(comp_text, sizeof comp_text, "%lld", (long long)comp);
	const char *bp[] = { comp_text, name, kind, unit, direction };
	if (find_or_insert(st, "SELECT id FROM benchmark WHERE component_id = ?1"
			   " AND name = ?2",
			   "INSERT INTO benchmark (component_id, name, kind, unit,"
			   " direction) VALUES (?1, ?2, ?3, ?4, ?5)", bp, 5, id,
			   err, errlen))
		return PFG_ERUNTIME;
	sqlite3_stmt *stmt;
	if (store_prepare(st, "UPDATE benchmark SET kind = ?2, unit = ?3, direction = ?4"
		    " WHERE id = ?1 AND (kind, unit, direction) IS NOT (?2, ?3, ?4)",
		    &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, *id);
	sqlite3_bind_text(stmt, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, direction, -1, SQLITE_STATIC);
	return store_step_done(st, stmt, err, errlen, "update benchmark");
}

int pfg_store_run_begin(struct pfg_store *st, int64_t env_id, const char *trigger,
			const char *git_rev, int64_t *run_id, char *err,
			size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "INSERT INTO run (environment_id, started_at, trigger,"
		    " git_rev, status, pid) VALUES (?, ?, ?, ?, 'running', ?)",
		    &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, env_id);
	sqlite3_bind_double(stmt, 2, pfg_wall_time());
	sqlite3_bind_text(stmt, 3, trigger, -1, SQLITE_STATIC);
	if (git_rev)
		sqlite3_bind_text(stmt, 4, git_rev, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, getpid());
	if (store_step_done(st, stmt, err, errlen, "start run"))
		return PFG_ERUNTIME;
	*run_id = sqlite3_last_insert_rowid(st->db);
	return PFG_OK;
}

int pfg_store_run_noise_add(struct pfg_store *st, int64_t run_id,
			    const struct pfg_machine_noise *m, char *err, size_t errlen)
{
	struct pfg_strv w = { 0 };
	pfg_machine_noise_warnings(m, &w);
	size_t len = 1;
	for (size_t i = 0; i < w.n; i++)
		len += strlen(w.v[i]) + 1;
	char *text = pfg_xcalloc(1, len);
	for (size_t i = 0; i < w.n; i++) {
		strcat(text, w.v[i]);
		strcat(text, "\n");
	}
	pfg_strv_release(&w);
	sqlite3_stmt *stmt;
	if (store_prepare(st, "INSERT INTO run_noise (run_id, cpus, governor, boost, load1,"
			  " virt, container, aslr, pinned, warnings)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt, err, errlen)) {
		free(text);
		return PFG_ERUNTIME;
	}
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_int(stmt, 2, m->cpus);
	if (m->governor[0])
		sqlite3_bind_text(stmt, 3, m->governor, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, pfg_boost_name(m->boost), -1, SQLITE_STATIC);
	if (m->load1 >= 0)
		sqlite3_bind_double(stmt, 5, m->load1);
	sqlite3_bind_text(stmt, 6, m->virt[0] ? m->virt : "unknown", -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, m->container[0] ? m->container : "unknown", -1,
			  SQLITE_STATIC);
	sqlite3_bind_int(stmt, 8, m->aslr);
	sqlite3_bind_int(stmt, 9, m->pinned);
	sqlite3_bind_text(stmt, 10, text, -1, SQLITE_TRANSIENT);
	free(text);
	return store_step_done(st, stmt, err, errlen, "store the machine's noise settings");
}

/* Copy column i (text or NULL) into buf. */
static void column_text(sqlite3_stmt *stmt, int i, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(stmt, i);
	snprintf(buf, len, "%s", t ? (const char *)t : "");
}

int pfg_store_run_noise(struct pfg_store *st, int64_t run_id, struct pfg_run_noise *out,
			char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *stmt;
	if (store_prepare(st, "SELECT cpus, governor, boost, load1, virt, container, aslr,"
			  " pinned, warnings FROM run_noise WHERE run_id = ?", &stmt, err,
			  errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, run_id);
	int rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return rc == SQLITE_DONE
			? pfg_error(err, errlen, PFG_EINPUT, "run %lld has no record of the "
				    "machine's noise settings", (long long)run_id)
			: store_error(st, err, errlen, "read the machine's noise settings");
	}
	struct pfg_machine_noise *m = &out->machine;
	out->run_id = run_id;
	m->cpus = sqlite3_column_int(stmt, 0);
	column_text(stmt, 1, m->governor, sizeof m->governor);
	if (pfg_boost_parse((const char *)sqlite3_column_text(stmt, 2), &m->boost))
		m->boost = PFG_BOOST_UNKNOWN;
	m->load1 = sqlite3_column_type(stmt, 3) == SQLITE_NULL ? -1
		: sqlite3_column_double(stmt, 3);
	column_text(stmt, 4, m->virt, sizeof m->virt);
	column_text(stmt, 5, m->container, sizeof m->container);
	m->aslr = sqlite3_column_int(stmt, 6);
	m->pinned = sqlite3_column_int(stmt, 7);
	const char *w = (const char *)sqlite3_column_text(stmt, 8);
	while (w && *w) {
		size_t n = strcspn(w, "\n");
		if (n)
			pfg_strv_pushf(&out->warnings, "%.*s", (int)n, w);
		w += n + (w[n] == '\n');
	}
	sqlite3_finalize(stmt);
	return PFG_OK;
}

void pfg_run_noise_release(struct pfg_run_noise *rn)
{
	pfg_strv_release(&rn->warnings);
	memset(rn, 0, sizeof *rn);
}

int pfg_store_run_end(struct pfg_store *st, int64_t run_id, enum pfg_run_status status,
		      char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "UPDATE run SET status = ?, ended_at = ? WHERE id = ?",
		    &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_text(stmt, 1, pfg_run_status_name(status), -1, SQLITE_STATIC);
	sqlite3_bind_double(stmt, 2, pfg_wall_time());
	sqlite3_bind_int64(stmt, 3, run_id);
	return store_step_done(st, stmt, err, errlen, "finish run");
}

/* Bind a double, or NULL when the result has no samples. */
static void bind_stat(sqlite3_stmt *stmt, int i, size_t n, double v)
{
	if (n)
		sqlite3_bind_double(stmt, i, v);
	else
		sqlite3_bind_null(stmt, i);
}

/* Insert the samples and metrics of one benchmark (inside a transaction). */
static int insert_samples(struct pfg_store *st, int64_t run_id, int64_t bench_id,
			  const struct pfg_sample *samples, size_t n,
			  const struct pfg_sample_metric *const *metrics,
			  const size_t *n_metrics, char *err, size_t errlen)
{
	sqlite3_stmt *ins, *met;
	if (store_prepare(st, "INSERT INTO sample (run_id, benchmark_id, seq, value,"
		    " wall_ns, user_ns, sys_ns, max_rss_kib, exit_code, term_signal)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &ins, err, errlen))
		return PFG_ERUNTIME;
	if (store_prepare(st, "INSERT INTO sample_metric (sample_id, name, value, unit)"
		    " VALUES (?, ?, ?, ?)", &met, err, errlen)) {
		sqlite3_finalize(ins);
		return PFG_ERUNTIME;
	}
	int rc = PFG_OK;
	for (size_t i = 0; i < n && !rc; i++) {
		const struct pfg_sample *s = &samples[i];
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, run_id);
		sqlite3_bind_int64(ins, 2, bench_id);
		sqlite3_bind_int64(ins, 3, (int64_t)i);
		sqlite3_bind_double(ins, 4, s->value);
		sqlite3_bind_int64(ins, 5, s->wall_ns);
		sqlite3_bind_int64(ins, 6, s->user_ns);
		sqlite3_bind_int64(ins, 7, s->sys_ns);
		sqlite3_bind_int64(ins, 8, s->max_rss_kib);
		sqlite3_bind_int(ins, 9, s->exit_code);
		sqlite3_bind_int(ins, 10, s->term_signal);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = store_error(st, err, errlen, "store sample");
			break;
		}
		int64_t sid = sqlite3_last_insert_rowid(st->db);
		for (size_t k = 0; metrics && n_metrics && k < n_metrics[i]; k++) {
			sqlite3_reset(met);
			sqlite3_bind_int64(met, 1, sid);
			sqlite3_bind_text(met, 2, metrics[i][k].name, -1, SQLITE_STATIC);
			sqlite3_bind_double(met, 3, metrics[i][k].value);
			sqlite3_bind_text(met, 4, metrics[i][k].unit, -1, SQLITE_STATIC);
			if (sqlite3_step(met) != SQLITE_DONE) {
				rc = store_error(st, err, errlen, "store metric");
				break;
			}
		}
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(met);
	return rc;
}

int pfg_store_add_result(struct pfg_store *st, int64_t run_id, int64_t bench_id,
			 const struct pfg_sample *samples, size_t n,
			 const struct pfg_sample_metric *const *metrics,
			 const size_t *n_metrics, const struct pfg_result_row *res,
			 char *err, size_t errlen)
{
	if (store_exec(st, "BEGIN IMMEDIATE", err, errlen))
		return PFG_ERUNTIME;
	if (insert_samples(st, run_id, bench_id, samples, n, metrics, n_metrics,
			   err, errlen))
		goto fail;
	sqlite3_stmt *stmt;
	if (store_prepare(st, "INSERT INTO result (run_id, benchmark_id, ok, error, n,"
		    " mean, median, stddev, min, max, p95, outliers)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt, err, errlen))
		goto fail;
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_int64(stmt, 2, bench_id);
	sqlite3_bind_int(stmt, 3, res->ok != 0);
	if (res->error)
		sqlite3_bind_text(stmt, 4, res->error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, (int64_t)res->n);
	bind_stat(stmt, 6, res->n, res->mean);
	bind_stat(stmt, 7, res->n, res->median);
	bind_stat(stmt, 8, res->n, res->stddev);
	bind_stat(stmt, 9, res->n, res->min);
	bind_stat(stmt, 10, res->n, res->max);
	bind_stat(stmt, 11, res->n, res->p95);
	sqlite3_bind_int64(stmt, 12, (int64_t)res->outliers);
	if (store_step_done(st, stmt, err, errlen, "store result"))
		goto fail;
	return store_exec(st, "COMMIT", err, errlen) ? (store_exec(st, "ROLLBACK", NULL, 0), PFG_ERUNTIME)
					       : PFG_OK;
fail:
	store_exec(st, "ROLLBACK", NULL, 0);
	return PFG_ERUNTIME;
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
	sqlite3_finalize(stmt);
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
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(st, err, errlen, "read");
	return PFG_OK;
}

/* Columns every result query selects, in this order. */
#define RESULT_COLUMNS \
	"run.id, run.started_at, run.status, run.git_rev, r.ok, r.error, r.n," \
	" r.mean, r.median, r.stddev, r.min, r.max, r.p95, r.outliers"

/* Read RESULT_COLUMNS starting at column c into row. */
static void read_result(sqlite3_stmt *stmt, int c, struct pfg_result_row *row)
{
	memset(row, 0, sizeof *row);
	row->run_id = sqlite3_column_int64(stmt, c);
	row->started_at = sqlite3_column_double(stmt, c + 1);
	store_column_enum(stmt, c + 2, pfg_run_status_parse, &row->status);
	store_column_copy(stmt, c + 3, row->git_rev, sizeof row->git_rev);
	row->ok = sqlite3_column_int(stmt, c + 4);
	row->error = store_column_dup(stmt, c + 5);
	row->n = (size_t)sqlite3_column_int64(stmt, c + 6);
	row->mean = sqlite3_column_double(stmt, c + 7);
	row->median = sqlite3_column_double(stmt, c + 8);
	row->stddev = sqlite3_column_double(stmt, c + 9);
	row->min = sqlite3_column_double(stmt, c + 10);
	row->max = sqlite3_column_double(stmt, c + 11);
	row->p95 = sqlite3_column_double(stmt, c + 12);
	row->outliers = (size_t)sqlite3_column_int64(stmt, c + 13);
}

static int collect_results(struct pfg_store *st, sqlite3_stmt *stmt,
			   struct pfg_result_row **rows, size_t *n, char *err,
			   size_t errlen);

/* Read a benchmark row with its latest result. */
static void read_bench_row(sqlite3_stmt *stmt, void *elem)
{
	struct pfg_bench_row *r = elem;
	r->id = sqlite3_column_int64(stmt, 0);
	r->component = store_column_dup(stmt, 1);
	r->name = store_column_dup(stmt, 2);
	r->kind = store_column_dup(stmt, 3);
	r->unit = store_column_dup(stmt, 4);
	r->direction = store_column_dup(stmt, 5);
	r->n_runs = (size_t)sqlite3_column_int64(stmt, 6);
	r->has_latest = sqlite3_column_type(stmt, 7) != SQLITE_NULL;
	if (r->has_latest)
		read_result(stmt, 7, &r->latest);
}

/* store_free_fn for benchmark rows. */
static void free_bench_rows(void *rows, size_t n)
{
	pfg_bench_rows_free(rows, n);
}

int pfg_store_benchmarks(struct pfg_store *st, struct pfg_bench_row **rows,
			 size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	*rows = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT b.id, c.name, b.name, b.kind, b.unit, b.direction,"
		    " (SELECT count(*) FROM result WHERE benchmark_id = b.id), "
		    RESULT_COLUMNS " FROM benchmark b JOIN component c"
		    " ON c.id = b.component_id"
		    " LEFT JOIN result r ON r.benchmark_id = b.id AND r.run_id ="
		    "  (SELECT max(run_id) FROM result WHERE benchmark_id = b.id)"
		    " LEFT JOIN run ON run.id = r.run_id"
		    " ORDER BY c.name, b.name", &stmt, err, errlen))
		return PFG_ERUNTIME;
	return store_collect(st, stmt, sizeof **rows, read_bench_row, free_bench_rows,
			     (void **)rows, n, "read benchmarks", err, errlen);
}

void pfg_bench_rows_free(struct pfg_bench_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].component);
		free(rows[i].name);
		free(rows[i].kind);
		free(rows[i].unit);
		free(rows[i].direction);
		free(rows[i].latest.error);
	}
	free(rows);
}

int pfg_store_history(struct pfg_store *st, const char *component,
		      const char *name, size_t limit, struct pfg_result_row **rows,
		      size_t *n, char *err, size_t errlen)
{
	*rows = NULL;
	*n = 0;
	int64_t bench_id;
	int rc = pfg_store_benchmark_find(st, component, name, &bench_id, err, errlen);
	if (rc)
		return rc;
	sqlite3_stmt *stmt;
	if (store_prepare(st, "SELECT * FROM (SELECT " RESULT_COLUMNS " FROM result r"
			  " JOIN run ON run.id = r.run_id WHERE r.benchmark_id = ?"
			  " ORDER BY r.run_id DESC LIMIT ?) ORDER BY 1", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, bench_id);
	sqlite3_bind_int64(stmt, 2, limit ? (int64_t)limit : -1);
	return collect_results(st, stmt, rows, n, err, errlen);
}

void pfg_result_rows_free(struct pfg_result_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].error);
	free(rows);
}

int pfg_store_samples(struct pfg_store *st, int64_t run_id, int64_t bench_id,
		      double **values, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	*values = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT value FROM sample WHERE run_id = ? AND"
		    " benchmark_id = ? ORDER BY seq", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_int64(stmt, 2, bench_id);
	return store_collect(st, stmt, sizeof **values, store_read_double, NULL,
			     (void **)values, n, "read samples", err, errlen);
}

/* Read RESULT_COLUMNS from column 0. */
static void read_result_row(sqlite3_stmt *stmt, void *elem)
{
	read_result(stmt, 0, elem);
}

/* store_free_fn for result rows. */
static void free_result_rows(void *rows, size_t n)
{
	pfg_result_rows_free(rows, n);
}

/* Collect the rows of a prepared result query (RESULT_COLUMNS). */
static int collect_results(struct pfg_store *st, sqlite3_stmt *stmt,
			   struct pfg_result_row **rows, size_t *n, char *err,
			   size_t errlen)
{
	return store_collect(st, stmt, sizeof **rows, read_result_row, free_result_rows,
			     (void **)rows, n, "read results", err, errlen);
}

int pfg_store_series(struct pfg_store *st, int64_t bench_id, int64_t env_id,
		     size_t limit, struct pfg_result_row **rows, size_t *n, char *err,
		     size_t errlen)
{
	sqlite3_stmt *stmt;
	*rows = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT * FROM (SELECT " RESULT_COLUMNS " FROM result r"
			  " JOIN run ON run.id = r.run_id WHERE r.benchmark_id = ?1"
			  " AND run.environment_id = ?2 AND r.ok = 1 AND r.n > 0"
			  " ORDER BY r.run_id DESC LIMIT ?3) ORDER BY 1", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, bench_id);
	sqlite3_bind_int64(stmt, 2, env_id);
	sqlite3_bind_int64(stmt, 3, limit ? (int64_t)limit : -1);
	return collect_results(st, stmt, rows, n, err, errlen);
}

int pfg_store_latest_run(struct pfg_store *st, int any_status, int64_t *run_id,
			 char *err, size_t errlen)
{
	if (store_select_int(st, "SELECT max(id) FROM run WHERE status = 'complete'"
			     " OR (?1 AND status = 'failed')", any_status, run_id, err,
			     errlen))
		return PFG_ERUNTIME;
	if (*run_id == 0)
		return pfg_error(err, errlen, PFG_EINPUT, "%s holds no %s run yet: "
				 "run 'perfguard run' first", st->path,
				 any_status ? "finished" : "complete");
	return PFG_OK;
}

int pfg_store_run_info(struct pfg_store *st, int64_t run_id, int64_t *env_id,
		       enum pfg_run_status *status, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	if (store_prepare(st, "SELECT environment_id, status FROM run WHERE id = ?",
			  &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, run_id);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		if (env_id)
			*env_id = sqlite3_column_int64(stmt, 0);
		if (status)
			store_column_enum(stmt, 1, pfg_run_status_parse, status);
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return PFG_OK;
	if (rc == SQLITE_DONE)
		return pfg_error(err, errlen, PFG_EINPUT, "no run %lld in %s",
				 (long long)run_id, st->path);
	return store_error(st, err, errlen, "read run");
}

int pfg_store_benchmark_find(struct pfg_store *st, const char *component,
			     const char *name, int64_t *id, char *err, size_t errlen)
{
	const char *p[] = { component, name };
	if (store_lookup_id(st, "SELECT b.id FROM benchmark b JOIN component c ON"
			    " c.id = b.component_id WHERE c.name = ?1 AND b.name = ?2",
			    p, 2, id, err, errlen))
		return PFG_ERUNTIME;
	if (!*id)
		return pfg_error(err, errlen, PFG_EINPUT, "no benchmark '%s/%s' in "
				 "%s: run it first, or see 'perfguard list'",
				 component, name, st->path);
	return PFG_OK;
}
