#!/bin/sh
# Render a prompt from N entity descriptions, as AICleaner's prompt builder does.
# A file named 'slowdown' holding a percentage (e.g. 130) makes it render
# that share of the entities: the demo's regression.
n=${1:-300}
if [ -s slowdown ]; then
	read -r pct < slowdown
	n=$((n * pct / 100))
fi
i=0
{
	echo "You are a cleaning assistant. Rooms and their state:"
	while [ "$i" -lt "$n" ]; do
		printf 'entity %d: sensor.room_%d dust=%d%% last_cleaned=%dh\n' \
			"$i" "$((i % 17))" "$((i * 7 % 100))" "$((i * 13 % 48))"
		i=$((i + 1))
	done
	echo "List the tasks by priority."
} > /dev/null
