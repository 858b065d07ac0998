#!/bin/sh
# perfguard serve under hostile and heavy traffic (serve_stress.py): a
# bounded, seeded fuzz of raw requests (paths, %-encodings, headers, random
# bytes), slow clients that stall half-way, and 300 concurrent requests;
# after each the server is still up and answers. Figures are printed, not
# asserted.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/report-seed.inc"
. "$HERE/serve.inc"

alive() { kill -0 "$(cat s.pid)" && test "$(curl -s -o /dev/null -w "%{http_code}" --max-time 60 "$(serve_url s /)")" = 200; }

expect_success 'setup: a seeded suite and a server' '
	report_seed && serve_start s
'

expect_success 'a fuzz of 400 raw requests: never a 500, still serving' '
	timeout 600 python3 "$HERE/serve_stress.py" fuzz "$(cat s.port)" 400 16 &&
	alive
'

expect_success 'the fuzz can fail: a dead server is caught' '
	serve_start victim && kill -KILL "$(cat victim.pid)" && sleep 0.2 &&
	! timeout 60 python3 "$HERE/serve_stress.py" slow "$(cat victim.port)" 4
'

expect_success '40 slow clients stalled half-way: clean requests still answered' '
	timeout 300 python3 "$HERE/serve_stress.py" slow "$(cat s.port)" 40 && alive
'

expect_success '300 concurrent requests: every one answered 200 with a full body' '
	timeout 600 python3 "$HERE/serve_stress.py" load "$(cat s.port)" 300 && alive
'

expect_success 'it stops cleanly after all that' '
	serve_stop s
'

finish
