#!/bin/sh
# t310-trend.sh: `perfguard trend`: slope, R², change points, options and
# bad input.
. "$(dirname "$0")/lib.sh"

# 60 points around 100, then 60 around 120 (+20%), alternating noise of 1%.
i=0
: >steps.txt
while [ $i -lt 120 ]; do
	if [ $i -lt 60 ]; then m=100; else m=120; fi
	if [ $((i % 2)) -eq 0 ]; then echo "$m.5"; else echo "$((m - 1)).5"; fi >>steps.txt
	i=$((i + 1))
done

expect_success 'a step is one change point at its first new value' '
	pg trend --json steps.txt >out
	for k in n slope intercept r2 slope_p_value change_points index mean_before \
		mean_after change_pct p_value; do
		expect_contains out "\"$k\":"
	done
	expect_contains out "\"n\":	120"
	expect_contains out "\"index\":	60"
	expect_contains out "\"mean_before\":	100"
	expect_contains out "\"mean_after\":	120"
	expect_contains out "\"change_pct\":	20"
	test "$(grep -c "\"index\":" out)" -eq 1
'

expect_success 'the table' '
	pg trend steps.txt >out
	expect_contains out "change points   1"
	expect_contains out "+20.00%"
	expect_contains out "slope p-value"
'

expect_success 'a perfect line: slope and r2 exact, p near 0' '
	printf "1\n2\n3\n4\n5\n6\n" | pg trend --json - >out
	expect_contains out "\"slope\":	1"
	expect_contains out "\"intercept\":	1"
	expect_contains out "\"r2\":	1"
'

expect_success 'all values equal: flat, p 1, no change points' '
	printf "7\n7\n7\n7\n7\n" >flat.txt
	pg trend --json flat.txt >out
	expect_contains out "\"slope\":	0"
	expect_contains out "\"r2\":	0"
	expect_contains out "\"slope_p_value\":	1"
	expect_contains out "\"change_points\":	[]"
'

expect_success 'min-magnitude drops a small step, 0 keeps it' '
	pg trend --json --min-magnitude 0.25 steps.txt >out
	expect_contains out "\"change_points\":	[]"
	pg trend --json --min-magnitude 0 --window 20 --max-pvalue 0.01 steps.txt >out
	expect_contains out "\"index\":	60"
'

expect_success 'bad input: exit 2 with file and line' '
	printf "1\n2\nthree\n" >bad.txt
	expect_exit 2 pg trend bad.txt
	expect_contains "$WORK/.err" "bad.txt:3: '"'"'three'"'"' is not a number"
	printf "1\n-inf\n" >inf.txt
	expect_exit 2 pg trend inf.txt
	expect_contains "$WORK/.err" "inf.txt:2:"
	printf "1\n" >one.txt
	expect_exit 2 pg trend one.txt
	expect_contains "$WORK/.err" "one.txt: 1 value; a trend needs at least 2"
	expect_exit 2 pg trend nosuch.txt
'

expect_success 'values whose squares overflow: exit 2 with a sentence, never an abort' '
	printf "1\n2\n1e200\n" >big.txt
	expect_exit 2 pg trend big.txt
	expect_contains "$WORK/.err" "perfguard trend: big.txt: values too large to fit a trend: the sum of squares of the series overflows (max 1e+200)"
	expect_exit 2 pg trend --json big.txt
	printf "100\n100\n100\n1e308\n1e308\n1e308\n" >jump.txt
	expect_exit 2 pg trend jump.txt
	expect_contains "$WORK/.err" "values too large to fit a trend"
	printf "1e-308\n2e-308\n3e-308\n4e-308\n" >tiny.txt
	pg trend --json tiny.txt >out
	expect_contains out "\"r2\":"
'

expect_success 'bad options: exit 2' '
	expect_exit 2 pg trend --window 100001 steps.txt
	expect_contains "$WORK/.err" "--window: expected an integer between 2 and 100000, got '"'"'100001'"'"'"
	expect_exit 2 pg trend --min-magnitude 1e308 steps.txt
	expect_contains "$WORK/.err" "--min-magnitude: expected a relative change between 0 and 1000"
	expect_exit 2 pg trend --window 1 steps.txt
	expect_exit 2 pg trend --window x steps.txt
	expect_exit 2 pg trend --max-pvalue 0 steps.txt
	expect_exit 2 pg trend --min-magnitude -1 steps.txt
	expect_exit 2 pg trend steps.txt steps.txt
	expect_exit 2 pg trend
'

expect_success 'a NUL byte inside a line is an error, not a cut line' '
	printf "1\n2\0009x\n3\n" > nul.txt &&
	expect_exit 2 pg trend nul.txt &&
	expect_contains "$WORK/.err" "nul.txt:2: holds a NUL byte"
'

finish
