/* test_report.c: the report module on a real database: the model's order
 * (severity, then change), each format rendered and read back (JSON with
 * cJSON, the Markdown size limit, JUnit's counts), the escaping every
 * format shares, numbers without exponents, and the options it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/report.h"
#include "perfguard/store.h"
#include "perfguard/util.h"
#include "../../src/report/report_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NB 40   /* benchmarks, each regressed by a different amount */

struct fixture {
	char dir[64];
	struct pfg_store *st;
	int64_t env, run_a, run_b, bench[NB];
};

/* Store samples around m of bench in run. */
static void add(struct fixture *f, int64_t run, int64_t bench, double m)
{
	struct pfg_sample s[5];
	memset(s, 0, sizeof s);
	for (int i = 0; i < 5; i++)
		s[i].value = m * (1 + 0.01 * (i - 2));
	struct pfg_result_row r = { .ok = 1, .n = 5, .mean = m, .median = m };
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_store_add_result(f->st, run, bench, s, 5, NULL, NULL, &r, err,
					      sizeof err), 0);
}

/* NB benchmarks: a baseline run at 100, then run B at 100 + 2k + 1 (k
 * their index) with the comparison stored as the analysis would. */
static int setup(void **state)
{
	struct fixture *f = pfg_xcalloc(1, sizeof *f);
	char err[PFG_ERR_MAX];
	snprintf(f->dir, sizeof f->dir, "/tmp/pfg-report-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	char *db = pfg_xasprintf("%s/t.db", f->dir);
	if (pfg_store_open(db, &f->st, err, sizeof err))
		return -1;
	free(db);
	struct pfg_environment env;
	pfg_environment_detect(&env);
	assert_int_equal(pfg_store_environment_id(f->st, &env, &f->env, err, sizeof err), 0);
	for (int k = 0; k < NB; k++) {
		char name[32];
		snprintf(name, sizeof name, k == 7 ? "<x>&\"%02d" : "b%02d", k);
		assert_int_equal(pfg_store_benchmark_id(f->st, k % 2 ? "odd" : "even", name,
							"custom", "ms", "lower", &f->bench[k],
							err, sizeof err), 0);
	}
	int64_t *runs[2] = { &f->run_a, &f->run_b };
	for (int r = 0; r < 2; r++) {
		assert_int_equal(pfg_store_run_begin(f->st, f->env, "cli", "abc123", runs[r],
						     err, sizeof err), 0);
		for (int k = 0; k < NB; k++)
			add(f, *runs[r], f->bench[k], r ? 100 + 2 * k + 1 : 100);
		assert_int_equal(pfg_store_run_end(f->st, *runs[r], PFG_RUN_COMPLETE, err,
						   sizeof err), 0);
	}
	double thr[4] = { 5, 10, 20, 50 };
	for (int k = 0; k < NB; k++) {
		int64_t bl;
		struct pfg_baseline_stats bs = { 5, 100, 100, 1 };
		assert_int_equal(pfg_store_baseline_propose(f->st, f->bench[k], f->env,
							    &f->run_a, 1, &bs, "t", "t", &bl,
							    err, sizeof err), 0);
		assert_int_equal(pfg_store_baseline_decide(f->st, bl, PFG_BASELINE_APPROVED,
							   "t", NULL, err, sizeof err), 0);
		double chg = 2.0 * k + 1;
		struct pfg_comparison c = { .run_id = f->run_b, .bench_id = f->bench[k],
					    .baseline_id = bl, .n_base = 5, .n_current = 5,
					    .estimate_base = 100, .estimate_current = 100 + chg,
					    .change_pct = chg, .ci_low_pct = chg - 1,
					    .ci_high_pct = chg + 1, .p_value = 1e-6, .mde_pct = 1 };
		snprintf(c.test, sizeof c.test, "yuen");
		c.verdict = chg >= 5 ? PFG_VERDICT_REGRESSION : PFG_VERDICT_NO_CHANGE;
		c.severity = c.verdict == PFG_VERDICT_REGRESSION ? pfg_stats_severity_of(chg, thr)
								 : PFG_SEVERITY_NONE;
		assert_int_equal(pfg_store_comparison_put(f->st, &c, err, sizeof err), 0);
	}
	*state = f;
	return 0;
}

/* Remove the database. */
static int teardown(void **state)
{
	struct fixture *f = *state;
	pfg_store_close(f->st);
	char *cmd = pfg_xasprintf("rm -rf '%s'", f->dir);
	int rc = system(cmd);
	free(cmd);
	free(f);
	return rc == 0 ? 0 : -1;
}

/* Render r as fmt into a string (caller frees). */
static char *render(const struct pfg_report *r, enum pfg_report_format fmt, size_t *len)
{
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_report_write(r, fmt, m, err, sizeof err), 0);
	fclose(m);
	return buf;
}

/* The suite: sorted by severity then change; the gate fails on major. */
static void test_order_and_json(void **state)
{
	struct fixture *f = *state;
	struct pfg_report_opts o = { 0 };
	struct pfg_report *r;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_report_load(f->st, NULL, &o, &r, err, sizeof err), 0);
	assert_int_equal(r->n, NB);
	assert_string_equal(r->b[0].name, "b39");          /* +79%: critical */
	assert_int_equal(r->b[0].cmp.severity, PFG_SEVERITY_CRITICAL);
	for (size_t i = 1; i < r->n; i++)
		assert_true(r->b[i - 1].rank > r->b[i].rank ||
			    (r->b[i - 1].rank == r->b[i].rank &&
			     r->b[i - 1].worse_pct >= r->b[i].worse_pct));
	assert_true(pfg_report_failed(r));
	assert_string_equal(r->git_rev, "abc123");
	size_t len;
	char *text = render(r, PFG_REPORT_JSON, &len);
	cJSON *j = cJSON_Parse(text);
	assert_non_null(j);
	assert_int_equal(cJSON_GetObjectItem(j, "schema_version")->valueint, 1);
	cJSON *benches = cJSON_GetObjectItem(j, "benchmarks");
	assert_int_equal(cJSON_GetArraySize(benches), NB);
	cJSON *first = cJSON_GetArrayItem(benches, 0);
	assert_string_equal(cJSON_GetObjectItem(first, "name")->valuestring, "b39");
	cJSON *cmp = cJSON_GetObjectItem(first, "comparison");
	assert_true(cJSON_GetObjectItem(cmp, "change_pct")->valuedouble == 79);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "gate"), "verdict")
			    ->valuestring, "fail");
	cJSON_Delete(j);
	free(text);
	pfg_report_free(r);
}

/* Markdown: under the limit asked, the rest counted; all rows without one. */
static void test_markdown_limit(void **state)
{
	struct fixture *f = *state;
	struct pfg_report_opts o = { .md_max = 2500 };
	struct pfg_report *r;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_report_load(f->st, NULL, &o, &r, err, sizeof err), 0);
	size_t len;
	char *md = render(r, PFG_REPORT_MARKDOWN, &len);
	assert_true(len <= 2500);
	assert_non_null(strstr(md, "more regressions or improvements not shown"));
	assert_non_null(strstr(md, "odd/b39"));
	assert_null(strstr(md, "<x>"));
	free(md);
	r->o.md_max = 0;
	md = render(r, PFG_REPORT_MARKDOWN, &len);
	assert_null(strstr(md, "not shown"));
	assert_non_null(strstr(md, "odd/&lt;x&gt;&amp;\"07"));
	free(md);
	pfg_report_free(r);
}

/* JUnit: a suite per component, failures for what fails the gate (major
 * and critical: changes of 20% and more), names escaped. */
static void test_junit(void **state)
{
	struct fixture *f = *state;
	struct pfg_report_opts o = { 0 };
	struct pfg_report *r;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_report_load(f->st, NULL, &o, &r, err, sizeof err), 0);
	size_t len, n = 0;
	char *x = render(r, PFG_REPORT_JUNIT, &len);
	for (const char *p = x; (p = strstr(p, "<failure ")); p++)
		n++;
	assert_int_equal(n, NB - 10);   /* 2k + 1 >= 20 from k = 10 on */
	n = 0;
	for (const char *p = x; (p = strstr(p, "<testsuite ")); p++)
		n++;
	assert_int_equal(n, 2);
	assert_non_null(strstr(x, "name=\"&lt;x&gt;&amp;&quot;07\""));
	assert_non_null(strstr(x, "name=\"b00\" time=\"0.505\"")); /* 5 x 101 ms */
	free(x);
	pfg_report_free(r);
}

/* The HTML page holds one script, escaped names, a section per benchmark. */
static void test_html(void **state)
{
	struct fixture *f = *state;
	struct pfg_report_opts o = { .component = "odd" };
	struct pfg_report *r;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_report_load(f->st, NULL, &o, &r, err, sizeof err), 0);
	assert_int_equal(r->n, NB / 2);
	size_t len, n = 0;
	char *h = render(r, PFG_REPORT_HTML, &len);
	for (const char *p = h; (p = strstr(p, "<script")); p++)
		n++;
	assert_int_equal(n, 1);
	assert_null(strstr(h, "<x>"));
	assert_non_null(strstr(h, "odd/&lt;x&gt;&amp;&quot;07"));
	n = 0;
	for (const char *p = h; (p = strstr(p, "<details id=\"b")); p++)
		n++;
	assert_int_equal(n, NB / 2);
	free(h);
	pfg_report_free(r);
}

/* One benchmark's page, linked under a served prefix; an unknown one. */
static void test_bench_page(void **state)
{
	struct fixture *f = *state;
	struct pfg_report_opts o = { .benchmark = "odd/<x>&\"07", .link_base = "/p/" };
	struct pfg_report *r;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_report_load(f->st, NULL, &o, &r, err, sizeof err), 0);
	assert_int_equal(r->n, 1);
	size_t len;
	char *h = render(r, PFG_REPORT_HTML, &len);
	assert_non_null(strstr(h, "<a href=\"/p/benchmark/odd/%3Cx%3E%26%2207\">"));
	assert_non_null(strstr(h, "<a href=\"/p/report.json\">JSON</a>"));
	assert_non_null(strstr(h, "<details id=\"b0\" open>"));
	assert_null(strstr(h, "<tr><td><a href=\"#b0\">")); /* the table links out */
	free(h);
	pfg_report_free(r);
	struct pfg_report_opts none = { .benchmark = "odd/b02" }; /* b02 is even's */
	assert_int_equal(pfg_report_load(f->st, NULL, &none, &r, err, sizeof err),
			 PFG_ENOTFOUND);
	assert_null(r);
	assert_non_null(strstr(err, "odd/b02"));
	const char *csp = pfg_report_html_csp();
	assert_non_null(strstr(csp, "default-src 'none'; style-src 'sha256-"));
	assert_non_null(strstr(csp, "; script-src 'sha256-"));
	assert_ptr_equal(csp, pfg_report_html_csp());
}

/* Options that contradict each other, and unknown runs. */
static void test_refused(void **state)
{
	struct fixture *f = *state;
	struct pfg_report *r;
	char err[PFG_ERR_MAX];
	struct pfg_report_opts half = { .compare_a = 1 };
	assert_int_equal(pfg_report_load(f->st, NULL, &half, &r, err, sizeof err), PFG_EINPUT);
	assert_null(r);
	struct pfg_report_opts both = { .compare_a = 1, .compare_b = 2, .run_id = 1 };
	assert_int_equal(pfg_report_load(f->st, NULL, &both, &r, err, sizeof err), PFG_EINPUT);
	struct pfg_report_opts unknown = { .compare_a = f->run_a, .compare_b = 99 };
	assert_int_equal(pfg_report_load(f->st, NULL, &unknown, &r, err, sizeof err),
			 PFG_ENOTFOUND);
	assert_non_null(strstr(err, "99"));
	struct pfg_report_opts run = { .run_id = 99 };
	assert_int_equal(pfg_report_load(f->st, NULL, &run, &r, err, sizeof err), PFG_ENOTFOUND);
	enum pfg_report_format fmt;
	assert_int_equal(pfg_report_format_parse("md", &fmt), 0);
	assert_int_equal(fmt, PFG_REPORT_MARKDOWN);
	assert_int_equal(pfg_report_format_parse("junit", &fmt), 0);
	assert_string_equal(pfg_report_format_name(fmt), "junit");
	assert_int_equal(pfg_report_format_parse("pdf", &fmt), -1);
}

/* Escaping for HTML and XML, and JUnit's decimals. */
static void test_text(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len;
	FILE *m = open_memstream(&buf, &len);
	pfg_report_esc(m, "<a href='x'>&\"\x01\xff ok\n\xc3\xa9");
	fclose(m);
	assert_string_equal(buf, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\xEF\xBF\xBD\xEF\xBF\xBD"
			    " ok\n\xc3\xa9");
	free(buf);
	char d[64];
	pfg_report_decimal(1e-7, d, sizeof d);
	assert_string_equal(d, "0.0");
	pfg_report_decimal(1234567.891, d, sizeof d);
	assert_string_equal(d, "1234567.891");
	pfg_report_decimal(2.5, d, sizeof d);
	assert_string_equal(d, "2.5");
	pfg_report_decimal(1e20, d, sizeof d);
	assert_null(strchr(d, 'e'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_and_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_markdown_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_junit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bench_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
