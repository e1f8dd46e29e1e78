package graphs

import (
	"fmt"
	"math"
)

// checkPositions reports, wrapping ErrShape or ErrValue, why pos cannot hold n finite points
// of dimension dim in row-major order; what names the caller in the message.
func checkPositions(what string, pos []float64, n, dim int) error {
	if n < 0 || dim < 1 {
		return fmt.Errorf("graphs: %s: %d points of dimension %d: %w", what, n, dim, ErrShape)
	}
	if len(pos) != n*dim {
		return fmt.Errorf("graphs: %s: %d coordinates for %d points of dimension %d, want %d: %w", what, len(pos), n, dim, n*dim, ErrShape)
	}
	for i, v := range pos {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("graphs: %s: coordinate %d of point %d is %v: %w", what, i%dim, i/dim, v, ErrValue)
		}
	}
	return nil
}

// dist2 is the squared Euclidean distance between points a and b of pos (see sqDist).
func dist2(pos []float64, dim, a, b int) float64 {
	return sqDist(pos[a*dim:a*dim+dim], pos[b*dim:b*dim+dim])
}

// sqDist is the squared Euclidean distance |q - p|^2 between two points given by their
// coordinates, summed over the dimensions in order. Every distance comparison of the package
// goes through it (or the same expression in kdTree.boxDist2), so that all kNN methods agree
// bit for bit. The conversions float64(x*x) forbid fused multiply-adds, which Go may otherwise
// use on some architectures and which would make the result depend on inlining.
func sqDist(q, p []float64) float64 {
	if len(q) == 3 && len(p) == 3 {
		x, y, z := q[0]-p[0], q[1]-p[1], q[2]-p[2]
		return float64(x*x) + float64(y*y) + float64(z*z)
	}
	var s float64
	for d := range q {
		x := q[d] - p[d]
		s += float64(x * x)
	}
	return s
}
