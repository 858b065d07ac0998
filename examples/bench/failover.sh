#!/bin/sh
# One request through a flaky provider: every 8th attempt fails.
n=$(cat failover.count 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > failover.count
if [ $((n % 8)) -eq 0 ]; then
	echo "provider timed out (attempt $n)" >&2
	exit 1
fi
