// Package gradcheck is the finite-difference oracle of every op and layer: it compares the
// gradients the engine builds (gradients, run by execute) of L = sum(f(x) * R),
// R random, with five-point central differences in float64.
package gradcheck

import (
	"math"
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/engine"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Tol is the largest accepted relative error between an analytic gradient and central
// finite differences in float64: ||analytic - numeric|| / max(||analytic||, ||numeric||).
const Tol = 1e-6

// Step is the finite-difference step of the five-point stencil
// f'(x) ≈ (8 (f(x+h) - f(x-h)) - (f(x+2h) - f(x-2h))) / 12h, whose truncation error is O(h^4).
const Step = 1e-4

// Floor is the norm below which a gradient counts as zero in the relative error, so that a
// gradient that vanishes analytically (a bias before BatchNorm) is compared in absolute terms.
const Floor = 1e-3

// FivePoint returns the five-point derivative estimate of f at its current point, where
// f(d) evaluates the function displaced by d.
func FivePoint(f func(d float64) float64) float64 {
	h := Step
	return (8*(f(h)-f(-h)) - (f(2*h) - f(-2*h))) / (12 * h)
}

// BuildFn builds the expression under test from its input nodes.
type BuildFn func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error)

// RandDense returns a float64 tensor of the given shape with entries uniform in [-1, 1).
func RandDense(rng *rand.Rand, shape ...int) *tensor.Dense {
	n := 1
	for _, s := range shape {
		n *= s
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*rng.Float64() - 1
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))
}

// EvalLoss builds f over the inputs and returns L = sum(f(x) * R), the output, and, when grad
// is set, dL/dx for every input.
func EvalLoss(t testing.TB, inputs []*tensor.Dense, f BuildFn, r *tensor.Dense, grad bool) (float64, *tensor.Dense, [][]float64) {
	t.Helper()
	g := gorgonia.NewGraph()
	xs := make([]*gorgonia.Node, len(inputs))
	for i, in := range inputs {
		xs[i] = gorgonia.NewTensor(g, tensor.Float64, in.Dims(), gorgonia.WithShape(in.Shape()...), gorgonia.WithValue(in.Clone()), gorgonia.WithName("x"+string(rune('0'+i))))
	}
	out, err := f(g, xs)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	var rn *gorgonia.Node
	if out.IsScalar() { // a loss: R is a gorgonia scalar, which gorgonia's scalar product takes
		rn = gorgonia.NewScalar(g, tensor.Float64, gorgonia.WithValue(engine.ToFloat64s(r)[0]), gorgonia.WithName("R"))
	} else {
		rn = gorgonia.NewTensor(g, tensor.Float64, r.Dims(), gorgonia.WithShape(r.Shape()...), gorgonia.WithValue(r), gorgonia.WithName("R"))
	}
	prod, err := gorgonia.HadamardProd(out, rn)
	if err != nil {
		t.Fatal(err)
	}
	loss, err := gorgonia.Sum(prod)
	if err != nil {
		t.Fatal(err)
	}
	var grads gorgonia.Nodes
	if grad {
		// The package's own reverse accumulation (backprop.go), the one Scope.Run uses.
		if grads, err = engine.Gradients(loss, xs, tensor.Float64); err != nil {
			t.Fatalf("grad: %v", err)
		}
	}
	vals, err := engine.Execute(g)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	var gs [][]float64
	for _, gn := range grads {
		gs = append(gs, append([]float64(nil), vals[gn].(*tensor.Dense).Data().([]float64)...))
	}
	l, err := engine.ScalarOf(vals[loss])
	if err != nil {
		t.Fatal(err)
	}
	od, ok := vals[out].(*tensor.Dense)
	if !ok {
		od = engine.LossTensor(vals[out]) // a gorgonia scalar
	}
	return l, od.Clone().(*tensor.Dense), gs
}

// Check compares the gradients of sum(f(x) * R) with respect to the inputs listed in wrt
// against central finite differences.
func Check(t testing.TB, inputs []*tensor.Dense, f BuildFn, wrt ...int) {
	t.Helper()
	for i, rel := range Errors(t, inputs, f, wrt...) {
		if rel > Tol || math.IsNaN(rel) {
			t.Errorf("input %d: relative gradient error %.3g > %g", wrt[i], rel, Tol)
		}
	}
}

// Errors returns, for each input in wrt, the relative error between the analytic gradient of
// sum(f(x) * R) and central finite differences.
func Errors(t testing.TB, inputs []*tensor.Dense, f BuildFn, wrt ...int) []float64 {
	t.Helper()
	var errs []float64
	rng := rand.New(rand.NewSource(99))
	// The output shape is known only after one build.
	g := gorgonia.NewGraph()
	xs := make([]*gorgonia.Node, len(inputs))
	for i, in := range inputs {
		xs[i] = gorgonia.NewTensor(g, tensor.Float64, in.Dims(), gorgonia.WithShape(in.Shape()...), gorgonia.WithValue(in.Clone()))
	}
	o, err := f(g, xs)
	if err != nil {
		t.Fatal(err)
	}
	r := RandDense(rng, o.Shape()...)
	_, _, analytic := EvalLoss(t, inputs, f, r, true)
	for _, wi := range wrt {
		x := inputs[wi].Data().([]float64)
		num := make([]float64, len(x))
		for k := range x {
			orig := x[k]
			num[k] = FivePoint(func(d float64) float64 {
				x[k] = orig + d
				l, _, _ := EvalLoss(t, inputs, f, r, false)
				x[k] = orig
				return l
			})
		}
		a := analytic[indexOf(wrt, wi, len(inputs))]
		var diff, na, nn float64
		for k := range num {
			diff += (a[k] - num[k]) * (a[k] - num[k])
			na += a[k] * a[k]
			nn += num[k] * num[k]
		}
		errs = append(errs, math.Sqrt(diff)/math.Max(math.Max(math.Sqrt(na), math.Sqrt(nn)), Floor))
	}
	return errs
}

// indexOf maps an input index to the position of its gradient (Grad is taken w.r.t. all inputs).
func indexOf(_ []int, wi, _ int) int { return wi }
