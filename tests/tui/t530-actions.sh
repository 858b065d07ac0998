#!/bin/sh
# Actions hit what the operator looks at, at 80x24 and 100x30: alert keys
# on a benchmark row act on its newest open alert after saying which, i/w/f
# ask with a note, I reopens, u undoes the last decision (audited as such),
# b twice proposes once, and keys that do nothing say why.
. "$(dirname "$0")/lib.sh"

expect_success 'seeding: runs, baselines and a regression alert' 'tui_seed && cp .perfguard/perfguard.db seeded.db'

alert_state() { q "SELECT state FROM alert WHERE id = $1"; }
fresh() { cp seeded.db .perfguard/perfguard.db && rm -f .perfguard/perfguard.db-wal .perfguard/perfguard.db-shm; }
filter_to() { tui_keys / && tui_wait "filter:" && tui_type "$1" && tui_keys Enter && tui_wait "filter: $1"; }

for size in 80x24 100x30; do
	export TUI_COLS=${size%x*} TUI_LINES=${size#*x}

expect_success "$size: i on a benchmark without an alert says so and changes nothing" '
	fresh && id=$(q "SELECT id FROM alert ORDER BY id LIMIT 1") &&
	tui_start tui && tui_wait "steady" && filter_to api/steady &&
	tui_keys i && tui_wait "api/steady has no open alert to mark invalid" &&
	test "$(alert_state $id)" = new &&
	tui_keys 2 && tui_keys i && tui_wait "nothing to mark invalid in pane 2" &&
	test "$(alert_state $id)" = new &&
	tui_keys q && tui_wait_exit 0
'

expect_success "$size: i on a benchmark row names its newest open alert, asks with a note; u reopens it" '
	fresh && id=$(q "SELECT id FROM alert ORDER BY id LIMIT 1") &&
	tui_start tui && tui_wait "steady" && filter_to api/step &&
	tui_keys i && tui_wait "Mark invalid alert #$id of api/step?" &&
	tui_wait "its newest open alert" && tui_wait "note:" &&
	test "$(alert_state $id)" = new &&
	tui_type "flaky host" && tui_keys Enter &&
	wait_until "test \"\$(alert_state $id)\" = invalid" &&
	test "$(q "SELECT note FROM alert_event WHERE alert_id = $id AND to_state = '"'"'invalid'"'"'")" = "flaky host" &&
	tui_wait "u undoes it" &&
	tui_keys u &&
	wait_until "test \"\$(alert_state $id)\" = investigating" &&
	q "SELECT detail FROM audit_log WHERE entity = '"'"'alert'"'"' AND entity_id = $id AND action = '"'"'investigating'"'"'" | grep -q "^undo: reopened after it was marked invalid" &&
	tui_keys u && tui_wait "nothing to undo" &&
	tui_keys q && tui_wait_exit 0
'

expect_success "$size: in the alerts pane A acts at once, w asks and Esc cancels, f then I reopens" '
	fresh && id=$(q "SELECT id FROM alert ORDER BY id LIMIT 1") &&
	tui_start tui && tui_wait "steady" && tui_keys 4 && tui_wait "api/step" &&
	tui_keys A && wait_until "test \"\$(alert_state $id)\" = acknowledged" &&
	tui_keys w && tui_wait "Mark won'"'"'t fix alert #$id of api/step?" &&
	tui_keys Escape && tui_wait_gone "Mark won" && test "$(alert_state $id)" = acknowledged &&
	tui_keys f && tui_wait "Mark fixed alert #$id" && tui_keys Enter &&
	wait_until "test \"\$(alert_state $id)\" = fixed" &&
	tui_keys i && tui_wait "is closed (fixed): I reopens it" &&
	tui_keys I && wait_until "test \"\$(alert_state $id)\" = investigating" &&
	tui_keys q && tui_wait_exit 0
'

expect_success "$size: b twice makes one proposal; u withdraws it (audited)" '
	fresh &&
	before=$(q "SELECT count(*) FROM baseline") &&
	tui_start tui && tui_wait "steady" && filter_to api/steady &&
	tui_keys b && wait_until "test \"\$(q \"SELECT count(*) FROM baseline\")\" = $((before + 1))" &&
	tui_wait "proposed baseline #" &&
	id=$(q "SELECT max(id) FROM baseline") &&
	tui_keys b && tui_wait "baseline #$id (proposed) is made of run" &&
	test "$(q "SELECT count(*) FROM baseline")" = $((before + 1)) &&
	tui_keys u && wait_until "test \"\$(q \"SELECT state FROM baseline WHERE id = $id\")\" = rejected" &&
	test "$(q "SELECT detail FROM audit_log WHERE entity = '"'"'baseline'"'"' AND entity_id = $id AND action = '"'"'rejected'"'"'")" = "undo: the proposal was withdrawn" &&
	tui_keys q && tui_wait_exit 0
'

expect_success "$size: keys that do nothing say why" '
	fresh &&
	tui_start tui && tui_wait "steady" && filter_to api/steady &&
	tui_keys a && tui_wait "api/steady has no proposed baseline" &&
	tui_keys Enter && tui_wait "Enter opens an alert (pane 4)" &&
	tui_keys Z && tui_wait "is not a key of the dashboard" &&
	tui_keys Escape && tui_wait "filter cleared" &&
	tui_keys 4 && tui_keys Enter && tui_wait "History" &&
	tui_keys r && tui_wait "Esc closes it first" &&
	tui_keys Escape && tui_wait_gone "History" && tui_keys q && tui_wait_exit 0
'

done

finish
