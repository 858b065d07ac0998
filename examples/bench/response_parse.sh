#!/bin/sh
# Parse response.txt into tasks; report how many as the throughput's ops.
tasks=$(awk -F'"priority": ' '{ split($2, a, ","); p[a[1]]++; n++ }
	END { print n }' response.txt)
[ -n "$PERFGUARD_METRICS" ] && echo "ops $tasks" >> "$PERFGUARD_METRICS"
exit 0
