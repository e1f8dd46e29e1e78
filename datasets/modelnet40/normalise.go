package modelnet40

import (
	"errors"
	"fmt"
	"math"

	"github.com/ncgn/ncgn/datasets"
)

// ErrDegenerate reports a cloud that cannot be normalised: all its points are equal.
var ErrDegenerate = errors.New("degenerate cloud")

// Normalise centres a flat cloud (dim values per point) at its mean and scales it so that its
// largest absolute coordinate equals scale, in place:
//
//	x_i ← scale · (x_i − μ) / max_{j,d} |x_{j,d} − μ_d|,   μ = (1/n) Σ_i x_i
//
// This is PyG's NormalizeScale (centre, divide by the largest absolute coordinate) times scale;
// the reference multiplies by 0.5·0.49999999 (ReferenceScale). The largest coordinate becomes
// exactly ±scale. A cloud whose points are all equal returns ErrDegenerate and is left centred.
func Normalise(cloud []float64, dim int, scale float64) error {
	if dim < 1 || len(cloud)%dim != 0 || len(cloud) == 0 {
		return fmt.Errorf("modelnet40: normalising %d values in points of dimension %d: %w", len(cloud), dim, datasets.ErrArgument)
	}
	if !(scale > 0) || math.IsInf(scale, 0) {
		return fmt.Errorf("modelnet40: normalising with scale %v: %w", scale, datasets.ErrArgument)
	}
	n := len(cloud) / dim
	for d := 0; d < dim; d++ {
		mu := 0.0
		for i := d; i < len(cloud); i += dim {
			mu += cloud[i]
		}
		mu /= float64(n)
		for i := d; i < len(cloud); i += dim {
			cloud[i] -= mu
		}
	}
	m := 0.0
	for _, v := range cloud {
		m = math.Max(m, math.Abs(v))
	}
	if m == 0 || math.IsInf(m, 0) || math.IsNaN(m) {
		return fmt.Errorf("modelnet40: normalising %d points: largest centred coordinate %v: %w", n, m, ErrDegenerate)
	}
	for i, v := range cloud {
		cloud[i] = v / m * scale
	}
	return nil
}
