package layers

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// mseOp computes mean((a - b)²) over every entry of two tensors of one shape, summed in
// float64 in a fixed order; the output is a gorgonia scalar (*F32 or *F64), which gorgonia's
// own scalar ops also accept.
type mseOp struct{ opBase }

// MSE returns the scalar mean((pred - target)²) over every entry of two nodes of one shape: the
// training loss of DDPM (target ε) and flow matching (target x - ε). Its gradient is
// 2 (pred - target) / n for pred and the negative for target.
func MSE(pred, target *gorgonia.Node) (*gorgonia.Node, error) {
	if !pred.Shape().Eq(target.Shape()) {
		return nil, fmt.Errorf("layers: MSE of %v and %v: %w", pred.Shape(), target.Shape(), ErrShape)
	}
	if pred.Shape().TotalSize() == 0 {
		return nil, fmt.Errorf("layers: MSE of empty tensors: %w", ErrShape)
	}
	return applyOp(&mseOp{newOpBase("mse", 0, pred.Dims(), target.Dims())}, pred, target)
}

func (op *mseOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

func (op *mseOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	a, b, err := sameSizePair(op.name, in[0], in[1])
	if err != nil {
		return nil, err
	}
	switch ad := a.Data().(type) {
	case []float32:
		return gorgonia.NewF32(float32(meanSquaredDiff(ad, b.Data().([]float32)))), nil
	case []float64:
		return gorgonia.NewF64(meanSquaredDiff(ad, b.Data().([]float64))), nil
	}
	return nil, fmt.Errorf("layers: %s on %v: %w", op.name, a.Dtype(), ErrShape)
}

func (op *mseOp) DiffWRT(n int) []bool { return allInputs(n) }

func (op *mseOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	gp, err := applyOp(&mseGradOp{opBase: newOpBase("mse'", inputs[0].Dims(), inputs[0].Dims(), inputs[1].Dims(), 0), sign: 1}, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, err
	}
	gt, err := applyOp(&mseGradOp{opBase: newOpBase("mse'", inputs[0].Dims(), inputs[0].Dims(), inputs[1].Dims(), 0), sign: -1}, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{gp, gt}, nil
}

// mseGradOp computes sign · g · 2 (a - b) / n from a, b and the scalar upstream gradient g.
type mseGradOp struct {
	opBase
	sign float64
}

func (op *mseGradOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in[0])
	return s.Clone(), err
}

func (op *mseGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	a, b, err := sameSizePair(op.name, in[0], in[1])
	if err != nil {
		return nil, err
	}
	g, err := scalarOf(in[2])
	if err != nil {
		return nil, fmt.Errorf("layers: %s: upstream gradient: %w", op.name, err)
	}
	c := op.sign * g * 2 / float64(a.Shape().TotalSize())
	out := op.newUninit(a, a.Shape()...)
	switch od := out.Data().(type) {
	case []float32:
		scaledDiff(od, a.Data().([]float32), b.Data().([]float32), float32(c))
	case []float64:
		scaledDiff(od, a.Data().([]float64), b.Data().([]float64), c)
	default:
		return nil, fmt.Errorf("layers: %s on %v: %w", op.name, a.Dtype(), ErrShape)
	}
	return out, nil
}

// sameSizePair returns the dense tensors behind a and b, which must have one size and dtype.
func sameSizePair(name string, a, b gorgonia.Value) (*tensor.Dense, *tensor.Dense, error) {
	ad, err := denseOf(a)
	if err != nil {
		return nil, nil, err
	}
	bd, err := denseOf(b)
	if err != nil {
		return nil, nil, err
	}
	if ad.Shape().TotalSize() != bd.Shape().TotalSize() || ad.Dtype() != bd.Dtype() {
		return nil, nil, fmt.Errorf("layers: %s of %v %v and %v %v: %w", name, ad.Shape(), ad.Dtype(), bd.Shape(), bd.Dtype(), ErrShape)
	}
	return ad, bd, nil
}

// scalarOf returns the single number a scalar value holds (a dense tensor of one element or a
// gorgonia scalar).
func scalarOf(v gorgonia.Value) (float64, error) {
	switch x := v.(type) {
	case *gorgonia.F32:
		return float64(*x), nil
	case *gorgonia.F64:
		return float64(*x), nil
	case *tensor.Dense:
		if f := toFloat64s(x); len(f) == 1 {
			return f[0], nil
		}
	}
	return 0, fmt.Errorf("want a scalar, got %T of shape %v: %w", v, v.Shape(), ErrShape)
}

// meanSquaredDiff returns mean((a - b)²), accumulated in float64.
func meanSquaredDiff[T float](a, b []T) float64 {
	var s float64
	for i, v := range a {
		d := float64(v) - float64(b[i])
		s += d * d
	}
	return s / float64(len(a))
}

// scaledDiff writes c (a - b) into out.
func scaledDiff[T float](out, a, b []T, c T) {
	for i, v := range a {
		out[i] = c * (v - b[i])
	}
}
