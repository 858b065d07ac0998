/* cmd_alerts.c: `perfguard alerts list|show|ack|investigate|fix|invalid|
 * wontfix|note`. */
#include "perfguard/cli.h"
#include "perfguard/ha.h"
#include "perfguard/config.h"
#include "perfguard/engine.h"
#include "perfguard/notify.h"
#include "perfguard/query.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What the CLI adds to the store's "no alert ID". */
#define NO_ALERT_HINT " (see 'perfguard alerts list')"

/* The subcommands that change an alert's state, and the state they set. */
static const struct {
	const char *sub;
	enum pfg_alert_state state;
} transitions[] = {
	{ "ack", PFG_ALERT_ACKNOWLEDGED }, { "investigate", PFG_ALERT_INVESTIGATING },
	{ "fix", PFG_ALERT_FIXED }, { "invalid", PFG_ALERT_INVALID },
	{ "wontfix", PFG_ALERT_WONTFIX },
};

/* An alert (and its history, when given) as JSON. */
static cJSON *alert_json(const struct pfg_alert *al, const struct pfg_alert_event *h,
			 size_t nh)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)al->id);
	cJSON_AddStringToObject(o, "benchmark", al->bench);
	cJSON_AddStringToObject(o, "kind", pfg_alert_kind_name(al->kind));
	cJSON_AddStringToObject(o, "state", pfg_alert_state_name(al->state));
	cJSON_AddStringToObject(o, "severity", pfg_severity_name(al->severity));
	cJSON_AddNumberToObject(o, "run_id", (double)al->run_id);
	if (al->baseline_id)
		cJSON_AddNumberToObject(o, "baseline_id", (double)al->baseline_id);
	cJSON_AddNumberToObject(o, "change_pct", al->change_pct);
	cJSON_AddNumberToObject(o, "ci_low_pct", al->ci_low_pct);
	cJSON_AddNumberToObject(o, "ci_high_pct", al->ci_high_pct);
	cJSON_AddNumberToObject(o, "p_value", al->p_value);
	cJSON_AddNumberToObject(o, "created_at", al->created_at);
	cJSON_AddNumberToObject(o, "updated_at", al->updated_at);
	if (al->recovered_run_id)
		cJSON_AddNumberToObject(o, "recovered_run_id", (double)al->recovered_run_id);
	if (al->detail)
		cJSON_AddStringToObject(o, "detail", al->detail);
	if (h) {
		cJSON *arr = cJSON_AddArrayToObject(o, "history");
		for (size_t i = 0; i < nh; i++) {
			cJSON *e = cJSON_CreateObject();
			cJSON_AddNumberToObject(e, "at", h[i].at);
			cJSON_AddStringToObject(e, "actor", h[i].actor);
			cJSON_AddStringToObject(e, "from", pfg_alert_state_name(h[i].from));
			cJSON_AddStringToObject(e, "to", pfg_alert_state_name(h[i].to));
			if (h[i].note)
				cJSON_AddStringToObject(e, "note", h[i].note);
			cJSON_AddItemToArray(arr, e);
		}
	}
	return o;
}

/* Check a --state or --severity value against names; 0 when it is one. */
static int check_choice(struct pfg_cli *cli, const char *opt, const char *v,
			const char *const *names)
{
	if (!v)
		return 0;
	for (const char *const *n = names; *n; n++)
		if (strcmp(*n, v) == 0)
			return 0;
	char list[128] = "";
	for (const char *const *n = names; *n; n++) {
		strncat(list, *n, sizeof list - strlen(list) - 3);
		if (n[1])
			strncat(list, ", ", sizeof list - strlen(list) - 1);
	}
	return pfg_cli_usage_error(cli, "%s: expected one of %s, got '%s'", opt, list, v);
}

/* `alerts list`. */
static int list(struct pfg_cli *cli, struct pfg_store *st, const struct pfg_triage_args *a)
{
	static const char *const states[] = { "open", "new", "acknowledged",
		"investigating", "fixed", "invalid", "wontfix", NULL };
	static const char *const sevs[] = { "minor", "moderate", "major", "critical", NULL };
	if (check_choice(cli, "--state", a->state, states) ||
	    check_choice(cli, "--severity", a->severity, sevs))
		return PFG_EXIT_USAGE;
	struct pfg_alert_filter f = { .component = a->component };
	enum pfg_alert_state state;
	if (a->state && strcmp(a->state, "open") == 0)
		f.states = PFG_ALERT_OPEN_STATES;
	else if (a->state && pfg_alert_state_parse(a->state, &state) == 0)
		f.states = 1u << state;
	if (a->severity)
		pfg_severity_parse(a->severity, &f.min_severity);
	struct pfg_alert *al;
	size_t n;
	char err[PFG_ERR_MAX];
	if (pfg_store_alerts(st, &f, &al, &n, err, sizeof err))
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
	if (a->json) {
		cJSON *arr = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(arr, alert_json(&al[i], NULL, 0));
		pfg_cli_print_json(arr);
	} else {
		/* Fit pfg_cli_width(): recovered, run and kind go first, then
		 * the names are elided in the middle. */
		int width = pfg_cli_width(), name_w = 9;
		char bench[256], name[256];
		for (size_t i = 0; i < n; i++) {
			int l = (int)strlen(pfg_cli_safe(al[i].bench, bench, sizeof bench));
			name_w = l > name_w ? l : name_w;
		}
		int kind = 1, run = 1, rec = 1;
		/* id, name, severity, state, change: 5+2+name+1+9+1+13+1+8. */
		int fixed = 40, need = fixed + name_w + 11 + 7 + 12;
		if (width && need > width)
			rec = 0, need -= 12;
		if (width && need > width)
			run = 0, need -= 7;
		if (width && need > width)
			kind = 0, need -= 11;
		if (width && need > width)
			name_w = width - (need - name_w) < 12 ? 12 : width - (need - name_w);
		printf("%5s  %-*s ", "id", name_w, "benchmark");
		if (kind)
			printf("%-10s ", "kind");
		printf("%-9s %-13s %8s", "severity", "state", "change");
		if (run)
			printf(" %6s", "run");
		if (rec)
			printf("  %s", "recovered");
		putchar('\n');
		for (size_t i = 0; i < n; i++) {
			pfg_cli_elide(pfg_cli_safe(al[i].bench, bench, sizeof bench), name_w, name,
				      sizeof name);
			printf("%5lld  %-*s ", (long long)al[i].id, name_w, name);
			if (kind)
				printf("%-10s ", pfg_alert_kind_name(al[i].kind));
			printf("%-9s %-13s %+7.1f%%", pfg_severity_name(al[i].severity),
			       pfg_alert_state_name(al[i].state), al[i].change_pct);
			if (run)
				printf(" %6lld", (long long)al[i].run_id);
			if (rec && al[i].recovered_run_id)
				printf("  run %lld", (long long)al[i].recovered_run_id);
			else if (rec)
				printf("  -");
			putchar('\n');
		}
	}
	pfg_alerts_free(al, n);
	return PFG_EXIT_OK;
}

/* `alerts show ID`. */
static int show(struct pfg_cli *cli, struct pfg_store *st, const struct pfg_triage_args *a)
{
	if (a->n_rest != 1)
		return pfg_cli_usage_error(cli, "alerts show takes one alert id");
	long long id = pfg_cli_parse_id(cli, "an alert", a->rest[0]);
	if (id < 0)
		return PFG_EXIT_USAGE;
	struct pfg_query_alert_detail d;
	char err[PFG_ERR_MAX];
	int rc = pfg_query_alert_detail_load(st, id, NULL, &d, err, sizeof err);
	if (rc)
		return pfg_cli_fail(cli, pfg_cli_exit_of(rc), "%s%s", err,
				    rc == PFG_ENOTFOUND ? NO_ALERT_HINT : "");
	/* Views of what d owns; released with d. */
	const struct pfg_alert al = d.alert;
	const struct pfg_alert_event *h = d.hist;
	size_t nh = d.n_hist;
	if (a->json) {
		pfg_cli_print_json(alert_json(&al, h, nh));
	} else {
		char when[32], bench[256], actor[256];
		pfg_format_time(al.created_at, when, sizeof when);
		printf("alert %lld: %s %s of %s, %s\n", (long long)al.id,
		       pfg_severity_name(al.severity), pfg_alert_kind_name(al.kind),
		       pfg_cli_safe(al.bench, bench, sizeof bench),
		       pfg_alert_state_name(al.state));
		fputs("  ", stdout);
		pfg_cli_print_safe(stdout, al.detail, 0);
		putchar('\n');
		printf("  change %+.2f%% [%+.2f%%, %+.2f%%], p = %.3g\n", al.change_pct,
		       al.ci_low_pct, al.ci_high_pct, al.p_value);
		printf("  raised %s by run %lld", when, (long long)al.run_id);
		if (al.baseline_id)
			printf(" against baseline %lld", (long long)al.baseline_id);
		putchar('\n');
		if (al.recovered_run_id)
			printf("  recovered: run %lld ran back within threshold\n",
			       (long long)al.recovered_run_id);
		for (size_t i = 0; i < nh; i++) {
			pfg_format_time(h[i].at, when, sizeof when);
			pfg_cli_safe(h[i].actor, actor, sizeof actor);
			if (h[i].from == h[i].to)
				printf("  %s %s: note: ", when, actor);
			else
				printf("  %s %s: %s -> %s%s", when, actor,
				       pfg_alert_state_name(h[i].from),
				       pfg_alert_state_name(h[i].to), h[i].note ? ": " : "");
			pfg_cli_print_safe(stdout, h[i].note, 0);
			putchar('\n');
		}
	}
	pfg_query_alert_detail_release(&d);
	return PFG_EXIT_OK;
}

/* Tell the config's notify targets that alerts ids[0..n) left states
 * from[]; a config that cannot be loaded only skips this, with a warning. */
static void notify_changes(const struct pfg_cli *cli, struct pfg_store *st,
			   const int64_t *ids, const enum pfg_alert_state *from, size_t n,
			   const char *actor)
{
	struct pfg_config *cfg;
	struct pfg_strv errors = { 0 }, notices = { 0 };
	if (!n || access(cli->config_path, F_OK) != 0)
		return;
	if (pfg_config_load(cli->config_path, &cfg, &errors)) {
		fprintf(stderr, "perfguard %s: warning: no notification sent: ", cli->cmd);
		pfg_cli_print_safe(stderr, errors.n ? errors.v[0] : "the config has problems", 0);
		fputc('\n', stderr);
		pfg_strv_release(&errors);
		return;
	}
	pfg_notify_alert_changes(cfg, st, ids, from, n, actor ? actor : pfg_engine_actor(),
				 &notices);
	pfg_ha_after_alert_changes(cfg, st, ids, from, n, &notices);
	for (size_t i = 0; i < notices.n; i++) {
		fprintf(stderr, "perfguard %s: warning: ", cli->cmd);
		pfg_cli_print_safe(stderr, notices.v[i], 0);
		fputc('\n', stderr);
	}
	pfg_strv_release(&notices);
	pfg_config_free(cfg);
}

/* Change the state of (or add a note to, when to is NULL) each alert. */
static int change(struct pfg_cli *cli, struct pfg_store *st, const struct pfg_triage_args *a,
		  const enum pfg_alert_state *to)
{
	if (a->n_rest == 0)
		return pfg_cli_usage_error(cli, "which alert? give its id (see 'perfguard "
					   "alerts list')");
	if (!to && (!a->note || !*a->note))
		return pfg_cli_usage_error(cli, "alerts note needs --note TEXT");
	for (int i = 0; i < a->n_rest; i++)
		if (pfg_cli_parse_id(cli, "an alert", a->rest[i]) < 0)
			return PFG_EXIT_USAGE;
	int code = PFG_EXIT_OK;
	int64_t *changed = pfg_xcalloc((size_t)a->n_rest, sizeof *changed);
	enum pfg_alert_state *from = pfg_xcalloc((size_t)a->n_rest, sizeof *from);
	size_t n_changed = 0;
	for (int i = 0; i < a->n_rest; i++) {
		long long id = atoll(a->rest[i]);
		char err[PFG_ERR_MAX];
		struct pfg_alert before;
		if (to && pfg_store_alert_get(st, id, &before, NULL, NULL, err, sizeof err) == PFG_OK) {
			from[n_changed] = before.state;
			pfg_alert_release(&before);
		}
		int rc = to ? pfg_store_alert_transition(st, id, *to, a->by, a->note, err,
							 sizeof err)
			    : pfg_store_alert_note(st, id, a->by, a->note, err, sizeof err);
		if (rc) {
			pfg_cli_fail(cli, pfg_cli_exit_of(rc), "%s%s", err,
				     rc == PFG_ENOTFOUND ? NO_ALERT_HINT : "");
			if (code != PFG_EXIT_RUNTIME)
				code = pfg_cli_exit_of(rc);
			continue;
		}
		printf("alert %lld %s\n", id, to ? pfg_alert_state_name(*to) : "noted");
		if (to)
			changed[n_changed++] = id;
	}
	notify_changes(cli, st, changed, from, n_changed, a->by);
	free(changed);
	free(from);
	return code;
}

/* `perfguard alerts`: parse the options and run; returns an exit code. */
static int cmd_alerts(struct pfg_cli *cli, int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && strcmp(argv[1], "--help") == 0)
			return pfg_cli_common_option(cli, PFG_OPT_HELP, NULL);
		return pfg_cli_usage_error(cli, "expected list, show, ack, investigate, fix, "
					   "invalid, wontfix or note");
	}
	const char *sub = argv[1];
	const enum pfg_alert_state *to = NULL;
	size_t nt = sizeof transitions / sizeof *transitions;
	for (size_t i = 0; i < nt; i++)
		if (strcmp(sub, transitions[i].sub) == 0)
			to = &transitions[i].state;
	if (!to && strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "note"))
		return pfg_cli_usage_error(cli, "no subcommand '%s': expected list, show, "
					   "ack, investigate, fix, invalid, wontfix or note",
					   sub);
	unsigned opts = strcmp(sub, "list") == 0 ? PFG_TRIAGE_JSON | PFG_TRIAGE_STATE |
			PFG_TRIAGE_SEVERITY | PFG_TRIAGE_COMPONENT
		      : strcmp(sub, "show") == 0 ? PFG_TRIAGE_JSON
		      : PFG_TRIAGE_NOTE | PFG_TRIAGE_BY;
	struct pfg_triage_args a;
	int rc = pfg_cli_parse_triage(cli, argc - 1, argv + 1, opts, &a);
	if (rc >= 0)
		return rc;
	struct pfg_store *st;
	if ((rc = pfg_cli_open_store(cli, 1, &st)))
		return rc;
	if (strcmp(sub, "list") == 0)
		rc = list(cli, st, &a);
	else if (strcmp(sub, "show") == 0)
		rc = show(cli, st, &a);
	else
		rc = change(cli, st, &a, to);
	pfg_store_close(st);
	return rc;
}

const struct pfg_command pfg_cmd_alerts_entry = {
	.name = "alerts",
	.summary = "list and triage regression alerts",
	.usage =
		"Usage: perfguard alerts list [--json] [--state S] [--severity S] [--component C]\n"
		"       perfguard alerts show [--json] ID\n"
		"       perfguard alerts ack|investigate|fix|invalid|wontfix [--note TEXT]\n"
		"                        [--by WHO] ID...\n"
		"       perfguard alerts note --note TEXT [--by WHO] ID...\n"
		"\n"
		"Alerts are raised by runs: regression (a confirmed significant change\n"
		"past the minor threshold), error_rate (more failed runs, Fisher's exact\n"
		"test) and drift (the history chart: a creep or a lasting shift since the\n"
		"baseline, see drift_limit in perfguard.json(5)).\n"
		"States: new, acknowledged, investigating, then fixed, invalid or\n"
		"wontfix; a closed alert can be reopened with investigate. An alert\n"
		"whose benchmark runs back within threshold is marked recovered, its\n"
		"state left for a person to change. Every change is kept in its history\n"
		"and in the audit log ('perfguard log').\n"
		"\n"
		"  --state S     open (new, acknowledged, investigating) or one state\n"
		"  --severity S  at least minor, moderate, major or critical\n"
		"  --component C only alerts of component C\n",
	.run = cmd_alerts,
};
