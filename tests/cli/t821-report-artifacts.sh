#!/bin/sh
# perfguard report --artifacts DIR --keep N: reports written into DIR with
# time-stamped names, in every format (or --format's), and only the newest
# N of each format kept; files not named so are never touched.
. "$(dirname "$0")/lib.sh"

echo 'echo "v $(cat v.val)" > "$PERFGUARD_METRICS"' > val.sh
echo 100 > v.val
cat > perfguard.json <<'JSON'
{"defaults": {"runs": 3, "warmup": 0},
 "components": [{"name": "app", "benchmarks": [
  {"name": "hot", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower",
   "command": ["sh", "val.sh"]}]}]}
JSON

# The artifacts of extension $1 in out/, one a line, sorted.
listed() { ls out | grep -E "^perfguard-[0-9]{8}T[0-9]{6}Z(-[0-9]+)?\.$1\$" | sort; }

expect_success 'every format is written with a time-stamped name, each readable' '
	pg run >/dev/null 2>&1 &&
	pg report --artifacts out > w1.txt &&
	test "$(grep -c "^wrote out/perfguard-[0-9]\{8\}T[0-9]\{6\}Z\(-[0-9]*\)\?\.\(html\|json\|xml\|md\)$" w1.txt)" = 4 &&
	for e in html json xml md; do test "$(listed $e | wc -l)" = 1 || exit 1; done &&
	grep -qi "<html" out/perfguard-*.html &&
	python3 -c "
import glob, json
import xml.etree.ElementTree as ET
json.load(open(glob.glob(\"out/perfguard-*.json\")[0]))
ET.parse(glob.glob(\"out/perfguard-*.xml\")[0])
assert open(glob.glob(\"out/perfguard-*.md\")[0]).read().startswith(\"## perfguard\")"
'

expect_success '--keep N keeps the newest N of each format and leaves other files alone' '
	: > out/notes.txt && : > out/perfguard-latest.html && : > out/perfguard-20000101T000000Z.txt &&
	: > out/perfguard-20000101T000000Z.html &&
	for i in 1 2 3; do pg report --artifacts out --keep 2 > w$i.txt || exit 1; done &&
	expect_contains w1.txt "removed out/perfguard-20000101T000000Z.html" &&
	for e in html json xml md; do
		grep -h "^wrote .*\.$e$" w2.txt w3.txt | sed "s|^wrote out/||" | sort > want.$e &&
		listed $e > got.$e && cmp want.$e got.$e || { echo "$e:"; cat want.$e got.$e; exit 1; }
	done &&
	test -e out/notes.txt && test -e out/perfguard-latest.html &&
	test -e out/perfguard-20000101T000000Z.txt
'

expect_success 'a second report in the same second is numbered, and the order is kept' '
	pg report --artifacts out --format markdown > a.txt && pg report --artifacts out --format markdown > b.txt &&
	a=$(sed "s|^wrote out/||" a.txt) && b=$(sed "s|^wrote out/||" b.txt) &&
	test "$a" != "$b" &&
	pg report --artifacts out --format markdown --keep 2 > c.txt &&
	c=$(sed -n "s|^wrote out/||p" c.txt) &&
	test "$(listed md | tr "\n" " ")" = "$(printf "%s\n" "$b" "$c" | sort | tr "\n" " ")"
'

expect_success '--format with --keep writes and rotates that format only' '
	listed html > html.before &&
	pg report --artifacts out --format json --keep 1 > j.txt &&
	test "$(grep -c "^wrote" j.txt)" = 1 && test "$(listed json | wc -l)" = 1 &&
	listed html > html.after && cmp html.before html.after &&
	test "$(listed xml | wc -l)" = 2
'

expect_success 'bad usage is refused with the reason, and nothing is written' '
	expect_exit 2 pg report --keep 2 &&
	expect_contains .err "--keep needs --artifacts DIR" &&
	expect_exit 2 pg report --artifacts out2 -o r.html &&
	expect_contains .err "cannot be combined with -o" &&
	expect_exit 2 pg report --artifacts out2 --keep 0 &&
	expect_contains .err "--keep: expected an integer between 1 and" &&
	expect_exit 2 pg report --artifacts out2 --keep -2 &&
	expect_exit 2 pg report --artifacts out2 --keep many &&
	expect_exit 2 pg report --artifacts "" &&
	test ! -e out2 && test ! -e r.html &&
	: > afile && expect_exit 3 pg report --artifacts afile &&
	expect_contains .err "afile: not a directory"
'

finish
