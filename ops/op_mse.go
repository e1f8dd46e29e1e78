package ops

import (
	"fmt"

	"github.com/ncgn/ncgn/engine"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// mseOp computes mean((a - b)²) over every entry of two tensors of one shape, summed in
// float64 in a fixed order; the output is a gorgonia scalar (*F32 or *F64), which gorgonia's
// own scalar ops also accept.
type mseOp struct{ engine.OpBase }

// MSE returns the scalar mean((pred - target)²) over every entry of two nodes of one shape: the
// training loss of DDPM (target ε) and flow matching (target x - ε). Its gradient is
// 2 (pred - target) / n for pred and the negative for target.
func MSE(pred, target *gorgonia.Node) (*gorgonia.Node, error) {
	if !pred.Shape().Eq(target.Shape()) {
		return nil, fmt.Errorf("ops: MSE of %v and %v: %w", pred.Shape(), target.Shape(), engine.ErrShape)
	}
	if pred.Shape().TotalSize() == 0 {
		return nil, fmt.Errorf("ops: MSE of empty tensors: %w", engine.ErrShape)
	}
	return engine.ApplyOp(&mseOp{engine.NewOpBase("mse", 0, pred.Dims(), target.Dims())}, pred, target)
}

func (op *mseOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

func (op *mseOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	a, b, err := sameSizePair(op.String(), in[0], in[1])
	if err != nil {
		return nil, err
	}
	switch ad := a.Data().(type) {
	case []float32:
		return gorgonia.NewF32(float32(meanSquaredDiff(ad, b.Data().([]float32)))), nil
	case []float64:
		return gorgonia.NewF64(meanSquaredDiff(ad, b.Data().([]float64))), nil
	}
	return nil, fmt.Errorf("ops: %s on %v: %w", op.String(), a.Dtype(), engine.ErrShape)
}

func (op *mseOp) DiffWRT(n int) []bool { return engine.AllInputs(n) }

func (op *mseOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	gp, err := engine.ApplyOp(&mseGradOp{OpBase: engine.NewOpBase("mse'", inputs[0].Dims(), inputs[0].Dims(), inputs[1].Dims(), 0), sign: 1}, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, err
	}
	gt, err := engine.ApplyOp(&mseGradOp{OpBase: engine.NewOpBase("mse'", inputs[0].Dims(), inputs[0].Dims(), inputs[1].Dims(), 0), sign: -1}, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{gp, gt}, nil
}

// mseGradOp computes sign · g · 2 (a - b) / n from a, b and the scalar upstream gradient g.
type mseGradOp struct {
	engine.OpBase
	sign float64
}

func (op *mseGradOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	return s.Clone(), err
}

func (op *mseGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	a, b, err := sameSizePair(op.String(), in[0], in[1])
	if err != nil {
		return nil, err
	}
	g, err := engine.ScalarOf(in[2])
	if err != nil {
		return nil, fmt.Errorf("ops: %s: upstream gradient: %w", op.String(), err)
	}
	c := op.sign * g * 2 / float64(a.Shape().TotalSize())
	out := op.NewUninit(a, a.Shape()...)
	switch od := out.Data().(type) {
	case []float32:
		scaledDiff(od, a.Data().([]float32), b.Data().([]float32), float32(c))
	case []float64:
		scaledDiff(od, a.Data().([]float64), b.Data().([]float64), c)
	default:
		return nil, fmt.Errorf("ops: %s on %v: %w", op.String(), a.Dtype(), engine.ErrShape)
	}
	return out, nil
}

// sameSizePair returns the dense tensors behind a and b, which must have one size and dtype.
func sameSizePair(name string, a, b gorgonia.Value) (*tensor.Dense, *tensor.Dense, error) {
	ad, err := engine.DenseOf(a)
	if err != nil {
		return nil, nil, err
	}
	bd, err := engine.DenseOf(b)
	if err != nil {
		return nil, nil, err
	}
	if ad.Shape().TotalSize() != bd.Shape().TotalSize() || ad.Dtype() != bd.Dtype() {
		return nil, nil, fmt.Errorf("ops: %s of %v %v and %v %v: %w", name, ad.Shape(), ad.Dtype(), bd.Shape(), bd.Dtype(), engine.ErrShape)
	}
	return ad, bd, nil
}

// meanSquaredDiff returns mean((a - b)²), accumulated in float64.
func meanSquaredDiff[T engine.Float](a, b []T) float64 {
	var s float64
	for i, v := range a {
		d := float64(v) - float64(b[i])
		s += d * d
	}
	return s / float64(len(a))
}

// scaledDiff writes c (a - b) into out.
func scaledDiff[T engine.Float](out, a, b []T, c T) {
	for i, v := range a {
		out[i] = c * (v - b[i])
	}
}
