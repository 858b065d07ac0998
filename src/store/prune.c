/* prune.c: retention: removing old runs with everything that belongs to
 * them, in one transaction, never a run that another row refers to. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The page cache of a prune, KiB (SQLite's default is 2000). */
#define PRUNE_CACHE_KIB 65536

/* The SQL below keeps the latest 32 means, as the schema's triggers do. */
_Static_assert(STORE_RECENT_MEANS == 32, "prune.c's recent_mean SQL keeps 32 means");

/* A foreign key of another table to run(id), by what deleting a run does
 * to its rows: CASCADE (the run's own data: removed with it), SET NULL
 * (the row stays without its run), or anything else (the row needs the
 * run, which is then kept). */
enum ref_kind { REF_CASCADE, REF_SET_NULL, REF_KEEPS };

struct run_ref {
	char *table, *column;
	enum ref_kind kind;
};

/* Every reference to runs the schema declares. */
struct run_refs {
	struct run_ref *v;
	size_t n;
	size_t n_keeps;          /* of kind REF_KEEPS */
};

/* Release what refs holds. */
static void run_refs_release(struct run_refs *refs)
{
	for (size_t i = 0; i < refs->n; i++) {
		free(refs->v[i].table);
		free(refs->v[i].column);
	}
	free(refs->v);
	memset(refs, 0, sizeof *refs);
}

/* Read every single-column foreign key to run(id): sample_pack, result,
 * comparison, run_noise (cascade), notification (set null), baseline_run,
 * alert (twice), change_point (keep), and whatever a later schema adds. */
static int read_run_refs(struct pfg_store *st, struct run_refs *refs, char *err,
			 size_t errlen)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT m.name, f.\"from\", upper(f.on_delete) FROM sqlite_schema m"
			       " JOIN pragma_foreign_key_list(m.name) f"
			       " WHERE m.type = 'table' AND lower(f.\"table\") = 'run'"
			       " ORDER BY m.name, f.id, f.seq", -1, &stmt, NULL) != SQLITE_OK)
		return store_error(st, err, errlen, "read the references to runs");
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *action = (const char *)sqlite3_column_text(stmt, 2);
		enum ref_kind kind = !action ? REF_KEEPS : strcmp(action, "CASCADE") == 0 ?
			REF_CASCADE : strcmp(action, "SET NULL") == 0 ? REF_SET_NULL : REF_KEEPS;
		if (kind == REF_KEEPS && refs->n_keeps == PFG_PRUNE_KEPT_MAX - 2)
			continue; /* room for "running" and "the latest result" */
		refs->v = pfg_xrealloc(refs->v, (refs->n + 1) * sizeof *refs->v);
		refs->v[refs->n].table = pfg_xstrdup((const char *)sqlite3_column_text(stmt, 0));
		refs->v[refs->n].column = pfg_xstrdup((const char *)sqlite3_column_text(stmt, 1));
		refs->v[refs->n].kind = kind;
		refs->n_keeps += kind == REF_KEEPS;
		refs->n++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		run_refs_release(refs);
		return store_error(st, err, errlen, "read the references to runs");
	}
	return PFG_OK;
}

/* The reason a reference keeps a run, for people. */
static void ref_reason(const struct run_ref *ref, char *buf, size_t len)
{
	static const struct { const char *table, *column, *why; } known[] = {
		{ "baseline_run", "run_id", "a baseline" },
		{ "alert", "run_id", "an alert" },
		{ "alert", "recovered_run_id", "an alert's recovery" },
		{ "change_point", "run_id", "a change point" },
	};
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (strcmp(ref->table, known[i].table) == 0 &&
		    strcmp(ref->column, known[i].column) == 0) {
			snprintf(buf, len, "%s", known[i].why);
			return;
		}
	snprintf(buf, len, "%s.%s", ref->table, ref->column);
}

/* The query of the runs the rules leave out, ascending, each with a flag
 * per reason to keep it: running, the latest result of a benchmark in an
 * environment, then one per reference. ?1: the age cut (NULL: none), ?2:
 * how many newest runs to keep (NULL: no count rule). Free with
 * sqlite3_free(). */
static char *old_runs_sql(const struct run_refs *refs)
{
	char *sql = sqlite3_mprintf(
		"WITH latest(id) AS (SELECT (SELECT res.run_id FROM result res"
		"  CROSS JOIN run ru ON ru.id = res.run_id WHERE res.benchmark_id = b.id"
		"  AND ru.environment_id = e.id ORDER BY res.run_id DESC LIMIT 1)"
		"  FROM benchmark b, environment e)"
		" SELECT r.id, r.status = 'running',"
		" r.id IN (SELECT id FROM latest WHERE id IS NOT NULL)");
	for (size_t i = 0; sql && i < refs->n; i++) {
		if (refs->v[i].kind != REF_KEEPS)
			continue;
		char *more = sqlite3_mprintf("%s, r.id IN (SELECT \"%w\" FROM \"%w\""
					     " WHERE \"%w\" IS NOT NULL)", sql,
					     refs->v[i].column, refs->v[i].table,
					     refs->v[i].column);
		sqlite3_free(sql);
		sql = more;
	}
	char *full = sql ? sqlite3_mprintf(
		"%s FROM run r WHERE (?1 IS NULL OR r.started_at < ?1)"
		" AND (?2 IS NULL OR r.id NOT IN (SELECT id FROM run ORDER BY id DESC LIMIT ?2))"
		" ORDER BY r.id", sql) : NULL;
	sqlite3_free(sql);
	if (!full) {
		fputs("perfguard: out of memory building a query\n", stderr);
		abort();
	}
	return full;
}

/* Find the runs to remove into r->run_ids, counting the old runs kept and
 * why into r. */
static int find_runs(struct pfg_store *st, const struct pfg_prune_opts *o,
		     const struct run_refs *refs, struct pfg_prune_report *r, char *err,
		     size_t errlen)
{
	char *sql = old_runs_sql(refs);
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK)
		return store_error(st, err, errlen, "find old runs");
	if (o->keep_days > 0) {
		double now = o->now > 0 ? o->now : pfg_wall_time();
		sqlite3_bind_double(stmt, 1, now - 86400.0 * (double)o->keep_days);
	}
	if (o->keep_runs > 0)
		sqlite3_bind_int64(stmt, 2, o->keep_runs);
	int ncols = 3 + (int)refs->n_keeps;
	snprintf(r->kept[0].why, sizeof r->kept[0].why, "running");
	snprintf(r->kept[1].why, sizeof r->kept[1].why, "the latest result");
	for (size_t i = 0, k = 2; i < refs->n; i++) {
		if (refs->v[i].kind != REF_KEEPS)
			continue;
		ref_reason(&refs->v[i], r->kept[k].why, sizeof r->kept[k].why);
		k++;
	}
	r->n_reasons = (size_t)ncols - 1;
	size_t cap = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		r->n_old++;
		int keep = 0;
		for (int c = 1; c < ncols; c++)
			if (sqlite3_column_int(stmt, c)) {
				r->kept[c - 1].n++;
				keep = 1;
			}
		if (keep) {
			r->n_kept++;
			continue;
		}
		if (r->n_runs == cap) {
			cap = cap ? cap * 2 : 64;
			r->run_ids = pfg_xrealloc(r->run_ids, cap * sizeof *r->run_ids);
		}
		r->run_ids[r->n_runs++] = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? PFG_OK : store_error(st, err, errlen, "find old runs");
}

/* Step stmt (bound to a run) to its end; *count gets the rows it changed,
 * or for a query its single count. Resets it for the next run. */
static int step_count(struct pfg_store *st, sqlite3_stmt *stmt, int query, size_t *count,
		      char *err, size_t errlen, const char *what)
{
	int rc = sqlite3_step(stmt);
	if (query && rc == SQLITE_ROW) {
		*count += (size_t)sqlite3_column_int64(stmt, 0);
		rc = sqlite3_step(stmt);
	} else if (!query && rc == SQLITE_DONE) {
		*count += (size_t)sqlite3_changes64(st->db);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? PFG_OK : store_error(st, err, errlen, what);
}

/* One statement run for each run removed: what it removes (or counts, in
 * a dry run) and where its count goes (NULL: nowhere). */
struct run_op {
	sqlite3_stmt *stmt;
	size_t *count;
	int query;               /* a count(*) of a dry run */
	int results;             /* the results: RETURNING benchmark_id */
};

/* The count of r that rows of table go to, or NULL. */
static size_t *count_of(struct pfg_prune_report *r, const char *table)
{
	static const char *const names[] = { "result", "comparison", "run_noise",
					     "notification" };
	size_t *counts[] = { &r->n_results, &r->n_comparisons, &r->n_noise,
			     &r->n_notifications };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(table, names[i]) == 0)
			return counts[i];
	return NULL;
}

/* Prepare sql (freed) as ops[*n]. */
static int add_op(struct pfg_store *st, struct run_op *ops, size_t *n, char *sql,
		  size_t *count, int query, int results, char *err, size_t errlen)
{
	if (!sql) {
		fputs("perfguard: out of memory building a query\n", stderr);
		abort();
	}
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &ops[*n].stmt, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK)
		return store_error(st, err, errlen, "prepare the removal of runs");
	ops[*n].count = count;
	ops[*n].query = query;
	ops[*n].results = results && !query;
	(*n)++;
	return PFG_OK;
}

/* The statements removing (counting) what a run ?1 holds, in order: the
 * metrics of its samples (their table refers to sample, not run), the rows
 * of every table whose reference cascades, references set to NULL, then
 * the run itself. ops holds refs->n + 3. */
static int prepare_ops(struct pfg_store *st, const struct run_refs *refs, int dry,
		       struct pfg_prune_report *r, struct run_op *ops, size_t *n, char *err,
		       size_t errlen)
{
	int rc = add_op(st, ops, n, sqlite3_mprintf(dry ? "SELECT count(*) FROM sample_metric"
						   " WHERE run_id = ?1" : "DELETE FROM"
						   " sample_metric WHERE run_id = ?1"),
			&r->n_metrics, dry, 0, err, errlen);
	/* Samples are packed, n to a row of sample_pack: counted, then removed
	 * with the other cascading rows. */
	if (rc == PFG_OK)
		rc = add_op(st, ops, n, sqlite3_mprintf("SELECT coalesce(sum(n), 0) FROM sample_pack"
							" WHERE run_id = ?1"),
			    &r->n_samples, 1, 0, err, errlen);
	for (size_t i = 0; i < refs->n && rc == PFG_OK; i++) {
		const struct run_ref *f = &refs->v[i];
		if (f->kind == REF_KEEPS || (dry && strcmp(f->table, "sample_pack") == 0))
			continue;
		int results = strcmp(f->table, "result") == 0;
		char *sql = dry ? sqlite3_mprintf("SELECT count(*) FROM \"%w\" WHERE \"%w\" = ?1",
						  f->table, f->column)
			: f->kind == REF_SET_NULL ? sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = NULL"
								    " WHERE \"%w\" = ?1", f->table,
								    f->column, f->column)
			: sqlite3_mprintf("DELETE FROM \"%w\" WHERE \"%w\" = ?1%s", f->table,
					  f->column, results ? " RETURNING benchmark_id" : "");
		rc = add_op(st, ops, n, sql, count_of(r, f->table), dry, results, err, errlen);
	}
	if (rc == PFG_OK && !dry)
		rc = add_op(st, ops, n, sqlite3_mprintf("DELETE FROM run WHERE id = ?1"), NULL,
			    0, 0, err, errlen);
	return rc;
}

/* Run op for one run; the benchmarks of removed results are appended to
 * benches (one per result). */
static int run_op_step(struct pfg_store *st, struct run_op *op, int64_t **benches,
		       size_t *n_benches, size_t *cap, char *err, size_t errlen)
{
	int rc;
	size_t n = 0;
	while ((rc = sqlite3_step(op->stmt)) == SQLITE_ROW) {
		if (op->query) {
			n += (size_t)sqlite3_column_int64(op->stmt, 0);
			continue;
		}
		if (*n_benches == *cap) {
			*cap = *cap ? *cap * 2 : 1024;
			*benches = pfg_xrealloc(*benches, *cap * sizeof **benches);
		}
		(*benches)[(*n_benches)++] = sqlite3_column_int64(op->stmt, 0);
		n++;
	}
	if (rc == SQLITE_DONE && !op->query && !op->results)
		n = (size_t)sqlite3_changes64(st->db);
	sqlite3_reset(op->stmt);
	if (rc != SQLITE_DONE)
		return store_error(st, err, errlen, "remove a run");
	if (op->count)
		*op->count += n;
	return PFG_OK;
}

/* A benchmark whose results were removed, and how many. */
struct bench_loss {
	int64_t id;
	size_t n;
};

/* Order benchmark ids ascending (qsort). */
static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Remove (or count) every run of r->run_ids; *benches gets the ids of the
 * benchmarks whose results went, one per result removed. */
static int remove_runs(struct pfg_store *st, const struct pfg_prune_opts *o,
		       const struct run_refs *refs, struct pfg_prune_report *r,
		       int64_t **benches, size_t *n_benches, char *err, size_t errlen)
{
	struct run_op *ops = pfg_xcalloc(refs->n + 3, sizeof *ops);
	size_t n_ops = 0, cap = 0;
	int rc = prepare_ops(st, refs, o->dry_run, r, ops, &n_ops, err, errlen);
	for (size_t i = 0; i < r->n_runs && rc == PFG_OK; i++) {
		for (size_t k = 0; k < n_ops && rc == PFG_OK; k++) {
			sqlite3_bind_int64(ops[k].stmt, 1, r->run_ids[i]);
			rc = run_op_step(st, &ops[k], benches, n_benches, &cap, err, errlen);
		}
		if (rc == PFG_OK && o->progress)
			o->progress(i + 1, r->n_runs, o->ctx);
	}
	for (size_t k = 0; k < n_ops; k++)
		sqlite3_finalize(ops[k].stmt);
	free(ops);
	return rc;
}

/* Check that no row that needs a run refers to one removed: a guard
 * against a reference the choice of runs missed. */
static int check_refs(struct pfg_store *st, const struct run_refs *refs, char *err,
		      size_t errlen)
{
	for (size_t i = 0; i < refs->n; i++) {
		if (refs->v[i].kind != REF_KEEPS)
			continue;
		char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\" WHERE \"%w\" IS NOT NULL"
					    " AND \"%w\" NOT IN (SELECT id FROM run)",
					    refs->v[i].table, refs->v[i].column, refs->v[i].column);
		sqlite3_stmt *stmt;
		int rc = sql ? sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) : SQLITE_NOMEM;
		sqlite3_free(sql);
		if (rc != SQLITE_OK)
			return store_error(st, err, errlen, "check the references to runs");
		rc = sqlite3_step(stmt);
		int64_t dangling = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
		sqlite3_finalize(stmt);
		if (rc != SQLITE_ROW)
			return store_error(st, err, errlen, "check the references to runs");
		if (dangling)
			return pfg_error(err, errlen, PFG_ERUNTIME, "%s: %lld rows of %s.%s would "
					 "refer to removed runs", st->path, (long long)dangling,
					 refs->v[i].table, refs->v[i].column);
	}
	return PFG_OK;
}

/* Bring the summary of each benchmark in benches[0..n) (one entry per
 * result removed) up to date as the trigger result_removed would have:
 * its result count, latest run and recent means in every environment. */
static int update_summaries(struct pfg_store *st, int64_t *benches, size_t n, char *err,
			    size_t errlen)
{
	sqlite3_stmt *count, *means;
	if (sqlite3_prepare_v2(st->db, "UPDATE benchmark SET n_results = n_results - ?2,"
			       " latest_run_id = (SELECT max(run_id) FROM result"
			       " WHERE benchmark_id = ?1) WHERE id = ?1", -1, &count,
			       NULL) != SQLITE_OK)
		return store_error(st, err, errlen, "update the benchmarks' summaries");
	if (sqlite3_prepare_v2(st->db, "UPDATE recent_mean SET means ="
			       " (SELECT json_group_array(mean) FROM (SELECT * FROM"
			       " (SELECT r.mean, r.run_id FROM result r CROSS JOIN run"
			       " ON run.id = r.run_id WHERE r.benchmark_id = ?1"
			       " AND run.environment_id = recent_mean.environment_id"
			       " AND r.ok = 1 AND r.n > 0 ORDER BY r.run_id DESC LIMIT 32)"
			       " ORDER BY run_id)) WHERE benchmark_id = ?1", -1, &means,
			       NULL) != SQLITE_OK) {
		sqlite3_finalize(count);
		return store_error(st, err, errlen, "update the benchmarks' recent means");
	}
	qsort(benches, n, sizeof *benches, cmp_id);
	int rc = PFG_OK;
	size_t ignored = 0;
	for (size_t i = 0; i < n && rc == PFG_OK;) {
		struct bench_loss loss = { benches[i], 0 };
		while (i < n && benches[i] == loss.id)
			i++, loss.n++;
		sqlite3_bind_int64(count, 1, loss.id);
		sqlite3_bind_int64(count, 2, (sqlite3_int64)loss.n);
		sqlite3_bind_int64(means, 1, loss.id);
		rc = step_count(st, count, 0, &ignored, err, errlen, "update a benchmark's summary");
		if (rc == PFG_OK)
			rc = step_count(st, means, 0, &ignored, err, errlen,
					"update a benchmark's recent means");
	}
	sqlite3_finalize(count);
	sqlite3_finalize(means);
	return rc;
}

/* Note the removal in the audit log. */
static int audit_prune(struct pfg_store *st, const struct pfg_prune_opts *o,
		       const struct pfg_prune_report *r, char *err, size_t errlen)
{
	char ids[512], rules[96] = "";
	pfg_prune_ranges(r->run_ids, r->n_runs, ids, sizeof ids);
	if (o->keep_days > 0)
		snprintf(rules, sizeof rules, "keep_days %ld", o->keep_days);
	if (o->keep_runs > 0)
		snprintf(rules + strlen(rules), sizeof rules - strlen(rules), "%skeep_runs %ld",
			 *rules ? ", " : "", o->keep_runs);
	char *detail = pfg_xasprintf("%zu run%s (%s), %zu results, %zu samples; %s",
				     r->n_runs, r->n_runs == 1 ? "" : "s", ids, r->n_results,
				     r->n_samples, rules);
	int rc = store_audit(st, o->actor ? o->actor : "perfguard", "run",
			     r->run_ids[r->n_runs - 1], "pruned", detail, err, errlen);
	free(detail);
	return rc;
}

/* Find and remove, inside the caller's transaction, with the schema's
 * triggers off while rows go (each would recompute a summary per result),
 * the summaries brought up to date once after, and the references checked
 * before the caller commits. */
static int prune_in_transaction(struct pfg_store *st, const struct pfg_prune_opts *o,
				struct pfg_prune_report *r, char *err, size_t errlen)
{
	struct run_refs refs = { 0 };
	int rc = read_run_refs(st, &refs, err, errlen);
	if (rc == PFG_OK)
		rc = find_runs(st, o, &refs, r, err, errlen);
	if (rc != PFG_OK || r->n_runs == 0) {
		run_refs_release(&refs);
		return rc;
	}
	int64_t *benches = NULL;
	size_t n_benches = 0;
	int was_on = 1;
	if (!o->dry_run &&
	    (sqlite3_db_config(st->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, -1, &was_on) != SQLITE_OK ||
	     sqlite3_db_config(st->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL) != SQLITE_OK))
		rc = store_error(st, err, errlen, "turn triggers off");
	if (rc == PFG_OK)
		rc = remove_runs(st, o, &refs, r, &benches, &n_benches, err, errlen);
	if (!o->dry_run)
		sqlite3_db_config(st->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, was_on, NULL);
	if (rc == PFG_OK && !o->dry_run)
		rc = update_summaries(st, benches, n_benches, err, errlen);
	free(benches);
	if (rc == PFG_OK && !o->dry_run)
		rc = check_refs(st, &refs, err, errlen);
	run_refs_release(&refs);
	if (rc == PFG_OK && !o->dry_run)
		rc = audit_prune(st, o, r, err, errlen);
	return rc;
}

/* The value of a pragma that reads one integer, or fallback. */
static int64_t pragma_int(struct pfg_store *st, const char *pragma, int64_t fallback)
{
	sqlite3_stmt *stmt;
	int64_t v = fallback;
	if (sqlite3_prepare_v2(st->db, pragma, -1, &stmt, NULL) == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			v = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	}
	return v;
}

int pfg_store_prune(struct pfg_store *st, const struct pfg_prune_opts *o,
		    struct pfg_prune_report *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	if (o->keep_days < 0 || o->keep_runs < 0 || (o->keep_days == 0 && o->keep_runs == 0))
		return pfg_error(err, errlen, PFG_EINPUT, "retention needs keep_days or "
				 "keep_runs, each at least 1");
	/* Foreign keys off while removing (outside a transaction, where the
	 * pragma works): SQLite would check each sample for metrics one row at
	 * a time, ten times slower; every reference is handled and checked
	 * here instead. A dry run reads one snapshot; a prune holds the write
	 * lock from the choice of runs to the commit. */
	int fk = pragma_int(st, "PRAGMA foreign_keys", 1) != 0;
	if (!o->dry_run && fk && store_exec(st, "PRAGMA foreign_keys = OFF", err, errlen))
		return PFG_ERUNTIME;
	/* Results and comparisons go run by run while their indexes are by
	 * benchmark: each run touches every page of those indexes, so they
	 * are held in memory while removing (2.7 times faster on 2,000 x 500,
	 * bench/prune); the connection's own size is back afterwards. */
	int64_t cache = pragma_int(st, "PRAGMA cache_size", -2000);
	if (!o->dry_run) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d", PRUNE_CACHE_KIB);
		store_exec(st, pragma, NULL, 0);
	}
	int rc = store_exec(st, o->dry_run ? "BEGIN" : "BEGIN IMMEDIATE", err, errlen);
	if (rc == PFG_OK) {
		rc = prune_in_transaction(st, o, r, err, errlen);
		if (o->dry_run)
			store_exec(st, "ROLLBACK", NULL, 0);
		else
			rc = store_finish(st, rc, err, errlen);
	}
	if (!o->dry_run && fk)
		store_exec(st, "PRAGMA foreign_keys = ON", NULL, 0);
	if (!o->dry_run) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %lld", (long long)cache);
		store_exec(st, pragma, NULL, 0);
	}
	if (rc != PFG_OK)
		pfg_prune_report_release(r);
	return rc;
}

void pfg_prune_report_release(struct pfg_prune_report *r)
{
	free(r->run_ids);
	memset(r, 0, sizeof *r);
}

void pfg_prune_ranges(const int64_t *ids, size_t n, char *buf, size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && ids[j + 1] == ids[j] + 1)
			j++;
		char piece[64];
		if (j == i)
			snprintf(piece, sizeof piece, "%s%lld", i ? ", " : "", (long long)ids[i]);
		else
			snprintf(piece, sizeof piece, "%s%lld-%lld", i ? ", " : "",
				 (long long)ids[i], (long long)ids[j]);
		size_t k = strlen(piece);
		/* Room for this piece and, should more follow, ", ...". */
		if (at + k + (j + 1 < n ? 5 : 0) >= len) {
			snprintf(buf + at, len - at, "%s", at ? ", ..." : "...");
			return;
		}
		memcpy(buf + at, piece, k + 1);
		at += k;
		i = j + 1;
	}
}

int pfg_store_vacuum(struct pfg_store *st, char *err, size_t errlen)
{
	if (store_exec(st, "VACUUM", err, errlen))
		return PFG_ERUNTIME;
	return store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)", err, errlen);
}
