#!/bin/sh
# perfguard report's HTML in a real browser: headless Chromium opens the
# page from a seeded suite (report-seed.inc) and screenshots it, with
# JavaScript on (the console must stay free of errors), with JavaScript
# off, and served under Jenkins' default Content-Security-Policy (no
# scripts, no <style>, no data: images); each screenshot must show a page,
# not a blank one. The browser is driven over the DevTools protocol
# (report_shot.py): its --screenshot switch cannot turn JavaScript off. Set REPORT_SHOTS=DIR to keep the screenshots.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/report-seed.inc"
CHROMIUM=$(command -v chromium || command -v chromium-browser)
[ -n "$CHROMIUM" ] || { echo "not ok 1 - chromium missing: run make deps"; exit 1; }

# shot URL PNG JS [MEDIA]: a 1200x1800 screenshot with JavaScript on (1) or off (0),
# through the DevTools protocol (report_shot.py); what the page's console
# said, its exceptions and error logs go to PNG.log, its DOM to PNG.dom;
# MEDIA "dark" or "print" emulates a dark colour scheme or printing.
shot() {
	HOME="$WORK" timeout 180 python3 "$HERE/report_shot.py" "$CHROMIUM" "$1" "$2" "$3" \
		"$WORK/chrome" "$2.dom" $4 >"$2.log" 2>&1 || { echo "no screenshot $2:"; cat "$2.log"; return 1; }
	[ -s "$2" ] || return 1
	[ -z "$REPORT_SHOTS" ] || cp "$2" "$REPORT_SHOTS/"
}

# Decode a PNG (8-bit, not interlaced) and require a page, not a blank:
# at least 3% of the pixels not background and 20 colours. It prints
# whether the background (the first row's commonest colour) is dark.
cat > png_check.py <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        assert depth == 8 and interlace == 0 and ctype in (2, 6), (depth, ctype, interlace)
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw, stride = zlib.decompress(idat), w * bpp
prev, px = bytearray(stride), []
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    px.extend(bytes(line[i:i + 3]) for i in range(0, stride, bpp))
    prev = line
bg = max(set(px[:w]), key=px[:w].count)
ink = sum(1 for p in px if p != bg) / len(px)
colours = len(set(px))
shade = "dark" if sum(bg) < 3 * 80 else "light"
print("%s: %dx%d, %.1f%% ink, %d colours, %s background" % (sys.argv[1], w, h, 100 * ink,
                                                          colours, shade))
assert ink >= 0.03 and colours >= 20, "blank page"
PY

expect_success 'setup: a suite with every verdict, and its report' '
	report_seed && pg report -o r.html &&
	cp .perfguard/perfguard.db evil.db &&
	sqlite3 evil.db "UPDATE benchmark SET name = '"'"'<script>alert(1)</script>'"'"' WHERE name = '"'"'xss'"'"'" &&
	pg --db evil.db report -o evil.html
'

expect_success 'the page is self-contained: nothing fetched, no data: URLs, one script' '
	! grep -Eiq "(src|href)=\"(https?:|//)|url\(|@import|data:" r.html &&
	! grep -Eiq "<(img|link|iframe|object|embed)[ >]" r.html &&
	test "$(grep -c "<script>" r.html)" = 1 &&
	test "$(grep -c "style=" r.html)" = 0
'

expect_success 'a page that throws is caught by the console check (the check can fail)' '
	printf "<!DOCTYPE html><p>x</p><script>throw new Error(\"bad\")</script>" > bad.html &&
	shot "file://$WORK/bad.html" bad.png 1 &&
	grep -q "exception: Error: bad" bad.png.log &&
	! python3 png_check.py bad.png
'

expect_success 'with JavaScript: a full page, and a console free of errors' '
	shot "file://$WORK/r.html" js.png 1 &&
	test ! -s js.png.log &&
	python3 png_check.py js.png
'

expect_success 'with JavaScript off: the same content is there' '
	shot "file://$WORK/r.html" nojs.png 0 &&
	test ! -s nojs.png.log &&
	python3 png_check.py nojs.png &&
	expect_contains nojs.png.dom "Gate: FAIL" &&
	expect_contains nojs.png.dom "regression (critical)" &&
	test "$(grep -o "<details" nojs.png.dom | wc -l)" -ge 8 &&
	test "$(grep -o "<svg class=\"chart\"" nojs.png.dom | wc -l)" -ge 8
'

expect_success 'served under Jenkins'"'"' default CSP (no script, no style): still a page' '
	cat > serve.py <<PY
import http.server, socketserver, sys
class H(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy",
                         "sandbox; default-src '"'"'none'"'"'; img-src '"'"'self'"'"'; style-src '"'"'self'"'"'")
        super().end_headers()
    def log_message(self, *a): pass
with socketserver.TCPServer(("127.0.0.1", 0), H) as s:
    open("port", "w").write(str(s.server_address[1]))
    s.serve_forever()
PY
	python3 serve.py & server=$!
	i=0; while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	shot "http://127.0.0.1:$(cat port)/r.html" csp.png 1; rc=$?
	kill $server
	[ $rc = 0 ] &&
	grep -q "Content Security Policy" csp.png.log &&
	python3 png_check.py csp.png
'

expect_success 'in dark mode and printed: a page, its background dark when asked' '
	shot "file://$WORK/r.html" dark.png 1 dark &&
	test ! -s dark.png.log &&
	python3 png_check.py dark.png | grep -q "dark background" &&
	python3 png_check.py js.png | grep -q "light background" &&
	shot "file://$WORK/r.html" print.png 1 print &&
	test ! -s print.png.log &&
	python3 png_check.py print.png
'

expect_success 'a hostile benchmark name shows as text and runs nothing' '
	shot "file://$WORK/evil.html" evil.png 1 &&
	test ! -s evil.png.log &&
	expect_contains evil.png.dom "app/&lt;script&gt;alert(1)&lt;/script&gt;" &&
	test "$(grep -o "<script>" evil.png.dom | wc -l)" = 1
'

finish
