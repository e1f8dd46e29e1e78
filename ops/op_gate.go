package ops

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/parallel"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// gateMixOp computes σ(z) ⊙ a + (1 − σ(z)) ⊙ b in one pass.
type gateMixOp struct {
	engine.OpBase
	sig any // σ(z) from the forward pass (same dtype as z), read by the gradients
}

// GateMix returns σ(z) ⊙ a + (1 − σ(z)) ⊙ b for three tensors of the same shape: the sigmoid
// gate of the paper's Algorithm 1 that mixes a node's own features a with the spread message b.
// gradients: dz = g ⊙ (a − b) ⊙ σ(1 − σ), da = g ⊙ σ, db = g ⊙ (1 − σ).
func GateMix(z, a, b *gorgonia.Node) (*gorgonia.Node, error) {
	if !z.Shape().Eq(a.Shape()) || !z.Shape().Eq(b.Shape()) || z.Dims() != 2 {
		return nil, fmt.Errorf("ops: GateMix of %v, %v, %v: %w", z.Shape(), a.Shape(), b.Shape(), engine.ErrShape)
	}
	return engine.ApplyOp(&gateMixOp{OpBase: engine.NewOpBase("gatemix", 2, 2, 2, 2)}, z, a, b)
}

func (op *gateMixOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	return s.Clone(), err
}

func (op *gateMixOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := engine.DenseInputs(in)
	if err != nil {
		return nil, err
	}
	out := op.NewUninit(ts[0], ts[0].Shape()...) // every element is written
	switch z := ts[0].Data().(type) {
	case []float32:
		sig := engine.Alloc[float32](op.Arena(), len(z), false)
		op.sig = sig
		gateMix(z, ts[1].Data().([]float32), ts[2].Data().([]float32), out.Data().([]float32), sig)
	case []float64:
		sig := engine.Alloc[float64](op.Arena(), len(z), false)
		op.sig = sig
		gateMix(z, ts[1].Data().([]float64), ts[2].Data().([]float64), out.Data().([]float64), sig)
	}
	return out, nil
}

func (op *gateMixOp) DiffWRT(int) []bool { return []bool{true, true, true} }

func (op *gateMixOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	out := make(gorgonia.Nodes, 3)
	for w := 0; w < 3; w++ {
		n, err := engine.ApplyOp(&gateMixGradOp{OpBase: engine.NewOpBase(fmt.Sprintf("gatemix'%d", w), 2, 2, 2, 2, 2), which: w, fwd: op}, inputs[0], inputs[1], inputs[2], grad)
		if err != nil {
			return nil, err
		}
		out[w] = n
	}
	return out, nil
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// sigmoidTableFor returns the sigmoid table for float32 kernels and nil for float64 ones,
// which compute σ exactly (sigmoidT).
func sigmoidTableFor[T engine.Float]() []float32 {
	if engine.IsFloat32[T]() {
		return sigmoidTable()
	}
	return nil
}

// sigmoidT is σ(z) for a kernel's element type: from the cubic table at float32 precision
// when tab is set (gelu_table.go), exactly otherwise.
func sigmoidT[T engine.Float](z T, tab []float32) T {
	if tab != nil {
		return T(sigmoid32(float32(z), tab))
	}
	return T(sigmoid(float64(z)))
}

// gateMix computes out = σ(z) a + (1 − σ(z)) b and keeps σ(z) in sig.
func gateMix[T engine.Float](z, a, b, out, sig []T) {
	tab := sigmoidTableFor[T]()
	parallel.For(len(z), 20, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			s := sigmoidT(z[i], tab)
			sig[i] = s
			out[i] = s*a[i] + (1-s)*b[i]
		}
	})
}

// gateMixGradOp computes the gradient of GateMix with respect to z (0), a (1) or b (2).
type gateMixGradOp struct {
	engine.OpBase
	which int
	fwd   *gateMixOp
}

func (op *gateMixGradOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	return s.Clone(), err
}

func (op *gateMixGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := engine.DenseInputs(in)
	if err != nil {
		return nil, err
	}
	out := op.NewUninit(ts[0], ts[0].Shape()...) // every element is written
	switch z := ts[0].Data().(type) {
	case []float32:
		sig, _ := op.fwd.sig.([]float32)
		gateMixGrad(op.which, z, ts[1].Data().([]float32), ts[2].Data().([]float32), ts[3].Data().([]float32), out.Data().([]float32), sig)
	case []float64:
		sig, _ := op.fwd.sig.([]float64)
		gateMixGrad(op.which, z, ts[1].Data().([]float64), ts[2].Data().([]float64), ts[3].Data().([]float64), out.Data().([]float64), sig)
	}
	return out, nil
}

func (op *gateMixGradOp) DiffWRT(int) []bool { return []bool{false, false, false, false} }
func (op *gateMixGradOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("ops: second derivative of GateMix: %w", engine.ErrConfig)
}

// gateMixGrad computes one gradient of GateMix; sig holds σ(z) from the forward pass (or nil:
// then it is recomputed).
func gateMixGrad[T engine.Float](which int, z, a, b, g, out, sig []T) {
	tab := sigmoidTableFor[T]()
	if len(sig) != len(z) {
		sig = nil
	}
	parallel.For(len(z), 4, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var s T
			if sig != nil {
				s = sig[i]
			} else {
				s = sigmoidT(z[i], tab)
			}
			switch which {
			case 0:
				out[i] = g[i] * (a[i] - b[i]) * s * (1 - s)
			case 1:
				out[i] = g[i] * s
			case 2:
				out[i] = g[i] * (1 - s)
			}
		}
	})
}
