#!/bin/sh
# Runs from the dashboard: r and R go through the engine on the worker
# thread while the keys keep working; a hanging benchmark does not freeze
# the screen; q during a run asks, then cancels it cleanly.
. "$(dirname "$0")/lib.sh"

tui_runs() { q "SELECT count(*) FROM run WHERE trigger = 'tui' AND status = '$1'"; }

expect_success 'seeding: runs, baselines and a regression alert' 'tui_seed'

expect_success 'r runs the selected benchmark: a new run in the database, keys work meanwhile' '
	tui_start tui && tui_wait "steady" &&
	tui_keys / && tui_wait "filter:" && tui_type "api/steady" && tui_keys Enter &&
	tui_wait "filter: api/steady" &&
	tui_keys r &&
	wait_until "test \"\$(tui_runs complete)\" = 1" &&
	tui_wait "run $(q "SELECT max(id) FROM run") complete" &&
	tui_wait "last run #$(q "SELECT max(id) FROM run") complete" &&
	tui_wait_gone "queued a run of" &&
	tui_wait "api/steady" &&
	test "$(q "SELECT count(*) FROM result r JOIN run ON run.id = r.run_id WHERE run.trigger = '"'"'tui'"'"'")" = 1 &&
	tui_keys / && tui_wait "filter:" && tui_keys C-u && tui_type "store/slow" && tui_keys Enter &&
	tui_wait "filter: store/slow" &&
	touch slow.hold slow.once &&
	tui_keys r && tui_wait "benchmark 1 of 1" && tui_wait "store/slow" &&
	tui_keys "?" && tui_wait "Any key closes this help." &&
	test "$(tui_runs complete)" = 1 &&
	tui_keys Escape && tui_wait_gone "Any key closes" &&
	tui_wait "run 1 of 4" && rm slow.hold &&
	wait_until "test \"\$(tui_runs complete)\" = 2" &&
	tui_wait "slow" && tui_keys q && tui_wait_exit 0 &&
	test "$(samples .perfguard/perfguard.db "SELECT count(*) FROM sample s JOIN benchmark b ON b.id = s.benchmark_id WHERE b.name = '"'"'slow'"'"'")" = 4
'

expect_success 'a hanging benchmark leaves the screen responsive; q asks, then cancels it' '
	tui_start tui && tui_wait "steady" &&
	tui_keys R && tui_wait "queued a run of all" && tui_wait "store/hang" &&
	tui_keys "?" && tui_wait "Any key closes this help." && tui_keys x &&
	tui_wait_gone "Any key closes" &&
	tui_keys 4 && tui_keys j && tui_keys 1 &&
	pgrep -f "sleep 613" >/dev/null &&
	tui_keys q && tui_wait "A run is in progress: store/hang." &&
	tui_keys n && tui_wait_gone "A run is in progress" &&
	test "$(tui_runs running)" = 1 &&
	tui_keys q && tui_wait "A run is in progress" && tui_keys y &&
	tui_wait_exit 0 &&
	test "$(tui_runs interrupted)" = 1 && test "$(tui_runs running)" = 0 &&
	wait_until "! pgrep -f \"sleep 613\" >/dev/null"
'

expect_success 'SIGTERM during a run cancels it too' '
	tui_start tui && tui_wait "steady" &&
	tui_keys / && tui_wait "filter:" && tui_type "store/hang" && tui_keys Enter &&
	tui_wait "filter: store/hang" && tui_keys r && tui_wait "benchmark 1 of 1" &&
	wait_until "pgrep -f \"sleep 613\" >/dev/null" &&
	kill -TERM "$(tui_pid)" &&
	tui_wait_exit 143 &&
	test "$(tui_runs interrupted)" = 2 &&
	wait_until "! pgrep -f \"sleep 613\" >/dev/null"
'

finish
