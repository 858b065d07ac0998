#!/bin/sh
# The dashboard and its terminal: resizing, colour and NO_COLOR, UTF-8 and
# ASCII, themes, --frames, and how it starts (no command, bad config).
. "$(dirname "$0")/lib.sh"

# Lines of the screen that start a row of panes.
pane_rows() { tui_screen | grep -c "^[┌+l]"; }
# SGR colour codes in the screen with attributes (-e).
colour_codes() { tm capture-pane -p -e | grep -cE "$(printf '\033')\[([0-9;]*;)?(3[0-7]|38;|4[0-7]|48;)" || true; }

expect_success 'seeding: runs, baselines and a regression alert' 'tui_seed'

expect_success 'resizing to 60x20 shows one pane at a time, and back to 100x30 four' '
	tui_start tui && tui_wait "4 Alerts" &&
	test "$(pane_rows)" = 2 &&
	tm resize-window -x 60 -y 20 &&
	wait_until "test \"\$(pane_rows)\" = 1" &&
	tui_wait "steady" && tui_wait "1 Baselines" &&
	tui_keys 4 && tui_wait "severity" && tui_wait_gone "steady" &&
	tui_keys Tab && tui_wait "steady" &&
	tm resize-window -x 100 -y 30 &&
	wait_until "test \"\$(pane_rows)\" = 2" && tui_wait "severity" && tui_wait "steady" &&
	tm resize-window -x 30 -y 6 && sleep 0.3 && tui_keys j &&
	tm resize-window -x 100 -y 30 && tui_wait "4 Alerts" &&
	tui_keys q && tui_wait_exit 0
'

expect_success 'colours by default; NO_COLOR=1 and --no-color draw without them' '
	tui_start tui && tui_wait "steady" && test "$(colour_codes)" -gt 0 &&
	tui_keys q && tui_wait_exit 0 &&
	TUI_ENV="LANG=C.UTF-8 NO_COLOR=1" tui_start tui && tui_wait "steady" &&
	test "$(colour_codes)" = 0 && tui_keys q && tui_wait_exit 0 &&
	tui_start tui --no-color && tui_wait "steady" &&
	test "$(colour_codes)" = 0 && tui_keys q && tui_wait_exit 0
'

expect_success 'LANG=C gives ASCII sparklines; UTF-8 gives blocks; --ascii forces ASCII' '
	tui_start tui && tui_wait "steady" &&
	tui_screen | grep -q "[▁▂▃▄▅▆▇█]" && tui_wait "R²" &&
	tui_keys q && tui_wait_exit 0 &&
	TUI_ENV="LC_ALL=C LANG=C" tui_start tui && tui_wait "steady" && tui_wait "R2 " &&
	! tui_screen | grep -q "[▁▂▃▄▅▆▇█▾▸]" && tui_wait "- api" &&
	tui_keys q && tui_wait_exit 0 &&
	tui_start tui --ascii && tui_wait "steady" && tui_wait "R2 " &&
	! tui_screen | grep -q "[▁▂▃▄▅▆▇█]" &&
	tui_keys q && tui_wait_exit 0
'

expect_success 'themes: shipped ones load, t cycles, an unknown theme is an error' '
	for t in default light high-contrast monochrome; do
		tui_start tui --theme $t && tui_wait "steady" &&
		tui_keys q && tui_wait_exit 0 || exit 1
	done &&
	tui_start tui --theme light && tui_wait "steady" &&
	tui_keys t && tui_wait "theme monochrome" && tui_keys t && tui_wait "theme default" &&
	tui_keys q && tui_wait_exit 0 &&
	tui_start tui --theme nosuch && tui_wait_exit 2 &&
	expect_contains .tui-err "no theme '"'"'nosuch'"'"'"
'

expect_success 'the light theme paints its own ground: white behind the panes and the bars' '
	tui_start tui --theme light && tui_wait "steady" &&
	tm capture-pane -p -e | grep -q "48;5;231" &&
	tui_keys q && tui_wait_exit 0 &&
	tui_start tui && tui_wait "steady" &&
	! tm capture-pane -p -e | grep -q "48;5;231" &&
	tui_keys q && tui_wait_exit 0
'

expect_success 'a theme of its own: unknown keys warned about, missing keys from default' '
	mkdir -p mythemes xdg/perfguard/themes &&
	printf "name = mine\ntitle.fg = #ff0000\nbogus.fg = #123456\nspark.fg = red\n" \
		>mythemes/mine.theme &&
	tui_start tui --themes-dir mythemes --theme mine && tui_wait "steady" &&
	tui_wait "unknown key '"'"'bogus.fg'"'"'" &&
	test "$(colour_codes)" -gt 0 &&
	tui_keys q && tui_wait_exit 0 &&
	expect_contains .tui-err "mine.theme:4: spark.fg: expected #rrggbb or default" &&
	cp mythemes/mine.theme xdg/perfguard/themes/other.theme &&
	TUI_ENV="LANG=C.UTF-8 XDG_CONFIG_HOME=$WORK/xdg" tui_start tui --theme other &&
	tui_wait "steady" && tui_keys q && tui_wait_exit 0
'

expect_success '--frames N exits by itself after N frames' '
	tui_start tui --frames 3 && tui_wait_exit 0 &&
	expect_exit 2 pg tui --frames 0 && expect_contains .err "--frames"
'

expect_success 'perfguard with no command opens the dashboard on a terminal, else usage' '
	tui_start && tui_wait "1 Baselines" && tui_wait "steady" &&
	tui_keys q && tui_wait_exit 0 &&
	expect_exit 2 pg </dev/null && expect_contains .err "Usage: perfguard" &&
	expect_exit 2 pg tui </dev/null && expect_contains .err "must be a terminal"
'

expect_success 'without a config it browses the database; a bad config is an error' '
	tui_start tui -c nothere.json --db .perfguard/perfguard.db && tui_wait "steady" &&
	tui_wait "runs are disabled" && tui_keys R && tui_wait "no config at nothere.json" &&
	tui_keys q && tui_wait_exit 0 &&
	echo "{" >bad.json && tui_start tui -c bad.json && tui_wait_exit 2 &&
	expect_contains .tui-err "problem" &&
	tui_start tui --db /proc/nope/x.db && tui_wait_exit 3
'

finish
