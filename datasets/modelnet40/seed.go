package modelnet40

import "math/rand/v2"

// ObjectRand returns the generator of object i of a split's full listing under seed: a PCG
// generator whose state is derived from (seed, i) by SplitMix64 mixing. Each object owns its
// generator, so its cloud does not depend on the other objects, the filters or the workers.
func ObjectRand(seed uint64, i int) *rand.Rand {
	hi := splitMix64(seed ^ 0x6d6f64656c6e6574) // "modelnet"
	lo := splitMix64(hi ^ splitMix64(uint64(i)))
	return rand.New(rand.NewPCG(hi, lo))
}

// splitMix64 is the output function of SplitMix64 (Steele et al. 2014): a bijective mix of 64 bits.
func splitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
