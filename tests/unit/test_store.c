/* test_store.c: the SQLite store on real files: migration from an empty
 * file, atomic results, interrupted runs, history, and bad databases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/store.h"
#include "perfguard/util.h"

#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A fresh temporary directory per test; the db path inside it. */
struct fixture {
	char dir[64];
	char *db;
};

static int setup(void **state)
{
	struct fixture *f = pfg_xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/pfg-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->db = pfg_xasprintf("%s/sub/perfguard.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd = pfg_xasprintf("rm -rf '%s'", f->dir);
	int rc = system(cmd);
	free(cmd);
	free(f->db);
	free(f);
	return rc == 0 ? 0 : -1;
}

/* Run one SQL statement returning an integer, on a separate connection. */
static long long query_int(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v = -1;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* Run SQL on a separate connection. */
static void exec_sql(const char *db, const char *sql)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

/* Open the store or fail the test with its message. */
static struct pfg_store *open_ok(const char *db)
{
	struct pfg_store *st;
	char err[PFG_ERR_MAX] = "";
	if (pfg_store_open(db, &st, err, sizeof err)) {
		print_error("%s\n", err);
		fail();
	}
	return st;
}

/* Start a run with a benchmark; return the run id and benchmark id. */
static void start_run(struct pfg_store *st, int64_t *run, int64_t *bench)
{
	struct pfg_environment env;
	int64_t env_id;
	pfg_environment_detect(&env);
	assert_int_equal(pfg_store_environment_id(st, &env, &env_id, NULL, 0), 0);
	assert_int_equal(pfg_store_benchmark_id(st, "comp", "lat", "latency", "ms",
						"lower", bench, NULL, 0), 0);
	assert_int_equal(pfg_store_run_begin(st, env_id, "cli", "abc123", run, NULL, 0), 0);
}

/* Store a result of n samples 1..n for bench in run. */
static int add_result(struct pfg_store *st, int64_t run, int64_t bench, size_t n,
		      char *err)
{
	struct pfg_sample s[8] = { 0 };
	for (size_t i = 0; i < n; i++)
		s[i].value = (double)(i + 1);
	struct pfg_result_row r = { .ok = 1, .n = n, .mean = (n + 1) / 2.0 };
	return pfg_store_add_result(st, run, bench, s, n, NULL, NULL, &r, err,
				    PFG_ERR_MAX);
}

static void test_migrates_empty_file(void **state)
{
	struct fixture *f = *state;
	struct pfg_store *st = open_ok(f->db);
	assert_int_equal(pfg_store_schema_version(st), PFG_STORE_SCHEMA_VERSION);
	pfg_store_close(st);
	struct stat sb;
	assert_int_equal(stat(f->db, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(query_int(f->db, "PRAGMA user_version"), PFG_STORE_SCHEMA_VERSION);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM sqlite_master WHERE "
				   "type = 'table' AND name IN ('component', 'benchmark', "
				   "'environment', 'run', 'sample_pack', 'sample_metric', "
				   "'result', 'audit_log')"), 8);
	/* Reopening an up-to-date file migrates nothing and keeps data. */
	exec_sql(f->db, "INSERT INTO component (name) VALUES ('kept')");
	st = open_ok(f->db);
	pfg_store_close(st);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM component"), 1);
}

/* A noisy machine's settings, as a probe would fill them. */
static void noisy_settings(struct pfg_machine_noise *m)
{
	memset(m, 0, sizeof *m);
	m->cpus = 2;
	m->allowed_cpus = 1;
	m->pinned = 1;
	snprintf(m->governor, sizeof m->governor, "powersave");
	snprintf(m->governors[0].name, sizeof m->governors[0].name, "powersave");
	m->governors[0].cpus = 2;
	m->n_governors = 1;
	m->boost = PFG_BOOST_ON;
	snprintf(m->boost_via, sizeof m->boost_via, "cpufreq");
	m->load1 = 1.5;
	snprintf(m->virt, sizeof m->virt, "kvm");
	snprintf(m->container, sizeof m->container, "none");
	m->aslr = 2;
}

/* Store m with its warnings for run, as the engine does. */
static int add_noise(struct pfg_store *st, int64_t run, const struct pfg_machine_noise *m,
		     char *err)
{
	struct pfg_strv w = { 0 };
	pfg_machine_noise_warnings(m, &w);
	int rc = pfg_store_run_noise_add(st, run, m, &w, err, PFG_ERR_MAX);
	pfg_strv_release(&w);
	return rc;
}

/* A run's noise settings and their warnings round-trip through the store;
 * unknowns stay unknown; a run without them says so. */
static void test_run_noise_round_trip(void **state)
{
	struct fixture *f = *state;
	struct pfg_store *st = open_ok(f->db);
	int64_t run, bench, run2;
	char err[PFG_ERR_MAX];
	start_run(st, &run, &bench);
	struct pfg_machine_noise m;
	noisy_settings(&m);
	assert_int_equal(add_noise(st, run, &m, err), 0);
	struct pfg_run_noise rn;
	assert_int_equal(pfg_store_run_noise(st, run, &rn, err, sizeof err), 0);
	assert_int_equal(rn.run_id, run);
	assert_int_equal(rn.machine.cpus, 2);
	assert_string_equal(rn.machine.governor, "powersave");
	assert_int_equal(rn.machine.boost, PFG_BOOST_ON);
	assert_true(rn.machine.load1 == 1.5);
	assert_string_equal(rn.machine.virt, "kvm");
	assert_string_equal(rn.machine.container, "none");
	assert_int_equal(rn.machine.aslr, 2);
	assert_int_equal(rn.machine.pinned, 1);
	struct pfg_strv want = { 0 };
	pfg_machine_noise_warnings(&m, &want);
	assert_int_equal(want.n, 5); /* governor, boost, load, vm, ASLR */
	assert_int_equal(rn.warnings.n, want.n);
	for (size_t i = 0; i < want.n; i++)
		assert_string_equal(rn.warnings.v[i], want.v[i]);
	pfg_strv_release(&want);
	pfg_run_noise_release(&rn);
	/* Once per run. */
	assert_int_equal(add_noise(st, run, &m, err), PFG_ERUNTIME);

	/* Every field unknown. */
	assert_int_equal(pfg_store_run_begin(st, 1, "cli", NULL, &run2, NULL, 0), 0);
	struct pfg_machine_noise u = { .pinned = -1, .aslr = -1, .load1 = -1 };
	assert_int_equal(add_noise(st, run2, &u, err), 0);
	assert_int_equal(pfg_store_run_noise(st, run2, &rn, err, sizeof err), 0);
	assert_int_equal(rn.machine.cpus, 0);
	assert_string_equal(rn.machine.governor, "");
	assert_int_equal(rn.machine.boost, PFG_BOOST_UNKNOWN);
	assert_true(rn.machine.load1 < 0);
	assert_string_equal(rn.machine.virt, "unknown");
	assert_int_equal(rn.machine.aslr, -1);
	assert_int_equal(rn.machine.pinned, -1);
	assert_int_equal(rn.warnings.n, 0);
	pfg_run_noise_release(&rn);
	pfg_store_close(st);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM run_noise WHERE governor"
				   " IS NULL AND load1 IS NULL AND boost = 'unknown'"), 1);

	/* A run without a record, and a deleted run takes its record along. */
	st = open_ok(f->db);
	assert_int_equal(pfg_store_run_noise(st, 999, &rn, err, sizeof err), PFG_ENOTFOUND);
	assert_non_null(strstr(err, "run 999 has no record of the machine's noise settings"));
	pfg_run_noise_release(&rn);
	pfg_store_close(st);
	exec_sql(f->db, "PRAGMA foreign_keys = ON; DELETE FROM run WHERE id = 2");
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM run_noise"), 1);
}

/* Copy the schema-4 database that perfguard 0.x made (tests/fixtures:
 * 7 runs of app/b, app/c and app/t, custom metrics, baselines, alerts) to
 * f->db, then run sql on it (taking it back to an older schema). */
static void fixture_db(struct fixture *f, const char *sql)
{
	char *cmd = pfg_xasprintf("mkdir -p '%s/sub' && cp tests/fixtures/schema4.db '%s'",
				  f->dir, f->db);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	if (sql)
		exec_sql(f->db, sql);
}

/* A schema-2 database (before run_noise) migrates to the latest and keeps
 * its runs, samples and results; its old runs have no noise record. */
static void test_migrates_schema_2(void **state)
{
	struct fixture *f = *state;
	char err[PFG_ERR_MAX];
	fixture_db(f, "DROP TABLE run_noise; ALTER TABLE result DROP COLUMN stop_reason;"
		   " ALTER TABLE result DROP COLUMN half_width_pct; PRAGMA user_version = 2");
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM sqlite_master WHERE name ="
				   " 'run_noise'"), 0);
	struct pfg_store *st = open_ok(f->db);
	assert_int_equal(pfg_store_schema_version(st), PFG_STORE_SCHEMA_VERSION);
	struct pfg_result_row *rows;
	size_t n;
	assert_int_equal(pfg_store_history(st, "app", "b", 0, &rows, &n, err, sizeof err), 0);
	assert_int_equal(n, 7);
	assert_int_equal(rows[0].run_id, 1);
	assert_int_equal(rows[0].n, 4);
	assert_int_equal(rows[0].status, PFG_RUN_COMPLETE);
	pfg_result_rows_free(rows, n);
	struct pfg_run_noise rn;
	assert_int_equal(pfg_store_run_noise(st, 1, &rn, err, sizeof err), PFG_ENOTFOUND);
	pfg_run_noise_release(&rn);
	/* New runs store their settings. */
	int64_t run2;
	assert_int_equal(pfg_store_run_begin(st, 1, "cli", NULL, &run2, NULL, 0), 0);
	struct pfg_machine_noise m;
	noisy_settings(&m);
	assert_int_equal(add_noise(st, run2, &m, err), 0);
	pfg_store_close(st);
	assert_int_equal(query_int(f->db, "PRAGMA user_version"), PFG_STORE_SCHEMA_VERSION);
	assert_int_equal(query_int(f->db, "SELECT sum(n) FROM sample_pack"), 85);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM run_noise"), 1);
}

/* A result keeps why its runs stopped and the precision reached; without
 * them (a failure) both read back as unknown. */
static void test_result_stop_reason_round_trip(void **state)
{
	struct fixture *f = *state;
	struct pfg_store *st = open_ok(f->db);
	int64_t run, bench, run2;
	char err[PFG_ERR_MAX];
	start_run(st, &run, &bench);
	struct pfg_sample s[3] = { { .value = 1 }, { .value = 2 }, { .value = 3 } };
	struct pfg_result_row r = { .ok = 1, .n = 3, .mean = 2, .has_stop_reason = 1,
				    .stop_reason = PFG_STOP_BUDGET, .has_half_width = 1,
				    .half_width_pct = 4.25 };
	assert_int_equal(pfg_store_add_result(st, run, bench, s, 3, NULL, NULL, &r, err,
					      sizeof err), 0);
	assert_int_equal(pfg_store_run_begin(st, 1, "cli", NULL, &run2, NULL, 0), 0);
	struct pfg_result_row failed = { .ok = 0, .error = "boom" };
	assert_int_equal(pfg_store_add_result(st, run2, bench, NULL, 0, NULL, NULL, &failed,
					      err, sizeof err), 0);
	struct pfg_result_row *rows;
	size_t n;
	assert_int_equal(pfg_store_history(st, "comp", "lat", 0, &rows, &n, err, sizeof err), 0);
	assert_int_equal(n, 2);
	assert_true(rows[0].has_stop_reason);
	assert_int_equal(rows[0].stop_reason, PFG_STOP_BUDGET);
	assert_true(rows[0].has_half_width);
	assert_true(rows[0].half_width_pct == 4.25);
	assert_false(rows[1].has_stop_reason);
	assert_false(rows[1].has_half_width);
	pfg_result_rows_free(rows, n);
	pfg_store_close(st);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM result WHERE stop_reason ="
				   " 'budget'"), 1);
}

/* A schema-3 database gets the two columns; its results read back with
 * neither known. */
static void test_migrates_schema_3(void **state)
{
	struct fixture *f = *state;
	char err[PFG_ERR_MAX];
	fixture_db(f, "ALTER TABLE result DROP COLUMN stop_reason;"
		   " ALTER TABLE result DROP COLUMN half_width_pct; PRAGMA user_version = 3");
	struct pfg_store *st = open_ok(f->db);
	assert_int_equal(pfg_store_schema_version(st), PFG_STORE_SCHEMA_VERSION);
	struct pfg_result_row *rows;
	size_t n;
	assert_int_equal(pfg_store_history(st, "app", "t", 0, &rows, &n, err, sizeof err), 0);
	assert_int_equal(n, 7);
	assert_int_equal(rows[0].n, 3);
	assert_false(rows[0].has_stop_reason);
	assert_false(rows[0].has_half_width);
	pfg_result_rows_free(rows, n);
	pfg_store_close(st);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM pragma_table_info('result')"
				   " WHERE name IN ('stop_reason', 'half_width_pct')"), 2);
}

/* A schema-4 database made by perfguard itself: the summary it now keeps
 * agrees with the rows, and the summary follows new and deleted results. */
static void test_migrates_schema_4_summary(void **state)
{
	struct fixture *f = *state;
	char err[PFG_ERR_MAX];
	fixture_db(f, NULL);
	assert_int_equal(query_int(f->db, "PRAGMA user_version"), 4);
	struct pfg_store *st = open_ok(f->db);
	struct pfg_bench_row *br;
	size_t n;
	assert_int_equal(pfg_store_benchmarks(st, &br, &n, err, sizeof err), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(br[i].n_runs, 7);
		assert_true(br[i].has_latest);
		assert_int_equal(br[i].latest.run_id, 7);
	}
	pfg_bench_rows_free(br, n);
	int64_t run;
	assert_int_equal(pfg_store_run_begin(st, 1, "cli", NULL, &run, NULL, 0), 0);
	assert_int_equal(add_result(st, run, 1, 3, err), 0);
	assert_int_equal(pfg_store_benchmarks(st, &br, &n, err, sizeof err), 0);
	assert_int_equal(br[0].n_runs, 8);
	assert_int_equal(br[0].latest.run_id, run);
	assert_int_equal(br[1].n_runs, 7);
	pfg_bench_rows_free(br, n);
	/* The latest means kept for sparklines follow, and agree with the
	 * results read from the history. */
	struct pfg_mean_row *kept, *walked;
	size_t nk, nw;
	assert_int_equal(pfg_store_recent_means(st, 1, 4, &kept, &nk, err, sizeof err), 0);
	assert_int_equal(pfg_store_recent_means(st, 1, 40, &walked, &nw, err, sizeof err), 0);
	assert_int_equal(nk, 3 * 4);
	assert_int_equal(nw, 8 + 7 + 7);
	assert_int_equal(kept[3].bench_id, 1);
	assert_true(kept[3].mean == 2.0);
	for (size_t b = 0; b < 3; b++) {
		/* the last 4 of each benchmark's walked means */
		size_t end = 0;
		for (size_t j = 0; j < nw; j++)
			if (walked[j].bench_id == kept[b * 4].bench_id)
				end = j + 1;
		for (size_t k = 0; k < 4; k++)
			assert_true(fabs(kept[b * 4 + k].mean - walked[end - 4 + k].mean) <=
				    1e-14 * fabs(walked[end - 4 + k].mean));
	}
	free(kept);
	free(walked);
	pfg_store_close(st);
	exec_sql(f->db, "PRAGMA foreign_keys = ON; DELETE FROM alert_event; DELETE FROM alert;"
		 " DELETE FROM change_point WHERE run_id >= 7; DELETE FROM run WHERE id >= 7");
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM benchmark WHERE n_results = 6"
				   " AND latest_run_id = 6"), 3);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM sample_pack WHERE run_id >= 7"), 0);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM recent_mean WHERE"
				   " json_array_length(means) = 6"), 3);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM sample_metric WHERE"
				   " run_id >= 7"), 0);
}

/* Sample values come back bit for bit (NaN, infinities, -0.0 that a REAL
 * column could not keep); a corrupt packed row is an error that names the
 * file and the blob's problem, never a crash. */
static void test_samples_exact_and_corrupt(void **state)
{
	struct fixture *f = *state;
	struct pfg_store *st = open_ok(f->db);
	int64_t run, bench;
	char err[PFG_ERR_MAX];
	start_run(st, &run, &bench);
	struct pfg_sample s[5] = {
		{ .value = NAN, .wall_ns = -1 }, { .value = -0.0, .max_rss_kib = LONG_MAX },
		{ .value = INFINITY, .exit_code = -1, .term_signal = 9 },
		{ .value = 5e-324 }, { .value = -1e300, .user_ns = INT64_MIN },
	};
	struct pfg_result_row r = { .ok = 1, .n = 5 };
	assert_int_equal(pfg_store_add_result(st, run, bench, s, 5, NULL, NULL, &r, err,
					      sizeof err), 0);
	double *v;
	size_t n;
	assert_int_equal(pfg_store_samples(st, run, bench, &v, &n, err, sizeof err), 0);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++)
		assert_memory_equal(&v[i], &s[i].value, sizeof v[i]);
	free(v);
	exec_sql(f->db, "UPDATE sample_pack SET data = substr(data, 1, length(data) - 1)");
	assert_int_equal(pfg_store_samples(st, run, bench, &v, &n, err, sizeof err),
			 PFG_ERUNTIME);
	assert_null(v);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err, f->db));
	assert_non_null(strstr(err, "read samples: corrupt sample blob: truncated"));
	pfg_store_close(st);
}

static void test_result_is_one_transaction(void **state)
{
	struct fixture *f = *state;
	struct pfg_store *st = open_ok(f->db);
	int64_t run, bench;
	char err[PFG_ERR_MAX];
	start_run(st, &run, &bench);
	assert_int_equal(add_result(st, run, bench, 5, err), 0);
	/* The same benchmark twice in a run violates the result's key after
	 * new samples were inserted: none of them may remain. */
	assert_int_equal(add_result(st, run, 99999, 3, err), PFG_ERUNTIME);
	assert_non_null(strstr(err, "FOREIGN KEY"));
	pfg_store_close(st);
	assert_int_equal(query_int(f->db, "SELECT sum(n) FROM sample_pack"), 5);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM result"), 1);
}

static void test_history_and_samples(void **state)
{
	struct fixture *f = *state;
	struct pfg_store *st = open_ok(f->db);
	int64_t runs[3], bench;
	for (int i = 0; i < 3; i++) {
		start_run(st, &runs[i], &bench);
		assert_int_equal(add_result(st, runs[i], bench, (size_t)(i + 2), NULL), 0);
		assert_int_equal(pfg_store_run_end(st, runs[i], PFG_RUN_COMPLETE, NULL, 0), 0);
	}
	struct pfg_result_row *rows;
	size_t n;
	assert_int_equal(pfg_store_history(st, "comp", "lat", 0, &rows, &n, NULL, 0), 0);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].run_id, runs[0]);
	assert_int_equal(rows[2].n, 4);
	assert_string_equal(pfg_run_status_name(rows[2].status), "complete");
	assert_string_equal(rows[2].git_rev, "abc123");
	pfg_result_rows_free(rows, n);
	assert_int_equal(pfg_store_history(st, "comp", "lat", 2, &rows, &n, NULL, 0), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].run_id, runs[1]);
	pfg_result_rows_free(rows, n);
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_store_history(st, "comp", "nope", 0, &rows, &n, err,
					   sizeof err), PFG_ENOTFOUND);
	assert_non_null(strstr(err, "no benchmark 'comp/nope'"));
	double *v;
	assert_int_equal(pfg_store_samples(st, runs[1], bench, &v, &n, NULL, 0), 0);
	assert_int_equal(n, 3);
	assert_true(v[2] == 3.0);
	free(v);
	struct pfg_bench_row *br;
	assert_int_equal(pfg_store_benchmarks(st, &br, &n, NULL, 0), 0);
	assert_int_equal(n, 1);
	assert_int_equal(br[0].n_runs, 3);
	assert_int_equal(br[0].latest.run_id, runs[2]);
	pfg_bench_rows_free(br, n);
	pfg_store_close(st);
}

/* pfg_store_series_tail() reads what pfg_store_series_means() reads, in
 * two environments whose runs interleave over more runs than one range
 * of environments holds, with failed results and runs without a result. */
static void test_series_tail_matches_series_means(void **state)
{
	struct fixture *f = *state;
	struct pfg_store *st = open_ok(f->db);
	struct pfg_environment here, other = { "other-host", "other cpu", "other kernel" };
	int64_t env[2], bench, run;
	pfg_environment_detect(&here);
	assert_int_equal(pfg_store_environment_id(st, &here, &env[0], NULL, 0), 0);
	assert_int_equal(pfg_store_environment_id(st, &other, &env[1], NULL, 0), 0);
	assert_int_equal(pfg_store_benchmark_id(st, "comp", "lat", "latency", "ms", "lower",
						&bench, NULL, 0), 0);
	for (int i = 0; i < 700; i++) {
		/* Runs 300..399 all in the other environment, else every third. */
		int e = (i >= 300 && i < 400) || i % 3 == 0;
		assert_int_equal(pfg_store_run_begin(st, env[e], "cli", NULL, &run, NULL, 0), 0);
		if (i % 7 != 0) {
			struct pfg_sample s[2] = { { .value = i }, { .value = i + 1 } };
			struct pfg_result_row r = { .ok = i % 11 != 0, .n = 2, .mean = i + 0.5 };
			assert_int_equal(pfg_store_add_result(st, run, bench, s, 2, NULL, NULL, &r,
							      NULL, 0), 0);
		}
		assert_int_equal(pfg_store_run_end(st, run, PFG_RUN_COMPLETE, NULL, 0), 0);
	}
	static const size_t limits[] = { 0, 1, 50, 200, 257, 400, 1000 };
	for (int e = 0; e < 2; e++)
		for (size_t k = 0; k < sizeof limits / sizeof *limits; k++) {
			struct pfg_mean_row *a, *b;
			size_t na, nb;
			assert_int_equal(pfg_store_series_means(st, bench, env[e], limits[k], &a, &na,
								NULL, 0), 0);
			assert_int_equal(pfg_store_series_tail(st, bench, env[e], limits[k], &b, &nb,
							       NULL, 0), 0);
			assert_true(na > 0);
			assert_int_equal(na, nb);
			for (size_t i = 0; i < na; i++) {
				assert_int_equal(a[i].bench_id, b[i].bench_id);
				assert_int_equal(a[i].run_id, b[i].run_id);
				assert_true(a[i].mean == b[i].mean);
			}
			free(a);
			free(b);
		}
	pfg_store_close(st);
}

/* pfg_store_runs(): every run newest first, runs without results too,
 * with trigger, revision, times and counts from one query; limit cuts. */
static void test_runs_list(void **state)
{
	struct fixture *f = *state;
	struct pfg_store *st = open_ok(f->db);
	int64_t r1, r2, r3, bench, other, env_id;
	start_run(st, &r1, &bench);
	assert_int_equal(pfg_store_benchmark_id(st, "comp", "thr", "throughput", "op/s",
						"higher", &other, NULL, 0), 0);
	assert_int_equal(add_result(st, r1, bench, 3, NULL), 0);
	struct pfg_result_row bad = { .ok = 0, .n = 0, .error = "exit 1" };
	assert_int_equal(pfg_store_add_result(st, r1, other, NULL, 0, NULL, NULL, &bad, NULL, 0),
			 0);
	assert_int_equal(pfg_store_run_end(st, r1, PFG_RUN_FAILED, NULL, 0), 0);
	struct pfg_environment env;
	pfg_environment_detect(&env);
	assert_int_equal(pfg_store_environment_id(st, &env, &env_id, NULL, 0), 0);
	assert_int_equal(pfg_store_run_begin(st, env_id, "ci", NULL, &r2, NULL, 0), 0);
	assert_int_equal(add_result(st, r2, bench, 2, NULL), 0);
	assert_int_equal(pfg_store_run_end(st, r2, PFG_RUN_COMPLETE, NULL, 0), 0);
	assert_int_equal(pfg_store_run_begin(st, env_id, "tui", "def456", &r3, NULL, 0), 0);
	exec_sql(f->db, "UPDATE run SET started_at = 1000, ended_at = 1125.5 WHERE id = 1");

	struct pfg_run_row *rows;
	size_t n;
	assert_int_equal(pfg_store_runs(st, 0, &rows, &n, NULL, 0), 0);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].id, r3);
	assert_string_equal(rows[0].trigger, "tui");
	assert_string_equal(rows[0].git_rev, "def456");
	assert_int_equal(rows[0].status, PFG_RUN_RUNNING);
	assert_true(rows[0].ended_at == 0);
	assert_int_equal(rows[0].n_bench, 0);
	assert_int_equal(rows[0].n_failed, 0);
	assert_int_equal(rows[1].id, r2);
	assert_string_equal(rows[1].trigger, "ci");
	assert_string_equal(rows[1].git_rev, "");
	assert_int_equal(rows[1].status, PFG_RUN_COMPLETE);
	assert_true(rows[1].ended_at >= rows[1].started_at);
	assert_int_equal(rows[1].n_bench, 1);
	assert_int_equal(rows[1].env_id, env_id);
	assert_int_equal(rows[2].id, r1);
	assert_string_equal(rows[2].trigger, "cli");
	assert_string_equal(rows[2].git_rev, "abc123");
	assert_int_equal(rows[2].status, PFG_RUN_FAILED);
	assert_true(rows[2].started_at == 1000 && rows[2].ended_at == 1125.5);
	assert_int_equal(rows[2].n_bench, 2);
	assert_int_equal(rows[2].n_failed, 1);
	free(rows);
	/* The statement is kept: a second call reuses it, and limit cuts. */
	assert_int_equal(pfg_store_runs(st, 2, &rows, &n, NULL, 0), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[1].id, r2);
	free(rows);
	pfg_store_close(st);
}

/* err holds a message that names no CLI command (the CLI adds its hint). */
static void expect_plain(const char *err, const char *what)
{
	if (!strstr(err, what) || strstr(err, "perfguard ") || strstr(err, "'perfguard"))
		fail_msg("'%s': expected '%s' and no command", err, what);
}

static void test_unknown_rows_are_not_found(void **state)
{
	struct fixture *f = *state;
	struct pfg_store *st = open_ok(f->db);
	char err[PFG_ERR_MAX];
	int64_t id = 1;
	/* An empty database: no run, no environment, nothing approved. */
	assert_int_equal(pfg_store_latest_run(st, 0, &id, err, sizeof err), PFG_ENOTFOUND);
	expect_plain(err, "holds no complete run yet");
	assert_int_equal(pfg_store_latest_run(st, 1, &id, err, sizeof err), PFG_ENOTFOUND);
	expect_plain(err, "holds no finished run yet");
	struct pfg_environment env = { "nohost", "nocpu", "nokernel" };
	assert_int_equal(pfg_store_environment_find(st, &env, &id, err, sizeof err),
			 PFG_ENOTFOUND);
	expect_plain(err, "no run of this environment (nohost)");
	int64_t run, bench;
	start_run(st, &run, &bench);
	assert_int_equal(pfg_store_run_info(st, 999, NULL, NULL, err, sizeof err),
			 PFG_ENOTFOUND);
	expect_plain(err, "no run 999 in ");
	assert_int_equal(pfg_store_benchmark_find(st, "comp", "nope", &id, err, sizeof err),
			 PFG_ENOTFOUND);
	expect_plain(err, "no benchmark 'comp/nope' in ");
	struct pfg_baseline b;
	assert_int_equal(pfg_store_baseline_get(st, 999, &b, err, sizeof err),
			 PFG_ENOTFOUND);
	expect_plain(err, "no baseline 999");
	assert_int_equal(pfg_store_baseline_approved(st, bench, 1, &b, err, sizeof err),
			 PFG_ENOTFOUND);
	expect_plain(err, "no approved baseline");
	struct pfg_comparison c;
	assert_int_equal(pfg_store_comparison_get(st, run, bench, &c, err, sizeof err),
			 PFG_ENOTFOUND);
	expect_plain(err, "no comparison for run");
	assert_int_equal(pfg_store_comparison_latest(st, bench, 1, &c, err, sizeof err),
			 PFG_ENOTFOUND);
	expect_plain(err, "no comparison of benchmark");
	struct pfg_alert a;
	assert_int_equal(pfg_store_alert_get(st, 999, &a, NULL, NULL, err, sizeof err),
			 PFG_ENOTFOUND);
	expect_plain(err, "no alert 999");
	assert_int_equal(pfg_store_alert_note(st, 999, "t", "a note", err, sizeof err),
			 PFG_ENOTFOUND);
	expect_plain(err, "no alert 999");
	/* Bad input is still PFG_EINPUT, not "not found". */
	assert_int_equal(pfg_store_alert_note(st, 999, "t", "", err, sizeof err), PFG_EINPUT);
	pfg_store_close(st);
}

static void test_stale_running_run_becomes_interrupted(void **state)
{
	struct fixture *f = *state;
	struct pfg_store *st = open_ok(f->db);
	int64_t run, live, bench;
	start_run(st, &run, &bench);
	assert_int_equal(add_result(st, run, bench, 2, NULL), 0);
	start_run(st, &live, &bench);
	pfg_store_close(st);
	/* The first run's process died without finishing it (a crash, a kill -9):
	 * a pid that cannot exist. The second is ours and still alive. */
	char *sql = pfg_xasprintf("UPDATE run SET pid = 2147483646 WHERE id = %lld",
				  (long long)run);
	exec_sql(f->db, sql);
	free(sql);
	st = open_ok(f->db);
	pfg_store_close(st);
	char *q = pfg_xasprintf("SELECT status = 'interrupted' AND ended_at IS NOT NULL "
				"FROM run WHERE id = %lld", (long long)run);
	assert_int_equal(query_int(f->db, q), 1);
	free(q);
	q = pfg_xasprintf("SELECT status = 'running' FROM run WHERE id = %lld",
			  (long long)live);
	assert_int_equal(query_int(f->db, q), 1);
	free(q);
	assert_int_equal(query_int(f->db, "SELECT sum(n) FROM sample_pack"), 2);
}

static void test_rejects_bad_files(void **state)
{
	struct fixture *f = *state;
	struct pfg_store *st;
	char err[PFG_ERR_MAX];
	/* Not a database. */
	char *junk = pfg_xasprintf("%s/junk.db", f->dir);
	FILE *fp = fopen(junk, "w");
	fputs("this is not sqlite, just text long enough to be a header..........", fp);
	fclose(fp);
	assert_int_equal(pfg_store_open(junk, &st, err, sizeof err), PFG_ERUNTIME);
	assert_non_null(strstr(err, "not a database"));
	free(junk);
	/* A schema newer than this perfguard. */
	st = open_ok(f->db);
	pfg_store_close(st);
	exec_sql(f->db, "PRAGMA user_version = 999");
	assert_int_equal(pfg_store_open(f->db, &st, err, sizeof err), PFG_ERUNTIME);
	assert_non_null(strstr(err, "schema version 999 is newer"));
	/* A negative schema version: named, not "not an error". */
	exec_sql(f->db, "PRAGMA user_version = -5");
	assert_int_equal(pfg_store_open(f->db, &st, err, sizeof err), PFG_ERUNTIME);
	char *want = pfg_xasprintf("%s: schema version -5 is not one perfguard knows "
				   "(expected 0..%d); is this a perfguard database?", f->db,
				   PFG_STORE_SCHEMA_VERSION);
	assert_string_equal(err, want);
	free(want);
	exec_sql(f->db, "PRAGMA user_version = -1");
	assert_int_equal(pfg_store_open(f->db, &st, err, sizeof err), PFG_ERUNTIME);
	assert_non_null(strstr(err, "schema version -1 is not one perfguard knows"));
	/* A directory that cannot be created. */
	assert_int_equal(pfg_store_open("/proc/nope/x.db", &st, err, sizeof err),
			 PFG_ERUNTIME);
	assert_non_null(strstr(err, "cannot create"));
}

/* A database this process cannot write opens read-only: reads work,
 * writes fail naming the file. */
static void test_read_only_database(void **state)
{
	struct fixture *f = *state;
	struct pfg_store *st = open_ok(f->db);
	pfg_store_close(st);
	char *sub = pfg_xasprintf("%s/sub", f->dir);
	chmod(f->dir, 0755);
	chmod(sub, 0555);
	chmod(f->db, 0444);
	free(sub);
	/* Root writes anyway: open as an unprivileged user in a child. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(10);
		/* It opens, reads, and refuses to write with a clear error. */
		char err[PFG_ERR_MAX] = "";
		if (pfg_store_open(f->db, &st, err, sizeof err) != PFG_OK) {
			fprintf(stderr, "read-only open: %s\n", err);
			_exit(11);
		}
		struct pfg_bench_row *rows;
		size_t n;
		if (pfg_store_benchmarks(st, &rows, &n, err, sizeof err) != PFG_OK)
			_exit(12);
		pfg_bench_rows_free(rows, n);
		int64_t env_id = 1, run_id;
		int rc = pfg_store_run_begin(st, env_id, "cli", NULL, &run_id, err, sizeof err);
		fprintf(stderr, "read-only write: %s\n", err);
		pfg_store_close(st);
		_exit(rc == PFG_ERUNTIME && strstr(err, f->db) && strstr(err, "read-only")
		      ? 0 : 13);
	}
	int status;
	waitpid(pid, &status, 0);
	chmod(f->dir, 0700);
	sub = pfg_xasprintf("%s/sub", f->dir);
	chmod(sub, 0700);
	free(sub);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}
/* pfg_prune_ranges(): consecutive ids as ranges, cut with ", ..." when
 * the buffer is full. */
static void test_prune_ranges(void **state)
{
	(void)state;
	int64_t ids[] = { 2, 3, 4, 7, 9, 10, 12 };
	char buf[64];
	pfg_prune_ranges(ids, 7, buf, sizeof buf);
	assert_string_equal(buf, "2-4, 7, 9-10, 12");
	pfg_prune_ranges(ids, 0, buf, sizeof buf);
	assert_string_equal(buf, "");
	pfg_prune_ranges(ids, 7, buf, 16);
	assert_string_equal(buf, "2-4, 7, ...");
}

/* pfg_store_prune(): a dry run counts and changes nothing; a prune
 * removes the run no rule keeps with its rows, keeps a baseline's run and
 * the latest result, and leaves foreign keys on. */
static void test_prune(void **state)
{
	struct fixture *f = *state;
	struct pfg_store *st = open_ok(f->db);
	int64_t runs[4], bench, base;
	for (int i = 0; i < 4; i++) {
		start_run(st, &runs[i], &bench);
		if (i == 3)
			break; /* still running, with no result */
		assert_int_equal(add_result(st, runs[i], bench, 3, NULL), 0);
		assert_int_equal(pfg_store_run_end(st, runs[i], PFG_RUN_COMPLETE, NULL, 0), 0);
	}
	struct pfg_baseline_stats bs = { 3, 2, 2, 1 };
	assert_int_equal(pfg_store_baseline_propose(st, bench, 1, runs, 1, &bs, "first run",
						    "test", &base, NULL, 0), 0);
	struct pfg_prune_opts o = { .keep_runs = 1, .dry_run = 1 };
	struct pfg_prune_report r;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_store_prune(st, &o, &r, err, sizeof err), 0);
	assert_int_equal(r.n_runs, 1);
	assert_int_equal(r.run_ids[0], runs[1]);
	assert_int_equal(r.n_results, 1);
	assert_int_equal(r.n_samples, 3);
	assert_int_equal(r.n_old, 3);
	assert_int_equal(r.n_kept, 2);
	pfg_prune_report_release(&r);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM run"), 4);
	o.dry_run = 0;
	assert_int_equal(pfg_store_prune(st, &o, &r, err, sizeof err), 0);
	assert_int_equal(r.n_runs, 1);
	int kept_baseline = 0, kept_latest = 0;
	for (size_t i = 0; i < r.n_reasons; i++) {
		kept_baseline += strcmp(r.kept[i].why, "a baseline") == 0 && r.kept[i].n == 1;
		kept_latest += strcmp(r.kept[i].why, "the latest result") == 0 && r.kept[i].n == 1;
	}
	assert_true(kept_baseline && kept_latest);
	pfg_prune_report_release(&r);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM run"), 3);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM run WHERE id = 2"), 0);
	assert_int_equal(query_int(f->db, "SELECT sum(n) FROM sample_pack"), 6);
	assert_int_equal(query_int(f->db, "SELECT n_results FROM benchmark"), 2);
	/* Foreign keys are back on: a result of no run is refused. */
	assert_int_not_equal(add_result(st, 999, bench, 1, err), 0);
	o = (struct pfg_prune_opts){ 0 };
	assert_int_equal(pfg_store_prune(st, &o, &r, err, sizeof err), PFG_EINPUT);
	assert_non_null(strstr(err, "keep_days or keep_runs"));
	pfg_store_close(st);
}


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrates_empty_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_samples_exact_and_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_noise_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_result_stop_reason_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrates_schema_3, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrates_schema_2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrates_schema_4_summary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_result_is_one_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_and_samples, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_rows_are_not_found, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stale_running_run_becomes_interrupted,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_runs_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_series_tail_matches_series_means, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rejects_bad_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_database, setup, teardown),
		cmocka_unit_test(test_prune_ranges),
		cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
