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

// TestModulate_Grad checks Modulate's and GateRows' gradients for every input against finite
// differences: two sequences of three tokens, width four.
func TestModulate_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(41))
	in := []*tensor.Dense{gradcheck.RandDense(rng, 6, 4), gradcheck.RandDense(rng, 2, 4), gradcheck.RandDense(rng, 2, 4)}
	gradcheck.Check(t, in, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return Modulate(xs[0], xs[1], xs[2], 3)
	}, 0, 1, 2)
	gradcheck.Check(t, in[:2], func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return GateRows(xs[0], xs[1], 3)
	}, 0, 1)
}

// TestModulate_Forward checks the values against the definition, and the shape errors.
func TestModulate_Forward(t *testing.T) {
	x := tensor.New(tensor.WithShape(4, 2), tensor.WithBacking([]float64{1, 2, 3, 4, 5, 6, 7, 8}))
	shift := tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float64{10, 20, 30, 40}))
	scale := tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float64{1, 0, -1, 0.5}))
	zero := tensor.New(tensor.WithShape(4, 2), tensor.WithBacking(make([]float64, 8)))
	_, out, _ := gradcheck.EvalLoss(t, []*tensor.Dense{x, shift, scale}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return Modulate(xs[0], xs[1], xs[2], 2)
	}, zero, false)
	want := []float64{12, 22, 16, 24, 30, 49, 30, 52}
	for i, v := range out.Data().([]float64) {
		if math.Abs(v-want[i]) > 1e-12 {
			t.Fatalf("Modulate: %v, want %v", out.Data(), want)
		}
	}
	_, out, _ = gradcheck.EvalLoss(t, []*tensor.Dense{x, scale}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return GateRows(xs[0], xs[1], 2)
	}, zero, false)
	want = []float64{1, 0, 3, 0, -5, 3, -7, 4}
	for i, v := range out.Data().([]float64) {
		if math.Abs(v-want[i]) > 1e-12 {
			t.Fatalf("GateRows: %v, want %v", out.Data(), want)
		}
	}
	g := gorgonia.NewGraph()
	m := func(r, c int) *gorgonia.Node { return gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(r, c)) }
	if _, err := Modulate(m(6, 4), m(2, 4), m(2, 4), 2); !errors.Is(err, engine.ErrShape) {
		t.Errorf("6 rows as 2 sequences of 2: %v", err)
	}
	if _, err := GateRows(m(6, 4), m(2, 3), 3); !errors.Is(err, engine.ErrShape) {
		t.Errorf("width 4 gated by width 3: %v", err)
	}
}
