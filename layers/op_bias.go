package layers

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// biasAddOp adds a row vector b ([1, F]) to every row of x ([n, F]) in one parallel pass.
type biasAddOp struct{ opBase }

// AddBias returns x + b with b of shape [1, F] broadcast over the rows of x ([n, F]).
// The gradient is g for x and the column sums of g for b.
func AddBias(x, b *gorgonia.Node) (*gorgonia.Node, error) {
	if x.Dims() != 2 || b.Dims() != 2 || b.Shape()[0] != 1 || b.Shape()[1] != x.Shape()[1] {
		return nil, fmt.Errorf("layers: AddBias of %v and %v: %w", x.Shape(), b.Shape(), ErrShape)
	}
	return applyOp(&biasAddOp{newOpBase("addbias", 2, 2, 2)}, x, b)
}

func (op *biasAddOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in[0])
	return s.Clone(), err
}

func (op *biasAddOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := denseInputs(in)
	if err != nil {
		return nil, err
	}
	x, b := ts[0], ts[1]
	n, f := x.Shape()[0], x.Shape()[1]
	out := op.newLike(x, n, f)
	switch xd := x.Data().(type) {
	case []float32:
		addBias(xd, b.Data().([]float32), out.Data().([]float32), n, f)
	case []float64:
		addBias(xd, b.Data().([]float64), out.Data().([]float64), n, f)
	}
	return out, nil
}

func (op *biasAddOp) DiffWRT(int) []bool { return []bool{true, true} }

func (op *biasAddOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	db, err := applyOp(&colSumOp{newOpBase("colsum", 2, 2)}, grad)
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{grad, db}, nil
}

func addBias[T float](x, b, out []T, n, f int) {
	parallelFor(n, f, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			o := out[i*f : (i+1)*f]
			for j, v := range x[i*f : (i+1)*f] {
				o[j] = v + b[j]
			}
		}
	})
}

// colSumOp sums the rows of x ([n, F]) into [1, F], chunk by chunk in a fixed order.
type colSumOp struct{ opBase }

func (op *colSumOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in[0])
	if err != nil {
		return nil, err
	}
	return tensor.Shape{1, s[1]}, nil
}

func (op *colSumOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := denseOf(in[0])
	if err != nil {
		return nil, err
	}
	n, f := x.Shape()[0], x.Shape()[1]
	out := op.newLike(x, 1, f)
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
	return nil, fmt.Errorf("layers: second derivative of AddBias: %w", ErrConfig)
}

func colSum[T float](x, out []T, n, f int) {
	chunks := (n + statsChunk - 1) / statsChunk
	part := make([]float64, chunks*f)
	parallelFor(chunks, statsChunk*f, func(lo, hi int) {
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
