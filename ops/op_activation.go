package ops

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/parallel"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Activation names an element-wise non-linearity.
type Activation string

// The activations of the paper's networks.
const (
	// GELU is the exact Gaussian error linear unit x Φ(x) = x/2 (1 + erf(x/√2)) (the paper's Table 5).
	GELU Activation = "gelu"
	// ReLU is max(x, 0) (the reference code's MLP helper).
	ReLU Activation = "relu"
	// Identity leaves its input unchanged.
	Identity Activation = "identity"
	// SiLU is x σ(x) (DiT's timestep and adaLN MLPs).
	SiLU Activation = "silu"
	// GELUTanh is the tanh approximation x/2 (1 + tanh(√(2/π) (x + 0.044715 x³))) (DiT's MLPs).
	GELUTanh Activation = "gelu-tanh"
	// leakyReLU is max(x, 0) + slope min(x, 0); used through LeakyReLU (GATConv, slope 0.2).
	leakyReLU Activation = "leakyrelu"
)

// activationOp applies an activation element-wise in one fused, parallel pass. The composite
// form of GELU in gorgonia allocates several full copies of its input (docs/GORGONIA.md).
type activationOp struct {
	engine.OpBase
	kind  Activation
	slope float64 // leakyReLU only
	// deriv holds f'(x) computed by the forward pass for GELU (same dtype as x), so that the
	// backward pass is one multiplication instead of a second erf and exponential.
	deriv any
	// eval marks an evaluation-only op (ActivateEval): no derivative kept, none to take.
	eval bool
}

// Activate applies the named activation to x element-wise.
func Activate(x *gorgonia.Node, kind Activation) (*gorgonia.Node, error) {
	return applyActivation(x, kind, false)
}

// ActivateEval is Activate for a graph that takes no gradients (sampling): the forward pass
// keeps no derivative, and asking for one through it is an error.
func ActivateEval(x *gorgonia.Node, kind Activation) (*gorgonia.Node, error) {
	return applyActivation(x, kind, true)
}

func applyActivation(x *gorgonia.Node, kind Activation, eval bool) (*gorgonia.Node, error) {
	switch kind {
	case Identity, "":
		return x, nil
	case GELU, ReLU, SiLU, GELUTanh:
	default:
		return nil, fmt.Errorf("ops: activation %q: %w (want gelu, gelu-tanh, relu, silu or identity)", kind, engine.ErrConfig)
	}
	return engine.ApplyOp(&activationOp{OpBase: engine.NewOpBase(string(kind), x.Dims(), x.Dims()), kind: kind, eval: eval}, x)
}

// LeakyReLU applies max(x, 0) + slope min(x, 0) element-wise.
func LeakyReLU(x *gorgonia.Node, slope float64) (*gorgonia.Node, error) {
	return engine.ApplyOp(&activationOp{OpBase: engine.NewOpBase("leakyrelu", x.Dims(), x.Dims()), kind: leakyReLU, slope: slope}, x)
}

// GELUNode applies the exact GELU to x.
func GELUNode(x *gorgonia.Node) (*gorgonia.Node, error) { return Activate(x, GELU) }

func (op *activationOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	return s.Clone(), err
}

func (op *activationOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := engine.DenseOf(in[0])
	if err != nil {
		return nil, err
	}
	out := op.NewLike(x, x.Shape()...)
	switch xd := x.Data().(type) {
	case []float32:
		var d []float32
		if (op.kind == GELU || op.kind == GELUTanh) && !op.eval { // the table kernels keep f'(x) for the backward pass
			d = engine.Alloc[float32](op.Arena(), len(xd), false)
			op.deriv = d
		}
		activate(op.kind, op.slope, xd, out.Data().([]float32), d)
	case []float64:
		var d []float64
		if op.kind == GELU && !op.eval {
			d = engine.Alloc[float64](op.Arena(), len(xd), false)
			op.deriv = d
		}
		activate(op.kind, op.slope, xd, out.Data().([]float64), d)
	}
	return out, nil
}

func (op *activationOp) DiffWRT(int) []bool { return []bool{true} }

func (op *activationOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if op.eval {
		return nil, fmt.Errorf("ops: gradient through the evaluation-only %s: %w", op.kind, engine.ErrConfig)
	}
	g, err := engine.ApplyOp(&activationGradOp{OpBase: engine.NewOpBase(string(op.kind)+"'", inputs[0].Dims(), inputs[0].Dims(), grad.Dims()), kind: op.kind, slope: op.slope, fwd: op}, inputs[0], grad)
	return gorgonia.Nodes{g}, err
}

// activationGradOp computes g ⊙ f'(x).
type activationGradOp struct {
	engine.OpBase
	kind  Activation
	slope float64
	fwd   *activationOp // its deriv, when set, holds f'(x) from the forward pass
}

func (op *activationGradOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	return s.Clone(), err
}

func (op *activationGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := engine.DenseInputs(in)
	if err != nil {
		return nil, err
	}
	x, g := ts[0], ts[1]
	out := op.NewLike(x, x.Shape()...)
	switch xd := x.Data().(type) {
	case []float32:
		if d, ok := op.deriv().([]float32); ok && len(d) == len(xd) {
			mulInto(d, g.Data().([]float32), out.Data().([]float32))
			break
		}
		activateGrad(op.kind, op.slope, xd, g.Data().([]float32), out.Data().([]float32))
	case []float64:
		if d, ok := op.deriv().([]float64); ok && len(d) == len(xd) {
			mulInto(d, g.Data().([]float64), out.Data().([]float64))
			break
		}
		activateGrad(op.kind, op.slope, xd, g.Data().([]float64), out.Data().([]float64))
	}
	return out, nil
}

// deriv returns the forward pass's stored derivative, or nil.
func (op *activationGradOp) deriv() any {
	if op.fwd == nil {
		return nil
	}
	return op.fwd.deriv
}

// mulInto computes out = a ⊙ b.
func mulInto[T engine.Float](a, b, out []T) {
	parallel.For(len(a), 2, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = a[i] * b[i]
		}
	})
}

func (op *activationGradOp) DiffWRT(int) []bool { return []bool{false, false} }
func (op *activationGradOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("ops: second derivative of %s: %w", op.kind, engine.ErrConfig)
}

const invSqrt2 = 0.70710678118654752440
const invSqrt2Pi = 0.39894228040143267794

// activate computes out = f(x); for GELU and tanh-GELU in float32, when deriv is not nil,
// also deriv = f'(x).
func activate[T engine.Float](kind Activation, slope float64, x, out, deriv []T) {
	fast := engine.IsFloat32[T]()
	if (kind == GELU || kind == GELUTanh) && fast {
		x32, out32 := any(x).([]float32), any(out).([]float32)
		d32, _ := any(deriv).([]float32)
		val, grad := tablesOf(kind)
		parallel.For(len(x), 4, func(lo, hi int) {
			if d32 == nil { // evaluation: no derivative to keep
				for i := lo; i < hi; i++ {
					out32[i] = geluValue(x32[i], val)
				}
				return
			}
			for i := lo; i < hi; i++ {
				out32[i], d32[i] = geluLookup(x32[i], val, grad)
			}
		})
		return
	}
	parallel.For(len(x), 20, func(lo, hi int) {
		switch kind {
		case GELU:
			for i := lo; i < hi; i++ {
				v := float64(x[i])
				var e float64
				erf := math.Erf(v * invSqrt2)
				if deriv != nil {
					e = math.Exp(-0.5 * v * v)
				}
				out[i] = T(0.5 * v * (1 + erf))
				if deriv != nil {
					deriv[i] = T(0.5*(1+erf) + v*invSqrt2Pi*e)
				}
			}
		case ReLU:
			for i := lo; i < hi; i++ {
				if x[i] > 0 {
					out[i] = x[i]
				}
			}
		case leakyReLU:
			a := T(slope)
			for i := lo; i < hi; i++ {
				if x[i] > 0 {
					out[i] = x[i]
				} else {
					out[i] = a * x[i]
				}
			}
		case SiLU, GELUTanh:
			for i := lo; i < hi; i++ {
				out[i] = T(smoothValue(kind, float64(x[i])))
			}
		}
	})
}

// smoothValue returns SiLU or tanh-GELU of v.
func smoothValue(kind Activation, v float64) float64 {
	if kind == SiLU {
		return v / (1 + math.Exp(-v))
	}
	return 0.5 * v * (1 + math.Tanh(sqrt2OverPi*(v+0.044715*v*v*v)))
}

// smoothDeriv returns the derivative of SiLU or tanh-GELU at v.
func smoothDeriv(kind Activation, v float64) float64 {
	if kind == SiLU {
		s := 1 / (1 + math.Exp(-v))
		return s * (1 + v*(1-s))
	}
	u := sqrt2OverPi * (v + 0.044715*v*v*v)
	th := math.Tanh(u)
	return 0.5*(1+th) + 0.5*v*(1-th*th)*sqrt2OverPi*(1+3*0.044715*v*v)
}

// sqrt2OverPi is √(2/π).
const sqrt2OverPi = 0.79788456080286535588

func activateGrad[T engine.Float](kind Activation, slope float64, x, g, out []T) {
	fast := engine.IsFloat32[T]()
	if (kind == GELU || kind == GELUTanh) && fast {
		x32, g32, out32 := any(x).([]float32), any(g).([]float32), any(out).([]float32)
		val, grad := tablesOf(kind)
		parallel.For(len(x), 4, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				_, d := geluLookup(x32[i], val, grad)
				out32[i] = g32[i] * d
			}
		})
		return
	}
	parallel.For(len(x), 30, func(lo, hi int) {
		switch kind {
		case GELU:
			for i := lo; i < hi; i++ {
				v := float64(x[i])
				erf, e := math.Erf(v*invSqrt2), math.Exp(-0.5*v*v)
				out[i] = g[i] * T(0.5*(1+erf)+v*invSqrt2Pi*e)
			}
		case ReLU:
			for i := lo; i < hi; i++ {
				if x[i] > 0 {
					out[i] = g[i]
				}
			}
		case leakyReLU:
			a := T(slope)
			for i := lo; i < hi; i++ {
				if x[i] > 0 {
					out[i] = g[i]
				} else {
					out[i] = a * g[i]
				}
			}
		case SiLU, GELUTanh:
			for i := lo; i < hi; i++ {
				out[i] = g[i] * T(smoothDeriv(kind, float64(x[i])))
			}
		}
	})
}
