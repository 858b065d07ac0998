/* fuzz_metrics.c: libFuzzer target for the parser of $PERFGUARD_METRICS
 * files (pfg_runner_parse_metrics). Whatever the bytes, the parse must
 * neither crash nor leak, and its result must keep the parser's contract:
 * either metrics with valid names, finite values and no duplicates, or a
 * one-line error and no metrics. Seeds: tests/fuzz/corpus/metrics/. */
#include "perfguard/runner.h"
#include "perfguard/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Abort (a finding) when cond does not hold. */
static void check(int cond)
{
	if (!cond)
		abort();
}

/* Nonzero when s is a valid metric name: [A-Za-z0-9_.:-]+. */
static int name_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("_.:-", *s)))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse data as a metrics file and check the result's contract. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pfg_measurement m;
	memset(&m, 0, sizeof m);
	/* data is not NUL-terminated: the parser must read size bytes only. */
	int rc = pfg_runner_parse_metrics((const char *)data, size, &m);
	if (rc == 0) {
		check(m.metrics_error == NULL);
		check(m.n_metrics <= PFG_METRICS_MAX_COUNT);
		for (size_t i = 0; i < m.n_metrics; i++) {
			check(name_ok(m.metrics[i].name));
			check(isfinite(m.metrics[i].value));
			check(m.metrics[i].unit != NULL);
			check(strpbrk(m.metrics[i].unit, " \t\n") == NULL);
			check(pfg_measurement_metric(&m, m.metrics[i].name) == &m.metrics[i]);
		}
	} else {
		check(rc == PFG_EINPUT);
		check(m.metrics_error != NULL && m.n_metrics == 0 && m.metrics == NULL);
		check(strchr(m.metrics_error, '\n') == NULL);
	}
	pfg_measurement_release(&m);
	return 0;
}
