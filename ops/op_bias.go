package ops

import (
	"fmt"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/parallel"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// biasAddOp adds a row vector b ([1, F]) to every row of x ([n, F]), and any further [n, F]
// addends, in one parallel pass.
type biasAddOp struct{ engine.OpBase }

// AddBias returns x + b (+ extra[0] + extra[1] ...) with b of shape [1, F] broadcast over the
// rows of x ([n, F]) and the extra addends of x's shape, in one pass over the data (a Linear's
// bias and a residual connection or a second product, without a pass of their own).
// The gradient is g for x and each extra addend, and the column sums of g for b.
func AddBias(x, b *gorgonia.Node, extra ...*gorgonia.Node) (*gorgonia.Node, error) {
	if x.Dims() != 2 || b.Dims() != 2 || b.Shape()[0] != 1 || b.Shape()[1] != x.Shape()[1] {
		return nil, fmt.Errorf("ops: AddBias of %v and %v: %w", x.Shape(), b.Shape(), engine.ErrShape)
	}
	dims := []int{2, 2}
	for _, e := range extra {
		if !e.Shape().Eq(x.Shape()) {
			return nil, fmt.Errorf("ops: AddBias of %v with an addend %v: %w", x.Shape(), e.Shape(), engine.ErrShape)
		}
		dims = append(dims, 2)
	}
	return engine.ApplyOp(&biasAddOp{engine.NewOpBase(fmt.Sprintf("addbias%d", len(extra)), 2, dims...)}, append([]*gorgonia.Node{x, b}, extra...)...)
}

func (op *biasAddOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	return s.Clone(), err
}

func (op *biasAddOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := engine.DenseInputs(in)
	if err != nil {
		return nil, err
	}
	x, b := ts[0], ts[1]
	n, f := x.Shape()[0], x.Shape()[1]
	for _, e := range ts[2:] {
		if e.Shape().TotalSize() != n*f || e.Dtype() != x.Dtype() {
			return nil, fmt.Errorf("ops: AddBias of %v with an addend %v %v: %w", x.Shape(), e.Shape(), e.Dtype(), engine.ErrShape)
		}
	}
	out := op.NewUninit(x, n, f)
	switch xd := x.Data().(type) {
	case []float32:
		d := engine.DataOf[float32](ts)
		addBias(xd, b.Data().([]float32), d[2:], out.Data().([]float32), n, f)
	case []float64:
		d := engine.DataOf[float64](ts)
		addBias(xd, b.Data().([]float64), d[2:], out.Data().([]float64), n, f)
	default:
		return nil, fmt.Errorf("ops: AddBias on %v: %w", x.Dtype(), engine.ErrShape)
	}
	return out, nil
}

func (op *biasAddOp) DiffWRT(n int) []bool { return engine.AllInputs(n) }

func (op *biasAddOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	db, err := engine.ApplyOp(&colSumOp{engine.NewOpBase("colsum", 2, 2)}, grad)
	if err != nil {
		return nil, err
	}
	g := gorgonia.Nodes{grad, db}
	for range inputs[2:] {
		g = append(g, grad)
	}
	return g, nil
}

// addBias writes out = x + b (broadcast over rows) + the sum of extra; every element is written.
func addBias[T engine.Float](x, b []T, extra [][]T, out []T, n, f int) {
	parallel.For(n, f*(1+len(extra)), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			o := out[i*f : (i+1)*f]
			bb := b[:len(o)]
			for j, v := range x[i*f : (i+1)*f] {
				o[j] = v + bb[j]
			}
			for _, e := range extra {
				er := e[i*f : (i+1)*f]
				er = er[:len(o)]
				for j := range o {
					o[j] += er[j]
				}
			}
		}
	})
}

// colSumOp sums the rows of x ([n, F]) into [1, F], chunk by chunk in a fixed order.
type colSumOp struct{ engine.OpBase }

func (op *colSumOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	if err != nil {
		return nil, err
	}
	return tensor.Shape{1, s[1]}, nil
}

func (op *colSumOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := engine.DenseOf(in[0])
	if err != nil {
		return nil, err
	}
	n, f := x.Shape()[0], x.Shape()[1]
	out := op.NewLike(x, 1, f)
	switch xd := x.Data().(type) {
	case []float32:
		colSum(xd, out.Data().([]float32), n, f)
	case []float64:
		colSum(xd, out.Data().([]float64), n, f)
	}
	return out, nil
}

func (op *colSumOp) DiffWRT(int) []bool { return []bool{false} }
func (op *colSumOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("ops: second derivative of AddBias: %w", engine.ErrConfig)
}

func colSum[T engine.Float](x, out []T, n, f int) {
	chunks := (n + statsChunk - 1) / statsChunk
	part := make([]float64, chunks*f)
	parallel.For(chunks, statsChunk*f, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			p := part[c*f : (c+1)*f]
			for i := c * statsChunk; i < min((c+1)*statsChunk, n); i++ {
				for j, v := range x[i*f : (i+1)*f] {
					p[j] += float64(v)
				}
			}
		}
	})
	for j := 0; j < f; j++ {
		var s float64
		for c := 0; c < chunks; c++ {
			s += part[c*f+j]
		}
		out[j] = T(s)
	}
}
