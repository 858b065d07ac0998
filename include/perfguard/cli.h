/* cli.h: the command line. One file per subcommand (src/cli/cmd_*.c);
 * this header is what they share: the table of commands, the options
 * every command takes, and helpers to print for people and scripts. */
#ifndef PERFGUARD_CLI_H
#define PERFGUARD_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "perfguard/model.h"

/* What every command knows: where the config and the database are. */
struct pfg_cli {
	const char *config_path; /* -c/--config, $PERFGUARD_CONFIG, ./perfguard.json */
	const char *db_path;     /* --db, $PERFGUARD_DB, or NULL: beside the config */
	const char *cmd;         /* the subcommand's name, for messages */
};

/* A subcommand, defined in its own src/cli/cmd_NAME.c as
 * pfg_cmd_NAME_entry; its entry point returns an exit code (util.h). */
struct pfg_command {
	const char *name;
	int (*run)(struct pfg_cli *cli, int argc, char **argv);
	const char *summary; /* one line for `perfguard help` */
	const char *usage;   /* the full --help text */
};

/* The table of subcommands (commands.c), terminated by NULL. */
extern const struct pfg_command *const pfg_commands[];

/* The command named name, or NULL. */
const struct pfg_command *pfg_command_find(const char *name);

/* Long options every command accepts; append to a command's own table
 * with PFG_COMMON_LONGOPTS and handle with pfg_cli_common_option(). */
enum { PFG_OPT_DB = 0x1000, PFG_OPT_HELP };
#define PFG_COMMON_LONGOPTS                                        \
	{ "config", required_argument, NULL, 'c' },                \
	{ "db", required_argument, NULL, PFG_OPT_DB },             \
	{ "help", no_argument, NULL, PFG_OPT_HELP }
#define PFG_COMMON_SHORTOPTS "c:"

/* Handle a common option (or an unknown one). Returns -1 when the option
 * was consumed and parsing goes on, else the exit code to return now:
 * 0 after --help, 2 after an unknown option or a missing argument. */
int pfg_cli_common_option(struct pfg_cli *cli, int opt, const char *arg);

/* The subcommand argv[1] among names (NULL-ended): its index, or -1 with
 * *code the exit code to return now (0 after --help; 2, saying "expected
 * a, b or c", when it is missing or unknown). */
int pfg_cli_subcommand(struct pfg_cli *cli, int argc, char **argv, const char *const *names,
		       int *code);

/* Report a usage error ("perfguard CMD: msg" and a hint) and return 2. */
int pfg_cli_usage_error(const struct pfg_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The exit code of a library return code (util.h): PFG_EXIT_OK for 0,
 * PFG_EXIT_USAGE (2) for PFG_EINPUT and PFG_ENOTFOUND, PFG_EXIT_RUNTIME (3)
 * for any other failure. */
int pfg_cli_exit_of(int rc);

/* Report a failure ("perfguard CMD: msg") and return code. */
int pfg_cli_fail(const struct pfg_cli *cli, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The database path the command should use, resolved from --db,
 * $PERFGUARD_DB, or .perfguard/perfguard.db beside the config. Caller frees. */
char *pfg_cli_db_path(const struct pfg_cli *cli);

/* Parse an integer option value between min and 1000000000; returns -1
 * and prints a usage error naming opt and the range when it is not one. */
long pfg_cli_parse_count(const struct pfg_cli *cli, const char *opt,
			 const char *arg, long min);

/* Parse an integer option value in [min, max]; as pfg_cli_parse_count. */
long pfg_cli_parse_range(const struct pfg_cli *cli, const char *opt,
			 const char *arg, long min, long max);

/* Parse a number option value in [lo, hi] into *out; what names it ("a
 * number of seconds"). Returns -1 to go on, else the exit code (2) after a
 * usage error naming opt and the range. */
int pfg_cli_parse_number(const struct pfg_cli *cli, const char *opt, const char *arg,
			 const char *what, double lo, double hi, double *out);

/* Nonzero when stderr is a terminal and NO_COLOR is unset. */
int pfg_cli_stderr_is_tty(void);

/* Draw a progress bar on stderr: "[#####.....] i/n label". Call with
 * i == n to finish the line. Does nothing unless stderr is a terminal. */
void pfg_cli_progress(size_t i, size_t n, const char *label);

struct pfg_strv;
struct pfg_store;
struct pfg_config;

/* Open the command's database. When must_exist and there is none yet,
 * says so ("run 'perfguard run' first"). Returns 0, or the exit code
 * after printing why (2 for a missing database, 3 for a failure). */
int pfg_cli_open_store(const struct pfg_cli *cli, int must_exist,
		       struct pfg_store **st);

/* Load the command's config; returns 0, or 2 after printing every problem.
 * When optional and the file does not exist, *cfg is NULL and 0 returned. */
int pfg_cli_load_config(const struct pfg_cli *cli, int optional,
			struct pfg_config **cfg);

/* Parse a positive id ("12", at most INT64_MAX, what SQLite holds);
 * returns -1 after a usage error. */
long long pfg_cli_parse_id(const struct pfg_cli *cli, const char *what,
			   const char *arg);

/* Print a JSON value (cJSON *) on stdout and free it. Every string value
 * and object key is first made valid UTF-8 (ill-formed bytes, as from a
 * benchmark's stderr, become U+FFFD), so the output always parses. */
void pfg_cli_print_json(void *json);

/* Untrusted text (a benchmark's output, a name, a unit, a note, an actor)
 * for people on a terminal: control characters made visible in caret
 * notation as the dashboard (ncurses) and `cat -v` show them (ESC "^[",
 * BEL "^G", newline "^J", DEL "^?", C1 U+009B "M-^["), invalid UTF-8 bytes
 * as \xNN, printable UTF-8 kept as is. pfg_cli_safe writes one line into
 * buf (len bytes, cut with "..." when it does not fit) and returns buf ("" for
 * NULL s); pfg_cli_print_safe prints all of s on f, keeping newlines and tabs
 * when lines (multi-line text such as a benchmark's stderr). */
const char *pfg_cli_safe(const char *s, char *buf, size_t len);
void pfg_cli_print_safe(FILE *f, const char *s, int lines);

/* The width a table for people fits: $COLUMNS when it is a number, else
 * the terminal's when standard output is one, else 0: no limit, so that
 * a pipe (grep, a file) gets whole names (scripts read --json). */
int pfg_cli_width(void);

/* Elide s (already safe for the terminal) in the middle to at most width
 * bytes into buf, keeping more of its end (where the names of a suite
 * differ): "ai_prov...nse_parse". width < 8 or s short enough: s whole. */
void pfg_cli_elide(const char *s, int width, char *buf, size_t len);

/* Print every config problem, a closing line, and return 2. Releases errors. */
int pfg_cli_config_errors(const struct pfg_cli *cli, struct pfg_strv *errors);

/* Options of the baseline and alerts subcommands; each takes a subset. */
enum pfg_triage_opt {
	PFG_TRIAGE_JSON = 1 << 0,      /* --json */
	PFG_TRIAGE_STATE = 1 << 1,     /* --state S */
	PFG_TRIAGE_SEVERITY = 1 << 2,  /* --severity S */
	PFG_TRIAGE_COMPONENT = 1 << 3, /* --component C */
	PFG_TRIAGE_NOTE = 1 << 4,      /* --note TEXT */
	PFG_TRIAGE_BY = 1 << 5,        /* --by WHO (default $USER) */
	PFG_TRIAGE_ALL = 1 << 6,       /* --all */
	PFG_TRIAGE_RUN = 1 << 7,       /* --run ID or FROM..TO */
};

struct pfg_triage_args {
	int json, all;
	const char *state, *severity, *component, *note, *by;
	long long run, run_to;     /* --run's range (ID: both ID); 0 when not
				      given */
	char **rest;               /* the operands */
	int n_rest;
};

/* Parse the options after `CMD SUB` (argv[0] is SUB), accepting those in
 * allowed. Returns -1 when parsing went on to the operands, else the exit
 * code to return now (after --help, or a usage error). */
int pfg_cli_parse_triage(struct pfg_cli *cli, int argc, char **argv,
			 unsigned allowed, struct pfg_triage_args *a);

struct pfg_gate_report;

/* Judge run_id (0: the suite's state, over the config's benchmarks when
 * cfg is given, else every stored one) with the config's gate settings
 * (cfg may be NULL: defaults) and --fail-on (NULL: the config's). Returns 0
 * with report filled, or the exit code after printing why. */
int pfg_cli_gate_run(const struct pfg_cli *cli, struct pfg_store *st, int64_t run_id,
		     const struct pfg_config *cfg, const char *fail_on,
		     struct pfg_gate_report *report);

/* The gate's report for people, and as JSON (a cJSON *). */
void pfg_cli_gate_print(FILE *f, const struct pfg_gate_report *r);
void *pfg_cli_gate_json(const struct pfg_gate_report *r);

struct pfg_run_noise;

/* The machine's noise settings of a run as a JSON object (a cJSON *): every
 * field, null where unknown, and the warnings. Defined in cmd_run.c. */
void *pfg_cli_machine_json(const struct pfg_run_noise *rn);

/* Why runs sized by precision a stopped, for people, into buf: "precise:
 * ±1.8% at 95%", "max_runs reached: ±4.1%, target ±2%", "budget of 5 s
 * reached: ±3.0%", "interrupted: ..."; pct < 0: the precision is unknown.
 * pm is "±" or "+/-". Defined in cmd_run.c. */
struct pfg_auto_runs;
void pfg_cli_sizing_describe(const struct pfg_auto_runs *a, enum pfg_stop_reason stop,
			     double pct, const char *pm, char *buf, size_t len);

struct pfg_prune_report;

/* What a prune removed (or, dry_run, would remove) in one line for
 * people: "removed 3 runs (2-4): 6 results, 30 samples, 0 sample metrics,
 * 6 comparisons". Defined in cmd_prune.c. */
void pfg_cli_prune_sentence(const struct pfg_prune_report *r, int dry_run, char *buf,
			    size_t len);

/* A prune's progress bar on stderr (when it is a terminal), drawn once
 * the prune has taken a moment: pass pfg_cli_prune_progress as
 * pfg_prune_opts.progress and a struct pfg_cli_prune_progress (its start
 * from pfg_now_ns()) as its ctx; after the prune, pfg_cli_prune_progress_end
 * clears the bar if it was drawn. Defined in cmd_prune.c. */
struct pfg_cli_prune_progress {
	int64_t start_ns;
	int drawn;
};
void pfg_cli_prune_progress(size_t done, size_t total, void *ctx);
void pfg_cli_prune_progress_end(struct pfg_cli_prune_progress *p);

#endif
