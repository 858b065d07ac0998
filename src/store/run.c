/* run.c: environments, benchmarks, runs, their samples and results, and
 * the queries over results (lists, history, series). */
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


int pfg_store_environment_id(struct pfg_store *st, const struct pfg_environment *env,
			     int64_t *id, char *err, size_t errlen)
{
	const char *p[] = { env->host, env->cpu_model, env->kernel };
	return store_find_or_insert(st, "SELECT id FROM environment WHERE host = ?1 AND"
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
	return *id ? PFG_OK : pfg_error(err, errlen, PFG_ENOTFOUND, "no run of this "
					"environment (%s) is stored", env->host);
}

int pfg_store_environment_here(struct pfg_store *st, int64_t *env_id, char *err,
			       size_t errlen)
{
	struct pfg_environment env;
	pfg_environment_detect(&env);
	int rc = pfg_store_environment_find(st, &env, env_id, err, errlen);
	if (rc != PFG_ENOTFOUND)
		return rc;
	int64_t run_id;
	if ((rc = pfg_store_latest_run(st, 1, &run_id, err, errlen)))
		return rc;
	return pfg_store_run_info(st, run_id, env_id, NULL, err, errlen);
}

int pfg_store_benchmark_id(struct pfg_store *st, const char *component,
			   const char *name, const char *kind, const char *unit,
			   const char *direction, int64_t *id, char *err,
			   size_t errlen)
{
	int64_t comp;
	const char *cp[] = { component };
	if (store_find_or_insert(st, "SELECT id FROM component WHERE name = ?1",
			   "INSERT INTO component (name) VALUES (?1)", cp, 1, &comp,
			   err, errlen))
		return PFG_ERUNTIME;
	char comp_text[32];
	snprintf(comp_text, sizeof comp_text, "%lld", (long long)comp);
	const char *bp[] = { comp_text, name, kind, unit, direction };
	if (store_find_or_insert(st, "SELECT id FROM benchmark WHERE component_id = ?1"
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
			    const struct pfg_machine_noise *m, const struct pfg_strv *w,
			    char *err, size_t errlen)
{
	size_t len = 1, at = 0;
	for (size_t i = 0; i < w->n; i++)
		len += strlen(w->v[i]) + 1;
	char *text = pfg_xcalloc(1, len);
	for (size_t i = 0; i < w->n; i++)
		at += (size_t)snprintf(text + at, len - at, "%s\n", w->v[i]);
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
		store_release(st, stmt);
		return rc == SQLITE_DONE
			? pfg_error(err, errlen, PFG_ENOTFOUND, "run %lld has no record of the "
				    "machine's noise settings", (long long)run_id)
			: store_error(st, err, errlen, "read the machine's noise settings");
	}
	struct pfg_machine_noise *m = &out->machine;
	out->run_id = run_id;
	m->cpus = sqlite3_column_int(stmt, 0);
	store_column_copy(stmt, 1, m->governor, sizeof m->governor);
	if (pfg_boost_parse((const char *)sqlite3_column_text(stmt, 2), &m->boost))
		m->boost = PFG_BOOST_UNKNOWN;
	m->load1 = sqlite3_column_type(stmt, 3) == SQLITE_NULL ? -1
		: sqlite3_column_double(stmt, 3);
	store_column_copy(stmt, 4, m->virt, sizeof m->virt);
	store_column_copy(stmt, 5, m->container, sizeof m->container);
	m->aslr = sqlite3_column_int(stmt, 6);
	m->pinned = sqlite3_column_int(stmt, 7);
	const char *w = (const char *)sqlite3_column_text(stmt, 8);
	while (w && *w) {
		size_t n = strcspn(w, "\n");
		if (n)
			pfg_strv_pushf(&out->warnings, "%.*s", (int)n, w);
		w += n + (w[n] == '\n');
	}
	store_release(st, stmt);
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

/* Insert the samples (one packed row) and metrics of one benchmark
 * (inside a transaction). */
static int insert_samples(struct pfg_store *st, int64_t run_id, int64_t bench_id,
			  const struct pfg_sample *samples, size_t n,
			  const struct pfg_sample_metric *const *metrics,
			  const size_t *n_metrics, char *err, size_t errlen)
{
	sqlite3_stmt *ins, *met;
	if (!n)
		return PFG_OK;
	if (store_prepare(st, "INSERT INTO sample_pack (run_id, benchmark_id, n, data)"
			  " VALUES (?, ?, ?, ?)", &ins, err, errlen))
		return PFG_ERUNTIME;
	size_t len;
	unsigned char *blob = sample_pack_encode(samples, n, &len);
	sqlite3_bind_int64(ins, 1, run_id);
	sqlite3_bind_int64(ins, 2, bench_id);
	sqlite3_bind_int64(ins, 3, (int64_t)n);
	sqlite3_bind_blob64(ins, 4, blob, len, free);
	int rc = sqlite3_step(ins) == SQLITE_DONE ? PFG_OK
		: store_error(st, err, errlen, "store samples");
	store_release(st, ins);
	if (rc)
		return rc;
	if (store_prepare(st, "INSERT INTO sample_metric (run_id, benchmark_id, seq, name,"
			  " value, unit) VALUES (?, ?, ?, ?, ?, ?)", &met, err, errlen))
		return PFG_ERUNTIME;
	for (size_t i = 0; i < n && !rc; i++) {
		for (size_t k = 0; metrics && n_metrics && k < n_metrics[i]; k++) {
			sqlite3_reset(met);
			sqlite3_bind_int64(met, 1, run_id);
			sqlite3_bind_int64(met, 2, bench_id);
			sqlite3_bind_int64(met, 3, (int64_t)i);
			sqlite3_bind_text(met, 4, metrics[i][k].name, -1, SQLITE_STATIC);
			sqlite3_bind_double(met, 5, metrics[i][k].value);
			sqlite3_bind_text(met, 6, metrics[i][k].unit, -1, SQLITE_STATIC);
			if (sqlite3_step(met) != SQLITE_DONE) {
				rc = store_error(st, err, errlen, "store metric");
				break;
			}
		}
	}
	store_release(st, met);
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
		    " mean, median, stddev, min, max, p95, outliers, stop_reason,"
		    " half_width_pct)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt, err, errlen))
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
	if (res->has_stop_reason)
		sqlite3_bind_text(stmt, 13, pfg_stop_reason_name(res->stop_reason), -1,
				  SQLITE_STATIC);
	if (res->has_half_width)
		sqlite3_bind_double(stmt, 14, res->half_width_pct);
	if (store_step_done(st, stmt, err, errlen, "store result"))
		goto fail;
	return store_exec(st, "COMMIT", err, errlen) ? (store_exec(st, "ROLLBACK", NULL, 0), PFG_ERUNTIME)
					       : PFG_OK;
fail:
	store_exec(st, "ROLLBACK", NULL, 0);
	return PFG_ERUNTIME;
}


#define RESULT_COLUMNS \
	"run.id, run.started_at, run.status, run.git_rev, r.ok, r.error, r.n," \
	" r.mean, r.median, r.stddev, r.min, r.max, r.p95, r.outliers," \
	" r.stop_reason, r.half_width_pct"

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
	row->has_stop_reason = sqlite3_column_type(stmt, c + 14) != SQLITE_NULL &&
		pfg_stop_reason_parse((const char *)sqlite3_column_text(stmt, c + 14),
				      &row->stop_reason) == 0;
	row->has_half_width = sqlite3_column_type(stmt, c + 15) != SQLITE_NULL;
	row->half_width_pct = sqlite3_column_double(stmt, c + 15);
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
	/* The count and the latest run are the summary the schema keeps. */
	if (store_prepare(st, "SELECT b.id, c.name, b.name, b.kind, b.unit, b.direction,"
		    " b.n_results, " RESULT_COLUMNS " FROM benchmark b JOIN component c"
		    " ON c.id = b.component_id"
		    " LEFT JOIN result r ON r.benchmark_id = b.id AND r.run_id = b.latest_run_id"
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

/* Read a benchmark's id and "component/name" into the pfg_bench_name at elem. */
static void read_bench_name(sqlite3_stmt *stmt, void *elem)
{
	struct pfg_bench_name *r = elem;
	r->id = sqlite3_column_int64(stmt, 0);
	r->full = store_column_dup(stmt, 1);
}

/* store_free_fn for benchmark names. */
static void free_bench_names(void *names, size_t n)
{
	pfg_bench_names_free(names, n);
}

int pfg_store_benchmark_names(struct pfg_store *st, struct pfg_bench_name **out,
			      size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	*out = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT b.id, c.name || '/' || b.name FROM benchmark b JOIN"
			  " component c ON c.id = b.component_id ORDER BY c.name, b.name",
			  &stmt, err, errlen))
		return PFG_ERUNTIME;
	return store_collect(st, stmt, sizeof **out, read_bench_name, free_bench_names,
			     (void **)out, n, "read benchmarks", err, errlen);
}

void pfg_bench_names_free(struct pfg_bench_name *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i].full);
	free(names);
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
			  " CROSS JOIN run ON run.id = r.run_id WHERE r.benchmark_id = ?"
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

int store_collect_sample_values(struct pfg_store *st, sqlite3_stmt *stmt,
				double **values, size_t *n, const char *what,
				char *err, size_t errlen)
{
	size_t cap = 0;
	int rc = PFG_OK, step = SQLITE_DONE;
	*values = NULL;
	*n = 0;
	while (!rc && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct pfg_sample *s;
		size_t k;
		char why[160];
		if (sample_pack_decode(sqlite3_column_blob(stmt, 0),
				       (size_t)sqlite3_column_bytes(stmt, 0), &s, &k, why,
				       sizeof why)) {
			rc = pfg_error(err, errlen, PFG_ERUNTIME, "%s: %s: %s", st->path,
				       what, why);
			break;
		}
		if (*n + k > cap) {
			cap = (*n + k) * 2;
			*values = pfg_xrealloc(*values, cap * sizeof **values);
		}
		for (size_t i = 0; i < k; i++)
			(*values)[(*n)++] = s[i].value;
		free(s);
	}
	if (!rc && step != SQLITE_DONE)
		rc = store_error(st, err, errlen, what);
	store_release(st, stmt);
	if (rc) {
		free(*values);
		*values = NULL;
		*n = 0;
	}
	return rc;
}

int pfg_store_samples(struct pfg_store *st, int64_t run_id, int64_t bench_id,
		      double **values, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	*values = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT data FROM sample_pack WHERE run_id = ? AND"
			  " benchmark_id = ?", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, run_id);
	sqlite3_bind_int64(stmt, 2, bench_id);
	return store_collect_sample_values(st, stmt, values, n, "read samples", err,
					   errlen);
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
			  " CROSS JOIN run ON run.id = r.run_id WHERE r.benchmark_id = ?1"
			  " AND run.environment_id = ?2 AND r.ok = 1 AND r.n > 0"
			  " ORDER BY r.run_id DESC LIMIT ?3) ORDER BY 1", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, bench_id);
	sqlite3_bind_int64(stmt, 2, env_id);
	sqlite3_bind_int64(stmt, 3, limit ? (int64_t)limit : -1);
	return collect_results(st, stmt, rows, n, err, errlen);
}

/* Read a mean row (benchmark, run, mean) into the pfg_mean_row at elem. */
static void read_mean_row(sqlite3_stmt *stmt, void *elem)
{
	struct pfg_mean_row *r = elem;
	r->bench_id = sqlite3_column_int64(stmt, 0);
	r->run_id = sqlite3_column_int64(stmt, 1);
	r->mean = sqlite3_column_double(stmt, 2);
}

int pfg_store_series_means(struct pfg_store *st, int64_t bench_id, int64_t env_id,
			   size_t limit, struct pfg_mean_row **rows, size_t *n, char *err,
			   size_t errlen)
{
	sqlite3_stmt *stmt;
	*rows = NULL;
	*n = 0;
	/* Read backwards along result_by_benchmark, which covers the query:
	 * limit rows, not the whole history. */
	if (store_prepare(st, "SELECT * FROM (SELECT r.benchmark_id, r.run_id, r.mean"
			  " FROM result r CROSS JOIN run ON run.id = r.run_id"
			  " WHERE r.benchmark_id = ?1 AND run.environment_id = ?2 AND r.ok = 1"
			  " AND r.n > 0 ORDER BY r.run_id DESC LIMIT ?3) ORDER BY 2", &stmt,
			  err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, bench_id);
	sqlite3_bind_int64(stmt, 2, env_id);
	sqlite3_bind_int64(stmt, 3, limit ? (int64_t)limit : -1);
	return store_collect(st, stmt, sizeof **rows, read_mean_row, NULL, (void **)rows, n,
			     "read results", err, errlen);
}

/* Append the last limit numbers of the JSON array text (as SQLite's
 * json_group_array() writes numbers) to rows as bench's means. */
static void append_means(const char *text, int64_t bench, size_t limit,
			 struct pfg_mean_row **rows, size_t *n, size_t *cap)
{
	double v[STORE_RECENT_MEANS];
	size_t k = 0, commas = 0;
	const char *p = text ? strchr(text, '[') : NULL;
	/* Parse only the last limit numbers: skip to the comma before them. */
	for (const char *q = p; q && *q && *q != ']'; q++)
		commas += *q == ',';
	for (size_t skip = commas + 1 > limit ? commas + 1 - limit : 0; skip > 0 && p; skip--)
		p = strchr(p + 1, ',');
	while (p && *p && *p != ']' && k < STORE_RECENT_MEANS) {
		char *end;
		double x = strtod(p + 1, &end);
		if (end == p + 1)
			break;
		v[k++] = x;
		p = end + strspn(end, " ");
	}
	size_t from = k > limit ? k - limit : 0;
	for (size_t i = from; i < k; i++) {
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 256;
			*rows = pfg_xrealloc(*rows, *cap * sizeof **rows);
		}
		(*rows)[(*n)++] = (struct pfg_mean_row){ bench, 0, v[i] };
	}
}

/* pfg_store_recent_means() from the summary the schema keeps: a small row
 * per benchmark. */
static int recent_means_kept(struct pfg_store *st, int64_t env_id, size_t limit,
			     struct pfg_mean_row **rows, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	size_t cap = 0;
	if (store_prepare(st, "SELECT benchmark_id, means FROM recent_mean WHERE"
			  " environment_id = ? ORDER BY benchmark_id", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, env_id);
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		append_means((const char *)sqlite3_column_text(stmt, 1),
			     sqlite3_column_int64(stmt, 0), limit, rows, n, &cap);
	store_release(st, stmt);
	if (rc != SQLITE_DONE) {
		free(*rows);
		*rows = NULL;
		*n = 0;
		return store_error(st, err, errlen, "read recent means");
	}
	return PFG_OK;
}

int pfg_store_recent_means(struct pfg_store *st, int64_t env_id, size_t limit,
			   struct pfg_mean_row **rows, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	*rows = NULL;
	*n = 0;
	if (limit <= STORE_RECENT_MEANS)
		return recent_means_kept(st, env_id, limit, rows, n, err, errlen);
	/* One statement for every benchmark: a bounded walk back along
	 * result_by_benchmark (which covers it) finds the oldest run wanted,
	 * and a range from there reads the means. */
	if (store_prepare(st, "SELECT r.benchmark_id, r.run_id, r.mean FROM benchmark b"
			  " CROSS JOIN result r INDEXED BY result_by_benchmark CROSS JOIN run"
			  " ON run.id = r.run_id WHERE r.benchmark_id = b.id AND r.run_id >="
			  " coalesce((SELECT r2.run_id FROM result r2 INDEXED BY result_by_benchmark"
			  "  CROSS JOIN run ON run.id = r2.run_id WHERE r2.benchmark_id = b.id"
			  "  AND run.environment_id = ?1 AND r2.ok = 1 AND r2.n > 0"
			  "  ORDER BY r2.run_id DESC LIMIT 1 OFFSET ?2 - 1), 0)"
			  " AND run.environment_id = ?1 AND r.ok = 1 AND r.n > 0"
			  " ORDER BY b.id, r.run_id", &stmt, err, errlen))
		return PFG_ERUNTIME;
	sqlite3_bind_int64(stmt, 1, env_id);
	sqlite3_bind_int64(stmt, 2, (int64_t)limit);
	return store_collect(st, stmt, sizeof **rows, read_mean_row, NULL, (void **)rows, n,
			     "read results", err, errlen);
}

int pfg_store_latest_run(struct pfg_store *st, int any_status, int64_t *run_id,
			 char *err, size_t errlen)
{
	/* Walk back from the newest run: not a scan of every run. */
	if (store_select_int(st, "SELECT id FROM run WHERE status = 'complete'"
			     " OR (?1 AND status = 'failed') ORDER BY id DESC LIMIT 1",
			     any_status, run_id, err, errlen))
		return PFG_ERUNTIME;
	if (*run_id == 0)
		return pfg_error(err, errlen, PFG_ENOTFOUND, "%s holds no %s run yet",
				 st->path, any_status ? "finished" : "complete");
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
	store_release(st, stmt);
	if (rc == SQLITE_ROW)
		return PFG_OK;
	if (rc == SQLITE_DONE)
		return pfg_error(err, errlen, PFG_ENOTFOUND, "no run %lld in %s",
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
		return pfg_error(err, errlen, PFG_ENOTFOUND, "no benchmark '%s/%s' in %s",
				 component, name, st->path);
	return PFG_OK;
}

