package ops

import (
	"errors"
	"math"
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/gradcheck"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// vlbTestTerms returns the terms of two samples of six elements: sample 0 at an index t > 0
// (the KL), sample 1 at t = 0 (the decoder), x0 inside (−1, 1) but for one element at each end.
func vlbTestTerms(rng *rand.Rand) VLBTerms {
	t := VLBTerms{A: []float64{1.2, 1.01}, B: []float64{0.7, 0.1}, C1: []float64{0.3, 0.9}, C2: []float64{0.6, 0.05},
		LogVarMin: []float64{-3, -9}, LogVarMax: []float64{-2, -7}, First: []bool{false, true}, Scale: 1}
	for i := range 12 {
		x0 := 1.6*rng.Float64() - 0.8
		if i == 7 {
			x0 = -1
		}
		if i == 9 {
			x0 = 1
		}
		t.X0 = append(t.X0, x0)
		t.Xt = append(t.Xt, x0+0.3*rng.NormFloat64())
	}
	return t
}

func TestDiffusionVLB_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(41))
	terms := vlbTestTerms(rng)
	eps := gradcheck.RandDense(rng, 4, 3) // a constant of the graph: the gradient never reaches ε̂
	v := gradcheck.RandDense(rng, 4, 3)   // in [−1, 1)
	gradcheck.Check(t, []*tensor.Dense{v}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		en := gorgonia.NewTensor(g, tensor.Float64, 2, gorgonia.WithShape(4, 3), gorgonia.WithValue(eps.Clone()), gorgonia.WithName("eps"))
		return DiffusionVLB(en, xs[0], terms)
	}, 0)
}

// runVLB evaluates the term for ε̂ and v of 12 elements.
func runVLB(t *testing.T, eps, v []float64, terms VLBTerms) float64 {
	t.Helper()
	ps, _ := engine.NewParams(tensor.Float64, 1)
	s := engine.NewScope(ps, false)
	en, _ := s.Input("eps", eps, 4, 3)
	vn, _ := s.Input("v", v, 4, 3)
	l, err := DiffusionVLB(en, vn, terms)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(l)
	if err != nil {
		t.Fatal(err)
	}
	return res.Loss
}

// TestDiffusionVLB_ClosedForms: the KL is 0 when the model's mean and variance are the true
// posterior's (ε̂ the true noise, v = −1), and ln 2 · KL of a variance e times the true one is
// (−1 + 1 + e⁻¹)/2 with equal means; the decoder term of a sharp Gaussian on x0 is about 0.
func TestDiffusionVLB_ClosedForms(t *testing.T) {
	const ab = 0.5 // ᾱ: x_t = √ab x0 + √(1−ab) ε, x̂0 = x_t/√ab − √(1/ab − 1) ε̂
	rng := rand.New(rand.NewSource(42))
	terms := VLBTerms{A: []float64{math.Sqrt(1 / ab), math.Sqrt(1 / ab)}, B: []float64{math.Sqrt(1/ab - 1), math.Sqrt(1/ab - 1)},
		C1: []float64{0.4, 0.4}, C2: []float64{0.5, 0.5}, LogVarMin: []float64{-3, -30}, LogVarMax: []float64{-2, -29},
		First: []bool{false, false}, Scale: 1}
	eps, v := make([]float64, 12), make([]float64, 12)
	for i := range 12 {
		x0, e := 1.6*rng.Float64()-0.8, rng.NormFloat64()
		terms.X0 = append(terms.X0, x0)
		terms.Xt = append(terms.Xt, math.Sqrt(ab)*x0+math.Sqrt(1-ab)*e)
		eps[i], v[i] = e, -1
	}
	if got := runVLB(t, eps, v, terms); math.Abs(got) > 1e-12 {
		t.Errorf("KL with the true mean and variance: %v, want 0", got)
	}
	for i := range v {
		v[i] = 1 // log-variance −2 against the true −3 (sample 0), −29 against −30 (sample 1)
	}
	want := 0.5 / math.E / math.Ln2 // the same in both samples
	if got := runVLB(t, eps, v, terms); math.Abs(got-want) > 1e-12 {
		t.Errorf("KL with variance e times the true one: %v, want %v", got, want)
	}
	terms.First = []bool{true, true}                      // the decoder: log-variance −30 is a very sharp Gaussian on x0
	terms.C1, terms.C2 = []float64{1, 1}, []float64{0, 0} // at t = 0 the posterior mean is x0
	terms.LogVarMin = []float64{-30, -30}
	for i := range v {
		v[i] = -1
	}
	if got := runVLB(t, eps, v, terms); got > 1e-9 {
		t.Errorf("decoder term of a sharp Gaussian on x0: %v bits, want about 0", got)
	}
	bad := terms
	bad.C2 = bad.C2[:1]
	ps, _ := engine.NewParams(tensor.Float64, 1)
	s := engine.NewScope(ps, false)
	en, _ := s.Input("eps", eps, 4, 3)
	if _, err := DiffusionVLB(en, en, bad); !errors.Is(err, engine.ErrShape) {
		t.Errorf("short coefficients: error %v, want ErrShape", err)
	}
}
