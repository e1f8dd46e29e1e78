package metrics

import "fmt"

// Distance names a distance between two point clouds: DistCD (Chamfer) or DistEMD (exact
// Earth Mover's distance).
type Distance int

const (
	// DistCD is the Chamfer distance of Chamfer (squared distances, means, both directions).
	DistCD Distance = iota + 1
	// DistEMD is the exact Earth Mover's distance of EMD (Euclidean, matching cost / n).
	DistEMD
)

// String returns "CD" or "EMD".
func (d Distance) String() string {
	switch d {
	case DistCD:
		return "CD"
	case DistEMD:
		return "EMD"
	}
	return fmt.Sprintf("Distance(%d)", int(d))
}

// convention states the definition of d for Result.Convention.
func (d Distance) convention() string {
	switch d {
	case DistCD:
		return "CD(X,Y) = mean_x min_y ||x-y||^2 + mean_y min_x ||x-y||^2 (squared Euclidean, means, both directions added; PointFlow; not multiplied by 10^3)"
	case DistEMD:
		return "EMD(X,Y) = (1/n) min over bijections of sum ||x - phi(x)|| (Euclidean, not squared; exact assignment, not PointFlow's GPU approximation; not multiplied by 10^2)"
	}
	return d.String()
}

// check returns an error wrapping ErrValue unless d is DistCD or DistEMD.
func (d Distance) check() error {
	if d != DistCD && d != DistEMD {
		return fmt.Errorf("metrics: unknown point-cloud distance %v (want DistCD or DistEMD): %w", d, ErrValue)
	}
	return nil
}

// Between returns the distance d between two point clouds (Chamfer or EMD).
func (d Distance) Between(x, y [][]float64) (float64, error) {
	switch d {
	case DistCD:
		return Chamfer(x, y)
	case DistEMD:
		return EMD(x, y)
	}
	return 0, d.check()
}

// distWork holds one goroutine's buffers for pairwise distances.
type distWork struct {
	minY []float64
	emd  emdWork
}

// between is Between on validated clouds with equal n and d.
func (w *distWork) between(d Distance, x, y flatCloud) (float64, error) {
	if d == DistCD {
		if cap(w.minY) < y.n {
			w.minY = make([]float64, y.n)
		}
		return chamferFlat(x, y, w.minY), nil
	}
	return w.emd.emd(x, y)
}

// Pairwise returns the |S| x |R| matrix D[i][j] = d(S_i, R_j) between two sets of point
// clouds, e.g. generated samples S and reference clouds R. Every cloud of both sets must hold
// the same number of points of the same dimension (PointFlow's setting; EMD needs equal
// sizes). Rows are split among GOMAXPROCS goroutines and each entry is computed by one of
// them, so the matrix does not depend on the number of goroutines.
//
// Errors (wrapping ErrShape or ErrValue): an empty set or cloud, clouds of different sizes or
// dimensions (set and index named), NaN or ±Inf coordinates, an unknown distance.
func Pairwise(s, r [][][]float64, d Distance) ([][]float64, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	ps, n, dim, err := packSet("Pairwise: first set", s, -1, -1)
	if err != nil {
		return nil, err
	}
	pr, _, _, err := packSet("Pairwise: second set", r, n, dim)
	if err != nil {
		return nil, err
	}
	return pairwise(ps, pr, d)
}

// PairwiseWithin returns the symmetric |S| x |S| matrix D[i][j] = d(S_i, S_j) of one set of
// clouds with zero diagonal; only i < j is computed (d is symmetric) and mirrored. Parallel
// and deterministic like Pairwise, with the same errors.
func PairwiseWithin(s [][][]float64, d Distance) ([][]float64, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	ps, _, _, err := packSet("PairwiseWithin: set", s, -1, -1)
	if err != nil {
		return nil, err
	}
	return pairwiseWithin(ps, d)
}

// newMatrix returns a rows x cols matrix backed by one slice.
func newMatrix(rows, cols int) [][]float64 {
	data := make([]float64, rows*cols)
	m := make([][]float64, rows)
	for i := range m {
		m[i] = data[i*cols : i*cols+cols]
	}
	return m
}

// pairwise computes d between all pairs of validated clouds of two sets.
func pairwise(s, r []flatCloud, d Distance) ([][]float64, error) {
	out := newMatrix(len(s), len(r))
	errs := make([]error, len(s))
	parallelFor(len(s), func() *distWork { return new(distWork) }, func(w *distWork, i int) {
		for j := range r {
			v, err := w.between(d, s[i], r[j])
			if err != nil {
				errs[i] = fmt.Errorf("metrics: %v between clouds %d and %d: %w", d, i, j, err)
				return
			}
			out[i][j] = v
		}
	})
	return out, firstError(errs)
}

// pairwiseWithin computes d between all pairs i < j of one set of validated clouds and
// mirrors them.
func pairwiseWithin(s []flatCloud, d Distance) ([][]float64, error) {
	n := len(s)
	out := newMatrix(n, n)
	errs := make([]error, n)
	parallelFor(n, func() *distWork { return new(distWork) }, func(w *distWork, i int) {
		for j := i + 1; j < n; j++ {
			v, err := w.between(d, s[i], s[j])
			if err != nil {
				errs[i] = fmt.Errorf("metrics: %v between clouds %d and %d: %w", d, i, j, err)
				return
			}
			out[i][j] = v
		}
	})
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			out[j][i] = out[i][j]
		}
	}
	return out, firstError(errs)
}

// firstError returns the error of the lowest index, so the reported error does not depend
// on scheduling.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
