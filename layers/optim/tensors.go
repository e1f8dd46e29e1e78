package optim

import (
	"fmt"

	"github.com/ncgn/ncgn/layers"
	"gorgonia.org/tensor"
)

// store holds one float slice of dtype T per tracked parameter: Adam's moments, the EMA copy.
type store[T float] [][]T

// newStore returns zeroed slices of the given sizes.
func newStore[T float](sizes []int) store[T] {
	s := make(store[T], len(sizes))
	for i, n := range sizes {
		s[i] = make([]T, n)
	}
	return s
}

// data32 and data64 return the backing slice of a parameter tensor without copying; the
// caller has checked the dtype (checkLayout).
func data32(t *tensor.Dense) []float32 { return t.Float32s() }
func data64(t *tensor.Dense) []float64 { return t.Float64s() }

// sizesOf returns the number of elements of each parameter.
func sizesOf(params []*layers.Param) []int {
	s := make([]int, len(params))
	for i, p := range params {
		s[i] = p.Value.Shape().TotalSize()
	}
	return s
}

// checkTensor verifies that t (the value or gradient of parameter p, says what) is a dense
// tensor of dtype dt with exactly n elements in its backing slice.
func checkTensor(p *layers.Param, what string, t *tensor.Dense, dt tensor.Dtype, n int) error {
	if t == nil {
		return fmt.Errorf("optim: parameter %q has no %s: %w", p.Name, what, ErrShape)
	}
	if t.Dtype() != dt {
		return fmt.Errorf("optim: parameter %q: %s dtype %v, want %v: %w", p.Name, what, t.Dtype(), dt, ErrShape)
	}
	if t.Shape().TotalSize() != n || t.DataSize() != n {
		return fmt.Errorf("optim: parameter %q: %s shape %v (%d stored values), want %d values: %w",
			p.Name, what, t.Shape(), t.DataSize(), n, ErrShape)
	}
	return nil
}

// checkParams verifies that params still have the dtype and sizes recorded in sizes, and
// gradients alike when grads is true: the layout an Adam or EMA was made for.
func checkParams(params []*layers.Param, sizes []int, dt tensor.Dtype, grads bool) error {
	for i, p := range params {
		if err := checkTensor(p, "value", p.Value, dt, sizes[i]); err != nil {
			return err
		}
		if grads {
			if err := checkTensor(p, "gradient", p.Grad, dt, sizes[i]); err != nil {
				return err
			}
		}
	}
	return nil
}
