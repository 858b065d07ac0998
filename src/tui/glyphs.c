/* glyphs.c: what the dashboard draws with: block sparklines and marks in
 * a UTF-8 locale, ASCII otherwise (or when --ascii forces it), and the
 * display width of UTF-8 text. */
#include "tui_int.h"

#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

static int pfg_utf8_on;

/* Eighths of a cell, UTF-8: space then U+2581..U+2588. */
static const char *const pfg_blocks_utf8[9] = {
	" ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588",
};
/* The same levels in ASCII. */
static const char *const pfg_blocks_ascii[9] = {
	" ", "_", ".", "-", "~", "=", "+", "*", "#",
};

/* Choose UTF-8 or ASCII glyphs from the locale and --ascii. */
void pfg_tui_glyphs_init(int ascii)
{
	const char *cs = nl_langinfo(CODESET);
	pfg_utf8_on = !ascii && cs && (strcasecmp(cs, "UTF-8") == 0 ||
				       strcasecmp(cs, "utf8") == 0);
}

/* Nonzero when UTF-8 glyphs are in use. */
int pfg_tui_utf8(void)
{
	return pfg_utf8_on;
}

/* The glyph of a bar eighths/8 of a cell high. */
const char *pfg_tui_block(int eighths)
{
	if (eighths < 0)
		eighths = 0;
	if (eighths > 8)
		eighths = 8;
	return pfg_utf8_on ? pfg_blocks_utf8[eighths] : pfg_blocks_ascii[eighths];
}

/* Render y as a one-line sparkline into buf. */
void pfg_tui_sparkline(const double *y, size_t n, double lo, double hi, char *buf,
		       size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		/* Levels 1..8: even the lowest value shows a mark. */
		int level = 4;
		if (hi > lo)
			level = 1 + (int)((y[i] - lo) / (hi - lo) * 7.0 + 0.5);
		const char *g = pfg_tui_block(level);
		size_t gl = strlen(g);
		if (at + gl + 1 > len)
			break;
		memcpy(buf + at, g, gl);
		at += gl;
		buf[at] = '\0';
	}
}

/* The glyph named name in the current set. */
const char *pfg_tui_glyph(const char *name)
{
	static const struct { const char *name, *utf8, *ascii; } g[] = {
		{ "open", "\u25be", "-" },     /* a component whose benchmarks show */
		{ "closed", "\u25b8", "+" },
		{ "running", "\u25b6", ">" },
		{ "dash", "\u2014", "-" },
		{ "cp", "\u25b2", "^" },        /* a change point, under the chart */
		{ "baseline", "\u2504", "-" },  /* the baseline level in the chart */
		{ "ok", "\u2713", "ok" },
		{ "fail", "\u2717", "x" },
		{ "pm", "\u00b1", "+-" },
		{ "r2", "R\u00b2", "R2" },
		{ "arrow", "\u2192", "->" },
		{ "ellipsis", "\u2026", "..." },
	};
	for (size_t i = 0; i < sizeof g / sizeof *g; i++)
		if (strcmp(g[i].name, name) == 0)
			return pfg_utf8_on ? g[i].utf8 : g[i].ascii;
	return "?";
}

/* Display width of UTF-8 text in cells. */
int pfg_tui_width(const char *s)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	int w = 0;
	size_t n = strlen(s);
	while (n) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, n, &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof st);
			k = 1;
			w++;
		} else {
			int cw = wcwidth(wc);
			w += cw > 0 ? cw : 0;
		}
		s += k;
		n -= k;
	}
	return w;
}
