#!/bin/sh
# t300-compare.sh: `perfguard compare` on files of numbers: the table, every
# JSON key, --fail-on, each option, and every kind of bad input.
. "$(dirname "$0")/lib.sh"

# A baseline and a current sample 7% slower, each with one outlier.
cat >base.txt <<'DATA'
# baseline, ms
10.2
10.5
9.8
10.1
10.4
10.0

9.9
10.3
10.6
10.1
12.9
10.2
DATA
cat >cur.txt <<'DATA'
10.9
11.2
10.7
11.0
10.8
11.4
10.9   # a comment after a value
11.1
10.6
11.3
11.0
9.1
11.2
DATA

expect_success 'the table shows the verdict and the interval' '
	pg compare base.txt cur.txt >out
	expect_contains out "regression (minor), lower is better"
	expect_contains out "+7.36%  [+4.83%, +9.90%] at 95% confidence"
	expect_contains out "outliers (iqr)"
'

expect_success 'the JSON object holds every documented key' '
	pg compare --json base.txt cur.txt >out
	for k in test n_base n_current outliers_base outliers_current \
		outliers_removed_base outliers_removed_current estimate_base \
		estimate_current mean_base mean_current median_base median_current \
		stddev_base stddev_current change_pct ci_low_pct ci_high_pct p_value \
		alpha significant severity direction verdict mde_pct; do
		expect_contains out "\"$k\":"
	done
	expect_contains out "\"verdict\":	\"regression\""
	expect_contains out "\"severity\":	\"minor\""
	expect_contains out "\"n_base\":	12"
	! grep -qi nan out
'

expect_success '--fail-on minor exits 1 on a minor regression, moderate does not' '
	expect_exit 1 pg compare --fail-on minor base.txt cur.txt
	expect_contains "$WORK/.err" "reaches --fail-on minor"
	expect_exit 0 pg compare --fail-on moderate base.txt cur.txt
'

expect_success 'no regression the other way round, and none when higher is better' '
	pg compare --json --fail-on minor cur.txt base.txt >out
	expect_contains out "\"verdict\":	\"improvement\""
	pg compare --json --direction higher --fail-on minor base.txt cur.txt >out
	expect_contains out "\"verdict\":	\"improvement\""
	pg compare --json --direction higher --fail-on minor cur.txt base.txt >out2 || test $? -eq 1
	expect_contains out2 "\"verdict\":	\"regression\""
'

expect_success 'each test and outlier removal' '
	pg compare --json --test welch base.txt cur.txt >w
	expect_contains w "\"test\":	\"welch\""
	expect_contains w "\"verdict\":	\"inconclusive\""
	pg compare --json --test mwu base.txt cur.txt >m
	expect_contains m "\"test\":	\"mwu\""
	expect_contains m "\"estimate_base\":	10.2"
	pg compare --json --test welch --outliers iqr base.txt cur.txt >i
	expect_contains i "\"outliers_removed_base\":	1"
	expect_contains i "\"n_base\":	11"
	pg compare --json --outliers mad --alpha 0.01 --confidence 0.9 \
		--thresholds 1,2,3,4 base.txt cur.txt >o
	expect_contains o "\"alpha\":	0.01"
	expect_contains o "\"severity\":	\"critical\""
'

expect_success 'standard input with -' '
	pg compare --json - cur.txt <base.txt >out
	expect_contains out "\"n_base\":	12"
	expect_exit 2 pg compare - - <base.txt
	expect_contains "$WORK/.err" "only one of the two files"
'

expect_success 'all values equal: no change, p 1' '
	printf "5\n5\n5\n5\n" >same.txt
	pg compare --json same.txt same.txt >out
	expect_contains out "\"p_value\":	1"
	expect_contains out "\"change_pct\":	0"
	expect_contains out "\"verdict\":	\"no_change\""
'

expect_success 'zero variance on both sides with different values: p 0' '
	printf "5\n5\n5\n" >five.txt
	printf "6\n6\n6\n" >six.txt
	pg compare --json five.txt six.txt >out
	expect_contains out "\"p_value\":	0"
	expect_contains out "\"change_pct\":	20"
	expect_contains out "\"severity\":	\"major\""
'

expect_success 'zero variance on one side only: a finite answer' '
	pg compare --json five.txt base.txt >out
	expect_contains out "\"verdict\":"
	! grep -qiE "nan|null" out
'

expect_success 'a line that is not a number: exit 2 with file and line' '
	printf "1\n2\n3.5x\n" >bad.txt
	expect_exit 2 pg compare base.txt bad.txt
	expect_contains "$WORK/.err" "bad.txt:3: '"'"'3.5x'"'"' is not a number"
'

expect_success 'NaN and infinity: exit 2 with file and line' '
	printf "1\n2\nnan\n" >nan.txt
	expect_exit 2 pg compare nan.txt base.txt
	expect_contains "$WORK/.err" "nan.txt:3:"
	expect_contains "$WORK/.err" "not a finite number"
	printf "1\ninf\n2\n" >inf.txt
	expect_exit 2 pg compare base.txt inf.txt
	expect_contains "$WORK/.err" "inf.txt:2:"
	printf "1\n1e999\n2\n" >big.txt
	expect_exit 2 pg compare base.txt big.txt
	expect_contains "$WORK/.err" "big.txt:2:"
'

expect_success 'too few values: exit 2' '
	printf "# nothing\n\n" >empty.txt
	expect_exit 2 pg compare empty.txt base.txt
	expect_contains "$WORK/.err" "empty.txt: 0 values; at least 2 are needed"
	printf "4\n" >one.txt
	expect_exit 2 pg compare base.txt one.txt
	expect_contains "$WORK/.err" "one.txt: 1 value; at least 2"
'

expect_success 'a baseline mean of zero: exit 2 with a reason' '
	printf "0\n0\n0\n" >zero.txt
	expect_exit 2 pg compare --test welch zero.txt base.txt
	expect_contains "$WORK/.err" "baseline'"'"'s mean is 0"
'

expect_success 'a missing file and bad options: exit 2' '
	expect_exit 2 pg compare base.txt nosuch.txt
	expect_contains "$WORK/.err" "nosuch.txt: cannot open"
	expect_exit 2 pg compare base.txt
	expect_exit 2 pg compare --test ttest base.txt cur.txt
	expect_exit 2 pg compare --alpha 0 base.txt cur.txt
	expect_exit 2 pg compare --confidence 1.5 base.txt cur.txt
	expect_exit 2 pg compare --outliers grubbs base.txt cur.txt
	expect_exit 2 pg compare --direction up base.txt cur.txt
	expect_exit 2 pg compare --thresholds 5,10,20 base.txt cur.txt
	expect_exit 2 pg compare --thresholds 10,5,20,50 base.txt cur.txt
	expect_exit 2 pg compare --fail-on none base.txt cur.txt
	expect_exit 2 pg compare --bogus base.txt cur.txt
'

expect_success 'values whose variance overflows: exit 2 with a sentence, never an abort' '
	printf "1\n2\n3\n" >A
	printf "1\n2\n1e78\n" >B
	expect_exit 2 pg compare A B
	expect_contains "$WORK/.err" "perfguard compare: A vs B: values too large to compare: the variance overflows (max 1e+78)"
	expect_exit 2 pg compare --json --test welch A B
	expect_contains "$WORK/.err" "values too large to compare"
	printf "100\n101\n99\n" >C
	printf "1e308\n1.5e308\n1.7e308\n" >D
	expect_exit 2 pg compare C D
	expect_contains "$WORK/.err" "values too large to compare"
	printf "1e-308\n1e-308\n" >E
	printf "1\n1\n" >F
	expect_exit 2 pg compare --test welch E F
	expect_contains "$WORK/.err" "values too large to compare: the change in percent overflows"
'

expect_success 'option values out of range: exit 2 naming the range' '
	expect_exit 2 pg compare --alpha 0.7 base.txt cur.txt
	expect_contains "$WORK/.err" "--alpha: expected a probability between 1e-06 and 0.5, got '"'"'0.7'"'"'"
	expect_exit 2 pg compare --confidence 1e-999 base.txt cur.txt
	expect_contains "$WORK/.err" "--confidence: expected a probability between 0.5 and 0.999999"
	expect_exit 2 pg compare --thresholds 5,10,20,1e6 base.txt cur.txt
	expect_contains "$WORK/.err" "--thresholds: expected 4 increasing percentages between 0 and 100000"
'

expect_success '--help prints the usage' '
	pg compare --help >out
	expect_contains out "Usage: perfguard compare"
'

finish
