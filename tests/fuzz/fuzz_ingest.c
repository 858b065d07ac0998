/* fuzz_ingest.c: the readers of `perfguard ingest` (pfg_ingest_parse) on
 * any bytes, in every format and recognised. The contract: benchmarks with
 * finite samples, or an error naming the file and nothing added. Seeds:
 * tests/fuzz/corpus/ingest/ (files the real tools wrote, and broken ones). */
#include "perfguard/ingest.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* libFuzzer's entry: read the input as a file of each format. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	for (int f = PFG_INGEST_AUTO; f <= PFG_INGEST_GENERIC; f++) {
		struct pfg_ingest in = { 0 };
		char err[PFG_ERR_MAX] = "";
		int rc = pfg_ingest_parse(&in, text, size, "in.json", (enum pfg_ingest_format)f,
					  NULL, err, sizeof err);
		if (rc && (in.n != 0 || strncmp(err, "in.json", 7) != 0))
			abort();
		for (size_t i = 0; i < in.n; i++) {
			if (in.v[i]->n == 0 && !in.v[i]->error)
				abort();
			for (size_t k = 0; k < in.v[i]->n; k++)
				if (!isfinite(in.v[i]->samples[k].value))
					abort();
		}
		pfg_ingest_release(&in);
	}
	free(text);
	return 0;
}
