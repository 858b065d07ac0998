/* measurement.c: what a run came to, judged, described and released. */
#include "runner_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nonzero when the run succeeded (see runner.h). */
int pfg_measurement_ok(const struct pfg_measurement *m)
{
	return m->exited && m->exit_code == 0 && !m->term_signal && !m->timed_out &&
	       !m->cancelled && !m->metrics_error;
}

/* Format seconds without trailing zeros: "5", "0.25". */
static void format_seconds(double s, char *buf, size_t len)
{
	snprintf(buf, len, "%.3f", s);
	char *dot = strchr(buf, '.');
	if (!dot)
		return;
	char *end = buf + strlen(buf) - 1;
	while (end > dot && *end == '0')
		*end-- = '\0';
	if (end == dot)
		*end = '\0';
}

/* Why the run failed, or "succeeded" (see runner.h). */
void pfg_measurement_describe(const struct pfg_measurement *m, char *buf,
			      size_t len)
{
	if (!len)
		return;
	if (m->timed_out) {
		char secs[32];
		format_seconds(m->timeout_s, secs, sizeof secs);
		snprintf(buf, len, "timed out after %s s", secs);
	} else if (m->cancelled) {
		snprintf(buf, len, "cancelled");
	} else if (m->term_signal) {
		snprintf(buf, len, "killed by signal %d (%s)", m->term_signal,
			 strsignal(m->term_signal));
	} else if (m->exited && m->exit_code != 0) {
		snprintf(buf, len, "exit code %d", m->exit_code);
	} else if (m->metrics_error) {
		snprintf(buf, len, "bad metrics file: %s", m->metrics_error);
	} else if (!m->exited) {
		snprintf(buf, len, "did not run");
	} else {
		snprintf(buf, len, "succeeded");
	}
}

/* The metric named name (see runner.h). */
const struct pfg_metric *pfg_measurement_metric(const struct pfg_measurement *m,
						const char *name)
{
	for (size_t i = 0; i < m->n_metrics; i++)
		if (strcmp(m->metrics[i].name, name) == 0)
			return &m->metrics[i];
	return NULL;
}

/* Free what m owns and zero it. */
void pfg_measurement_release(struct pfg_measurement *m)
{
	for (size_t i = 0; i < m->n_metrics; i++) {
		free(m->metrics[i].name);
		free(m->metrics[i].unit);
	}
	free(m->metrics);
	free(m->metrics_error);
	free(m->stderr_tail);
	memset(m, 0, sizeof *m);
}
