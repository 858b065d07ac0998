#!/bin/sh
# perfguard serve driven with curl: the HTML report, each benchmark's page
# and the JSON report from the seeded suite (report-seed.inc); 404, 405,
# HEAD; links under a safe X-Ingress-Path and a hostile one ignored; a
# hostile benchmark name escaped and reachable; --allow refusing a peer;
# no database: 503, none created; bad flags exit 2; SIGINT and SIGTERM stop
# it with status 0.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/report-seed.inc"
. "$HERE/serve.inc"

# get NAME PATH [CURL ARGS...]: GET PATH from server NAME; the body goes to
# body, the headers to headers; prints the status.
get() {
	n=$1 p=$2; shift 2
	curl -s --max-time 30 -D headers -o body -w '%{http_code}' "$@" "$(serve_url "$n" "$p")"
}

expect_success 'setup: a suite with every verdict, a hostile name, and two servers' '
	report_seed &&
	cp .perfguard/perfguard.db evil.db &&
	sqlite3 evil.db "UPDATE benchmark SET name = '"'"'<script>alert(1)</script>'"'"' WHERE name = '"'"'xss'"'"'" &&
	serve_start s && serve_start evil --db evil.db &&
	grep -q "listening on http://127.0.0.1:[0-9]*/ (database ./.perfguard/perfguard.db)" s.out
'

expect_success '/ is the HTML report of the suite, with the page'"'"'s CSP' '
	test "$(get s /)" = 200 &&
	grep -qi "^content-type: text/html; charset=utf-8" headers &&
	grep -qi "^content-security-policy: default-src '"'"'none'"'"'; style-src '"'"'sha256-[A-Za-z0-9+/=]*'"'"'; script-src '"'"'sha256-" headers &&
	grep -qi "^x-content-type-options: nosniff" headers &&
	expect_contains body "Gate: FAIL" &&
	expect_contains body "<a href=\"/benchmark/app/parse\">app/parse</a>" &&
	expect_contains body "<a href=\"/report.json\">JSON</a>"
'

expect_success 'the page served is the one perfguard report writes, but for its links' '
	pg report -o file.html &&
	get s / >/dev/null &&
	sed -e "s|<a href=\"/benchmark/[^\"]*\">|<a>|g" -e "s|<a href=\"#b[0-9]*\">|<a>|g" \
		-e "/Generated/d" -e "s|<nav>.*</nav>||" body >a &&
	sed -e "s|<a href=\"#b[0-9]*\">|<a>|g" -e "/Generated/d" -e "s|<nav>.*</nav>||" file.html >b &&
	cmp a b
'

expect_success '/report.json parses and lists what perfguard report --format json lists' '
	test "$(get s /report.json)" = 200 &&
	grep -qi "^content-type: application/json" headers &&
	pg report --format json -o file.json &&
	python3 -c "
import json
a, b = json.load(open(\"body\")), json.load(open(\"file.json\"))
assert a[\"schema_version\"] == 1, a[\"schema_version\"]
names = lambda r: sorted(x[\"component\"] + \"/\" + x[\"name\"] for x in r[\"benchmarks\"])
assert names(a) == names(b) and len(names(a)) == 6, (names(a), names(b))
"
'

expect_success 'each benchmark has its page: only it, opened, with the suite'"'"'s verdict' '
	test "$(get s /benchmark/app/parse)" = 200 &&
	expect_contains body "This page shows benchmark <code>app/parse</code>: the gate" &&
	test "$(grep -o "<details id=\"b" body | wc -l)" = 1 &&
	grep -q "<details id=\"b0\" open><summary>.*app/parse: regression (major)" body &&
	expect_contains body "<a href=\"/\">All benchmarks</a>" &&
	test "$(get s /benchmark/db/query)" = 200 && expect_contains body "db/query" &&
	test "$(get s /benchmark/%64b/%71uery)" = 200 && expect_contains body "db/query"
'

expect_success 'unknown and malformed paths are 404' '
	for p in /nope /benchmark/app/nosuch /benchmark/app /benchmark/app/ /benchmark//parse \
		/benchmark/app/parse/x /benchmark/app/pa%ZZ /benchmark/app/pa%0 \
		/benchmark/app/pa%00rse /benchmark/app/%0Aparse /report.json/ /index.html \
		/benchmark/app%2Fparse; do
		code=$(get s "$p") &&
		[ "$code" = 404 ] || { echo "$p: $code"; exit 1; }
	done &&
	expect_contains body "Not found."
'

expect_success 'HEAD answers like GET without a body; other methods are 405' '
	test "$(get s / -I)" = 200 &&
	grep -qi "^content-length: [1-9]" headers &&
	! grep -q "<html" body && cmp body headers &&
	for m in POST PUT DELETE PATCH OPTIONS TRACE; do
		code=$(get s / -X "$m") &&
		[ "$code" = 405 ] || { echo "$m: $code"; exit 1; }
		grep -qi "^allow: GET, HEAD" headers
	done &&
	test "$(get s /benchmark/app/parse -d x=1)" = 405
'

expect_success 'a GET with a body is answered and the body ignored' '
	test "$(get s / -X GET -d ignored)" = 200 && expect_contains body "Gate: FAIL"
'

expect_success 'X-Ingress-Path prefixes every link' '
	test "$(get s / -H "X-Ingress-Path: /api/hassio_ingress/Ab-9_x~.z")" = 200 &&
	expect_contains body "<a href=\"/api/hassio_ingress/Ab-9_x~.z/benchmark/app/parse\">" &&
	expect_contains body "<a href=\"/api/hassio_ingress/Ab-9_x~.z/report.json\">" &&
	test "$(get s /benchmark/app/parse -H "x-ingress-path: /ingress/t0k/")" = 200 &&
	expect_contains body "<a href=\"/ingress/t0k/\">All benchmarks</a>" &&
	! grep -q "href=\"/benchmark" body
'

expect_success 'a hostile or malformed X-Ingress-Path is ignored' '
	for h in "/x\"><script>alert(1)</script>" "//evil.example/x" "/a/../b" "/a/./b" \
		"javascript:alert(1)" "/a b" "/a?b" "/a#b" "/a%2e%2e" "/a\\b" "x/y" "/" \
		"/$(printf "%0300d" 0)"; do
		code=$(get s / -H "X-Ingress-Path: $h") && [ "$code" = 200 ] || { echo "$h: $code"; exit 1; }
		grep -q "<a href=\"/benchmark/app/parse\">" body || { echo "$h: links changed"; exit 1; }
		! grep -q "evil.example\|alert(1)</script>\|\.\./b\|javascript:" body ||
			{ echo "$h: in the page"; exit 1; }
	done
'

expect_success 'a hostile benchmark name is escaped in the page and its link reaches it' '
	test "$(get evil /)" = 200 &&
	expect_contains body "app/&lt;script&gt;alert(1)&lt;/script&gt;" &&
	test "$(grep -o "<script>" body | wc -l)" = 1 &&
	expect_contains body "href=\"/benchmark/app/%3Cscript%3Ealert%281%29%3C%2Fscript%3E\"" &&
	test "$(get evil "/benchmark/app/%3Cscript%3Ealert%281%29%3C%2Fscript%3E")" = 200 &&
	expect_contains body "This page shows benchmark <code>app/&lt;script&gt;alert(1)&lt;/script&gt;</code>" &&
	test "$(grep -o "<script>" body | wc -l)" = 1 &&
	test "$(get evil /report.json)" = 200 &&
	python3 -c "
import json
names = [b[\"name\"] for b in json.load(open(\"body\"))[\"benchmarks\"]]
assert \"<script>alert(1)</script>\" in names, names
"
'

expect_success '--allow: a peer not listed is refused, a listed one served' '
	serve_start only --allow 10.11.12.13 --allow ::2 &&
	rm -f body && rc=0; curl -s --max-time 10 -o body "$(serve_url only /)" || rc=$? &&
	[ $rc != 0 ] && test ! -s body &&
	serve_stop only &&
	serve_start both --allow 10.11.12.13 --allow 127.0.0.1 &&
	test "$(get both /)" = 200 && serve_stop both
'

expect_success '--bind an IPv6 address; :: takes IPv4 peers too, --allow matching them' '
	if ! python3 -c "import socket; s = socket.socket(socket.AF_INET6); s.bind((\"::1\", 0))" 2>/dev/null; then
		echo "no IPv6 loopback here: skipped"; exit 0; fi
	serve_start six --bind ::1 &&
	grep -q "listening on http://\[::1\]:" six.out &&
	test "$(curl -s -o /dev/null -w "%{http_code}" --max-time 30 "http://[::1]:$(cat six.port)/")" = 200 &&
	serve_stop six &&
	serve_start any --bind :: --allow 127.0.0.1 &&
	test "$(get any /)" = 200 &&
	rm -f body && rc=0 && { curl -s --max-time 10 -o body "http://[::1]:$(cat any.port)/" || rc=$?; } &&
	[ $rc != 0 ] && test ! -s body &&
	serve_stop any
'

expect_success 'no database yet: 503 on every report, and none is created' '
	mkdir empty && cd empty &&
	serve_start e &&
	test "$(curl -s -o body -w "%{http_code}" --max-time 30 "$(serve_url e /)")" = 503 &&
	expect_contains body "run '"'"'perfguard run'"'"' first" &&
	test "$(curl -s -o body -w "%{http_code}" --max-time 30 "$(serve_url e /benchmark/a/b)")" = 503 &&
	test ! -e .perfguard && serve_stop e
'

expect_success 'bad flags and arguments exit 2 with a message' '
	expect_exit 2 pg serve --port 70000 && expect_contains .err "--port" &&
	expect_exit 2 pg serve --port x &&
	expect_exit 2 pg serve --bind localhost && expect_contains .err "expected an IPv4 or IPv6 address" &&
	expect_exit 2 pg serve --allow 1.2.3 && expect_contains .err "--allow" &&
	expect_exit 2 pg serve --allow && expect_exit 2 pg serve --nope &&
	expect_exit 2 pg serve extra && expect_contains .err "unexpected argument" &&
	echo "{" > bad.json && expect_exit 2 pg -c bad.json serve &&
	test ! -s .out
'

expect_success 'a port already in use: exit 3 naming it' '
	expect_exit 3 pg serve --port "$(cat s.port)" &&
	expect_contains .err "cannot listen on 127.0.0.1 port $(cat s.port)"
'

expect_success 'SIGINT and SIGTERM stop it cleanly with status 0' '
	"$PERFGUARD" serve --port 0 >int.out 2>int.err </dev/null & pid=$! &&
	i=0; while ! grep -q listening int.out && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done &&
	kill -INT $pid && wait $pid && grep -q "stopped (SIGINT)" int.err &&
	serve_stop s && serve_stop evil
'

finish
