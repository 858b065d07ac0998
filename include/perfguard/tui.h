/* tui.h: the dashboard, an ncurses face over the store and the engine.
 *
 * The main thread owns ncurses; worker threads run the engine and read
 * the store, and their results reach the screen through a locked queue
 * and a self-pipe that wakes the UI's poll(). */
#ifndef PERFGUARD_TUI_H
#define PERFGUARD_TUI_H

/* How the dashboard starts. Strings are borrowed for the whole call. */
struct pfg_tui_opts {
	const char *config_path; /* the suite; a missing file disables runs */
	const char *db_path;     /* the database (created when missing) */
	const char *themes_dir;  /* searched first, or NULL */
	const char *theme;       /* a theme's name ("default" when NULL) */
	int ascii;               /* force ASCII sparklines and ACS lines */
	int no_color;            /* monochrome attributes only */
	int no_mouse;            /* leave the mouse to the terminal */
	long frames;             /* exit after this many frames; 0: never */
};

/* Run the dashboard until the operator quits. Returns an exit code
 * (util.h): 0, 2 for bad input (an invalid config, an unknown theme,
 * not a terminal), 3 when the database cannot be opened. Messages for the
 * user go to stderr after the screen is restored. With neither a config
 * nor a database it says how to start and returns 2, creating nothing. */
int pfg_tui_main(const struct pfg_tui_opts *opts);

#endif
