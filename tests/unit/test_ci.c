/* test_ci.c: the pipeline writers: quoting for YAML and Groovy, the names
 * made from a suite (slug, display line, GitLab's branch slug, URL
 * encoding), what each platform refuses to hold, and the keys each
 * pipeline must carry. tests/cli/t800-ci.sh parses and runs the files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/ci.h"
#include "perfguard/util.h"
#include "../../src/ci/ci_int.h"

#include <stdlib.h>
#include <string.h>

/* opts for platform p with the usual paths and suite s. */
static struct pfg_ci_opts opts(enum pfg_ci_platform p, const char *s)
{
	return (struct pfg_ci_opts){ .platform = p, .suite = s, .config_path = "perfguard.json",
				     .db_path = ".perfguard/perfguard.db", .branch = "main",
				     .file_path = pfg_ci_default_path(p) };
}

/* The text rendered for o; fails the test when it is refused. */
static char *render(const struct pfg_ci_opts *o)
{
	char *out = NULL, err[PFG_ERR_MAX];
	assert_int_equal(pfg_ci_render(o, &out, err, sizeof err), 0);
	return out;
}

/* The message of o's refusal. */
static const char *refusal(const struct pfg_ci_opts *o)
{
	static char err[PFG_ERR_MAX];
	char *out = NULL;
	assert_int_equal(pfg_ci_render(o, &out, err, sizeof err), PFG_EINPUT);
	assert_null(out);
	return err;
}

static void test_quoting(void **state)
{
	(void)state;
	struct ci_buf b = { 0 };
	ci_put_yaml(&b, "a\"b\\c\nd\x7f");
	assert_string_equal(b.s, "\"a\\\"b\\\\c\\x0Ad\\x7F\"");
	b.len = 0;
	ci_put_groovy(&b, "it's \\ $x\t");
	assert_string_equal(b.s, "'it\\'s \\\\ $x\\u0009'");
	free(b.s);
}

static void test_names(void **state)
{
	(void)state;
	struct pfg_ci_opts o = opts(PFG_CI_GITHUB, "Évil \"Suite\"\n${{ secrets.X }}");
	char *t = render(&o);
	assert_non_null(strstr(t, "PERFGUARD_KEY: perfguard-db-vil-suite-secrets.x\n"));
	assert_non_null(strstr(t, "name: \"perfguard: Évil \\\"Suite\\\" $ {{ secrets.X }}\"\n"));
	assert_null(strstr(t, "${{ secrets.X"));
	free(t);
	o = opts(PFG_CI_GITHUB, "");
	t = render(&o);
	assert_non_null(strstr(t, "perfguard-db-suite\n"));
	free(t);
	o = opts(PFG_CI_GITLAB, "s");
	o.branch = "Release/2.x";
	o.db_path = "d b/#p.db";
	t = render(&o);
	assert_non_null(strstr(t, "- perfguard-s-release-2-x\n"));
	assert_non_null(strstr(t, "PERFGUARD_BRANCH_URL: \"Release%2F2.x\""));
	assert_non_null(strstr(t, "PERFGUARD_DB_URL: \"d%20b/%23p.db\""));
	free(t);
}

static void test_refused(void **state)
{
	(void)state;
	struct pfg_ci_opts o = opts(PFG_CI_GITHUB, "s");
	o.db_path = "a/*.db";
	assert_non_null(strstr(refusal(&o), "holds '*'"));
	o.db_path = "a\tb";
	assert_non_null(strstr(refusal(&o), "control character"));
	o.db_path = "a/\xff.db";
	assert_non_null(strstr(refusal(&o), "not valid UTF-8"));
	o.db_path = "/abs.db";
	assert_non_null(strstr(refusal(&o), "is absolute"));
	o.db_path = ".perfguard/perfguard.db";
	o.branch = "main..x";
	assert_non_null(strstr(refusal(&o), "--branch"));
	o.branch = "main";
	o.platform = PFG_CI_GITLAB;
	o.config_path = "$HOME/perfguard.json";
	assert_non_null(strstr(refusal(&o), "GitLab expands"));
	o.platform = PFG_CI_JENKINS;
	o.config_path = "my dir/perfguard.json";
	assert_non_null(strstr(refusal(&o), "holds a space"));
	o.platform = PFG_CI_GITHUB;
	free(render(&o)); /* GitHub holds both */
}

static void test_keys(void **state)
{
	(void)state;
	static const char *const want[][8] = {
		{ "restore-keys:", "actions/cache/save@v4", "refs/heads/main",
		  "concurrency:", "retention-days: 90", "GITHUB_STEP_SUMMARY",
		  "${{ !cancelled() }}", "perfguard run --trigger ci --gate" },
		{ "fallback_keys:", "$CI_COMMIT_REF_SLUG", "when: always",
		  "expire_in:", "junit: perfguard-reports/report.xml", "JOB-TOKEN",
		  "jobs/artifacts", "perfguard run --trigger ci --gate" },
		{ "junit(", "archiveArtifacts(", "publishHTML(", "copyArtifacts(",
		  "disableConcurrentBuilds()", "returnStatus: true", "post {",
		  "perfguard run --trigger ci --gate" },
	};
	for (int p = PFG_CI_GITHUB; p <= PFG_CI_JENKINS; p++) {
		struct pfg_ci_opts o = opts((enum pfg_ci_platform)p, "s");
		char *t = render(&o);
		for (int k = 0; k < 8; k++)
			if (!strstr(t, want[p][k]))
				fail_msg("%s: no '%s'", pfg_ci_platform_name(o.platform), want[p][k]);
		char *next = pfg_ci_next_steps(&o);
		assert_non_null(strstr(next, "perfguard"));
		free(next);
		free(t);
	}
	enum pfg_ci_platform p;
	assert_int_equal(pfg_ci_platform_parse("gitlab", &p), 0);
	assert_int_equal(p, PFG_CI_GITLAB);
	assert_int_equal(pfg_ci_platform_parse("GitLab", &p), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
