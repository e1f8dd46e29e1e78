package lap

import "math"

// reduce runs the initialisation phases of Jonker and Volgenant (1987, "A shortest
// augmenting path algorithm for dense and sparse linear assignment problems") on a validated
// n x n cost matrix, n >= 2: column reduction, reduction transfer and two rounds of
// augmenting row reduction. They assign most rows cheaply and leave the rest to the shortest
// augmenting paths of solve. On return:
//
//	v is dual feasible: cost[i,j] - v[j] >= u[i] for all i, j (up to rounding),
//	every assigned row i has u[i] = cost[i, col4row[i]] - v[col4row[i]] = min_j cost[i,j] - v[j],
//
// so the reduced costs cost[i,j] - u[i] - v[j] of assigned rows are non-negative and zero on
// the matching, which is all the augmentation needs; the free rows are returned in the order
// they are to be augmented. Every step keeps these invariants, so the cap on the augmenting
// row reduction's work (a guard against its long chains on near-tied costs) never affects
// the result, only how much is left to the augmentation.
func (s *Solver) reduce(cost []float64, n int) []int {
	u, v, col4row, row4col := s.u, s.v, s.col4row, s.row4col
	colMin, argMin, matches := s.dist, s.path, s.remaining // borrowed work buffers
	// Column reduction: v[j] = min_i cost[i,j] (lowest row on ties), scanning rows for cache
	// locality; then columns in reverse order (as Jonker and Volgenant) give each argmin row
	// its column of smallest v.
	copy(colMin, cost[:n])
	for j := range argMin {
		argMin[j], matches[j] = 0, 0
	}
	for i := 1; i < n; i++ {
		row := cost[i*n : i*n+n]
		for j, c := range row {
			if c < colMin[j] {
				colMin[j], argMin[j] = c, i
			}
		}
	}
	for j := n - 1; j >= 0; j-- {
		v[j] = colMin[j]
		i := argMin[j]
		matches[i]++
		if matches[i] == 1 {
			col4row[i], row4col[j] = j, i
		} else if v[j] < v[col4row[i]] {
			row4col[col4row[i]] = -1
			col4row[i], row4col[j] = j, i
		}
	}
	// Reduction transfer: a row that is the argmin of exactly one column gives that column
	// the slack to its second-best column; collect the free rows.
	free := s.free[:0]
	for i := 0; i < n; i++ {
		switch matches[i] {
		case 0:
			free = append(free, i)
		case 1:
			j1 := col4row[i]
			best := math.Inf(1)
			row := cost[i*n : i*n+n]
			for j, c := range row {
				if j != j1 {
					best = math.Min(best, c-v[j])
				}
			}
			v[j1] -= best
		}
	}
	// Augmenting row reduction, twice: a free row takes its best column, pushing out that
	// column's row, which continues the chain while the best column's reduced cost can be
	// raised to the second best.
	budget := 4 * n
	for round := 0; round < 2; round++ {
		k, prev, numFree := 0, len(free), 0
		for k < prev {
			i := free[k]
			k++
			row := cost[i*n : i*n+n]
			umin, j1 := row[0]-v[0], 0
			usub, j2 := math.Inf(1), -1
			for j := 1; j < n; j++ {
				h := row[j] - v[j]
				if h < usub {
					if h >= umin {
						usub, j2 = h, j
					} else {
						usub, j2 = umin, j1
						umin, j1 = h, j
					}
				}
			}
			i0 := row4col[j1]
			if umin < usub {
				v[j1] -= usub - umin
			} else if i0 >= 0 { // tie: the second best column may be free
				j1, i0 = j2, row4col[j2]
			}
			col4row[i], row4col[j1] = j1, i
			if i0 >= 0 {
				col4row[i0] = -1
				if umin < usub && budget > 0 {
					budget--
					k--
					free[k] = i0 // continue the chain with the displaced row
				} else {
					free[numFree] = i0
					numFree++
				}
			}
		}
		free = free[:numFree]
	}
	for i := 0; i < n; i++ {
		if j := col4row[i]; j >= 0 {
			u[i] = cost[i*n+j] - v[j]
		} else {
			u[i] = 0
		}
	}
	s.free = free
	return free
}
