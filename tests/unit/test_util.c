/* test_util.c: the UTF-8 validator and sanitiser (util.h) and the visible
 * form of untrusted text for terminals (pfg_cli_safe, cli.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/cli.h"
#include "perfguard/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FFFD "\xef\xbf\xbd"

/* Assert that sanitising in gives want, and that want is valid UTF-8. */
static void expect_sanitized(const char *in, const char *want)
{
	char *got = pfg_utf8_sanitize(in);
	if (strcmp(got, want) != 0) {
		print_error("in:   ");
		for (const unsigned char *p = (const unsigned char *)in; *p; p++)
			print_error("%02x ", *p);
		print_error("\ngot:  ");
		for (const unsigned char *p = (const unsigned char *)got; *p; p++)
			print_error("%02x ", *p);
		print_error("\n");
		free(got);
		fail();
	}
	assert_true(pfg_utf8_valid(got));
	free(got);
}

/* ASCII and every length of valid multibyte sequence are kept as they are,
 * including the edges: U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFD,
 * U+10000 and U+10FFFF. */
static void test_valid_text_is_kept(void **state)
{
	(void)state;
	static const char *const valid[] = {
		"", "plain ascii, tabs\tand\nnewlines", "caf\xc3\xa9 \xe2\x82\xac 5",
		"\xf0\x9f\x9a\x80 rocket", "\xc2\x80 \xdf\xbf \xe0\xa0\x80 \xed\x9f\xbf",
		"\xee\x80\x80 \xef\xbf\xbd \xf0\x90\x80\x80 \xf4\x8f\xbf\xbf",
		"\x1b[2J\x07 controls are valid UTF-8",
	};
	for (size_t i = 0; i < sizeof valid / sizeof *valid; i++) {
		assert_true(pfg_utf8_valid(valid[i]));
		expect_sanitized(valid[i], valid[i]);
	}
	uint32_t cp;
	assert_int_equal(pfg_utf8_decode("\xf4\x8f\xbf\xbf", &cp), 4);
	assert_int_equal(cp, 0x10ffff);
	assert_int_equal(pfg_utf8_decode("\xe2\x82\xac", &cp), 3);
	assert_int_equal(cp, 0x20ac);
}

/* Stray continuation bytes and bytes that never occur in UTF-8. */
static void test_stray_and_impossible_bytes_replaced(void **state)
{
	(void)state;
	expect_sanitized("a\x80z", "a" FFFD "z");
	expect_sanitized("\xbf\xbf", FFFD FFFD);
	expect_sanitized("x\xfey\xff", "x" FFFD "y" FFFD);
	expect_sanitized("\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD);
	/* Latin-1 text as it often arrives from a tool's stderr. */
	expect_sanitized("caf\xe9!", "caf" FFFD "!");
	assert_false(pfg_utf8_valid("caf\xe9"));
}

/* Overlong forms of '/', NUL and U+07FF, U+FFFF are rejected byte by byte
 * (no valid sequence starts with c0, c1, e0 80..9f or f0 80..8f). */
static void test_overlongs_replaced(void **state)
{
	(void)state;
	expect_sanitized("\xc0\xaf", FFFD FFFD);
	expect_sanitized("\xc1\xbf", FFFD FFFD);
	expect_sanitized("\xc0\x80", FFFD FFFD);
	expect_sanitized("\xe0\x9f\xbf", FFFD FFFD FFFD);
	expect_sanitized("\xf0\x8f\xbf\xbf", FFFD FFFD FFFD FFFD);
	expect_sanitized("<\xe0\x80\xaf>", "<" FFFD FFFD FFFD ">");
}

/* UTF-16 surrogates encoded in UTF-8 (CESU-8) are not UTF-8. */
static void test_surrogates_replaced(void **state)
{
	(void)state;
	expect_sanitized("\xed\xa0\x80", FFFD FFFD FFFD);
	expect_sanitized("\xed\xbf\xbf", FFFD FFFD FFFD);
	expect_sanitized("\xed\xa0\xbd\xed\xb8\x80", FFFD FFFD FFFD FFFD FFFD FFFD);
	uint32_t cp;
	assert_true(pfg_utf8_decode("\xed\xa0\x80", &cp) < 0);
}

/* Code points above U+10FFFF (f4 90 and up) are rejected. */
static void test_above_max_replaced(void **state)
{
	(void)state;
	expect_sanitized("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);
	expect_sanitized("\xf7\xbf\xbf\xbf", FFFD FFFD FFFD FFFD);
}

/* A sequence cut short, mid-string or at the very end (a stderr tail cut
 * at its byte limit), is one U+FFFD for its well-formed prefix. */
static void test_truncated_sequences_replaced(void **state)
{
	(void)state;
	expect_sanitized("end \xe2\x82", "end " FFFD);
	expect_sanitized("end \xf0\x9f\x9a", "end " FFFD);
	expect_sanitized("\xc3", FFFD);
	expect_sanitized("\xe2\x82x\xc3\xa9", FFFD "x\xc3\xa9");
	expect_sanitized("\xf0\x9f\xc3\xa9", FFFD "\xc3\xa9");
	uint32_t cp;
	assert_int_equal(pfg_utf8_decode("\xf0\x9f\x9a", &cp), -3);
	assert_int_equal(pfg_utf8_decode("\xe2\x82", &cp), -2);
}

/* Terminal text: controls in caret notation, C1 as M-^X, bad bytes as
 * \xNN, printable UTF-8 as is. */
static void test_safe_makes_controls_visible(void **state)
{
	(void)state;
	char buf[128];
	assert_string_equal(pfg_cli_safe("\x1b[2J\x07ok", buf, sizeof buf), "^[[2J^Gok");
	assert_string_equal(pfg_cli_safe("a\nb\tc\x7f\x01", buf, sizeof buf),
			    "a^Jb^Ic^?^A");
	assert_string_equal(pfg_cli_safe("csi \xc2\x9b" "31m", buf, sizeof buf),
			    "csi M-^[31m");
	assert_string_equal(pfg_cli_safe("caf\xc3\xa9 \xe2\x82\xac", buf, sizeof buf),
			    "caf\xc3\xa9 \xe2\x82\xac");
	assert_string_equal(pfg_cli_safe("bad \xff\xe2\x82", buf, sizeof buf),
			    "bad \\xff\\xe2\\x82");
	assert_string_equal(pfg_cli_safe(NULL, buf, sizeof buf), "");
	for (const char *p = pfg_cli_safe("\x1b\x07\x9b\x1b", buf, sizeof buf); *p; p++)
		assert_true(*p != 0x1b && *p != 0x07);
}

/* Text longer than the buffer is cut at a whole piece and ends in "...". */
static void test_safe_cuts_long_text(void **state)
{
	(void)state;
	char buf[10];
	assert_string_equal(pfg_cli_safe("abcdefgh", buf, sizeof buf), "abcdefgh");
	assert_string_equal(pfg_cli_safe("abcdefghi", buf, sizeof buf), "abcdefghi");
	assert_string_equal(pfg_cli_safe("abcdefghij", buf, sizeof buf), "abcdef...");
	assert_string_equal(pfg_cli_safe("ab\x1b\x1b\x1b\x1b", buf, sizeof buf), "ab^[^[...");
	assert_string_equal(pfg_cli_safe("\xff\xff\xff", buf, sizeof buf), "\\xff...");
	char tiny[3]; /* no room for "...": nothing rather than a silent cut */
	assert_string_equal(pfg_cli_safe("abcdef", tiny, sizeof tiny), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_text_is_kept),
		cmocka_unit_test(test_stray_and_impossible_bytes_replaced),
		cmocka_unit_test(test_overlongs_replaced),
		cmocka_unit_test(test_surrogates_replaced),
		cmocka_unit_test(test_above_max_replaced),
		cmocka_unit_test(test_truncated_sequences_replaced),
		cmocka_unit_test(test_safe_makes_controls_visible),
		cmocka_unit_test(test_safe_cuts_long_text),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
