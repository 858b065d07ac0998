/* cmd_ci.c: `perfguard ci init`: write a CI pipeline for the suite in the
 * current directory (src/ci/). */
#include "perfguard/ci.h"
#include "perfguard/cli.h"
#include "perfguard/config.h"
#include "perfguard/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { OPT_FORCE = 0x2000, OPT_BRANCH };

static const char *const platform_titles[] = { "GitHub Actions workflow",
					       "GitLab CI job", "Jenkins declarative pipeline" };

/* path relative to the current directory, without leading "./": a copy of
 * a relative path, an absolute one under cwd made relative, else NULL. */
static char *relative_to_cwd(const char *path)
{
	if (path[0] == '/') {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof cwd))
			return NULL;
		size_t n = strlen(cwd);
		if (strncmp(path, cwd, n) != 0 || path[n] != '/')
			return NULL;
		path += n + 1;
	}
	while (path[0] == '.' && path[1] == '/')
		for (path += 2; *path == '/'; path++)
			;
	return *path ? pfg_xstrdup(path) : NULL;
}

/* Create the directories leading to path (as mkdir -p of its dirname);
 * 0, or -1 with errno set. */
static int make_parents(const char *path)
{
	char *copy = pfg_xstrdup(path);
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
			free(copy);
			return -1;
		}
		*p = '/';
	}
	free(copy);
	return 0;
}

/* Write text to path whole, or not at all: through a temporary file beside
 * it, moved into place with rename (force) or link, which refuses an
 * existing file. Returns an exit code after saying why it failed. */
static int write_whole(const struct pfg_cli *cli, const char *path, const char *text,
		       int force)
{
	if (make_parents(path) != 0)
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s: cannot create its directory: %s",
				    path, strerror(errno));
	char *tmp = pfg_xasprintf("%s.tmp.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		int rc = pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s: %s", path, strerror(errno));
		free(tmp);
		return rc;
	}
	size_t len = strlen(text);
	int ok = write(fd, text, len) == (ssize_t)len;
	ok &= fsync(fd) == 0;
	ok &= close(fd) == 0;
	int e = errno, exists = 0;
	if (ok && force)
		ok = rename(tmp, path) == 0;
	else if (ok) {
		ok = link(tmp, path) == 0;
		exists = !ok && errno == EEXIST;
	}
	e = ok ? 0 : errno ? errno : e;
	unlink(tmp);
	free(tmp);
	if (exists)
		return pfg_cli_fail(cli, PFG_EXIT_USAGE, "%s already exists; use --force to "
				    "overwrite it, or -o to write elsewhere", path);
	if (!ok)
		return pfg_cli_fail(cli, PFG_EXIT_RUNTIME, "%s: %s", path, strerror(e));
	return PFG_EXIT_OK;
}

/* `perfguard ci init PLATFORM`: parse, render, write; an exit code. */
static int ci_init(struct pfg_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "branch", required_argument, NULL, OPT_BRANCH },
		PFG_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *branch = "main";
	int force = 0, opt, rc;
	optind = 1;
	while ((opt = getopt_long(argc, argv, PFG_COMMON_SHORTOPTS "o:", longopts, NULL)) != -1) {
		if (opt == 'o')
			out = optarg;
		else if (opt == OPT_FORCE)
			force = 1;
		else if (opt == OPT_BRANCH)
			branch = optarg;
		else if ((rc = pfg_cli_common_option(cli, opt, optarg)) >= 0)
			return rc;
	}
	enum pfg_ci_platform platform;
	if (optind >= argc)
		return pfg_cli_usage_error(cli, "init: expected a platform: github, gitlab "
					   "or jenkins");
	if (pfg_ci_platform_parse(argv[optind], &platform))
		return pfg_cli_usage_error(cli, "init: no platform '%s': expected github, "
					   "gitlab or jenkins", argv[optind]);
	if (optind + 1 < argc)
		return pfg_cli_usage_error(cli, "unexpected argument '%s'", argv[optind + 1]);
	if (!out)
		out = pfg_ci_default_path(platform);

	struct pfg_config *cfg;
	if ((rc = pfg_cli_load_config(cli, 0, &cfg)))
		return rc;
	char *db = pfg_cli_db_path(cli);
	char *config_rel = relative_to_cwd(cli->config_path);
	char *db_rel = relative_to_cwd(db);
	char *out_rel = relative_to_cwd(out);
	char *text = NULL;
	char err[PFG_ERR_MAX];
	if (!config_rel || !db_rel) {
		rc = pfg_cli_fail(cli, PFG_EXIT_USAGE, "%s %s is not inside the current "
				  "directory: run 'perfguard ci init' at the root of the "
				  "repository the pipeline checks out",
				  config_rel ? "the database" : "the config",
				  config_rel ? db : cli->config_path);
		goto done;
	}
	const char *slash = strrchr(out, '/');
	struct pfg_ci_opts o = {
		.platform = platform, .suite = cfg->suite, .config_path = config_rel,
		.db_path = db_rel, .branch = branch,
		.file_path = out_rel ? out_rel : slash ? slash + 1 : out,
	};
	if ((rc = pfg_ci_render(&o, &text, err, sizeof err))) {
		rc = pfg_cli_fail(cli, PFG_EXIT_USAGE, "%s", err);
		goto done;
	}
	if ((rc = write_whole(cli, out, text, force)))
		goto done;
	printf("wrote %s: a %s for the suite in %s, with its database %s\n", out,
	       platform_titles[platform], config_rel, db_rel);
	char *next = pfg_ci_next_steps(&o);
	fputs(next, stdout);
	free(next);
done:
	free(text);
	free(out_rel);
	free(db_rel);
	free(config_rel);
	free(db);
	pfg_config_free(cfg);
	return rc;
}

/* `perfguard ci`: its one subcommand, init. */
static int cmd_ci(struct pfg_cli *cli, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "init") == 0)
		return ci_init(cli, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "--help") == 0)
		return pfg_cli_common_option(cli, PFG_OPT_HELP, NULL);
	if (argc < 2 || argv[1][0] == '-')
		return pfg_cli_usage_error(cli, "expected init");
	return pfg_cli_usage_error(cli, "no subcommand '%s': expected init", argv[1]);
}

const struct pfg_command pfg_cmd_ci_entry = {
	.name = "ci",
	.summary = "write a CI pipeline: GitHub Actions, GitLab CI or Jenkins",
	.usage =
		"Usage: perfguard ci init github|gitlab|jenkins [-o PATH] [--force]\n"
		"                         [--branch NAME] [-c FILE] [--db FILE]\n"
		"\n"
		"Write a pipeline for the suite of the config, run at the root of the\n"
		"repository: it installs perfguard when the runner lacks it (from\n"
		"$PERFGUARD_GIT), restores the database of earlier pipelines, runs\n"
		"'perfguard run --trigger ci --gate', writes the JUnit,\n"
		"HTML, JSON and Markdown reports even when the gate fails, publishes them,\n"
		"and keeps the database for the next pipeline. Then it prints what is\n"
		"left to do (a runner, secrets). See perfguard(1), ci init.\n"
		"\n"
		"  github   .github/workflows/perfguard.yml: the database in the Actions\n"
		"           cache (a key per run, restored by prefix, saved from the main\n"
		"           branch only) and as an artifact kept 90 days; a concurrency\n"
		"           group; the Markdown report in the step summary\n"
		"  gitlab   .gitlab-ci.yml (or a file to include): a cache per branch\n"
		"           falling back to the main branch's, else the main branch's\n"
		"           last database through the jobs/artifacts API; artifacts\n"
		"           when: always, expire_in, reports: junit\n"
		"  jenkins  Jenkinsfile (declarative): junit, archiveArtifacts,\n"
		"           publishHTML; the database of the main branch's last build\n"
		"           with copyArtifacts when the plugin is there\n"
		"\n"
		"  -o, --output PATH  write PATH instead of the platform's usual file\n"
		"  --force            overwrite an existing file\n"
		"  --branch NAME      the main branch, whose history is kept (main)\n"
		"  -c, --config FILE  the config (default ./perfguard.json, $PERFGUARD_CONFIG)\n"
		"  --db FILE          the database, inside the repository (default\n"
		"                     .perfguard/perfguard.db beside the config)\n"
		"\n"
		"Exit status: 0 written; 2 bad usage, a bad config, a path a pipeline\n"
		"cannot hold, or the file exists; 3 the file could not be written.\n",
	.run = cmd_ci,
};
