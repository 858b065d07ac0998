/* theme.c: dashboard themes: flat "key = value" files with hex colours,
 * searched in a list of directories, laid over the default theme, and
 * downgraded to what the terminal has (direct colour, 256, 16 or 8), or to
 * each element's monochrome attributes without colour. */
#include "tui_int.h"

#include <ctype.h>
#include <curses.h>
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PFG_DATADIR
#define PFG_DATADIR "/usr/local/share/perfguard"
#endif

/* The names of the elements, as theme files spell them. */
static const char *const pfg_el_names[PFG_EL_COUNT] = {
	"normal", "title", "border", "border_focus", "header", "selected", "dim",
	"status", "hint_key", "hint_text", "notice", "error", "approved", "proposed",
	"no_baseline", "minor", "moderate", "major", "critical", "improved", "spark",
	"baseline", "change_point", "running", "ok", "failed", "dialog", "gate_pass",
	"gate_fail",
};

#define B PFG_A_BOLD
#define D PFG_A_DIM
#define U PFG_A_UNDERLINE
#define R PFG_A_REVERSE
/* The built-in default theme; themes/default.theme spells out the same. */
static const struct pfg_tui_style pfg_default_styles[PFG_EL_COUNT] = {
	[PFG_EL_NORMAL] = { -1, -1, 0, 0 },
	[PFG_EL_TITLE] = { 0x87afff, -1, B, B },
	[PFG_EL_BORDER] = { 0x6c6c6c, -1, 0, 0 },
	[PFG_EL_BORDER_FOCUS] = { 0x87afff, -1, B, B },
	[PFG_EL_HEADER] = { 0xbcbcbc, -1, B, U },
	[PFG_EL_SELECTED] = { 0xffffff, 0x34467a, 0, R },
	[PFG_EL_DIM] = { 0x8a8a8a, -1, 0, D },
	[PFG_EL_STATUS] = { 0xdadada, 0x303030, 0, R },
	[PFG_EL_HINT_KEY] = { 0xffd75f, -1, B, B },
	[PFG_EL_HINT_TEXT] = { 0xa8a8a8, -1, 0, 0 },
	[PFG_EL_NOTICE] = { 0x87d787, -1, B, B },
	[PFG_EL_ERROR] = { 0xff5f5f, -1, B, B | U },
	[PFG_EL_APPROVED] = { 0x5fd75f, -1, 0, 0 },
	[PFG_EL_PROPOSED] = { 0xffd75f, -1, B, B },
	[PFG_EL_NO_BASELINE] = { 0x8a8a8a, -1, 0, D },
	[PFG_EL_MINOR] = { 0xd7d75f, -1, 0, 0 },
	[PFG_EL_MODERATE] = { 0xffaf00, -1, B, B },
	[PFG_EL_MAJOR] = { 0xff5f00, -1, B, B | U },
	[PFG_EL_CRITICAL] = { 0xffffff, 0xd70000, B, R | B },
	[PFG_EL_IMPROVED] = { 0x5fafff, -1, 0, 0 },
	[PFG_EL_SPARK] = { 0x5fafd7, -1, 0, 0 },
	[PFG_EL_BASELINE] = { 0xd7af5f, -1, 0, D },
	[PFG_EL_CHANGE_POINT] = { 0xff87d7, -1, B, B },
	[PFG_EL_RUNNING] = { 0x5fd7ff, -1, B, B },
	[PFG_EL_OK] = { 0x5fd75f, -1, 0, 0 },
	[PFG_EL_FAILED] = { 0xff5f5f, -1, B, B },
	[PFG_EL_DIALOG] = { -1, 0x262626, 0, 0 },
	[PFG_EL_GATE_PASS] = { 0x5fd75f, 0x303030, B, B },
	[PFG_EL_GATE_FAIL] = { 0xffffff, 0xd70000, B, R | B },
};
#undef B
#undef D
#undef U
#undef R

/* Curses attributes per element, set by pfg_tui_theme_apply(). */
static int pfg_attrs[PFG_EL_COUNT];

/* Add dir to dirs unless it is empty. */
static void pfg_dir_add(struct pfg_strv *dirs, const char *dir)
{
	if (dir && *dir)
		pfg_strv_push(dirs, dir);
}

/* List the directories themes are looked for in, in order. */
void pfg_tui_theme_dirs(const char *themes_dir, struct pfg_strv *dirs)
{
	pfg_dir_add(dirs, themes_dir);
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg)
		pfg_strv_pushf(dirs, "%s/perfguard/themes", xdg);
	else if (home && *home)
		pfg_strv_pushf(dirs, "%s/.config/perfguard/themes", home);
	pfg_dir_add(dirs, PFG_DATADIR "/themes");
	/* Running from the build tree: build/perfguard or build/asan/perfguard
	 * beside the source's themes/. */
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *dir = dirname(exe);
		pfg_strv_pushf(dirs, "%s/../themes", dir);
		pfg_strv_pushf(dirs, "%s/../../themes", dir);
	}
}

/* Parse "#rrggbb" or "default"/"none" into *rgb; 0 or -1. */
static int pfg_parse_colour(const char *v, int *rgb)
{
	if (strcmp(v, "default") == 0 || strcmp(v, "none") == 0) {
		*rgb = -1;
		return 0;
	}
	if (v[0] != '#' || strlen(v) != 7)
		return -1;
	for (int i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)v[i]))
			return -1;
	*rgb = (int)strtol(v + 1, NULL, 16);
	return 0;
}

/* Parse attribute words ("bold underline", "bold,reverse", "normal"). */
static int pfg_parse_attrs(const char *v, unsigned *out)
{
	static const struct { const char *name; unsigned bit; } words[] = {
		{ "bold", PFG_A_BOLD }, { "dim", PFG_A_DIM },
		{ "underline", PFG_A_UNDERLINE }, { "reverse", PFG_A_REVERSE },
		{ "standout", PFG_A_STANDOUT }, { "italic", PFG_A_ITALIC },
		{ "normal", 0 }, { "none", 0 },
	};
	unsigned a = 0;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", v);
	char *save = NULL;
	for (char *w = strtok_r(buf, " ,|+", &save); w; w = strtok_r(NULL, " ,|+", &save)) {
		size_t k;
		for (k = 0; k < sizeof words / sizeof *words; k++)
			if (strcmp(w, words[k].name) == 0)
				break;
		if (k == sizeof words / sizeof *words)
			return -1;
		a |= words[k].bit;
	}
	*out = a;
	return 0;
}

/* Trim spaces at both ends of s in place. */
static char *pfg_trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Apply one "key = value" line of path to t; warnings to warn. */
static void pfg_theme_line(struct pfg_tui_theme *t, const char *path, int lineno,
			   char *key, char *val, struct pfg_strv *warn)
{
	if (strcmp(key, "name") == 0) {
		snprintf(t->name, sizeof t->name, "%s", val);
		return;
	}
	char *dot = strrchr(key, '.');
	int el = -1;
	if (dot) {
		*dot = '\0';
		for (int i = 0; i < PFG_EL_COUNT; i++)
			if (strcmp(key, pfg_el_names[i]) == 0)
				el = i;
	}
	const char *field = dot ? dot + 1 : "";
	int known = el >= 0 && (strcmp(field, "fg") == 0 || strcmp(field, "bg") == 0 ||
				strcmp(field, "attr") == 0 || strcmp(field, "mono") == 0);
	if (!known) {
		if (dot)
			*dot = '.';
		pfg_strv_pushf(warn, "%s:%d: unknown key '%s' (ignored)", path, lineno, key);
		return;
	}
	struct pfg_tui_style *s = &t->el[el];
	if (field[0] == 'f' || field[0] == 'b') {
		if (pfg_parse_colour(val, field[0] == 'f' ? &s->fg : &s->bg))
			pfg_strv_pushf(warn, "%s:%d: %s.%s: expected #rrggbb or default, "
				       "got '%s'", path, lineno, key, field, val);
	} else if (pfg_parse_attrs(val, field[0] == 'a' ? &s->attr : &s->mono)) {
		pfg_strv_pushf(warn, "%s:%d: %s.%s: expected bold, dim, underline, "
			       "reverse, standout, italic or normal, got '%s'", path, lineno,
			       key, field, val);
	}
}

/* Lay the theme file at path over t. Returns 0, or -1 when unreadable. */
static int pfg_theme_file(struct pfg_tui_theme *t, const char *path,
			  struct pfg_strv *warn)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[512];
	int lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *s = pfg_trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			pfg_strv_pushf(warn, "%s:%d: expected 'key = value'", path, lineno);
			continue;
		}
		*eq = '\0';
		pfg_theme_line(t, path, lineno, pfg_trim(s), pfg_trim(eq + 1), warn);
	}
	fclose(f);
	free(t->path);
	t->path = pfg_xstrdup(path);
	return 0;
}

/* The path of theme name in dirs, or NULL. Caller frees. */
static char *pfg_theme_find(const struct pfg_strv *dirs, const char *name)
{
	if (strchr(name, '/'))
		return access(name, R_OK) == 0 ? pfg_xstrdup(name) : NULL;
	for (size_t i = 0; i < dirs->n; i++) {
		char *p = pfg_xasprintf("%s/%s.theme", dirs->v[i], name);
		if (access(p, R_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

/* Load a theme over the default one. */
int pfg_tui_theme_load(const struct pfg_strv *dirs, const char *name,
		       struct pfg_tui_theme *out, struct pfg_strv *warn, char *err,
		       size_t errlen)
{
	memset(out, 0, sizeof *out);
	memcpy(out->el, pfg_default_styles, sizeof out->el);
	snprintf(out->name, sizeof out->name, "default");
	if (!name)
		name = "default";
	/* Missing keys come from the default theme: its file when found. */
	char *def = pfg_theme_find(dirs, "default");
	if (def)
		pfg_theme_file(out, def, warn);
	free(def);
	if (strcmp(name, "default") == 0)
		return 0;
	char *path = pfg_theme_find(dirs, name);
	if (!path) {
		char where[1024] = "";
		for (size_t i = 0; i < dirs->n; i++)
			snprintf(where + strlen(where), sizeof where - strlen(where), "%s%s",
				 i ? ", " : "", dirs->v[i]);
		return pfg_error(err, errlen, PFG_EINPUT, "no theme '%s' (looked for "
				 "%s.theme in %s)", name, name, where);
	}
	snprintf(out->name, sizeof out->name, "%s", name);
	pfg_theme_file(out, path, warn);
	free(path);
	return 0;
}

/* Free what a theme holds. */
void pfg_tui_theme_release(struct pfg_tui_theme *t)
{
	free(t->path);
	t->path = NULL;
}

/* qsort comparison of strings. */
static int pfg_strcmp_p(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of the themes found in dirs. */
void pfg_tui_theme_list(const struct pfg_strv *dirs, struct pfg_strv *names)
{
	for (size_t i = 0; i < dirs->n; i++) {
		DIR *d = opendir(dirs->v[i]);
		if (!d)
			continue;
		struct dirent *e;
		while ((e = readdir(d))) {
			size_t n = strlen(e->d_name);
			if (n <= 6 || strcmp(e->d_name + n - 6, ".theme") != 0)
				continue;
			char name[256];
			snprintf(name, sizeof name, "%.*s", (int)(n - 6), e->d_name);
			int seen = 0;
			for (size_t k = 0; k < names->n; k++)
				seen |= strcmp(names->v[k], name) == 0;
			if (!seen)
				pfg_strv_push(names, name);
		}
		closedir(d);
	}
	if (names->n == 0)
		pfg_strv_push(names, "default");
	qsort(names->v, names->n, sizeof *names->v, pfg_strcmp_p);
}

/* The six levels of each axis of the xterm colour cube. */
static const int pfg_cube[6] = { 0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff };

/* The nearest cube level index of a channel value. */
static int pfg_cube_level(int v)
{
	int best = 0;
	for (int i = 1; i < 6; i++)
		if (abs(pfg_cube[i] - v) < abs(pfg_cube[best] - v))
			best = i;
	return best;
}

/* Squared distance between two RGB colours. */
static long pfg_rgb_dist(int a, int b)
{
	long dr = ((a >> 16) & 0xff) - ((b >> 16) & 0xff);
	long dg = ((a >> 8) & 0xff) - ((b >> 8) & 0xff);
	long db = (a & 0xff) - (b & 0xff);
	return dr * dr + dg * dg + db * db;
}

/* Convert an RGB colour to the nearest xterm 256 colour (cube or grey). */
int pfg_tui_rgb_to_256(int rgb)
{
	int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
	int cr = pfg_cube_level(r), cg = pfg_cube_level(g), cb = pfg_cube_level(b);
	int cube = (pfg_cube[cr] << 16) | (pfg_cube[cg] << 8) | pfg_cube[cb];
	int cube_idx = 16 + 36 * cr + 6 * cg + cb;
	if (cube == rgb)
		return cube_idx;
	/* The grey ramp 232..255 runs 8, 18, ..., 238. */
	int avg = (r + g + b) / 3;
	int gi = avg < 8 ? 0 : avg > 238 ? 23 : (avg - 8 + 5) / 10;
	if (gi > 23)
		gi = 23;
	int gv = 8 + 10 * gi;
	int grey = (gv << 16) | (gv << 8) | gv;
	return pfg_rgb_dist(grey, rgb) < pfg_rgb_dist(cube, rgb) ? 232 + gi : cube_idx;
}

/* xterm's default RGB of the 16 basic colours. */
static const int pfg_basic_rgb[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

/* The RGB of a 256 colour index. */
static int pfg_256_rgb(int idx)
{
	if (idx < 16)
		return pfg_basic_rgb[idx];
	if (idx >= 232) {
		int v = 8 + 10 * (idx - 232);
		return (v << 16) | (v << 8) | v;
	}
	idx -= 16;
	return (pfg_cube[idx / 36] << 16) | (pfg_cube[(idx / 6) % 6] << 8) |
	       pfg_cube[idx % 6];
}

/* Convert a 256 colour to the nearest of the first n basic colours. */
int pfg_tui_256_to_basic(int idx, int n)
{
	if (idx < n)
		return idx;
	int rgb = pfg_256_rgb(idx), best = 0;
	for (int i = 1; i < n; i++)
		if (pfg_rgb_dist(pfg_basic_rgb[i], rgb) < pfg_rgb_dist(pfg_basic_rgb[best], rgb))
			best = i;
	return best;
}

/* A theme colour as a colour number the terminal has; -1 stays default. */
static int pfg_colour_for_term(int rgb, int fg)
{
	if (rgb < 0)
		return -1;
	if (COLORS >= 0x1000000)
		return rgb;
	int idx = pfg_tui_rgb_to_256(rgb);
	if (COLORS >= 256)
		return idx;
	int c = pfg_tui_256_to_basic(idx, COLORS >= 16 ? 16 : 8);
	/* Black text on a dark terminal vanishes: use the default instead. */
	return fg && c == 0 ? -1 : c;
}

/* Curses attributes of PFG_A_* bits. */
static int pfg_curses_attrs(unsigned a)
{
	int r = 0;
	if (a & PFG_A_BOLD)
		r |= A_BOLD;
	if (a & PFG_A_DIM)
		r |= A_DIM;
	if (a & PFG_A_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & PFG_A_REVERSE)
		r |= A_REVERSE;
	if (a & PFG_A_STANDOUT)
		r |= A_STANDOUT;
#ifdef A_ITALIC
	if (a & PFG_A_ITALIC)
		r |= A_ITALIC;
#endif
	return r;
}

/* Make the colour pairs and attributes of a theme. */
void pfg_tui_theme_apply(const struct pfg_tui_theme *t, int color)
{
	for (int i = 0; i < PFG_EL_COUNT; i++) {
		const struct pfg_tui_style *s = &t->el[i];
		if (!color || COLOR_PAIRS <= PFG_EL_COUNT + 1) {
			pfg_attrs[i] = pfg_curses_attrs(s->mono);
			continue;
		}
		int fg = pfg_colour_for_term(s->fg, 1), bg = pfg_colour_for_term(s->bg, 0);
		/* An element without a background of its own sits on normal's. */
		if (bg < 0 && i != PFG_EL_NORMAL)
			bg = pfg_colour_for_term(t->el[PFG_EL_NORMAL].bg, 0);
		if (fg < 0 && i != PFG_EL_NORMAL)
			fg = pfg_colour_for_term(t->el[PFG_EL_NORMAL].fg, 1);
		/* Black on a background of the theme's own stays black. */
		if (fg < 0 && bg >= 0 && (s->fg >= 0 || t->el[PFG_EL_NORMAL].fg >= 0))
			fg = 0;
		init_extended_pair(i + 1, fg, bg);
		pfg_attrs[i] = (int)COLOR_PAIR(i + 1) | pfg_curses_attrs(s->attr);
	}
}

/* The curses attributes of an element. */
int pfg_tui_attr(enum pfg_tui_el e)
{
	return pfg_attrs[e];
}

/* The element that draws a severity. */
enum pfg_tui_el pfg_tui_severity_el(enum pfg_severity severity)
{
	switch (severity) {
	case PFG_SEVERITY_MINOR: return PFG_EL_MINOR;
	case PFG_SEVERITY_MODERATE: return PFG_EL_MODERATE;
	case PFG_SEVERITY_MAJOR: return PFG_EL_MAJOR;
	case PFG_SEVERITY_CRITICAL: return PFG_EL_CRITICAL;
	case PFG_SEVERITY_NONE: break;
	}
	return PFG_EL_NORMAL;
}
