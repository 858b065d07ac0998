/* cmd_prune.c: `perfguard prune`: remove old runs (retention), never one
 * that a baseline, an alert or a change point needs; and the summary
 * `perfguard run` prints when the config's retention removed runs. */
#include "perfguard/cli.h"
#include "perfguard/config.h"
#include "perfguard/engine.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { OPT_KEEP_DAYS = 0x2000, OPT_KEEP_RUNS, OPT_DRY_RUN, OPT_VACUUM, OPT_JSON };

/* The progress bar shows once removing has taken this long. */
#define PRUNE_PROGRESS_AFTER_NS 300000000LL

void pfg_cli_prune_progress(size_t done, size_t total, void *ctx)
{
	struct pfg_cli_prune_progress *p = ctx;
	if (!p->drawn && pfg_now_ns() - p->start_ns < PRUNE_PROGRESS_AFTER_NS)
		return;
	p->drawn = 1;
	pfg_cli_progress(done, total, "removing runs");
}

void pfg_cli_prune_progress_end(struct pfg_cli_prune_progress *p)
{
	if (p->drawn)
		pfg_cli_progress(1, 1, NULL);
	p->drawn = 0;
}

/* "s" unless n is 1. */
static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

void pfg_cli_prune_sentence(const struct pfg_prune_report *r, int dry_run, char *buf,
			    size_t len)
{
	char ids[256];
	pfg_prune_ranges(r->run_ids, r->n_runs, ids, sizeof ids);
	snprintf(buf, len, "%s %zu run%s (%s): %zu result%s, %zu sample%s, %zu sample "
		 "metric%s, %zu comparison%s", dry_run ? "would remove" : "removed", r->n_runs,
		 plural(r->n_runs), ids, r->n_results, plural(r->n_results), r->n_samples,
		 plural(r->n_samples), r->n_metrics, plural(r->n_metrics), r->n_comparisons,
		 plural(r->n_comparisons));
}

/* Print what the prune did (or would do) for people. */
static void print_report(const struct pfg_prune_report *r, int dry_run)
{
	char line[640];
	if (r->n_runs) {
		pfg_cli_prune_sentence(r, dry_run, line, sizeof line);
		puts(line);
	} else {
		printf("%s nothing: %s\n", dry_run ? "would remove" : "removed",
		       r->n_old ? "every older run is still needed" :
				  "no run is older than the rules keep");
	}
	if (r->n_kept) {
		printf("kept %zu older run%s still needed by", r->n_kept, plural(r->n_kept));
		const char *sep = " ";
		for (size_t i = 0; i < r->n_reasons; i++)
			if (r->kept[i].n) {
				printf("%s%s (%zu)", sep, r->kept[i].why, r->kept[i].n);
				sep = ", ";
			}
		putchar('\n');
	}
	if (r->n_notifications)
		printf("%zu notification%s %s their run (the record stays)\n",
		       r->n_notifications, plural(r->n_notifications),
		       dry_run ? "would forget" : "forgot");
	if (dry_run)
		puts("nothing was changed (--dry-run)");
}

/* The report as JSON for scripts (after < 0: no compaction). */
static void print_json(const struct pfg_prune_report *r, int dry_run, long long before,
		       long long after)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "dry_run", dry_run);
	cJSON_AddNumberToObject(o, "runs", (double)r->n_runs);
	cJSON *ids = cJSON_AddArrayToObject(o, "run_ids");
	for (size_t i = 0; i < r->n_runs; i++)
		cJSON_AddItemToArray(ids, cJSON_CreateNumber((double)r->run_ids[i]));
	cJSON_AddNumberToObject(o, "results", (double)r->n_results);
	cJSON_AddNumberToObject(o, "samples", (double)r->n_samples);
	cJSON_AddNumberToObject(o, "sample_metrics", (double)r->n_metrics);
	cJSON_AddNumberToObject(o, "comparisons", (double)r->n_comparisons);
	cJSON_AddNumberToObject(o, "noise_records", (double)r->n_noise);
	cJSON_AddNumberToObject(o, "notifications_unlinked", (double)r->n_notifications);
	cJSON_AddNumberToObject(o, "older_runs", (double)r->n_old);
	cJSON_AddNumberToObject(o, "kept_runs", (double)r->n_kept);
	cJSON *kept = cJSON_AddArrayToObject(o, "kept");
	for (size_t i = 0; i < r->n_reasons; i++) {
		if (!r->kept[i].n)
			continue;
		cJSON *k = cJSON_CreateObject();
		cJSON_AddStringToObject(k, "reason", r->kept[i].why);
		cJSON_AddNumberToObject(k, "runs", (double)r->kept[i].n);
		cJSON_AddItemToArray(kept, k);
	}
	if (after >= 0) {
		cJSON *v = cJSON_AddObjectToObject(o, "vacuum");
		cJSON_AddNumberToObject(v, "bytes_before", (double)before);
		cJSON_AddNumberToObject(v, "bytes_after", (double)after);
	}
	pfg_cli_print_json(o);
}

/* The bytes of the database at path with its write-ahead log. */
static long long db_bytes(const char *path)
{
	struct stat sb;
	long long n = stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
	char *wal = pfg_xasprintf("%s-wal", path);
	if (stat(wal, &sb) == 0)
		n += (long long)sb.st_size;
	free(wal);
	return n;
}

/* The rules from the options, else from the config's "retention". Returns
 * -1 to go on, else the exit code. */
static int resolve_rules(const struct pfg_cli *cli, struct pfg_prune_opts *o)
{
	if (o->keep_days || o->keep_runs)
		return -1;
	struct pfg_config *cfg;
	int rc = pfg_cli_load_config(cli, 1, &cfg);
	if (rc)
		return rc;
	if (cfg) {
		o->keep_days = cfg->retention.keep_days;
		o->keep_runs = cfg->retention.keep_runs;
	}
	pfg_config_free(cfg);
	if (o->keep_days || o->keep_runs)
		return -1;
	return pfg_cli_usage_error(cli, "expected --keep-days N, --keep-runs N or both (or "
				   "\"retention\" in %s): what to keep", cli->config_path);
}

/* `perfguard prune`: parse the options, prune, print; an exit code. */
static int cmd_prune(struct pfg_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "keep-days", required_argument, NULL, OPT_KEEP_DAYS },
		{ "keep-runs", required_argument, NULL, OPT_KEEP_RUNS },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "vacuum", no_argument, NULL, OPT_VACUUM },
		{ "json", no_argument, NULL, OPT_JSON },
		PFG_COMMON_LONGOPTS, { 0 } };
	struct pfg_cli_prune_progress prog = { 0 };
	struct pfg_prune_opts o = { .actor = pfg_engine_actor(),
				    .progress = pfg_cli_prune_progress, .ctx = &prog };
	int vacuum = 0, json = 0, opt, rc;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_KEEP_DAYS:
			if ((o.keep_days = pfg_cli_parse_range(cli, "--keep-days", optarg, 1,
							       PFG_KEEP_DAYS_MAX)) < 0)
				return PFG_EXIT_USAGE;
			break;
		case OPT_KEEP_RUNS:
			if ((o.keep_runs = pfg_cli_parse_range(cli, "--keep-runs", optarg, 1,
							       PFG_KEEP_RUNS_MAX)) < 0)
				return PFG_EXIT_USAGE;
			break;
		case OPT_DRY_RUN: o.dry_run = 1; break;
		case OPT_VACUUM: vacuum = 1; break;
		case OPT_JSON: json = 1; break;
		default:
			if ((rc = pfg_cli_common_option(cli, opt, optarg)) >= 0)
				return rc;
		}
	}
	if (optind < argc)
		return pfg_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if ((rc = resolve_rules(cli, &o)) >= 0)
		return rc;
	struct pfg_store *st;
	if ((rc = pfg_cli_open_store(cli, 1, &st)))
		return rc;
	char err[PFG_ERR_MAX];
	struct pfg_prune_report r;
	prog.start_ns = pfg_now_ns();
	int prc = pfg_store_prune(st, &o, &r, err, sizeof err);
	pfg_cli_prune_progress_end(&prog);
	if (prc) {
		pfg_store_close(st);
		return pfg_cli_fail(cli, pfg_cli_exit_of(prc), "%s%s", err, prc == PFG_ERUNTIME ?
				    "; nothing was removed" : "");
	}
	long long before = -1, after = -1;
	char *db = pfg_cli_db_path(cli);
	if (vacuum && !o.dry_run) {
		before = db_bytes(db);
		if (pfg_store_vacuum(st, err, sizeof err)) {
			rc = pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s (the runs were removed; "
					  "only the compaction failed)", err);
		} else {
			after = db_bytes(db);
		}
	}
	if (json)
		print_json(&r, o.dry_run, before, after);
	else
		print_report(&r, o.dry_run);
	if (!json && after >= 0)
		printf("compacted the database: %.1f MB -> %.1f MB\n", (double)before / 1e6,
		       (double)after / 1e6);
	if (!json && vacuum && o.dry_run)
		puts("--vacuum: not run in a dry run");
	free(db);
	pfg_prune_report_release(&r);
	pfg_store_close(st);
	return rc;
}

const struct pfg_command pfg_cmd_prune_entry = {
	.name = "prune",
	.summary = "remove old runs, keeping what baselines and alerts need",
	.usage =
		"Usage: perfguard prune [--keep-days N] [--keep-runs N] [--dry-run] [--vacuum]\n"
		"                       [--json]\n"
		"\n"
		"Remove old runs with their samples, sample metrics, results and\n"
		"comparisons, in one transaction (all of it or nothing). A run is removed\n"
		"only when every rule given leaves it out: it started N days ago or more\n"
		"(--keep-days) and it is not one of the newest N runs of the database\n"
		"(--keep-runs: counted by run id over every environment, trigger and\n"
		"status). Without either option, the config's \"retention\" applies.\n"
		"\n"
		"Never removed: a run any baseline was made from (proposed, approved, or\n"
		"superseded and rejected ones, whose record names it), a run an alert was\n"
		"raised or recovered in (open or closed), a run a stored change point\n"
		"starts, each benchmark's latest result in each environment, and runs\n"
		"still running. Each benchmark's summary (result count, latest run,\n"
		"recent means) is kept up to date. Prints what was removed: counts and\n"
		"run ids, and the older runs kept and why.\n"
		"\n"
		"  --keep-days N  keep the runs started less than N days ago (1..100000)\n"
		"  --keep-runs N  keep the newest N runs (1..1000000000)\n"
		"  --dry-run      print what would be removed; change nothing\n"
		"  --vacuum       compact the database file afterwards (VACUUM)\n"
		"  --json         print the counts and run ids as JSON\n"
		"  -c, --config FILE  the config (for \"retention\" and the database's place)\n"
		"  --db FILE      the database\n"
		"\n"
		"Exit status: 0 done (also when nothing was old enough), 2 bad usage or no\n"
		"database, 3 the database failed (then nothing was removed).\n",
	.run = cmd_prune,
};
