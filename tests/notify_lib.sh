# tests/notify_lib.sh: a real HTTP receiver for the notification tests
# (tests/notify_receiver.py), sourced after tests/cli/lib.sh with $TESTS
# naming the tests directory.
#   start_receiver NAME   starts one on 127.0.0.1; $NAME_URL is its base URL,
#                         NAME.log its requests, NAME.script its answers;
#                         HTTPS with $RECEIVER_CERT (a PEM of cert and key)
#   free_port             prints a port nothing listens on
RECEIVER_PY="$TESTS/notify_receiver.py"
receiver_pids=""
trap 'for p in $receiver_pids; do kill "$p" 2>/dev/null; done; [ -n "$KEEP" ] || rm -rf "$WORK"' EXIT

start_receiver() {
	: >"$WORK/$1.log"
	python3 "$RECEIVER_PY" "$WORK/$1.port" "$WORK/$1.log" "$WORK/$1.script" &
	receiver_pids="$receiver_pids $!"
	i=0
	while [ ! -s "$WORK/$1.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	eval "$1_URL=http${RECEIVER_CERT:+s}://127.0.0.1:$(cat "$WORK/$1.port")"
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# The number of requests receiver $1 got.
requests() { wc -l <"$WORK/$1.log" | tr -d ' '; }
