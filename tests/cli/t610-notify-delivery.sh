#!/bin/sh
# Notifications delivered to a real HTTP receiver on 127.0.0.1 after real
# runs: signed webhook bodies, retries of 500 and 429 (Retry-After, and
# Discord's retry_after), no retry of 400, a receiver that never answers,
# an unreachable port, the backlog retried at the next run and bounded; a
# run's exit status never changed by them, and no secret anywhere.
TESTS=$(cd "$(dirname "$0")/.." && pwd)
. "$TESTS/cli/lib.sh"
. "$TESTS/notify_lib.sh"

cat > val.sh <<'SH'
f=$1; n=$(cat "$f.n" 2>/dev/null || echo 0); echo $((n + 1)) > "$f.n"
awk -v b="$(cat "$f.val")" -v n="$n" 'BEGIN { printf "v %.6f\n", b * (1 + 0.01 * (n % 5 - 2)) }' > "$PERFGUARD_METRICS"
SH
cat > perfguard.json <<'JSON'
{"suite": "deliveries", "baseline_runs": 1, "confirm_runs": 0, "auto_baseline": "approve",
 "defaults": {"runs": 5, "warmup": 0},
 "components": [{"name": "app", "benchmarks": [
  {"name": "b", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower",
   "command": ["sh", "val.sh", "b"]}]}],
 "notify": [{"name": "hook", "kind": "webhook", "url_env": "HOOK_URL",
             "secret_env": "HOOK_SECRET", "timeout": 1}]}
JSON
start_receiver r
HOOK_URL="$r_URL/hook/PATHSECRET42?token=QUERYSECRET42"
HOOK_SECRET=HMACSECRET42
export HOOK_URL HOOK_SECRET
q() { sqlite3 .perfguard/perfguard.db "$1"; }
# The latest request's body, and a field of it ($1: a Python expression on b).
last() { tail -n 1 r.log | python3 -c "import json, sys; r = json.loads(sys.stdin.read()); b = json.loads(r[\"body\"]); print($1)"; }
# Keep what perfguard printed, to look for secrets at the end.
keep() { cat .out .err >>printed.txt; }

expect_success 'a first run tells the webhook of its proposed baseline' '
	echo 100 >b.val && expect_exit 0 pg run && keep &&
	test "$(requests r)" = 1 &&
	test "$(last "b[\"event\"], b[\"schema_version\"], b[\"items\"][0][\"event\"], b[\"run\"][\"id\"]")" = "run 1 baseline_proposed 1" &&
	test "$(q "SELECT status, attempts, http_status FROM notification")" = "sent|1|200"
'

expect_success 'a regression reaches the webhook signed with HMAC-SHA256, and --gate still exits 1' '
	echo 200 >b.val && expect_exit 1 pg run --gate && keep &&
	test "$(requests r)" = 2 &&
	test "$(last "b[\"items\"][0][\"event\"], b[\"items\"][0][\"severity\"], b[\"items\"][0][\"alert_id\"], b[\"items\"][0][\"alert_state\"], b[\"gate\"][\"verdict\"]")" = "regression critical 1 new fail" &&
	tail -n 1 r.log | python3 -c "
import hashlib, hmac, json, sys
r = json.loads(sys.stdin.read())
want = \"sha256=\" + hmac.new(b\"HMACSECRET42\", r[\"body\"].encode(), hashlib.sha256).hexdigest()
assert r[\"headers\"][\"x-perfguard-signature-256\"] == want, (r[\"headers\"], want)
assert r[\"headers\"][\"content-type\"] == \"application/json\"
assert r[\"path\"] == \"/hook/PATHSECRET42?token=QUERYSECRET42\""
'

expect_success 'a 500 then a 200 is retried and sent' '
	printf "500\n200\n" >r.script && expect_exit 0 pg run && keep &&
	test "$(requests r)" = 4 &&
	test "$(q "SELECT status, attempts, http_status FROM notification ORDER BY id DESC LIMIT 1")" = "sent|2|200"
'

expect_success 'a 429 is retried after its Retry-After, and after Discord'"'"'s retry_after' '
	printf "429 retry-after=1\n429 json=0.3\n" >r.script && expect_exit 0 pg run && keep &&
	test "$(requests r)" = 7 &&
	test "$(q "SELECT status, attempts FROM notification ORDER BY id DESC LIMIT 1")" = "sent|3"
'

expect_success 'a 400 is not retried, is shown, logged, and changes no exit status' '
	echo 400 >r.script && expect_exit 1 pg run --gate && keep &&
	test "$(requests r)" = 8 &&
	expect_contains .err "perfguard run: warning: notification to hook failed after 1 attempt: HTTP 400: error" &&
	test "$(q "SELECT status, attempts, http_status, error FROM notification ORDER BY id DESC LIMIT 1")" = "failed|1|400|HTTP 400: error" &&
	pg notify log --limit 1 >log.txt && keep &&
	expect_contains log.txt "hook         failed   run         webhook 400  1  run 5: 1 regression (worst critical); gate failed: HTTP 400: error"
'

expect_success 'a receiver that never answers times out; the run exits as it should' '
	printf "hang\nhang\nhang\n" >r.script && expect_exit 1 pg run --gate && keep &&
	test "$(requests r)" = 11 &&
	expect_contains .err "notification to hook not delivered (retried at the next run) after 3 attempts: Operation timed out" &&
	test "$(q "SELECT status, attempts FROM notification ORDER BY id DESC LIMIT 1")" = "pending|3" &&
	expect_contains .out "run 6: complete"
'

expect_success 'an unreachable port: the message waits behind the older one, untried' '
	HOOK_URL="http://127.0.0.1:$(free_port)/hook/PATHSECRET42" expect_exit 0 pg run && keep &&
	expect_contains .err "notification to hook not delivered (retried at the next run) after 0 attempts: not tried: an older message to this target failed: Failed to connect to 127.0.0.1 port" &&
	test "$(q "SELECT group_concat(status || attempts, \" \") FROM notification WHERE id >= 6")" = "pending6 pending0"
'

expect_success 'the backlog goes out first, oldest first, at the next run' '
	expect_exit 0 pg run && keep &&
	test "$(requests r)" = 14 &&
	tail -n 3 r.log | python3 -c "
import json, sys
ids = [json.loads(json.loads(l)[\"body\"])[\"run\"][\"id\"] for l in sys.stdin]
assert ids == [6, 7, 8], ids" &&
	test "$(q "SELECT count(*) FROM notification WHERE status = \"pending\"")" = 0 &&
	test "$(q "SELECT count(*) FROM notification WHERE payload IS NOT NULL")" = 0
'

expect_success 'the backlog keeps at most 20 messages per target' '
	for i in $(seq 1 23); do echo "429 retry-after=3600"; done >r.script &&
	for i in $(seq 1 22); do pg run >/dev/null 2>>printed.txt || exit 1; done &&
	test "$(q "SELECT count(*) FROM notification WHERE status = \"pending\"")" = 20 &&
	test "$(q "SELECT count(*) FROM notification WHERE status = \"dropped\" AND error LIKE \"dropped: the backlog%\"")" = 2 &&
	expect_contains printed.txt "(asked to wait 3600 s: left for the next run)"
'

expect_success 'an alert state change is told, with who changed it' '
	: >r.script && pg alerts ack 1 --by "alice" >ack.txt 2>>printed.txt &&
	expect_contains ack.txt "alert 1 acknowledged" &&
	test "$(last "b[\"event\"], b[\"items\"][0][\"from\"], b[\"items\"][0][\"alert_state\"], b[\"items\"][0][\"actor\"]")" = "alert_state new acknowledged alice"
'

expect_success 'notify test reports each outcome with status and attempts' '
	pg notify test >t.txt && keep &&
	expect_contains t.txt "hook: sent (HTTP 200, 1 attempt)" &&
	echo 503 >r.script && echo 400 >>r.script && expect_exit 3 pg notify test hook --json && keep &&
	python3 -c "
import json; t = json.load(open(\".out\"))
assert t == [{\"target\": \"hook\", \"status\": \"failed\", \"http_status\": 400, \"attempts\": 2, \"error\": \"HTTP 400: error\"}], t"
'

expect_success 'Ctrl-C while a receiver hangs stops the request; the message waits' '
	: >r.script && pg run >/dev/null 2>&1 && before=$(requests r) &&
	printf "hang\nhang\nhang\n" >r.script &&
	sed "s/\"timeout\": 1}/\"timeout\": 120}/" perfguard.json >slow.json &&
	grep -q "\"timeout\": 120" slow.json &&
	{ "$PERFGUARD" -c slow.json run >int.out 2>int.err & } && pid=$! &&
	i=0 && while [ "$(requests r)" = "$before" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done &&
	kill -INT $pid && rc=0 && wait $pid || rc=$? &&
	test "$rc" = 130 &&
	cat int.out int.err >>printed.txt &&
	expect_contains int.err "perfguard run: interrupted while notifying; run" &&
	test "$(requests r)" = $((before + 1)) &&
	test "$(q "SELECT status, attempts, error FROM notification ORDER BY id DESC LIMIT 1")" = "pending|1|cancelled while sending"
'

expect_success 'no secret in stdout, stderr, --json, the log or any text column' '
	pg notify log --json >>printed.txt && pg notify list --json >>printed.txt 2>&1 &&
	sqlite3 .perfguard/perfguard.db .dump >dump.sql &&
	test -s printed.txt && grep -q "INSERT INTO notification" dump.sql &&
	! grep -E "PATHSECRET42|QUERYSECRET42|HMACSECRET42" printed.txt dump.sql
'

finish
