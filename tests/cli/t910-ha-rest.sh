#!/bin/sh
# Home Assistant over its REST API, against a real HTTP server on 127.0.0.1
# standing in for it and for the Supervisor (tests/ha_receiver.py): sensors
# with POST /api/states without a broker, an event per regression, a
# persistent notification per alert at or above min_severity and its
# dismissal when the alert closes, the bearer token on every request and
# never printed; inside an add-on the Supervisor's MQTT service and
# core API; the notify target kind homeassistant; bad config, exit 2.
TESTS=$(cd "$(dirname "$0")/.." && pwd)
. "$TESTS/cli/lib.sh"
. "$TESTS/notify_lib.sh"
. "$TESTS/ha_lib.sh"

start_ha h
HA_TOKEN=LongLivedT0ken.abc
export HA_TOKEN

cat > val.sh <<'SH'
f=$1; n=$(cat "$f.n" 2>/dev/null || echo 0); echo $((n + 1)) > "$f.n"
awk -v b="$(cat "$f.val")" -v n="$n" 'BEGIN { printf "v %.6f\n", b * (1 + 0.01 * (n % 5 - 2)) }' > "$PERFGUARD_METRICS"
SH
cat > perfguard.json <<JSON
{"suite": "Büro <b>\"x\"</b>", "baseline_runs": 1, "confirm_runs": 0, "auto_baseline": "approve",
 "defaults": {"runs": 5, "warmup": 0},
 "components": [{"name": "app", "benchmarks": [
  {"name": "startup", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower",
   "command": ["sh", "val.sh", "startup"]}]}],
 "homeassistant": {"url": "$h_URL/", "token_env": "HA_TOKEN", "min_severity": "major"}}
JSON
echo 100 >startup.val
NODE=perfguard_b_ro_b_x_b_$(printf '%s' 'Büro <b>"x"</b>' | python3 -c '
import sys
h = 2166136261
for c in sys.stdin.buffer.read():
    h = ((h ^ c) * 16777619) & 0xffffffff
print("%08x" % h)')
# The requests of h.log matching a Python condition on r (the request) and
# b (its body parsed), one "METHOD PATH" per line.
reqs() {
	python3 -c "
import json, sys
for line in open(\"h.log\"):
    r = json.loads(line)
    try: b = json.loads(r[\"body\"])
    except ValueError: b = None
    if $1: print(r[\"method\"], r[\"path\"])" 
}
keep() { cat .out .err >>printed.txt; }

expect_success 'without a broker, a run sets every sensor with POST /api/states' '
	expect_exit 0 pg run && keep &&
	reqs "True" >all &&
	test "$(grep -c "^POST /api/states/" all)" = 6 &&
	expect_contains all "POST /api/states/sensor.${NODE}_open_regressions" &&
	expect_contains all "POST /api/states/binary_sensor.${NODE}_gate" &&
	expect_contains all "POST /api/states/sensor.${NODE}_bench_app_startup" &&
	! grep -q "/events/\|persistent_notification" all
'

expect_success 'every request carries the bearer token and JSON; states carry their attributes' '
	python3 -c "
import json
for line in open(\"h.log\"):
    r = json.loads(line)
    assert r[\"headers\"][\"authorization\"] == \"Bearer LongLivedT0ken.abc\", r
    assert r[\"headers\"][\"content-type\"] == \"application/json\", r
    b = json.loads(r[\"body\"])
    if r[\"path\"].endswith(\"_bench_app_startup\"):
        assert b[\"state\"] == \"100\", b
        a = b[\"attributes\"]
        assert a[\"unit_of_measurement\"] == \"ms\" and a[\"device_class\"] == \"duration\", a
        assert a[\"friendly_name\"] == \"perfguard Büro <b>\\\"x\\\"</b> app/startup\", a
        assert a[\"benchmark\"] == \"app/startup\" and a[\"state_class\"] == \"measurement\", a
    if r[\"path\"].endswith(\"_gate\"):
        assert b[\"state\"] == \"off\" and b[\"attributes\"][\"device_class\"] == \"problem\", b
"
'

expect_success 'a regression fires perfguard_regression and creates a notification per alert' '
	: >h.log && echo 200 >startup.val && expect_exit 1 pg run --gate && keep &&
	test "$(reqs "r[\"path\"] == \"/api/events/perfguard_regression\"" | wc -l)" = 1 &&
	test "$(reqs "r[\"path\"] == \"/api/services/persistent_notification/create\"" | wc -l)" = 1 &&
	python3 -c "
import json
for line in open(\"h.log\"):
    r = json.loads(line)
    b = json.loads(r[\"body\"])
    if r[\"path\"] == \"/api/events/perfguard_regression\":
        assert b[\"benchmark\"] == \"app/startup\" and b[\"severity\"] == \"critical\", b
        assert b[\"alert_id\"] == 1 and b[\"run_id\"] == 2 and b[\"kind\"] == \"regression\", b
        assert b[\"suite\"] == \"Büro <b>\\\"x\\\"</b>\" and 90 < b[\"change_pct\"] < 110, b
    if r[\"path\"].endswith(\"/create\"):
        assert b[\"notification_id\"] == \"${NODE}_alert_1\", b
        assert \"app/startup\" in b[\"title\"] and \"critical\" in b[\"title\"], b
        assert \"Alert 1 is new\" in b[\"message\"], b
    if r[\"path\"].endswith(\"_gate\"):
        assert b[\"state\"] == \"on\", b
"
'

expect_success 'a regression below min_severity fires the event but creates no notification' '
	expect_exit 0 pg alerts fix 1 && keep &&
	: >h.log && echo 108 >startup.val && expect_exit 0 pg run && keep &&
	test "$(reqs "r[\"path\"] == \"/api/events/perfguard_regression\" and b[\"severity\"] == \"minor\" and b[\"alert_id\"] == 2" | wc -l)" = 1 &&
	test "$(reqs "\"persistent_notification\" in r[\"path\"]" | wc -l)" = 0
'

expect_success 'an alert that closes has its notification dismissed; reopened, recreated' '
	: >h.log && expect_exit 0 pg alerts fix 2 && keep &&
	test "$(reqs "r[\"path\"] == \"/api/services/persistent_notification/dismiss\" and b == {\"notification_id\": \"${NODE}_alert_2\"}" | wc -l)" = 1 &&
	test "$(reqs "r[\"path\"].startswith(\"/api/states/\")" | wc -l)" = 6 &&
	: >h.log && expect_exit 0 pg alerts investigate 1 && keep &&
	test "$(reqs "r[\"path\"].endswith(\"/create\") and b[\"notification_id\"] == \"${NODE}_alert_1\" and \"Alert 1 is investigating\" in b[\"message\"]" | wc -l)" = 1
'

expect_success 'a run that recovers an alert dismisses its notification' '
	: >h.log && echo 100 >startup.val && expect_exit 0 pg run && keep &&
	test "$(sqlite3 .perfguard/perfguard.db "SELECT recovered_run_id > 0 FROM alert WHERE id = 1")" = 1 &&
	test "$(reqs "r[\"path\"] == \"/api/services/persistent_notification/dismiss\" and b == {\"notification_id\": \"${NODE}_alert_1\"}" | wc -l)" = 1 &&
	test "$(reqs "r[\"path\"].endswith(\"/create\")" | wc -l)" = 0
'

expect_success 'a refusing API is a warning after a run, exit 3 for ha publish; the token never printed' '
	echo 401 >h.log.status &&
	expect_exit 0 pg run && keep &&
	expect_contains .err "warning: Home Assistant entities not updated: Home Assistant'"'"'s REST API (config): HTTP 401" &&
	expect_exit 3 pg ha publish && keep &&
	rm h.log.status &&
	expect_exit 0 pg ha publish --json && keep &&
	python3 -c "
import json
o = json.load(open(\".out\"))
assert o[\"via\"] == \"rest\" and o[\"entities\"] == 6 and o[\"ok\"] is True, o" &&
	! grep -q "LongLivedT0ken" printed.txt
'

expect_success 'a notify target of kind homeassistant posts a persistent notification' '
	python3 -c "
import json
c = json.load(open(\"perfguard.json\"))
del c[\"homeassistant\"]
c[\"notify\"] = [{\"name\": \"ha\", \"kind\": \"homeassistant\", \"url\": \"$h_URL/api\", \"token_env\": \"HA_TOKEN\"}]
json.dump(c, open(\"notify.json\", \"w\"))" &&
	: >h.log && expect_exit 0 pg notify test -c notify.json && keep &&
	reqs "r[\"path\"] == \"/api/services/persistent_notification/create\" and b[\"notification_id\"] == \"perfguard_Büro <b>\\\"x\\\"</b>\" and r[\"headers\"][\"authorization\"] == \"Bearer LongLivedT0ken.abc\" and \"example/startup\" in b[\"message\"]" >n &&
	test "$(wc -l <n)" = 1 &&
	env -u HA_TOKEN "$PERFGUARD" notify test -c notify.json >o.txt 2>&1 || true &&
	expect_contains o.txt "\$HA_TOKEN is not set"
'

expect_success 'in an add-on without a broker: the Supervisor is asked, then its core API is used' '
	cat >addon.json <<JSON &&
{"suite": "addon", "components": [{"name": "app", "benchmarks": [
  {"name": "startup", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower",
   "command": ["sh", "val.sh", "startup"]}]}],
 "homeassistant": {}}
JSON
	: >h.log &&
	SUPERVISOR_TOKEN=SupTok3n PERFGUARD_SUPERVISOR_URL="$h_URL" expect_exit 0 pg ha publish -c addon.json &&
	keep &&
	head -n 1 h.log | python3 -c "
import json, sys
r = json.loads(sys.stdin.read())
assert r[\"method\"] == \"GET\" and r[\"path\"] == \"/services/mqtt\", r
assert r[\"headers\"][\"authorization\"] == \"Bearer SupTok3n\", r" &&
	test "$(reqs "r[\"path\"].startswith(\"/core/api/states/sensor.perfguard_addon_\") and r[\"headers\"][\"authorization\"] == \"Bearer SupTok3n\"" | wc -l)" = 5
'

start_broker s 'allow_anonymous true'
expect_success 'in an add-on with the MQTT service: entities over the broker the Supervisor names' '
	BROKER=$s_PORT &&
	printf "{\"host\": \"127.0.0.1\", \"port\": %s, \"ssl\": false, \"protocol\": \"3.1.1\", \"username\": \"addons\", \"password\": \"MqttPassw0rd\"}" "$s_PORT" >h.log.mqtt &&
	: >h.log &&
	SUPERVISOR_TOKEN=SupTok3n PERFGUARD_SUPERVISOR_URL="$h_URL" expect_exit 0 pg ha publish -c addon.json &&
	keep &&
	expect_contains .out "over MQTT (127.0.0.1:$s_PORT, from the supervisor)" &&
	test "$(retained "homeassistant/#" | wc -l)" = 6 &&
	test "$(payload perfguard/perfguard_addon/availability)" = online &&
	! grep -q "MqttPassw0rd\|SupTok3n" printed.txt
'

expect_success 'bad homeassistant settings name the file, line and field, exit 2, nothing stored' '
	cat >bad.json <<JSON &&
{"components": [{"name": "a", "benchmarks": [{"name": "b", "type": "latency", "command": ["true"]}]}],
 "homeassistant": {"mqtt": {"host": "h",
                            "port": "1883"},
                   "token_env": "1BAD"}}
JSON
	expect_exit 2 pg run -c bad.json --db bad.db &&
	expect_contains .err "bad.json:3: homeassistant.mqtt.port: expected an integer between 1 and 65535, got \"1883\"" &&
	expect_contains .err "bad.json:4: homeassistant.token_env: expected a variable name" &&
	test ! -e bad.db &&
	expect_exit 2 pg ha publish -c addon.json &&
	expect_contains .err "nowhere to publish to"
'

finish
