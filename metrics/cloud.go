package metrics

import (
	"fmt"
	"math"
)

// flatCloud is a validated point cloud of n points in d dimensions, stored row-major.
type flatCloud struct {
	n, d int
	x    []float64
}

// packCloud validates a cloud given as a list of points and copies it into a flatCloud. dim
// is the required dimension (< 0: taken from the first point); name labels errors.
func packCloud(name string, points [][]float64, dim int) (flatCloud, error) {
	if len(points) == 0 {
		return flatCloud{}, fmt.Errorf("metrics: %s has no points: %w", name, ErrShape)
	}
	if dim < 0 {
		dim = len(points[0])
		if dim == 0 {
			return flatCloud{}, fmt.Errorf("metrics: %s: point 0 has no coordinates: %w", name, ErrShape)
		}
	}
	c := flatCloud{n: len(points), d: dim, x: make([]float64, 0, len(points)*dim)}
	for i, p := range points {
		if len(p) != dim {
			return flatCloud{}, fmt.Errorf("metrics: %s: point %d has %d coordinates, want %d: %w", name, i, len(p), dim, ErrShape)
		}
		for k, v := range p {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return flatCloud{}, fmt.Errorf("metrics: %s: point %d, coordinate %d is %v: %w", name, i, k, v, ErrValue)
			}
		}
		c.x = append(c.x, p...)
	}
	return c, nil
}

// packSet validates a set of clouds that must all hold n points of dimension d (n, d < 0:
// taken from the first cloud) and returns them packed, with n and d.
func packSet(name string, set [][][]float64, n, d int) ([]flatCloud, int, int, error) {
	if len(set) == 0 {
		return nil, 0, 0, fmt.Errorf("metrics: %s is empty: %w", name, ErrShape)
	}
	out := make([]flatCloud, len(set))
	for i, pts := range set {
		c, err := packCloud(fmt.Sprintf("%s, cloud %d", name, i), pts, d)
		if err != nil {
			return nil, 0, 0, err
		}
		if n < 0 {
			n, d = c.n, c.d
		}
		if c.n != n {
			return nil, 0, 0, fmt.Errorf("metrics: %s, cloud %d has %d points, want %d like the others: %w", name, i, c.n, n, ErrShape)
		}
		out[i] = c
	}
	return out, n, d, nil
}
