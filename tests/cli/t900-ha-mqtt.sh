#!/bin/sh
# Home Assistant entities over MQTT discovery, against a real mosquitto
# broker on 127.0.0.1: retained discovery configs, states and attributes
# after runs and alert changes, availability and the last will (a
# publisher killed with SIGKILL while it holds its connection), removal of
# a benchmark's entities when it leaves the config, `ha remove`, a hostile
# suite name, and a broker that wants a username and password.
TESTS=$(cd "$(dirname "$0")/.." && pwd)
. "$TESTS/cli/lib.sh"
. "$TESTS/notify_lib.sh"
. "$TESTS/ha_lib.sh"

start_broker b 'allow_anonymous true'
BROKER=$b_PORT

cat > val.sh <<'SH'
f=$1; n=$(cat "$f.n" 2>/dev/null || echo 0); echo $((n + 1)) > "$f.n"
awk -v b="$(cat "$f.val")" -v n="$n" 'BEGIN { printf "v %.6f\n", b * (1 + 0.01 * (n % 5 - 2)) }' > "$PERFGUARD_METRICS"
SH
write_config() {
	cat > perfguard.json <<JSON
{"suite": "Kit \"chen\" / #1+", "baseline_runs": 1, "confirm_runs": 0, "auto_baseline": "approve",
 "defaults": {"runs": 5, "warmup": 0},
 "components": [{"name": "app", "benchmarks": [
  {"name": "startup", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower",
   "command": ["sh", "val.sh", "startup"]}$1]}],
 "homeassistant": {"mqtt": {"host": "127.0.0.1", "port": $BROKER}}}
JSON
}
EXTRA=',
  {"name": "parse.v2", "type": "custom", "metric": "v", "unit": "KiB", "direction": "lower",
   "command": ["sh", "val.sh", "parse"]}'
write_config "$EXTRA"
echo 100 >startup.val
echo 50 >parse.val
NODE=perfguard_kit_chen_1_$(printf '%s' 'Kit "chen" / #1+' | python3 -c '
import sys
h = 2166136261
for c in sys.stdin.buffer.read():
    h = ((h ^ c) * 16777619) & 0xffffffff
print("%08x" % h)')
D=homeassistant/sensor/$NODE
S=perfguard/$NODE

expect_success 'a run publishes retained discovery configs for the suite and each benchmark' '
	expect_exit 0 pg run &&
	retained "homeassistant/#" >configs &&
	test "$(wc -l <configs)" = 7 &&
	expect_contains configs "$D/open_regressions/config " &&
	expect_contains configs "$D/worst_severity/config " &&
	expect_contains configs "homeassistant/binary_sensor/$NODE/gate/config " &&
	expect_contains configs "$D/last_run/config " &&
	expect_contains configs "$D/last_run_status/config " &&
	expect_contains configs "$D/bench_app_startup/config " &&
	grep -q "^$D/bench_app_parse_v2_[0-9a-f]\{8\}/config " configs
'

expect_success 'each config is JSON with unique_id, topics, unit, classes and one device block' '
	sed "s/^[^ ]* //" configs | python3 -c "
import json, sys
node = sys.argv[1]
devices = set()
for line in sys.stdin:
    c = json.loads(line)
    obj = c[\"state_topic\"].split(\"/\")[2]
    assert c[\"unique_id\"] == node + \"_\" + obj, c
    assert c[\"state_topic\"] == \"perfguard/%s/%s/state\" % (node, obj), c
    assert c[\"availability_topic\"] == \"perfguard/%s/availability\" % node, c
    assert c[\"payload_available\"] == \"online\" and c[\"payload_not_available\"] == \"offline\"
    assert all(ch.isalnum() and ch.islower() or ch.isdigit() or ch == \"_\" for ch in obj), obj
    d = c[\"device\"]
    assert d[\"identifiers\"] == [node] and d[\"name\"] == \"perfguard Kit \\\"chen\\\" / #1+\", d
    devices.add(json.dumps(d, sort_keys=True))
    if obj == \"gate\":
        assert c[\"device_class\"] == \"problem\" and c[\"payload_on\"] == \"ON\", c
    if obj == \"last_run\":
        assert c[\"device_class\"] == \"timestamp\", c
    if obj == \"bench_app_startup\":
        assert c[\"unit_of_measurement\"] == \"ms\" and c[\"device_class\"] == \"duration\", c
        assert c[\"state_class\"] == \"measurement\" and c[\"name\"] == \"app/startup\", c
        assert c[\"json_attributes_topic\"] == \"perfguard/%s/%s/attributes\" % (node, obj), c
    if obj.startswith(\"bench_app_parse\"):
        assert c[\"unit_of_measurement\"] == \"KiB\" and c[\"device_class\"] == \"data_size\", c
assert len(devices) == 1, devices
" "$NODE"
'

expect_success 'states, attributes and availability follow the run' '
	test "$(payload "$S/open_regressions/state")" = 0 &&
	test "$(payload "$S/worst_severity/state")" = none &&
	test "$(payload "$S/gate/state")" = OFF &&
	test "$(payload "$S/last_run_status/state")" = complete &&
	payload "$S/last_run/state" | grep -q "^20[0-9-]*T[0-9:]*+00:00$" &&
	test "$(payload "$S/bench_app_startup/state")" = 100 &&
	test "$(payload "$S/availability")" = online &&
	payload "$S/bench_app_startup/attributes" | python3 -c "
import json, sys
a = json.load(sys.stdin)
assert a[\"benchmark\"] == \"app/startup\" and a[\"run_id\"] == 1 and a[\"baseline\"] == \"approved\", a
assert a[\"change_pct\"] is None, a"
'

expect_success 'a regression changes the counts, the severity, the gate and the change attribute' '
	echo 200 >startup.val && expect_exit 1 pg run --gate &&
	test "$(payload "$S/open_regressions/state")" = 1 &&
	test "$(payload "$S/worst_severity/state")" = critical &&
	test "$(payload "$S/gate/state")" = ON &&
	test "$(payload "$S/bench_app_startup/state")" = 200 &&
	payload "$S/bench_app_startup/attributes" | python3 -c "
import json, sys
a = json.load(sys.stdin)
assert 90 < a[\"change_pct\"] < 110 and a[\"verdict\"] == \"regression\", a
assert a[\"severity\"] == \"critical\" and a[\"open_alerts\"] == 1, a" &&
	payload "$S/open_regressions/attributes" | python3 -c "
import json, sys
a = json.load(sys.stdin)
assert a[\"regression\"] == 1 and a[\"alerts\"][0][\"benchmark\"] == \"app/startup\", a"
'

expect_success 'dismissing the alert publishes the new states at once' '
	expect_exit 0 pg alerts wontfix 1 --note "known" &&
	test "$(payload "$S/open_regressions/state")" = 0 &&
	test "$(payload "$S/worst_severity/state")" = none
'

expect_success 'a benchmark that leaves the config loses its entities on the next publish' '
	payload "$D/bench_app_startup/config" >before &&
	write_config "" &&
	expect_exit 0 pg ha publish &&
	expect_contains .out "published 6 entities over MQTT (127.0.0.1:$BROKER, from the config); 1 removed" &&
	retained "homeassistant/#" >configs &&
	test "$(wc -l <configs)" = 6 &&
	! grep -q bench_app_parse configs &&
	! retained "$S/#" | grep -q bench_app_parse &&
	payload "$D/bench_app_startup/config" | cmp - before
'

expect_success 'the last will says offline when a publisher holding its connection is killed' '
	mosquitto_pub -h 127.0.0.1 -p "$BROKER" -r -n -t "$S/availability"
	"$PERFGUARD" ha publish --hold 60 >hold.out 2>&1 &
	pid=$! &&
	i=0 && until [ "$(payload "$S/availability")" = online ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done &&
	test "$(payload "$S/availability")" = online &&
	kill -9 $pid && { wait $pid 2>/dev/null || true; } &&
	i=0 && until [ "$(payload "$S/availability")" = offline ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done &&
	test "$(payload "$S/availability")" = offline
'

expect_success 'a held publisher stopped with SIGTERM says offline itself' '
	mosquitto_pub -h 127.0.0.1 -p "$BROKER" -r -n -t "$S/availability"
	"$PERFGUARD" ha publish --hold 60 >hold.out 2>&1 &
	pid=$! &&
	i=0 && until [ "$(payload "$S/availability")" = online ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done &&
	test "$(payload "$S/availability")" = online &&
	kill -TERM $pid && wait $pid &&
	test "$(payload "$S/availability")" = offline
'

expect_success 'ha show lists the entities without sending; --json for scripts' '
	expect_exit 0 pg ha show --json &&
	python3 -c "
import json
e = json.load(open(\".out\"))
assert len(e) == 6, e
ids = [x[\"entity_id\"] for x in e]
assert \"binary_sensor.$NODE\" + \"_gate\" in ids, ids
assert all(x[\"config_topic\"].startswith(\"homeassistant/\") for x in e)"
'

expect_success 'ha remove empties every retained message of the suite' '
	expect_exit 0 pg ha remove &&
	expect_contains .out "removed 6 entities over MQTT" &&
	test -z "$(retained "homeassistant/#")" &&
	test -z "$(retained "perfguard/#")"
'

expect_success 'an unreachable broker is a notice after a run (exit unchanged) and exit 3 for ha publish' '
	sed "s/\"port\": $BROKER/\"port\": $(free_port)/" perfguard.json >p2.json &&
	expect_exit 0 pg run -c p2.json &&
	expect_contains .err "warning: Home Assistant entities not updated: MQTT broker 127.0.0.1:" &&
	expect_exit 3 pg ha publish -c p2.json &&
	expect_contains .err "could not connect"
'

mosquitto_passwd -b -c passwd ha "S3cretPassw0rd" 2>/dev/null
chmod 600 passwd 2>/dev/null
start_broker a "allow_anonymous false
password_file $WORK/passwd" "-u ha -P S3cretPassw0rd"

expect_success 'a broker with a username and password: accepted with the right one' '
	BROKER=$a_PORT &&
	python3 -c "
import json
c = json.load(open(\"perfguard.json\"))
c[\"homeassistant\"][\"mqtt\"] = {\"host\": \"127.0.0.1\", \"port\": $a_PORT, \"username\": \"ha\",
                                \"password_env\": \"MQTT_PW\", \"prefix\": \"hass/disc\"}
json.dump(c, open(\"auth.json\", \"w\"))" &&
	MQTT_PW=S3cretPassw0rd expect_exit 0 pg ha publish -c auth.json &&
	retained "hass/disc/#" -u ha -P S3cretPassw0rd >configs &&
	test "$(wc -l <configs)" = 6 &&
	expect_contains configs "hass/disc/binary_sensor/$NODE/gate/config "
'

expect_success 'a wrong password is refused, exit 3, and the password is never printed' '
	MQTT_PW=WrongPassw0rd expect_exit 3 pg ha publish -c auth.json &&
	expect_contains .err "refused the connection" &&
	! grep -q "WrongPassw0rd\|S3cretPassw0rd" .out .err &&
	expect_exit 2 env -u MQTT_PW "$PERFGUARD" ha publish -c auth.json &&
	expect_contains .err "\$MQTT_PW is not set"
'


if command -v openssl >/dev/null; then
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem 2>/dev/null
start_broker t "allow_anonymous true
certfile $WORK/cert.pem
keyfile $WORK/key.pem" "--cafile $WORK/cert.pem"

expect_success 'a TLS broker: verified with the CA file "tls" names, refused with the system CAs' '
	BROKER=$t_PORT &&
	python3 -c "
import json
c = json.load(open(\"perfguard.json\"))
c[\"homeassistant\"][\"mqtt\"] = {\"host\": \"127.0.0.1\", \"port\": $t_PORT, \"tls\": \"cert.pem\"}
json.dump(c, open(\"tls.json\", \"w\"))
c[\"homeassistant\"][\"mqtt\"][\"tls\"] = True
json.dump(c, open(\"tls-system.json\", \"w\"))" &&
	expect_exit 0 pg ha publish -c tls.json &&
	test "$(retained "homeassistant/#" --cafile cert.pem | wc -l)" = 6 &&
	expect_exit 3 pg ha publish -c tls-system.json &&
	expect_contains .err "TLS"
'
else
	echo "ok 100 # skip openssl is not installed"
fi

finish
