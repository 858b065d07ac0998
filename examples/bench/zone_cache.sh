#!/bin/sh
# Replay 2000 zone lookups through an LRU cache of 12 zones; report the hit ratio.
awk 'BEGIN {
	seed = 11; cap = 12; hits = 0; n = 2000
	for (i = 0; i < n; i++) {
		seed = (seed * 1103515245 + 12345) % 2147483648
		z = (seed % 100 < 80) ? seed % 10 : 10 + seed % 30
		if (z in last) hits++
		last[z] = i
		if (length(last) > cap) {
			oldest = -1
			for (k in last) if (oldest < 0 || last[k] < last[oldest]) oldest = k
			delete last[oldest]
		}
	}
	printf "hit_ratio %.2f %%\n", 100 * hits / n
}' >> "$PERFGUARD_METRICS"
