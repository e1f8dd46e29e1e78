package metrics

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/internal/lap"
)

// Assignment solves the linear assignment problem for a dense n x n cost matrix stored
// row-major in cost (cost[i*n+j] is the cost of giving column j to row i):
//
//	minimise  sum_i cost[i, σ(i)]  over permutations σ of {0, ..., n-1},
//
// and returns match (match[i] = σ(i), the column of row i) and the minimal total, summed in
// row order. It is the shortest augmenting path method of Jonker and Volgenant (1987): their
// initialisation (column reduction, reduction transfer, two rounds of augmenting row
// reduction) assigns most rows cheaply, and each row left free is then added to the matching
// along a shortest alternating path (Dijkstra on the reduced costs cost[i,j] - u[i] - v[j] >= 0)
// in the formulation of Crouse (2016, "On implementing 2D rectangular assignment
// algorithms") that scipy.optimize.linear_sum_assignment uses, the dual potentials u, v being
// updated so that reduced costs stay non-negative. It is exact in float64 arithmetic up to
// rounding, O(n³) in the worst case, sequential and deterministic: every tie is broken by a
// fixed scanning order, so equal inputs give equal matchings.
//
// n = 0 gives an empty matching of total 0. Errors (wrapping ErrShape or ErrValue): n < 0,
// len(cost) != n*n, a NaN or ±Inf cost (its row and column are named).
func Assignment(cost []float64, n int) (match []int, total float64, err error) {
	if n < 0 {
		return nil, 0, fmt.Errorf("metrics: assignment of size %d: %w", n, ErrShape)
	}
	if len(cost) != n*n {
		return nil, 0, fmt.Errorf("metrics: assignment of size %d x %d needs %d costs, have %d: %w", n, n, n*n, len(cost), ErrShape)
	}
	if err := checkFinite("assignment cost", cost, n); err != nil {
		return nil, 0, err
	}
	var s lap.Solver
	match = make([]int, n)
	total, err = s.Solve(cost, n, match)
	if err != nil {
		return nil, 0, fmt.Errorf("metrics: %v: %w", err, ErrValue)
	}
	return match, total, nil
}

// checkFinite returns an error naming the first NaN or ±Inf entry of an n x n matrix; what
// names the matrix.
func checkFinite(what string, cost []float64, n int) error {
	for k, c := range cost {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return fmt.Errorf("metrics: %s[%d, %d] = %v: %w", what, k/n, k%n, c, ErrValue)
		}
	}
	return nil
}
