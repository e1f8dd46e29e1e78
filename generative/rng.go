package generative

import (
	"math/rand/v2"

	"github.com/ncgn/ncgn/internal/rng"
)

// Stream tags: every random draw of this package comes from a PCG stream keyed by the run's
// seed and (tag, counter), so draws depend only on the seed and the counter, never on what
// ran before. A resumed run therefore draws exactly what the uninterrupted run draws.
const (
	streamStep    uint64 = 1 // training step k: t for each sample, then the noise
	streamShuffle uint64 = 2 // epoch e: the permutation of the data
	streamSample  uint64 = 3 // generated sample j: its initial noise, then its step noises
	streamGraph   uint64 = 4 // training step k: the denoiser's graph seed
	streamLevel   uint64 = 5 // sampling evaluation k of the batch from sample j: the graph seed
)

// graphSeed returns the seed of the denoiser's graph draws for counter i of stream tag.
func graphSeed(seed int64, tag uint64, i int) int64 { return newStream(seed, tag, i).Int64() }

// newStream returns the generator of stream (tag, i) under seed.
func newStream(seed int64, tag uint64, i int) *rand.Rand {
	return rng.NewPCG(rng.SplitMix64(uint64(seed)), rng.SplitMix64(tag<<56^uint64(i)))
}
