/* test_config.c: loading perfguard.json: the good config and one test per
 * class of error, each checking file, line, path and message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse text; return the number of errors and keep them in errs. */
static size_t parse(const char *text, struct pfg_config **cfg, struct pfg_strv *errs)
{
	memset(errs, 0, sizeof *errs);
	int rc = pfg_config_parse(text, "perfguard.json", "/tmp", cfg, errs);
	assert_int_equal(rc == 0, errs->n == 0);
	assert_int_equal(rc == 0, *cfg != NULL);
	return errs->n;
}

/* Assert that exactly one error was reported and it equals want. */
static void expect_one_error(const char *text, const char *want)
{
	struct pfg_config *cfg;
	struct pfg_strv errs;
	size_t n = parse(text, &cfg, &errs);
	if (n != 1 || strcmp(errs.v[0], want) != 0) {
		for (size_t i = 0; i < n; i++)
			print_error("got: %s\n", errs.v[i]);
		print_error("want: %s\n", want);
		fail();
	}
	pfg_strv_release(&errs);
}

/* A config with one benchmark whose body is given. */
static char *one_bench(const char *body)
{
	return pfg_xasprintf("{\n\"components\": [\n{\"name\": \"c\", \"benchmarks\": [\n"
			     "{\"name\": \"b\", %s}\n]}\n]\n}\n", body);
}

static void test_valid_config_inherits_defaults(void **state)
{
	(void)state;
	const char *text =
		"{\"suite\": \"s\", \"defaults\": {\"runs\": 7, \"warmup\": 2, \"timeout\": 3,\n"
		" \"env\": {\"A\": \"1\"}, \"cwd\": \"work\"},\n"
		" \"thresholds\": {\"minor\": 2, \"moderate\": 4, \"major\": 8, \"critical\": 16},\n"
		" \"components\": [{\"name\": \"comp\", \"benchmarks\": [\n"
		"  {\"name\": \"lat\", \"type\": \"latency\", \"command\": [\"true\", \"x\"]},\n"
		"  {\"name\": \"tp\", \"type\": \"throughput\", \"command\": \"echo hi\", \"ops\": 5,\n"
		"   \"runs\": 3, \"env\": {\"B\": \"2\"}, \"cwd\": \"/abs\"},\n"
		"  {\"name\": \"cu\", \"type\": \"custom\", \"command\": \"x\", \"metric\": \"m\",\n"
		"   \"unit\": \"req\", \"direction\": \"higher\"}]}]}\n";
	struct pfg_config *cfg;
	struct pfg_strv errs;
	assert_int_equal(parse(text, &cfg, &errs), 0);
	assert_string_equal(cfg->suite, "s");
	assert_int_equal(cfg->n_benchmarks, 3);
	assert_true(cfg->thresholds.major == 8);
	const struct pfg_benchmark_cfg *lat = &cfg->benchmarks[0], *tp = &cfg->benchmarks[1],
				       *cu = &cfg->benchmarks[2];
	assert_string_equal(lat->id, "comp/lat");
	assert_int_equal(lat->runs, 7);
	assert_int_equal(lat->warmup, 2);
	assert_true(lat->timeout_s == 3);
	assert_false(lat->command.shell);
	assert_int_equal(lat->command.argv.n, 2);
	assert_string_equal(lat->command.argv.v[1], "x");
	assert_string_equal(lat->cwd, "/tmp/work");
	assert_string_equal(lat->unit, "ms");
	assert_int_equal(lat->direction, PFG_LOWER_IS_BETTER);
	assert_int_equal(lat->env.n, 1);
	assert_int_equal(tp->runs, 3);
	assert_true(tp->command.shell);
	assert_string_equal(tp->command.argv.v[0], "echo hi");
	assert_string_equal(tp->cwd, "/abs");
	assert_int_equal(tp->env.n, 2);
	assert_string_equal(tp->env.v[1], "B=2");
	assert_string_equal(tp->unit, "ops/s");
	assert_int_equal(tp->direction, PFG_HIGHER_IS_BETTER);
	assert_string_equal(cu->metric, "m");
	assert_string_equal(cu->unit, "req");
	assert_int_equal(cu->direction, PFG_HIGHER_IS_BETTER);
	pfg_config_free(cfg);
}

static void test_example_config_is_valid(void **state)
{
	(void)state;
	struct pfg_config *cfg;
	struct pfg_strv errs;
	assert_int_equal(parse(pfg_config_example, &cfg, &errs), 0);
	assert_true(cfg->n_benchmarks >= 4);
	pfg_config_free(cfg);
}

static void test_wrong_type_names_line_and_path(void **state)
{
	(void)state;
	const char *text =
		"{\n"
		"  \"components\": [\n"
		"    {\n"
		"      \"name\": \"ai\",\n"
		"      \"benchmarks\": [\n"
		"        {\"name\": \"a\", \"type\": \"latency\", \"command\": \"true\"},\n"
		"        {\n"
		"          \"name\": \"b\",\n"
		"          \"type\": \"latency\",\n"
		"          \"command\": \"true\",\n"
		"          \"warmup\": 0,\n"
		"          \"runs\": \"ten\"\n"
		"        }\n"
		"      ]\n"
		"    }\n"
		"  ]\n"
		"}\n";
	expect_one_error(text, "perfguard.json:12: components[0].benchmarks[1].runs: "
			 "expected a positive integer or \"auto\", got \"ten\"");
}

static void test_malformed_json_gives_line(void **state)
{
	(void)state;
	expect_one_error("{\n  \"components\": [\n    {\"name\": \"x\",,}\n  ]\n}\n",
			 "perfguard.json:3: malformed JSON near '}'");
	expect_one_error("{\"components\": [", "perfguard.json:1: malformed JSON "
			 "(unexpected end of file)");
}

static void test_unknown_key(void **state)
{
	(void)state;
	char *t = one_bench("\"type\": \"cpu\", \"command\": \"true\", \"rnus\": 3");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].rnus: unknown "
			 "key (expected one of: name, description, type, command, runs, "
			 "warmup, timeout, cwd, env, setup, prepare, cleanup, ops, metric, "
			 "unit, direction, min_runs, max_runs, precision, budget)");
	free(t);
}

static void test_missing_required_field(void **state)
{
	(void)state;
	char *t = one_bench("\"type\": \"cpu\"");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0]: missing "
			 "required key \"command\"");
	free(t);
	expect_one_error("{\"suite\": \"x\"}", "perfguard.json:1: missing required key "
			 "\"components\"");
}

static void test_duplicate_names(void **state)
{
	(void)state;
	expect_one_error(
		"{\"components\": [{\"name\": \"c\", \"benchmarks\": [\n"
		"{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"true\"},\n"
		"{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"true\"}]}]}",
		"perfguard.json:3: components[0].benchmarks[1].name: duplicate benchmark "
		"name \"b\" in component \"c\"");
	expect_one_error(
		"{\"components\": [\n"
		"{\"name\": \"c\", \"benchmarks\": [{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"t\"}]},\n"
		"{\"name\": \"c\", \"benchmarks\": [{\"name\": \"d\", \"type\": \"cpu\", \"command\": \"t\"}]}]}",
		"perfguard.json:3: components[1].name: duplicate component name \"c\"");
}

static void test_duplicate_key(void **state)
{
	(void)state;
	char *t = one_bench("\"type\": \"cpu\", \"command\": \"true\", \"runs\": 3, \"runs\": 4");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].runs: "
			 "duplicate key");
	free(t);
}

static void test_bad_enum_values(void **state)
{
	(void)state;
	char *t = one_bench("\"type\": \"speed\", \"command\": \"true\"");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].type: expected "
			 "one of latency, throughput, memory, cpu, error_rate, custom, got "
			 "\"speed\"");
	free(t);
	t = one_bench("\"type\": \"custom\", \"command\": \"true\", \"metric\": \"m\", "
		      "\"direction\": \"up\"");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].direction: "
			 "expected \"lower\" or \"higher\", got \"up\"");
	free(t);
}

static void test_bad_command(void **state)
{
	(void)state;
	char *t = one_bench("\"type\": \"cpu\", \"command\": []");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].command: "
			 "expected a command: a string for /bin/sh or a non-empty array "
			 "of strings, got []");
	free(t);
	t = one_bench("\"type\": \"cpu\", \"command\": [\"ls\", 3]");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].command[1]: "
			 "expected a string, got 3");
	free(t);
}

static void test_custom_needs_metric_and_direction(void **state)
{
	(void)state;
	struct pfg_config *cfg;
	struct pfg_strv errs;
	char *t = one_bench("\"type\": \"custom\", \"command\": \"true\"");
	assert_int_equal(parse(t, &cfg, &errs), 2);
	assert_non_null(strstr(errs.v[0], "missing required key \"metric\""));
	assert_non_null(strstr(errs.v[1], "missing required key \"direction\""));
	pfg_strv_release(&errs);
	free(t);
}

static void test_implied_unit_not_allowed(void **state)
{
	(void)state;
	char *t = one_bench("\"type\": \"latency\", \"command\": \"true\", \"unit\": \"s\"");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].unit: not "
			 "allowed for type latency, which implies unit ms and direction "
			 "lower (use type custom)");
	free(t);
	t = one_bench("\"type\": \"cpu\", \"command\": \"true\", \"ops\": 3");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].ops: only a "
			 "throughput benchmark takes ops");
	free(t);
}

static void test_bad_numbers(void **state)
{
	(void)state;
	char *t = one_bench("\"type\": \"cpu\", \"command\": \"true\", \"runs\": 0");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].runs: "
			 "expected an integer between 1 and 1000000, got 0");
	free(t);
	t = one_bench("\"type\": \"cpu\", \"command\": \"true\", \"warmup\": 1.5");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].warmup: "
			 "expected an integer between 0 and 1000000, got 1.5");
	free(t);
	t = one_bench("\"type\": \"cpu\", \"command\": \"true\", \"timeout\": -1");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].timeout: "
			 "expected a number of seconds between 0.001 and 86400 (0: no "
			 "timeout), got -1");
	free(t);
}

static void test_thresholds_must_increase(void **state)
{
	(void)state;
	expect_one_error("{\"thresholds\": {\"minor\": 10, \"moderate\": 5},\n"
			 "\"components\": [{\"name\": \"c\", \"benchmarks\": [\n"
			 "{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"t\"}]}]}",
			 "perfguard.json:1: thresholds: expected minor < moderate < major "
			 "< critical, got 10, 5, 20, 50");
}

static void test_bad_env_and_names(void **state)
{
	(void)state;
	char *t = one_bench("\"type\": \"cpu\", \"command\": \"t\", \"env\": {\"X\": 1}");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].env.X: "
			 "expected a string, got 1");
	free(t);
	expect_one_error("{\"components\": [{\"name\": \"a b\", \"benchmarks\": [\n"
			 "{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"t\"}]}]}",
			 "perfguard.json:1: components[0].name: expected letters, digits, "
			 "'_', '.' or '-', got \"a b\"");
}

static void test_every_problem_is_reported(void **state)
{
	(void)state;
	struct pfg_config *cfg;
	struct pfg_strv errs;
	const char *text = "{\"bogus\": 1, \"components\": [{\"name\": \"c\", \"benchmarks\": [\n"
			   "{\"name\": \"b\", \"type\": \"cpu\", \"runs\": -1},\n"
			   "{\"type\": \"nope\", \"command\": 5}]}]}";
	assert_int_equal(parse(text, &cfg, &errs), 6);
	pfg_strv_release(&errs);
}

static void test_analysis_settings(void **state)
{
	(void)state;
	struct pfg_config *cfg;
	struct pfg_strv errs;
	char *t = pfg_xasprintf("{\"statistics\": {\"test\": \"mwu\", \"alpha\": 0.01,"
				" \"outliers\": \"mad\"}, \"confirm_runs\": 2,"
				" \"drift_window\": 12, \"drift_limit\": 8.5,"
				" \"auto_baseline\": \"approve\", \"baseline_runs\": 3,"
				" \"gate\": {\"fail_on\": \"minor\", \"fail_on_missing_baseline\": true},"
				" \"components\": [{\"name\": \"c\", \"benchmarks\": ["
				"{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"t\"}]}]}");
	assert_int_equal(parse(t, &cfg, &errs), 0);
	const struct pfg_analysis_cfg *a = &cfg->analysis;
	assert_int_equal(a->compare.test, PFG_TEST_MWU);
	assert_true(a->compare.alpha == 0.01);
	assert_true(a->compare.confidence == 0.95);
	assert_int_equal(a->compare.outliers, PFG_OUTLIERS_MAD);
	assert_int_equal(a->confirm_runs, 2);
	assert_int_equal(a->drift_window, 12);
	assert_true(a->drift_limit == 8.5);
	assert_int_equal(a->rebaseline_after, 5);
	assert_int_equal(a->baseline_runs, 3);
	assert_true(a->auto_approve);
	assert_int_equal(a->gate_fail_on, PFG_SEVERITY_MINOR);
	assert_true(a->gate_fail_on_missing_baseline);
	pfg_config_free(cfg);
	free(t);
	/* Defaults. */
	t = one_bench("\"type\": \"cpu\", \"command\": \"t\"");
	assert_int_equal(parse(t, &cfg, &errs), 0);
	assert_int_equal(cfg->analysis.compare.test, PFG_TEST_YUEN);
	assert_int_equal(cfg->analysis.confirm_runs, 1);
	assert_int_equal(cfg->analysis.drift_window, 10);
	assert_true(cfg->analysis.drift_limit == 6.5);
	assert_int_equal(cfg->analysis.baseline_runs, 5);
	assert_false(cfg->analysis.auto_approve);
	assert_int_equal(cfg->analysis.gate_fail_on, PFG_SEVERITY_MAJOR);
	pfg_config_free(cfg);
	free(t);
	/* Bad values, each reported. */
	expect_one_error("{\"statistics\": {\"test\": \"t\"}, \"components\": [{\"name\": \"c\","
			 " \"benchmarks\": [{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"t\"}]}]}",
			 "perfguard.json:1: statistics.test: expected one of yuen, welch, mwu, got \"t\"");
	expect_one_error("{\"drift_limit\": 0.5, \"components\": [{\"name\": \"c\","
			 " \"benchmarks\": [{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"t\"}]}]}",
			 "perfguard.json:1: drift_limit: expected a number between 1 and 100, got 0.5");
	expect_one_error("{\"statistics\": {\"alpha\": 5}, \"components\": [{\"name\": \"c\","
			 " \"benchmarks\": [{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"t\"}]}]}",
			 "perfguard.json:1: statistics.alpha: expected a probability between 1e-06 and 0.5, got 5");
	expect_one_error("{\"drift_window\": 2, \"components\": [{\"name\": \"c\","
			 " \"benchmarks\": [{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"t\"}]}]}",
			 "perfguard.json:1: drift_window: expected an integer between 3 and 10000, got 2");
	expect_one_error("{\"gate\": {\"fail_on\": \"none\"}, \"components\": [{\"name\": \"c\","
			 " \"benchmarks\": [{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"t\"}]}]}",
			 "perfguard.json:1: gate.fail_on: expected one of minor, moderate, major, critical, got \"none\"");
	expect_one_error("{\"auto_baseline\": \"yes\", \"components\": [{\"name\": \"c\","
			 " \"benchmarks\": [{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"t\"}]}]}",
			 "perfguard.json:1: auto_baseline: expected \"propose\" or \"approve\", got \"yes\"");
}

/* A config whose defaults object is body, on line 2. */
static char *with_defaults(const char *body)
{
	return pfg_xasprintf("{\n\"defaults\": {%s},\n\"components\": [{\"name\": \"c\", "
			     "\"benchmarks\": [{\"name\": \"b\", \"type\": \"cpu\", "
			     "\"command\": \"t\"}]}]}", body);
}

/* Expect one error for a defaults object body. */
static void expect_defaults_error(const char *body, const char *want)
{
	char *t = with_defaults(body);
	expect_one_error(t, want);
	free(t);
}

/* "runs": "auto" takes the defaults 5, 50, 2% and 60 s, or the values set
 * in defaults and in the benchmark; a fixed count stays as it was. */
static void test_runs_auto(void **state)
{
	(void)state;
	struct pfg_config *cfg;
	struct pfg_strv errs;
	char *t = one_bench("\"type\": \"cpu\", \"command\": \"t\", \"runs\": \"auto\"");
	assert_int_equal(parse(t, &cfg, &errs), 0);
	const struct pfg_benchmark_cfg *b = &cfg->benchmarks[0];
	assert_true(b->auto_runs.on);
	assert_int_equal(b->auto_runs.min_runs, 5);
	assert_int_equal(b->auto_runs.max_runs, 50);
	assert_true(b->auto_runs.precision_pct == 2);
	assert_true(b->auto_runs.budget_s == 60);
	assert_int_equal(b->runs, 50); /* room for max_runs */
	pfg_config_free(cfg);
	free(t);
	/* Inherited from defaults, overridden per benchmark, or turned off. */
	t = pfg_xasprintf("{\"defaults\": {\"runs\": \"auto\", \"min_runs\": 3, \"max_runs\": 9,"
			  " \"precision\": 0.5, \"budget\": 0},\n\"components\": [{\"name\": \"c\","
			  " \"benchmarks\": [\n"
			  "{\"name\": \"a\", \"type\": \"cpu\", \"command\": \"t\"},\n"
			  "{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"t\", \"max_runs\": 20,"
			  " \"precision\": 5, \"budget\": 2.5},\n"
			  "{\"name\": \"d\", \"type\": \"cpu\", \"command\": \"t\", \"runs\": 4}]}]}");
	assert_int_equal(parse(t, &cfg, &errs), 0);
	b = &cfg->benchmarks[0];
	assert_true(b->auto_runs.on);
	assert_int_equal(b->auto_runs.min_runs, 3);
	assert_int_equal(b->auto_runs.max_runs, 9);
	assert_int_equal(b->runs, 9);
	assert_true(b->auto_runs.precision_pct == 0.5);
	assert_true(b->auto_runs.budget_s == 0); /* no budget */
	b = &cfg->benchmarks[1];
	assert_true(b->auto_runs.on);
	assert_int_equal(b->auto_runs.min_runs, 3);
	assert_int_equal(b->auto_runs.max_runs, 20);
	assert_true(b->auto_runs.precision_pct == 5);
	assert_true(b->auto_runs.budget_s == 2.5);
	b = &cfg->benchmarks[2];
	assert_false(b->auto_runs.on);
	assert_int_equal(b->runs, 4);
	pfg_config_free(cfg);
	free(t);
	/* A fixed count without auto keys is unchanged. */
	t = one_bench("\"type\": \"cpu\", \"command\": \"t\", \"runs\": 12");
	assert_int_equal(parse(t, &cfg, &errs), 0);
	assert_false(cfg->benchmarks[0].auto_runs.on);
	assert_int_equal(cfg->benchmarks[0].runs, 12);
	pfg_config_free(cfg);
	free(t);
}

/* Expect one error for a benchmark body after "type" and "command". */
static void expect_bench_error(const char *body, const char *want)
{
	char *t = pfg_xasprintf("{\n\"components\": [\n{\"name\": \"c\", \"benchmarks\": [\n"
				"{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"t\", %s}\n"
				"]}\n]\n}\n", body);
	expect_one_error(t, want);
	free(t);
}

/* Every key of "runs": "auto" is checked: type, range, min <= max, and
 * that the runs are "auto" at all. */
static void test_runs_auto_errors(void **state)
{
	(void)state;
	const char *at = "perfguard.json:4: components[0].benchmarks[0].";
	struct { const char *body, *want; } cases[] = {
		{ "\"runs\": \"many\"",
		  "runs: expected a positive integer or \"auto\", got \"many\"" },
		{ "\"runs\": \"Auto\"",
		  "runs: expected a positive integer or \"auto\", got \"Auto\"" },
		{ "\"runs\": true", "runs: expected a positive integer or \"auto\", got true" },
		{ "\"runs\": 0", "runs: expected an integer between 1 and 1000000, got 0" },
		{ "\"runs\": \"auto\", \"min_runs\": 1",
		  "min_runs: expected an integer between 2 and 1000000, got 1" },
		{ "\"runs\": \"auto\", \"min_runs\": \"5\"",
		  "min_runs: expected an integer between 2 and 1000000, got \"5\"" },
		{ "\"runs\": \"auto\", \"max_runs\": 1000001",
		  "max_runs: expected an integer between 2 and 1000000, got 1000001" },
		{ "\"runs\": \"auto\", \"max_runs\": 2.5",
		  "max_runs: expected an integer between 2 and 1000000, got 2.5" },
		{ "\"runs\": \"auto\", \"precision\": 0",
		  "precision: expected a percentage between 1e-09 and 100, got 0" },
		{ "\"runs\": \"auto\", \"precision\": 101",
		  "precision: expected a percentage between 1e-09 and 100, got 101" },
		{ "\"runs\": \"auto\", \"precision\": \"2%\"",
		  "precision: expected a percentage between 1e-09 and 100, got \"2%\"" },
		{ "\"runs\": \"auto\", \"budget\": -1",
		  "budget: expected a number of seconds between 0.001 and 604800 (0: no "
		  "budget), got -1" },
		{ "\"runs\": \"auto\", \"budget\": 1e999",
		  "budget: expected a number of seconds between 0.001 and 604800 (0: no "
		  "budget), got 1e999" },
		{ "\"runs\": \"auto\", \"min_runs\": 10, \"max_runs\": 8",
		  "max_runs: expected min_runs <= max_runs, got min_runs 10 and max_runs 8" },
		{ "\"runs\": \"auto\", \"min_runs\": 51",
		  "min_runs: expected min_runs <= max_runs, got min_runs 51 and max_runs 50" },
		{ "\"min_runs\": 3",
		  "min_runs: needs \"runs\": \"auto\" (a fixed number of runs takes no min_runs)" },
		{ "\"runs\": 10, \"max_runs\": 3",
		  "max_runs: needs \"runs\": \"auto\" (a fixed number of runs takes no max_runs)" },
		{ "\"precision\": 1",
		  "precision: needs \"runs\": \"auto\" (a fixed number of runs takes no precision)" },
		{ "\"budget\": 5",
		  "budget: needs \"runs\": \"auto\" (a fixed number of runs takes no budget)" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *want = pfg_xasprintf("%s%s", at, cases[i].want);
		expect_bench_error(cases[i].body, want);
		free(want);
	}
	/* In defaults too. */
	expect_defaults_error("\"runs\": \"many\"", "perfguard.json:2: defaults.runs: expected "
			      "a positive integer or \"auto\", got \"many\"");
	expect_defaults_error("\"budget\": 5", "perfguard.json:2: defaults.budget: needs "
			      "\"runs\": \"auto\" (a fixed number of runs takes no budget)");
	expect_defaults_error("\"runs\": \"auto\", \"min_runs\": 6, \"max_runs\": 5",
			      "perfguard.json:2: defaults.max_runs: expected min_runs <= "
			      "max_runs, got min_runs 6 and max_runs 5");
	/* A benchmark that turns auto off may not keep its keys. */
	char *t = pfg_xasprintf("{\n\"defaults\": {\"runs\": \"auto\"},\n\"components\": [{"
				"\"name\": \"c\", \"benchmarks\": [\n{\"name\": \"b\", \"type\": "
				"\"cpu\", \"command\": \"t\", \"runs\": 3, \"min_runs\": 2}]}]}");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].min_runs: needs "
			 "\"runs\": \"auto\" (a fixed number of runs takes no min_runs)");
	free(t);
	/* A benchmark's max_runs below the defaults' min_runs. */
	t = pfg_xasprintf("{\n\"defaults\": {\"runs\": \"auto\", \"min_runs\": 10},\n"
			  "\"components\": [{\"name\": \"c\", \"benchmarks\": [\n{\"name\": "
			  "\"b\", \"type\": \"cpu\", \"command\": \"t\", \"max_runs\": 8}]}]}");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].max_runs: expected "
			 "min_runs <= max_runs, got min_runs 10 and max_runs 8");
	free(t);
}

/* Every number is bounded to what the code holds and what makes sense;
 * the message names the field, the range and the value as written. */
static void test_number_ranges(void **state)
{
	(void)state;
	/* 9.3e9 s is more nanoseconds than an int64 holds: every run timed out. */
	expect_defaults_error("\"timeout\": 9300000000",
			      "perfguard.json:2: defaults.timeout: expected a number of "
			      "seconds between 0.001 and 86400 (0: no timeout), got 9300000000");
	expect_defaults_error("\"timeout\": 9.3e9",
			      "perfguard.json:2: defaults.timeout: expected a number of "
			      "seconds between 0.001 and 86400 (0: no timeout), got 9.3e9");
	expect_defaults_error("\"timeout\": 1e-5",
			      "perfguard.json:2: defaults.timeout: expected a number of "
			      "seconds between 0.001 and 86400 (0: no timeout), got 1e-5");
	/* cJSON reads 1e999 as infinity and prints it as null. */
	expect_defaults_error("\"runs\": 1e999",
			      "perfguard.json:2: defaults.runs: expected an integer between "
			      "1 and 1000000, got 1e999");
	expect_defaults_error("\"runs\": -1e999",
			      "perfguard.json:2: defaults.runs: expected an integer between "
			      "1 and 1000000, got -1e999");
	expect_defaults_error("\"runs\": 2147483648",
			      "perfguard.json:2: defaults.runs: expected an integer between "
			      "1 and 1000000, got 2147483648");
	expect_defaults_error("\"warmup\": 1000001",
			      "perfguard.json:2: defaults.warmup: expected an integer between "
			      "0 and 1000000, got 1000001");
	struct pfg_config *cfg;
	struct pfg_strv errs;
	char *t = with_defaults("\"runs\": 1000000, \"warmup\": 0, \"timeout\": 86400");
	assert_int_equal(parse(t, &cfg, &errs), 0);
	assert_int_equal(cfg->benchmarks[0].runs, 1000000);
	assert_true(cfg->benchmarks[0].timeout_s == 86400);
	pfg_config_free(cfg);
	free(t);
	t = with_defaults("\"timeout\": 0");
	assert_int_equal(parse(t, &cfg, &errs), 0);
	assert_true(cfg->benchmarks[0].timeout_s == 0);
	pfg_config_free(cfg);
	free(t);
	/* A benchmark's own numbers. */
	t = one_bench("\"type\": \"throughput\", \"command\": \"t\", \"ops\": 1e16");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].ops: expected a "
			 "number of operations per run between 1e-09 and 1e+15 (0: from the "
			 "benchmark's ops metric), got 1e16");
	free(t);
	t = one_bench("\"type\": \"cpu\", \"command\": \"t\", \"timeout\": 86401");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].timeout: "
			 "expected a number of seconds between 0.001 and 86400 (0: no "
			 "timeout), got 86401");
	free(t);
	/* Suite-wide settings. */
	static const struct { const char *json, *want; } top[] = {
		{ "\"confirm_runs\": 11", "confirm_runs: expected an integer between 0 and 10, got 11" },
		{ "\"drift_window\": 1e6", "drift_window: expected an integer between 3 and 10000, got 1e6" },
		{ "\"rebaseline_after\": 0", "rebaseline_after: expected an integer between 1 and 10000, got 0" },
		{ "\"baseline_runs\": 101", "baseline_runs: expected an integer between 1 and 100, got 101" },
		{ "\"statistics\": {\"alpha\": 1e-999}", "statistics.alpha: expected a probability between 1e-06 and 0.5, got 1e-999" },
		{ "\"statistics\": {\"confidence\": 1}", "statistics.confidence: expected a probability between 0.5 and 0.999999, got 1" },
		{ "\"thresholds\": {\"critical\": 1e300}", "thresholds.critical: expected a percentage between 0 and 100000, got 1e300" },
		{ "\"thresholds\": {\"minor\": -0.5}", "thresholds.minor: expected a percentage between 0 and 100000, got -0.5" },
	};
	for (size_t i = 0; i < sizeof top / sizeof top[0]; i++) {
		t = pfg_xasprintf("{%s, \"components\": [{\"name\": \"c\", \"benchmarks\": "
				  "[{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"t\"}]}]}",
				  top[i].json);
		char *want = pfg_xasprintf("perfguard.json:1: %s", top[i].want);
		expect_one_error(t, want);
		free(want);
		free(t);
	}
}

/* A message stays one line whatever the value or key holds. */
static void test_errors_are_one_line(void **state)
{
	(void)state;
	expect_one_error("{\"components\": [{\"name\": \"a\\nb\\u001b[31m\", \"benchmarks\": [\n"
			 "{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"t\"}]}]}",
			 "perfguard.json:1: components[0].name: expected letters, digits, "
			 "'_', '.' or '-', got \"a\\nb\\x1b[31m\"");
	char *t = one_bench("\"type\": \"cpu\", \"command\": \"t\", \"runs\": \"1\\r\\n2\\t\"");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].runs: expected a "
			 "positive integer or \"auto\", got \"1\\r\\n2\\t\"");
	free(t);
	/* Raw control characters, which cJSON lets through in strings. */
	expect_one_error("{\"components\": [{\"name\": \"x\x1b\ty\", \"benchmarks\": [\n"
			 "{\"name\": \"b\", \"type\": \"cpu\", \"command\": \"t\"}]}]}",
			 "perfguard.json:1: components[0].name: expected letters, digits, "
			 "'_', '.' or '-', got \"x\\x1b\\ty\"");
	/* A key with a control character (in the path and the message). */
	t = one_bench("\"type\": \"cpu\", \"command\": \"t\", \"ru\\u0007ns\": 1");
	struct pfg_config *cfg;
	struct pfg_strv errs;
	assert_int_equal(parse(t, &cfg, &errs), 1);
	assert_null(strchr(errs.v[0], '\a'));
	assert_non_null(strstr(errs.v[0], "ru\\x07ns: unknown key"));
	pfg_strv_release(&errs);
	free(t);
	/* Malformed JSON near a control character. */
	assert_int_equal(parse("{\"a\" \x07\x1b\x07}", &cfg, &errs), 1);
	for (const char *c = errs.v[0]; *c; c++)
		assert_true((unsigned char)*c >= 0x20);
	assert_non_null(strstr(errs.v[0], "malformed JSON near"));
	pfg_strv_release(&errs);
}

/* cJSON cuts a string at \u0000: the field is named instead. */
static void test_nul_in_strings(void **state)
{
	(void)state;
	char *t = one_bench("\"type\": \"cpu\", \"command\": \"rm -rf /tmp/x\\u0000 /\"");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].command: a string "
			 "here holds \\u0000 (a NUL character), which no name, command or "
			 "variable can hold");
	free(t);
	t = one_bench("\"type\": \"cpu\", \"command\": [\"echo\", \"a\\u0000b\"]");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].command[1]: a "
			 "string here holds \\u0000 (a NUL character), which no name, "
			 "command or variable can hold");
	free(t);
	t = one_bench("\"type\": \"cpu\", \"command\": \"t\", \"env\": {\"A\": \"x\\u0000\"}");
	expect_one_error(t, "perfguard.json:4: components[0].benchmarks[0].env.A: a string "
			 "here holds \\u0000 (a NUL character), which no name, command or "
			 "variable can hold");
	free(t);
	/* An escaped backslash before u0000 is text, not a NUL. */
	struct pfg_config *cfg;
	struct pfg_strv errs;
	t = one_bench("\"type\": \"cpu\", \"command\": \"printf '\\\\u0000'\"");
	assert_int_equal(parse(t, &cfg, &errs), 0);
	assert_string_equal(cfg->benchmarks[0].command.argv.v[0], "printf '\\u0000'");
	pfg_config_free(cfg);
	free(t);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct pfg_config *cfg;
	struct pfg_strv errs = { 0 };
	assert_int_equal(pfg_config_load("/nonexistent/perfguard.json", &cfg, &errs),
			 PFG_EINPUT);
	assert_null(cfg);
	assert_string_equal(errs.v[0], "/nonexistent/perfguard.json: No such file or "
			    "directory");
	pfg_strv_release(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_config_inherits_defaults),
		cmocka_unit_test(test_example_config_is_valid),
		cmocka_unit_test(test_wrong_type_names_line_and_path),
		cmocka_unit_test(test_malformed_json_gives_line),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_missing_required_field),
		cmocka_unit_test(test_duplicate_names),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_bad_enum_values),
		cmocka_unit_test(test_bad_command),
		cmocka_unit_test(test_custom_needs_metric_and_direction),
		cmocka_unit_test(test_implied_unit_not_allowed),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_thresholds_must_increase),
		cmocka_unit_test(test_bad_env_and_names),
		cmocka_unit_test(test_every_problem_is_reported),
		cmocka_unit_test(test_analysis_settings),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_number_ranges),
		cmocka_unit_test(test_runs_auto),
		cmocka_unit_test(test_runs_auto_errors),
		cmocka_unit_test(test_errors_are_one_line),
		cmocka_unit_test(test_nul_in_strings),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
