#!/bin/sh
# The dashboard on a seeded database: what it shows, and the operator's
# decisions (approve, reject, propose, acknowledge, note) reaching the store.
. "$(dirname "$0")/lib.sh"

expect_success 'seeding: runs, baselines and a regression alert' 'tui_seed'

expect_success 'four panes show the baselines tree, runs, trend and alerts' '
	tui_start tui &&
	tui_wait "1 Baselines" &&
	tui_wait "steady" &&
	s=$(tui_screen) &&
	for want in "2 Live runs" "3 Trends" "4 Alerts" "api" "store" "step" "query" \
		"approved" "proposed" "critical" "api/step" "gate FAIL" "runs  slope" "R²"; do
		printf "%s\n" "$s" | grep -qF -- "$want" || { echo "missing: $want"; printf "%s\n" "$s"; exit 1; }
	done &&
	printf "%s\n" "$s" | grep -q "[▁▂▃▄▅▆▇█]" &&
	tui_keys q && tui_wait_exit 0
'

expect_success 'approving a proposed baseline asks with a note, then changes it in the database' '
	test "$(q "SELECT state FROM baseline WHERE id = 3")" = proposed &&
	tui_start tui && tui_wait "steady" &&
	tui_keys / && tui_wait "filter:" && tui_type "store/query" && tui_keys Enter &&
	tui_wait "filter: store/query (1 of 5)" &&
	tui_keys a && tui_wait "Approve baseline #3 of store/query?" &&
	tui_wait "No approved baseline yet" &&
	test "$(q "SELECT state FROM baseline WHERE id = 3")" = proposed &&
	tui_wait "note:" && tui_type "release 3.2" && tui_keys Enter &&
	wait_until "test \"\$(q \"SELECT state FROM baseline WHERE id = 3\")\" = approved" &&
	tui_wait "baseline #3 approved: release 3.2" &&
	test "$(q "SELECT detail FROM audit_log WHERE entity = '"'"'baseline'"'"' AND entity_id = 3 AND action = '"'"'approved'"'"'")" = "release 3.2" &&
	tui_keys q && tui_wait_exit 0
'

expect_success 'b proposes a baseline from the latest run; x rejects it after asking' '
	tui_start tui && tui_wait "steady" &&
	tui_keys / && tui_wait "filter:" && tui_type "api/steady" && tui_keys Enter &&
	tui_wait "filter: api/steady" &&
	tui_keys b &&
	wait_until "test \"\$(q \"SELECT count(*) FROM baseline b JOIN benchmark k ON k.id = b.benchmark_id WHERE k.name = '"'"'steady'"'"' AND b.state = '"'"'proposed'"'"'\")\" = 1" &&
	tui_wait "proposed baseline #" &&
	id=$(q "SELECT max(id) FROM baseline") &&
	tui_keys x && tui_wait "Reject baseline #$id of api/steady?" &&
	tui_wait "The approved baseline stays in force." &&
	tui_keys Escape && tui_wait_gone "Reject baseline" &&
	test "$(q "SELECT state FROM baseline WHERE id = $id")" = proposed &&
	tui_keys x && tui_wait "Reject baseline" && tui_keys Enter &&
	wait_until "test \"\$(q \"SELECT state FROM baseline WHERE id = $id\")\" = rejected" &&
	tui_keys q && tui_wait_exit 0
'

expect_success 'the alerts pane drives the trend; Enter shows the detail; n adds a note, A acknowledges' '
	id=$(q "SELECT id FROM alert WHERE kind = '"'"'regression'"'"' ORDER BY id LIMIT 1") &&
	tui_start tui && tui_wait "3 Trends ─ api/steady" &&
	tui_keys 4 && tui_wait "3 Trends ─ api/step" && tui_keys Enter &&
	tui_wait "Alert #$id  regression" &&
	tui_wait "interval" && tui_wait "baseline        current" && tui_wait "History" &&
	tui_keys n && tui_wait "note:" && tui_type "looked into it" && tui_keys Enter &&
	wait_until "test \"\$(q \"SELECT count(*) FROM alert_event WHERE alert_id = $id AND note = '"'"'looked into it'"'"'\")\" = 1" &&
	tui_wait "note: looked into it" &&
	tui_keys A &&
	wait_until "test \"\$(q \"SELECT state FROM alert WHERE id = $id\")\" = acknowledged" &&
	tui_wait "new → acknowledged" &&
	tui_keys Escape && tui_keys q && tui_wait_exit 0
'

expect_success 'the filter narrows the tree and h/l fold a component' '
	tui_start tui && tui_wait "steady" &&
	tui_keys / && tui_wait "filter:" && tui_type "store" && tui_keys Enter &&
	tui_wait "filter: store (3 of 5)" && tui_wait_gone "steady" &&
	tui_keys h && tui_wait "store  (3)" && tui_wait_gone "query " &&
	tui_keys l && tui_wait "query" &&
	tui_keys q && tui_wait_exit 0
'

expect_success 'the header judges the suite: rerunning an unrelated benchmark keeps gate FAIL' '
	pg run api/steady >/dev/null 2>&1 &&
	tui_start &&
	tui_wait "gate FAIL" &&
	tui_keys q && tui_wait_exit 0
'

finish
