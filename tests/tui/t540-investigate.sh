#!/bin/sh
# Investigation tools and what must fit, at 80x24 and 100x30: help with
# its words, columns, cancel a run and stay, the live filter, the samples
# view, the runs view (trigger and duration kept) and a comparison, the audit log, and how to start.
. "$(dirname "$0")/lib.sh"

expect_success 'seeding: runs, baselines and a regression alert' 'tui_seed'

filter_to() { tui_keys / && tui_wait "filter:" && tui_type "$1" && tui_keys Enter && tui_wait "filter: $1"; }

for size in 80x24 100x30; do
	export TUI_COLS=${size%x*} TUI_LINES=${size#*x}

expect_success "$size: the main screen keeps change, value, the gate, and ? / t q in the footer" '
	tui_start tui && tui_wait "steady" &&
	s=$(tui_screen) &&
	for want in "+200.0% critical" "60 ms" "gate FAIL" "last run #" "? help" "/ filter" "t theme" "q quit" "api/step" "9.5 ms" "#4"; do
		printf "%s\n" "$s" | grep -qF -- "$want" || { echo "missing: $want"; printf "%s\n" "$s"; exit 1; }
	done &&
	tui_keys q && tui_wait_exit 0
'

expect_success "$size: help fits and explains noisy, new* and failed" '
	tui_start tui && tui_wait "steady" && tui_keys "?" &&
	tui_wait "Any key closes this help." && tui_wait "noisy" && tui_wait "new*" &&
	tui_wait "failed" && tui_wait "Keys" && tui_wait "undo last decision" &&
	tui_keys x && tui_wait_gone "Any key closes" && tui_keys q && tui_wait_exit 0
'

expect_success "$size: the alert detail shows its key hints and the whole change line" '
	tui_start tui && tui_wait "steady" && tui_keys 4 && tui_keys Enter &&
	tui_wait "History" && tui_wait "A ack" && tui_wait "Esc" && tui_wait "p = " &&
	tui_keys Escape && tui_keys q && tui_wait_exit 0
'

expect_success "$size: the filter narrows as it is typed; Esc clears it; / opens empty" '
	tui_start tui && tui_wait "steady" &&
	tui_keys / && tui_wait "filter:" && tui_type "sl" && tui_wait "filter: sl (1 of 5)" &&
	tui_wait_gone "steady" && tui_keys Escape && tui_wait_gone "filter: sl" && tui_wait "steady" &&
	filter_to store && tui_keys / && tui_wait "filter: _" && tui_keys Escape &&
	tui_wait "5 benchmarks" && tui_keys q && tui_wait_exit 0
'

expect_success "$size: d shows the samples of baseline and current on one axis" '
	tui_start tui && tui_wait "steady" && tui_keys 4 && tui_keys d &&
	tui_wait "Samples of api/step" && tui_wait "baseline" && tui_wait "current" &&
	tui_wait "outliers" && tui_wait "median" && tui_keys Escape &&
	tui_keys 4 && tui_keys Enter && tui_wait "History" && tui_keys d && tui_wait "Samples of api/step" &&
	tui_keys Escape && tui_keys q && tui_wait_exit 0
'

expect_success "$size: v lists the runs; Enter shows one; two marked are compared" '
	tui_start tui && tui_wait "steady" && tui_keys v && tui_wait "Runs (" &&
	tui_wait "complete" && tui_wait "trigger" && tui_wait "duration" &&
	tui_screen | grep -qE " [0-9]+ +[0-9-]+ [0-9:]+ +(cli|ci) +complete +[0-9]+\.[0-9]s +[0-9a-f-]" ||
		{ echo "no run line with trigger cli (or ci under CI=true) and a duration:"; tui_screen; exit 1; }
	tui_keys Enter && tui_wait "results" && tui_wait "api/step" &&
	tui_keys Escape && tui_wait "Runs (" && tui_keys m && tui_keys j && tui_keys m && tui_keys c &&
	tui_wait "against run #" && tui_wait "api/step" &&
	tui_keys Escape && tui_wait "Runs (" && tui_keys Escape && tui_keys q && tui_wait_exit 0
'

expect_success "$size: L shows the audit log" '
	tui_start tui && tui_wait "steady" && tui_keys L && tui_wait "Audit log" &&
	tui_wait "approved" && tui_keys Escape && tui_keys q && tui_wait_exit 0
'

expect_success "$size: a click selects and focuses, the wheel scrolls; --no-mouse leaves them" '
	alerts_row=$(( (TUI_LINES - 2) * 3 / 5 + 4 )) &&
	tui_start tui && tui_wait "3 Trends ─ api/steady" &&
	tui_type "$(printf "\033[<0;$((TUI_COLS - 10));${alerts_row}M")" &&
	tui_wait "3 Trends ─ api/step" && tui_wait "Enter detail" &&
	tui_type "$(printf "\033[<65;10;5M")" && tui_wait "3 Trends ─ store/hang" &&
	tui_type "$(printf "\033[<64;10;5M")" && tui_wait "3 Trends ─ api/steady" &&
	tui_keys q && tui_wait_exit 0 &&
	tui_start tui --no-mouse && tui_wait "3 Trends ─ api/steady" &&
	tui_type "$(printf "\033[<0;$((TUI_COLS - 10));${alerts_row}M")" &&
	tui_wait "is not a key" && tui_wait "3 Trends ─ api/steady" &&
	tui_keys q && tui_wait_exit 0
'

done

expect_success 'c cancels a run and the dashboard stays; a later run goes ahead' '
	tui_start tui && tui_wait "steady" && filter_to store/hang &&
	tui_keys r && tui_wait "benchmark 1 of 1" &&
	wait_until "pgrep -f \"sleep 613\" >/dev/null" &&
	tui_keys c &&
	wait_until "test \"\$(q \"SELECT count(*) FROM run WHERE status = '"'"'interrupted'"'"'\")\" = 1" &&
	wait_until "! pgrep -f \"sleep 613\" >/dev/null" &&
	tui_wait "interrupted" && tui_wait "1 Baselines" && tui_wait "idle" &&
	tui_wait "hang      failed" && ! tui_screen | grep -q "failed.*failed" &&
	tui_keys Escape && filter_to api/steady && tui_keys r &&
	wait_until "test \"\$(q \"SELECT count(*) FROM run WHERE trigger = '"'"'tui'"'"' AND status = '"'"'complete'"'"'\")\" = 1" &&
	tui_keys q && tui_wait_exit 0
'

expect_success 'the header says which run is going during the first run' '
	mkdir first && cp perfguard.json val.sh first/ &&
	tui_start tui -c first/perfguard.json --db first/p.db && tui_wait "no run yet" &&
	tui_keys / && tui_type "store/slow" && tui_keys Enter && tui_keys r &&
	tui_wait "run #1 running" && ! tui_screen | grep -q "no run yet" &&
	tui_wait "last run #1 complete" && tui_keys q && tui_wait_exit 0
'

expect_success 'with no config and no database it says how to start and writes nothing' '
	mkdir empty &&
	tui_start tui -c empty/perfguard.json --db empty/perfguard.db && tui_wait_exit 2 &&
	expect_contains "$WORK/.tui-err" "perfguard init" &&
	test ! -e empty/perfguard.db
'

finish
