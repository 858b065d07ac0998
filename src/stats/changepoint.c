/* changepoint.c: change points by e-divisive means with a t-test, split
 * into windows and merged, as Apache Otava computes them (otava/analysis.py,
 * otava/change_point_divisive/). */
#include "perfguard/stats.h"
#include "perfguard/util.h"
#include "stats_int.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void pfg_stats_cp_opts_init(struct pfg_stats_cp_opts *o)
{
	o->window = 50;
	o->max_pvalue = 0.001;
	o->min_magnitude = 0.05;
}

void pfg_stats_change_points_free(struct pfg_stats_change_point *cps)
{
	free(cps);
}

/* The power of two that values of magnitude up to big are divided by so
 * that sums of them, of their differences and of their squares cannot
 * overflow: 0 (none) up to 2^500. Dividing by a power of two is exact, so
 * the statistics do not change; values at or below 2^500 are never scaled. */
static int scale_exp(double big)
{
	return big > 0x1p500 ? ilogb(big) + 1 : 0;
}

/* Mean and standard deviation (divisor n; 0 when n < 2) of x[0..n). The
 * series was scaled by scale_exp() before detection, so neither sums nor
 * squares overflow here. */
static void mean_std(const double *x, size_t n, double *mean, double *std)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += x[i];
	double m = s / (double)n, ss = 0;
	for (size_t i = 0; i < n; i++) {
		double d = x[i] - m;
		ss += d * d;
	}
	*mean = m;
	*std = n >= 2 ? sqrt(ss / (double)n) : 0.0;
}

/* a / b - 1, or 0 when b is 0 (Otava's value_if_nan). */
static double rel_change(double a, double b)
{
	return b == 0 ? 0.0 : a / b - 1.0;
}

/* The split test on values that cannot overflow (scaled by scale_exp()). */
static void split_test(const double *left, size_t nl, const double *right, size_t nr,
		       struct pfg_stats_change_point *cp)
{
	mean_std(left, nl, &cp->mean_before, &cp->stddev_before);
	mean_std(right, nr, &cp->mean_after, &cp->stddev_after);
	double fwd = rel_change(cp->mean_after, cp->mean_before);
	double bwd = rel_change(cp->mean_before, cp->mean_after);
	cp->change_pct = 100.0 * fwd;
	cp->magnitude = fmax(fabs(fwd), fabs(bwd));
	cp->p_value = 1.0;
	if (nl + nr <= 2)
		return;
	/* Student's t with pooled variance from the divisor-n deviations, as
	 * scipy's ttest_ind_from_stats(mean1, std1, n1, mean2, std2, n2). */
	double df = (double)(nl + nr - 2), n1 = (double)nl, n2 = (double)nr;
	double v1 = cp->stddev_before * cp->stddev_before;
	double v2 = cp->stddev_after * cp->stddev_after;
	double pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / df;
	double denom = sqrt(pooled * (1 / n1 + 1 / n2));
	double d = cp->mean_before - cp->mean_after;
	if (!(denom > 0)) {
		cp->p_value = d == 0 ? 1.0 : 0.0;
		return;
	}
	double p = 2.0 * gsl_cdf_tdist_Q(fabs(d / denom), df);
	cp->p_value = p >= 0 ? fmin(1.0, p) : 1.0; /* NaN: a GSL error, no evidence */
}

void pfg_stats_cp_test(const double *left, size_t nl, const double *right, size_t nr,
		       struct pfg_stats_change_point *cp)
{
	pfg_stats_gsl_init();
	int e = scale_exp(fmax(pfg_stats_max_abs(left, nl), pfg_stats_max_abs(right, nr)));
	if (!e) {
		split_test(left, nl, right, nr, cp);
		return;
	}
	/* Huge values: test them divided by 2^e (exact), report in units. */
	double *l = pfg_xmalloc((nl + nr) * sizeof *l), *r = l + nl;
	for (size_t i = 0; i < nl; i++)
		l[i] = ldexp(left[i], -e);
	for (size_t i = 0; i < nr; i++)
		r[i] = ldexp(right[i], -e);
	split_test(l, nl, r, nr, cp);
	free(l);
	cp->mean_before = ldexp(cp->mean_before, e);
	cp->mean_after = ldexp(cp->mean_after, e);
	cp->stddev_before = ldexp(cp->stddev_before, e);
	cp->stddev_after = ldexp(cp->stddev_after, e);
}

/* Scratch space for candidate searches over intervals of up to cap values. */
struct qwork {
	double *ws; /* ws[b - s] = sum of |x_i - x_j| over s <= i < j < b */
	double *wt; /* wt[k - s] = the same sum over tau <= i < j < k */
	size_t cap;
};

/* Make w hold intervals of len values. */
static void qwork_reserve(struct qwork *w, size_t len)
{
	if (len + 1 <= w->cap)
		return;
	w->cap = len + 1;
	w->ws = pfg_xrealloc(w->ws, w->cap * sizeof *w->ws);
	w->wt = pfg_xrealloc(w->wt, w->cap * sizeof *w->wt);
}

/* The candidate of x[s..e) (e - s >= 2): the split tau maximising
 * Q(x[s:tau], x[tau:k]) over s < tau < k <= e, in O((e - s)^2) time. Ties go
 * to the first (tau, k) in Otava's row-major order of its Q matrix, whose
 * cells with k <= tau hold 0: so when every Q is negative, tau = s + 2 wins
 * (the first such cell) as it does in Otava. */
static void candidate(const double *x, size_t s, size_t e, struct qwork *w,
		      size_t *tau_out, double *q_out)
{
	size_t len = e - s;
	qwork_reserve(w, len);
	double *ws = w->ws, *wt = w->wt;
	ws[0] = ws[1] = 0;
	for (size_t b = s + 1; b < e; b++) {
		double add = 0;
		for (size_t i = s; i < b; i++)
			add += fabs(x[i] - x[b]);
		ws[b + 1 - s] = ws[b - s] + add;
	}
	/* Best so far, as matrix cell (i, j) = (tau - s - 1, k - s - 2). */
	double best = -HUGE_VAL;
	size_t bi = 0, bj = 0;
	if (len >= 3) {
		best = 0; /* Otava's zero cell (1, 0) */
		bi = 1;
		bj = 0;
	}
	for (size_t k = 0; k <= len; k++)
		wt[k] = 0;
	for (size_t tau = e - 1; tau > s; tau--) {
		/* wt[k - s] becomes W(tau, k) from W(tau + 1, k). */
		double row = 0;
		for (size_t k = tau + 1; k <= e; k++) {
			wt[k - s] += row;
			if (k < e)
				row += fabs(x[tau] - x[k]);
		}
		double n = (double)(tau - s), wx = ws[tau - s];
		for (size_t k = tau + 1; k <= e; k++) {
			double m = (double)(k - tau), wy = wt[k - s];
			double cross = ws[k - s] - wx - wy;
			double q = 2.0 / (n + m) * cross;
			if (n > 1)
				q -= 2.0 * m / ((n + m) * (n - 1)) * wx;
			if (m > 1)
				q -= 2.0 * n / ((n + m) * (m - 1)) * wy;
			size_t i = tau - s - 1, j = k - s - 2;
			if (q > best || (q == best && (i < bi || (i == bi && j < bj)))) {
				best = q;
				bi = i;
				bj = j;
			}
		}
	}
	*tau_out = s + 1 + bi;
	*q_out = best;
}

/* A growable list of change points sorted by index. */
struct cplist {
	struct pfg_stats_change_point *v;
	size_t n, cap;
};

/* Insert cp at position pos of l. */
static void cplist_insert(struct cplist *l, size_t pos, const struct pfg_stats_change_point *cp)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = pfg_xrealloc(l->v, l->cap * sizeof *l->v);
	}
	memmove(&l->v[pos + 1], &l->v[pos], (l->n - pos) * sizeof *l->v);
	l->v[pos] = *cp;
	l->n++;
}

/* Remove position pos of l. */
static void cplist_remove(struct cplist *l, size_t pos)
{
	memmove(&l->v[pos], &l->v[pos + 1], (l->n - pos - 1) * sizeof *l->v);
	l->n--;
}

/* The first position of l whose index is >= index. */
static size_t cplist_find(const struct cplist *l, size_t index)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (l->v[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Detect change points in x[s..e) with threshold max_p, appending them
 * (sorted) to found. Intervals between accepted points keep their
 * candidate cached: only the interval just split is searched again. */
static void detect(const double *x, size_t s, size_t e, double max_p, struct qwork *w,
		   struct cplist *found)
{
	/* Interval a runs from bounds[a] to bounds[a + 1]; cand[a], q[a] is
	 * its candidate (q = -HUGE_VAL when it has fewer than 2 values). */
	size_t cap = 16, nint = 1;
	size_t *bounds = pfg_xmalloc((cap + 1) * sizeof *bounds);
	size_t *cand = pfg_xmalloc(cap * sizeof *cand);
	double *q = pfg_xmalloc(cap * sizeof *q);
	int *valid = pfg_xmalloc(cap * sizeof *valid);
	bounds[0] = s;
	bounds[1] = e;
	valid[0] = 0;
	for (;;) {
		size_t best = (size_t)-1;
		for (size_t a = 0; a < nint; a++) {
			if (bounds[a + 1] - bounds[a] < 2)
				continue;
			if (!valid[a]) {
				candidate(x, bounds[a], bounds[a + 1], w, &cand[a], &q[a]);
				valid[a] = 1;
			}
			if (best == (size_t)-1 || q[a] > q[best])
				best = a;
		}
		if (best == (size_t)-1)
			break;
		size_t lo = bounds[best], hi = bounds[best + 1], t = cand[best];
		struct pfg_stats_change_point cp = { 0 };
		cp.index = t;
		cp.qhat = q[best];
		split_test(x + lo, t - lo, x + t, hi - t, &cp);
		if (!(cp.p_value <= max_p))
			break;
		cplist_insert(found, cplist_find(found, t), &cp);
		if (nint == cap) {
			cap *= 2;
			bounds = pfg_xrealloc(bounds, (cap + 1) * sizeof *bounds);
			cand = pfg_xrealloc(cand, cap * sizeof *cand);
			q = pfg_xrealloc(q, cap * sizeof *q);
			valid = pfg_xrealloc(valid, cap * sizeof *valid);
		}
		/* Split interval best at t into best and best + 1. */
		memmove(&bounds[best + 2], &bounds[best + 1], (nint - best) * sizeof *bounds);
		memmove(&cand[best + 2], &cand[best + 1], (nint - best - 1) * sizeof *cand);
		memmove(&q[best + 2], &q[best + 1], (nint - best - 1) * sizeof *q);
		memmove(&valid[best + 2], &valid[best + 1], (nint - best - 1) * sizeof *valid);
		bounds[best + 1] = t;
		valid[best] = valid[best + 1] = 0;
		nint++;
	}
	free(bounds);
	free(cand);
	free(q);
	free(valid);
}

/* Recompute the statistics of l->v[pos] between its neighbours in x[0..n). */
static void restat(const double *x, size_t n, struct cplist *l, size_t pos)
{
	size_t lo = pos > 0 ? l->v[pos - 1].index : 0;
	size_t hi = pos + 1 < l->n ? l->v[pos + 1].index : n;
	size_t t = l->v[pos].index;
	pfg_stats_cp_test(x + lo, t - lo, x + t, hi - t, &l->v[pos]);
}

/* Hand the list to the caller as (*out, *count). */
static void give(struct cplist *l, struct pfg_stats_change_point **out, size_t *count)
{
	*out = l->v;
	*count = l->n;
}

/* A copy of x[0..n) divided by 2^e, e from scale_exp() (*e = 0 and NULL
 * when the values are small enough to use as they are). Caller frees. */
static double *scaled_copy(const double *x, size_t n, int *e)
{
	*e = scale_exp(pfg_stats_max_abs(x, n));
	if (!*e)
		return NULL;
	double *s = pfg_xmalloc(n * sizeof *s);
	for (size_t i = 0; i < n; i++)
		s[i] = ldexp(x[i], -*e);
	return s;
}

/* Scale the points of l found on values divided by 2^e back to the
 * caller's units, then hand them over as (*out, *count). Returns 0, or
 * PFG_EINPUT (nothing handed over) when a change in percent overflows. */
static int finish(struct cplist *l, int e, const double *x, size_t n,
		  struct pfg_stats_change_point **out, size_t *count, char *err,
		  size_t errlen)
{
	for (size_t i = 0; i < l->n; i++) {
		struct pfg_stats_change_point *cp = &l->v[i];
		cp->mean_before = ldexp(cp->mean_before, e);
		cp->mean_after = ldexp(cp->mean_after, e);
		cp->stddev_before = ldexp(cp->stddev_before, e);
		cp->stddev_after = ldexp(cp->stddev_after, e);
		cp->qhat = ldexp(cp->qhat, e);
		if (!isfinite(cp->change_pct) || !isfinite(cp->magnitude)) {
			size_t index = cp->index;
			free(l->v);
			*out = NULL;
			*count = 0;
			return pfg_error(err, errlen, PFG_EINPUT,
					 "values too large to find change points: the change "
					 "in percent at index %zu overflows (max %g)", index,
					 pfg_stats_max_abs(x, n));
		}
	}
	give(l, out, count);
	return PFG_OK;
}

int pfg_stats_edivisive(const double *x, size_t n, double max_pvalue,
			struct pfg_stats_change_point **out, size_t *count,
			char *err, size_t errlen)
{
	pfg_stats_gsl_init();
	int rc = pfg_stats_check(x, n, 0, "the series", err, errlen);
	if (rc)
		return rc;
	int e;
	double *xs = scaled_copy(x, n, &e);
	struct cplist l = { 0 };
	struct qwork w = { 0 };
	if (n >= 2)
		detect(xs ? xs : x, 0, n, max_pvalue, &w, &l);
	free(w.ws);
	free(w.wt);
	free(xs);
	return finish(&l, e, x, n, out, count, err, errlen);
}

/* Otava's merge step: drop the point of largest p while it is above
 * max_p; once all pass, drop the point of smallest magnitude while that is
 * at most min_mag. After a removal at position i Otava recomputes the
 * points now at positions i and i + 1, and so do we, for the same indices. */
static void merge(const double *x, size_t n, struct cplist *l, double max_p, double min_mag)
{
	while (l->n) {
		size_t w = 0;
		for (size_t i = 1; i < l->n; i++)
			if (l->v[i].p_value > l->v[w].p_value)
				w = i;
		if (l->v[w].p_value < max_p) {
			w = 0;
			for (size_t i = 1; i < l->n; i++)
				if (l->v[i].magnitude < l->v[w].magnitude)
					w = i;
			if (l->v[w].magnitude > min_mag)
				return;
		}
		cplist_remove(l, w);
		if (w < l->n)
			restat(x, n, l, w);
		if (w + 1 < l->n)
			restat(x, n, l, w + 1);
	}
}

int pfg_stats_change_points(const double *x, size_t n, const struct pfg_stats_cp_opts *o,
			    struct pfg_stats_change_point **out, size_t *count,
			    char *err, size_t errlen)
{
	pfg_stats_gsl_init();
	int rc = pfg_stats_check(x, n, 0, "the series", err, errlen);
	if (rc)
		return rc;
	if (o->window < 2)
		return pfg_error(err, errlen, PFG_EINPUT,
				 "the window must hold at least 2 points, got %zu", o->window);
	if (!(o->max_pvalue > 0 && o->max_pvalue <= 1))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "max-pvalue must lie in (0, 1], got %g", o->max_pvalue);
	if (!(o->min_magnitude >= 0 && isfinite(o->min_magnitude)))
		return pfg_error(err, errlen, PFG_EINPUT,
				 "min-magnitude must be a non-negative number, got %g",
				 o->min_magnitude);
	/* Huge values are scaled by a power of two (exactly) so that the sums
	 * of differences in the divergence cannot overflow. */
	const double *orig = x;
	int e;
	double *xs = scaled_copy(x, n, &e);
	if (xs)
		x = xs;
	double p = o->max_pvalue;
	double first_pass = p < 0.05 ? 10 * p : p < 0.5 ? 2 * p : p;
	/* Split: windows of o->window points; the next one starts at the last
	 * change point found, or half a window on, whichever is later. */
	struct cplist weak = { 0 }, win = { 0 };
	struct qwork w = { 0 };
	size_t step = o->window / 2, start = 0;
	while (start < n) {
		size_t end = start + o->window < n ? start + o->window : n;
		win.n = 0;
		detect(x, start, end, first_pass, &w, &win);
		size_t last = win.n ? win.v[win.n - 1].index : 0;
		for (size_t i = 0; i < win.n; i++) {
			size_t pos = cplist_find(&weak, win.v[i].index);
			if (pos == weak.n || weak.v[pos].index != win.v[i].index)
				cplist_insert(&weak, pos, &win.v[i]);
		}
		start = last > start + step ? last : start + step;
	}
	free(win.v);
	free(w.ws);
	free(w.wt);
	/* The weak points' statistics on the whole series between neighbours. */
	for (size_t i = 0; i < weak.n; i++)
		restat(x, n, &weak, i);
	merge(x, n, &weak, o->max_pvalue, o->min_magnitude);
	/* Report each final point against its final neighbours. */
	for (size_t i = 0; i < weak.n; i++)
		restat(x, n, &weak, i);
	free(xs);
	return finish(&weak, e, orig, n, out, count, err, errlen);
}
