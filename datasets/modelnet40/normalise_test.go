package modelnet40

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ncgn/ncgn/datasets"
)

func TestNormalise(t *testing.T) {
	const meanTol = 1e-15 // the mean of the normalised cloud, relative to scale
	rng := rand.New(rand.NewPCG(4, 4))
	for _, scale := range []float64{ReferenceScale, 0.5, 1, 3.7} {
		cloud := make([]float64, 3*200)
		for i := range cloud {
			cloud[i] = 10 + 5*rng.NormFloat64()*float64(1+i%3)
		}
		orig := append([]float64(nil), cloud...)
		if err := Normalise(cloud, 3, scale); err != nil {
			t.Fatal(err)
		}
		maxAbs := 0.0
		var mean [3]float64
		for i, v := range cloud {
			maxAbs = math.Max(maxAbs, math.Abs(v))
			mean[i%3] += v / 200
		}
		if maxAbs != scale {
			t.Errorf("scale %v: largest |coordinate| %v, want exactly the scale", scale, maxAbs)
		}
		for d, m := range mean {
			if math.Abs(m) > meanTol*scale*200 {
				t.Errorf("scale %v: mean of coordinate %d is %v, want 0", scale, d, m)
			}
		}
		// The reference's formula: (p − μ)·(0.5/max)·0.49999999 for the reference scale.
		if scale == ReferenceScale {
			var mu [3]float64
			for i, v := range orig {
				mu[i%3] += v / 200
			}
			m := 0.0
			for i, v := range orig {
				m = math.Max(m, math.Abs(v-mu[i%3]))
			}
			const refTol = 1e-15
			for i, v := range orig {
				ref := (v - mu[i%3]) * (0.5 / m) * 0.49999999
				if math.Abs(cloud[i]-ref) > refTol {
					t.Fatalf("value %d: %v, the reference's formula gives %v", i, cloud[i], ref)
				}
			}
		}
	}
}

func TestNormalise_Errors(t *testing.T) {
	cases := []struct {
		name  string
		cloud []float64
		dim   int
		scale float64
		want  error
	}{
		{"all points equal", []float64{1, 2, 3, 1, 2, 3}, 3, 1, ErrDegenerate},
		{"one point", []float64{1, 2, 3}, 3, 1, ErrDegenerate},
		{"empty", nil, 3, 1, datasets.ErrArgument},
		{"ragged", []float64{1, 2, 3, 4}, 3, 1, datasets.ErrArgument},
		{"zero scale", []float64{1, 2, 3, 4, 5, 6}, 3, 0, datasets.ErrArgument},
		{"NaN scale", []float64{1, 2, 3, 4, 5, 6}, 3, math.NaN(), datasets.ErrArgument},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := Normalise(tc.cloud, tc.dim, tc.scale); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}
