/* config.c: load perfguard.json with cJSON and validate every field. */
#include "perfguard/config.h"

#include "jsonpos.h"

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

/* What validation carries along: where messages point and where they go. */
struct loader {
	const char *file;
	const char *dir;
	struct jsonpos pos;
	struct pfg_strv *errors;
};

/* Values inherited by every benchmark unless it sets its own. */
struct defaults {
	int runs, warmup;
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

/* Copy s[0..n) into buf (len bytes, always terminated) as one printable
 * line: newline, return and tab as \n, \r, \t, other control characters
 * as \xHH. A value or key can hold any of them, and a message is one line. */
static void escape_line(const char *s, size_t n, char *buf, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 5 < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' || c == '\r' || c == '\t') {
			buf[o++] = '\\';
			buf[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o] = '\0';
}

/* Add "file:line: path: message" to the errors, on one line. */
__attribute__((format(printf, 3, 4)))
static void problem(struct loader *ld, const char *path, const char *fmt, ...)
{
	va_list ap;
	char msg[512], line[1024];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char *raw = pfg_xasprintf("%s:%d: %s%s%s", ld->file, jsonpos_line(&ld->pos, path),
				  path, *path ? ": " : "", msg);
	escape_line(raw, strlen(raw), line, sizeof line);
	free(raw);
	pfg_strv_push(ld->errors, line);
}

/* What item at path is, shortened, for "got ..." in messages: a number as
 * its source text (cJSON turns 1e999 into inf and prints null), a string
 * quoted with its control characters escaped, else its JSON. */
static void describe(const struct loader *ld, const char *path, const cJSON *item,
		     char *buf, size_t len)
{
	char tmp[256];
	size_t n;
	const char *raw = cJSON_IsNumber(item) ? jsonpos_raw(&ld->pos, path, &n) : NULL;
	if (raw) {
		escape_line(raw, n, tmp, sizeof tmp);
	} else if (cJSON_IsNumber(item)) {
		if (isfinite(item->valuedouble))
			snprintf(tmp, sizeof tmp, "%.17g", item->valuedouble);
		else
			snprintf(tmp, sizeof tmp, "a number too large");
	} else if (cJSON_IsString(item)) {
		char esc[200];
		escape_line(item->valuestring, strlen(item->valuestring), esc, sizeof esc);
		snprintf(tmp, sizeof tmp, "\"%s\"", esc);
	} else {
		char *s = cJSON_PrintUnformatted(item);
		snprintf(tmp, sizeof tmp, "%.200s", s ? s : "?");
		free(s);
	}
	if (strlen(tmp) > 40)
		snprintf(buf, len, "%.37s...", tmp);
	else
		snprintf(buf, len, "%s", tmp);
}

/* Join a parent path and a key. Caller frees. */
static char *join(const char *path, const char *key)
{
	return *path ? pfg_xasprintf("%s.%s", path, key) : pfg_xstrdup(key);
}

/* Report members of obj whose key is not in allowed, and duplicate keys. */
static void check_keys(struct loader *ld, const cJSON *obj, const char *path,
		       const char *const *allowed)
{
	for (const cJSON *it = obj->child; it; it = it->next) {
		char *p = join(path, it->string);
		int known = 0;
		for (const char *const *a = allowed; *a; a++)
			known |= strcmp(*a, it->string) == 0;
		if (!known) {
			char list[256] = "";
			for (const char *const *a = allowed; *a; a++) {
				strncat(list, *a, sizeof list - strlen(list) - 3);
				if (a[1])
					strncat(list, ", ", sizeof list - strlen(list) - 1);
			}
			problem(ld, p, "unknown key (expected one of: %s)", list);
		}
		for (const cJSON *prev = obj->child; prev != it; prev = prev->next)
			if (strcmp(prev->string, it->string) == 0) {
				problem(ld, p, "duplicate key");
				break;
			}
		free(p);
	}
}

/* Read an integer member in [min, max] into *out; absent leaves *out as
 * it is. */
static void get_int(struct loader *ld, const cJSON *obj, const char *path,
		    const char *key, int min, int max, int *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!it)
		return;
	double v = it->valuedouble;
	if (cJSON_IsNumber(it) && v == floor(v) && v >= min && v <= max) {
		*out = (int)v;
		return;
	}
	char got[64], *p = join(path, key);
	describe(ld, p, it, got, sizeof got);
	problem(ld, p, "expected an integer between %d and %d, got %s", min, max, got);
	free(p);
}

/* Read a number member in [lo, hi] (or exactly 0 when zero says what 0
 * means) into *out; what names the quantity ("a number of seconds"). */
static void get_number(struct loader *ld, const cJSON *obj, const char *path,
		       const char *key, const char *what, double lo, double hi,
		       const char *zero, double *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!it)
		return;
	double v = it->valuedouble;
	if (cJSON_IsNumber(it) && isfinite(v) && ((v >= lo && v <= hi) || (zero && v == 0))) {
		*out = v;
		return;
	}
	char got[64], *p = join(path, key);
	describe(ld, p, it, got, sizeof got);
	problem(ld, p, "expected %s between %g and %g%s%s%s, got %s", what, lo, hi,
		zero ? " (0: " : "", zero ? zero : "", zero ? ")" : "", got);
	free(p);
}

/* Read a timeout member: 0 (none) or seconds in a range a run can take. */
static void get_timeout(struct loader *ld, const cJSON *obj, const char *path,
			double *out)
{
	get_number(ld, obj, path, "timeout", "a number of seconds", PFG_TIMEOUT_MIN_S,
		   PFG_TIMEOUT_MAX_S, "no timeout", out);
}

/* The string member key, or NULL (reported when present but not a string,
 * or when required and absent). */
static const char *get_string(struct loader *ld, const cJSON *obj,
			      const char *path, const char *key, int required)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	char *p = join(path, key);
	const char *s = NULL;
	if (!it) {
		if (required)
			problem(ld, path, "missing required key \"%s\"", key);
	} else if (!cJSON_IsString(it) || !*it->valuestring) {
		char got[64];
		describe(ld, p, it, got, sizeof got);
		problem(ld, p, "expected a non-empty string, got %s", got);
	} else {
		s = it->valuestring;
	}
	free(p);
	return s;
}

/* Nonzero when s is a usable component or benchmark name. */
static int valid_name(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return 0;
	return 1;
}

/* A name member: required, non-empty, letters, digits, '_', '.', '-'. */
static const char *get_name(struct loader *ld, const cJSON *obj, const char *path)
{
	const char *s = get_string(ld, obj, path, "name", 1);
	if (s && !valid_name(s)) {
		char *p = join(path, "name");
		problem(ld, p, "expected letters, digits, '_', '.' or '-', got \"%s\"", s);
		free(p);
		return NULL;
	}
	return s;
}

/* Read a command member: a non-empty string (shell) or array of strings. */
static void get_command(struct loader *ld, const cJSON *obj, const char *path,
			const char *key, int required, struct pfg_command_line *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!it) {
		if (required)
			problem(ld, path, "missing required key \"%s\"", key);
		return;
	}
	char *p = join(path, key);
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
			describe(ld, ap, a, got, sizeof got);
			problem(ld, ap, "expected a%s string, got %s",
				i == 0 ? " non-empty" : "", got);
			free(ap);
		}
	} else {
		char got[64];
		describe(ld, p, it, got, sizeof got);
		problem(ld, p, "expected a command: a string for /bin/sh or a "
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
	char *p = join(path, "env");
	const cJSON *ok = it;
	if (!cJSON_IsObject(it)) {
		char got[64];
		describe(ld, p, it, got, sizeof got);
		problem(ld, p, "expected an object of strings, got %s", got);
		ok = NULL;
	} else {
		for (const cJSON *e = it->child; e; e = e->next) {
			char *ep = join(p, e->string);
			if (!cJSON_IsString(e)) {
				char got[64];
				describe(ld, ep, e, got, sizeof got);
				problem(ld, ep, "expected a string, got %s", got);
				ok = NULL;
			} else if (!*e->string || strchr(e->string, '=')) {
				problem(ld, ep, "expected a variable name without '='");
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

/* Check the members of an object member named key; returns it or NULL. */
static const cJSON *get_object(struct loader *ld, const cJSON *obj,
			      const char *path, const char *key,
			      const char *const *allowed)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!it)
		return NULL;
	char *p = join(path, key);
	if (!cJSON_IsObject(it)) {
		char got[64];
		describe(ld, p, it, got, sizeof got);
		problem(ld, p, "expected an object, got %s", got);
		it = NULL;
	} else {
		check_keys(ld, it, p, allowed);
	}
	free(p);
	return it;
}

/* Parse one benchmark object into b. */
static void load_benchmark(struct loader *ld, const cJSON *obj, const char *path,
			   const char *component, const struct defaults *d,
			   struct pfg_benchmark_cfg *b)
{
	static const char *const keys[] = {
		"name", "description", "type", "command", "runs", "warmup",
		"timeout", "cwd", "env", "setup", "prepare", "cleanup", "ops",
		"metric", "unit", "direction", NULL
	};
	check_keys(ld, obj, path, keys);
	const char *name = get_name(ld, obj, path);
	get_string(ld, obj, path, "description", 0);
	b->component = pfg_xstrdup(component);
	b->name = pfg_xstrdup(name ? name : "?");
	b->id = pfg_xasprintf("%s/%s", component, b->name);

	const char *type = get_string(ld, obj, path, "type", 1);
	int t = -1;
	for (int i = 0; type && i <= PFG_TYPE_CUSTOM; i++)
		if (strcmp(type, type_names[i]) == 0)
			t = i;
	if (type && t < 0) {
		char *p = join(path, "type");
		problem(ld, p, "expected one of latency, throughput, memory, cpu, "
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
	get_int(ld, obj, path, "runs", 1, PFG_RUNS_MAX, &b->runs);
	get_int(ld, obj, path, "warmup", 0, PFG_RUNS_MAX, &b->warmup);
	get_timeout(ld, obj, path, &b->timeout_s);
	const char *cwd = get_string(ld, obj, path, "cwd", 0);
	b->cwd = resolve_dir(ld->dir, cwd ? cwd : d->cwd);
	push_env(&b->env, d->env);
	push_env(&b->env, get_env(ld, obj, path));

	get_number(ld, obj, path, "ops", "a number of operations per run", 1e-9,
		   PFG_OPS_MAX, "from the benchmark's ops metric", &b->ops);
	const char *metric = get_string(ld, obj, path, "metric", 0);
	const char *unit = cJSON_GetObjectItemCaseSensitive(obj, "unit") ?
		get_string(ld, obj, path, "unit", 0) : NULL;
	const char *dir = get_string(ld, obj, path, "direction", 0);
	if (dir && strcmp(dir, "lower") && strcmp(dir, "higher")) {
		char *p = join(path, "direction");
		problem(ld, p, "expected \"lower\" or \"higher\", got \"%s\"", dir);
		free(p);
	}
	if (t < 0)
		return;
	if (b->ops > 0 && b->type != PFG_TYPE_THROUGHPUT) {
		char *p = join(path, "ops");
		problem(ld, p, "only a throughput benchmark takes ops");
		free(p);
	}
	if (b->type == PFG_TYPE_CUSTOM) {
		if (!metric && cJSON_GetObjectItemCaseSensitive(obj, "metric") == NULL)
			problem(ld, path, "missing required key \"metric\" "
				"(the name of the metric a custom benchmark reports)");
		if (!dir && !cJSON_GetObjectItemCaseSensitive(obj, "direction"))
			problem(ld, path, "missing required key \"direction\" "
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
		char *p = join(path, implied[i]);
		problem(ld, p, "not allowed for type %s, which implies unit %s "
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
	const cJSON *obj = get_object(ld, root, "", "thresholds", keys);
	if (!obj)
		return;
	static const char *const names[] = { "minor", "moderate", "major", "critical" };
	double *v[] = { &th->minor, &th->moderate, &th->major, &th->critical };
	for (int i = 0; i < 4; i++)
		get_number(ld, obj, "thresholds", names[i], "a percentage", 0,
			   PFG_THRESHOLD_MAX, NULL, v[i]);
	if (!(th->minor < th->moderate && th->moderate < th->major &&
	      th->major < th->critical))
		problem(ld, "thresholds", "expected minor < moderate < major < "
			"critical, got %g, %g, %g, %g", th->minor, th->moderate,
			th->major, th->critical);
}

/* A string member that must be one of the names parse accepts. */
static void get_choice(struct loader *ld, const cJSON *obj, const char *path,
		       const char *key, const char *choices,
		       int (*parse)(const char *, void *), void *out)
{
	const char *s = get_string(ld, obj, path, key, 0);
	if (s && parse(s, out) != 0) {
		char *p = join(path, key);
		problem(ld, p, "expected one of %s, got \"%s\"", choices, s);
		free(p);
	}
}

/* Adapters from the stats parsers to get_choice(). */
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

/* A boolean member. */
static void get_bool(struct loader *ld, const cJSON *obj, const char *path,
		     const char *key, int *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!it)
		return;
	if (cJSON_IsBool(it)) {
		*out = cJSON_IsTrue(it);
		return;
	}
	char got[64], *p = join(path, key);
	describe(ld, p, it, got, sizeof got);
	problem(ld, p, "expected true or false, got %s", got);
	free(p);
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
	a->drift_window = 20;
	a->rebaseline_after = 5;
	a->gate_fail_on = PFG_SEVERITY_MAJOR;
	const cJSON *st = get_object(ld, root, "", "statistics", stat_keys);
	if (st) {
		get_choice(ld, st, "statistics", "test", "yuen, welch, mwu", parse_test,
			   &a->compare.test);
		get_number(ld, st, "statistics", "alpha", "a probability", PFG_ALPHA_MIN,
			   PFG_ALPHA_MAX, NULL, &a->compare.alpha);
		get_number(ld, st, "statistics", "confidence", "a probability",
			   PFG_CONFIDENCE_MIN, PFG_CONFIDENCE_MAX, NULL,
			   &a->compare.confidence);
		get_choice(ld, st, "statistics", "outliers", "none, iqr, mad",
			   parse_outliers, &a->compare.outliers);
	}
	get_int(ld, root, "", "confirm_runs", 0, PFG_CONFIRM_RUNS_MAX, &a->confirm_runs);
	get_int(ld, root, "", "drift_window", 3, PFG_DRIFT_WINDOW_MAX, &a->drift_window);
	get_int(ld, root, "", "rebaseline_after", 1, PFG_REBASELINE_AFTER_MAX,
		&a->rebaseline_after);
	const char *ab = get_string(ld, root, "", "auto_baseline", 0);
	if (ab && strcmp(ab, "propose") && strcmp(ab, "approve"))
		problem(ld, "auto_baseline", "expected \"propose\" or \"approve\", got \"%s\"", ab);
	a->auto_approve = ab && strcmp(ab, "approve") == 0;
	const cJSON *gate = get_object(ld, root, "", "gate", gate_keys);
	if (gate) {
		get_choice(ld, gate, "gate", "fail_on", "minor, moderate, major, critical",
			   parse_severity, &a->gate_fail_on);
		get_bool(ld, gate, "gate", "fail_on_missing_baseline",
			 &a->gate_fail_on_missing_baseline);
	}
}

/* Read the suite-wide defaults. */
static void load_defaults(struct loader *ld, const cJSON *root, struct defaults *d)
{
	static const char *const keys[] = { "runs", "warmup", "timeout", "cwd",
					    "env", NULL };
	*d = (struct defaults){ .runs = 10, .warmup = 1, .timeout_s = 60 };
	const cJSON *obj = get_object(ld, root, "", "defaults", keys);
	if (!obj)
		return;
	get_int(ld, obj, "defaults", "runs", 1, PFG_RUNS_MAX, &d->runs);
	get_int(ld, obj, "defaults", "warmup", 0, PFG_RUNS_MAX, &d->warmup);
	get_timeout(ld, obj, "defaults", &d->timeout_s);
	d->cwd = get_string(ld, obj, "defaults", "cwd", 0);
	d->env = get_env(ld, obj, "defaults");
}

/* The named array member, reported when absent, empty or not an array. */
static const cJSON *get_array(struct loader *ld, const cJSON *obj,
			      const char *path, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!it) {
		problem(ld, path, "missing required key \"%s\"", key);
		return NULL;
	}
	if (cJSON_IsArray(it) && cJSON_GetArraySize(it) > 0)
		return it;
	char got[64], *p = join(path, key);
	describe(ld, p, it, got, sizeof got);
	problem(ld, p, "expected a non-empty array, got %s", got);
	free(p);
	return NULL;
}

/* Walk the components and their benchmarks into cfg. */
static void load_components(struct loader *ld, const cJSON *root,
			    const struct defaults *d, struct pfg_config *cfg)
{
	static const char *const keys[] = { "name", "description", "benchmarks",
					    NULL };
	const cJSON *comps = get_array(ld, root, "", "components");
	if (!comps)
		return;
	size_t cap = 0;
	int ci = 0;
	for (const cJSON *c = comps->child; c; c = c->next, ci++) {
		char *cpath = pfg_xasprintf("components[%d]", ci);
		if (!cJSON_IsObject(c)) {
			problem(ld, cpath, "expected an object with name and benchmarks");
			free(cpath);
			continue;
		}
		check_keys(ld, c, cpath, keys);
		const char *cname = get_name(ld, c, cpath);
		get_string(ld, c, cpath, "description", 0);
		int bi = 0;
		for (const cJSON *prev = comps->child; cname && prev != c; prev = prev->next) {
			const cJSON *pn = cJSON_GetObjectItemCaseSensitive(prev, "name");
			if (cJSON_IsString(pn) && strcmp(pn->valuestring, cname) == 0) {
				char *p = join(cpath, "name");
				problem(ld, p, "duplicate component name \"%s\"", cname);
				free(p);
				break;
			}
		}
		const cJSON *benches = get_array(ld, c, cpath, "benchmarks");
		size_t first = cfg->n_benchmarks;
		for (const cJSON *b = benches ? benches->child : NULL; b; b = b->next, bi++) {
			char *bpath = pfg_xasprintf("%s.benchmarks[%d]", cpath, bi);
			if (!cJSON_IsObject(b)) {
				problem(ld, bpath, "expected an object with name, type and command");
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
					char *p = join(bpath, "name");
					problem(ld, p, "duplicate benchmark name \"%s\" in "
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
		escape_line(raw, strlen(raw), near, sizeof near);
		pfg_strv_pushf(errors, "%s:%d: malformed JSON%s%s%s", file,
			       jsonpos_offset_line(text, off),
			       *near ? " near '" : " (unexpected end of file)",
			       near, *near ? "'" : "");
		return PFG_EINPUT;
	}
	struct loader ld = { .file = file, .dir = dir, .errors = errors };
	jsonpos_scan(text, &ld.pos);
	struct pfg_config *cfg = pfg_xcalloc(1, sizeof *cfg);
	cfg->path = pfg_xstrdup(file);
	cfg->dir = absolute_dir(dir);
	ld.dir = cfg->dir;

	size_t before = errors->n;
	/* cJSON cuts a string at \u0000: the rest of it would be lost. */
	for (size_t i = 0; i < ld.pos.n; i++)
		if (ld.pos.v[i].nul)
			problem(&ld, ld.pos.v[i].path, "a string here holds \\u0000 (a NUL "
				"character), which no name, command or variable can hold");
	if (!cJSON_IsObject(root)) {
		problem(&ld, "", "expected an object with \"components\"");
	} else {
		static const char *const keys[] = {
			"suite", "defaults", "thresholds", "statistics", "confirm_runs",
			"drift_window", "auto_baseline", "rebaseline_after", "gate",
			"components", NULL };
		check_keys(&ld, root, "", keys);
		const char *suite = get_string(&ld, root, "", "suite", 0);
		cfg->suite = pfg_xstrdup(suite ? suite : "perfguard");
		struct defaults d;
		load_defaults(&ld, root, &d);
		load_thresholds(&ld, root, &cfg->thresholds);
		load_analysis(&ld, root, &cfg->analysis);
		load_components(&ld, root, &d, cfg);
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
	free(cfg->path);
	free(cfg->dir);
	free(cfg->suite);
	free(cfg);
}
