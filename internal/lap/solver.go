package lap

import (
	"errors"
	"fmt"
	"math"
)

// ErrNoPath reports a failed augmentation, which finite costs cannot cause: a defect surfaces
// as this error rather than as a wrong matching.
var ErrNoPath = errors.New("no augmenting path")

// Solver holds the work buffers of the shortest augmenting path method, so that many
// problems of one size (EMD over a set of clouds) allocate once.
type Solver struct {
	u, v, dist     []float64 // row and column potentials; shortest path length to each column
	path           []int     // path[j]: row preceding column j on the shortest path tree
	col4row        []int     // col4row[i]: column matched to row i, -1 if none
	row4col        []int     // row4col[j]: row matched to column j, -1 if none
	remaining      []int     // columns not yet scanned in the current Dijkstra search
	scannedRows    []bool    // rows reached in the current search (SR in Crouse)
	scannedCols    []bool    // columns finalised in the current search (SC in Crouse)
	scannedRowList []int     // the rows of scannedRows, to reset them cheaply
	free           []int     // rows left free by reduce
	Plain          bool      // skip reduce (tests compare both paths)
}

// resize makes the buffers hold n rows and columns.
func (s *Solver) resize(n int) {
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

// Solve runs the method on an n x n cost matrix of finite values (the caller checks them), writes the matching into match
// (len n) and returns its total cost summed in row order.
func (s *Solver) Solve(cost []float64, n int, match []int) (float64, error) {
	s.resize(n)
	for i := 0; i < n; i++ {
		s.u[i], s.v[i] = 0, 0
		s.col4row[i], s.row4col[i] = -1, -1
	}
	free := s.free[:0]
	if n >= 2 && !s.Plain {
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
			return 0, fmt.Errorf("lap: assignment of size %d: no augmenting path from row %d: %w", n, cur, ErrNoPath)
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
func (s *Solver) augmentingPath(cost []float64, n, cur int) (sink int, minVal float64) {
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
