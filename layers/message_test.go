package layers

import (
	"math/rand"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestGateMix_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	checkGrad(t, []*tensor.Dense{randDense(rng, 4, 3), randDense(rng, 4, 3), randDense(rng, 4, 3)}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return GateMix(xs[0], xs[1], xs[2])
	}, 0, 1, 2)
}

func TestCoarsenSpreadGate_Grad(t *testing.T) {
	// 6 original nodes in 3 supernodes (supernode 1 has one member), width 3, 2-D positions.
	assign := []int{0, 2, 0, 1, 2, 2}
	rng := rand.New(rand.NewSource(10))
	rel := make([]float64, 6*2)
	attr := make([]float64, 6*2)
	for i := range rel {
		rel[i] = rng.NormFloat64()
		attr[i] = rng.Float64()
	}
	ps, _ := NewParams(tensor.Float64, 4)
	hf := inputParam(t, ps, 6, 3)
	hc, _ := ps.Add("hc", []int{3, 3}, Uniform(1))
	co, err := NewMessage(ps, "coarsen", MessageConfig{Width: 3, PosDim: 2, AttrDim: 2})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := NewMessage(ps, "spread", MessageConfig{Width: 3, PosDim: 2, AttrDim: 2, Activation: GELU})
	if err != nil {
		t.Fatal(err)
	}
	gate, err := NewGate(ps, "gate", 3)
	if err != nil {
		t.Fatal(err)
	}
	checkParamGrads(t, ps, true, func(s *Scope) (*gorgonia.Node, error) {
		rn, _ := s.Input("rel", rel, 6, 2)
		an, _ := s.Input("attr", attr, 6, 2)
		c, err := Coarsen(s, co, s.Param(hf), s.Param(hc), assign, rn, an)
		if err != nil {
			return nil, err
		}
		neg := make([]float64, len(rel))
		for i, v := range rel {
			neg[i] = -v
		}
		nn, _ := s.Input("-rel", neg, 6, 2)
		f, err := Spread(s, sp, s.Param(hf), c, assign, nn, an)
		if err != nil {
			return nil, err
		}
		return gate.Forward(s, s.Param(hf), f)
	})
}
