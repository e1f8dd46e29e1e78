package engine

import (
	"fmt"

	"github.com/ncgn/ncgn/internal/parallel"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// addOp computes the element-wise sum of its inputs, all of one shape, in one pass.
type addOp struct{ OpBase }

// Add returns the element-wise sum of two or more nodes of the same shape (one pass over the
// data and one output buffer from the Scope's arena, where chained gorgonia.Adds take one pass
// and a fresh buffer each). The gradient of every input is the upstream gradient.
func Add(xs ...*gorgonia.Node) (*gorgonia.Node, error) {
	if len(xs) < 2 {
		return nil, fmt.Errorf("engine: Add of %d nodes: %w (need at least two)", len(xs), ErrShape)
	}
	dims := make([]int, len(xs))
	for i, x := range xs {
		if !x.Shape().Eq(xs[0].Shape()) {
			return nil, fmt.Errorf("engine: Add of %v and %v: %w", xs[0].Shape(), x.Shape(), ErrShape)
		}
		dims[i] = x.Dims()
	}
	return ApplyOp(&addOp{NewOpBase(fmt.Sprintf("add%d", len(xs)), xs[0].Dims(), dims...)}, xs...)
}

func (op *addOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := ShapeOf(in[0])
	return s.Clone(), err
}

func (op *addOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := DenseInputs(in)
	if err != nil {
		return nil, err
	}
	for _, t := range ts[1:] {
		if t.Shape().TotalSize() != ts[0].Shape().TotalSize() || t.Dtype() != ts[0].Dtype() {
			return nil, fmt.Errorf("engine: %s of %v %v and %v %v: %w", op.name, ts[0].Shape(), ts[0].Dtype(), t.Shape(), t.Dtype(), ErrShape)
		}
	}
	out := op.NewUninit(ts[0], ts[0].Shape()...)
	switch out.Dtype() {
	case tensor.Float32:
		AddAll(out.Data().([]float32), DataOf[float32](ts))
	case tensor.Float64:
		AddAll(out.Data().([]float64), DataOf[float64](ts))
	default:
		return nil, fmt.Errorf("engine: %s on %v: %w", op.name, out.Dtype(), ErrShape)
	}
	return out, nil
}

func (op *addOp) DiffWRT(n int) []bool { return AllInputs(n) }

func (op *addOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	g := make(gorgonia.Nodes, len(inputs))
	for i := range g {
		g[i] = grad
	}
	return g, nil
}

// DataOf returns the backing slices of ts, which all hold T.
func DataOf[T Float](ts []*tensor.Dense) [][]T {
	d := make([][]T, len(ts))
	for i, t := range ts {
		d[i] = t.Data().([]T)
	}
	return d
}

// AddAll writes the element-wise sum of xs into out, in parallel over blocks of elements.
func AddAll[T Float](out []T, xs [][]T) {
	const block = 1024
	n := len(out)
	parallel.For((n+block-1)/block, block*len(xs), func(lo, hi int) {
		for b := lo; b < hi; b++ {
			s, e := b*block, min((b+1)*block, n)
			o := out[s:e]
			copy(o, xs[0][s:e])
			for _, x := range xs[1:] {
				x = x[s:e]
				for j := range o {
					o[j] += x[j]
				}
			}
		}
	})
}
