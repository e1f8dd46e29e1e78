package ops

import (
	"fmt"
	"sort"
	"sync"

	"github.com/ncgn/ncgn/engine"
)

// Sparse is a fixed sparse matrix A of Rows x Cols in compressed-row form. One differentiable
// product A·X (SparseMatMul) expresses gathering rows by index, scatter-sum and scatter-mean
// into segments, and the normalised neighbourhood sums of GCNConv; its gradient is A^T·G.
// Entries of a row keep the order in which they were given, so every sum is taken in a fixed
// order and results are deterministic.
type Sparse struct {
	Rows, Cols int
	ptr        []int     // len Rows+1: row r holds entries ptr[r] .. ptr[r+1]-1
	col        []int     // column of each entry
	val        []float64 // weight of each entry; nil means every weight is 1

	once sync.Once
	t    *Sparse
}

// NewSparse builds A from coordinates: entry e has row r[e], column c[e] and weight w[e]
// (w may be nil for all ones). Repeated (row, column) pairs add up.
func NewSparse(rows, cols int, r, c []int, w []float64) (*Sparse, error) {
	if len(r) != len(c) || (w != nil && len(w) != len(r)) {
		return nil, fmt.Errorf("ops: sparse matrix with %d rows indices, %d column indices, %d weights: %w", len(r), len(c), len(w), engine.ErrShape)
	}
	if rows < 0 || cols < 0 {
		return nil, fmt.Errorf("ops: sparse matrix of %d x %d: %w", rows, cols, engine.ErrShape)
	}
	a := &Sparse{Rows: rows, Cols: cols, ptr: make([]int, rows+1), col: make([]int, len(r))}
	for e, ri := range r {
		if ri < 0 || ri >= rows {
			return nil, fmt.Errorf("ops: sparse entry %d has row %d outside [0, %d): %w", e, ri, rows, engine.ErrShape)
		}
		if c[e] < 0 || c[e] >= cols {
			return nil, fmt.Errorf("ops: sparse entry %d has column %d outside [0, %d): %w", e, c[e], cols, engine.ErrShape)
		}
		a.ptr[ri+1]++
	}
	for i := 0; i < rows; i++ {
		a.ptr[i+1] += a.ptr[i]
	}
	next := append([]int(nil), a.ptr[:rows]...)
	if w != nil {
		a.val = make([]float64, len(r))
	}
	for e, ri := range r { // counting sort: stable in e within a row
		k := next[ri]
		next[ri]++
		a.col[k] = c[e]
		if w != nil {
			a.val[k] = w[e]
		}
	}
	return a, nil
}

// NNZ is the number of stored entries.
func (a *Sparse) NNZ() int { return len(a.col) }

// T returns the transpose A^T, built once and cached.
func (a *Sparse) T() *Sparse {
	a.once.Do(func() {
		t := &Sparse{Rows: a.Cols, Cols: a.Rows, ptr: make([]int, a.Cols+1), col: make([]int, len(a.col))}
		for _, c := range a.col {
			t.ptr[c+1]++
		}
		for i := 0; i < a.Cols; i++ {
			t.ptr[i+1] += t.ptr[i]
		}
		next := append([]int(nil), t.ptr[:a.Cols]...)
		if a.val != nil {
			t.val = make([]float64, len(a.val))
		}
		for r := 0; r < a.Rows; r++ {
			for k := a.ptr[r]; k < a.ptr[r+1]; k++ {
				j := next[a.col[k]]
				next[a.col[k]]++
				t.col[j] = r
				if a.val != nil {
					t.val[j] = a.val[k]
				}
			}
		}
		t.t = a
		t.once.Do(func() {})
		a.t = t
	})
	return a.t
}

// Dense returns A as a dense row-major matrix (for tests).
func (a *Sparse) Dense() []float64 {
	out := make([]float64, a.Rows*a.Cols)
	for r := 0; r < a.Rows; r++ {
		for k := a.ptr[r]; k < a.ptr[r+1]; k++ {
			w := 1.0
			if a.val != nil {
				w = a.val[k]
			}
			out[r*a.Cols+a.col[k]] += w
		}
	}
	return out
}

// GatherMatrix is the selection matrix S of len(idx) x n with S[e, idx[e]] = 1: S·X gathers the
// rows idx of X.
func GatherMatrix(idx []int, n int) (*Sparse, error) {
	// One entry per row, in row order: the compressed form is written directly.
	a := &Sparse{Rows: len(idx), Cols: n, ptr: make([]int, len(idx)+1), col: make([]int, len(idx))}
	for e, i := range idx {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("ops: gather of %d rows from %d: entry %d has column %d outside [0, %d): %w", len(idx), n, e, i, n, engine.ErrShape)
		}
		a.ptr[e+1] = e + 1
	}
	copy(a.col, idx)
	return a, nil
}

// ScatterMatrix is the n x len(idx) matrix that adds row e of its operand into row idx[e]
// (S^T of GatherMatrix). With mean set, each output row is divided by its number of entries,
// so that empty segments stay zero.
func ScatterMatrix(idx []int, n int, mean bool) (*Sparse, error) {
	c := make([]int, len(idx))
	for e := range c {
		c[e] = e
	}
	var w []float64
	if mean {
		count := make([]int, n)
		for _, i := range idx {
			if i >= 0 && i < n {
				count[i]++
			}
		}
		w = make([]float64, len(idx))
		for e, i := range idx {
			if i >= 0 && i < n {
				w[e] = 1 / float64(count[i])
			}
		}
	}
	a, err := NewSparse(n, len(idx), idx, c, w)
	if err != nil {
		return nil, fmt.Errorf("ops: scatter of %d rows into %d segments: %w", len(idx), n, err)
	}
	return a, nil
}

// sortedCopy returns a sorted copy of xs (for tests and diagnostics).
func sortedCopy(xs []int) []int {
	out := append([]int(nil), xs...)
	sort.Ints(out)
	return out
}

// sparseKey names a gather or scatter matrix by its index list (the address of its first
// element and its length: the index lists of one step are fixed while it runs), the number of
// rows it selects from or scatters into, and its kind.
type sparseKey struct {
	idx  *int
	len  int
	n    int
	kind byte // 'g' gather, 's' scatter-sum, 'm' scatter-mean
}

// sparseFor returns the gather or scatter matrix over idx (see sparseKey), built once per
// arena (memoize).
func sparseFor(a *engine.Arena, idx []int, n int, kind byte, build func() (*Sparse, error)) (*Sparse, error) {
	if len(idx) == 0 {
		return build()
	}
	return engine.Memoize(a, sparseKey{idx: &idx[0], len: len(idx), n: n, kind: kind}, build)
}
