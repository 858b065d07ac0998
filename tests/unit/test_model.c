/* test_model.c: every domain word's name and parse agree, the severity
 * order, and the alert state machine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/model.h"

#include <string.h>

/* Every value of every enum round-trips through its name; unknown names
 * and NULL are refused. */
static void test_names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i <= PFG_VERDICT_NOT_COMPARABLE; i++) {
		enum pfg_verdict v;
		assert_int_equal(pfg_verdict_parse(pfg_verdict_name((enum pfg_verdict)i), &v), 0);
		assert_int_equal(v, i);
	}
	for (int i = 0; i <= PFG_SEVERITY_CRITICAL; i++) {
		enum pfg_severity v;
		assert_int_equal(pfg_severity_parse(pfg_severity_name((enum pfg_severity)i), &v), 0);
		assert_int_equal(v, i);
	}
	for (int i = 0; i <= PFG_ALERT_WONTFIX; i++) {
		enum pfg_alert_state v;
		assert_int_equal(pfg_alert_state_parse(
			pfg_alert_state_name((enum pfg_alert_state)i), &v), 0);
		assert_int_equal(v, i);
	}
	for (int i = 0; i <= PFG_BASELINE_SUPERSEDED; i++) {
		enum pfg_baseline_state v;
		assert_int_equal(pfg_baseline_state_parse(
			pfg_baseline_state_name((enum pfg_baseline_state)i), &v), 0);
		assert_int_equal(v, i);
	}
	for (int i = 0; i <= PFG_RUN_INTERRUPTED; i++) {
		enum pfg_run_status v;
		assert_int_equal(pfg_run_status_parse(pfg_run_status_name((enum pfg_run_status)i),
						      &v), 0);
		assert_int_equal(v, i);
	}
	for (int i = 0; i <= PFG_ALERT_ERROR_RATE; i++) {
		enum pfg_alert_kind v;
		assert_int_equal(pfg_alert_kind_parse(pfg_alert_kind_name((enum pfg_alert_kind)i),
						      &v), 0);
		assert_int_equal(v, i);
	}
	for (int i = 0; i <= PFG_BOOST_ON; i++) {
		enum pfg_boost v;
		assert_int_equal(pfg_boost_parse(pfg_boost_name((enum pfg_boost)i), &v), 0);
		assert_int_equal(v, i);
	}
	assert_string_equal(pfg_boost_name(PFG_BOOST_UNKNOWN), "unknown");
	for (int i = 0; i <= PFG_STOP_INTERRUPTED; i++) {
		enum pfg_stop_reason v;
		assert_int_equal(pfg_stop_reason_parse(
			pfg_stop_reason_name((enum pfg_stop_reason)i), &v), 0);
		assert_int_equal(v, i);
	}
	assert_string_equal(pfg_stop_reason_name(PFG_STOP_MAX_RUNS), "max_runs");
	assert_string_equal(pfg_stop_reason_name(PFG_STOP_RUNS), "runs");
	enum pfg_direction d;
	assert_int_equal(pfg_direction_parse("higher", &d), 0);
	assert_int_equal(d, PFG_HIGHER_IS_BETTER);
	enum pfg_severity s = PFG_SEVERITY_MAJOR;
	assert_int_equal(pfg_severity_parse("Major", &s), -1);
	assert_int_equal(pfg_severity_parse(NULL, &s), -1);
	assert_int_equal(s, PFG_SEVERITY_MAJOR); /* untouched */
	assert_string_equal(pfg_severity_name((enum pfg_severity)42), "?");
	assert_string_equal(pfg_verdict_name(PFG_VERDICT_NOT_COMPARABLE), "not_comparable");
	assert_string_equal(pfg_alert_state_name(PFG_ALERT_WONTFIX), "wontfix");
}

/* Severities compare in the order of the thresholds. */
static void test_severity_order(void **state)
{
	(void)state;
	assert_true(PFG_SEVERITY_NONE < PFG_SEVERITY_MINOR);
	assert_true(PFG_SEVERITY_MINOR < PFG_SEVERITY_MODERATE);
	assert_true(PFG_SEVERITY_MODERATE < PFG_SEVERITY_MAJOR);
	assert_true(PFG_SEVERITY_MAJOR < PFG_SEVERITY_CRITICAL);
}

/* Open states move forward or close; closed ones only reopen. */
static void test_alert_state_machine(void **state)
{
	(void)state;
	const enum pfg_alert_state n = PFG_ALERT_NEW, ack = PFG_ALERT_ACKNOWLEDGED,
		inv = PFG_ALERT_INVESTIGATING, fix = PFG_ALERT_FIXED,
		bad = PFG_ALERT_INVALID, wf = PFG_ALERT_WONTFIX;
	assert_true(pfg_alert_state_is_open(n) && pfg_alert_state_is_open(ack) &&
		    pfg_alert_state_is_open(inv));
	assert_false(pfg_alert_state_is_open(fix) || pfg_alert_state_is_open(bad) ||
		     pfg_alert_state_is_open(wf));
	assert_true(pfg_alert_state_is_dismissed(bad) && pfg_alert_state_is_dismissed(wf));
	assert_false(pfg_alert_state_is_dismissed(fix) || pfg_alert_state_is_dismissed(n));
	assert_true(pfg_alert_state_can_become(n, ack));
	assert_true(pfg_alert_state_can_become(n, inv));
	assert_true(pfg_alert_state_can_become(ack, wf));
	assert_false(pfg_alert_state_can_become(inv, ack));
	assert_false(pfg_alert_state_can_become(ack, n));
	assert_true(pfg_alert_state_can_become(fix, inv));
	assert_true(pfg_alert_state_can_become(bad, inv));
	assert_false(pfg_alert_state_can_become(wf, ack));
	assert_false(pfg_alert_state_can_become(fix, n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_severity_order),
		cmocka_unit_test(test_alert_state_machine),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
