package ops

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/engine"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// VLBTerms holds what the variational-bound term of a DDPM with learned variances needs
// besides the network's two outputs (Nichol and Dhariwal 2021, as DiT trains it): the noised
// and the clean samples and each sample's coefficients at its index t.
type VLBTerms struct {
	// Xt and X0 hold x_t and x_0 per element, in the layout of the network's outputs; the
	// elements of sample b are the b-th of len(A) equal parts.
	Xt, X0 []float64
	// Per sample: the prediction x̂0 = A·x_t − B·ε̂; the posterior mean C1·x0 + C2·x_t (with x̂0
	// for the model's); LogVarMin the posterior's clipped log-variance (also the model's at
	// v = −1), LogVarMax log β_t (the model's at v = 1); First marks t = 0, where the decoder's
	// discretized Gaussian likelihood of x0 replaces the KL divergence.
	A, B, C1, C2, LogVarMin, LogVarMax []float64
	First                              []bool
	// Scale multiplies the term (DiT: T / 1000).
	Scale float64
}

// vlbOp computes the variational-bound term in bits per dimension, averaged over every
// element; its gradient reaches the variance output v only (the mean is held fixed, DiT's
// "frozen_out"), never ε̂.
type vlbOp struct {
	engine.OpBase
	terms VLBTerms
	per   int
}

// DiffusionVLB returns the scalar mean over the elements of the variational-bound term of
// improved DDPM: per element, with the model's log-variance interpolated as
// ((v+1)/2)·LogVarMax + ((1−v)/2)·LogVarMin and its mean from ε̂,
//
//	KL(q(x_{t−1} | x_t, x0) ‖ p(x_{t−1} | x_t)) / ln 2                 for t > 0,
//	−log P(x0 | decoder) / ln 2 (discretized Gaussian, 256 bins on [−1, 1])  for t = 0,
//
// times Scale. The gradient reaches v alone. Shapes: epsHat and v [rows, cols] of equal shape,
// every per-element slice of terms rows·cols long and the per-sample ones one per sample.
func DiffusionVLB(epsHat, v *gorgonia.Node, terms VLBTerms) (*gorgonia.Node, error) {
	s := epsHat.Shape()
	n := s.TotalSize()
	b := len(terms.A)
	switch {
	case !s.Eq(v.Shape()) || n == 0:
		return nil, fmt.Errorf("ops: DiffusionVLB of ε̂ %v and v %v: %w", s, v.Shape(), engine.ErrShape)
	case len(terms.Xt) != n || len(terms.X0) != n || b == 0 || n%b != 0:
		return nil, fmt.Errorf("ops: DiffusionVLB: %d x_t and %d x0 values, %d samples for %d elements: %w", len(terms.Xt), len(terms.X0), b, n, engine.ErrShape)
	case len(terms.B) != b || len(terms.C1) != b || len(terms.C2) != b || len(terms.LogVarMin) != b || len(terms.LogVarMax) != b || len(terms.First) != b:
		return nil, fmt.Errorf("ops: DiffusionVLB: per-sample coefficients of unequal lengths: %w", engine.ErrShape)
	}
	return engine.ApplyOp(&vlbOp{OpBase: engine.NewOpBase("vlb", 0, s.Dims(), s.Dims()), terms: terms, per: n / b}, epsHat, v)
}

func (op *vlbOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

func (op *vlbOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	e, v, err := sameSizePair(op.String(), in[0], in[1])
	if err != nil {
		return nil, err
	}
	loss := op.eval(engine.ToFloat64s(e), engine.ToFloat64s(v), nil)
	if e.Dtype() == tensor.Float32 {
		return gorgonia.NewF32(float32(loss)), nil
	}
	return gorgonia.NewF64(loss), nil
}

func (op *vlbOp) DiffWRT(int) []bool { return []bool{false, true} }

func (op *vlbOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	g, err := engine.ApplyOp(&vlbGradOp{OpBase: engine.NewOpBase("vlb'", 2, 2, 2, 0), fwd: op}, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{nil, g}, nil
}

// vlbGradOp computes g · ∂(term)/∂v.
type vlbGradOp struct {
	engine.OpBase
	fwd *vlbOp
}

func (op *vlbGradOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[1])
	return s.Clone(), err
}

func (op *vlbGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	e, v, err := sameSizePair(op.String(), in[0], in[1])
	if err != nil {
		return nil, err
	}
	g, err := engine.ScalarOf(in[2])
	if err != nil {
		return nil, fmt.Errorf("ops: %s: upstream gradient: %w", op.String(), err)
	}
	grad := make([]float64, v.Shape().TotalSize())
	op.fwd.eval(engine.ToFloat64s(e), engine.ToFloat64s(v), grad)
	out := op.NewUninit(v, v.Shape()...)
	switch od := out.Data().(type) {
	case []float32:
		for i, x := range grad {
			od[i] = float32(g * x)
		}
	case []float64:
		for i, x := range grad {
			od[i] = g * x
		}
	default:
		return nil, fmt.Errorf("ops: %s on %v: %w", op.String(), v.Dtype(), engine.ErrShape)
	}
	return out, nil
}

func (op *vlbGradOp) DiffWRT(int) []bool { return []bool{false, false, false} }

func (op *vlbGradOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("ops: %s has no second derivative: %w", op.String(), engine.ErrShape)
}

// eval returns the mean term over the elements and, when grad is not nil, writes its
// derivative with respect to each v into grad.
func (op *vlbOp) eval(eps, v, grad []float64) float64 {
	t := op.terms
	n := len(eps)
	c := t.Scale / (float64(n) * math.Ln2)
	var sum float64
	for i := range eps {
		b := i / op.per
		lo, hi := t.LogVarMin[b], t.LogVarMax[b]
		lv := (v[i]+1)/2*hi + (1-v[i])/2*lo
		x0hat := t.A[b]*t.Xt[i] - t.B[b]*eps[i]
		mean := t.C1[b]*x0hat + t.C2[b]*t.Xt[i]
		var term, dlv float64
		if !t.First[b] {
			trueMean := t.C1[b]*t.X0[i] + t.C2[b]*t.Xt[i]
			d2 := (trueMean - mean) * (trueMean - mean)
			term = 0.5 * (-1 + lv - lo + math.Exp(lo-lv) + d2*math.Exp(-lv))
			dlv = 0.5 * (1 - math.Exp(lo-lv) - d2*math.Exp(-lv))
		} else {
			lp, dls := discretizedLogLikelihood(t.X0[i], mean, 0.5*lv)
			term, dlv = -lp, -0.5*dls
		}
		sum += term
		if grad != nil {
			grad[i] = c * dlv * (hi - lo) / 2
		}
	}
	return c * sum
}

// approxCDF is the tanh approximation of the standard normal CDF that improved DDPM's
// discretized likelihood uses, with its derivative.
func approxCDF(x float64) (float64, float64) {
	u := sqrt2OverPi * (x + 0.044715*x*x*x)
	th := math.Tanh(u)
	return 0.5 * (1 + th), 0.5 * (1 - th*th) * sqrt2OverPi * (1 + 3*0.044715*x*x)
}

// discretizedLogLikelihood returns log P(x) of a Gaussian of mean mu and log standard
// deviation s discretized into 256 bins on [−1, 1] (the outer bins reaching to ±∞), as improved
// DDPM computes it (probabilities floored at 1e-12), and its derivative with respect to s.
func discretizedLogLikelihood(x, mu, s float64) (float64, float64) {
	const floor = 1e-12
	inv := math.Exp(-s)
	plus, minus := inv*(x-mu+1.0/255), inv*(x-mu-1.0/255)
	cp, dp := approxCDF(plus)
	cm, dm := approxCDF(minus)
	// ∂plus/∂s = −plus, ∂minus/∂s = −minus.
	switch {
	case x < -0.999:
		if cp <= floor {
			return math.Log(floor), 0
		}
		return math.Log(cp), -dp * plus / cp
	case x > 0.999:
		if 1-cm <= floor {
			return math.Log(floor), 0
		}
		return math.Log(1 - cm), dm * minus / (1 - cm)
	}
	delta := cp - cm
	if delta <= floor {
		return math.Log(floor), 0
	}
	return math.Log(delta), (-dp*plus + dm*minus) / delta
}
