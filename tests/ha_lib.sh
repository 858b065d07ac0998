# tests/ha_lib.sh: a real mosquitto broker and a stand-in for Home
# Assistant's REST API and the Supervisor (tests/ha_receiver.py), for the
# Home Assistant tests; sourced after tests/cli/lib.sh and
# tests/notify_lib.sh with $TESTS naming the tests directory.
#   start_broker NAME [CONF_LINES] [SUB_ARGS]  mosquitto on 127.0.0.1 on a
#                         free port, $NAME_PORT; SUB_ARGS log in to check it
#   start_ha NAME         the REST stand-in; $NAME_URL, NAME.log (one JSON
#                         line per request), NAME.log.mqtt (the Supervisor's
#                         MQTT service when present), NAME.log.status
#   retained FILTER [ARGS]  "topic payload" of every retained message under
#                         FILTER on $BROKER, sorted
#   payload TOPIC [ARGS]  the retained payload of TOPIC on $BROKER
ha_pids=""
trap 'for p in $ha_pids $receiver_pids; do kill "$p" 2>/dev/null; done; [ -n "$KEEP" ] || rm -rf "$WORK"' EXIT

start_broker() {
	port=$(free_port)
	# As root, mosquitto drops to user mosquitto, who cannot read the
	# workspace (a password file): it stays who it is.
	printf 'listener %s 127.0.0.1\npersistence false\nuser %s\n%s\n' "$port" \
		"$(id -un)" "$2" >"$1.conf"
	mosquitto -c "$1.conf" >"$1.log" 2>&1 &
	ha_pids="$ha_pids $!"
	i=0
	# shellcheck disable=SC2086
	until mosquitto_sub -h 127.0.0.1 -p "$port" $3 -t x -W 1 -C 1 -E >/dev/null 2>&1 ||
	      [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
	eval "$1_PORT=$port"
}

start_ha() {
	: >"$WORK/$1.log"
	python3 "$TESTS/ha_receiver.py" "$WORK/$1.port" "$WORK/$1.log" &
	ha_pids="$ha_pids $!"
	i=0
	while [ ! -s "$WORK/$1.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	eval "$1_URL=http://127.0.0.1:$(cat "$WORK/$1.port")"
}

retained() {
	f=$1; shift
	mosquitto_sub -h 127.0.0.1 -p "$BROKER" "$@" -t "$f" -v --retained-only -W 1 2>/dev/null |
		sort || true
}

payload() { t=$1; shift; retained "$t" "$@" | sed -n "s|^$t ||p"; }
