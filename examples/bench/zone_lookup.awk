# Classify 20000 pseudo-random points into 16 rectangular zones.
BEGIN {
	for (z = 0; z < 16; z++) {
		x0[z] = (z % 4) * 25; y0[z] = int(z / 4) * 25
	}
	seed = 7
	for (i = 0; i < 20000; i++) {
		seed = (seed * 1103515245 + 12345) % 2147483648; px = seed % 100
		seed = (seed * 1103515245 + 12345) % 2147483648; py = seed % 100
		for (z = 0; z < 16; z++)
			if (px >= x0[z] && px < x0[z] + 25 && py >= y0[z] && py < y0[z] + 25) {
				hits[z]++
				break
			}
	}
}
