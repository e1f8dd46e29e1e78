package graphs

import (
	"fmt"
	"math/rand"
	"runtime"
	"sync"

	"github.com/ncgn/ncgn/internal/rng"
	"github.com/ncgn/ncgn/schedules"
)

// NewPlans builds the Plans of a minibatch in parallel: sample b has its own positions
// samples[b] (n_b*dim values, row-major; sizes may differ) and noise level ts[b]. Sample b draws
// from its own random source seeded by (seed, b), so the result is the same for a seed whatever
// the number of goroutines or their scheduling. On failure it returns the error of the first
// failing sample (in sample order).
func NewPlans(samples [][]float64, dim int, ts []schedules.NoiseLevel, cfg PlanConfig, seed int64) ([]*Plan, error) {
	if len(ts) != len(samples) {
		return nil, fmt.Errorf("graphs: plans of %d samples with %d noise levels: %w", len(samples), len(ts), ErrShape)
	}
	if dim < 1 {
		return nil, fmt.Errorf("graphs: plans of dimension %d: %w", dim, ErrShape)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	plans := make([]*Plan, len(samples))
	errs := make([]error, len(samples))
	workers := min(runtime.GOMAXPROCS(0), len(samples))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := w; b < len(samples); b += workers {
				if len(samples[b])%dim != 0 {
					errs[b] = fmt.Errorf("graphs: sample %d: %d coordinates, not a multiple of dimension %d: %w", b, len(samples[b]), dim, ErrShape)
					continue
				}
				var rng *rand.Rand
				if cfg.Kind == LongShort {
					rng = SampleRand(seed, b)
				}
				p, err := NewPlan(samples[b], len(samples[b])/dim, dim, ts[b], cfg, rng)
				if err != nil {
					err = fmt.Errorf("graphs: sample %d: %w", b, err)
				}
				plans[b], errs[b] = p, err
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return plans, nil
}

// SampleRand returns the random source of sample b of a minibatch drawn with seed: a
// math/rand source seeded by a SplitMix64 mix of (seed, b), so that neighbouring seeds and
// samples give unrelated streams.
func SampleRand(seed int64, b int) *rand.Rand {
	return rng.NewMathRand(rng.SplitMix64(uint64(seed) ^ rng.SplitMix64(uint64(b)+0x9e3779b97f4a7c15)))
}
