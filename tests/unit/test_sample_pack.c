/* Unit tests of the packed samples' blob (src/store/sample_pack.c): every
 * value bit for bit and every process figure back, whatever they are; a
 * truncated or corrupt blob refused with a message, never a crash. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "perfguard/util.h"
#include "../../src/store/sample_pack.h"

/* The bits of a double. */
static uint64_t bits(double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof u);
	return u;
}

/* A double of given bits. */
static double of_bits(uint64_t u)
{
	double v;
	memcpy(&v, &u, sizeof v);
	return v;
}

/* Encode, decode, and check every field of every sample came back. */
static void round_trip(const struct pfg_sample *s, size_t n)
{
	size_t len, m;
	char err[160];
	struct pfg_sample *back;
	unsigned char *blob = sample_pack_encode(s, n, &len);
	assert_int_equal(sample_pack_decode(blob, len, &back, &m, err, sizeof err), 0);
	assert_int_equal(m, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(bits(back[i].value), bits(s[i].value));
		assert_int_equal(back[i].wall_ns, s[i].wall_ns);
		assert_int_equal(back[i].user_ns, s[i].user_ns);
		assert_int_equal(back[i].sys_ns, s[i].sys_ns);
		assert_int_equal(back[i].max_rss_kib, s[i].max_rss_kib);
		assert_int_equal(back[i].exit_code, s[i].exit_code);
		assert_int_equal(back[i].term_signal, s[i].term_signal);
	}
	free(back);
	free(blob);
}

/* NaN (with payloads and signs), infinities, both zeros, subnormals, the
 * extremes of doubles and of every integer field. */
static void test_special_values(void **state)
{
	(void)state;
	struct pfg_sample s[] = {
		{ NAN, INT64_MIN, INT64_MAX, -1, LONG_MIN, INT_MIN, INT_MAX },
		{ -NAN, INT64_MAX, INT64_MIN, 0, LONG_MAX, INT_MAX, INT_MIN },
		{ of_bits(0x7ff0000000000001u), 0, 0, 0, 0, 0, 0 },
		{ of_bits(0xfff8dead0000beefu), -5, 5, -5, -5, -1, 9 },
		{ INFINITY, 1, 2, 3, 4, 5, 6 },
		{ -INFINITY, -1, -2, -3, -4, -5, -6 },
		{ -0.0, 1000000000000, -1000000000000, 7, 8, 0, 0 },
		{ 0.0, 0, 0, 0, 0, 0, 0 },
		{ 5e-324, 1, 1, 1, 1, 1, 1 },
		{ -DBL_MIN, 2, 2, 2, 2, 2, 2 },
		{ DBL_MAX, INT64_MAX, INT64_MAX, INT64_MAX, LONG_MAX, 1, 1 },
		{ -DBL_MAX, INT64_MIN, INT64_MIN, INT64_MIN, LONG_MIN, -1, 15 },
		{ 1e300, 3, 4, 5, 6, 7, 8 },
		{ 12.345678, 12345678, 6000000, 1000000, 4096, 0, 0 },
	};
	size_t n = sizeof s / sizeof *s;
	round_trip(s, n);
	for (size_t i = 0; i < n; i++)
		round_trip(&s[i], 1);
}

/* Each coding the encoder can pick: raw and XORed values (repeats
 * included), constant, delta and value-predicted integer columns, with
 * predictions that overflow; and many random samples. */
static void test_every_coding(void **state)
{
	(void)state;
	struct pfg_sample s[64];
	uint64_t x = 88172645463325252u;
	for (size_t i = 0; i < 64; i++) {
		double v = 10 + (double)(i % 3) * 0.01;
		s[i] = (struct pfg_sample){ v, (int64_t)(v * 1e6) + (int64_t)(i % 2),
					    500000 + 1013 * (int64_t)i, 1000, (long)v, 0, 0 };
	}
	round_trip(s, 64);
	/* Values whose predictions do not fit: huge, and not finite. */
	s[5].value = 1e30;
	s[6].value = NAN;
	s[7].value = -9.3e12;
	round_trip(s, 64);
	/* Random bits everywhere (xorshift). */
	for (int rep = 0; rep < 50; rep++) {
		for (size_t i = 0; i < 64; i++) {
			uint64_t r[4];
			for (int k = 0; k < 4; k++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				r[k] = x;
			}
			s[i] = (struct pfg_sample){ of_bits(rep % 2 ? r[0] : r[0] & 0xffff00000000ffffu),
						    (int64_t)r[1], (int64_t)r[2], (int64_t)(r[3] >> rep),
						    (long)(int64_t)r[0], (int)(int32_t)r[1],
						    (int)(int32_t)r[2] };
		}
		round_trip(s, 1 + (size_t)rep);
	}
}

/* The coding of a blob's values (its third byte, for fewer than 128). */
static int value_coding(const struct pfg_sample *s, size_t n)
{
	size_t len;
	unsigned char *blob = sample_pack_encode(s, n, &len);
	int coding = blob[2];
	free(blob);
	round_trip(s, n);
	return coding;
}

/* Values that are exactly what the engine derives from a sample's figures
 * (latency, CPU, memory) are not stored; every value that is not, or a
 * sample set with nothing varying, keeps them. */
static void test_derived_values(void **state)
{
	(void)state;
	struct pfg_sample s[12];
	for (size_t i = 0; i < 12; i++) {
		int64_t w = 987654321 + 4099 * (int64_t)(i * 7 % 5);
		s[i] = (struct pfg_sample){ (double)w / 1e6, w, w / 3, w / 11,
					    3000 + (long)(i % 2), 0, 0 };
	}
	assert_int_equal(value_coding(s, 12), 2);
	for (size_t i = 0; i < 12; i++)
		s[i].value = (double)(s[i].user_ns + s[i].sys_ns) / 1e6;
	assert_int_equal(value_coding(s, 12), 2);
	for (size_t i = 0; i < 12; i++)
		s[i].value = (double)s[i].max_rss_kib;
	assert_int_equal(value_coding(s, 12), 2);
	s[7].value = nextafter(s[7].value, 0);
	assert_int_not_equal(value_coding(s, 12), 2);
	for (size_t i = 0; i < 12; i++)
		s[i] = (struct pfg_sample){ 4096, 5, 5, 5, 4096, 0, 0 };
	assert_int_not_equal(value_coding(s, 12), 2);
	/* A derived blob may not predict a column from the values. */
	unsigned char bad_kind[] = { SAMPLE_PACK_FORMAT, 1, 2, 3 };
	char err[160];
	struct pfg_sample *out;
	size_t n;
	assert_int_equal(sample_pack_decode(bad_kind, sizeof bad_kind, &out, &n, err,
					    sizeof err), -1);
	assert_non_null(strstr(err, "unknown value derivation"));
	unsigned char reads_values[] = { SAMPLE_PACK_FORMAT, 1, 2, 0, 2, 0 };
	assert_int_equal(sample_pack_decode(reads_values, sizeof reads_values, &out, &n, err,
					    sizeof err), -1);
	assert_non_null(strstr(err, "a predictor reads values derived from it"));
}

/* Timing-like samples pack well below the 56 bytes of their fields. */
static void test_packs_small(void **state)
{
	(void)state;
	struct pfg_sample s[10];
	for (size_t i = 0; i < 10; i++) {
		int64_t wall = 12000000 + 37111 * (int64_t)(i * i % 7);
		s[i] = (struct pfg_sample){ wall / 1e6, wall, wall / 2, wall / 9, 4096, 0, 0 };
	}
	size_t len;
	unsigned char *blob = sample_pack_encode(s, 10, &len);
	assert_true(len < 10 * 16);
	free(blob);
}

/* Decoding must fail with the message, and hand back nothing. */
static void expect_corrupt(const unsigned char *blob, size_t len, const char *why)
{
	char err[160] = "";
	struct pfg_sample *out = (void *)1;
	size_t n = 99;
	assert_int_equal(sample_pack_decode(blob, len, &out, &n, err, sizeof err), -1);
	assert_null(out);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err, "corrupt sample blob"));
	if (why)
		assert_non_null(strstr(err, why));
}

/* Every truncation, a trailing byte, unknown codings, an impossible count
 * and a varint past 64 bits are refused; any byte changed decodes or is
 * refused, never read past the blob (ASan watches). */
static void test_corrupt_blobs(void **state)
{
	(void)state;
	struct pfg_sample s[5];
	for (size_t i = 0; i < 5; i++)
		s[i] = (struct pfg_sample){ 1.5 + (double)i, 1500000 + (int64_t)i, 10, 20,
					    4096, i == 3 ? 1 : 0, 0 };
	size_t len;
	unsigned char *blob = sample_pack_encode(s, 5, &len);
	expect_corrupt(NULL, 0, "truncated");
	for (size_t k = 0; k < len; k++) {
		unsigned char *cut = pfg_xmalloc(k ? k : 1);
		memcpy(cut, blob, k);
		expect_corrupt(cut, k, NULL);
		free(cut);
	}
	unsigned char *longer = pfg_xmalloc(len + 1);
	memcpy(longer, blob, len);
	longer[len] = 0;
	expect_corrupt(longer, len + 1, "trailing bytes");
	free(longer);
	unsigned char bad_format[] = { 9, 1, 0 };
	expect_corrupt(bad_format, sizeof bad_format, "unknown format");
	unsigned char zero[] = { SAMPLE_PACK_FORMAT, 0 };
	expect_corrupt(zero, sizeof zero, "impossible sample count");
	unsigned char huge[] = { SAMPLE_PACK_FORMAT, 0xff, 0xff, 0xff, 0xff, 0x0f, 0 };
	expect_corrupt(huge, sizeof huge, "impossible sample count");
	unsigned char long_varint[] = { SAMPLE_PACK_FORMAT, 0xff, 0xff, 0xff, 0xff, 0xff,
					0xff, 0xff, 0xff, 0xff, 0x7f };
	expect_corrupt(long_varint, sizeof long_varint, "varint past 64 bits");
	unsigned char bad_coding[] = { SAMPLE_PACK_FORMAT, 1, 7 };
	expect_corrupt(bad_coding, sizeof bad_coding, "unknown value coding");
	unsigned char bad_ref[] = { SAMPLE_PACK_FORMAT, 1, 1, 0x40 };
	expect_corrupt(bad_ref, sizeof bad_ref, "refers before the first");
	unsigned char bad_control[] = { SAMPLE_PACK_FORMAT, 1, 1, 0x3e };
	expect_corrupt(bad_control, sizeof bad_control, "bad value control byte");
	unsigned char bad_pred[] = { SAMPLE_PACK_FORMAT, 1, 1, 0x3f, 9 };
	expect_corrupt(bad_pred, sizeof bad_pred, "unknown predictor");
	/* exit_code 2^40: does not fit an int. */
	unsigned char wide_exit[] = { SAMPLE_PACK_FORMAT, 1, 1, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0,
				      0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0, 0 };
	expect_corrupt(wide_exit, sizeof wide_exit, "exit_code out of range");
	for (size_t k = 0; k < len; k++) {
		for (int flip = 1; flip < 256; flip <<= 1) {
			unsigned char *bent = pfg_xmalloc(len);
			memcpy(bent, blob, len);
			bent[k] ^= (unsigned char)flip;
			struct pfg_sample *out;
			size_t n;
			char err[160];
			if (sample_pack_decode(bent, len, &out, &n, err, sizeof err) == 0) {
				assert_true(n >= 1 && n <= len);
				free(out);
			} else {
				assert_non_null(strstr(err, "corrupt sample blob"));
			}
			free(bent);
		}
	}
	free(blob);
}

/* The SQL aggregate places rows by seq whatever their order, and refuses
 * a gap or a repeated seq. */
static void test_aggregate(void **state)
{
	(void)state;
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sample_pack_register(db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE s (seq, value, w, u, y, r, e, t);"
				      "INSERT INTO s VALUES (2, 2.5, 3, 4, 5, 6, 7, 8),"
				      " (0, 0.5, 1, 1, 1, 1, 0, 0), (1, -1e300, -9, 0, 0, 0, -1, 9)",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT pfg_sample_pack(seq, value, w, u, y, r,"
					    " e, t) FROM s", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	struct pfg_sample *out;
	size_t n;
	char err[160];
	assert_int_equal(sample_pack_decode(sqlite3_column_blob(st, 0),
					    (size_t)sqlite3_column_bytes(st, 0), &out, &n, err,
					    sizeof err), 0);
	assert_int_equal(n, 3);
	assert_true(out[0].value == 0.5 && out[1].value == -1e300 && out[2].value == 2.5);
	assert_int_equal(out[1].wall_ns, -9);
	assert_int_equal(out[1].exit_code, -1);
	assert_int_equal(out[1].term_signal, 9);
	assert_int_equal(out[2].max_rss_kib, 6);
	free(out);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_exec(db, "UPDATE s SET seq = 3 WHERE seq = 2", NULL, NULL,
				      NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT pfg_sample_pack(seq, value, w, u, y, r,"
					    " e, t) FROM s", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ERROR);
	assert_non_null(strstr(sqlite3_errmsg(db), "not 0 to count - 1"));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_special_values),
		cmocka_unit_test(test_every_coding),
		cmocka_unit_test(test_derived_values),
		cmocka_unit_test(test_packs_small),
		cmocka_unit_test(test_corrupt_blobs),
		cmocka_unit_test(test_aggregate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
