/* tui.c: the dashboard's main loop and start-up. The UI thread owns
 * ncurses: it polls the terminal and the workers' self-pipe with a tick
 * timeout, hands keys to keys.c and messages to events.c, and draws what
 * changed (panes.c). */
#include "ui.h"

#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Load the config: a missing file disables runs; a bad one is an error. */
static int pfg_tui_config(struct pfg_tui *ui)
{
	const char *path = ui->opts->config_path ? ui->opts->config_path : "perfguard.json";
	if (access(path, F_OK) != 0) {
		ui->cfg_problem = pfg_xasprintf("no config at %s: runs are disabled "
						"(perfguard init writes one)", path);
		return 0;
	}
	struct pfg_strv errors = { 0 };
	if (pfg_config_load(path, &ui->cfg, &errors)) {
		for (size_t i = 0; i < errors.n; i++)
			fprintf(stderr, "%s\n", errors.v[i]);
		fprintf(stderr, "perfguard tui: %zu problem%s in the config (see "
			"perfguard.json(5))\n", errors.n, errors.n == 1 ? "" : "s");
		pfg_strv_release(&errors);
		return PFG_EXIT_USAGE;
	}
	return 0;
}

/* Start curses: raw keys, no echo, the theme's colours. */
static void pfg_tui_screen(struct pfg_tui *ui)
{
	initscr();
	raw();
	noecho();
	nonl();
	curs_set(0);
	set_escdelay(25);
	const char *nc = getenv("NO_COLOR");
	ui->color = !ui->opts->no_color && !(nc && *nc) && has_colors();
	if (ui->color) {
		start_color();
		use_default_colors();
	}
	pfg_tui_theme_apply(&ui->theme, ui->color);
	pfg_ui_layout(ui);
	pfg_ui_mouse_enable(ui, 1);
}

/* Write the frame's figures to the trace file. */
static void pfg_trace_frame(struct pfg_tui *ui, int64_t draw_ns, int drawn)
{
	if (!ui->trace)
		return;
	fprintf(ui->trace, "frame %ld t_ms %.3f draw_us %.1f data %d windows %d\n", ui->frames,
		(double)(pfg_now_ns() - ui->t0) / 1e6, (double)draw_ns / 1e3, ui->snap != NULL,
		drawn);
	fflush(ui->trace);
}

/* The main loop: draw, wait, handle keys and messages. */
static void pfg_tui_loop(struct pfg_tui *ui)
{
	int64_t next_tick = pfg_now_ns() + 1000000000LL;
	for (;;) {
		int64_t t = pfg_now_ns();
		int drawn = pfg_ui_draw(ui);
		doupdate();
		ui->frames++;
		pfg_trace_frame(ui, pfg_now_ns() - t, drawn);
		if (ui->opts->frames > 0 && ui->frames >= ui->opts->frames && !ui->quitting)
			pfg_ui_begin_quit(ui, 0);
		if (ui->quit || (ui->quitting && !pfg_ui_run_pending(ui)))
			break;
		int running = pfg_ui_run_pending(ui);
		int64_t now = pfg_now_ns();
		int timeout = (int)((next_tick - now) / 1000000);
		if (timeout < 0)
			timeout = 0;
		/* Keys held back (the start of a mouse report) wait briefly. */
		if (ui->n_pending && timeout > 150)
			timeout = 150;
		struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
					 { .fd = ui->ch.wake[0], .events = POLLIN } };
		int rc = poll(fds, 2, timeout);
		if (pfg_engine_session_signal(ui->ch.session) && !ui->quitting) {
			ui->cancel_sent = 1; /* the handler did */
			pfg_ui_cancel_and_quit(ui);
			if (!pfg_ui_run_pending(ui))
				ui->quit = 1;
		}
		if (rc < 0 || (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) || rc == 0) {
			int keys[PFG_INPUT_MAX], n = 0, k;
			while ((k = wgetch(ui->status)) != ERR) {
				keys[n++] = k;
				if (n == PFG_INPUT_MAX) {
					pfg_ui_input(ui, keys, n);
					n = 0;
				}
			}
			if (n || ui->n_pending)
				pfg_ui_input(ui, keys, n);
			if (fds[0].revents & (POLLHUP | POLLERR))
				pfg_ui_begin_quit(ui, 0);
		}
		if (fds[1].revents & POLLIN) {
			pfg_tui_drain(&ui->ch);
			struct pfg_tui_msg *m = pfg_tui_take(&ui->ch);
			while (m) {
				struct pfg_tui_msg *next = m->next;
				pfg_ui_message(ui, m);
				m = next;
			}
		}
		now = pfg_now_ns();
		if (now >= next_tick) {
			next_tick = now + (running ? 250000000LL : 1000000000LL);
			if (running)
				ui->dirty[PFG_PANE_LIVE] = 1;
			if (*ui->notice && now >= ui->notice_until) {
				ui->notice[0] = '\0';
				ui->dirty_hints = 1;
			}
		}
	}
}

/* Open a store connection for a worker; prints why not. */
static int pfg_tui_open(const char *db, struct pfg_store **st)
{
	char err[PFG_ERR_MAX];
	if (pfg_store_open(db, st, err, sizeof err)) {
		fprintf(stderr, "perfguard tui: %s\n", err);
		return -1;
	}
	return 0;
}

/* Free what the UI holds. */
static void pfg_tui_release(struct pfg_tui *ui)
{
	pfg_ui_modal_close(ui);
	pfg_ui_free_windows(ui);
	pfg_tui_snapshot_free(ui->snap);
	pfg_tui_trend_free(ui->trend);
	free(ui->rows);
	free(ui->alert_rows);
	pfg_strv_release(&ui->collapsed);
	pfg_strv_release(&ui->theme_dirs);
	pfg_strv_release(&ui->theme_names);
	pfg_tui_theme_release(&ui->theme);
	pfg_config_free(ui->cfg);
	free(ui->cfg_problem);
	free(ui->input_back_unit);
}

/* Load the config and the theme, open a store connection per worker and
 * the channel. Returns 0, or an exit code once ui is released (theme
 * warnings stay in warn for the caller). */
static int pfg_tui_setup(struct pfg_tui *ui, struct pfg_strv *warn)
{
	const struct pfg_tui_opts *opts = ui->opts;
	int code = pfg_tui_config(ui);
	if (code) {
		pfg_tui_release(ui);
		return code;
	}
	char err[PFG_ERR_MAX];
	pfg_tui_theme_dirs(opts->themes_dir, &ui->theme_dirs);
	pfg_tui_theme_list(&ui->theme_dirs, &ui->theme_names);
	if (pfg_tui_theme_load(&ui->theme_dirs, opts->theme, &ui->theme, warn, err,
			       sizeof err)) {
		fprintf(stderr, "perfguard tui: %s\n", err);
		pfg_tui_release(ui);
		return PFG_EXIT_USAGE;
	}
	if (pfg_tui_open(opts->db_path, &ui->reader.store) ||
	    pfg_tui_open(opts->db_path, &ui->runner.store)) {
		if (ui->reader.store)
			pfg_store_close(ui->reader.store);
		pfg_tui_release(ui);
		return PFG_EXIT_RUNTIME;
	}
	if (pfg_tui_chan_init(&ui->ch)) {
		fprintf(stderr, "perfguard tui: cannot make a pipe\n");
		pfg_store_close(ui->reader.store);
		pfg_store_close(ui->runner.store);
		pfg_tui_release(ui);
		return PFG_EXIT_RUNTIME;
	}
	const char *trace = getenv("PERFGUARD_TUI_TRACE");
	if (trace && *trace)
		ui->trace = fopen(trace, "a");
	struct pfg_tui_worker *ws[2] = { &ui->reader, &ui->runner };
	for (int i = 0; i < 2; i++) {
		pfg_tui_jobq_init(&ws[i]->q);
		ws[i]->ch = &ui->ch;
		ws[i]->cfg = ui->cfg;
		ws[i]->db_path = opts->db_path;
	}
	return 0;
}

/* Stop the workers, restore the terminal, write the trace's last line
 * and theme warnings, and release everything. Returns the exit code. */
static int pfg_tui_shutdown(struct pfg_tui *ui, struct pfg_strv *warn)
{
	pfg_tui_worker_stop(&ui->runner);
	pfg_tui_worker_stop(&ui->reader);
	pfg_tui_release(ui);
	pfg_ui_mouse_enable(ui, 0);
	endwin();
	if (ui->trace) {
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		fprintf(ui->trace, "frames %ld maxrss_kib %ld\n", ui->frames, ru.ru_maxrss);
		fclose(ui->trace);
	}
	for (size_t i = 0; i < warn->n; i++)
		fprintf(stderr, "perfguard tui: theme: %s\n", warn->v[i]);
	struct pfg_tui_worker *ws[2] = { &ui->reader, &ui->runner };
	for (int i = 0; i < 2; i++) {
		pfg_store_close(ws[i]->store);
		pfg_tui_jobq_release(&ws[i]->q);
	}
	int sig = pfg_engine_session_signal(ui->ch.session);
	pfg_tui_chan_release(&ui->ch);
	return sig ? 128 + sig : PFG_EXIT_OK;
}

/* Run the dashboard until the operator quits. */
int pfg_tui_main(const struct pfg_tui_opts *opts)
{
	setlocale(LC_ALL, "");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "perfguard tui: standard input and output must be a "
			"terminal (use 'perfguard list' or 'perfguard history' in scripts)\n");
		return PFG_EXIT_USAGE;
	}
	const char *cfg_path = opts->config_path ? opts->config_path : "perfguard.json";
	if (access(cfg_path, F_OK) != 0 && opts->db_path && access(opts->db_path, F_OK) != 0) {
		/* Nothing to show and nothing to run: say how to start rather
		 * than make an empty database. */
		fprintf(stderr, "perfguard tui: no config at %s and no database at %s: start "
			"with 'perfguard init' (it writes %s), then 'perfguard run'\n", cfg_path,
			opts->db_path, cfg_path);
		return PFG_EXIT_USAGE;
	}
	struct pfg_tui ui0, *ui = &ui0;
	memset(ui, 0, sizeof *ui);
	ui->opts = opts;
	ui->db_path = opts->db_path;
	ui->t0 = pfg_now_ns();
	ui->focus = PFG_PANE_BASELINES;
	/* The session starts the spawner before we grow, so that memory
	 * benchmarks' peak RSS does not start at the dashboard's size; its
	 * signal handlers wait until the screen is ours. */
	struct pfg_engine_session *session;
	struct pfg_engine_session_opts sopts = { .spawner = 1 };
	char err[PFG_ERR_MAX];
	if (pfg_engine_session_begin(&sopts, &session, err, sizeof err)) {
		fprintf(stderr, "perfguard tui: %s\n", err);
		return PFG_EXIT_RUNTIME;
	}
	struct pfg_strv warn = { 0 };
	int code = pfg_tui_setup(ui, &warn);
	if (code) {
		pfg_strv_release(&warn);
		pfg_engine_session_end(session);
		return code;
	}
	ui->ch.session = session;
	pfg_tui_glyphs_init(opts->ascii);
	/* SIGTERM, SIGHUP, SIGINT: stop any run and wake the UI. */
	pfg_engine_session_catch_signals(session, ui->ch.wake[1]);
	/* The reader loads the first snapshot while the screen starts: the
	 * workers never touch curses. */
	int started = pfg_tui_worker_start(&ui->reader, 0) == 0 &&
		      pfg_tui_worker_start(&ui->runner, 1) == 0;
	pfg_ui_request_snapshot(ui);
	pfg_tui_screen(ui);
	if (warn.n)
		pfg_ui_notice(ui, 1, "theme %s: %s%s", ui->theme.name, warn.v[0],
			      warn.n > 1 ? " (and more)" : "");
	else if (ui->cfg_problem)
		pfg_ui_notice(ui, 1, "%s", ui->cfg_problem);
	if (!started) {
		pfg_ui_notice(ui, 1, "cannot start a worker thread");
		ui->quit = 1;
	}
	if (!ui->quit)
		pfg_tui_loop(ui);
	code = pfg_tui_shutdown(ui, &warn);
	pfg_engine_session_end(session);
	pfg_strv_release(&warn);
	return code;
}
