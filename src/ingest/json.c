/* json.c: reading the JSON of another tool's file, each value with its
 * path for messages, and adding what it holds to an import. */
#include "ingest_int.h"

#include "perfguard/util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ingest_fail(struct ingest_file *f, const char *path, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return pfg_error(f->err, f->errlen, PFG_EINPUT, "%s: %s: %s", f->file,
			 path && *path ? path : "(the top level)", msg);
}

void ingest_warn(struct ingest_file *f, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	pfg_strv_pushf(&f->in->warnings, "%s: %s", f->file, msg);
}

const char *ingest_type_of(const cJSON *v)
{
	if (!v)
		return "nothing";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsArray(v))
		return "an array";
	return "an object";
}

char *ingest_path_key(const char *path, const char *key)
{
	return *path ? pfg_xasprintf("%s.%s", path, key) : pfg_xstrdup(key);
}

char *ingest_path_index(const char *path, int i)
{
	return pfg_xasprintf("%s[%d]", path, i);
}

int ingest_value(const struct ingest_file *f, const cJSON *v, double *out)
{
	if (cJSON_IsNumber(v)) {
		*out = v->valuedouble;
		return 0;
	}
	if (!f->nonfinite || !cJSON_IsString(v))
		return -1;
	if (strcmp(v->valuestring, INGEST_NAN) == 0)
		*out = NAN;
	else if (strcmp(v->valuestring, INGEST_INF) == 0)
		*out = INFINITY;
	else if (strcmp(v->valuestring, INGEST_NINF) == 0)
		*out = -INFINITY;
	else
		return -1;
	return 0;
}

/* The member key of obj: 0 with *v (NULL when missing or null and not
 * required), or PFG_EINPUT. */
static int member(struct ingest_file *f, const cJSON *obj, const char *path,
		  const char *key, int required, const char *what, const cJSON **v)
{
	*v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (*v && !cJSON_IsNull(*v))
		return 0;
	*v = NULL;
	if (!required)
		return 0;
	return ingest_fail(f, path, "missing \"%s\" (%s)", key, what);
}

/* Report a member of the wrong type. */
static int wrong(struct ingest_file *f, const char *path, const char *key,
		 const char *what, const cJSON *v)
{
	char *p = ingest_path_key(path, key);
	int rc = ingest_fail(f, p, "expected %s, got %s", what, ingest_type_of(v));
	free(p);
	return rc;
}

int ingest_number(struct ingest_file *f, const cJSON *obj, const char *path,
		  const char *key, int required, double *out)
{
	const cJSON *v;
	if (member(f, obj, path, key, required, "a number", &v))
		return PFG_EINPUT;
	if (v && ingest_value(f, v, out))
		return wrong(f, path, key, "a number", v);
	return 0;
}

int ingest_string(struct ingest_file *f, const cJSON *obj, const char *path,
		  const char *key, int required, const char **out)
{
	const cJSON *v;
	*out = NULL;
	if (member(f, obj, path, key, required, "a string", &v))
		return PFG_EINPUT;
	if (v && !cJSON_IsString(v))
		return wrong(f, path, key, "a string", v);
	if (v)
		*out = v->valuestring;
	return 0;
}

int ingest_array(struct ingest_file *f, const cJSON *obj, const char *path,
		 const char *key, int required, const cJSON **out)
{
	const cJSON *v;
	*out = NULL;
	if (member(f, obj, path, key, required, "an array", &v))
		return PFG_EINPUT;
	if (v && !cJSON_IsArray(v))
		return wrong(f, path, key, "an array", v);
	*out = v;
	return 0;
}

int ingest_object(struct ingest_file *f, const cJSON *obj, const char *path,
		  const char *key, int required, const cJSON **out)
{
	const cJSON *v;
	*out = NULL;
	if (member(f, obj, path, key, required, "an object", &v))
		return PFG_EINPUT;
	if (v && !cJSON_IsObject(v))
		return wrong(f, path, key, "an object", v);
	*out = v;
	return 0;
}

/* The benchmark of in with id, or NULL. */
static const struct pfg_ingest_bench *find(const struct pfg_ingest *in, const char *id)
{
	for (size_t i = 0; i < in->n; i++)
		if (strcmp(in->v[i]->cfg.id, id) == 0)
			return in->v[i];
	return NULL;
}

/* Append a new benchmark c/name (its id is id, taken) from file to in. */
static struct pfg_ingest_bench *bench_new(struct pfg_ingest *in, const char *c,
					  const char *name, char *id,
					  enum pfg_bench_type type, const char *unit,
					  enum pfg_direction dir, const char *file)
{
	struct pfg_ingest_bench *b = pfg_xcalloc(1, sizeof *b);
	b->cfg.component = pfg_xstrdup(c);
	b->cfg.name = pfg_xstrdup(name);
	b->cfg.id = id;
	b->cfg.type = type;
	b->cfg.unit = pfg_xstrdup(unit);
	b->cfg.metric = pfg_xstrdup(name);
	b->cfg.direction = dir;
	b->cfg.runs = 1;
	b->file = pfg_xstrdup(file);
	if (in->n == in->cap) {
		in->cap = in->cap ? 2 * in->cap : 16;
		in->v = pfg_xrealloc(in->v, in->cap * sizeof *in->v);
	}
	in->v[in->n++] = b;
	return b;
}

int ingest_bench(struct ingest_file *f, const char *path, const char *comp,
		 const char *name, enum pfg_bench_type type, const char *unit,
		 enum pfg_direction dir, struct pfg_ingest_bench **out)
{
	const char *c = f->component ? f->component : comp && *comp ? comp : f->base;
	if (strchr(c, '/'))
		return ingest_fail(f, path, "the component name '%s' holds a '/' (ids are "
				   "component/name); give one with --component", c);
	if (!*name)
		return ingest_fail(f, path, "an empty benchmark name");
	char *id = pfg_xasprintf("%s/%s", c, name);
	const struct pfg_ingest_bench *dup = find(f->in, id);
	if (dup) {
		int rc = ingest_fail(f, path, "benchmark '%s' again (read from %s already); "
				     "one run holds a benchmark once", id, dup->file);
		free(id);
		return rc;
	}
	*out = bench_new(f->in, c, name, id, type, unit, dir, f->file);
	return 0;
}

int pfg_ingest_add(struct pfg_ingest *in, const char *component, const char *name,
		   enum pfg_bench_type type, const char *unit, enum pfg_direction dir,
		   const struct pfg_sample *samples, size_t n, char *err, size_t errlen)
{
	if (!component || !*component || strchr(component, '/'))
		return pfg_error(err, errlen, PFG_EINPUT, "component '%s': expected a name "
				 "without '/'", component ? component : "(null)");
	if (!name || !*name)
		return pfg_error(err, errlen, PFG_EINPUT, "a benchmark needs a name");
	if (n == 0)
		return pfg_error(err, errlen, PFG_EINPUT, "%s: no samples", name);
	for (size_t i = 0; i < n; i++)
		if (!isfinite(samples[i].value))
			return pfg_error(err, errlen, PFG_EINPUT, "%s: sample %zu is not a "
					 "finite number", name, i + 1);
	char *id = pfg_xasprintf("%s/%s", component, name);
	if (find(in, id)) {
		pfg_error(err, errlen, PFG_EINPUT, "benchmark '%s' again: one run holds a "
			  "benchmark once", id);
		free(id);
		return PFG_EINPUT;
	}
	struct pfg_ingest_bench *b = bench_new(in, component, name, id, type,
					       unit ? unit : "", dir, "(in-process)");
	for (size_t i = 0; i < n; i++)
		*ingest_sample(b, samples[i].value) = samples[i];
	return PFG_OK;
}

struct pfg_sample *ingest_sample(struct pfg_ingest_bench *b, double v)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		b->samples = pfg_xrealloc(b->samples, b->cap * sizeof *b->samples);
		b->metrics = pfg_xrealloc(b->metrics, b->cap * sizeof *b->metrics);
		b->n_metrics = pfg_xrealloc(b->n_metrics, b->cap * sizeof *b->n_metrics);
	}
	b->metrics[b->n] = NULL;
	b->n_metrics[b->n] = 0;
	b->samples[b->n] = (struct pfg_sample){ .value = v };
	return &b->samples[b->n++];
}

void ingest_metric(struct pfg_ingest_bench *b, const char *name, double v,
		   const char *unit)
{
	size_t i = b->n - 1, k = b->n_metrics[i]++;
	b->metrics[i] = pfg_xrealloc(b->metrics[i], (k + 1) * sizeof **b->metrics);
	b->metrics[i][k] = (struct pfg_sample_metric){ pfg_xstrdup(name), v,
						       pfg_xstrdup(unit) };
}

int ingest_environment(struct ingest_file *f, const char *host, const char *cpu,
		       const char *kernel)
{
	struct pfg_environment here, env;
	pfg_environment_detect(&here);
	memset(&env, 0, sizeof env);
	int local = !host || !*host || strcmp(host, here.host) == 0;
	const char *unknown = "unknown";
	snprintf(env.host, sizeof env.host, "%s", host && *host ? host : here.host);
	snprintf(env.cpu_model, sizeof env.cpu_model, "%s",
		 cpu && *cpu ? cpu : local ? here.cpu_model : unknown);
	snprintf(env.kernel, sizeof env.kernel, "%s",
		 kernel && *kernel ? kernel : local ? here.kernel : unknown);
	struct pfg_ingest *in = f->in;
	if (in->has_env && memcmp(&in->env, &env, sizeof env) != 0)
		return ingest_fail(f, "", "ran on %s (%s, %s), but %s on %s (%s, %s): one "
				   "run has one environment; import them separately",
				   env.host, env.cpu_model, env.kernel, in->env_file,
				   in->env.host, in->env.cpu_model, in->env.kernel);
	if (!in->has_env) {
		in->env = env;
		in->has_env = 1;
		in->env_file = pfg_xstrdup(f->file);
	}
	return 0;
}

void pfg_ingest_drop_last(struct pfg_ingest *in)
{
	if (in->n)
		ingest_bench_free(in->v[--in->n]);
}

int64_t ingest_ns(double v, double scale)
{
	double ns = v * scale;
	return ns >= 9.2e18 ? INT64_MAX : ns <= 0 ? 0 : (int64_t)ns;
}
