#!/bin/sh
# Write response.txt: a provider response of N task lines.
n=${1:-20000}
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
	printf "{\"task\": \"clean zone %d\", \"priority\": %d, \"minutes\": %d}\n",
		i % 40, i % 5, 5 + i % 30 }' > response.txt
