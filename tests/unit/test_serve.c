/* test_serve.c: what perfguard serve decides before it answers: which
 * X-Ingress-Path values it honours and the addresses --bind and --allow
 * take. (The answers themselves: tests/cli/t950-serve.sh and t955.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/serve.h"
#include "perfguard/util.h"

#include <string.h>

/* Plain paths are honoured; anything that could leave the prefix is not. */
static void test_ingress(void **state)
{
	(void)state;
	static const char *const good[] = {
		"/api/hassio_ingress/Zx9-_~.a", "/a", "/a/", "/a.b/c..d/...", "/~",
	};
	static const char *const bad[] = {
		"", "/", "a/b", "//evil.example", "/a//b", "/a/../b", "/..", "/a/.",
		"/a/./b", "/a b", "/a?b", "/a#b", "/a%2e", "/a\\b", "/a\"b", "/a<b",
		"/a\x01", "/\xc3\xa9", "javascript:alert(1)", "/a:b", "/a;b",
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		assert_true(pfg_serve_ingress_ok(good[i]));
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(pfg_serve_ingress_ok(bad[i]));
	char longest[PFG_SERVE_INGRESS_MAX + 2];
	memset(longest, 'a', sizeof longest);
	longest[0] = '/';
	longest[PFG_SERVE_INGRESS_MAX] = '\0';
	assert_true(pfg_serve_ingress_ok(longest));
	longest[PFG_SERVE_INGRESS_MAX] = 'a';
	longest[PFG_SERVE_INGRESS_MAX + 1] = '\0';
	assert_false(pfg_serve_ingress_ok(longest));
}

/* IPv4 and IPv6 addresses, nothing else. */
static void test_addr(void **state)
{
	(void)state;
	struct pfg_serve_addr a;
	char err[PFG_ERR_MAX];
	assert_int_equal(pfg_serve_addr_parse("172.30.32.2", &a, err, sizeof err), 0);
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(a.bytes, "\xac\x1e\x20\x02", 4);
	assert_int_equal(pfg_serve_addr_parse("::1", &a, err, sizeof err), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.bytes[15], 1);
	static const char *const bad[] = { "", "localhost", "1.2.3", "1.2.3.256", "::g",
					   "127.0.0.1:80", " 127.0.0.1" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(pfg_serve_addr_parse(bad[i], &a, err, sizeof err), PFG_EINPUT);
		assert_non_null(strstr(err, "expected an IPv4 or IPv6 address"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ingress),
		cmocka_unit_test(test_addr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
