#!/bin/sh
# perfguard ingest notifies as perfguard run does: an imported regression
# after a baseline reaches a real HTTP receiver on 127.0.0.1 as one
# message; an undelivered one waits in the backlog and goes out at the next
# import; a failure never changes ingest's exit status.
TESTS=$(cd "$(dirname "$0")/.." && pwd)
. "$TESTS/cli/lib.sh"
. "$TESTS/notify_lib.sh"

cat > perfguard.json <<'JSON'
{"suite": "imports", "baseline_runs": 1, "auto_baseline": "approve",
 "components": [{"name": "local",
  "benchmarks": [{"name": "noop", "type": "latency", "command": ["true"]}]}],
 "notify": [{"name": "hook", "kind": "webhook", "url_env": "HOOK_URL", "timeout": 1,
             "on": ["regression", "gate_failed"]}]}
JSON
start_receiver r
HOOK_URL="$r_URL/hook"
export HOOK_URL
q() { sqlite3 .perfguard/perfguard.db "$1"; }
# A field of the latest request's body ($1: a Python expression on b).
last() { tail -n 1 r.log | python3 -c "import json, sys; r = json.loads(sys.stdin.read()); b = json.loads(r[\"body\"]); print($1)"; }
# A generic file: benchmark api/lat with samples around $1 ms.
results() {
	printf '[{"name": "lat", "component": "api", "unit": "ms", "value": %s, "samples": [%s, %s, %s, %s, %s, %s]}]\n' \
		"$1" "$1" "$(($1 + 1))" "$(($1 - 1))" "$1" "$(($1 + 2))" "$(($1 - 2))" >"$2"
}

expect_success 'a first import (its baseline) says nothing to a target of regressions' '
	results 100 base.json && expect_exit 0 pg ingest base.json &&
	test "$(requests r)" = 0 && test "$(q "SELECT count(*) FROM notification")" = 0
'

expect_success 'an imported regression reaches the receiver as one message of the run' '
	results 200 slow.json && expect_exit 0 pg ingest slow.json &&
	expect_contains .out "regression" &&
	test "$(requests r)" = 1 &&
	test "$(last "b[\"event\"], b[\"run\"][\"id\"], len(b[\"items\"]), b[\"items\"][0][\"event\"], b[\"items\"][0][\"benchmark\"]")" = "run 2 1 regression api/lat" &&
	test "$(q "SELECT status, event, run_id FROM notification")" = "sent|run|2"
'

expect_success 'a 400 is a warning; ingest --gate still exits 1 for the gate alone' '
	echo 400 >r.script && results 400 slower.json &&
	expect_exit 1 pg ingest --gate slower.json &&
	test "$(requests r)" = 2 &&
	expect_contains .err "perfguard ingest: warning: notification to hook failed after 1 attempt: HTTP 400" &&
	expect_contains .out "gate: FAIL"
'

expect_success 'an undelivered message waits and goes out first at the next import' '
	printf "500\n500\n500\n" >r.script && results 800 slowest.json &&
	expect_exit 0 pg ingest slowest.json &&
	expect_contains .err "perfguard ingest: warning: notification to hook not delivered (retried at the next run)" &&
	test "$(q "SELECT status FROM notification ORDER BY id DESC LIMIT 1")" = "pending" &&
	: >r.script && results 1600 worst.json && expect_exit 0 pg ingest worst.json &&
	test "$(q "SELECT count(*) FROM notification WHERE status = \"pending\"")" = 0 &&
	test "$(q "SELECT group_concat(status || \" \" || run_id, \",\") FROM (SELECT * FROM notification ORDER BY id DESC LIMIT 2)")" = "sent 5,sent 4"
'

expect_success 'without a config nothing is sent and nothing fails' '
	mkdir bare && cd bare && results 100 b.json && expect_exit 0 pg ingest b.json &&
	results 300 s.json && expect_exit 0 pg ingest s.json && cd .. &&
	test "$(requests r)" = 7
'

finish
