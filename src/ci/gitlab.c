/* gitlab.c: the GitLab CI job. The database travels in a cache keyed by
 * branch that falls back to the main branch's; a cache is best effort, so
 * when none came the job fetches the database artifact of the main
 * branch's last successful pipeline through the jobs/artifacts API. */
#include "ci_int.h"

/* Write the job of o into b. */
void ci_gitlab(struct ci_buf *b, const struct pfg_ci_opts *o, const struct ci_names *n)
{
	ci_put(b, "---\n");
	ci_putf(b, "# perfguard: the performance regression gate of the suite\n#   %s\n",
		n->display);
	ci_putf(b,
		"# Written by 'perfguard ci init gitlab'; see perfguard(1), ci init.\n"
		"# Use it as .gitlab-ci.yml, or include it from yours:\n"
		"#   include:\n"
		"#     - local: %s\n"
		"#\n"
		"# Every pipeline runs the benchmarks, compares them with the history\n"
		"# and fails on a regression; the reports are written and published\n"
		"# whatever the gate says.\n"
		"perfguard:\n"
		"  stage: test\n"
		"  # Results compare only within one environment (host, CPU model,\n"
		"  # kernel): run on one dedicated machine, a runner with this tag.\n"
		"  tags: [perfguard]\n"
		"  # One job at a time touches the history.\n"
		"  resource_group: perfguard-%s\n"
		"  variables:\n"
		"    PERFGUARD_CONFIG: ",
		o->file_path, n->slug);
	ci_put_yaml(b, o->config_path);
	ci_put(b, "\n    PERFGUARD_DB: ");
	ci_put_yaml(b, o->db_path);
	ci_put(b, "\n    # The reports: JUnit XML, HTML, JSON and Markdown\n    PERFGUARD_OUT: " CI_REPORTS_DIR "\n    PERFGUARD_BRANCH: ");
	ci_put_yaml(b, o->branch);
	ci_put(b, "\n    # The same two, encoded for the jobs/artifacts API's URL\n"
	       "    PERFGUARD_BRANCH_URL: ");
	ci_put_yaml(b, n->branch_url);
	ci_put(b, "\n    PERFGUARD_DB_URL: ");
	ci_put_yaml(b, n->db_url);
	ci_putf(b,
		"\n"
		"    # 1: when no cache came, fetch the main branch's last database\n"
		"    PERFGUARD_FETCH_DB: \"1\"\n"
		"    # perfguard's git repository, built when the runner lacks perfguard\n"
		"    PERFGUARD_GIT: \"\"\n"
		"  # Each branch keeps its own history and starts from the main branch's.\n"
		"  cache:\n"
		"    key: perfguard-%s-$CI_COMMIT_REF_SLUG\n"
		"    fallback_keys:\n"
		"      - perfguard-%s-%s\n"
		"    paths:\n"
		"      - ",
		n->slug, n->slug, n->branch_slug);
	ci_put_yaml(b, o->db_path);
	ci_put(b, "\n"
	       "    when: always\n"
	       "  before_script:\n"
	       "    - |\n");
	ci_put_install(b, "      ", NULL);
	ci_put(b,
	       "  script:\n"
	       "    - |\n"
	       "      if [ ! -s \"$PERFGUARD_DB\" ] && [ \"$PERFGUARD_FETCH_DB\" = 1 ]; then\n"
	       "        api=\"$CI_API_V4_URL/projects/$CI_PROJECT_ID/jobs/artifacts\"\n"
	       "        url=\"$api/$PERFGUARD_BRANCH_URL/raw/$PERFGUARD_DB_URL?job=perfguard\"\n"
	       "        mkdir -p \"$(dirname \"$PERFGUARD_DB\")\"\n"
	       "        if curl --fail --silent --show-error --location \\\n"
	       "          --header \"JOB-TOKEN: $CI_JOB_TOKEN\" \\\n"
	       "          --output \"$PERFGUARD_DB.part\" \"$url\"; then\n"
	       "          mv \"$PERFGUARD_DB.part\" \"$PERFGUARD_DB\"\n"
	       "          echo \"fetched the database of the last $PERFGUARD_BRANCH pipeline\"\n"
	       "        else\n"
	       "          rm -f \"$PERFGUARD_DB.part\"\n"
	       "          echo \"no earlier database: this pipeline starts the history\"\n"
	       "        fi\n"
	       "      fi\n"
	       "    - rc=0\n"
	       "    - perfguard run --trigger ci --gate || rc=$?\n"
	       "    # The reports, whatever the gate said; then its verdict.\n"
	       "    - mkdir -p \"$PERFGUARD_OUT\"\n");
	ci_put_reports(b, "    - ", " || rc=3");
	ci_put(b,
	       "    - exit \"$rc\"\n"
	       "  artifacts:\n"
	       "    when: always\n"
	       "    expire_in: 30 days\n"
	       "    paths:\n"
	       "      - " CI_REPORTS_DIR "/\n"
	       "      - ");
	ci_put_yaml(b, o->db_path);
	ci_put(b, "\n"
	       "    reports:\n"
	       "      junit: " CI_REPORTS_DIR "/" CI_JUNIT "\n");
}
