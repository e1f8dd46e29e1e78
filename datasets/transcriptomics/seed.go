package transcriptomics

import (
	"fmt"
	"math/rand/v2"

	"github.com/ncgn/ncgn/internal/rng"
)

// The independent random streams of one sample.
const (
	streamInitial  = 1 // initial values
	streamKnockout = 2 // the knocked-out gene
)

// SampleRand returns the generator of sample i's initial values under seed: a PCG generator
// whose state is derived from (seed, i) by SplitMix64 mixing. Each sample owns its generator, so
// a data set does not depend on how samples are spread over goroutines, and sample i is the same
// in every data set made with the same seed and configuration.
func SampleRand(seed uint64, i int) *rand.Rand { return sampleRand(seed, i, streamInitial) }

// KnockoutGene returns the gene knocked out in sample i under seed, uniform over the three genes.
// It comes from its own stream, so a knockout sample starts from the same initial values as the
// unperturbed sample with the same seed and index.
func KnockoutGene(seed uint64, i int) Gene {
	return Gene(sampleRand(seed, i, streamKnockout).IntN(NumGenes))
}

// sampleRand derives the generator of one stream of one sample.
func sampleRand(seed uint64, i int, stream uint64) *rand.Rand {
	hi := rng.SplitMix64(seed ^ rng.SplitMix64(stream))
	lo := rng.SplitMix64(hi ^ rng.SplitMix64(uint64(i)+stream<<56))
	return rng.NewPCG(hi, lo)
}

// InitialState draws an initial state from U(InitLow, InitHigh), independently per point and
// gene, point-major: x[3·i+g] is gene g at point i (the order of the reference's draws).
func InitialState(cfg Config, r *rand.Rand) ([]float64, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, fmt.Errorf("transcriptomics: initial state: nil random generator: %w", ErrInput)
	}
	x := make([]float64, NumGenes*cfg.Points)
	fillInitial(x, cfg, r)
	return x, nil
}

// fillInitial fills x with uniform draws on [InitLow, InitHigh).
func fillInitial(x []float64, cfg Config, r *rand.Rand) {
	w := cfg.InitHigh - cfg.InitLow
	for k := range x {
		x[k] = cfg.InitLow + w*r.Float64()
	}
}
