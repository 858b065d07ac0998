/* charts.c: the HTML report's SVG charts, drawn here and coloured with
 * presentation attributes (fill=, stroke=) so that they read with styles
 * and scripts blocked; every mark has a <title> for a tooltip. Numbers are
 * rounded to whole pixels to keep 2,000 benchmarks' charts small. */
#include "charts.h"

#include "perfguard/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 760          /* the width of every chart */
#define LABEL_W 250    /* the change chart's label column */
#define TIMELINE_H 170
#define TIMELINE_POINTS 100 /* buckets a long history is drawn in (min and max) */
#define STRIP_MAX 300  /* samples drawn per side; more are thinned evenly */

const char *pfg_chart_color(const struct pfg_rbench *b)
{
	static const char *const sev[] = { "#c62828", "#9e7c00", "#ef6c00", "#d84315",
					   "#b71c1c" };
	if (!b->has_cmp)
		return "#78909c";
	switch (b->cmp.verdict) {
	case PFG_VERDICT_REGRESSION:
		return sev[b->cmp.severity <= PFG_SEVERITY_CRITICAL ? b->cmp.severity : 0];
	case PFG_VERDICT_IMPROVEMENT:
		return "#2e7d32";
	case PFG_VERDICT_NO_CHANGE:
		return "#546e7a";
	default:
		return "#78909c";
	}
}

/* A scale from [lo, hi] to [a, b] pixels. */
struct scale {
	double lo, hi, a, b;
};

/* The pixel of v on s, rounded. */
static long px(const struct scale *s, double v)
{
	double span = s->hi - s->lo;
	double t = span > 0 ? (v - s->lo) / span : 0.5;
	return lround(s->a + t * (s->b - s->a));
}

/* Open an svg element of height h with a text description for readers of
 * the page without images, and its background. */
static void svg_open(FILE *f, long h, const char *label)
{
	fprintf(f, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%ld\" "
		"viewBox=\"0 0 %d %ld\" role=\"img\" aria-label=\"", W, h, W, h);
	pfg_report_esc(f, label);
	fprintf(f, "\" font-family=\"sans-serif\" font-size=\"11\" fill=\"#333\"><rect "
		"class=\"bg\" width=\"%d\" height=\"%ld\" fill=\"#fff\"/>", W, h);
}

/* Text at (x, y), escaped, in the chart's ink; anchor "start", "middle" or
 * "end". */
static void text(FILE *f, long x, long y, const char *anchor, const char *s)
{
	fprintf(f, "<text x=\"%ld\" y=\"%ld\"%s%s%s>", x, y,
		*anchor ? " text-anchor=\"" : "", anchor, *anchor ? "\"" : "");
	pfg_report_esc(f, s);
	fputs("</text>", f);
}

/* A <title> child: the tooltip. */
static void title(FILE *f, const char *s)
{
	fputs("<title>", f);
	pfg_report_esc(f, s);
	fputs("</title>", f);
}

/* The first max bytes of s at a UTF-8 boundary, with "…" when cut. */
static void shorten(const char *s, size_t max, char *buf, size_t len)
{
	size_t n = strlen(s);
	if (n <= max) {
		snprintf(buf, len, "%s", s);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	snprintf(buf, len, "%.*s\xE2\x80\xA6", (int)max, s);
}

/* ---- The change chart of a component -------------------------------- */

void pfg_chart_changes(FILE *f, const struct pfg_report *r, const struct pfg_rbench *const *v,
		       size_t n)
{
	const double *th = r->thresholds;
	double lo = -th[1], hi = th[2] * 1.2;
	for (size_t i = 0; i < n; i++) {
		if (!pfg_report_has_numbers(v[i]))
			continue;
		double a = v[i]->direction == PFG_HIGHER_IS_BETTER ? -v[i]->cmp.ci_high_pct
								     : v[i]->cmp.ci_low_pct;
		double b = v[i]->direction == PFG_HIGHER_IS_BETTER ? -v[i]->cmp.ci_low_pct
								     : v[i]->cmp.ci_high_pct;
		lo = fmin(lo, fmin(a, v[i]->worse_pct));
		hi = fmax(hi, fmax(b, v[i]->worse_pct));
	}
	lo = fmax(lo, -1000);
	hi = fmin(hi, 10000);
	long row = 16, top = 22, h = top + (long)n * row + 26;
	struct scale s = { lo - (hi - lo) * 0.03, hi + (hi - lo) * 0.03, LABEL_W, W - 14 };
	char label[160];
	snprintf(label, sizeof label, "Change of %zu benchmarks against their baselines, in "
		 "percent, positive is worse", n);
	svg_open(f, h, label);
	/* Threshold bands: minor to critical on the worse side, shaded. */
	static const char *const band[] = { "#fff3cd", "#ffe0b2", "#ffccbc", "#ffcdd2" };
	static const char *const names[] = { "minor", "moderate", "major", "critical" };
	for (int k = 0; k < 4; k++) {
		double a = th[k], b = k < 3 ? th[k + 1] : s.hi;
		if (a >= s.hi)
			break;
		long x0 = px(&s, a), x1 = px(&s, fmin(b, s.hi));
		fprintf(f, "<rect class=\"band\" x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\" "
			"fill=\"%s\">", x0, top - 4, x1 - x0 > 0 ? x1 - x0 : 0, (long)n * row + 8, band[k]);
		char t[96];
		snprintf(t, sizeof t, "%s regression: %g%% or worse", names[k], th[k]);
		title(f, t);
		fputs("</rect>", f);
		if (x1 - x0 > 24) {
			text(f, (x0 + x1) / 2, top - 8, "middle", names[k]);
		}
	}
	if (-th[0] > s.lo) {
		long x0 = px(&s, s.lo), x1 = px(&s, -th[0]);
		fprintf(f, "<rect class=\"band\" x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\" "
			"fill=\"#e8f5e9\"><title>improvement: %g%% or better</title></rect>", x0,
			top - 4, x1 - x0, (long)n * row + 8, th[0]);
	}
	long x0 = px(&s, 0);
	fprintf(f, "<line class=\"ink\" x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\" "
		"stroke=\"#333\"/>", x0,
		top - 4, x0, top + (long)n * row + 4);
	for (size_t i = 0; i < n; i++) {
		const struct pfg_rbench *b = v[i];
		long y = top + (long)i * row + row / 2;
		char name[64];
		shorten(b->full, 40, name, sizeof name);
		fprintf(f, "<a href=\"#b%ld\">", (long)(b - r->b));
		text(f, LABEL_W - 6, y + 4, "end", name);
		fputs("</a>", f);
		if (!pfg_report_has_numbers(b))
			continue;
		double a = b->direction == PFG_HIGHER_IS_BETTER ? -b->cmp.ci_high_pct
							       : b->cmp.ci_low_pct;
		double c = b->direction == PFG_HIGHER_IS_BETTER ? -b->cmp.ci_low_pct
							       : b->cmp.ci_high_pct;
		a = fmax(s.lo, fmin(s.hi, a));
		c = fmax(s.lo, fmin(s.hi, c));
		const char *col = pfg_chart_color(b);
		char chg[32], ci[64], t[320];
		pfg_report_change(b, chg, sizeof chg);
		pfg_report_interval(b, ci, sizeof ci);
		snprintf(t, sizeof t, "%s: %s %s, p = %.2g, %s", b->full, chg, ci, b->cmp.p_value,
			 pfg_report_verdict_text(b));
		long xa = px(&s, a), xc = px(&s, c);
		fprintf(f, "<g stroke=\"%s\" fill=\"%s\">", col, col);
		title(f, t);
		fprintf(f, "<path d=\"M%ld %ldH%ldM%ld %ldv8M%ld %ldv8\" stroke-width=\"1.5\"/>",
			xa, y, xc, xa, y - 4, xc, y - 4);
		fprintf(f, "<circle cx=\"%ld\" cy=\"%ld\" r=\"4\"/></g>",
			px(&s, fmax(s.lo, fmin(s.hi, b->worse_pct))), y);
	}
	/* The axis: lo, 0, hi. */
	long ya = top + (long)n * row + 18;
	char t[32];
	snprintf(t, sizeof t, "%+.0f%%", s.lo);
	text(f, px(&s, s.lo), ya, "start", t);
	text(f, x0, ya, "middle", "0%");
	snprintf(t, sizeof t, "%+.0f%% worse", s.hi);
	text(f, px(&s, s.hi), ya, "end", t);
	fputs("</svg>\n", f);
}

/* ---- A benchmark's history ------------------------------------------ */

void pfg_chart_timeline(FILE *f, const struct pfg_report *r, const struct pfg_rbench *b)
{
	const struct pfg_query_trend *t = &b->trend;
	if (!t->n)
		return;
	double lo = HUGE_VAL, hi = -HUGE_VAL;
	for (size_t i = 0; i < t->n; i++) {
		lo = fmin(lo, t->y[i]);
		hi = fmax(hi, t->y[i]);
	}
	double band = t->has_baseline ? fabs(t->baseline) * r->thresholds[0] / 100 : 0;
	if (t->has_baseline) {
		lo = fmin(lo, t->baseline - band);
		hi = fmax(hi, t->baseline + band);
	}
	if (hi <= lo) {
		hi = lo + (fabs(lo) > 0 ? fabs(lo) * 0.01 : 1);
		lo -= (hi - lo);
	}
	double pad = (hi - lo) * 0.06;
	struct scale ys = { lo - pad, hi + pad, TIMELINE_H - 24, 10 };
	struct scale xs = { 0, t->n > 1 ? (double)(t->n - 1) : 1, 70, W - 12 };
	char label[200], a[64], c[64];
	snprintf(label, sizeof label, "History of %zu runs", t->n);
	svg_open(f, TIMELINE_H, label);
	if (t->has_baseline) {
		long y0 = px(&ys, t->baseline + band), y1 = px(&ys, t->baseline - band);
		pfg_format_value(t->baseline, b->unit, a, sizeof a);
		fprintf(f, "<rect class=\"band\" x=\"70\" y=\"%ld\" width=\"%d\" height=\"%ld\" "
			"fill=\"#e3f2fd\">"
			"<title>approved baseline %s, band ±%g%% (minor threshold)</title></rect>",
			y0, W - 82, y1 - y0 > 0 ? y1 - y0 : 1, a, r->thresholds[0]);
		long yb = px(&ys, t->baseline);
		fprintf(f, "<line x1=\"70\" y1=\"%ld\" x2=\"%d\" y2=\"%ld\" stroke=\"#1565c0\" "
			"stroke-dasharray=\"6 3\"/>", yb, W - 12, yb);
	}
	/* Axis labels. */
	pfg_format_value(hi, b->unit, a, sizeof a);
	pfg_format_value(lo, b->unit, c, sizeof c);
	text(f, 64, px(&ys, hi) + 4, "end", a);
	text(f, 64, px(&ys, lo) + 4, "end", c);
	snprintf(a, sizeof a, "run %lld", (long long)t->run_ids[0]);
	snprintf(c, sizeof c, "run %lld", (long long)t->run_ids[t->n - 1]);
	text(f, 70, TIMELINE_H - 6, "start", a);
	text(f, W - 12, TIMELINE_H - 6, "end", c);
	/* Change points. */
	for (size_t k = 0; k < t->n_cps; k++) {
		long x = px(&xs, (double)t->cps[k]);
		fprintf(f, "<line x1=\"%ld\" y1=\"8\" x2=\"%ld\" y2=\"%d\" stroke=\"#6a1b9a\" "
			"stroke-width=\"2\" stroke-dasharray=\"4 3\"><title>change point at run "
			"%lld: %+.1f%%</title></line>", x, x, TIMELINE_H - 22,
			(long long)t->run_ids[t->cps[k]], t->cp_change[k]);
	}
	/* The fitted trend, through the means of x and y. */
	if (t->has_fit) {
		double my = 0, mx = (double)(t->n - 1) / 2;
		for (size_t i = 0; i < t->n; i++)
			my += t->y[i] / (double)t->n;
		double y0 = my - t->slope * mx, y1 = my + t->slope * mx;
		fprintf(f, "<line x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\" stroke=\"#757575\" "
			"stroke-width=\"1.5\" stroke-dasharray=\"2 3\"><title>trend: %.3g %s per "
			"run, R\xC2\xB2 %.2f, p = %.2g</title></line>", px(&xs, 0), px(&ys, y0),
			px(&xs, xs.hi), px(&ys, y1), t->slope, b->unit, t->r2, t->slope_p);
		(void)y1;
	}
	/* The run means: every one, or the min and max of each bucket. */
	fputs("<polyline class=\"ink\" fill=\"none\" stroke=\"#37474f\" stroke-width=\"1.2\" points=\"", f);
	size_t buckets = t->n > 2 * TIMELINE_POINTS ? TIMELINE_POINTS : t->n;
	for (size_t k = 0; k < buckets; k++) {
		size_t i0 = k * t->n / buckets, i1 = (k + 1) * t->n / buckets;
		if (i1 - i0 <= 1) {
			fprintf(f, "%ld,%ld ", px(&xs, (double)i0), px(&ys, t->y[i0]));
			continue;
		}
		size_t imin = i0, imax = i0;
		for (size_t i = i0; i < i1; i++) {
			if (t->y[i] < t->y[imin])
				imin = i;
			if (t->y[i] > t->y[imax])
				imax = i;
		}
		size_t p = imin < imax ? imin : imax, q = imin < imax ? imax : imin;
		fprintf(f, "%ld,%ld %ld,%ld ", px(&xs, (double)p), px(&ys, t->y[p]),
			px(&xs, (double)q), px(&ys, t->y[q]));
	}
	fputs("\"><title>run means</title></polyline>", f);
	/* Alerts raised in this window. */
	for (size_t k = 0; k < r->ov.n_alerts; k++) {
		const struct pfg_query_alert *al = &r->ov.alerts[k];
		if (al->bench_id != b->bench_id)
			continue;
		for (size_t i = 0; i < t->n; i++)
			if (t->run_ids[i] == al->run_id) {
				long x = px(&xs, (double)i), y = px(&ys, t->y[i]);
				fprintf(f, "<path d=\"M%ld %ldl5 -9h-10z\" fill=\"#c62828\"><title>"
					"alert %lld: %s %s %+.1f%%, %s</title></path>", x, y - 4,
					(long long)al->id, pfg_severity_name(al->severity),
					pfg_alert_kind_name(al->kind), al->change_pct,
					pfg_alert_state_name(al->state));
				break;
			}
	}
	/* The run judged. */
	for (size_t i = 0; i < t->n; i++)
		if (t->run_ids[i] == b->run_id) {
			pfg_format_value(t->y[i], b->unit, a, sizeof a);
			fprintf(f, "<circle cx=\"%ld\" cy=\"%ld\" r=\"4\" fill=\"%s\"><title>run "
				"%lld: %s, %s</title></circle>", px(&xs, (double)i),
				px(&ys, t->y[i]), pfg_chart_color(b), (long long)b->run_id, a,
				pfg_report_verdict_text(b));
		}
	fputs("</svg>\n", f);
}

/* ---- Baseline and current samples ----------------------------------- */

/* One row of the strip plot: a box from q1 to q3, the median, the samples. */
static void strip(FILE *f, const struct scale *xs, long y, const struct pfg_query_side *s,
		  const char *name, const char *unit, const char *col)
{
	char t[200], med[64];
	pfg_format_value(s->sum.median, unit, med, sizeof med);
	long q1 = px(xs, s->sum.q1), q3 = px(xs, s->sum.q3), m = px(xs, s->sum.median);
	text(f, 92, y + 4, "end", name);
	snprintf(t, sizeof t, "%s: %zu samples, median %s, %zu outlier%s%s", name, s->n, med,
		 s->n_outliers, s->n_outliers == 1 ? "" : "s",
		 s->n > STRIP_MAX ? " (a thinned selection drawn)" : "");
	fputs("<g>", f);
	title(f, t);
	fprintf(f, "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"24\" fill=\"none\" "
		"stroke=\"%s\"/><line x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\" stroke=\"%s\" "
		"stroke-width=\"2\"/>", q1, y - 12, q3 - q1 > 0 ? q3 - q1 : 1, col, m, y - 14, m,
		y + 14, col);
	size_t step = s->n > STRIP_MAX ? (s->n + STRIP_MAX - 1) / STRIP_MAX : 1;
	fprintf(f, "<g fill=\"%s\" fill-opacity=\"0.45\">", col);
	for (size_t i = 0; i < s->n; i += step)
		if (!s->outlier[i])
			fprintf(f, "<circle cx=\"%ld\" cy=\"%ld\" r=\"2.5\"/>", px(xs, s->v[i]),
				y + (long)((i * 7919) % 17) - 8);
	fputs("</g>", f);
	for (size_t i = 0; i < s->n; i++)
		if (s->outlier[i]) {
			char v[64];
			pfg_format_value(s->v[i], unit, v, sizeof v);
			fprintf(f, "<circle cx=\"%ld\" cy=\"%ld\" r=\"4\" fill=\"none\" "
				"stroke=\"#c62828\" stroke-width=\"1.5\"><title>outlier %s</title>"
				"</circle>", px(xs, s->v[i]), y + (long)((i * 7919) % 17) - 8, v);
		}
	fputs("</g>", f);
}

void pfg_chart_distributions(FILE *f, const struct pfg_rbench *b)
{
	const struct pfg_query_side *sides[2] = { b->base, b->cur };
	double lo = HUGE_VAL, hi = -HUGE_VAL;
	for (int k = 0; k < 2; k++)
		if (sides[k]->has_summary) {
			lo = fmin(lo, sides[k]->sum.min);
			hi = fmax(hi, sides[k]->sum.max);
		}
	if (!(hi >= lo))
		return;
	if (hi == lo) {
		hi += fabs(hi) > 0 ? fabs(hi) * 0.01 : 1;
		lo -= fabs(lo) > 0 ? fabs(lo) * 0.01 : 1;
	}
	double pad = (hi - lo) * 0.04;
	struct scale xs = { lo - pad, hi + pad, 100, W - 16 };
	long h = 112;
	svg_open(f, h, "Samples, outliers circled");
	if (sides[0]->has_summary)
		strip(f, &xs, 26, sides[0], b->base_label, b->unit, "#1565c0");
	if (sides[1]->has_summary)
		strip(f, &xs, 66, sides[1], b->cur_label, b->unit, pfg_chart_color(b));
	char a[64], c[64];
	pfg_format_value(lo, b->unit, a, sizeof a);
	pfg_format_value(hi, b->unit, c, sizeof c);
	text(f, px(&xs, lo), h - 8, "start", a);
	text(f, px(&xs, hi), h - 8, "end", c);
	fputs("</svg>\n", f);
}
