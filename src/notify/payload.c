/* payload.c: the body each service takes, built with cJSON, escaped for
 * each service's markup and cut to its limits with "and N more". */
#include "perfguard/notify.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Limits of each service (characters unless said otherwise), with margin
 * where the service counts differently from us. */
#define SLACK_HEADER_MAX 150
#define SLACK_SECTION_MAX 3000
#define SLACK_ITEM_SECTIONS 5        /* sections of items (50 blocks allowed) */
#define SLACK_FALLBACK_MAX 3000
#define DISCORD_TITLE_MAX 256
#define DISCORD_DESCRIPTION_MAX 4096
#define DISCORD_TOTAL_MAX 6000
#define DISCORD_FIELD_VALUE_MAX 1024
#define TEAMS_BYTES_MAX 24000        /* Teams refuses cards over about 28 KB */
#define WEBHOOK_ITEMS_MAX 1000
#define HA_MESSAGE_MAX 8000          /* a notification people read */

/* How markup escapes text for a service. */
enum markup { PLAIN, SLACK, DISCORD, TEAMS };

/* Number of characters (code points) of UTF-8 s. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* A copy of s cut to at most max characters, ending in "..." when cut. */
static char *cut(const char *s, size_t max)
{
	if (chars(s) <= max)
		return pfg_xstrdup(s);
	size_t keep = max > 3 ? max - 3 : 0, n = 0;
	const char *p = s;
	for (; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80) {
			if (n == keep)
				break;
			n++;
		}
	}
	return pfg_xasprintf("%.*s...", (int)(p - s), s);
}

/* s escaped for markup: Slack mrkdwn's &, <, >; Discord's and Teams'
 * markdown characters with a backslash. Caller frees. */
static char *escape(const char *s, enum markup mk)
{
	char *clean = pfg_utf8_sanitize(s ? s : "");
	if (mk == PLAIN)
		return clean;
	size_t len = strlen(clean);
	char *out = pfg_xmalloc(5 * len + 1), *o = out;
	for (const char *c = clean; *c; c++) {
		if (mk == SLACK && (*c == '&' || *c == '<' || *c == '>')) {
			const char *e = *c == '&' ? "&amp;" : *c == '<' ? "&lt;" : "&gt;";
			memcpy(o, e, strlen(e));
			o += strlen(e);
			continue;
		}
		if ((mk == DISCORD || mk == TEAMS) && strchr("\\*_~`|>#-[]()<", *c))
			*o++ = '\\';
		*o++ = *c;
	}
	*o = '\0';
	free(clean);
	return out;
}

/* "+12.3%" with its sign. */
static void pct(double v, char *buf, size_t len)
{
	snprintf(buf, len, "%+.1f%%", v);
}

/* One line for an item, in markup (bold names where the markup has it). */
static char *item_line(const struct pfg_notify_item *it, enum markup mk)
{
	char *bench = escape(it->bench, mk);
	const char *b0 = mk == PLAIN ? "" : mk == SLACK ? "*" : "**";
	char change[96] = "";
	if (it->has_change) {
		char c[24], lo[24], hi[24];
		pct(it->change_pct, c, sizeof c);
		pct(it->ci_low_pct, lo, sizeof lo);
		pct(it->ci_high_pct, hi, sizeof hi);
		if (mk == DISCORD || mk == TEAMS)
			snprintf(change, sizeof change, " %s \\[%s, %s\\]", c, lo, hi);
		else
			snprintf(change, sizeof change, " %s [%s, %s]", c, lo, hi);
	}
	char alert[96] = "";
	if (it->alert_id)
		snprintf(alert, sizeof alert, ", alert %lld %s", (long long)it->alert_id,
			 pfg_alert_state_name(it->state));
	char *line;
	switch (it->event) {
	case PFG_NOTIFY_ON_REGRESSION:
	case PFG_NOTIFY_ON_ERROR_RATE:
	case PFG_NOTIFY_ON_DRIFT:
		line = pfg_xasprintf("%s%s%s: %s%s %s%s", b0, bench, b0,
				     it->event == PFG_NOTIFY_ON_DRIFT ? "drift"
				     : it->event == PFG_NOTIFY_ON_ERROR_RATE ? "error rate"
				     : "regression", change, pfg_severity_name(it->severity),
				     alert);
		break;
	case PFG_NOTIFY_ON_RECOVERED:
		line = pfg_xasprintf("%s%s%s: recovered (%zu alert%s)%s%s", b0, bench, b0,
				     it->count, it->count == 1 ? "" : "s",
				     it->has_change ? ", now" : "", change);
		break;
	case PFG_NOTIFY_ON_BASELINE_PROPOSED:
		line = pfg_xasprintf("%s%s%s: baseline %lld proposed", b0, bench, b0,
				     (long long)it->baseline_id);
		break;
	default: {
		char *actor = escape(it->actor ? it->actor : "someone", mk);
		line = pfg_xasprintf("%s%s%s: alert %lld %s (was %s) by %s, %s%s", b0, bench, b0,
				     (long long)it->alert_id, pfg_alert_state_name(it->state),
				     pfg_alert_state_name(it->from), actor,
				     pfg_severity_name(it->severity), change);
		free(actor);
		break;
	}
	}
	free(bench);
	return line;
}

/* The title: "perfguard SUITE: SUMMARY". */
static char *title(const struct pfg_notify_message *m)
{
	char sum[400];
	pfg_notify_message_summary(m, sum, sizeof sum);
	return pfg_xasprintf("perfguard %s: %s", m->suite, sum);
}

/* The facts of a message: run, revision, gate (values plain text). */
struct fact {
	const char *name;
	char value[200];
};

/* Fill facts[0..3) and return how many. */
static size_t facts(const struct pfg_notify_message *m, struct fact *f)
{
	size_t n = 0;
	if (m->run_id) {
		f[n].name = "Run";
		snprintf(f[n].value, sizeof f[n].value, "%lld (%s)", (long long)m->run_id,
			 pfg_run_status_name(m->run_status));
		n++;
	}
	if (m->git_rev) {
		f[n].name = "Revision";
		snprintf(f[n].value, sizeof f[n].value, "%.12s", m->git_rev);
		n++;
	}
	if (m->has_gate) {
		f[n].name = "Gate";
		snprintf(f[n].value, sizeof f[n].value, "%s (%zu of %zu benchmarks fail at %s "
			 "or above)", m->gate_failed ? "failed" : "passed", m->gate_failing,
			 m->gate_benchmarks, pfg_severity_name(m->fail_on));
		n++;
	}
	return n;
}

/* Append lines of items from *next into a text of at most max characters,
 * leaving room for an "and N more" line; returns the text (caller frees)
 * and advances *next past the items that fit. */
static char *item_lines(const struct pfg_notify_message *m, size_t *next, size_t max,
			enum markup mk, int last)
{
	char *text = pfg_xstrdup("");
	size_t n = 0;
	const size_t reserve = 40;
	for (; *next < m->n_items; (*next)++) {
		char *line = item_line(&m->items[*next], mk);
		size_t add = chars(line) + (n ? 1 : 0);
		size_t room = max - ((last && *next + 1 < m->n_items) ? reserve : 0);
		if (n + add > room && n > 0) {
			free(line);
			break;
		}
		if (n + add > room) { /* one line longer than the whole: cut it */
			char *c = cut(line, room);
			free(line);
			line = c;
			add = chars(line);
		}
		char *t = pfg_xasprintf("%s%s%s", text, n ? "\n" : "", line);
		free(text);
		free(line);
		text = t;
		n += add;
	}
	if (last && *next < m->n_items) {
		char *t = pfg_xasprintf("%s%sand %zu more", text, n ? "\n" : "",
					m->n_items - *next);
		free(text);
		text = t;
	}
	return text;
}

/* Add {"type": type, "text": text} to obj under key. */
static void add_text_object(cJSON *obj, const char *key, const char *type, const char *text)
{
	cJSON *t = cJSON_AddObjectToObject(obj, key);
	cJSON_AddStringToObject(t, "type", type);
	cJSON_AddStringToObject(t, "text", text);
}

/* Slack: {"text": fallback, "blocks": [header, fields, items..., context]}. */
static cJSON *slack(const struct pfg_notify_message *m)
{
	cJSON *root = cJSON_CreateObject();
	char *t = title(m), *plain = cut(t, SLACK_HEADER_MAX);
	char *esc = escape(t, SLACK), *fallback = cut(esc, SLACK_FALLBACK_MAX);
	cJSON_AddStringToObject(root, "text", fallback);
	free(fallback);
	free(esc);
	free(t);
	cJSON *blocks = cJSON_AddArrayToObject(root, "blocks");
	cJSON *h = cJSON_CreateObject();
	cJSON_AddStringToObject(h, "type", "header");
	add_text_object(h, "text", "plain_text", plain);
	free(plain);
	cJSON_AddItemToArray(blocks, h);
	struct fact f[3];
	size_t nf = facts(m, f);
	if (nf) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "type", "section");
		cJSON *fields = cJSON_AddArrayToObject(s, "fields");
		for (size_t i = 0; i < nf; i++) {
			char *v = escape(f[i].value, SLACK);
			char *txt = pfg_xasprintf("*%s*\n%s", f[i].name, v);
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "type", "mrkdwn");
			cJSON_AddStringToObject(o, "text", txt);
			cJSON_AddItemToArray(fields, o);
			free(v);
			free(txt);
		}
		cJSON_AddItemToArray(blocks, s);
	}
	size_t next = 0;
	for (int k = 0; k < SLACK_ITEM_SECTIONS && next < m->n_items; k++) {
		char *lines = item_lines(m, &next, SLACK_SECTION_MAX, SLACK,
					 k + 1 == SLACK_ITEM_SECTIONS);
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "type", "section");
		add_text_object(s, "text", "mrkdwn", lines);
		cJSON_AddItemToArray(blocks, s);
		free(lines);
	}
	cJSON *c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "type", "context");
	cJSON *els = cJSON_AddArrayToObject(c, "elements");
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "type", "mrkdwn");
	cJSON_AddStringToObject(e, "text", "perfguard " PFG_VERSION);
	cJSON_AddItemToArray(els, e);
	cJSON_AddItemToArray(blocks, c);
	return root;
}

/* Discord's colour for the worst severity of m (green when none). */
static int discord_colour(const struct pfg_notify_message *m)
{
	enum pfg_severity worst = PFG_SEVERITY_NONE;
	for (size_t i = 0; i < m->n_items; i++)
		if (m->items[i].event != PFG_NOTIFY_ON_RECOVERED &&
		    m->items[i].event != PFG_NOTIFY_ON_BASELINE_PROPOSED &&
		    m->items[i].severity > worst)
			worst = m->items[i].severity;
	static const int colours[] = { 0x2e7d32, 0xfbc02d, 0xf57c00, 0xe53935, 0x8e0000 };
	if (worst == PFG_SEVERITY_NONE && m->has_gate && m->gate_failed)
		return colours[PFG_SEVERITY_MAJOR];
	return colours[worst];
}

/* Discord: one embed, its title, facts as fields, items in the
 * description, within 6,000 characters in all. */
static cJSON *discord(const struct pfg_notify_message *m)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "username", "perfguard");
	cJSON *am = cJSON_AddObjectToObject(root, "allowed_mentions");
	cJSON_AddArrayToObject(am, "parse");
	cJSON *embeds = cJSON_AddArrayToObject(root, "embeds");
	cJSON *e = cJSON_CreateObject();
	cJSON_AddItemToArray(embeds, e);
	char *t = title(m), *esc = escape(t, DISCORD), *tt = cut(esc, DISCORD_TITLE_MAX);
	cJSON_AddStringToObject(e, "title", tt);
	size_t used = chars(tt);
	free(tt);
	free(esc);
	free(t);
	cJSON_AddNumberToObject(e, "color", discord_colour(m));
	struct fact f[3];
	size_t nf = facts(m, f);
	cJSON *fields = cJSON_AddArrayToObject(e, "fields");
	for (size_t i = 0; i < nf; i++) {
		char *v = escape(f[i].value, DISCORD), *vv = cut(v, DISCORD_FIELD_VALUE_MAX);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", f[i].name);
		cJSON_AddStringToObject(o, "value", vv);
		cJSON_AddBoolToObject(o, "inline", 1);
		cJSON_AddItemToArray(fields, o);
		used += chars(f[i].name) + chars(vv);
		free(v);
		free(vv);
	}
	const char *footer = "perfguard " PFG_VERSION;
	cJSON *fo = cJSON_AddObjectToObject(e, "footer");
	cJSON_AddStringToObject(fo, "text", footer);
	used += chars(footer);
	size_t room = DISCORD_TOTAL_MAX - 100 - used;
	if (room > DISCORD_DESCRIPTION_MAX)
		room = DISCORD_DESCRIPTION_MAX;
	size_t next = 0;
	char *lines = item_lines(m, &next, room, DISCORD, 1);
	if (*lines)
		cJSON_AddStringToObject(e, "description", lines);
	free(lines);
	return root;
}

/* A Teams TextBlock. */
static cJSON *text_block(const char *text, const char *weight, const char *colour,
			 int subtle)
{
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "type", "TextBlock");
	cJSON_AddStringToObject(b, "text", text);
	cJSON_AddBoolToObject(b, "wrap", 1);
	if (weight)
		cJSON_AddStringToObject(b, "weight", weight);
	if (colour)
		cJSON_AddStringToObject(b, "color", colour);
	if (subtle)
		cJSON_AddBoolToObject(b, "isSubtle", 1);
	return b;
}

/* Teams Workflows: an Adaptive Card 1.4 of a title, a FactSet and one
 * TextBlock per item, kept under TEAMS_BYTES_MAX bytes of JSON. */
static cJSON *teams(const struct pfg_notify_message *m)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "type", "message");
	cJSON *atts = cJSON_AddArrayToObject(root, "attachments");
	cJSON *att = cJSON_CreateObject();
	cJSON_AddItemToArray(atts, att);
	cJSON_AddStringToObject(att, "contentType", "application/vnd.microsoft.card.adaptive");
	cJSON_AddNullToObject(att, "contentUrl");
	cJSON *card = cJSON_AddObjectToObject(att, "content");
	cJSON_AddStringToObject(card, "$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
	cJSON_AddStringToObject(card, "type", "AdaptiveCard");
	cJSON_AddStringToObject(card, "version", "1.4");
	cJSON *body = cJSON_AddArrayToObject(card, "body");
	char *t = title(m), *esc = escape(t, TEAMS);
	cJSON *tb = text_block(esc, "Bolder", m->has_gate && m->gate_failed ? "Attention" : NULL, 0);
	cJSON_AddStringToObject(tb, "size", "Medium");
	cJSON_AddItemToArray(body, tb);
	free(esc);
	free(t);
	struct fact f[3];
	size_t nf = facts(m, f);
	if (nf) {
		cJSON *fs = cJSON_CreateObject();
		cJSON_AddStringToObject(fs, "type", "FactSet");
		cJSON *arr = cJSON_AddArrayToObject(fs, "facts");
		for (size_t i = 0; i < nf; i++) {
			char *v = escape(f[i].value, TEAMS);
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "title", f[i].name);
			cJSON_AddStringToObject(o, "value", v);
			cJSON_AddItemToArray(arr, o);
			free(v);
		}
		cJSON_AddItemToArray(body, fs);
	}
	char *base = cJSON_PrintUnformatted(root);
	size_t bytes = strlen(base) + 200;
	free(base);
	size_t i = 0;
	for (; i < m->n_items; i++) {
		char *line = item_line(&m->items[i], TEAMS);
		const struct pfg_notify_item *it = &m->items[i];
		const char *colour = it->event == PFG_NOTIFY_ON_RECOVERED ? "Good"
				   : it->severity >= PFG_SEVERITY_MAJOR ? "Attention"
				   : it->severity >= PFG_SEVERITY_MINOR ? "Warning" : NULL;
		cJSON *b = text_block(line, NULL, colour, 0);
		free(line);
		char *s = cJSON_PrintUnformatted(b);
		size_t add = strlen(s) + 1;
		free(s);
		if (bytes + add > TEAMS_BYTES_MAX) {
			cJSON_Delete(b);
			break;
		}
		bytes += add;
		cJSON_AddItemToArray(body, b);
	}
	if (i < m->n_items) {
		char more[64];
		snprintf(more, sizeof more, "and %zu more", m->n_items - i);
		cJSON_AddItemToArray(body, text_block(more, NULL, NULL, 1));
	}
	return root;
}

/* Add name: s, or null when s is NULL. */
static void add_string_or_null(cJSON *o, const char *name, const char *s)
{
	if (s) {
		char *clean = pfg_utf8_sanitize(s);
		cJSON_AddStringToObject(o, name, clean);
		free(clean);
	} else {
		cJSON_AddNullToObject(o, name);
	}
}

/* The generic webhook: the summary document, "schema_version": 1, with the
 * names of `perfguard report --format json` where they overlap. */
static cJSON *webhook(const struct pfg_notify_message *m)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "schema_version", 1);
	cJSON_AddStringToObject(root, "generator", "perfguard " PFG_VERSION);
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(root, "generated_at", when);
	cJSON_AddStringToObject(root, "kind", "notification");
	cJSON_AddStringToObject(root, "event", m->event);
	add_string_or_null(root, "suite", m->suite);
	char sum[400];
	pfg_notify_message_summary(m, sum, sizeof sum);
	cJSON_AddStringToObject(root, "summary", sum);
	if (m->run_id) {
		cJSON *r = cJSON_AddObjectToObject(root, "run");
		cJSON_AddNumberToObject(r, "id", (double)m->run_id);
		cJSON_AddStringToObject(r, "status", pfg_run_status_name(m->run_status));
		add_string_or_null(r, "git_rev", m->git_rev);
		cJSON_AddNumberToObject(r, "benchmarks", (double)m->n_benchmarks);
	} else {
		cJSON_AddNullToObject(root, "run");
	}
	if (m->has_gate) {
		cJSON *g = cJSON_AddObjectToObject(root, "gate");
		cJSON_AddStringToObject(g, "verdict", m->gate_failed ? "fail" : "pass");
		cJSON_AddStringToObject(g, "fail_on", pfg_severity_name(m->fail_on));
		cJSON_AddNumberToObject(g, "benchmarks", (double)m->gate_benchmarks);
		cJSON_AddNumberToObject(g, "failing", (double)m->gate_failing);
	} else {
		cJSON_AddNullToObject(root, "gate");
	}
	cJSON *counts = cJSON_AddObjectToObject(root, "counts");
	size_t count[PFG_NOTIFY_N_EVENTS] = { 0 };
	for (size_t i = 0; i < m->n_items; i++)
		count[m->items[i].event]++;
	for (int e = 0; e < PFG_NOTIFY_N_EVENTS; e++)
		if (e != PFG_NOTIFY_ON_GATE_FAILED)
			cJSON_AddNumberToObject(counts, pfg_notify_event_name(e), (double)count[e]);
	cJSON *items = cJSON_AddArrayToObject(root, "items");
	size_t n = m->n_items < WEBHOOK_ITEMS_MAX ? m->n_items : WEBHOOK_ITEMS_MAX;
	for (size_t i = 0; i < n; i++) {
		const struct pfg_notify_item *it = &m->items[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "event", pfg_notify_event_name(it->event));
		add_string_or_null(o, "benchmark", it->bench);
		add_string_or_null(o, "component", it->component);
		cJSON_AddStringToObject(o, "severity", pfg_severity_name(it->severity));
		if (it->has_change) {
			cJSON_AddNumberToObject(o, "change_pct", it->change_pct);
			cJSON_AddNumberToObject(o, "ci_low_pct", it->ci_low_pct);
			cJSON_AddNumberToObject(o, "ci_high_pct", it->ci_high_pct);
		} else {
			cJSON_AddNullToObject(o, "change_pct");
			cJSON_AddNullToObject(o, "ci_low_pct");
			cJSON_AddNullToObject(o, "ci_high_pct");
		}
		if (it->alert_id) {
			cJSON_AddNumberToObject(o, "alert_id", (double)it->alert_id);
			cJSON_AddStringToObject(o, "alert_state", pfg_alert_state_name(it->state));
		} else {
			cJSON_AddNullToObject(o, "alert_id");
			cJSON_AddNullToObject(o, "alert_state");
		}
		if (it->event == PFG_NOTIFY_ON_ALERT_STATE) {
			cJSON_AddStringToObject(o, "from", pfg_alert_state_name(it->from));
			add_string_or_null(o, "actor", it->actor);
		}
		if (it->baseline_id)
			cJSON_AddNumberToObject(o, "baseline_id", (double)it->baseline_id);
		if (it->event == PFG_NOTIFY_ON_RECOVERED)
			cJSON_AddNumberToObject(o, "recovered", (double)it->count);
		cJSON_AddItemToArray(items, o);
	}
	cJSON_AddNumberToObject(root, "more", (double)(m->n_items - n));
	return root;
}

/* Home Assistant: persistent_notification.create's data: the title, the
 * facts and items as Markdown, one notification_id per suite that each
 * message replaces. */
static cJSON *homeassistant(const struct pfg_notify_message *m)
{
	cJSON *root = cJSON_CreateObject();
	char *t = title(m), *clean = escape(t, PLAIN), *tc = cut(clean, 250);
	cJSON_AddStringToObject(root, "title", tc);
	free(tc);
	free(clean);
	free(t);
	char *text = pfg_xstrdup("");
	struct fact f[3];
	size_t nf = facts(m, f);
	for (size_t i = 0; i < nf; i++) {
		char *v = escape(f[i].value, DISCORD);
		char *x = pfg_xasprintf("%s**%s**: %s\n", text, f[i].name, v);
		free(v);
		free(text);
		text = x;
	}
	size_t next = 0;
	char *lines = item_lines(m, &next, HA_MESSAGE_MAX, DISCORD, 1);
	char *x = pfg_xasprintf("%s%s%s", text, nf && *lines ? "\n" : "", lines);
	free(lines);
	free(text);
	cJSON_AddStringToObject(root, "message", x);
	free(x);
	char *sid = pfg_utf8_sanitize(m->suite ? m->suite : "perfguard");
	char *id = pfg_xasprintf("perfguard_%s", sid);
	cJSON_AddStringToObject(root, "notification_id", id);
	free(id);
	free(sid);
	return root;
}

char *pfg_notify_payload(enum pfg_notify_kind k, const struct pfg_notify_message *m)
{
	cJSON *root = k == PFG_NOTIFY_SLACK ? slack(m) : k == PFG_NOTIFY_DISCORD ? discord(m)
		    : k == PFG_NOTIFY_TEAMS ? teams(m)
		    : k == PFG_NOTIFY_HOMEASSISTANT ? homeassistant(m) : webhook(m);
	char *s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return s;
}
