package metrics

import (
	"fmt"
	"math"
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
	var s lapSolver
	match = make([]int, n)
	total, err = s.solve(cost, n, match)
	if err != nil {
		return nil, 0, err
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

// lapSolver holds the work buffers of the shortest augmenting path method, so that many
// problems of one size (EMD over a set of clouds) allocate once.
type lapSolver struct {
	u, v, dist     []float64 // row and column potentials; shortest path length to each column
	path           []int     // path[j]: row preceding column j on the shortest path tree
	col4row        []int     // col4row[i]: column matched to row i, -1 if none
	row4col        []int     // row4col[j]: row matched to column j, -1 if none
	remaining      []int     // columns not yet scanned in the current Dijkstra search
	scannedRows    []bool    // rows reached in the current search (SR in Crouse)
	scannedCols    []bool    // columns finalised in the current search (SC in Crouse)
	scannedRowList []int     // the rows of scannedRows, to reset them cheaply
	free           []int     // rows left free by reduce
	plain          bool      // skip reduce (tests compare both paths)
}

// resize makes the buffers hold n rows and columns.
func (s *lapSolver) resize(n int) {
	if cap(s.u) < n {
		s.u, s.v, s.dist = make([]float64, n), make([]float64, n), make([]float64, n)
		s.path, s.col4row, s.row4col = make([]int, n), make([]int, n), make([]int, n)
		s.remaining = make([]int, n)
		s.scannedRows, s.scannedCols = make([]bool, n), make([]bool, n)
		s.scannedRowList = make([]int, 0, n)
		s.free = make([]int, 0, n)
	}
	s.u, s.v, s.dist = s.u[:n], s.v[:n], s.dist[:n]
	s.path, s.col4row, s.row4col = s.path[:n], s.col4row[:n], s.row4col[:n]
	s.remaining = s.remaining[:n]
	s.scannedRows, s.scannedCols = s.scannedRows[:n], s.scannedCols[:n]
}

// solve runs the method on a validated n x n cost matrix, writes the matching into match
// (len n) and returns its total cost summed in row order.
func (s *lapSolver) solve(cost []float64, n int, match []int) (float64, error) {
	s.resize(n)
	for i := 0; i < n; i++ {
		s.u[i], s.v[i] = 0, 0
		s.col4row[i], s.row4col[i] = -1, -1
	}
	free := s.free[:0]
	if n >= 2 && !s.plain {
		free = s.reduce(cost, n)
	} else {
		for i := 0; i < n; i++ {
			free = append(free, i)
		}
	}
	for _, cur := range free {
		sink, minVal := s.augmentingPath(cost, n, cur)
		if sink < 0 {
			// Cannot happen with finite costs; kept so that a defect surfaces as an error.
			return 0, fmt.Errorf("metrics: assignment of size %d: no augmenting path from row %d: %w", n, cur, ErrValue)
		}
		// Update the dual potentials.
		s.u[cur] += minVal
		for _, i := range s.scannedRowList {
			if i != cur {
				s.u[i] += minVal - s.dist[s.col4row[i]]
			}
		}
		for j := 0; j < n; j++ {
			if s.scannedCols[j] {
				s.v[j] -= minVal - s.dist[j]
			}
		}
		// Augment the matching along the path ending at sink.
		for j := sink; ; {
			i := s.path[j]
			s.row4col[j] = i
			s.col4row[i], j = j, s.col4row[i]
			if i == cur {
				break
			}
		}
	}
	var total float64
	for i := 0; i < n; i++ {
		match[i] = s.col4row[i]
		total += cost[i*n+match[i]]
	}
	return total, nil
}

// augmentingPath finds a shortest alternating path from the free row cur to a free column
// by Dijkstra's method on reduced costs; it returns the sink column (-1 if none) and the
// length of the path. On return scannedRows/scannedRowList and scannedCols mark the rows and
// columns the search finalised and dist holds the tentative path lengths.
func (s *lapSolver) augmentingPath(cost []float64, n, cur int) (sink int, minVal float64) {
	inf := math.Inf(1)
	numRemaining := n
	for k := 0; k < n; k++ {
		// Filled in reverse, as in Crouse's implementation; removal swaps the last entry in.
		s.remaining[k] = n - k - 1
		s.dist[k] = inf
		s.scannedCols[k] = false
	}
	for _, i := range s.scannedRowList {
		s.scannedRows[i] = false
	}
	s.scannedRowList = s.scannedRowList[:0]
	u, v, dist, path, remaining, row4col := s.u, s.v, s.dist, s.path, s.remaining, s.row4col
	sink = -1
	i := cur
	for sink == -1 {
		s.scannedRows[i] = true
		s.scannedRowList = append(s.scannedRowList, i)
		row := cost[i*n : i*n+n]
		base := minVal - u[i]
		index := -1
		lowest := inf
		for k, j := range remaining[:numRemaining] {
			r := base + row[j] - v[j]
			if r < dist[j] {
				path[j] = i
				dist[j] = r
			}
			if d := dist[j]; d < lowest || (d == lowest && row4col[j] == -1) {
				lowest = d
				index = k
			}
		}
		minVal = lowest
		if index < 0 || math.IsInf(minVal, 1) {
			return -1, minVal
		}
		j := remaining[index]
		if row4col[j] == -1 {
			sink = j
		} else {
			i = row4col[j]
		}
		s.scannedCols[j] = true
		numRemaining--
		remaining[index] = remaining[numRemaining]
	}
	return sink, minVal
}
