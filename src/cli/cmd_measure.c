/* cmd_measure.c: `perfguard measure`: time an ad hoc command, as hyperfine
 * does, and print a summary or every sample as JSON. Nothing is stored. */
#include "perfguard/cli.h"
#include "perfguard/config.h"
#include "perfguard/engine.h"
#include "perfguard/runner.h"
#include "perfguard/stats.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the command line asked for. */
struct measure_opts {
	long runs, warmup;        /* with --runs auto, runs is max_runs */
	struct pfg_auto_runs sizing; /* --runs auto and its options */
	double timeout_s;
	int shell, json;
	char **argv;      /* the command, NULL-terminated */
	char *shell_line; /* with --shell: the words joined by spaces */
};

/* The samples of the measured runs, one array per quantity. */
struct measure_samples {
	double *wall, *user, *sys, *rss;
	int *exit_code;
	size_t n, cap;
};

/* Append the figures of a successful run m to s. */
static void samples_push(struct measure_samples *s, const struct pfg_measurement *m)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->wall = pfg_xrealloc(s->wall, s->cap * sizeof *s->wall);
		s->user = pfg_xrealloc(s->user, s->cap * sizeof *s->user);
		s->sys = pfg_xrealloc(s->sys, s->cap * sizeof *s->sys);
		s->rss = pfg_xrealloc(s->rss, s->cap * sizeof *s->rss);
		s->exit_code = pfg_xrealloc(s->exit_code, s->cap * sizeof *s->exit_code);
	}
	s->wall[s->n] = (double)m->wall_ns;
	s->user[s->n] = (double)m->user_ns;
	s->sys[s->n] = (double)m->sys_ns;
	s->rss[s->n] = (double)m->max_rss_kib;
	s->exit_code[s->n] = m->exit_code;
	s->n++;
}

/* The options of --runs auto. */
enum { OPT_MIN_RUNS = 0x2100, OPT_MAX_RUNS, OPT_PRECISION, OPT_BUDGET };

/* Check the options of --runs auto once all are read: they need it, and
 * min_runs <= max_runs. Returns -1 to go on, else the exit code. */
static int check_sizing(struct pfg_cli *cli, struct measure_opts *o, const char *given)
{
	if (!o->sizing.on) {
		if (given)
			return pfg_cli_usage_error(cli, "%s needs --runs auto (a fixed number "
						   "of runs takes no %s)", given, given);
		return -1;
	}
	if (o->sizing.min_runs > o->sizing.max_runs)
		return pfg_cli_usage_error(cli, "--min-runs %d is more than --max-runs %d",
					   o->sizing.min_runs, o->sizing.max_runs);
	o->runs = o->sizing.max_runs;
	return -1;
}

/* Parse the value of --runs: N, or "auto". Returns -1 to go on, else the
 * exit code. */
static int parse_runs(struct pfg_cli *cli, const char *arg, struct measure_opts *o)
{
	if (strcmp(arg, "auto") == 0) {
		o->sizing.on = 1;
		return -1;
	}
	o->sizing.on = 0;
	if ((o->runs = pfg_cli_parse_range(cli, "--runs", arg, 1, PFG_RUNS_MAX)) < 0)
		return PFG_EXIT_USAGE;
	return -1;
}

/* Parse one option of --runs auto into o->sizing; *given names the last
 * one seen. Returns -1 to go on, else the exit code. */
static int parse_sizing(struct pfg_cli *cli, int opt, const char *arg,
			struct measure_opts *o, const char **given)
{
	long v;
	switch (opt) {
	case OPT_MIN_RUNS:
	case OPT_MAX_RUNS:
		*given = opt == OPT_MIN_RUNS ? "--min-runs" : "--max-runs";
		if ((v = pfg_cli_parse_range(cli, *given, arg, PFG_AUTO_MIN_RUNS,
					     PFG_RUNS_MAX)) < 0)
			return PFG_EXIT_USAGE;
		*(opt == OPT_MIN_RUNS ? &o->sizing.min_runs : &o->sizing.max_runs) = (int)v;
		return -1;
	case OPT_PRECISION:
		*given = "--precision";
		return pfg_cli_parse_number(cli, "--precision", arg, "a percentage",
					    PFG_PRECISION_MIN_PCT, PFG_PRECISION_MAX_PCT,
					    &o->sizing.precision_pct);
	case OPT_BUDGET:
		*given = "--budget";
		return pfg_cli_parse_number(cli, "--budget", arg, "a number of seconds",
					    PFG_BUDGET_MIN_S, PFG_BUDGET_MAX_S,
					    &o->sizing.budget_s);
	}
	return PFG_EXIT_USAGE;
}

/* Parse argv into o. Returns -1 to go on, else the exit code. */
static int parse_args(struct pfg_cli *cli, int argc, char **argv,
		      struct measure_opts *o)
{
	enum { OPT_TIMEOUT = 0x2000, OPT_SHELL, OPT_JSON };
	static const struct option longopts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "min-runs", required_argument, NULL, OPT_MIN_RUNS },
		{ "max-runs", required_argument, NULL, OPT_MAX_RUNS },
		{ "precision", required_argument, NULL, OPT_PRECISION },
		{ "budget", required_argument, NULL, OPT_BUDGET },
		{ "warmup", required_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "shell", no_argument, NULL, OPT_SHELL },
		{ "json", no_argument, NULL, OPT_JSON },
		PFG_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	*o = (struct measure_opts){ .runs = 10, .warmup = 1,
				    .sizing = { .min_runs = 5, .max_runs = 50,
						.precision_pct = 2, .budget_s = 60 } };
	const char *given = NULL;
	optind = 0; /* glibc: start afresh */
	int opt, ret;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS "r:w:", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'r':
			if ((ret = parse_runs(cli, optarg, o)) >= 0)
				return ret;
			break;
		case OPT_MIN_RUNS: case OPT_MAX_RUNS: case OPT_PRECISION: case OPT_BUDGET:
			if ((ret = parse_sizing(cli, opt, optarg, o, &given)) >= 0)
				return ret;
			break;
		case 'w':
			if ((o->warmup = pfg_cli_parse_range(cli, "--warmup", optarg, 0,
							     PFG_RUNS_MAX)) < 0)
				return PFG_EXIT_USAGE;
			break;
		case OPT_TIMEOUT: {
			int rc = pfg_cli_parse_number(cli, "--timeout", optarg,
						      "a number of seconds", PFG_TIMEOUT_MIN_S,
						      PFG_TIMEOUT_MAX_S, &o->timeout_s);
			if (rc >= 0)
				return rc;
			break;
		}
		case OPT_SHELL:
			o->shell = 1;
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		default: {
			int rc = pfg_cli_common_option(cli, opt, optarg);
			if (rc >= 0)
				return rc;
		}
		}
	}
	if ((ret = check_sizing(cli, o, given)) >= 0)
		return ret;
	if (optind >= argc)
		return pfg_cli_usage_error(cli, "no command to measure: give it after "
					   "the options, e.g. perfguard measure -- sleep 0.1");
	o->argv = argv + optind;
	if (o->shell) {
		size_t len = 1;
		for (int i = optind; i < argc; i++)
			len += strlen(argv[i]) + 1;
		o->shell_line = pfg_xcalloc(len, 1);
		for (int i = optind; i < argc; i++) {
			if (i > optind)
				strcat(o->shell_line, " ");
			strcat(o->shell_line, argv[i]);
		}
	}
	return -1;
}

/* Nonzero when the terminal's character set can show "±" and "…". */
static int utf8_output(void)
{
	if (!setlocale(LC_CTYPE, ""))
		return 0;
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/* Print the failure of run i (0-based over warmup and measured runs). */
static int report_failure(const struct pfg_cli *cli, const struct measure_opts *o,
			  size_t i, const struct pfg_measurement *m)
{
	char why[768];
	pfg_measurement_describe(m, why, sizeof why);
	if (i < (size_t)o->warmup)
		pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "warmup run %zu of %ld failed: %s",
			     i + 1, o->warmup, why);
	else
		pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "run %zu of %ld failed: %s",
			     i + 1 - (size_t)o->warmup, o->runs, why);
	if (m->stderr_tail && *m->stderr_tail) {
		size_t n = strlen(m->stderr_tail);
		fputs("Its stderr ended with:\n", stderr);
		pfg_cli_print_safe(stderr, m->stderr_tail, 1);
		if (m->stderr_tail[n - 1] != '\n')
			fputc('\n', stderr);
	}
	return PFG_EXIT_RUNTIME;
}

/* What the engine's repeat loop carries to measure's callbacks. */
struct measure_loop {
	const struct pfg_cli *cli;
	const struct measure_opts *o;
	struct measure_samples *s;
	const char *label;
	int64_t last_draw;
	int code;                 /* the exit code after a failed run */
	double wall_s;            /* of the measured runs so far */
	int stopped;              /* --runs auto stopped the runs: stop says why */
	enum pfg_stop_reason stop;
	double pct;               /* the precision reached, -1: unknown */
};

/* Repeat loop: draw the progress bar, at most 10 frames a second. */
static int before_run(int index, void *ctx)
{
	struct measure_loop *l = ctx;
	int64_t now = pfg_now_ns();
	if (now - l->last_draw > 100000000) {
		pfg_cli_progress((size_t)index, (size_t)(l->o->warmup + l->o->runs), l->label);
		l->last_draw = now;
	}
	return 0;
}

/* Repeat loop: keep a measured run's figures; a failed run stops. */
static int on_run(const struct pfg_repeat_run *run, void *ctx)
{
	struct measure_loop *l = ctx;
	if (!pfg_measurement_ok(run->m)) {
		size_t total = (size_t)(l->o->warmup + l->o->runs);
		pfg_cli_progress(total, total, NULL);
		l->code = report_failure(l->cli, l->o, (size_t)run->index, run->m);
		return 1;
	}
	if (run->warmup)
		return 0;
	samples_push(l->s, run->m);
	if (!l->o->sizing.on)
		return 0;
	/* --runs auto: go on until precise, max_runs or the budget. */
	l->wall_s += (double)run->m->wall_ns / 1e9;
	enum pfg_stats_sampling next = pfg_engine_auto_next(&l->o->sizing, l->s->wall, l->s->n,
							    l->wall_s, &l->pct);
	if (next == PFG_SAMPLING_CONTINUE)
		return 0;
	l->stopped = 1;
	l->stop = pfg_engine_stop_reason(next);
	return 1;
}

/* Run the warmup and measured runs through the engine's repeat loop in
 * session, filling s. Returns -1 when every run succeeded, else the exit
 * code after printing why. */
static int measure_all(const struct pfg_cli *cli, struct pfg_engine_session *session,
		       const struct measure_opts *o, struct measure_samples *s,
		       struct measure_loop *out)
{
	struct pfg_exec_spec spec = {
		.argv = o->shell ? (char *const[]){ o->shell_line, NULL } : o->argv,
		.shell = o->shell,
		.timeout_s = o->timeout_s,
		.cancel_fd = -1,
	};
	struct measure_loop l = { cli, o, s, o->shell ? o->shell_line : o->argv[0], 0, 0,
				  0, 0, PFG_STOP_RUNS, -1 };
	struct pfg_repeat r = { .spec = &spec, .warmup = (int)o->warmup, .runs = (int)o->runs,
				.before = before_run, .on_run = on_run, .ctx = &l };
	size_t total = (size_t)(o->warmup + o->runs);
	char err[PFG_ERR_MAX];
	int rc = pfg_engine_repeat(session, &r, err, sizeof err);
	*out = l;
	if (rc == PFG_REPEAT_ABORTED && !l.stopped)
		return l.code;
	pfg_cli_progress(total, total, NULL);
	if (rc < 0)
		return pfg_cli_fail(cli, pfg_cli_exit_of(rc), "%s", err);
	if (rc == PFG_REPEAT_STOPPED) { /* 128 + the signal, as perfguard run and a shell do */
		int sig = pfg_engine_session_signal(session);
		return pfg_cli_fail(cli, 128 + (sig ? sig : SIGINT), "interrupted after %zu "
				    "of %ld runs", s->n, o->runs);
	}
	if (o->sizing.on && !l.stopped) { /* every run made: max_runs */
		out->stopped = 1;
		out->stop = PFG_STOP_MAX_RUNS;
	}
	return -1;
}

/* A JSON object of a summary's fields. */
static cJSON *summary_json(const struct pfg_stats_summary *sm)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "mean", sm->mean);
	cJSON_AddNumberToObject(o, "stddev", sm->stddev);
	cJSON_AddNumberToObject(o, "median", sm->median);
	cJSON_AddNumberToObject(o, "min", sm->min);
	cJSON_AddNumberToObject(o, "max", sm->max);
	cJSON_AddNumberToObject(o, "p95", sm->p95);
	return o;
}

/* Print the runs as JSON: the command, a summary, every sample. */
static int print_json(const struct measure_opts *o, const struct measure_samples *s,
		      const struct measure_loop *l, const struct pfg_stats_summary sm[4])
{
	cJSON *root = cJSON_CreateObject();
	cJSON *cmd = cJSON_AddArrayToObject(root, "command");
	for (char **a = o->argv; *a; a++)
		cJSON_AddItemToArray(cmd, cJSON_CreateString(*a));
	cJSON_AddBoolToObject(root, "shell", o->shell);
	cJSON_AddNumberToObject(root, "runs", (double)s->n);
	cJSON_AddNumberToObject(root, "warmup", (double)o->warmup);
	if (o->sizing.on) {
		cJSON_AddStringToObject(root, "runs_mode", "auto");
		cJSON_AddStringToObject(root, "stop_reason", pfg_stop_reason_name(l->stop));
		if (l->pct >= 0)
			cJSON_AddNumberToObject(root, "half_width_pct", l->pct);
		else
			cJSON_AddNullToObject(root, "half_width_pct");
		cJSON_AddNumberToObject(root, "target_pct", o->sizing.precision_pct);
	}
	cJSON *sum = cJSON_AddObjectToObject(root, "summary");
	cJSON_AddItemToObject(sum, "wall_ns", summary_json(&sm[0]));
	cJSON_AddItemToObject(sum, "user_ns", summary_json(&sm[1]));
	cJSON_AddItemToObject(sum, "sys_ns", summary_json(&sm[2]));
	cJSON_AddItemToObject(sum, "max_rss_kib", summary_json(&sm[3]));
	cJSON *arr = cJSON_AddArrayToObject(root, "samples");
	for (size_t i = 0; i < s->n; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "wall_ns", s->wall[i]);
		cJSON_AddNumberToObject(x, "user_ns", s->user[i]);
		cJSON_AddNumberToObject(x, "sys_ns", s->sys[i]);
		cJSON_AddNumberToObject(x, "max_rss_kib", s->rss[i]);
		cJSON_AddNumberToObject(x, "exit_code", s->exit_code[i]);
		cJSON_AddItemToArray(arr, x);
	}
	pfg_cli_print_json(root);
	return PFG_EXIT_OK;
}

/* Print the summary for people. */
static void print_table(const struct measure_opts *o, const struct measure_samples *s,
			const struct measure_loop *l, const struct pfg_stats_summary sm[4])
{
	int u = utf8_output();
	const char *pm = u ? "\u00b1" : "+/-", *to = u ? "\u2026" : "...";
	char mean[32], sd[32], med[32], lo[32], hi[32], usr[32], sys[32], rss[32];
	pfg_format_value(sm[0].mean, "ns", mean, sizeof mean);
	pfg_format_value(sm[0].stddev, "ns", sd, sizeof sd);
	pfg_format_value(sm[0].median, "ns", med, sizeof med);
	pfg_format_value(sm[0].min, "ns", lo, sizeof lo);
	pfg_format_value(sm[0].max, "ns", hi, sizeof hi);
	pfg_format_value(sm[1].mean, "ns", usr, sizeof usr);
	pfg_format_value(sm[2].mean, "ns", sys, sizeof sys);
	pfg_format_value(sm[3].max, "KiB", rss, sizeof rss);
	printf("Command:    ");
	if (o->shell) {
		pfg_cli_print_safe(stdout, o->shell_line, 0);
		printf(" (through /bin/sh -c)\n");
	} else {
		for (char **a = o->argv; *a; a++) {
			pfg_cli_print_safe(stdout, *a, 0);
			putchar(a[1] ? ' ' : '\n');
		}
	}
	printf("Time:       %s %s %s (mean %s stddev)\n", mean, pm, sd, pm);
	printf("Median:     %s\n", med);
	printf("Range:      %s %s %s (min %s max)\n", lo, to, hi, to);
	printf("CPU:        user %s, system %s (mean)\n", usr, sys);
	printf("Peak RSS:   %s (max)\n", rss);
	char why[160] = "";
	if (o->sizing.on) {
		why[0] = ' ';
		why[1] = '(';
		pfg_cli_sizing_describe(&o->sizing, l->stop, l->pct, pm, why + 2,
					sizeof why - 3);
		strcat(why, ")");
	}
	printf("Runs:       %zu%s, after %ld warmup run%s\n", s->n, why, o->warmup,
	       o->warmup == 1 ? "" : "s");
}

/* Summarise the samples and print them. */
static int report(const struct pfg_cli *cli, const struct measure_opts *o,
		  const struct measure_samples *s, const struct measure_loop *l)
{
	struct pfg_stats_summary sm[4];
	const double *cols[4] = { s->wall, s->user, s->sys, s->rss };
	char err[PFG_ERR_MAX];
	for (int k = 0; k < 4; k++)
		if (pfg_stats_summarize(cols[k], s->n, &sm[k], err, sizeof err) != 0)
			return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
	if (o->json)
		return print_json(o, s, l, sm);
	print_table(o, s, l, sm);
	return PFG_EXIT_OK;
}

/* `perfguard measure`: parse the options and run; returns an exit code. */
static int cmd_measure(struct pfg_cli *cli, int argc, char **argv)
{
	struct measure_opts o;
	int rc = parse_args(cli, argc, argv, &o);
	if (rc >= 0) {
		free(o.shell_line);
		return rc;
	}
	struct measure_samples s = { 0 };
	/* SIGINT, SIGTERM, SIGHUP kill the running command and stop. */
	struct pfg_engine_session *session;
	struct pfg_engine_session_opts sopts = { .signals = 1 };
	char err[PFG_ERR_MAX];
	if (pfg_engine_session_begin(&sopts, &session, err, sizeof err)) {
		free(o.shell_line);
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
	}
	struct measure_loop l;
	rc = measure_all(cli, session, &o, &s, &l);
	if (rc < 0)
		rc = report(cli, &o, &s, &l);
	pfg_engine_session_end(session);

	free(s.wall);
	free(s.user);
	free(s.sys);
	free(s.rss);
	free(s.exit_code);
	free(o.shell_line);
	return rc;
}

const struct pfg_command pfg_cmd_measure_entry = {
	.name = "measure",
	.summary = "time an ad hoc command; nothing is stored",
	.usage =
		"Usage: perfguard measure [--runs N|auto] [--min-runs N] [--max-runs N]\n"
		"                         [--precision PCT] [--budget S] [--warmup N]\n"
		"                         [--timeout S] [--shell] [--json] [--] CMD [ARG...]\n"
		"\n"
		"Run CMD (looked up in PATH, no shell) N times after the warmup runs and\n"
		"print the wall time (mean and standard deviation, median, min and max),\n"
		"the mean user and system CPU time and the peak RSS. Nothing is stored\n"
		"and no config is needed. stdin and stdout of CMD are /dev/null. With\n"
		"--runs auto the Runs line says how many runs were made and why they\n"
		"stopped (precise, max_runs reached, budget reached).\n"
		"\n"
		"  -r, --runs N     measured runs (default 10, 1 to 1000000), or 'auto': as\n"
		"                   many as the precision of the mean wall time asks for\n"
		"  --min-runs N     with --runs auto: runs before precision may stop them\n"
		"                   (default 5, 2 to 1000000)\n"
		"  --max-runs N     with --runs auto: the most runs (default 50, 2 to 1000000)\n"
		"  --precision PCT  with --runs auto: stop once the 95% interval of the (20%\n"
		"                   trimmed) mean is within PCT percent (default 2, 1e-9 to 100)\n"
		"  --budget S       with --runs auto: stop before a run that would take the\n"
		"                   measured runs past S seconds (default 60, 0.001 to 604800)\n"
		"  -w, --warmup N   runs before them, not counted (default 1, up to 1000000)\n"
		"  --timeout S      kill a run's process group after S seconds (0.001 to\n"
		"                   86400)\n"
		"  --shell          run the words of CMD joined by spaces with /bin/sh -c\n"
		"  --json           print a summary and every sample as JSON on stdout\n"
		"\n"
		"Exit status: 0 when every run succeeded, 2 for a usage error or a\n"
		"command that does not exist, 3 when a run failed (its stderr is shown),\n"
		"128 + the signal when stopped by one (Ctrl-C: 130).\n",
	.run = cmd_measure,
};
