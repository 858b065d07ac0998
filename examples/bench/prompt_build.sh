#!/bin/sh
# Render a prompt from N entity descriptions, as AICleaner's prompt builder does.
n=${1:-300}
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
