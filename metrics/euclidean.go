package metrics

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// EuclideanCost returns the m x k matrix of Euclidean (not squared) distances between the
// vectors of a (m of them) and b (k of them), row-major:
//
//	C[i*k+j] = ||a_i - b_j||_2 = sqrt( sum_d (a_i[d] - b_j[d])² ),
//
// computed from the differences (not from ||a||² + ||b||² - 2 a·b, which loses the small
// distances to cancellation), as scipy's cdist and POT's ot.dist(metric="euclidean") do.
// Rows are split among GOMAXPROCS goroutines; each entry is computed by one goroutine in a
// fixed order, so the result does not depend on the number of goroutines.
//
// Errors (wrapping ErrShape or ErrValue): an empty set, vectors of different lengths (the
// set and index are named), a NaN or ±Inf coordinate.
func EuclideanCost(a, b [][]float64) ([]float64, error) {
	return euclideanCost("EuclideanCost: first set", "EuclideanCost: second set", a, b)
}

// euclideanCost is EuclideanCost with the names of the two sets used in errors.
func euclideanCost(nameA, nameB string, a, b [][]float64) ([]float64, error) {
	dim, err := checkVectors(nameA, a, -1)
	if err != nil {
		return nil, err
	}
	if _, err := checkVectors(nameB, b, dim); err != nil {
		return nil, err
	}
	m, k := len(a), len(b)
	cost := make([]float64, m*k)
	// Work is split into blocks of costBlockRows rows of a; a block's rows stay in cache while
	// the rows of b stream past once per block instead of once per row.
	blocks := (m + costBlockRows - 1) / costBlockRows
	parallelFor(blocks, func() struct{} { return struct{}{} }, func(_ struct{}, blk int) {
		lo, hi := blk*costBlockRows, min((blk+1)*costBlockRows, m)
		for j, bj := range b {
			for i := lo; i < hi; i++ {
				cost[i*k+j] = math.Sqrt(sqDist(a[i], bj))
			}
		}
	})
	return cost, nil
}

// costBlockRows is the number of rows of the first set that EuclideanCost treats together;
// 8 rows of 1200 float64 (75 KiB) stay in a core's L2 cache.
const costBlockRows = 8

// checkVectors checks that set is non-empty, that every vector has length dim (the length of
// the first vector when dim < 0, which must be at least 1) and that every coordinate is
// finite; it returns the common length. name labels the set in errors.
func checkVectors(name string, set [][]float64, dim int) (int, error) {
	if len(set) == 0 {
		return 0, fmt.Errorf("metrics: %s is empty: %w", name, ErrShape)
	}
	if dim < 0 {
		dim = len(set[0])
		if dim == 0 {
			return 0, fmt.Errorf("metrics: %s: vector 0 has length 0: %w", name, ErrShape)
		}
	}
	for i, x := range set {
		if len(x) != dim {
			return 0, fmt.Errorf("metrics: %s: vector %d has length %d, want %d: %w", name, i, len(x), dim, ErrShape)
		}
		for d, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("metrics: %s: vector %d, coordinate %d is %v: %w", name, i, d, v, ErrValue)
			}
		}
	}
	return dim, nil
}

// sqDist returns sum_d (x[d] - y[d])² for len(y) >= len(x), with four partial sums combined
// in a fixed order.
func sqDist(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	d := 0
	for ; d+4 <= len(x); d += 4 {
		e0 := x[d] - y[d]
		e1 := x[d+1] - y[d+1]
		e2 := x[d+2] - y[d+2]
		e3 := x[d+3] - y[d+3]
		s0 += e0 * e0
		s1 += e1 * e1
		s2 += e2 * e2
		s3 += e3 * e3
	}
	for ; d < len(x); d++ {
		e := x[d] - y[d]
		s0 += e * e
	}
	return (s0 + s1) + (s2 + s3)
}

// parallelFor calls body(state, i) for i = 0, ..., n-1 on up to GOMAXPROCS goroutines, each
// with its own state from newState (work buffers). Indices are handed out in increasing order
// through a channel; body must write only to outputs owned by index i and must not let the
// result depend on the state's history, which makes the result independent of scheduling.
func parallelFor[S any](n int, newState func() S, body func(state S, i int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		st := newState()
		for i := 0; i < n; i++ {
			body(st, i)
		}
		return
	}
	next := make(chan int, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := newState()
			for i := range next {
				body(st, i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
