/* github.c: the GitHub Actions workflow. The database travels in the
 * Actions cache under a key holding the run id (a cache is never updated
 * in place), restored by prefix and saved from the main branch only; it is
 * also kept as an artifact, fetched when the cache was evicted. */
#include "ci_int.h"

#include <stdlib.h>

#include "perfguard/util.h"

/* Write the workflow of o into b. */
void ci_github(struct ci_buf *b, const struct pfg_ci_opts *o, const struct ci_names *n)
{
	ci_put(b, "---\n");
	ci_putf(b, "# perfguard: the performance regression gate of the suite\n#   %s\n",
		n->display);
	ci_put(b,
	       "# Written by 'perfguard ci init github'; see perfguard(1), ci init.\n"
	       "#\n"
	       "# Every push and pull request runs the benchmarks, compares them with\n"
	       "# the history of the main branch and fails on a regression; the\n"
	       "# reports are written and published whatever the gate says.\n"
	       "name: ");
	char *name = pfg_xasprintf("perfguard: %s", n->display);
	ci_put_yaml(b, name);
	free(name);
	ci_put(b, "\n\n\"on\":\n  push:\n    branches: [");
	ci_put_yaml(b, o->branch);
	ci_put(b, "]\n  pull_request:\n  workflow_dispatch:\n\n"
	       "permissions:\n"
	       "  contents: read\n"
	       "  actions: read  # gh run download: the database when the cache is gone\n"
	       "\n"
	       "# One pipeline at a time per branch: two must not race on the history.\n"
	       "concurrency:\n"
	       "  group: ");
	ci_putf(b, "\"perfguard-%s-${{ github.ref }}\"\n", n->slug);
	ci_put(b, "  cancel-in-progress: false\n"
	       "\n"
	       "jobs:\n"
	       "  perfguard:\n"
	       "    # Results compare only within one environment (host, CPU model,\n"
	       "    # kernel): run on one dedicated machine, a self-hosted runner with\n"
	       "    # this label. Hosted runners change machine every job.\n"
	       "    runs-on: [self-hosted, perfguard]\n"
	       "    timeout-minutes: 120\n"
	       "    env:\n"
	       "      CI: \"true\"  # perfguard run stores the run with trigger 'ci'\n"
	       "      PERFGUARD_CONFIG: ");
	ci_put_yaml(b, o->config_path);
	ci_put(b, "\n      PERFGUARD_DB: ");
	ci_put_yaml(b, o->db_path);
	ci_put(b, "\n      # The reports: JUnit XML, HTML, JSON and Markdown\n      PERFGUARD_OUT: " CI_REPORTS_DIR "\n      PERFGUARD_BRANCH: ");
	ci_put_yaml(b, o->branch);
	ci_put(b, "\n      PERFGUARD_WORKFLOW: ");
	ci_put_yaml(b, n->file_name);
	ci_putf(b, "\n"
		"      # The cache key's prefix and the database artifact's name\n"
		"      PERFGUARD_KEY: perfguard-db-%s\n"
		"      PERFGUARD_RUN: ${{ github.run_id }}-${{ github.run_attempt }}\n",
		n->slug);
	ci_put(b,
	       "      # perfguard's git repository, built when the runner lacks perfguard\n"
	       "      PERFGUARD_GIT: ${{ vars.PERFGUARD_GIT }}\n"
	       "      # Webhooks of notifications, from repository secrets, e.g.:\n"
	       "      # SLACK_WEBHOOK_URL: ${{ secrets.SLACK_WEBHOOK_URL }}\n"
	       "    steps:\n"
	       "      - uses: actions/checkout@v4\n"
	       "\n"
	       "      - name: Install perfguard\n"
	       "        run: |\n");
	ci_put_install(b, "          ", "echo \"$HOME/.local/bin\" >> \"$GITHUB_PATH\"");
	ci_put(b,
		"\n"
		"      # A cache is immutable: each run saves under a new key (its id) and\n"
		"      # the newest is restored by prefix.\n"
		"      - name: Restore the database (cache)\n"
		"        id: cache\n"
		"        uses: actions/cache/restore@v4\n"
		"        with:\n"
		"          path: ${{ env.PERFGUARD_DB }}\n"
		"          key: ${{ env.PERFGUARD_KEY }}-${{ env.PERFGUARD_RUN }}\n"
		"          restore-keys: |\n"
		"            ${{ env.PERFGUARD_KEY }}-\n"
		"\n"
		"      # A cache unused for 7 days (or past 10 GB) is evicted: then the\n"
		"      # database artifact of the last main run is fetched.\n"
		"      - name: Fetch the database of the last main run\n"
		"        if: steps.cache.outputs.cache-matched-key == ''\n"
		"        env:\n"
		"          GH_TOKEN: ${{ github.token }}\n"
		"        run: |\n"
		"          run_id=$(gh run list --repo \"$GITHUB_REPOSITORY\" \\\n"
		"            --workflow \"$PERFGUARD_WORKFLOW\" --branch \"$PERFGUARD_BRANCH\" \\\n"
		"            --status completed --limit 1 --json databaseId \\\n"
		"            --jq '.[0].databaseId // empty') || run_id=\"\"\n"
		"          got=\"$RUNNER_TEMP/perfguard-db\"\n"
		"          if [ -n \"$run_id\" ] && gh run download \"$run_id\" \\\n"
		"            --repo \"$GITHUB_REPOSITORY\" --name \"$PERFGUARD_KEY\" \\\n"
		"            --dir \"$got\"; then\n"
		"            mkdir -p \"$(dirname \"$PERFGUARD_DB\")\"\n"
		"            cp \"$got/$(basename \"$PERFGUARD_DB\")\" \"$PERFGUARD_DB\"\n"
		"            echo \"restored the database of run $run_id\"\n"
		"          else\n"
		"            echo \"no earlier database: this run starts the history\"\n"
		"          fi\n"
		"\n"
		"      - name: Run the benchmarks and the gate\n"
		"        run: perfguard run --trigger ci --gate\n"
		"\n"
		"      # Whatever the gate said; the Markdown report stays far under the\n"
		"      # step summary's 1 MiB (report --max-bytes, 60000 by default).\n"
		"      - name: Write the reports\n"
		"        if: ${{ !cancelled() }}\n"
		"        run: |\n"
		"          mkdir -p \"$PERFGUARD_OUT\"\n");
	ci_put_reports(b, "          ", "");
	ci_putf(b,
		"          cat \"$PERFGUARD_OUT/" CI_MARKDOWN "\" >> \"$GITHUB_STEP_SUMMARY\"\n"
		"\n"
		"      - name: Upload the reports\n"
		"        if: ${{ !cancelled() }}\n"
		"        uses: actions/upload-artifact@v4\n"
		"        with:\n"
		"          name: perfguard-reports-%s\n"
		"          path: ${{ env.PERFGUARD_OUT }}\n"
		"          retention-days: 30\n"
		"\n"
		"      # The history is the main branch's: other branches compare with it\n"
		"      # and keep nothing.\n"
		"      - name: Save the database (cache)\n"
		"        if: ${{ !cancelled() && github.ref == 'refs/heads/%s' }}\n"
		"        uses: actions/cache/save@v4\n"
		"        with:\n"
		"          path: ${{ env.PERFGUARD_DB }}\n"
		"          key: ${{ steps.cache.outputs.cache-primary-key }}\n"
		"\n"
		"      - name: Upload the database (artifact)\n"
		"        if: ${{ !cancelled() && github.ref == 'refs/heads/%s' }}\n"
		"        uses: actions/upload-artifact@v4\n"
		"        with:\n"
		"          name: ${{ env.PERFGUARD_KEY }}\n"
		"          path: ${{ env.PERFGUARD_DB }}\n"
		"          retention-days: 90\n"
		"          if-no-files-found: error\n",
		n->slug, o->branch, o->branch);
}
