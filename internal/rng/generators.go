package rng

import (
	mathrand "math/rand"
	"math/rand/v2"
)

// NewPCG returns a math/rand/v2 generator over a PCG source with state (hi, lo), typically
// two SplitMix64 mixes of a seed and a stream.
func NewPCG(hi, lo uint64) *rand.Rand { return rand.New(rand.NewPCG(hi, lo)) }

// NewMathRand returns a math/rand (v1) generator seeded with the bits of seed, for the APIs
// that take a *math/rand.Rand (graphs.NewPlan).
func NewMathRand(seed uint64) *mathrand.Rand { return mathrand.New(mathrand.NewSource(int64(seed))) }
