package metrics

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/internal/lap"
)

// EMD returns the exact Earth Mover's distance between two point clouds of n points each in
// PointFlow's convention:
//
//	EMD(X, Y) = (1/n) min over bijections φ: X -> Y of sum_{x in X} ||x - φ(x)||,
//
// Euclidean (not squared) distances, the matching cost divided by n. PointFlow and its
// successors approximate the matching on the GPU (auction or approxmatch kernels); here it
// is solved exactly with Assignment, O(n³), so values can differ from theirs (PointFlow
// issue 26, PVD issue 4).
// For clouds with the same number of points it equals OT between the two clouds seen as sets
// of points. Symmetric, permutation invariant, 0 for identical clouds.
//
// Errors (wrapping ErrShape or ErrValue): clouds of different sizes or empty, points of
// different dimensions, NaN or ±Inf coordinates.
func EMD(x, y [][]float64) (float64, error) {
	if len(x) != len(y) {
		return 0, fmt.Errorf("metrics: EMD between clouds of %d and %d points (equal sizes required): %w", len(x), len(y), ErrShape)
	}
	cx, err := packCloud("EMD: first cloud", x, -1)
	if err != nil {
		return 0, err
	}
	cy, err := packCloud("EMD: second cloud", y, cx.d)
	if err != nil {
		return 0, err
	}
	var w emdWork
	v, err := w.emd(cx, cy)
	if err != nil {
		return 0, fmt.Errorf("metrics: EMD: %w", err)
	}
	return v, nil
}

// emdWork holds the buffers of repeated EMD computations of one cloud size.
type emdWork struct {
	cost  []float64
	match []int
	lap   lap.Solver
}

// emd is EMD on validated clouds with equal n and d; errors carry no package prefix.
func (w *emdWork) emd(x, y flatCloud) (float64, error) {
	n, d := x.n, x.d
	if cap(w.cost) < n*n {
		w.cost, w.match = make([]float64, n*n), make([]int, n)
	}
	cost, match := w.cost[:n*n], w.match[:n]
	for i := 0; i < n; i++ {
		xi := x.x[i*d : i*d+d]
		row := cost[i*n : i*n+n]
		for j := range row {
			row[j] = math.Sqrt(sqDist(xi, y.x[j*d:j*d+d]))
		}
	}
	for k, c := range cost { // coordinates are finite, but a distance can overflow to +Inf
		if math.IsInf(c, 0) {
			return 0, fmt.Errorf("distance between points %d and %d overflows: %w", k/n, k%n, ErrValue)
		}
	}
	total, err := w.lap.Solve(cost, n, match)
	if err != nil {
		return 0, fmt.Errorf("%v: %w", err, ErrValue)
	}
	return total / float64(n), nil
}
