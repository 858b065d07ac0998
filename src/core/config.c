/* config.c: load perfguard.json with cJSON and validate every field. */
#include "config_int.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


/* Values inherited by every benchmark unless it sets its own. */
struct defaults {
	int runs, warmup;
	struct pfg_auto_runs auto_runs;
	double timeout_s;
	const char *cwd;
	const cJSON *env;
};

static const char *type_names[] = { "latency", "throughput", "memory",
				     "cpu", "error_rate", "custom" };
static const char *type_units[] = { "ms", "ops/s", "KiB", "ms", "%", NULL };

const char *pfg_bench_type_name(enum pfg_bench_type t)
{
	return type_names[t];
}

/* Read a command member: a non-empty string (shell) or array of strings. */
static void get_command(struct loader *ld, const cJSON *obj, const char *path,
			const char *key, int required, struct pfg_command_line *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!it) {
		if (required)
			cfg_problem(ld, path, "missing required key \"%s\"", key);
		return;
	}
	char *p = cfg_join(path, key);
	if (cJSON_IsString(it) && *it->valuestring) {
		out->shell = 1;
		pfg_strv_push(&out->argv, it->valuestring);
	} else if (cJSON_IsArray(it) && cJSON_GetArraySize(it) > 0) {
		int i = 0;
		for (const cJSON *a = it->child; a; a = a->next, i++) {
			if (cJSON_IsString(a) && (i > 0 || *a->valuestring)) {
				pfg_strv_push(&out->argv, a->valuestring);
				continue;
			}
			char got[64], *ap = pfg_xasprintf("%s[%d]", p, i);
			cfg_describe(ld, ap, a, got, sizeof got);
			cfg_problem(ld, ap, "expected a%s string, got %s",
				i == 0 ? " non-empty" : "", got);
			free(ap);
		}
	} else {
		char got[64];
		cfg_describe(ld, p, it, got, sizeof got);
		cfg_problem(ld, p, "expected a command: a string for /bin/sh or a "
			"non-empty array of strings, got %s", got);
	}
	free(p);
}

/* Check an env member: an object of string values. Returns it or NULL. */
static const cJSON *get_env(struct loader *ld, const cJSON *obj, const char *path)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, "env");
	if (!it)
		return NULL;
	char *p = cfg_join(path, "env");
	const cJSON *ok = it;
	if (!cJSON_IsObject(it)) {
		char got[64];
		cfg_describe(ld, p, it, got, sizeof got);
		cfg_problem(ld, p, "expected an object of strings, got %s", got);
		ok = NULL;
	} else {
		for (const cJSON *e = it->child; e; e = e->next) {
			char *ep = cfg_join(p, e->string);
			if (!cJSON_IsString(e)) {
				char got[64];
				cfg_describe(ld, ep, e, got, sizeof got);
				cfg_problem(ld, ep, "expected a string, got %s", got);
				ok = NULL;
			} else if (!*e->string || strchr(e->string, '=')) {
				cfg_problem(ld, ep, "expected a variable name without '='");
				ok = NULL;
			}
			free(ep);
		}
	}
	free(p);
	return ok;
}

/* Append the entries of an env object to sv as KEY=VALUE. */
static void push_env(struct pfg_strv *sv, const cJSON *env)
{
	for (const cJSON *e = env ? env->child : NULL; e; e = e->next)
		pfg_strv_pushf(sv, "%s=%s", e->string, e->valuestring);
}

/* Resolve a cwd against the config's directory. Caller frees. */
static char *resolve_dir(const char *dir, const char *cwd)
{
	if (!cwd)
		return pfg_xstrdup(dir);
	if (cwd[0] == '/')
		return pfg_xstrdup(cwd);
	return pfg_xasprintf("%s/%s", dir, cwd);
}

/* Read the member "runs": a positive integer, or "auto" (sets a->on).
 * Absent leaves *runs and a as they are. */
static void get_runs(struct loader *ld, const cJSON *obj, const char *path, int *runs,
		     struct pfg_auto_runs *a)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, "runs");
	if (!it)
		return;
	if (cJSON_IsString(it) && strcmp(it->valuestring, "auto") == 0) {
		a->on = 1;
		return;
	}
	a->on = 0;
	if (cJSON_IsNumber(it)) {
		cfg_get_int(ld, obj, path, "runs", 1, PFG_RUNS_MAX, runs);
		return;
	}
	char got[64], *p = cfg_join(path, "runs");
	cfg_describe(ld, p, it, got, sizeof got);
	cfg_problem(ld, p, "expected a positive integer or \"auto\", got %s", got);
	free(p);
}

/* Read min_runs, max_runs, precision and budget of obj into a when its runs
 * are "auto" (a->on), checking min_runs <= max_runs when obj sets either;
 * otherwise report each of them as needing "runs": "auto". */
static void get_auto_keys(struct loader *ld, const cJSON *obj, const char *path,
			  struct pfg_auto_runs *a)
{
	static const char *const keys[] = { "min_runs", "max_runs", "precision", "budget" };
	if (!a->on) {
		for (int i = 0; i < 4; i++) {
			if (!cJSON_GetObjectItemCaseSensitive(obj, keys[i]))
				continue;
			char *p = cfg_join(path, keys[i]);
			cfg_problem(ld, p, "needs \"runs\": \"auto\" (a fixed number of runs "
				    "takes no %s)", keys[i]);
			free(p);
		}
		return;
	}
	cfg_get_int(ld, obj, path, "min_runs", PFG_AUTO_MIN_RUNS, PFG_RUNS_MAX, &a->min_runs);
	cfg_get_int(ld, obj, path, "max_runs", PFG_AUTO_MIN_RUNS, PFG_RUNS_MAX, &a->max_runs);
	cfg_get_number(ld, obj, path, "precision", "a percentage", PFG_PRECISION_MIN_PCT,
		       PFG_PRECISION_MAX_PCT, NULL, &a->precision_pct);
	cfg_get_number(ld, obj, path, "budget", "a number of seconds", PFG_BUDGET_MIN_S,
		       PFG_BUDGET_MAX_S, "no budget", &a->budget_s);
	int has_max = cJSON_GetObjectItemCaseSensitive(obj, "max_runs") != NULL;
	if ((has_max || cJSON_GetObjectItemCaseSensitive(obj, "min_runs")) &&
	    a->min_runs > a->max_runs) {
		char *p = cfg_join(path, has_max ? "max_runs" : "min_runs");
		cfg_problem(ld, p, "expected min_runs <= max_runs, got min_runs %d and "
			    "max_runs %d", a->min_runs, a->max_runs);
		free(p);
	}
}

/* Parse one benchmark object into b. Long because it is one flat
 * statement per key of a benchmark, in the order perfguard.json(5) lists. */
static void load_benchmark(struct loader *ld, const cJSON *obj, const char *path,
			   const char *component, const struct defaults *d,
			   struct pfg_benchmark_cfg *b)
{
	static const char *const keys[] = {
		"name", "description", "type", "command", "runs", "warmup",
		"timeout", "cwd", "env", "setup", "prepare", "cleanup", "ops",
		"metric", "unit", "direction", "min_runs", "max_runs", "precision",
		"budget", NULL
	};
	cfg_check_keys(ld, obj, path, keys);
	const char *name = cfg_get_name(ld, obj, path);
	cfg_get_string(ld, obj, path, "description", 0);
	b->component = pfg_xstrdup(component);
	b->name = pfg_xstrdup(name ? name : "?");
	b->id = pfg_xasprintf("%s/%s", component, b->name);

	const char *type = cfg_get_string(ld, obj, path, "type", 1);
	int t = -1;
	for (int i = 0; type && i <= PFG_TYPE_CUSTOM; i++)
		if (strcmp(type, type_names[i]) == 0)
			t = i;
	if (type && t < 0) {
		char *p = cfg_join(path, "type");
		cfg_problem(ld, p, "expected one of latency, throughput, memory, cpu, "
			"error_rate, custom, got \"%s\"", type);
		free(p);
	}
	b->type = t < 0 ? PFG_TYPE_LATENCY : (enum pfg_bench_type)t;

	get_command(ld, obj, path, "command", 1, &b->command);
	get_command(ld, obj, path, "setup", 0, &b->setup);
	get_command(ld, obj, path, "prepare", 0, &b->prepare);
	get_command(ld, obj, path, "cleanup", 0, &b->cleanup);
	b->runs = d->runs;
	b->warmup = d->warmup;
	b->timeout_s = d->timeout_s;
	b->auto_runs = d->auto_runs;
	get_runs(ld, obj, path, &b->runs, &b->auto_runs);
	get_auto_keys(ld, obj, path, &b->auto_runs);
	if (b->auto_runs.on)
		b->runs = b->auto_runs.max_runs;
	cfg_get_int(ld, obj, path, "warmup", 0, PFG_RUNS_MAX, &b->warmup);
	cfg_get_timeout(ld, obj, path, &b->timeout_s);
	const char *cwd = cfg_get_string(ld, obj, path, "cwd", 0);
	b->cwd = resolve_dir(ld->dir, cwd ? cwd : d->cwd);
	push_env(&b->env, d->env);
	push_env(&b->env, get_env(ld, obj, path));

	cfg_get_number(ld, obj, path, "ops", "a number of operations per run", 1e-9,
		   PFG_OPS_MAX, "from the benchmark's ops metric", &b->ops);
	const char *metric = cfg_get_string(ld, obj, path, "metric", 0);
	const char *unit = cJSON_GetObjectItemCaseSensitive(obj, "unit") ?
		cfg_get_string(ld, obj, path, "unit", 0) : NULL;
	const char *dir = cfg_get_string(ld, obj, path, "direction", 0);
	if (dir && strcmp(dir, "lower") && strcmp(dir, "higher")) {
		char *p = cfg_join(path, "direction");
		cfg_problem(ld, p, "expected \"lower\" or \"higher\", got \"%s\"", dir);
		free(p);
	}
	if (t < 0)
		return;
	if (b->ops > 0 && b->type != PFG_TYPE_THROUGHPUT) {
		char *p = cfg_join(path, "ops");
		cfg_problem(ld, p, "only a throughput benchmark takes ops");
		free(p);
	}
	if (b->type == PFG_TYPE_CUSTOM) {
		if (!metric && cJSON_GetObjectItemCaseSensitive(obj, "metric") == NULL)
			cfg_problem(ld, path, "missing required key \"metric\" "
				"(the name of the metric a custom benchmark reports)");
		if (!dir && !cJSON_GetObjectItemCaseSensitive(obj, "direction"))
			cfg_problem(ld, path, "missing required key \"direction\" "
				"(\"lower\" or \"higher\" is better)");
		b->metric = pfg_xstrdup(metric ? metric : "?");
		b->unit = pfg_xstrdup(unit ? unit : "");
		b->direction = dir && strcmp(dir, "higher") == 0 ?
			PFG_HIGHER_IS_BETTER : PFG_LOWER_IS_BETTER;
		return;
	}
	static const char *const implied[] = { "metric", "unit", "direction" };
	for (int i = 0; i < 3; i++) {
		if (!cJSON_GetObjectItemCaseSensitive(obj, implied[i]))
			continue;
		char *p = cfg_join(path, implied[i]);
		cfg_problem(ld, p, "not allowed for type %s, which implies unit %s "
			"and direction %s (use type custom)", type_names[t],
			type_units[t], t == PFG_TYPE_THROUGHPUT ? "higher" : "lower");
		free(p);
	}
	b->unit = pfg_xstrdup(type_units[t]);
	b->direction = t == PFG_TYPE_THROUGHPUT ? PFG_HIGHER_IS_BETTER
						: PFG_LOWER_IS_BETTER;
}

/* Read the thresholds object into th and check they increase. */
static void load_thresholds(struct loader *ld, const cJSON *root,
			    struct pfg_thresholds *th)
{
	static const char *const keys[] = { "minor", "moderate", "major",
					    "critical", NULL };
	*th = (struct pfg_thresholds){ 5, 10, 20, 50 };
	const cJSON *obj = cfg_get_object(ld, root, "", "thresholds", keys);
	if (!obj)
		return;
	static const char *const names[] = { "minor", "moderate", "major", "critical" };
	double *v[] = { &th->minor, &th->moderate, &th->major, &th->critical };
	for (int i = 0; i < 4; i++)
		cfg_get_number(ld, obj, "thresholds", names[i], "a percentage", 0,
			   PFG_THRESHOLD_MAX, NULL, v[i]);
	if (!(th->minor < th->moderate && th->moderate < th->major &&
	      th->major < th->critical))
		cfg_problem(ld, "thresholds", "expected minor < moderate < major < "
			"critical, got %g, %g, %g, %g", th->minor, th->moderate,
			th->major, th->critical);
}

/* Adapters from the stats parsers to cfg_get_choice(). */
static int parse_test(const char *s, void *out) { return pfg_stats_test_parse(s, out); }
static int parse_outliers(const char *s, void *out) { return pfg_stats_outliers_parse(s, out); }
static int parse_severity(const char *s, void *out)
{
	enum pfg_severity sev;
	if (pfg_severity_parse(s, &sev) || sev == PFG_SEVERITY_NONE)
		return -1;
	*(enum pfg_severity *)out = sev;
	return 0;
}

/* Read the analysis and gate settings. */
static void load_analysis(struct loader *ld, const cJSON *root, struct pfg_analysis_cfg *a)
{
	static const char *const stat_keys[] = { "test", "alpha", "confidence",
						 "outliers", NULL };
	static const char *const gate_keys[] = { "fail_on", "fail_on_missing_baseline",
						 NULL };
	memset(a, 0, sizeof *a);
	pfg_stats_compare_opts_init(&a->compare);
	a->confirm_runs = 1;
	a->drift_window = 10;
	a->drift_limit = 6.5;
	a->rebaseline_after = 5;
	a->baseline_runs = 5;
	a->gate_fail_on = PFG_SEVERITY_MAJOR;
	const cJSON *st = cfg_get_object(ld, root, "", "statistics", stat_keys);
	if (st) {
		cfg_get_choice(ld, st, "statistics", "test", "yuen, welch, mwu", parse_test,
			   &a->compare.test);
		cfg_get_number(ld, st, "statistics", "alpha", "a probability", PFG_ALPHA_MIN,
			   PFG_ALPHA_MAX, NULL, &a->compare.alpha);
		cfg_get_number(ld, st, "statistics", "confidence", "a probability",
			   PFG_CONFIDENCE_MIN, PFG_CONFIDENCE_MAX, NULL,
			   &a->compare.confidence);
		cfg_get_choice(ld, st, "statistics", "outliers", "none, iqr, mad",
			   parse_outliers, &a->compare.outliers);
	}
	cfg_get_int(ld, root, "", "confirm_runs", 0, PFG_CONFIRM_RUNS_MAX, &a->confirm_runs);
	cfg_get_int(ld, root, "", "drift_window", 3, PFG_DRIFT_WINDOW_MAX, &a->drift_window);
	cfg_get_number(ld, root, "", "drift_limit", "a number", PFG_DRIFT_LIMIT_MIN,
		       PFG_DRIFT_LIMIT_MAX, NULL, &a->drift_limit);
	cfg_get_int(ld, root, "", "rebaseline_after", 1, PFG_REBASELINE_AFTER_MAX,
		&a->rebaseline_after);
	cfg_get_int(ld, root, "", "baseline_runs", 1, PFG_BASELINE_RUNS_MAX,
		    &a->baseline_runs);
	const char *ab = cfg_get_string(ld, root, "", "auto_baseline", 0);
	if (ab && strcmp(ab, "propose") && strcmp(ab, "approve"))
		cfg_problem(ld, "auto_baseline", "expected \"propose\" or \"approve\", got \"%s\"", ab);
	a->auto_approve = ab && strcmp(ab, "approve") == 0;
	const cJSON *gate = cfg_get_object(ld, root, "", "gate", gate_keys);
	if (gate) {
		cfg_get_choice(ld, gate, "gate", "fail_on", "minor, moderate, major, critical",
			   parse_severity, &a->gate_fail_on);
		cfg_get_bool(ld, gate, "gate", "fail_on_missing_baseline",
			 &a->gate_fail_on_missing_baseline);
	}
}

/* Read "retention": keep_days and keep_runs, at least one of them; warn
 * when keep_runs is shorter than the history the analysis reads. */
static void load_retention(struct loader *ld, const cJSON *root, struct pfg_config *cfg)
{
	struct pfg_retention *r = &cfg->retention;
	static const char *const keys[] = { "keep_days", "keep_runs", NULL };
	const cJSON *obj = cfg_get_object(ld, root, "", "retention", keys);
	if (!obj)
		return;
	int days = 0, runs = 0;
	cfg_get_int(ld, obj, "retention", "keep_days", 1, PFG_KEEP_DAYS_MAX, &days);
	cfg_get_int(ld, obj, "retention", "keep_runs", 1, PFG_KEEP_RUNS_MAX, &runs);
	r->keep_days = days;
	r->keep_runs = runs;
	if (!cJSON_GetObjectItemCaseSensitive(obj, "keep_days") &&
	    !cJSON_GetObjectItemCaseSensitive(obj, "keep_runs"))
		cfg_problem(ld, "retention", "expected keep_days, keep_runs or both (what "
			    "perfguard run keeps after each run)");
	const struct pfg_analysis_cfg *a = &cfg->analysis;
	int needed = a->baseline_runs;
	if (a->drift_window > needed)
		needed = a->drift_window;
	if (a->rebaseline_after > needed)
		needed = a->rebaseline_after;
	if (runs && runs < needed)
		pfg_strv_pushf(&cfg->warnings, "%s:%d: retention.keep_runs: %d keeps fewer runs "
			       "than the analysis reads (%d: baseline_runs, drift_window, "
			       "rebaseline_after): a first baseline, drift and rebaseline "
			       "proposals may never see enough runs", ld->file,
			       jsonpos_line(&ld->pos, "retention.keep_runs"), runs, needed);
}

/* Read the suite-wide defaults. */
static void load_defaults(struct loader *ld, const cJSON *root, struct defaults *d)
{
	static const char *const keys[] = { "runs", "warmup", "timeout", "cwd",
					    "env", "min_runs", "max_runs", "precision",
					    "budget", NULL };
	*d = (struct defaults){ .runs = 10, .warmup = 1, .timeout_s = 60,
				.auto_runs = { .min_runs = 5, .max_runs = 50,
					       .precision_pct = 2, .budget_s = 60 } };
	const cJSON *obj = cfg_get_object(ld, root, "", "defaults", keys);
	if (!obj)
		return;
	get_runs(ld, obj, "defaults", &d->runs, &d->auto_runs);
	get_auto_keys(ld, obj, "defaults", &d->auto_runs);
	cfg_get_int(ld, obj, "defaults", "warmup", 0, PFG_RUNS_MAX, &d->warmup);
	cfg_get_timeout(ld, obj, "defaults", &d->timeout_s);
	d->cwd = cfg_get_string(ld, obj, "defaults", "cwd", 0);
	d->env = get_env(ld, obj, "defaults");
}

/* Walk the components and their benchmarks into cfg. */
static void load_components(struct loader *ld, const cJSON *root,
			    const struct defaults *d, struct pfg_config *cfg)
{
	static const char *const keys[] = { "name", "description", "benchmarks",
					    NULL };
	const cJSON *comps = cfg_get_array(ld, root, "", "components");
	if (!comps)
		return;
	size_t cap = 0;
	int ci = 0;
	for (const cJSON *c = comps->child; c; c = c->next, ci++) {
		char *cpath = pfg_xasprintf("components[%d]", ci);
		if (!cJSON_IsObject(c)) {
			cfg_problem(ld, cpath, "expected an object with name and benchmarks");
			free(cpath);
			continue;
		}
		cfg_check_keys(ld, c, cpath, keys);
		const char *cname = cfg_get_name(ld, c, cpath);
		cfg_get_string(ld, c, cpath, "description", 0);
		int bi = 0;
		for (const cJSON *prev = comps->child; cname && prev != c; prev = prev->next) {
			const cJSON *pn = cJSON_GetObjectItemCaseSensitive(prev, "name");
			if (cJSON_IsString(pn) && strcmp(pn->valuestring, cname) == 0) {
				char *p = cfg_join(cpath, "name");
				cfg_problem(ld, p, "duplicate component name \"%s\"", cname);
				free(p);
				break;
			}
		}
		const cJSON *benches = cfg_get_array(ld, c, cpath, "benchmarks");
		size_t first = cfg->n_benchmarks;
		for (const cJSON *b = benches ? benches->child : NULL; b; b = b->next, bi++) {
			char *bpath = pfg_xasprintf("%s.benchmarks[%d]", cpath, bi);
			if (!cJSON_IsObject(b)) {
				cfg_problem(ld, bpath, "expected an object with name, type and command");
				free(bpath);
				continue;
			}
			if (cfg->n_benchmarks == cap) {
				cap = cap ? cap * 2 : 16;
				cfg->benchmarks = pfg_xrealloc(cfg->benchmarks,
							       cap * sizeof *cfg->benchmarks);
			}
			struct pfg_benchmark_cfg *bc = &cfg->benchmarks[cfg->n_benchmarks++];
			memset(bc, 0, sizeof *bc);
			load_benchmark(ld, b, bpath, cname ? cname : "?", d, bc);
			for (size_t k = first; k + 1 < cfg->n_benchmarks; k++)
				if (strcmp(cfg->benchmarks[k].name, bc->name) == 0) {
					char *p = cfg_join(bpath, "name");
					cfg_problem(ld, p, "duplicate benchmark name \"%s\" in "
						"component \"%s\"", bc->name, bc->component);
					free(p);
					break;
				}
			free(bpath);
		}
		free(cpath);
	}
}

/* The absolute form of dir. Caller frees. */
static char *absolute_dir(const char *dir)
{
	char buf[PATH_MAX];
	if (realpath(dir, buf))
		return pfg_xstrdup(buf);
	if (dir[0] == '/' || !getcwd(buf, sizeof buf))
		return pfg_xstrdup(dir);
	return pfg_xasprintf("%s/%s", buf, dir);
}

int pfg_config_parse(const char *text, const char *file, const char *dir,
		     struct pfg_config **out, struct pfg_strv *errors)
{
	*out = NULL;
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = at && at >= text ? (size_t)(at - text) : 0;
		char raw[24], near[100];
		snprintf(raw, sizeof raw, "%s", text + off);
		for (char *q = raw; *q; q++)
			if (*q == '\n' || *q == '\r')
				*q = '\0';
		cfg_escape_line(raw, strlen(raw), near, sizeof near);
		pfg_strv_pushf(errors, "%s:%d: malformed JSON%s%s%s", file,
			       jsonpos_offset_line(text, off),
			       *near ? " near '" : " (unexpected end of file)",
			       near, *near ? "'" : "");
		return PFG_EINPUT;
	}
	struct loader ld = { .file = file, .dir = dir, .text = text, .errors = errors };
	struct pfg_config *cfg = pfg_xcalloc(1, sizeof *cfg);
	cfg->path = pfg_xstrdup(file);
	cfg->dir = absolute_dir(dir);
	ld.dir = cfg->dir;

	size_t before = errors->n;
	/* cJSON cuts a string at \u0000: the rest of it would be lost. The
	 * text is scanned for where only when it may hold one. */
	const struct jsonpos *pos = strstr(text, "\\u0000") ? cfg_pos(&ld) : NULL;
	for (size_t i = 0; pos && i < pos->n; i++)
		if (pos->v[i].nul)
			cfg_problem(&ld, pos->v[i].path, "a string here holds \\u0000 (a NUL "
				"character), which no name, command or variable can hold");
	if (!cJSON_IsObject(root)) {
		cfg_problem(&ld, "", "expected an object with \"components\"");
	} else {
		static const char *const keys[] = {
			"suite", "defaults", "thresholds", "statistics", "confirm_runs",
			"drift_window", "drift_limit", "auto_baseline", "rebaseline_after", "baseline_runs", "gate",
			"components", "notify", "homeassistant", "retention", NULL };
		cfg_check_keys(&ld, root, "", keys);
		const char *suite = cfg_get_string(&ld, root, "", "suite", 0);
		cfg->suite = pfg_xstrdup(suite ? suite : "perfguard");
		struct defaults d;
		load_defaults(&ld, root, &d);
		load_thresholds(&ld, root, &cfg->thresholds);
		load_analysis(&ld, root, &cfg->analysis);
		load_retention(&ld, root, cfg);
		load_components(&ld, root, &d, cfg);
		cfg_load_notify(&ld, root, cfg);
		cfg_load_ha(&ld, root, cfg);
	}
	jsonpos_release(&ld.pos);
	cJSON_Delete(root);
	if (errors->n > before) {
		pfg_config_free(cfg);
		return PFG_EINPUT;
	}
	*out = cfg;
	return PFG_OK;
}

int pfg_config_load(const char *path, struct pfg_config **out,
		    struct pfg_strv *errors)
{
	char err[PFG_ERR_MAX];
	*out = NULL;
	char *text = pfg_read_file(path, NULL, err, sizeof err);
	if (!text) {
		pfg_strv_push(errors, err);
		return PFG_EINPUT;
	}
	char *copy = pfg_xstrdup(path);
	int rc = pfg_config_parse(text, path, dirname(copy), out, errors);
	free(copy);
	free(text);
	return rc;
}

/* Free what a command line owns. */
static void command_release(struct pfg_command_line *c)
{
	pfg_strv_release(&c->argv);
}

void pfg_config_free(struct pfg_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n_benchmarks; i++) {
		struct pfg_benchmark_cfg *b = &cfg->benchmarks[i];
		free(b->component);
		free(b->name);
		free(b->id);
		command_release(&b->command);
		command_release(&b->setup);
		command_release(&b->prepare);
		command_release(&b->cleanup);
		free(b->cwd);
		pfg_strv_release(&b->env);
		free(b->metric);
		free(b->unit);
	}
	free(cfg->benchmarks);
	cfg_notify_free(cfg);
	cfg_ha_free(cfg);
	free(cfg->path);
	free(cfg->dir);
	free(cfg->suite);
	free(cfg);
}
