package modelnet40

import (
	"fmt"
	"math/rand/v2"

	"github.com/ncgn/ncgn/datasets"
)

// Subset draws n of the points of a flat cloud (dim values per point) without replacement and
// returns them, in the order drawn, as a new flat slice of n·dim values.
//
// It runs the first n steps of a Fisher–Yates shuffle of the point indices: step j swaps index j
// with one drawn uniformly from [j, k), so the result is a uniformly random ordered subset, as
// torch.randperm(k)[:n] is. With n = k it is a random permutation of the cloud.
func Subset(points []float64, dim, n int, rng *rand.Rand) ([]float64, error) {
	if dim < 1 || len(points)%dim != 0 {
		return nil, fmt.Errorf("modelnet40: subset of %d values in points of dimension %d: %w", len(points), dim, datasets.ErrArgument)
	}
	k := len(points) / dim
	if n < 0 || n > k {
		return nil, fmt.Errorf("modelnet40: subset of %d points from %d: %w", n, k, datasets.ErrArgument)
	}
	if rng == nil {
		return nil, fmt.Errorf("modelnet40: subset: nil random generator: %w", datasets.ErrArgument)
	}
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	out := make([]float64, n*dim)
	for j := 0; j < n; j++ {
		r := j + rng.IntN(k-j)
		idx[j], idx[r] = idx[r], idx[j]
		copy(out[j*dim:(j+1)*dim], points[idx[j]*dim:(idx[j]+1)*dim])
	}
	return out, nil
}
