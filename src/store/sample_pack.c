/* sample_pack.c: the lossless blob of one benchmark's samples in one run
 * (layout in sample_pack.h), and the SQL aggregate that makes it. */
#include "sample_pack.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { VALUES_RAW, VALUES_XOR, VALUES_DERIVED };
enum { DERIVE_WALL_MS, DERIVE_CPU_MS, DERIVE_RSS, DERIVE_COUNT };
enum { PRED_CONST, PRED_DELTA, PRED_VALUE_E6, PRED_VALUE, PRED_COUNT };
#define N_COLUMNS 6
#define XOR_REFS 4 /* how many values back an XOR may refer to */

/* A growing byte buffer. */
struct buf {
	unsigned char *p;
	size_t len, cap;
};

/* Append len bytes to b. */
static void put(struct buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2 + 16;
		b->p = pfg_xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

/* Append one byte to b. */
static void put_byte(struct buf *b, unsigned char c)
{
	put(b, &c, 1);
}

/* Append v as an unsigned LEB128 varint. */
static void put_varint(struct buf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t k = 0;
	do {
		tmp[k] = v & 0x7f;
		v >>= 7;
		if (v)
			tmp[k] |= 0x80;
		k++;
	} while (v);
	put(b, tmp, k);
}

/* The bytes put_varint() takes for v. */
static size_t varint_size(uint64_t v)
{
	size_t k = 1;
	while (v >>= 7)
		k++;
	return k;
}

/* A difference (modulo 2^64) mapped so that small magnitudes are small. */
static uint64_t zigzag(uint64_t d)
{
	return (d << 1) ^ (0 - (d >> 63));
}

/* The inverse of zigzag(). */
static uint64_t unzigzag(uint64_t z)
{
	return (z >> 1) ^ (0 - (z & 1));
}

/* The bits of a double. */
static uint64_t double_bits(double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof u);
	return u;
}

/* The double of some bits. */
static double bits_double(uint64_t u)
{
	double v;
	memcpy(&v, &u, sizeof v);
	return v;
}

/* trunc(v * scale) as an integer, 0 when that is not finite or does not
 * fit: the same on every IEEE-754 machine, so encoder and decoder agree. */
static uint64_t predict(double v, double scale)
{
	double p = v * scale;
	if (!isfinite(p) || p <= -9.2e18 || p >= 9.2e18)
		return 0;
	return (uint64_t)(int64_t)p;
}

/* Column c (0..5, the layout's order) of a sample. */
static uint64_t column(const struct pfg_sample *s, int c)
{
	switch (c) {
	case 0: return (uint64_t)s->wall_ns;
	case 1: return (uint64_t)s->user_ns;
	case 2: return (uint64_t)s->sys_ns;
	case 3: return (uint64_t)(int64_t)s->max_rss_kib;
	case 4: return (uint64_t)(int64_t)s->exit_code;
	default: return (uint64_t)(int64_t)s->term_signal;
	}
}

/* The value that derivation kind computes from a sample's figures, as the
 * engine computes a latency, CPU or memory benchmark's value. */
static double derive(const struct pfg_sample *s, int kind)
{
	switch (kind) {
	case DERIVE_WALL_MS: return (double)s->wall_ns / 1e6;
	case DERIVE_CPU_MS:
		return (double)(int64_t)((uint64_t)s->user_ns + (uint64_t)s->sys_ns) / 1e6;
	default: return (double)s->max_rss_kib;
	}
}

/* The derivation that gives every sample's value bit for bit, or -1 (also
 * when every column is constant: a derived sample must take a byte). */
static int derivation(const struct pfg_sample *s, size_t n)
{
	int varies = 0;
	for (int c = 0; c < N_COLUMNS && !varies; c++)
		for (size_t i = 1; i < n && !varies; i++)
			varies = column(&s[i], c) != column(&s[0], c);
	for (int k = 0; k < DERIVE_COUNT && varies; k++) {
		size_t i = 0;
		while (i < n && double_bits(derive(&s[i], k)) == double_bits(s[i].value))
			i++;
		if (i == n)
			return k;
	}
	return -1;
}

/* What predictor pred expects for sample i of column c. */
static uint64_t expected(const struct pfg_sample *s, size_t i, int c, int pred)
{
	switch (pred) {
	case PRED_DELTA: return i ? column(&s[i - 1], c) : 0;
	case PRED_VALUE_E6: return predict(s[i].value, 1e6);
	case PRED_VALUE: return predict(s[i].value, 1);
	default: return 0;
	}
}

/* The span of one XORed double: its zero high and low bytes, and the
 * bytes left between them (0 when x is 0). */
static void xor_span(uint64_t x, int *hi, int *lo, int *len)
{
	*hi = *lo = *len = 0;
	if (!x)
		return;
	while (!(x >> (56 - 8 * *hi) & 0xff))
		(*hi)++;
	while (!(x >> (8 * *lo) & 0xff))
		(*lo)++;
	*len = 8 - *hi - *lo;
}

/* Of the up to XOR_REFS values before value i, the one whose XOR with it
 * takes the fewest bytes: its distance back less one in *ref. */
static uint64_t xor_best(const struct pfg_sample *s, size_t i, int *ref)
{
	uint64_t u = double_bits(s[i].value), best = u;
	int best_len = 9;
	*ref = 0;
	for (int r = 0; r < XOR_REFS && (size_t)r < i; r++) {
		int hi, lo, len;
		uint64_t x = u ^ double_bits(s[i - 1 - (size_t)r].value);
		xor_span(x, &hi, &lo, &len);
		if (len < best_len) {
			best = x;
			best_len = len;
			*ref = r;
		}
	}
	return best;
}

/* Append the values, XORed or raw, whichever is smaller. */
static void put_values(struct buf *b, const struct pfg_sample *s, size_t n)
{
	size_t xor_size = 0;
	for (size_t i = 0; i < n; i++) {
		int ref, hi, lo, len;
		xor_span(xor_best(s, i, &ref), &hi, &lo, &len);
		xor_size += 1 + (size_t)len;
	}
	if (xor_size >= 8 * n) {
		put_byte(b, VALUES_RAW);
		for (size_t i = 0; i < n; i++) {
			uint64_t u = double_bits(s[i].value);
			for (int k = 0; k < 8; k++)
				put_byte(b, (unsigned char)(u >> (8 * k)));
		}
		return;
	}
	put_byte(b, VALUES_XOR);
	for (size_t i = 0; i < n; i++) {
		int ref, hi, lo, len;
		uint64_t x = xor_best(s, i, &ref);
		xor_span(x, &hi, &lo, &len);
		if (!len)
			hi = lo = 7; /* no byte between: the XOR is 0 */
		put_byte(b, (unsigned char)(ref << 6 | hi << 3 | lo));
		for (int k = lo; k < lo + len; k++)
			put_byte(b, (unsigned char)(x >> (8 * k)));
	}
}

/* Append column c with its cheapest predictor; plain: with none that
 * reads the values (they are derived from the columns). */
static void put_column(struct buf *b, const struct pfg_sample *s, size_t n, int c,
		       int plain)
{
	int constant = 1;
	for (size_t i = 1; i < n && constant; i++)
		constant = column(&s[i], c) == column(&s[0], c);
	if (constant) {
		put_byte(b, PRED_CONST);
		put_varint(b, zigzag(column(&s[0], c)));
		return;
	}
	int best = PRED_DELTA;
	size_t best_size = SIZE_MAX;
	for (int pred = PRED_DELTA; pred < (plain ? PRED_VALUE_E6 : PRED_COUNT); pred++) {
		size_t size = 0;
		for (size_t i = 0; i < n; i++)
			size += varint_size(zigzag(column(&s[i], c) - expected(s, i, c, pred)));
		if (size < best_size) {
			best = pred;
			best_size = size;
		}
	}
	put_byte(b, (unsigned char)best);
	for (size_t i = 0; i < n; i++)
		put_varint(b, zigzag(column(&s[i], c) - expected(s, i, c, best)));
}

unsigned char *sample_pack_encode(const struct pfg_sample *samples, size_t n,
				  size_t *len)
{
	struct buf b = { 0 }, d = { 0 };
	put_byte(&b, SAMPLE_PACK_FORMAT);
	put_varint(&b, n);
	put_values(&b, samples, n);
	for (int c = 0; c < N_COLUMNS; c++)
		put_column(&b, samples, n, c, 0);
	int kind = derivation(samples, n);
	if (kind >= 0) {
		put_byte(&d, SAMPLE_PACK_FORMAT);
		put_varint(&d, n);
		put_byte(&d, VALUES_DERIVED);
		put_byte(&d, (unsigned char)kind);
		for (int c = 0; c < N_COLUMNS; c++)
			put_column(&d, samples, n, c, 1);
		if (d.len < b.len) {
			free(b.p);
			b = d;
			d.p = NULL;
		}
		free(d.p);
	}
	*len = b.len;
	return b.p;
}

/* A cursor over a blob being decoded; err is filled on the first problem. */
struct reader {
	const unsigned char *p;
	size_t len, pos;
	char *err;
	size_t errlen;
	int failed;
};

/* Note the first problem; always -1. */
static int bad(struct reader *r, const char *what)
{
	if (!r->failed)
		snprintf(r->err, r->errlen, "corrupt sample blob: %s at byte %zu of %zu",
			 what, r->pos, r->len);
	r->failed = 1;
	return -1;
}

/* Read one byte. */
static int get_byte(struct reader *r, unsigned *c)
{
	if (r->pos >= r->len)
		return bad(r, "truncated");
	*c = r->p[r->pos++];
	return 0;
}

/* Read an unsigned LEB128 varint of at most 10 bytes that fits 64 bits. */
static int get_varint(struct reader *r, uint64_t *v)
{
	*v = 0;
	for (int k = 0; k < 10; k++) {
		unsigned c;
		if (get_byte(r, &c))
			return -1;
		if (k == 9 && c > 1)
			return bad(r, "varint past 64 bits");
		*v |= (uint64_t)(c & 0x7f) << (7 * k);
		if (!(c & 0x80))
			return 0;
	}
	return bad(r, "varint longer than 10 bytes");
}

/* Read the values of n samples; *kind gets the derivation when they are
 * to be derived from the columns (after these are read), else -1. */
static int get_values(struct reader *r, struct pfg_sample *s, size_t n, int *kind)
{
	unsigned coding, c;
	*kind = -1;
	if (get_byte(r, &coding))
		return -1;
	if (coding == VALUES_DERIVED) {
		if (get_byte(r, &c))
			return -1;
		if (c >= DERIVE_COUNT)
			return bad(r, "unknown value derivation");
		*kind = (int)c;
		return 0;
	}
	if (coding != VALUES_RAW && coding != VALUES_XOR)
		return bad(r, "unknown value coding");
	for (size_t i = 0; i < n; i++) {
		uint64_t x = 0, base = 0;
		int lo = 0, len = 8;
		if (coding == VALUES_XOR) {
			if (get_byte(r, &c))
				return -1;
			size_t ref = c >> 6;
			int hi = (int)(c >> 3 & 7);
			lo = (int)(c & 7);
			if (hi == 7 && lo == 7)
				len = 0;
			else if (hi + lo > 7)
				return bad(r, "bad value control byte");
			else
				len = 8 - hi - lo;
			if (ref && ref >= i)
				return bad(r, "value refers before the first");
			if (i)
				base = double_bits(s[i - 1 - ref].value);
		}
		for (int k = lo; k < lo + len; k++) {
			if (get_byte(r, &c))
				return -1;
			x |= (uint64_t)c << (8 * k);
		}
		s[i].value = bits_double(x ^ base);
	}
	return 0;
}

/* Store v as column c of s, when it fits the field. */
static int set_column(struct reader *r, struct pfg_sample *s, int c, uint64_t v)
{
	int64_t x = (int64_t)v;
	switch (c) {
	case 0: s->wall_ns = x; return 0;
	case 1: s->user_ns = x; return 0;
	case 2: s->sys_ns = x; return 0;
	case 3:
		if (x < LONG_MIN || x > LONG_MAX)
			return bad(r, "max_rss_kib out of range");
		s->max_rss_kib = (long)x;
		return 0;
	default:
		if (x < INT_MIN || x > INT_MAX)
			return bad(r, c == 4 ? "exit_code out of range" : "term_signal out of range");
		if (c == 4)
			s->exit_code = (int)x;
		else
			s->term_signal = (int)x;
		return 0;
	}
}

/* Read column c of n samples (their values already read, unless plain:
 * then no predictor may read them). */
static int get_column(struct reader *r, struct pfg_sample *s, size_t n, int c,
		      int plain)
{
	unsigned pred;
	uint64_t z;
	if (get_byte(r, &pred))
		return -1;
	if (pred >= PRED_COUNT)
		return bad(r, "unknown predictor");
	if (plain && pred >= PRED_VALUE_E6)
		return bad(r, "a predictor reads values derived from it");
	if (pred == PRED_CONST) {
		if (get_varint(r, &z))
			return -1;
		for (size_t i = 0; i < n; i++)
			if (set_column(r, &s[i], c, unzigzag(z)))
				return -1;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (get_varint(r, &z) ||
		    set_column(r, &s[i], c, expected(s, i, c, (int)pred) + unzigzag(z)))
			return -1;
	return 0;
}

int sample_pack_decode(const void *blob, size_t len, struct pfg_sample **out,
		       size_t *n, char *err, size_t errlen)
{
	struct reader r = { .p = blob, .len = len, .err = err, .errlen = errlen };
	unsigned format;
	uint64_t count;
	*out = NULL;
	*n = 0;
	if (get_byte(&r, &format))
		return -1;
	if (format != SAMPLE_PACK_FORMAT)
		return bad(&r, "unknown format");
	if (get_varint(&r, &count))
		return -1;
	/* Every sample takes a byte at least: of its value, or (derived
	 * values) of a column that is not constant. */
	if (count == 0 || count > len)
		return bad(&r, "impossible sample count");
	struct pfg_sample *s = pfg_xcalloc(count, sizeof *s);
	int kind;
	int rc = get_values(&r, s, count, &kind);
	for (int c = 0; c < N_COLUMNS && !rc; c++)
		rc = get_column(&r, s, count, c, kind >= 0);
	for (size_t i = 0; i < count && !rc && kind >= 0; i++)
		s[i].value = derive(&s[i], kind);
	if (!rc && r.pos != len)
		rc = bad(&r, "trailing bytes");
	if (rc) {
		free(s);
		return -1;
	}
	*out = s;
	*n = count;
	return 0;
}

/* The aggregate's state: the group's samples and their seq. */
struct pack_agg {
	struct pfg_sample *s;
	int64_t *seq;
	size_t n, cap;
};

/* Aggregate step: keep one row. */
static void pack_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct pack_agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
	if (!a) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (a->n == a->cap) {
		a->cap = a->cap * 2 + 8;
		a->s = pfg_xrealloc(a->s, a->cap * sizeof *a->s);
		a->seq = pfg_xrealloc(a->seq, a->cap * sizeof *a->seq);
	}
	a->seq[a->n] = sqlite3_value_int64(argv[0]);
	a->s[a->n] = (struct pfg_sample){
		.value = sqlite3_value_double(argv[1]),
		.wall_ns = sqlite3_value_int64(argv[2]),
		.user_ns = sqlite3_value_int64(argv[3]),
		.sys_ns = sqlite3_value_int64(argv[4]),
		.max_rss_kib = (long)sqlite3_value_int64(argv[5]),
		.exit_code = sqlite3_value_int(argv[6]),
		.term_signal = sqlite3_value_int(argv[7]),
	};
	a->n++;
}

/* Aggregate final: the blob of the group's samples in seq order. */
static void pack_final(sqlite3_context *ctx)
{
	struct pack_agg *a = sqlite3_aggregate_context(ctx, 0);
	if (!a || !a->n) {
		sqlite3_result_null(ctx);
		return;
	}
	struct pfg_sample *ordered = pfg_xcalloc(a->n, sizeof *ordered);
	unsigned char *seen = pfg_xcalloc(a->n, 1);
	int ok = 1;
	for (size_t i = 0; i < a->n && ok; i++) {
		int64_t q = a->seq[i];
		ok = q >= 0 && (uint64_t)q < a->n && !seen[q];
		if (ok) {
			seen[q] = 1;
			ordered[q] = a->s[i];
		}
	}
	if (ok) {
		size_t len;
		unsigned char *blob = sample_pack_encode(ordered, a->n, &len);
		sqlite3_result_blob64(ctx, blob, len, free);
	} else {
		sqlite3_result_error(ctx, "pfg_sample_pack: the seq of a run's samples of a "
				     "benchmark are not 0 to count - 1", -1);
	}
	free(seen);
	free(ordered);
	free(a->s);
	free(a->seq);
}

int sample_pack_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "pfg_sample_pack", 8, SQLITE_UTF8, NULL, NULL,
				       pack_step, pack_final);
}
