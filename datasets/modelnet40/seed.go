package modelnet40

import (
	"math/rand/v2"

	"github.com/ncgn/ncgn/internal/rng"
)

// ObjectRand returns the generator of object i of a split's full listing under seed: a PCG
// generator whose state is derived from (seed, i) by SplitMix64 mixing. Each object owns its
// generator, so its cloud does not depend on the other objects, the filters or the workers.
func ObjectRand(seed uint64, i int) *rand.Rand {
	hi := rng.SplitMix64(seed ^ 0x6d6f64656c6e6574) // "modelnet"
	lo := rng.SplitMix64(hi ^ rng.SplitMix64(uint64(i)))
	return rng.NewPCG(hi, lo)
}
