/* ingest.c: one import: each file parsed and its format recognised, then
 * its benchmarks stored and analysed as one run in one transaction. */
#include "ingest_int.h"

#include "perfguard/ha.h"
#include "perfguard/notify.h"
#include "perfguard/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const format_names[] = { "auto", "hyperfine", "gbench",
					    "pytest-benchmark", "generic" };

const char *pfg_ingest_format_name(enum pfg_ingest_format f)
{
	return (unsigned)f < 5 ? format_names[f] : "?";
}

int pfg_ingest_format_parse(const char *s, enum pfg_ingest_format *out)
{
	for (int i = 0; i < 5; i++)
		if (strcmp(s, format_names[i]) == 0) {
			*out = (enum pfg_ingest_format)i;
			return 0;
		}
	return -1;
}

/* A copy of text (len bytes) with Google Benchmark's bare NaN, Infinity
 * and -Infinity tokens (outside strings) made the strings INGEST_*;
 * *changed says whether there was one. Caller frees. */
static char *rewrite_nonfinite(const char *text, size_t len, int *changed)
{
	static const struct { const char *token, *as; } subst[] = {
		{ "-Infinity", "\"" INGEST_NINF "\"" }, { "Infinity", "\"" INGEST_INF "\"" },
		{ "-NaN", "\"" INGEST_NAN "\"" }, { "NaN", "\"" INGEST_NAN "\"" },
	};
	size_t cap = len + 1, n = 0;
	char *out = pfg_xmalloc(cap);
	int in_string = 0;
	*changed = 0;
	for (size_t i = 0; i < len;) {
		size_t k = 0, tl = 0;
		if (!in_string)
			for (k = 0; k < 4; k++) {
				tl = strlen(subst[k].token);
				if (i + tl <= len && memcmp(text + i, subst[k].token, tl) == 0)
					break;
			}
		if (!in_string && k < 4) {
			size_t al = strlen(subst[k].as);
			if (n + al + 1 > cap)
				out = pfg_xrealloc(out, cap = 2 * cap + al);
			memcpy(out + n, subst[k].as, al);
			n += al;
			i += tl;
			*changed = 1;
			continue;
		}
		if (text[i] == '"')
			in_string = !in_string;
		else if (in_string && text[i] == '\\' && i + 1 < len) {
			if (n + 2 > cap)
				out = pfg_xrealloc(out, cap *= 2);
			out[n++] = text[i++];
		}
		if (n + 2 > cap)
			out = pfg_xrealloc(out, cap *= 2);
		out[n++] = text[i++];
	}
	out[n] = '\0';
	return out;
}

/* Google Benchmark's bare tokens for numbers that are not finite. */
static const char *const nonfinite_tokens[] = { "NaN", "-NaN", "Infinity", "-Infinity",
						NULL };

/* The 1-based line of byte off of text. */
static int line_of(const char *text, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

/* Parse text as JSON; on failure fill err with the file, line and column
 * where it stopped. */
static cJSON *parse_json(const char *text, size_t len, const char *file, char *err,
			 size_t errlen)
{
	const char *end = NULL;
	/* The length counts the terminating NUL that ends the text. */
	cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
	if (root)
		return root;
	const char *at = end ? end : cJSON_GetErrorPtr();
	size_t off = at && at >= text && at <= text + len ? (size_t)(at - text) : 0;
	int line = 1, col = 1;
	for (size_t i = 0; i < off; i++, col++)
		if (text[i] == '\n')
			line++, col = 0;
	char near[24] = "";
	size_t k = 0;
	for (size_t i = off; i < len && k < 16 && text[i] != '\n'; i++)
		near[k++] = (unsigned char)text[i] < 0x20 || (unsigned char)text[i] > 0x7e ?
			    '?' : text[i];
	near[k] = '\0';
	/* Google Benchmark's tokens where they are not taken. */
	int hint = 0;
	for (const char *const *t = nonfinite_tokens; *t && !hint; t++)
		hint = len - off >= strlen(*t) && memcmp(text + off, *t, strlen(*t)) == 0;
	pfg_error(err, errlen, PFG_EINPUT, "%s:%d:%d: not valid JSON%s%s%s%s", file, line, col,
		  off >= len ? " (it ends early)" : " at '", off >= len ? "" : near,
		  off >= len ? "" : "'", hint ? " (bare NaN and Infinity are taken "
		  "from Google Benchmark files only)" : "");
	return NULL;
}

/* The format of root, recognised from its shape, or AUTO. */
static enum pfg_ingest_format detect(const cJSON *root)
{
	if (cJSON_IsArray(root))
		return PFG_INGEST_GENERIC;
	if (!cJSON_IsObject(root))
		return PFG_INGEST_AUTO;
	if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "results")))
		return PFG_INGEST_HYPERFINE;
	if (cJSON_GetObjectItemCaseSensitive(root, "machine_info") ||
	    cJSON_GetObjectItemCaseSensitive(root, "commit_info"))
		return PFG_INGEST_PYTEST;
	if (cJSON_GetObjectItemCaseSensitive(root, "context"))
		return PFG_INGEST_GBENCH;
	/* benchmarks[] alone: pytest-benchmark's entries have stats. */
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(root, "benchmarks");
	if (cJSON_IsArray(b) && b->child)
		return cJSON_GetObjectItemCaseSensitive(b->child, "stats") ? PFG_INGEST_PYTEST
									 : PFG_INGEST_GBENCH;
	return PFG_INGEST_AUTO;
}

/* The file's name without its directory and a .json ending ("stdin" for
 * "-"). Caller frees. */
static char *base_name(const char *file)
{
	if (strcmp(file, "-") == 0)
		return pfg_xstrdup("stdin");
	const char *slash = strrchr(file, '/');
	char *b = pfg_xstrdup(slash ? slash + 1 : file);
	size_t n = strlen(b);
	if (n > 5 && strcmp(b + n - 5, ".json") == 0)
		b[n - 5] = '\0';
	return b;
}

/* Free one benchmark read from a file. */
void ingest_bench_free(struct pfg_ingest_bench *b)
{
	for (size_t i = 0; i < b->n; i++) {
		for (size_t k = 0; k < b->n_metrics[i]; k++) {
			free((char *)b->metrics[i][k].name);
			free((char *)b->metrics[i][k].unit);
		}
		free(b->metrics[i]);
	}
	free(b->metrics);
	free(b->n_metrics);
	free(b->samples);
	free(b->cfg.component);
	free(b->cfg.name);
	free(b->cfg.id);
	free(b->cfg.unit);
	free(b->cfg.metric);
	free(b->error);
	free(b->note);
	free(b->file);
	free(b);
}

int pfg_ingest_parse(struct pfg_ingest *in, const char *text, size_t len,
		     const char *file, enum pfg_ingest_format fmt, const char *component,
		     char *err, size_t errlen)
{
	if (component && (!*component || strchr(component, '/')))
		return pfg_error(err, errlen, PFG_EINPUT, "--component '%s': expected a "
				 "name without '/'", component);
	const char *nul = memchr(text, '\0', len);
	if (nul)
		return pfg_error(err, errlen, PFG_EINPUT, "%s:%d: a NUL byte: not a JSON text",
				 file, line_of(text, (size_t)(nul - text)));
	int changed = 0;
	char *rewritten = NULL;
	cJSON *root = NULL;
	if (fmt != PFG_INGEST_GBENCH)
		root = cJSON_ParseWithLengthOpts(text, len + 1, NULL, 1);
	if (!root && (fmt == PFG_INGEST_GBENCH || fmt == PFG_INGEST_AUTO)) {
		rewritten = rewrite_nonfinite(text, len, &changed);
		root = cJSON_ParseWithLengthOpts(rewritten, strlen(rewritten) + 1, NULL, 1);
		/* Outside Google Benchmark files the tokens are not JSON. */
		if (root && fmt == PFG_INGEST_AUTO && changed &&
		    detect(root) != PFG_INGEST_GBENCH) {
			cJSON_Delete(root);
			root = NULL;
		}
	}
	if (!root) {
		free(rewritten);
		parse_json(text, len, file, err, errlen);
		return PFG_EINPUT;
	}
	free(rewritten);
	enum pfg_ingest_format found = fmt ? fmt : detect(root);
	if (found == PFG_INGEST_AUTO) {
		cJSON_Delete(root);
		return pfg_error(err, errlen, PFG_EINPUT, "%s: not a format perfguard ingest "
				 "knows: expected hyperfine (results[]), Google Benchmark "
				 "(context, benchmarks[]), pytest-benchmark (machine_info, "
				 "benchmarks[]) or generic ([{name, unit, value}]); name it "
				 "with --format", file);
	}
	struct ingest_file f = { .in = in, .file = file, .component = component,
				 .base = base_name(file), .nonfinite = found == PFG_INGEST_GBENCH,
				 .err = err, .errlen = errlen };
	size_t before = in->n;
	int had_env = in->has_env;
	char *had_rev = in->git_rev ? pfg_xstrdup(in->git_rev) : NULL;
	int rc;
	switch (found) {
	case PFG_INGEST_HYPERFINE: rc = ingest_hyperfine(&f, root); break;
	case PFG_INGEST_GBENCH: rc = ingest_gbench(&f, root); break;
	case PFG_INGEST_PYTEST: rc = ingest_pytest(&f, root); break;
	default: rc = ingest_generic(&f, root); break;
	}
	cJSON_Delete(root);
	free(f.base);
	if (rc) {
		/* Nothing of a file that failed stays. */
		while (in->n > before)
			ingest_bench_free(in->v[--in->n]);
		if (!had_env && in->has_env) {
			in->has_env = 0;
			free(in->env_file);
			in->env_file = NULL;
		}
		free(in->git_rev);
		in->git_rev = had_rev;
		return rc;
	}
	free(had_rev);
	for (size_t i = before; i < in->n; i++)
		in->v[i]->format = found;
	pfg_strv_push(&in->files, file);
	return 0;
}

void pfg_ingest_release(struct pfg_ingest *in)
{
	for (size_t i = 0; i < in->n; i++)
		ingest_bench_free(in->v[i]);
	free(in->v);
	free(in->env_file);
	free(in->git_rev);
	pfg_strv_release(&in->warnings);
	pfg_strv_release(&in->files);
	memset(in, 0, sizeof *in);
}

/* The files of the import and the user's note, for the audit log. */
static char *audit_detail(const struct pfg_ingest *in, const char *note)
{
	size_t len = 64 + (note ? strlen(note) : 0);
	for (size_t i = 0; i < in->files.n; i++)
		len += strlen(in->files.v[i]) + 2;
	char *s = pfg_xmalloc(len);
	int k = snprintf(s, len, "%zu benchmark%s from ", in->n, in->n == 1 ? "" : "s");
	for (size_t i = 0; i < in->files.n; i++)
		k += snprintf(s + k, len - (size_t)k, "%s%s", i ? ", " : "", in->files.v[i]);
	if (note)
		snprintf(s + k, len - (size_t)k, ": %s", note);
	return s;
}

int pfg_ingest_store(const struct pfg_ingest *in, const struct pfg_config *cfg,
		     struct pfg_store *st, const char *note, const char *actor,
		     struct pfg_run_report *report, char *err, size_t errlen)
{
	memset(report, 0, sizeof *report);
	report->outcomes = pfg_xcalloc(in->n + 1, sizeof *report->outcomes);
	if (pfg_store_batch_begin(st, err, errlen))
		return PFG_ERUNTIME;
	struct pfg_run_origin origin = { .trigger = in->trigger ? in->trigger : "ingest",
					 .env = in->has_env ? &in->env : NULL,
					 .git_rev = in->git_rev, .noise = in->noise };
	int64_t env_id;
	int rc = pfg_engine_run_open(st, &origin, &report->run_id, &env_id, err, errlen);
	int failed = 0;
	for (size_t i = 0; rc == PFG_OK && i < in->n; i++) {
		const struct pfg_ingest_bench *b = in->v[i];
		struct pfg_measured m = {
			.samples = b->samples, .n = b->n,
			.metrics = (const struct pfg_sample_metric *const *)b->metrics,
			.n_metrics = b->n_metrics, .error = b->error,
			.summary = b->aggregate_only ? &b->summary : NULL };
		rc = pfg_engine_add_result(cfg, &b->cfg, st, report->run_id, env_id, &m,
					   &report->outcomes[report->n_outcomes++], err,
					   errlen);
		failed |= !report->outcomes[report->n_outcomes - 1].ok;
	}
	report->status = failed ? PFG_RUN_FAILED : PFG_RUN_COMPLETE;
	if (rc == PFG_OK)
		rc = pfg_store_run_end(st, report->run_id, report->status, err, errlen);
	if (rc == PFG_OK) {
		char *detail = audit_detail(in, note);
		if (in->files.n || note)
			rc = pfg_store_run_note(st, report->run_id, actor, in->files.n ?
						"ingested" : "noted", detail, err, errlen);
		free(detail);
	}
	rc = pfg_store_batch_end(st, rc, err, errlen);
	if (rc) {
		report->run_id = 0;
		return PFG_ERUNTIME;
	}
	/* Told like any run, once it is stored (sending is outside the
	 * transaction); what was not delivered goes to report->notices. */
	pfg_notify_run(cfg, st, report, -1, &report->notices);
	pfg_ha_after_run(cfg, st, report, -1, &report->notices);
	return PFG_OK;
}

struct pfg_config *pfg_ingest_defaults(void)
{
	/* A config needs a benchmark; only its analysis settings are used. */
	static const char text[] =
		"{\"components\": [{\"name\": \"defaults\", \"benchmarks\": "
		"[{\"name\": \"defaults\", \"type\": \"latency\", \"command\": [\"true\"]}]}]}";
	struct pfg_config *cfg = NULL;
	struct pfg_strv errors = { 0 };
	if (pfg_config_parse(text, "(defaults)", "/", &cfg, &errors)) {
		/* Cannot happen: the text above is a valid config. */
		fprintf(stderr, "perfguard: BUG: the default config does not load\n");
		abort();
	}
	pfg_strv_release(&errors);
	return cfg;
}
