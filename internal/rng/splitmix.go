package rng

// SplitMix64 is the output function of Steele, Lea and Flood's SplitMix64 generator (2014):
// add the golden-ratio increment, then three xor-shift-multiply rounds,
//
//	z = x + 0x9e3779b97f4a7c15
//	z = (z ^ (z >> 30)) · 0xbf58476d1ce4e5b9
//	z = (z ^ (z >> 27)) · 0x94d049bb133111eb
//	SplitMix64(x) = z ^ (z >> 31)
//
// a bijection of uint64 that spreads nearby inputs (neighbouring seeds, indices, counters)
// over the whole range. SplitMix64(0) is the first output of the reference generator seeded
// with 0.
func SplitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
