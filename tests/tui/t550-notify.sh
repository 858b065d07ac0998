#!/bin/sh
# Alert changes made in the dashboard notify as `perfguard alerts` does:
# an alert acknowledged with A reaches a real HTTP receiver on 127.0.0.1
# as one alert_state message, sent from the dashboard's worker; a refused
# message is a notice on the screen, and the dashboard carries on.
TESTS=$(cd "$(dirname "$0")/.." && pwd)
. "$TESTS/tui/lib.sh"
. "$TESTS/notify_lib.sh"
# notify_lib.sh's trap replaced lib.sh's: stop both the receivers and tmux.
trap 'for p in $receiver_pids; do kill "$p" 2>/dev/null; done; tm_cleanup' EXIT

expect_success 'seeding: runs, baselines and a regression alert' 'tui_seed'

# The target hears of alert changes only (the seed's runs told nobody).
python3 - <<'PY'
import json
c = json.load(open("perfguard.json"))
c["notify"] = [{"name": "hook", "kind": "webhook", "url_env": "HOOK_URL", "timeout": 1,
                "on": ["alert_state"]}]
json.dump(c, open("perfguard.json", "w"))
PY
start_receiver r
id=$(q "SELECT id FROM alert ORDER BY id LIMIT 1")
export TUI_ENV="LANG=C.UTF-8 HOOK_URL=$r_URL/hook"
alert_state() { q "SELECT state FROM alert WHERE id = $1"; }
# A field of the latest request's body ($1: a Python expression on b).
last() { tail -n 1 r.log | python3 -c "import json, sys; r = json.loads(sys.stdin.read()); b = json.loads(r[\"body\"]); print($1)"; }

expect_success 'A in the alerts pane acknowledges the alert and the receiver hears of it' '
	test -n "$id" &&
	tui_start tui && tui_wait "steady" && tui_keys 4 && tui_wait "api/step" &&
	tui_keys A && wait_until "test \"\$(alert_state $id)\" = acknowledged" &&
	wait_until "test \"\$(requests r)\" = 1" && tui_keys q && tui_wait_exit 0 &&
	test "$(last "b[\"event\"], len(b[\"items\"]), b[\"items\"][0][\"event\"], b[\"items\"][0][\"alert_id\"], b[\"items\"][0][\"from\"], b[\"items\"][0][\"alert_state\"]")" = "alert_state 1 alert_state $id new acknowledged" &&
	test "$(q "SELECT status, event FROM notification")" = "sent|alert_state"
'

expect_success 'a refused message is a notice; the dashboard goes on and q quits' '
	echo 400 >r.script && tui_start tui && tui_wait "steady" && tui_keys 4 &&
	tui_wait "api/step" && tui_keys I &&
	wait_until "test \"\$(alert_state $id)\" = investigating" &&
	wait_until "test \"\$(requests r)\" = 2" &&
	tui_wait "notification to hook failed after 1 attempt: HTTP 400" &&
	tui_keys q && tui_wait_exit 0
'

finish
