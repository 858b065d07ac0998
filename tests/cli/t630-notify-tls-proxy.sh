#!/bin/sh
# TLS is verified (a self-signed receiver is refused, and accepted with its
# certificate as ca_bundle), and proxies come from the environment as curl
# takes them.
TESTS=$(cd "$(dirname "$0")/.." && pwd)
. "$TESTS/cli/lib.sh"
. "$TESTS/notify_lib.sh"

command -v openssl >/dev/null || { echo "ok 1 # skip openssl is not installed"; exit 0; }
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem 2>/dev/null
cat cert.pem key.pem >both.pem
RECEIVER_CERT=$WORK/both.pem start_receiver tls
start_receiver proxy
cat > perfguard.json <<'JSON'
{"components": [{"name": "app", "benchmarks": [
  {"name": "b", "type": "latency", "command": ["true"]}]}],
 "notify": [{"name": "strict", "kind": "webhook", "url_env": "TLS_URL", "timeout": 5},
            {"name": "pinned", "kind": "webhook", "url_env": "TLS_URL", "timeout": 5,
             "ca_bundle": "cert.pem"},
            {"name": "proxied", "kind": "discord", "url_env": "FAR_URL", "timeout": 5}]}
JSON
TLS_URL=$tls_URL/hook FAR_URL=http://chat.example.invalid/api/webhooks/1/TOKEN
export TLS_URL FAR_URL

expect_success 'a certificate no CA vouches for is refused, once, never sent' '
	expect_exit 3 pg notify test strict &&
	expect_contains .out "strict: failed (no HTTP answer, 1 attempt): " &&
	test "$(requests tls)" = 0
'

expect_success 'with the receiver'"'"'s certificate as ca_bundle it is sent over TLS' '
	pg notify test pinned >out.txt &&
	expect_contains out.txt "pinned: sent (HTTP 200, 1 attempt)" &&
	test "$(requests tls)" = 1
'

expect_success 'http_proxy from the environment carries the request' '
	http_proxy=$proxy_URL pg notify test proxied >out.txt &&
	expect_contains out.txt "proxied: sent (HTTP 200, 1 attempt)" &&
	python3 -c "
import json; r = json.loads(open(\"proxy.log\").read())
assert r[\"path\"] == \"http://chat.example.invalid/api/webhooks/1/TOKEN\", r[\"path\"]
assert \"embeds\" in json.loads(r[\"body\"])" &&
	! grep -q TOKEN out.txt
'

finish
