/* open.c: opening a database: the schema and its migrations, WAL, a
 * read-only fallback, and the recovery of runs left by dead processes. */
#include "store_int.h"
#include "sample_pack.h"

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
	/* 3 -> 4: why a benchmark's measured runs stopped ("runs": "auto") and
	 * the precision they reached; NULL for older results and failures. */
	"ALTER TABLE result ADD COLUMN stop_reason TEXT CHECK (stop_reason IN"
	"  ('runs', 'precise', 'max_runs', 'budget', 'interrupted'));"
	"ALTER TABLE result ADD COLUMN half_width_pct REAL;",
	/* 4 -> 5: tables keyed the way they are read, without a rowid and
	 * without a second index holding the same columns: results and
	 * comparisons keyed by run (a run's rows, and every benchmark's
	 * latest, lie together), with narrow indexes by benchmark for its
	 * history (result's covering what the analysis reads). Every row is
	 * copied (foreign keys are off while migrating). */
	"ALTER TABLE sample_metric RENAME TO old_sample_metric;"
	"ALTER TABLE sample RENAME TO old_sample;"
	"ALTER TABLE result RENAME TO old_result;"
	"ALTER TABLE comparison RENAME TO old_comparison;"
	"DROP INDEX result_by_benchmark;"
	"DROP INDEX comparison_by_benchmark;"
	"CREATE TABLE sample ("
	"  run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
	"  benchmark_id INTEGER NOT NULL REFERENCES benchmark(id),"
	"  seq INTEGER NOT NULL,"
	"  value REAL NOT NULL,"
	"  wall_ns INTEGER NOT NULL, user_ns INTEGER NOT NULL,"
	"  sys_ns INTEGER NOT NULL, max_rss_kib INTEGER NOT NULL,"
	"  exit_code INTEGER NOT NULL, term_signal INTEGER NOT NULL,"
	"  PRIMARY KEY (run_id, benchmark_id, seq)) WITHOUT ROWID;"
	"INSERT INTO sample SELECT run_id, benchmark_id, seq, value, wall_ns, user_ns,"
	"  sys_ns, max_rss_kib, exit_code, term_signal FROM old_sample"
	"  ORDER BY run_id, benchmark_id, seq;"
	"CREATE TABLE sample_metric ("
	"  run_id INTEGER NOT NULL, benchmark_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
	"  name TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL,"
	"  PRIMARY KEY (run_id, benchmark_id, seq, name),"
	"  FOREIGN KEY (run_id, benchmark_id, seq) REFERENCES"
	"    sample(run_id, benchmark_id, seq) ON DELETE CASCADE) WITHOUT ROWID;"
	"INSERT INTO sample_metric SELECT s.run_id, s.benchmark_id, s.seq, m.name,"
	"  m.value, m.unit FROM old_sample_metric m JOIN old_sample s ON s.id = m.sample_id"
	"  ORDER BY 1, 2, 3, 4;"
	"CREATE TABLE result ("
	"  run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
	"  benchmark_id INTEGER NOT NULL REFERENCES benchmark(id),"
	"  ok INTEGER NOT NULL, error TEXT,"
	"  n INTEGER NOT NULL, mean REAL, median REAL, stddev REAL,"
	"  min REAL, max REAL, p95 REAL, outliers INTEGER NOT NULL DEFAULT 0,"
	"  stop_reason TEXT CHECK (stop_reason IN"
	"    ('runs', 'precise', 'max_runs', 'budget', 'interrupted')),"
	"  half_width_pct REAL,"
	"  PRIMARY KEY (run_id, benchmark_id)) WITHOUT ROWID;"
	"INSERT INTO result SELECT run_id, benchmark_id, ok, error, n, mean, median, stddev,"
	"  min, max, p95, outliers, stop_reason, half_width_pct FROM old_result"
	"  ORDER BY run_id, benchmark_id;"
	"CREATE INDEX result_by_benchmark ON result(benchmark_id, run_id, ok, n, mean);"
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
	"  PRIMARY KEY (run_id, benchmark_id)) WITHOUT ROWID;"
	"INSERT INTO comparison SELECT run_id, benchmark_id, baseline_id, test, n_base,"
	"  n_current, estimate_base, estimate_current, change_pct, ci_low_pct, ci_high_pct,"
	"  p_value, mde_pct, verdict, severity, confirm_runs, alert_id FROM old_comparison"
	"  ORDER BY run_id, benchmark_id;"
	"CREATE INDEX comparison_by_benchmark ON comparison(benchmark_id, run_id);"
	"DROP TABLE old_sample_metric;"
	"DROP TABLE old_sample;"
	"DROP TABLE old_result;"
	"DROP TABLE old_comparison;",
	/* 5 -> 6: a per-benchmark summary (results stored, latest run, latest
	 * run means) kept by triggers, and an index of the runs still running. */
	"ALTER TABLE benchmark ADD COLUMN n_results INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE benchmark ADD COLUMN latest_run_id INTEGER;"
	"UPDATE benchmark SET"
	"  n_results = (SELECT count(*) FROM result WHERE benchmark_id = benchmark.id),"
	"  latest_run_id = (SELECT max(run_id) FROM result WHERE benchmark_id = benchmark.id);"
	/* The latest 32 successful run means of each benchmark in each
	 * environment (JSON, oldest first), for sparklines: one small row per
	 * benchmark read instead of a walk through each one's history. */
	"CREATE TABLE recent_mean ("
	"  benchmark_id INTEGER NOT NULL REFERENCES benchmark(id),"
	"  environment_id INTEGER NOT NULL REFERENCES environment(id),"
	"  means TEXT NOT NULL,"
	"  PRIMARY KEY (benchmark_id, environment_id)) WITHOUT ROWID;"
	"INSERT INTO recent_mean SELECT p.benchmark_id, p.environment_id,"
	"  (SELECT json_group_array(mean) FROM (SELECT * FROM (SELECT r.mean, r.run_id"
	"    FROM result r CROSS JOIN run ON run.id = r.run_id WHERE r.benchmark_id = p.benchmark_id"
	"    AND run.environment_id = p.environment_id AND r.ok = 1 AND r.n > 0"
	"    ORDER BY r.run_id DESC LIMIT 32) ORDER BY run_id))"
	"  FROM (SELECT DISTINCT r.benchmark_id, run.environment_id FROM result r"
	"    JOIN run ON run.id = r.run_id WHERE r.ok = 1 AND r.n > 0) p;"
	"CREATE TRIGGER result_added AFTER INSERT ON result BEGIN"
	"  UPDATE benchmark SET n_results = n_results + 1,"
	"    latest_run_id = max(coalesce(latest_run_id, 0), NEW.run_id)"
	"  WHERE id = NEW.benchmark_id;"
	"  INSERT OR REPLACE INTO recent_mean SELECT NEW.benchmark_id, e.environment_id,"
	"  (SELECT json_group_array(mean) FROM (SELECT * FROM (SELECT r.mean, r.run_id"
	"    FROM result r CROSS JOIN run ON run.id = r.run_id WHERE r.benchmark_id = NEW.benchmark_id"
	"    AND run.environment_id = e.environment_id AND r.ok = 1 AND r.n > 0"
	"    ORDER BY r.run_id DESC LIMIT 32) ORDER BY run_id))"
	"  FROM run e WHERE e.id = NEW.run_id AND NEW.ok = 1 AND NEW.n > 0;"
	"END;"
	"CREATE TRIGGER result_removed AFTER DELETE ON result BEGIN"
	"  UPDATE benchmark SET n_results = n_results - 1,"
	"    latest_run_id = (SELECT max(run_id) FROM result WHERE benchmark_id = OLD.benchmark_id)"
	"  WHERE id = OLD.benchmark_id;"
	"  UPDATE recent_mean SET means ="
	"  (SELECT json_group_array(mean) FROM (SELECT * FROM (SELECT r.mean, r.run_id"
	"    FROM result r CROSS JOIN run ON run.id = r.run_id WHERE r.benchmark_id = OLD.benchmark_id"
	"    AND run.environment_id = recent_mean.environment_id AND r.ok = 1 AND r.n > 0"
	"    ORDER BY r.run_id DESC LIMIT 32) ORDER BY run_id))"
	"  WHERE benchmark_id = OLD.benchmark_id;"
	"END;"
	"CREATE INDEX run_running ON run(id) WHERE status = 'running';",
	/* 6 -> 7: every notification attempt (notify): its target, event,
	 * outcome and, while it waits to be retried, its payload. Never a URL
	 * or a secret. */
	"CREATE TABLE notification ("
	"  id INTEGER PRIMARY KEY,"
	"  created_at REAL NOT NULL, updated_at REAL NOT NULL,"
	"  target TEXT NOT NULL, kind TEXT NOT NULL, event TEXT NOT NULL,"
	"  run_id INTEGER REFERENCES run(id) ON DELETE SET NULL,"
	"  summary TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('sent', 'failed', 'pending', 'dropped')),"
	"  http_status INTEGER, attempts INTEGER NOT NULL, error TEXT,"
	"  payload TEXT);"
	"CREATE INDEX notification_by_status ON notification(target, status, id);",
	/* 7 -> 8: one row per run and benchmark holding all its samples,
	 * packed losslessly (values bit for bit, every process figure; the
	 * layout is in sample_pack.h) instead of a row per sample: n counts
	 * them for SQL. Custom metrics keep a row each, now going with their
	 * run. Every row is copied (foreign keys are off while migrating). */
	"CREATE TABLE sample_pack ("
	"  run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
	"  benchmark_id INTEGER NOT NULL REFERENCES benchmark(id),"
	"  n INTEGER NOT NULL,"
	"  data BLOB NOT NULL,"
	"  PRIMARY KEY (run_id, benchmark_id)) WITHOUT ROWID;"
	"INSERT INTO sample_pack SELECT run_id, benchmark_id, count(*),"
	"  pfg_sample_pack(seq, value, wall_ns, user_ns, sys_ns, max_rss_kib, exit_code,"
	"  term_signal) FROM sample GROUP BY run_id, benchmark_id;"
	"ALTER TABLE sample_metric RENAME TO old_sample_metric;"
	"CREATE TABLE sample_metric ("
	"  run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,"
	"  benchmark_id INTEGER NOT NULL REFERENCES benchmark(id),"
	"  seq INTEGER NOT NULL,"
	"  name TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL,"
	"  PRIMARY KEY (run_id, benchmark_id, seq, name)) WITHOUT ROWID;"
	"INSERT INTO sample_metric SELECT run_id, benchmark_id, seq, name, value, unit"
	"  FROM old_sample_metric ORDER BY 1, 2, 3, 4;"
	"DROP TABLE old_sample_metric;"
	"DROP TABLE sample;",
};


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
		if (sizeof(void *) >= 8)
			store_exec(st, "PRAGMA mmap_size = 1073741824", NULL, 0);
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
	/* Foreign keys are on once the schema is current: a migration that
	 * rebuilds a table must not cascade the old one's deletion. */
	/* Read pages through a memory map (where the address space allows):
	 * a new process reads its first pages without a system call each. */
	if (sizeof(void *) >= 8)
		store_exec(st, "PRAGMA mmap_size = 1073741824", NULL, 0);
	if (sample_pack_register(st->db) != SQLITE_OK) {
		store_error(st, err, errlen, "register pfg_sample_pack");
		pfg_store_close(st);
		return PFG_ERUNTIME;
	}
	if (set_wal(st, err, errlen) ||
	    store_exec(st, "PRAGMA synchronous = NORMAL", err, errlen) ||
	    migrate(st, err, errlen) ||
	    store_exec(st, "PRAGMA foreign_keys = ON", err, errlen) ||
	    recover_stale_runs(st, err, errlen)) {
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
	store_release_all(st);
	sqlite3_close_v2(st->db);
	free(st->path);
	free(st);
}
