package metrics

import "math"

// Chamfer returns the Chamfer distance between two point clouds in PointFlow's convention
// (stevenygd/PointFlow, metrics/evaluation_metrics.py):
//
//	CD(X, Y) = (1/|X|) sum_{x in X} min_{y in Y} ||x - y||² + (1/|Y|) sum_{y in Y} min_{x in X} ||x - y||²,
//
// squared Euclidean distances, means (not sums), both directions added. It is symmetric,
// permutation invariant and 0 for identical clouds; X and Y may hold different numbers of
// points of one dimension. O(|X| |Y| d).
//
// Errors (wrapping ErrShape or ErrValue): an empty cloud, points of different dimensions,
// NaN or ±Inf coordinates.
func Chamfer(x, y [][]float64) (float64, error) {
	cx, err := packCloud("Chamfer: first cloud", x, -1)
	if err != nil {
		return 0, err
	}
	cy, err := packCloud("Chamfer: second cloud", y, cx.d)
	if err != nil {
		return 0, err
	}
	return chamferFlat(cx, cy, make([]float64, cy.n)), nil
}

// chamferFlat is Chamfer on validated clouds of one dimension; minY is a work buffer of at
// least y.n values.
func chamferFlat(x, y flatCloud, minY []float64) float64 {
	inf := math.Inf(1)
	minY = minY[:y.n]
	for j := range minY {
		minY[j] = inf
	}
	d := x.d
	var sumX float64
	if d == 3 {
		yx := y.x[:3*y.n]
		for i := 0; i < x.n; i++ {
			x0, x1, x2 := x.x[3*i], x.x[3*i+1], x.x[3*i+2]
			best := inf
			for j := range minY {
				e0 := x0 - yx[3*j]
				e1 := x1 - yx[3*j+1]
				e2 := x2 - yx[3*j+2]
				s := e0*e0 + e1*e1 + e2*e2
				if s < best {
					best = s
				}
				if s < minY[j] {
					minY[j] = s
				}
			}
			sumX += best
		}
	} else {
		for i := 0; i < x.n; i++ {
			xi := x.x[i*d : i*d+d]
			best := inf
			for j := range minY {
				s := sqDist(xi, y.x[j*d:j*d+d])
				if s < best {
					best = s
				}
				if s < minY[j] {
					minY[j] = s
				}
			}
			sumX += best
		}
	}
	var sumY float64
	for _, v := range minY {
		sumY += v
	}
	return sumX/float64(x.n) + sumY/float64(y.n)
}
