/* test_notify.c: notifications without a network: URLs masked to the
 * host, what each target lets through, payloads within each service's
 * limits whatever the text, escaping per service, and the store's log and
 * backlog on a real file. Delivery over HTTP is tested end to end in
 * tests/cli/t610-notify-delivery.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/notify.h"
#include "perfguard/util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Characters (code points) of UTF-8 s. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void test_mask_url(void **state)
{
	(void)state;
	char buf[128];
	pfg_notify_mask_url("https://hooks.slack.com/services/T0/B0/SECRET", buf, sizeof buf);
	assert_string_equal(buf, "https://hooks.slack.com/...");
	pfg_notify_mask_url("http://user:pw@10.0.0.2:8080?token=SECRET", buf, sizeof buf);
	assert_string_equal(buf, "http://10.0.0.2:8080/...");
	pfg_notify_mask_url("https://example.com", buf, sizeof buf);
	assert_string_equal(buf, "https://example.com");
	pfg_notify_mask_url("no scheme at all SECRET", buf, sizeof buf);
	assert_null(strstr(buf, "SECRET"));
}

/* A message of n regressions over components c0..c2 and severities. */
static void make_message(struct pfg_notify_message *m, size_t n, const char *suite)
{
	pfg_notify_message_init(m, "run", suite);
	m->run_id = 7;
	m->git_rev = pfg_xstrdup("0123456789abcdef0123456789abcdef01234567");
	m->has_gate = 1;
	m->gate_failed = 1;
	m->fail_on = PFG_SEVERITY_MAJOR;
	for (size_t i = 0; i < n; i++) {
		char bench[128];
		snprintf(bench, sizeof bench, "c%zu/bench_%zu_with_a_long_name", i % 3, i);
		struct pfg_notify_item it = { .event = PFG_NOTIFY_ON_REGRESSION, .bench = bench,
					      .severity = (enum pfg_severity)(1 + i % 4),
					      .has_change = 1, .change_pct = 10.0 + (double)i,
					      .ci_low_pct = 5, .ci_high_pct = 15,
					      .alert_id = (int64_t)i + 1 };
		pfg_notify_message_add(m, &it);
	}
}

static void test_filters(void **state)
{
	(void)state;
	struct pfg_notify_message m, out;
	make_message(&m, 12, "s");
	struct pfg_notify_target t = { .name = "t", .kind = PFG_NOTIFY_WEBHOOK,
				       .min_severity = PFG_SEVERITY_MAJOR,
				       .on = 1u << PFG_NOTIFY_ON_REGRESSION };
	pfg_strv_push(&t.components, "c1");
	assert_true(pfg_notify_message_for(&t, &m, &out));
	/* c1 holds items 1, 4, 7, 10: severities moderate, minor, critical, major. */
	assert_int_equal(out.n_items, 2);
	assert_string_equal(out.items[0].bench, "c1/bench_7_with_a_long_name");
	pfg_notify_message_release(&out);
	/* Only the gate: nothing to say unless gate_failed is wanted. */
	t.on = 1u << PFG_NOTIFY_ON_DRIFT;
	assert_false(pfg_notify_message_for(&t, &m, &out));
	pfg_notify_message_release(&out);
	t.on |= 1u << PFG_NOTIFY_ON_GATE_FAILED;
	assert_true(pfg_notify_message_for(&t, &m, &out));
	assert_int_equal(out.n_items, 0);
	pfg_notify_message_release(&out);
	pfg_strv_release(&t.components);
	pfg_notify_message_release(&m);
}

/* The text of an "and N more" line at the end of s, or 0. */
static size_t more_of(const char *s)
{
	const char *p = strstr(s, "and ");
	size_t last = 0;
	while (p) {
		last = strtoul(p + 4, NULL, 10);
		p = strstr(p + 4, "and ");
	}
	return last;
}

static void test_limits_whatever_the_text(void **state)
{
	(void)state;
	/* A suite name of 5,000 characters, multibyte, full of markup. */
	char *suite = pfg_xmalloc(5 * 5000 + 1);
	suite[0] = '\0';
	for (int i = 0; i < 1000; i++)
		strcat(suite, "é<*_>");
	struct pfg_notify_message m;
	make_message(&m, 500, suite);
	char *s = pfg_notify_payload(PFG_NOTIFY_SLACK, &m);
	cJSON *j = cJSON_Parse(s);
	assert_non_null(j);
	const cJSON *blocks = cJSON_GetObjectItem(j, "blocks");
	assert_true(cJSON_GetArraySize(blocks) <= 50);
	const cJSON *h = cJSON_GetObjectItem(cJSON_GetArrayItem(blocks, 0), "text");
	assert_true(chars(cJSON_GetObjectItem(h, "text")->valuestring) <= 150);
	assert_true(chars(cJSON_GetObjectItem(j, "text")->valuestring) <= 3000);
	size_t more = 0;
	for (const cJSON *b = blocks->child; b; b = b->next) {
		const cJSON *t = cJSON_GetObjectItem(cJSON_GetObjectItem(b, "text"), "text");
		if (strcmp(cJSON_GetObjectItem(b, "type")->valuestring, "section") || !t)
			continue;
		assert_true(chars(t->valuestring) <= 3000);
		more = more_of(t->valuestring);
	}
	assert_true(more > 0);
	cJSON_Delete(j);
	free(s);

	s = pfg_notify_payload(PFG_NOTIFY_DISCORD, &m);
	j = cJSON_Parse(s);
	const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "embeds"), 0);
	size_t total = chars(cJSON_GetObjectItem(e, "title")->valuestring) +
		       chars(cJSON_GetObjectItem(e, "description")->valuestring) +
		       chars(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "footer"), "text")->valuestring);
	assert_true(chars(cJSON_GetObjectItem(e, "title")->valuestring) <= 256);
	assert_true(chars(cJSON_GetObjectItem(e, "description")->valuestring) <= 4096);
	for (const cJSON *f = cJSON_GetObjectItem(e, "fields")->child; f; f = f->next)
		total += chars(cJSON_GetObjectItem(f, "name")->valuestring) +
			 chars(cJSON_GetObjectItem(f, "value")->valuestring);
	assert_true(total <= 6000);
	assert_true(more_of(cJSON_GetObjectItem(e, "description")->valuestring) > 0);
	/* Markdown escaped: no bare * or _ from the suite's name. */
	assert_non_null(strstr(cJSON_GetObjectItem(e, "title")->valuestring, "\\<\\*\\_\\>"));
	cJSON_Delete(j);
	free(s);

	s = pfg_notify_payload(PFG_NOTIFY_TEAMS, &m);
	assert_true(strlen(s) < 28000);
	assert_non_null(strstr(s, "more\""));
	free(s);

	s = pfg_notify_payload(PFG_NOTIFY_WEBHOOK, &m);
	j = cJSON_Parse(s);
	assert_int_equal(cJSON_GetObjectItem(j, "schema_version")->valueint, 1);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 500);
	assert_int_equal(cJSON_GetObjectItem(j, "more")->valueint, 0);
	assert_string_equal(cJSON_GetObjectItem(j, "suite")->valuestring, suite);
	cJSON_Delete(j);
	free(s);
	pfg_notify_message_release(&m);
	free(suite);
}

static void test_slack_escapes_entities(void **state)
{
	(void)state;
	struct pfg_notify_message m;
	pfg_notify_message_init(&m, "alert_state", "a & b");
	struct pfg_notify_item it = { .event = PFG_NOTIFY_ON_ALERT_STATE, .bench = "c/b",
				      .severity = PFG_SEVERITY_MAJOR, .alert_id = 3,
				      .state = PFG_ALERT_ACKNOWLEDGED, .from = PFG_ALERT_NEW,
				      .actor = "<!channel> & co" };
	pfg_notify_message_add(&m, &it);
	char *s = pfg_notify_payload(PFG_NOTIFY_SLACK, &m);
	cJSON *j = cJSON_Parse(s);
	const cJSON *sec = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "blocks"), 1);
	const char *t = cJSON_GetObjectItem(cJSON_GetObjectItem(sec, "text"), "text")->valuestring;
	assert_string_equal(t, "*c/b*: alert 3 acknowledged (was new) by &lt;!channel&gt; "
			    "&amp; co, major");
	assert_string_equal(cJSON_GetObjectItem(j, "text")->valuestring,
			    "perfguard a &amp; b: alert 3 acknowledged (c/b)");
	cJSON_Delete(j);
	free(s);
	pfg_notify_message_release(&m);
}

static void test_store_log_and_backlog(void **state)
{
	(void)state;
	char dir[] = "/tmp/pfg-notify-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *db = pfg_xasprintf("%s/p.db", dir), err[PFG_ERR_MAX];
	struct pfg_store *st;
	assert_int_equal(pfg_store_open(db, &st, err, sizeof err), 0);
	int64_t id;
	for (int i = 0; i < 25; i++) {
		struct pfg_notify_row r = { .target = i % 5 ? "a" : "gone", .kind = "slack",
					    .event = "run", .summary = "s",
					    .status = PFG_NOTIFY_PENDING, .payload = "{}" };
		assert_int_equal(pfg_store_notify_add(st, &r, &id, err, sizeof err), 0);
	}
	size_t dropped;
	assert_int_equal(pfg_store_notify_trim(st, "a", 15, &dropped, err, sizeof err), 0);
	assert_int_equal(dropped, 5);
	const char *names[] = { "a" };
	assert_int_equal(pfg_store_notify_drop_others(st, names, 1, err, sizeof err), 0);
	struct pfg_notify_row *rows;
	size_t n;
	assert_int_equal(pfg_store_notify_pending(st, "a", &rows, &n, err, sizeof err), 0);
	assert_int_equal(n, 15);
	assert_string_equal(rows[0].payload, "{}");
	int64_t oldest = rows[0].id;
	pfg_notify_rows_free(rows, n);
	assert_int_equal(pfg_store_notify_update(st, oldest, PFG_NOTIFY_SENT, 200, 2, NULL,
						 err, sizeof err), 0);
	assert_int_equal(pfg_store_notify_log(st, NULL, 0, &rows, &n, err, sizeof err), 0);
	assert_int_equal(n, 25);
	size_t sent = 0, pending = 0, gone = 0;
	for (size_t i = 0; i < n; i++) {
		assert_null(rows[i].payload);
		sent += rows[i].status == PFG_NOTIFY_SENT && rows[i].attempts == 2;
		pending += rows[i].status == PFG_NOTIFY_PENDING;
		gone += rows[i].status == PFG_NOTIFY_DROPPED && strcmp(rows[i].target, "gone") == 0;
	}
	assert_int_equal(sent, 1);
	assert_int_equal(pending, 14);
	assert_int_equal(gone, 5);
	pfg_notify_rows_free(rows, n);
	pfg_store_close(st);
	char *cmd = pfg_xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_url),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_limits_whatever_the_text),
		cmocka_unit_test(test_slack_escapes_entities),
		cmocka_unit_test(test_store_log_and_backlog),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
