/* cli.c: what every subcommand shares: common options, errors, paths,
 * value formatting and the progress bar. */
#include "perfguard/cli.h"
#include "perfguard/config.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>

#include "perfguard/engine.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int pfg_cli_common_option(struct pfg_cli *cli, int opt, const char *arg)
{
	switch (opt) {
	case 'c':
		cli->config_path = arg;
		return -1;
	case PFG_OPT_DB:
		cli->db_path = arg;
		return -1;
	case PFG_OPT_HELP: {
		const struct pfg_command *c = pfg_command_find(cli->cmd);
		fputs(c ? c->usage : "", stdout);
		return PFG_EXIT_OK;
	}
	default: /* getopt already printed what was wrong */
		fprintf(stderr, "Try 'perfguard %s --help'.\n", cli->cmd);
		return PFG_EXIT_USAGE;
	}
}

/* Print "perfguard CMD: " and the formatted message on stderr, its
 * control characters made visible (it may quote a benchmark's output). */
static void print_message(const struct pfg_cli *cli, const char *fmt, va_list ap)
{
	char *msg;
	if (vasprintf(&msg, fmt, ap) < 0) {
		fputs("perfguard: out of memory formatting a message\n", stderr);
		abort();
	}
	fprintf(stderr, "perfguard %s: ", cli->cmd);
	pfg_cli_print_safe(stderr, msg, 1);
	free(msg);
}

int pfg_cli_usage_error(const struct pfg_cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_message(cli, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'perfguard %s --help'.\n", cli->cmd);
	return PFG_EXIT_USAGE;
}

int pfg_cli_subcommand(struct pfg_cli *cli, int argc, char **argv, const char *const *names,
		       int *code)
{
	char expected[256] = "", safe[64];
	size_t n = 0;
	while (names[n])
		n++;
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(expected);
		snprintf(expected + used, sizeof expected - used, "%s%s",
			 i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
	}
	if (argc < 2 || argv[1][0] == '-') {
		*code = argc >= 2 && strcmp(argv[1], "--help") == 0 ?
				pfg_cli_common_option(cli, PFG_OPT_HELP, NULL) :
				pfg_cli_usage_error(cli, "expected %s", expected);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(argv[1], names[i]) == 0)
			return (int)i;
	*code = pfg_cli_usage_error(cli, "no subcommand '%s': expected %s",
				    pfg_cli_safe(argv[1], safe, sizeof safe), expected);
	return -1;
}

int pfg_cli_exit_of(int rc)
{
	if (rc == PFG_OK)
		return PFG_EXIT_OK;
	if (rc == PFG_EINPUT || rc == PFG_ENOTFOUND)
		return PFG_EXIT_USAGE;
	return PFG_EXIT_RUNTIME;
}

int pfg_cli_fail(const struct pfg_cli *cli, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_message(cli, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

/* The visible form of the character at s (*s != 0) into out (at least 16
 * bytes, NUL-terminated); returns how many bytes of s it stands for. C0
 * controls and DEL in caret notation as ncurses draws them on the
 * dashboard (ESC "^[", DEL "^?"), C1 controls as `cat -v` prints them
 * (CSI U+009B "M-^["), newline and tab kept when lines, invalid UTF-8 as
 * \xNN per byte, and any other character as is. */
static int safe_char(const char *s, int lines, char *out)
{
	uint32_t cp;
	int k = pfg_utf8_decode(s, &cp);
	if (k < 0) {
		for (int i = 0; i < -k; i++)
			sprintf(out + 4 * i, "\\x%02x", (unsigned char)s[i]);
		return -k;
	}
	if ((cp < 0x20 && !(lines && (cp == '\n' || cp == '\t'))) || cp == 0x7f)
		sprintf(out, "^%c", (char)(cp ^ 0x40));
	else if (cp >= 0x80 && cp <= 0x9f)
		sprintf(out, "M-^%c", (char)((cp - 0x80) ^ 0x40));
	else
		memcpy(out, s, (size_t)k), out[k] = '\0';
	return k;
}

/* The width tables fit (see cli.h). */
int pfg_cli_width(void)
{
	const char *c = getenv("COLUMNS");
	char *end;
	long v = c && *c ? strtol(c, &end, 10) : 0;
	if (c && *c && !*end && v > 0 && v < 100000)
		return (int)v;
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		return ws.ws_col;
	return 0;
}

/* Elide s in the middle to width bytes (see cli.h). */
void pfg_cli_elide(const char *s, int width, char *buf, size_t len)
{
	size_t n = strlen(s);
	if (width < 8 || n <= (size_t)width) {
		snprintf(buf, len, "%s", s);
		return;
	}
	size_t keep = (size_t)width - 3, tail = keep * 2 / 3, head = keep - tail;
	/* Whole UTF-8 characters on both sides of the dots. */
	while (head > 0 && ((unsigned char)s[head] & 0xc0) == 0x80)
		head--;
	const char *t = s + n - tail;
	while (*t && ((unsigned char)*t & 0xc0) == 0x80)
		t++;
	snprintf(buf, len, "%.*s...%s", (int)head, s, t);
}

const char *pfg_cli_safe(const char *s, char *buf, size_t len)
{
	size_t at = 0, mark = 0; /* mark: where "..." still fits */
	if (!len)
		return "";
	while (s && *s) {
		char piece[16];
		int k = safe_char(s, 0, piece);
		size_t n = strlen(piece);
		if (at + n >= len) { /* no room for it and the NUL: cut */
			at = mark;
			if (at + 3 < len) {
				memcpy(buf + at, "...", 3);
				at += 3;
			}
			break;
		}
		memcpy(buf + at, piece, n);
		at += n;
		if (at + 3 < len)
			mark = at;
		s += k;
	}
	buf[at] = '\0';
	return buf;
}

void pfg_cli_print_safe(FILE *f, const char *s, int lines)
{
	while (s && *s) {
		char piece[16];
		s += safe_char(s, lines, piece);
		fputs(piece, f);
	}
}

char *pfg_cli_db_path(const struct pfg_cli *cli)
{
	if (cli->db_path)
		return pfg_xstrdup(cli->db_path);
	const char *env = getenv("PERFGUARD_DB");
	if (env && *env)
		return pfg_xstrdup(env);
	char *copy = pfg_xstrdup(cli->config_path);
	char *path = pfg_xasprintf("%s/.perfguard/perfguard.db", dirname(copy));
	free(copy);
	return path;
}

long pfg_cli_parse_range(const struct pfg_cli *cli, const char *opt,
			 const char *arg, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (end == arg || *end || errno || v < min || v > max) {
		pfg_cli_usage_error(cli, "%s: expected an integer between %ld and %ld, "
				    "got '%s'", opt, min, max, arg);
		return -1;
	}
	return v;
}

long pfg_cli_parse_count(const struct pfg_cli *cli, const char *opt,
			 const char *arg, long min)
{
	return pfg_cli_parse_range(cli, opt, arg, min, 1000000000L);
}

int pfg_cli_parse_number(const struct pfg_cli *cli, const char *opt, const char *arg,
			 const char *what, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(arg, &end);
	while (end != arg && isspace((unsigned char)*end))
		end++;
	if (end == arg || *end || !isfinite(v) || v < lo || v > hi)
		return pfg_cli_usage_error(cli, "%s: expected %s between %g and %g, got '%s'",
					   opt, what, lo, hi, arg);
	*out = v;
	return -1;
}

int pfg_cli_stderr_is_tty(void)
{
	return isatty(STDERR_FILENO);
}

void pfg_cli_progress(size_t i, size_t n, const char *label)
{
	if (!pfg_cli_stderr_is_tty() || n == 0)
		return;
	enum { WIDTH = 24 };
	size_t fill = i * WIDTH / n;
	char bar[WIDTH + 1];
	for (size_t k = 0; k < WIDTH; k++)
		bar[k] = k < fill ? '#' : '.';
	bar[WIDTH] = '\0';
	char safe[64];
	fprintf(stderr, "\r\033[K[%s] %zu/%zu %s", bar, i, n, pfg_cli_safe(label, safe, 54));
	if (i >= n)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* Print every config problem and return 2. */
int pfg_cli_config_errors(const struct pfg_cli *cli, struct pfg_strv *errors)
{
	for (size_t i = 0; i < errors->n; i++) {
		pfg_cli_print_safe(stderr, errors->v[i], 0);
		fputc('\n', stderr);
	}
	fprintf(stderr, "perfguard %s: %zu problem%s in the config; nothing was run "
		"or stored (see perfguard.json(5))\n", cli->cmd, errors->n,
		errors->n == 1 ? "" : "s");
	pfg_strv_release(errors);
	return PFG_EXIT_USAGE;
}

int pfg_cli_open_store(const struct pfg_cli *cli, int must_exist,
		       struct pfg_store **st)
{
	char err[PFG_ERR_MAX];
	char *db = pfg_cli_db_path(cli);
	int code = PFG_EXIT_OK;
	*st = NULL;
	if (must_exist && access(db, F_OK) != 0)
		code = pfg_cli_fail(cli, PFG_EXIT_USAGE, "no database at %s: run "
				    "'perfguard run' first", db);
	else if (pfg_store_open(db, st, err, sizeof err))
		code = pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s", err);
	free(db);
	return code;
}

int pfg_cli_load_config(const struct pfg_cli *cli, int optional,
			struct pfg_config **cfg)
{
	struct pfg_strv errors = { 0 };
	*cfg = NULL;
	if (optional && access(cli->config_path, F_OK) != 0)
		return PFG_EXIT_OK;
	if (pfg_config_load(cli->config_path, cfg, &errors))
		return pfg_cli_config_errors(cli, &errors);
	for (size_t i = 0; i < (*cfg)->warnings.n; i++) {
		fprintf(stderr, "perfguard %s: warning: ", cli->cmd);
		pfg_cli_print_safe(stderr, (*cfg)->warnings.v[i], 0);
		fputc('\n', stderr);
	}
	return PFG_EXIT_OK;
}

long long pfg_cli_parse_id(const struct pfg_cli *cli, const char *what,
			   const char *arg)
{
	char *end;
	errno = 0;
	long long v = strtoll(arg, &end, 10);
	if (end == arg || *end || errno || v < 1) {
		pfg_cli_usage_error(cli, "expected %s id (an integer between 1 and %lld), "
				    "got '%s'", what, LLONG_MAX, arg);
		return -1;
	}
	return v;
}

/* A copy of s in valid UTF-8 allocated as cJSON frees it. */
static char *json_utf8(const char *s)
{
	char *clean = pfg_utf8_sanitize(s);
	size_t n = strlen(clean) + 1;
	char *copy = cJSON_malloc(n);
	if (!copy) {
		fputs("perfguard: out of memory printing JSON\n", stderr);
		abort();
	}
	memcpy(copy, clean, n);
	free(clean);
	return copy;
}

/* Make every string value and object key of item, its siblings after it
 * and their children valid UTF-8 (ill-formed bytes become U+FFFD). */
static void json_sanitize(cJSON *item)
{
	for (; item; item = item->next) {
		if (item->string && !pfg_utf8_valid(item->string)) {
			char *key = json_utf8(item->string);
			if (!(item->type & cJSON_StringIsConst))
				cJSON_free(item->string);
			item->type &= ~cJSON_StringIsConst;
			item->string = key;
		}
		if ((cJSON_IsString(item) || cJSON_IsRaw(item)) && item->valuestring &&
		    !pfg_utf8_valid(item->valuestring)) {
			char *value = json_utf8(item->valuestring);
			if (!(item->type & cJSON_IsReference))
				cJSON_free(item->valuestring);
			item->type &= ~cJSON_IsReference;
			item->valuestring = value;
		}
		if (item->child && !(item->type & cJSON_IsReference))
			json_sanitize(item->child);
	}
}

void pfg_cli_print_json(void *json)
{
	json_sanitize(json);
	char *text = cJSON_Print(json);
	cJSON_Delete(json);
	if (!text) {
		fputs("perfguard: out of memory printing JSON\n", stderr);
		abort();
	}
	puts(text);
	free(text);
}

/* --run ID or FROM..TO into a->run and a->run_to. Returns 0, or -1 after
 * a usage error. */
static int parse_run_range(const struct pfg_cli *cli, const char *arg,
			   struct pfg_triage_args *a)
{
	const char *dots = strstr(arg, "..");
	if (!dots) {
		a->run = a->run_to = pfg_cli_parse_id(cli, "a run", arg);
		return a->run < 0 ? -1 : 0;
	}
	char from[32];
	if ((size_t)(dots - arg) >= sizeof from) {
		pfg_cli_usage_error(cli, "--run: expected ID or FROM..TO, got '%s'", arg);
		return -1;
	}
	snprintf(from, sizeof from, "%.*s", (int)(dots - arg), arg);
	if ((a->run = pfg_cli_parse_id(cli, "a run", from)) < 0 ||
	    (a->run_to = pfg_cli_parse_id(cli, "a run", dots + 2)) < 0)
		return -1;
	if (a->run > a->run_to) {
		pfg_cli_usage_error(cli, "--run %s: the first run comes after the last", arg);
		return -1;
	}
	return 0;
}

int pfg_cli_parse_triage(struct pfg_cli *cli, int argc, char **argv,
			 unsigned allowed, struct pfg_triage_args *a)
{
	enum { FLAG = 0x2000 }; /* getopt values: FLAG | the option's bit */
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, FLAG | PFG_TRIAGE_JSON },
		{ "state", required_argument, NULL, FLAG | PFG_TRIAGE_STATE },
		{ "severity", required_argument, NULL, FLAG | PFG_TRIAGE_SEVERITY },
		{ "component", required_argument, NULL, FLAG | PFG_TRIAGE_COMPONENT },
		{ "note", required_argument, NULL, FLAG | PFG_TRIAGE_NOTE },
		{ "by", required_argument, NULL, FLAG | PFG_TRIAGE_BY },
		{ "all", no_argument, NULL, FLAG | PFG_TRIAGE_ALL },
		{ "run", required_argument, NULL, FLAG | PFG_TRIAGE_RUN },
		PFG_COMMON_LONGOPTS, { 0 } };
	int opt, index;
	memset(a, 0, sizeof *a);
	a->by = pfg_engine_actor();
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS, longopts,
				  &index)) != -1) {
		if (!(opt & FLAG)) {
			int rc = pfg_cli_common_option(cli, opt, optarg);
			if (rc >= 0)
				return rc;
			continue;
		}
		opt &= ~FLAG;
		if (!(allowed & (unsigned)opt))
			return pfg_cli_usage_error(cli, "--%s does not apply to '%s'",
						   longopts[index].name, argv[0]);
		switch (opt) {
		case PFG_TRIAGE_JSON: a->json = 1; break;
		case PFG_TRIAGE_STATE: a->state = optarg; break;
		case PFG_TRIAGE_SEVERITY: a->severity = optarg; break;
		case PFG_TRIAGE_COMPONENT: a->component = optarg; break;
		case PFG_TRIAGE_NOTE: a->note = optarg; break;
		case PFG_TRIAGE_BY: a->by = optarg; break;
		case PFG_TRIAGE_ALL: a->all = 1; break;
		case PFG_TRIAGE_RUN:
			if (parse_run_range(cli, optarg, a))
				return PFG_EXIT_USAGE;
			break;
		}
	}
	a->rest = argv + optind;
	a->n_rest = argc - optind;
	return -1;
}
