/* sample_pack.h (private to the store): one benchmark's samples of one run
 * packed in one blob, losslessly (values bit for bit, every process
 * figure), and the SQL aggregate that packs rows in migrations.
 *
 * Layout (little-endian; "varint" is unsigned LEB128, at most 10 bytes;
 * "zigzag" maps a signed difference, taken modulo 2^64, to unsigned):
 *   byte    format (SAMPLE_PACK_FORMAT)
 *   varint  n, the number of samples (at least 1)
 *   byte    value coding: 0 raw, n IEEE-754 doubles of 8 bytes each;
 *           1 xor, each double's bits XOR those of one of the 4 values
 *           before it (0 for the first value) as a control byte,
 *           ref << 6 | zero high bytes << 3 | zero low bytes (ref: how
 *           far back less one; 0x3f when the XOR is 0), and the bytes
 *           between the zero ones (low first);
 *           2 derived, a byte saying from what, as the engine computes
 *           them: 0 wall_ns / 1e6, 1 (user_ns + sys_ns) / 1e6,
 *           2 max_rss_kib (used only when every value is exactly that
 *           and some column varies; the columns' predictors are then
 *           const or delta)
 *   then for each of wall_ns, user_ns, sys_ns, max_rss_kib, exit_code,
 *   term_signal (in this order):
 *   byte    predictor: 0 const, one zigzag varint for every sample;
 *           1 delta, n zigzag varints of x[i] - x[i-1] (x[-1] = 0);
 *           2 value_e6, n zigzag varints of x[i] - trunc(value[i] * 1e6);
 *           3 value, n zigzag varints of x[i] - trunc(value[i])
 *           (trunc of a value that is not finite or does not fit is 0)
 * The encoder picks the smallest coding of the values and of each column. */
#ifndef PERFGUARD_SAMPLE_PACK_H
#define PERFGUARD_SAMPLE_PACK_H

#include <sqlite3.h>
#include <stddef.h>

#include "perfguard/store.h"

#define SAMPLE_PACK_FORMAT 1

/* Pack samples[0..n-1] (n >= 1) into a new blob of *len bytes; the caller
 * frees it. Never fails (allocation failure aborts). */
unsigned char *sample_pack_encode(const struct pfg_sample *samples, size_t n,
				  size_t *len);

/* Unpack a blob of len bytes into a new array of *n samples (the caller
 * frees it). Returns 0, or -1 with err saying what is wrong with the blob
 * (truncated, an unknown coding, trailing bytes) and *out NULL. */
int sample_pack_decode(const void *blob, size_t len, struct pfg_sample **out,
		       size_t *n, char *err, size_t errlen);

/* Register on db the aggregate pfg_sample_pack(seq, value, wall_ns,
 * user_ns, sys_ns, max_rss_kib, exit_code, term_signal), the blob of a
 * group's rows placed by seq (0 to count - 1, each once, else an error).
 * Returns SQLite's code. */
int sample_pack_register(sqlite3 *db);

#endif
