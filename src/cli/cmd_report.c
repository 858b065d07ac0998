/* cmd_report.c: `perfguard report`: the suite's state, a run, or two runs
 * side by side, as HTML, JSON, JUnit XML or Markdown (src/report/). */
#include "perfguard/cli.h"
#include "perfguard/config.h"
#include "perfguard/report.h"
#include "perfguard/store.h"
#include "perfguard/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
	OPT_FORMAT = 0x2000, OPT_RUN, OPT_SINCE, OPT_COMPONENT, OPT_BVR, OPT_COMPARE,
	OPT_MAX_BYTES, OPT_HISTORY, OPT_ARTIFACTS, OPT_KEEP,
};

/* The file name extension of each format, in enum order. */
static const char *const format_ext[] = { "html", "json", "xml", "md" };

/* Parse DATE: "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" (local time, or UTC
 * with a trailing Z after a T form), or "Nd" for N days ago. Returns 0
 * with *at in epoch seconds, or -1. */
static int parse_since(const char *s, double *at)
{
	char *end;
	errno = 0;
	long days = strtol(s, &end, 10);
	if (end != s && strcmp(end, "d") == 0 && !errno && days >= 0 && days <= 100000) {
		*at = pfg_wall_time() - 86400.0 * (double)days;
		return 0;
	}
	static const char *const forms[] = { "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
					     "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d" };
	for (size_t k = 0; k < sizeof forms / sizeof *forms; k++) {
		struct tm tm;
		memset(&tm, 0, sizeof tm);
		const char *rest = strptime(s, forms[k], &tm);
		if (!rest || (*rest && strcmp(rest, "Z") != 0))
			continue;
		tm.tm_isdst = -1;
		time_t t = *rest ? timegm(&tm) : mktime(&tm);
		if (t == (time_t)-1)
			return -1;
		*at = (double)t;
		return 0;
	}
	return -1;
}

/* The format a file name implies (.json, .xml, .md), else HTML. */
static enum pfg_report_format format_of(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	if (dot && strcmp(dot, ".json") == 0)
		return PFG_REPORT_JSON;
	if (dot && strcmp(dot, ".xml") == 0)
		return PFG_REPORT_JUNIT;
	if (dot && strcmp(dot, ".md") == 0)
		return PFG_REPORT_MARKDOWN;
	return PFG_REPORT_HTML;
}

/* Write r to path ("-" or NULL: standard output) through a temporary file
 * beside it, renamed into place only when complete; a path that is not a
 * regular file (a device, a FIFO) is written directly. Returns an exit
 * code. */
static int write_out(const struct pfg_cli *cli, const struct pfg_report *r,
		     enum pfg_report_format fmt, const char *path)
{
	char err[PFG_ERR_MAX];
	if (!path || strcmp(path, "-") == 0) {
		if (pfg_report_write(r, fmt, stdout, err, sizeof err))
			return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s: %s", "<stdout>", err);
		return PFG_EXIT_OK;
	}
	struct stat sb;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		/* A device or a pipe (/dev/null, a FIFO): written as it is, never
		 * replaced by a file. */
		FILE *f = fopen(path, "w");
		int rc = f ? pfg_report_write(r, fmt, f, err, sizeof err) :
			     pfg_error(err, sizeof err, PFG_ERUNTIME, "cannot open: %s",
				       strerror(errno));
		if (f && fclose(f) != 0 && rc == 0)
			rc = pfg_error(err, sizeof err, PFG_ERUNTIME, "cannot write: %s",
				       strerror(errno));
		return rc ? pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s: %s", path, err) :
			    PFG_EXIT_OK;
	}
	char *tmp = pfg_xasprintf("%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int rc = pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s: cannot create: %s", path,
				      strerror(errno));
		free(tmp);
		return rc;
	}
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask); /* as a file fopen() made */
	FILE *f = fdopen(fd, "w");
	int rc = pfg_report_write(r, fmt, f, err, sizeof err);
	if (fclose(f) != 0 && rc == 0)
		rc = pfg_error(err, sizeof err, PFG_ERUNTIME, "cannot write: %s", strerror(errno));
	if (rc == 0 && rename(tmp, path) != 0)
		rc = pfg_error(err, sizeof err, PFG_ERUNTIME, "cannot rename %s into place: %s",
			       tmp, strerror(errno));
	if (rc) {
		unlink(tmp);
		free(tmp);
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s: %s", path, err);
	}
	free(tmp);
	return PFG_EXIT_OK;
}

/* An artifact's name: perfguard-YYYYMMDDTHHMMSSZ[-SEQ].EXT. */
struct artifact {
	char *name;
	char stamp[17];         /* YYYYMMDDTHHMMSSZ */
	long seq;               /* 1 without a -SEQ */
};

/* Parse name as an artifact of extension ext into a (name not copied).
 * Returns 0, or -1 for any other file. */
static int parse_artifact(const char *name, const char *ext, struct artifact *a)
{
	static const char pattern[] = "ddddddddTddddddZ"; /* d: a digit */
	if (strncmp(name, "perfguard-", 10) != 0)
		return -1;
	const char *p = name + 10;
	for (int i = 0; i < 16; i++) {
		char c = pattern[i];
		if (c == 'd' ? (p[i] < '0' || p[i] > '9') : p[i] != c)
			return -1;
	}
	memcpy(a->stamp, p, 16);
	a->stamp[16] = '\0';
	p += 16;
	a->seq = 1;
	if (*p == '-') {
		char *end;
		errno = 0;
		a->seq = strtol(p + 1, &end, 10);
		if (end == p + 1 || errno || a->seq < 2)
			return -1;
		p = end;
	}
	return *p == '.' && strcmp(p + 1, ext) == 0 ? 0 : -1;
}

/* Order artifacts oldest first (qsort). */
static int cmp_artifact(const void *x, const void *y)
{
	const struct artifact *a = x, *b = y;
	int c = strcmp(a->stamp, b->stamp);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* Remove all but the newest keep artifacts of extension ext in dir,
 * saying which on stdout; other files are left alone. An exit code. */
static int rotate_artifacts(const struct pfg_cli *cli, const char *dir, const char *ext,
			    long keep)
{
	DIR *d = opendir(dir);
	if (!d)
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s: cannot read: %s", dir,
				    strerror(errno));
	struct artifact *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		struct artifact a;
		if (parse_artifact(e->d_name, ext, &a))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = pfg_xrealloc(v, cap * sizeof *v);
		}
		a.name = pfg_xstrdup(e->d_name);
		v[n++] = a;
	}
	closedir(d);
	qsort(v, n, sizeof *v, cmp_artifact);
	int rc = PFG_EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		if (i + (size_t)keep < n) {
			char *path = pfg_xasprintf("%s/%s", dir, v[i].name);
			if (unlink(path) == 0) {
				fputs("removed ", stdout);
				pfg_cli_print_safe(stdout, path, 0);
				putchar('\n');
			} else if (errno != ENOENT) {
				rc = pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s: cannot remove: %s",
						  path, strerror(errno));
			}
			free(path);
		}
		free(v[i].name);
	}
	free(v);
	return rc;
}

/* The path of a new artifact of extension ext in dir, stamped with the
 * time now (UTC); when artifacts of that second exist, numbered after the
 * highest of them (-2, -3...), so that it sorts as the newest. */
static char *artifact_path(const char *dir, const char *ext, time_t now)
{
	struct tm tm;
	char stamp[32];
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	long last = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		struct artifact a;
		if (parse_artifact(e->d_name, ext, &a) == 0 && strcmp(a.stamp, stamp) == 0 &&
		    a.seq > last)
			last = a.seq;
	}
	if (d)
		closedir(d);
	if (!last)
		return pfg_xasprintf("%s/perfguard-%s.%s", dir, stamp, ext);
	return pfg_xasprintf("%s/perfguard-%s-%ld.%s", dir, stamp, last + 1, ext);
}

/* Write r into dir (made when missing) in format fmt, or in every format
 * when all, with time-stamped names; then keep the newest keep (0: all) of
 * each format written. An exit code. */
static int write_artifacts(const struct pfg_cli *cli, const struct pfg_report *r,
			   const char *dir, int all, enum pfg_report_format fmt, long keep)
{
	struct stat sb;
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s: cannot create: %s", dir,
				    strerror(errno));
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s: not a directory", dir);
	time_t now = time(NULL);
	int rc = PFG_EXIT_OK;
	for (int f = PFG_REPORT_HTML; f <= PFG_REPORT_MARKDOWN && rc == PFG_EXIT_OK; f++) {
		if (!all && f != (int)fmt)
			continue;
		char *path = artifact_path(dir, format_ext[f], now);
		rc = write_out(cli, r, (enum pfg_report_format)f, path);
		if (rc == PFG_EXIT_OK) {
			fputs("wrote ", stdout);
			pfg_cli_print_safe(stdout, path, 0);
			putchar('\n');
		}
		free(path);
		if (rc == PFG_EXIT_OK && keep > 0)
			rc = rotate_artifacts(cli, dir, format_ext[f], keep);
	}
	return rc;
}

/* `perfguard report`: parse the options, load and write; an exit code.
 * Long because it is one flat case per option, each with its message. */
static int cmd_report(struct pfg_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "run", required_argument, NULL, OPT_RUN },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "component", required_argument, NULL, OPT_COMPONENT },
		{ "baseline-vs-run", no_argument, NULL, OPT_BVR },
		{ "compare", required_argument, NULL, OPT_COMPARE },
		{ "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
		{ "history", required_argument, NULL, OPT_HISTORY },
		{ "artifacts", required_argument, NULL, OPT_ARTIFACTS },
		{ "keep", required_argument, NULL, OPT_KEEP },
		PFG_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct pfg_report_opts o = { 0 };
	enum pfg_report_format fmt = PFG_REPORT_HTML;
	int have_fmt = 0, opt, rc;
	const char *out = NULL, *artifacts = NULL;
	long long id;
	long n, keep = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS "o:", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_FORMAT:
			if (pfg_report_format_parse(optarg, &fmt))
				return pfg_cli_usage_error(cli, "--format: expected html, json, "
							   "junit or markdown, got '%s'", optarg);
			have_fmt = 1;
			break;
		case 'o':
			out = optarg;
			break;
		case OPT_RUN:
			if ((id = pfg_cli_parse_id(cli, "a run", optarg)) < 0)
				return PFG_EXIT_USAGE;
			o.run_id = id;
			break;
		case OPT_SINCE:
			if (parse_since(optarg, &o.since))
				return pfg_cli_usage_error(cli, "--since: expected a date like "
							   "2026-01-31, '2026-01-31 14:00' or 7d "
							   "(days ago), got '%s'", optarg);
			break;
		case OPT_COMPONENT:
			o.component = optarg;
			break;
		case OPT_BVR:
			o.baseline_vs_run = 1;
			break;
		case OPT_COMPARE:
			if ((id = pfg_cli_parse_id(cli, "a run", optarg)) < 0)
				return PFG_EXIT_USAGE;
			o.compare_a = id;
			if (optind >= argc || argv[optind][0] == '-')
				return pfg_cli_usage_error(cli, "--compare: expected two runs, "
							   "RUN_A RUN_B");
			if ((id = pfg_cli_parse_id(cli, "a run", argv[optind++])) < 0)
				return PFG_EXIT_USAGE;
			o.compare_b = id;
			break;
		case OPT_MAX_BYTES:
			if ((n = pfg_cli_parse_count(cli, "--max-bytes", optarg,
						     PFG_REPORT_MD_MIN)) < 0)
				return PFG_EXIT_USAGE;
			o.md_max = (size_t)n;
			break;
		case OPT_HISTORY:
			if ((n = pfg_cli_parse_count(cli, "--history", optarg, 1)) < 0)
				return PFG_EXIT_USAGE;
			o.history = (size_t)n;
			break;
		case OPT_ARTIFACTS:
			if (!*optarg)
				return pfg_cli_usage_error(cli, "--artifacts: expected a directory");
			artifacts = optarg;
			break;
		case OPT_KEEP:
			if ((keep = pfg_cli_parse_count(cli, "--keep", optarg, 1)) < 0)
				return PFG_EXIT_USAGE;
			break;
		default:
			if ((rc = pfg_cli_common_option(cli, opt, optarg)) >= 0)
				return rc;
		}
	}
	if (optind < argc)
		return pfg_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (o.compare_a && (o.run_id || o.baseline_vs_run))
		return pfg_cli_usage_error(cli, "--compare cannot be combined with --run or "
					   "--baseline-vs-run");
	if (artifacts && out)
		return pfg_cli_usage_error(cli, "--artifacts writes time-stamped files into a "
					   "directory: it cannot be combined with -o");
	if (keep && !artifacts)
		return pfg_cli_usage_error(cli, "--keep needs --artifacts DIR (the directory "
					   "whose reports it rotates)");
	if (!have_fmt)
		fmt = format_of(out);
	struct pfg_config *cfg;
	if ((rc = pfg_cli_load_config(cli, 1, &cfg)))
		return rc;
	struct pfg_store *st = NULL;
	struct pfg_report *r = NULL;
	char err[PFG_ERR_MAX];
	if ((rc = pfg_cli_open_store(cli, 1, &st)) == PFG_EXIT_OK) {
		int lrc = pfg_report_load(st, cfg, &o, &r, err, sizeof err);
		if (lrc)
			rc = pfg_cli_fail(cli, pfg_cli_exit_of(lrc), "%s%s", err,
					  lrc == PFG_ENOTFOUND && !o.run_id && !o.compare_a
						  ? ": run 'perfguard run' first" : "");
		else if (artifacts)
			rc = write_artifacts(cli, r, artifacts, !have_fmt, fmt, keep);
		else
			rc = write_out(cli, r, fmt, out);
	}
	pfg_report_free(r);
	pfg_store_close(st);
	pfg_config_free(cfg);
	return rc;
}

const struct pfg_command pfg_cmd_report_entry = {
	.name = "report",
	.summary = "write an HTML, JSON, JUnit XML or Markdown report",
	.usage =
		"Usage: perfguard report [--format html|json|junit|markdown] [-o FILE|-]\n"
		"                        [--run ID] [--since DATE] [--component GLOB]\n"
		"                        [--baseline-vs-run] [--compare RUN_A RUN_B]\n"
		"                        [--max-bytes N] [--history N]\n"
		"                        [--artifacts DIR [--keep N]]\n"
		"\n"
		"Report the suite's state as 'perfguard gate' judges it (each benchmark's\n"
		"latest result against its approved baseline) with its history: the gate's\n"
		"verdict, counts, the environment, every benchmark sorted by severity then\n"
		"change, and per benchmark its history, samples and statistics, and the\n"
		"alerts with their history. Formats are described in perfguard-report(5).\n"
		"\n"
		"  --format F        html (default; one self-contained page, readable with\n"
		"                    scripts and styles blocked), json (schema_version 1),\n"
		"                    junit (JUnit XML for CI) or markdown (for a CI step\n"
		"                    summary or a pull request); without it, -o's .json,\n"
		"                    .xml or .md picks the format\n"
		"  -o, --output FILE write FILE (in full, or not at all); - or none: stdout\n"
		"  --run ID          judge run ID instead of the suite's state\n"
		"  --since DATE      history and alerts from DATE on: 2026-01-31,\n"
		"                    '2026-01-31 14:00' (local time) or 7d (days ago)\n"
		"  --component GLOB  only components matching GLOB (e.g. 'api*')\n"
		"  --baseline-vs-run only each benchmark against its baseline: no history,\n"
		"                    trend nor change points (a smaller report)\n"
		"  --compare A B     run B against run A, with the statistics of a baseline\n"
		"                    comparison (the config's test, alpha and thresholds)\n"
		"  --max-bytes N     the Markdown report's size limit (default 60000, at\n"
		"                    least 2000): rows past it become \"and N more\"\n"
		"  --history N       the latest N runs of each benchmark's history (default\n"
		"                    100)\n"
		"  --artifacts DIR   write into DIR (made when missing), named by the time\n"
		"                    in UTC: perfguard-20261129T201500Z.html, and .json,\n"
		"                    .xml (JUnit), .md: every format, or --format's only;\n"
		"                    prints each file written and removed\n"
		"  --keep N          with --artifacts: keep the newest N reports of each\n"
		"                    format written (other files in DIR are left alone)\n"
		"\n"
		"Exit status: 0 written (whatever the gate says: use 'perfguard gate' to\n"
		"fail CI), 2 bad usage or an unknown run, 3 the database or the file\n"
		"could not be read or written.\n",
	.run = cmd_report,
};
