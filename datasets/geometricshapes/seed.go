package geometricshapes

import "math/rand/v2"

// CloudRand returns the generator of cloud c of shape s (the class's index among all classes of
// the archive) of a split under seed: a PCG generator whose state is derived from all four by
// SplitMix64 mixing.
func CloudRand(seed uint64, split string, s, c int) *rand.Rand {
	stream := uint64(1)
	if split == Test {
		stream = 2
	}
	hi := splitMix64(seed ^ 0x67656f6d73686170 ^ splitMix64(stream)) // "geomshap"
	lo := splitMix64(hi ^ splitMix64(uint64(s)<<32|uint64(uint32(c))))
	return rand.New(rand.NewPCG(hi, lo))
}

// splitMix64 is the output function of SplitMix64 (Steele et al. 2014): a bijective mix of 64 bits.
func splitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
