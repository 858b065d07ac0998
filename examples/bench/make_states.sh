#!/bin/sh
# Write states.json: a Home Assistant states dump of N entities.
n=${1:-5000}
awk -v n="$n" 'BEGIN { split("light switch sensor binary_sensor vacuum", d, " ")
	states[0] = "on"; states[1] = "off"; states[2] = "unavailable"
	for (i = 0; i < n; i++)
		printf "{\"entity_id\": \"%s.e%d\", \"state\": \"%s\", \"attributes\": {\"friendly_name\": \"Entity %d\"}}\n",
			d[1 + i % 5], i, states[i % 3], i }' > states.json
