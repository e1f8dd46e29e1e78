package generative

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestCoupleOT_OneDimensionIsSorted: in one dimension the optimal pairing of squared distances
// is the monotone one, so after coupling the noise is in the data's order; the noise values are
// only permuted, and the total cost is no more than the independent pairing's.
func TestCoupleOT_OneDimensionIsSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const B = 40
	data := make([][]float64, B)
	noise := make([]float64, B)
	idx := make([]int, B)
	for b := range B {
		data[b] = []float64{3 * rng.NormFloat64()}
		noise[b] = rng.NormFloat64()
		idx[b] = b
	}
	cost := func(nz []float64) (s float64) {
		for b := range B {
			s += (data[b][0] - nz[b]) * (data[b][0] - nz[b])
		}
		return s
	}
	before := append([]float64(nil), noise...)
	if err := coupleOT(noise, idx, data, 1); err != nil {
		t.Fatal(err)
	}
	if cost(noise) > cost(before)+1e-12 {
		t.Errorf("OT cost %v above the independent pairing's %v", cost(noise), cost(before))
	}
	a, b := slices.Clone(before), slices.Clone(noise)
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		t.Fatal("the coupled noise is not a permutation of the drawn noise")
	}
	for i := range B {
		for j := range B {
			if data[i][0] < data[j][0] && noise[i] > noise[j] {
				t.Fatalf("pairs %d and %d cross: data %v < %v, noise %v > %v", i, j, data[i][0], data[j][0], noise[i], noise[j])
			}
		}
	}
}

// TestCoupleOT_Refusals: NaN data and a wrong sample size are errors; OT coupling with
// diffusion and an unknown coupling are configuration errors.
func TestCoupleOT_Refusals(t *testing.T) {
	if err := coupleOT([]float64{0, 1}, []int{0, 1}, [][]float64{{math.NaN()}, {1}}, 1); !errors.Is(err, ErrNonFinite) {
		t.Errorf("NaN data: %v", err)
	}
	if err := coupleOT([]float64{0, 1}, []int{0, 1}, [][]float64{{0, 1}, {1}}, 1); !errors.Is(err, ErrShape) {
		t.Errorf("wrong size: %v", err)
	}
	for _, c := range []TrainConfig{
		{Process: ProcessDiffusion, Epochs: 1, Coupling: CouplingOT},
		{Process: ProcessFlow, Epochs: 1, Coupling: "sinkhorn"},
	} {
		if err := c.WithDefaults().Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("%s with %q: %v", c.Process, c.Coupling, err)
		}
	}
	if err := (TrainConfig{Process: ProcessFlow, Epochs: 1, Coupling: CouplingOT}).WithDefaults().Validate(); err != nil {
		t.Errorf("flow with OT: %v", err)
	}
}
