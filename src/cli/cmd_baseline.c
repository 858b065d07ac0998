/* cmd_baseline.c: `perfguard baseline list|show|propose|approve|reject`. */
#include "perfguard/cli.h"
#include "perfguard/engine.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* What the CLI adds to the store's "no baseline ID". */
#define NO_BASELINE_HINT " (see 'perfguard baseline list')"

/* A baseline as JSON. */
static cJSON *baseline_json(const struct pfg_baseline *b)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)b->id);
	cJSON_AddStringToObject(o, "benchmark", b->bench);
	cJSON_AddStringToObject(o, "state", pfg_baseline_state_name(b->state));
	cJSON_AddStringToObject(o, "reason", b->reason ? b->reason : "");
	cJSON *runs = cJSON_AddArrayToObject(o, "runs");
	for (size_t i = 0; i < b->n_runs; i++)
		cJSON_AddItemToArray(runs, cJSON_CreateNumber((double)b->runs[i]));
	cJSON_AddNumberToObject(o, "environment_id", (double)b->env_id);
	cJSON_AddNumberToObject(o, "created_at", b->created_at);
	cJSON_AddStringToObject(o, "created_by", b->created_by ? b->created_by : "");
	if (b->decided_by) {
		cJSON_AddNumberToObject(o, "decided_at", b->decided_at);
		cJSON_AddStringToObject(o, "decided_by", b->decided_by);
	}
	if (b->note)
		cJSON_AddStringToObject(o, "note", b->note);
	cJSON_AddNumberToObject(o, "n", (double)b->stats.n);
	cJSON_AddNumberToObject(o, "mean", b->stats.mean);
	cJSON_AddNumberToObject(o, "median", b->stats.median);
	cJSON_AddNumberToObject(o, "stddev", b->stats.stddev);
	return o;
}

/* `baseline list`. */
static int list(struct pfg_cli *cli, struct pfg_store *st, const struct pfg_triage_args *a)
{
	enum pfg_baseline_state state;
	if (a->state && pfg_baseline_state_parse(a->state, &state))
		return pfg_cli_usage_error(cli, "--state: expected proposed, approved, "
					   "rejected or superseded, got '%s'", a->state);
	struct pfg_baseline_filter f = { .states = a->state ? 1u << state : 0 };
	struct pfg_baseline *b;
	size_t n;
	char err[PFG_ERR_MAX];
	if (pfg_store_baselines(st, &f, &b, &n, err, sizeof err))
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
	if (a->json) {
		cJSON *arr = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(arr, baseline_json(&b[i]));
		pfg_cli_print_json(arr);
	} else {
		/* Means with their units; fit pfg_cli_width(): the reason is
		 * cut, then dropped with the creation time, then the names are
		 * elided in the middle. */
		struct pfg_bench_row *rows = NULL;
		size_t nr = 0;
		if (pfg_store_benchmarks(st, &rows, &nr, err, sizeof err))
			nr = 0;
		int width = pfg_cli_width(), name_w = 9, created = 1;
		char bench[256], name[256];
		for (size_t i = 0; i < n; i++) {
			int l = (int)strlen(pfg_cli_safe(b[i].bench, bench, sizeof bench));
			name_w = l > name_w ? l : name_w;
		}
		/* id, name, state, n, mean: 5+2+name+1+10+1+5+1+12; created 21. */
		int need = 37 + name_w + 21;
		if (width && need + 8 > width)
			created = 0, need -= 21;
		if (width && need > width)
			name_w = width - (need - name_w) < 12 ? 12 : width - (need - name_w);
		printf("%5s  %-*s %-10s %5s %12s", "id", name_w, "benchmark", "state", "n", "mean");
		if (created)
			printf("  %-19s  %s", "created", "reason");
		putchar('\n');
		for (size_t i = 0; i < n; i++) {
			char when[32], mean[64], unit[64] = "", reason[512];
			for (size_t k = 0; k < nr; k++)
				if (rows[k].id == b[i].bench_id)
					pfg_cli_safe(rows[k].unit, unit, sizeof unit);
			pfg_format_time(b[i].created_at, when, sizeof when);
			pfg_format_value(b[i].stats.mean, unit, mean, sizeof mean);
			pfg_cli_elide(pfg_cli_safe(b[i].bench, bench, sizeof bench), name_w, name,
				      sizeof name);
			printf("%5lld  %-*s %-10s %5zu %12s", (long long)b[i].id, name_w, name,
			       pfg_baseline_state_name(b[i].state), b[i].stats.n, mean);
			if (created) {
				int room = width ? width - need : (int)sizeof reason;
				room = room < 4 ? 4 : room + 1 > (int)sizeof reason ? (int)sizeof reason - 1 : room;
				pfg_cli_safe(b[i].reason, reason, (size_t)room + 1);
				printf("  %-19s  %s", when, reason);
			}
			putchar('\n');
		}
		pfg_bench_rows_free(rows, nr);
	}
	pfg_baselines_free(b, n);
	return PFG_EXIT_OK;
}

/* `baseline show ID`. */
static int show(struct pfg_cli *cli, struct pfg_store *st, const struct pfg_triage_args *a)
{
	if (a->n_rest != 1)
		return pfg_cli_usage_error(cli, "baseline show takes one baseline id");
	long long id = pfg_cli_parse_id(cli, "a baseline", a->rest[0]);
	if (id < 0)
		return PFG_EXIT_USAGE;
	struct pfg_baseline b;
	char err[PFG_ERR_MAX];
	int rc = pfg_store_baseline_get(st, id, &b, err, sizeof err);
	if (rc)
		return pfg_cli_fail(cli, pfg_cli_exit_of(rc), "%s%s", err,
				    rc == PFG_ENOTFOUND ? NO_BASELINE_HINT : "");
	if (a->json) {
		pfg_cli_print_json(baseline_json(&b));
	} else {
		char when[32], text[256];
		pfg_format_time(b.created_at, when, sizeof when);
		printf("baseline %lld of %s: %s\n", (long long)b.id,
		       pfg_cli_safe(b.bench, text, sizeof text),
		       pfg_baseline_state_name(b.state));
		printf("  proposed %s by %s: ", when, pfg_cli_safe(b.created_by, text, sizeof text));
		pfg_cli_print_safe(stdout, b.reason, 0);
		putchar('\n');
		if (b.decided_by) {
			pfg_format_time(b.decided_at, when, sizeof when);
			printf("  %s %s by %s\n", pfg_baseline_state_name(b.state), when,
			       pfg_cli_safe(b.decided_by, text, sizeof text));
		}
		if (b.note) {
			fputs("  note: ", stdout);
			pfg_cli_print_safe(stdout, b.note, 0);
			putchar('\n');
		}
		printf("  source run%s:", b.n_runs == 1 ? "" : "s");
		for (size_t i = 0; i < b.n_runs; i++)
			printf(" %lld", (long long)b.runs[i]);
		char unit[64] = "", v[3][64];
		struct pfg_bench_row *rows = NULL;
		size_t nr = 0;
		if (pfg_store_benchmarks(st, &rows, &nr, err, sizeof err) == 0)
			for (size_t k = 0; k < nr; k++)
				if (rows[k].id == b.bench_id)
					pfg_cli_safe(rows[k].unit, unit, sizeof unit);
		pfg_bench_rows_free(rows, nr);
		pfg_format_value(b.stats.mean, unit, v[0], sizeof v[0]);
		pfg_format_value(b.stats.median, unit, v[1], sizeof v[1]);
		pfg_format_value(b.stats.stddev, unit, v[2], sizeof v[2]);
		printf("\n  n %zu, mean %s, median %s, stddev %s\n", b.stats.n, v[0], v[1], v[2]);
	}
	pfg_baseline_release(&b);
	return PFG_EXIT_OK;
}

/* `baseline propose BENCH... | --all [--run ID|FROM..TO]`. */
static int propose(struct pfg_cli *cli, struct pfg_store *st, const struct pfg_triage_args *a)
{
	if (!a->all && a->n_rest == 0)
		return pfg_cli_usage_error(cli, "baseline propose needs benchmarks "
					   "(component/name) or --all");
	if (a->all && a->n_rest)
		return pfg_cli_usage_error(cli, "give benchmarks or --all, not both");
	struct pfg_strv names = { 0 };
	char err[PFG_ERR_MAX];
	if (a->all) {
		struct pfg_bench_row *rows;
		size_t n;
		if (pfg_store_benchmarks(st, &rows, &n, err, sizeof err))
			return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
		for (size_t i = 0; i < n; i++)
			pfg_strv_pushf(&names, "%s/%s", rows[i].component, rows[i].name);
		pfg_bench_rows_free(rows, n);
	} else {
		for (int i = 0; i < a->n_rest; i++)
			pfg_strv_push(&names, a->rest[i]);
	}
	int code = PFG_EXIT_OK;
	for (size_t i = 0; i < names.n; i++) {
		int64_t id;
		int rc = pfg_engine_propose_baseline_runs(st, names.v[i], a->run, a->run_to,
							  a->note ? a->note :
							  "proposed by hand",
							  a->by, 0, &id, err, sizeof err);
		if (rc) {
			pfg_cli_fail(cli, pfg_cli_exit_of(rc), "%s%s", err,
				     rc == PFG_ENOTFOUND ? ": run it first, or see "
				     "'perfguard list'" : "");
			if (code != PFG_EXIT_RUNTIME)
				code = pfg_cli_exit_of(rc);
			continue;
		}
		char bench[256];
		printf("proposed baseline %lld of %s: approve it with 'perfguard baseline "
		       "approve %lld'\n", (long long)id,
		       pfg_cli_safe(names.v[i], bench, sizeof bench), (long long)id);
	}
	pfg_strv_release(&names);
	return code;
}

/* `baseline approve|reject ID...`. */
static int decide(struct pfg_cli *cli, struct pfg_store *st, const struct pfg_triage_args *a,
		  enum pfg_baseline_state to)
{
	if (a->n_rest == 0)
		return pfg_cli_usage_error(cli, "which baseline? give its id (see "
					   "'perfguard baseline list --state proposed')");
	int64_t *ids = pfg_xcalloc((size_t)a->n_rest, sizeof *ids);
	for (int i = 0; i < a->n_rest; i++) {
		long long id = pfg_cli_parse_id(cli, "a baseline", a->rest[i]);
		if (id < 0) {
			free(ids);
			return PFG_EXIT_USAGE;
		}
		ids[i] = id;
	}
	char err[PFG_ERR_MAX];
	int rc = pfg_store_baselines_decide(st, ids, (size_t)a->n_rest, to, a->by, a->note,
					    err, sizeof err);
	if (rc == PFG_OK)
		for (int i = 0; i < a->n_rest; i++)
			printf("baseline %lld %s\n", (long long)ids[i],
			       pfg_baseline_state_name(to));
	free(ids);
	if (rc)
		return pfg_cli_fail(cli, pfg_cli_exit_of(rc), "%s%s%s", err,
				    rc == PFG_ENOTFOUND ? NO_BASELINE_HINT : "",
				    a->n_rest > 1 ? "; none of the baselines given was "
				    "changed" : "");
	return PFG_EXIT_OK;
}

/* `perfguard baseline`: parse the options and run; returns an exit code. */
static int cmd_baseline(struct pfg_cli *cli, int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && strcmp(argv[1], "--help") == 0)
			return pfg_cli_common_option(cli, PFG_OPT_HELP, NULL);
		return pfg_cli_usage_error(cli, "expected list, show, propose, approve or "
					   "reject");
	}
	static const struct {
		const char *name;
		unsigned opts;
	} subs[] = {
		{ "list", PFG_TRIAGE_JSON | PFG_TRIAGE_STATE },
		{ "show", PFG_TRIAGE_JSON },
		{ "propose", PFG_TRIAGE_ALL | PFG_TRIAGE_RUN | PFG_TRIAGE_NOTE | PFG_TRIAGE_BY },
		{ "approve", PFG_TRIAGE_NOTE | PFG_TRIAGE_BY },
		{ "reject", PFG_TRIAGE_NOTE | PFG_TRIAGE_BY },
	};
	const char *sub = argv[1];
	int k = -1;
	for (int i = 0; i < 5; i++)
		if (strcmp(subs[i].name, sub) == 0)
			k = i;
	if (k < 0)
		return pfg_cli_usage_error(cli, "no subcommand '%s': expected list, show, "
					   "propose, approve or reject", sub);
	struct pfg_triage_args a;
	int rc = pfg_cli_parse_triage(cli, argc - 1, argv + 1, subs[k].opts, &a);
	if (rc >= 0)
		return rc;
	struct pfg_store *st;
	if ((rc = pfg_cli_open_store(cli, 1, &st)))
		return rc;
	if (strcmp(sub, "list") == 0)
		rc = list(cli, st, &a);
	else if (strcmp(sub, "show") == 0)
		rc = show(cli, st, &a);
	else if (strcmp(sub, "propose") == 0)
		rc = propose(cli, st, &a);
	else
		rc = decide(cli, st, &a, strcmp(sub, "approve") == 0 ? PFG_BASELINE_APPROVED
						 : PFG_BASELINE_REJECTED);
	pfg_store_close(st);
	return rc;
}

const struct pfg_command pfg_cmd_baseline_entry = {
	.name = "baseline",
	.summary = "list, propose, approve or reject baselines",
	.usage =
		"Usage: perfguard baseline list [--json] [--state S]\n"
		"       perfguard baseline show [--json] ID\n"
		"       perfguard baseline propose [--run ID|FROM..TO] [--note TEXT] [--by WHO]\n"
		"                                  BENCH...\n"
		"       perfguard baseline propose --all [--run ID|FROM..TO] [--note TEXT]\n"
		"                                  [--by WHO]\n"
		"       perfguard baseline approve [--note TEXT] [--by WHO] ID...\n"
		"       perfguard baseline reject [--note TEXT] [--by WHO] ID...\n"
		"\n"
		"A baseline is the samples of one or more runs of a benchmark that later\n"
		"runs in the same environment (host, CPU model, kernel) are compared\n"
		"with. States: proposed, approved, rejected, superseded; at most one is\n"
		"approved per benchmark and environment, and approving a new one\n"
		"supersedes it. perfguard proposes a baseline once a benchmark has\n"
		"baseline_runs successful runs (5 by default), after a sustained shift\n"
		"and after a sustained improvement, but never approves one by itself\n"
		"(unless the config says auto_baseline: approve for first ones). A\n"
		"baseline of several runs judges later runs by their means against the\n"
		"machine's run-to-run noise. Approving or rejecting several ids is all\n"
		"or nothing: when one cannot be, none is.\n"
		"\n"
		"  --state S   proposed, approved, rejected or superseded\n"
		"  --run ID    the run to take the samples from (default: the latest\n"
		"              successful run of each benchmark); --run FROM..TO: every\n"
		"              successful run from FROM to TO, of one environment\n"
		"  --all       every benchmark in the database\n"
		"  --note TEXT why; kept with the baseline and in the audit log\n"
		"  --by WHO    who acts (default $USER, else the login name)\n",
	.run = cmd_baseline,
};
