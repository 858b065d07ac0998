/* generic.c: the list CI actions share, [{name, unit, value, range?,
 * extra?}], extended with component, direction (lower|higher) and
 * samples[]. */
#include "ingest_int.h"

#include "perfguard/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One element of the list. */
static int read_entry(struct ingest_file *f, const cJSON *e, const char *path)
{
	static const char *const keys[] = { "name", "unit", "value", "range", "extra",
					    "component", "direction", "samples", NULL };
	const char *name, *unit, *comp = NULL, *dir = NULL;
	const cJSON *samples;
	double value = 0;
	if (!cJSON_IsObject(e))
		return ingest_fail(f, path, "expected an object with name, unit and value, "
				   "got %s", ingest_type_of(e));
	for (const cJSON *m = e->child; m; m = m->next) {
		int known = 0;
		for (int k = 0; keys[k] && !known; k++)
			known = strcmp(m->string, keys[k]) == 0;
		if (!known) {
			char *p = ingest_path_key(path, m->string);
			int rc = ingest_fail(f, p, "unknown key (expected name, unit, value, "
					     "range, extra, component, direction, samples)");
			free(p);
			return rc;
		}
	}
	if (ingest_string(f, e, path, "name", 1, &name) ||
	    ingest_string(f, e, path, "unit", 1, &unit) ||
	    ingest_number(f, e, path, "value", 1, &value) ||
	    ingest_string(f, e, path, "component", 0, &comp) ||
	    ingest_string(f, e, path, "direction", 0, &dir) ||
	    ingest_array(f, e, path, "samples", 0, &samples))
		return PFG_EINPUT;
	enum pfg_direction d = PFG_LOWER_IS_BETTER;
	if (dir && pfg_direction_parse(dir, &d)) {
		char *p = ingest_path_key(path, "direction");
		int rc = ingest_fail(f, p, "expected \"lower\" or \"higher\", got \"%s\"", dir);
		free(p);
		return rc;
	}
	if (!isfinite(value)) {
		char *p = ingest_path_key(path, "value");
		int rc = ingest_fail(f, p, "expected a finite number");
		free(p);
		return rc;
	}
	struct pfg_ingest_bench *b;
	if (ingest_bench(f, path, comp, name, PFG_TYPE_CUSTOM, unit, d, &b))
		return PFG_EINPUT;
	if (!samples || !samples->child) {
		ingest_sample(b, value);
		return 0;
	}
	char *sp = ingest_path_key(path, "samples");
	int i = 0, rc = 0;
	for (const cJSON *v = samples->child; v && !rc; v = v->next, i++) {
		if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
			ingest_sample(b, v->valuedouble);
			continue;
		}
		char *p = ingest_path_index(sp, i);
		rc = ingest_fail(f, p, "expected a finite number, got %s", ingest_type_of(v));
		free(p);
	}
	free(sp);
	return rc;
}

int ingest_generic(struct ingest_file *f, const cJSON *root)
{
	if (!cJSON_IsArray(root))
		return ingest_fail(f, "", "expected an array of {name, unit, value}, got %s",
				   ingest_type_of(root));
	if (!root->child)
		return ingest_fail(f, "", "an empty list: nothing to import");
	if (ingest_environment(f, NULL, NULL, NULL))
		return PFG_EINPUT;
	int i = 0;
	for (const cJSON *e = root->child; e; e = e->next, i++) {
		char *p = ingest_path_index("", i);
		int rc = read_entry(f, e, p);
		free(p);
		if (rc)
			return rc;
	}
	return 0;
}
