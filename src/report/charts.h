/* charts.h: the SVG charts of the HTML report (charts.c). */
#ifndef PERFGUARD_REPORT_CHARTS_H
#define PERFGUARD_REPORT_CHARTS_H

#include "report_int.h"

/* The colour of b's verdict and severity. */
const char *pfg_chart_color(const struct pfg_rbench *b);

/* The changes of v[0..n) (one component) with their intervals on a zero
 * line, positive worse, the threshold bands shaded. */
void pfg_chart_changes(FILE *f, const struct pfg_report *r, const struct pfg_rbench *const *v,
		       size_t n);

/* b's history: run means, the baseline and its band, change points, the
 * fitted trend, alerts, the run judged. Nothing without a history. */
void pfg_chart_timeline(FILE *f, const struct pfg_report *r, const struct pfg_rbench *b);

/* b's baseline and current samples as strips over boxes, outliers circled. */
void pfg_chart_distributions(FILE *f, const struct pfg_rbench *b);

#endif
