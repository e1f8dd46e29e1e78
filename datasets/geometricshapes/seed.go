package geometricshapes

import (
	"math/rand/v2"

	"github.com/ncgn/ncgn/internal/rng"
)

// CloudRand returns the generator of cloud c of shape s (the class's index among all classes of
// the archive) of a split under seed: a PCG generator whose state is derived from all four by
// SplitMix64 mixing.
func CloudRand(seed uint64, split string, s, c int) *rand.Rand {
	stream := uint64(1)
	if split == Test {
		stream = 2
	}
	hi := rng.SplitMix64(seed ^ 0x67656f6d73686170 ^ rng.SplitMix64(stream)) // "geomshap"
	lo := rng.SplitMix64(hi ^ rng.SplitMix64(uint64(s)<<32|uint64(uint32(c))))
	return rng.NewPCG(hi, lo)
}
