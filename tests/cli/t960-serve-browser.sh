#!/bin/sh
# perfguard serve's pages in headless Chromium (report_shot.py, as t410):
# the suite's report and a benchmark's page, served with the page's own
# Content-Security-Policy, render with no console error and no CSP
# violation; its style applies (dark mode turns the background dark) and
# its script runs (the sortable headers get their title); an inline script
# that is not the page's is blocked by the same policy. Set REPORT_SHOTS=DIR
# to keep the screenshots.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/report-seed.inc"
. "$HERE/serve.inc"
CHROMIUM=$(command -v chromium || command -v chromium-browser)
[ -n "$CHROMIUM" ] || { echo "not ok 1 - chromium missing: run make deps"; exit 1; }

# shot URL PNG JS [MEDIA]: a screenshot, the console in PNG.log, the DOM in PNG.dom.
shot() {
	HOME="$WORK" timeout 180 python3 "$HERE/report_shot.py" "$CHROMIUM" "$1" "$2" "$3" \
		"$WORK/chrome" "$2.dom" $4 >"$2.log" 2>&1 || { echo "no screenshot $2:"; cat "$2.log"; return 1; }
	[ -s "$2" ] || return 1
	[ -z "$REPORT_SHOTS" ] || cp "$2" "$REPORT_SHOTS/"
}

expect_success 'setup: a seeded suite, a server, and t410'"'"'s PNG check' '
	report_seed && serve_start s &&
	sed -n "/^cat > png_check.py <<.PY.\$/,/^PY\$/p" "$HERE/t410-report-html.sh" | sed "1d;\$d" >png_check.py &&
	grep -q "blank page" png_check.py
'

expect_success 'the served report: a full page, no console error, no CSP violation' '
	shot "$(serve_url s /)" served.png 1 &&
	test ! -s served.png.log &&
	python3 png_check.py served.png | grep -q "light background" &&
	expect_contains served.png.dom "Gate: FAIL" &&
	expect_contains served.png.dom "<a href=\"/benchmark/app/parse\">app/parse</a>"
'

expect_success 'its script ran and its style applied under the policy' '
	grep -q "<th data-sort=\"txt\" title=\"sort\">Benchmark</th>" served.png.dom &&
	shot "$(serve_url s /)" dark.png 1 dark &&
	test ! -s dark.png.log &&
	python3 png_check.py dark.png | grep -q "dark background"
'

expect_success 'a benchmark'"'"'s page: a full page, no console error' '
	shot "$(serve_url s /benchmark/db/query)" bench.png 1 &&
	test ! -s bench.png.log &&
	python3 png_check.py bench.png &&
	expect_contains bench.png.dom "This page shows benchmark <code>db/query</code>" &&
	grep -q "<svg class=\"chart\"" bench.png.dom
'

expect_success 'the same policy blocks a script that is not the page'"'"'s (the check can fail)' '
	csp=$(curl -s -D - -o /dev/null "$(serve_url s /)" | sed -n "s/^[Cc]ontent-[Ss]ecurity-[Pp]olicy: //p" | tr -d "\r") &&
	test -n "$csp" &&
	printf "<!DOCTYPE html><p>x</p><script>document.title=1</script>" >other.html &&
	printf "%s" "$csp" >csp.txt &&
	cat > csp_serve.py <<PY
import http.server, socketserver
csp = open("csp.txt").read()
class H(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy", csp)
        super().end_headers()
    def log_message(self, *a): pass
with socketserver.TCPServer(("127.0.0.1", 0), H) as s:
    open("csp.port", "w").write(str(s.server_address[1]))
    s.serve_forever()
PY
	python3 csp_serve.py >/dev/null 2>&1 & server=$!
	i=0; while [ ! -s csp.port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	shot "http://127.0.0.1:$(cat csp.port)/other.html" other.png 1; rc=$?
	kill $server
	[ $rc = 0 ] && grep -q "Content Security Policy" other.png.log
'

expect_success 'the server stops cleanly' '
	serve_stop s
'

finish
