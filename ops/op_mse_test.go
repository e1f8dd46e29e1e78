package ops

import (
	"math"
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/gradcheck"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestMSE_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(21))
	in := []*tensor.Dense{gradcheck.RandDense(rng, 6, 3), gradcheck.RandDense(rng, 6, 3)}
	gradcheck.Check(t, in, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return MSE(xs[0], xs[1])
	}, 0, 1)
}

// TestMSE_Forward checks the value against a plain loop, in float32 and float64.
func TestMSE_Forward(t *testing.T) {
	rng := rand.New(rand.NewSource(22))
	a, b := gradcheck.RandDense(rng, 40, 3), gradcheck.RandDense(rng, 40, 3)
	var want float64
	for i, v := range a.Data().([]float64) {
		d := v - b.Data().([]float64)[i]
		want += d * d
	}
	want /= 120
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		ps, err := engine.NewParams(dt, 1)
		if err != nil {
			t.Fatal(err)
		}
		s := engine.NewScope(ps, false)
		an, err := s.Input("a", a.Data().([]float64), 40, 3)
		if err != nil {
			t.Fatal(err)
		}
		bn, err := s.Input("b", b.Data().([]float64), 40, 3)
		if err != nil {
			t.Fatal(err)
		}
		l, err := MSE(an, bn)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Run(l)
		if err != nil {
			t.Fatal(err)
		}
		if tol := map[tensor.Dtype]float64{tensor.Float32: 1e-6, tensor.Float64: 1e-14}[dt]; math.Abs(res.Loss-want) > tol {
			t.Errorf("%v: MSE %v, want %v", dt, res.Loss, want)
		}
	}
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 3), gorgonia.WithName("x"))
	y := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(3, 2), gorgonia.WithName("y"))
	if _, err := MSE(x, y); err == nil {
		t.Error("MSE of [2 3] and [3 2]: no error")
	}
}
