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

func TestMatMul_Grad(t *testing.T) {
	for _, tc := range []struct {
		name           string
		transA, transB bool
		sa, sb         []int
	}{
		{"A·B", false, false, []int{4, 3}, []int{3, 5}},
		{"A·Bᵀ", false, true, []int{4, 3}, []int{5, 3}},
		{"Aᵀ·B", true, false, []int{3, 4}, []int{3, 5}},
		{"Aᵀ·Bᵀ", true, true, []int{3, 4}, []int{5, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(11))
			gradcheck.Check(t, []*tensor.Dense{gradcheck.RandDense(rng, tc.sa...), gradcheck.RandDense(rng, tc.sb...)}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
				return matMul(xs[0], xs[1], tc.transA, tc.transB)
			}, 0, 1)
		})
	}
}

// TestMatMul_Forward compares every transpose variant with the triple loop.
func TestMatMul_Forward(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	a, b := gradcheck.RandDense(rng, 6, 7), gradcheck.RandDense(rng, 7, 5)
	at := a.Clone().(*tensor.Dense)
	if err := at.T(); err != nil {
		t.Fatal(err)
	}
	if err := at.Transpose(); err != nil {
		t.Fatal(err)
	}
	bt := b.Clone().(*tensor.Dense)
	if err := bt.T(); err != nil {
		t.Fatal(err)
	}
	if err := bt.Transpose(); err != nil {
		t.Fatal(err)
	}
	ad, bd := a.Data().([]float64), b.Data().([]float64)
	want := make([]float64, 6*5)
	for i := 0; i < 6; i++ {
		for j := 0; j < 5; j++ {
			for k := 0; k < 7; k++ {
				want[i*5+j] += ad[i*7+k] * bd[k*5+j]
			}
		}
	}
	zero := tensor.New(tensor.WithShape(6, 5), tensor.WithBacking(make([]float64, 30)))
	for _, tc := range []struct {
		name           string
		x, y           *tensor.Dense
		transA, transB bool
	}{
		{"A·B", a, b, false, false},
		{"A·Bᵀ", a, bt, false, true},
		{"Aᵀ·B", at, b, true, false},
		{"Aᵀ·Bᵀ", at, bt, true, true},
	} {
		_, out, _ := gradcheck.EvalLoss(t, []*tensor.Dense{tc.x, tc.y}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
			return matMul(xs[0], xs[1], tc.transA, tc.transB)
		}, zero, false)
		for i, v := range out.Data().([]float64) {
			if math.Abs(v-want[i]) > 1e-12 {
				t.Fatalf("%s: element %d is %v, want %v", tc.name, i, v, want[i])
			}
		}
	}
}

func TestMatMul_Shapes(t *testing.T) {
	g := gorgonia.NewGraph()
	a := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(4, 3), gorgonia.WithName("a"))
	b := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(4, 3), gorgonia.WithName("b"))
	if _, err := MatMul(a, b); !errors.Is(err, engine.ErrShape) {
		t.Fatalf("[4,3]·[4,3]: got %v, want engine.ErrShape", err)
	}
	if _, err := engine.Add(a); !errors.Is(err, engine.ErrShape) {
		t.Fatalf("Add of one node: got %v, want engine.ErrShape", err)
	}
	c := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(3, 4), gorgonia.WithName("c"))
	if _, err := engine.Add(a, c); !errors.Is(err, engine.ErrShape) {
		t.Fatalf("Add of [4,3] and [3,4]: got %v, want engine.ErrShape", err)
	}
}

func TestAdd_Forward(t *testing.T) {
	rng := rand.New(rand.NewSource(14))
	in := []*tensor.Dense{gradcheck.RandDense(rng, 300, 70), gradcheck.RandDense(rng, 300, 70), gradcheck.RandDense(rng, 300, 70)}
	_, out, _ := gradcheck.EvalLoss(t, in, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return engine.Add(xs...)
	}, gradcheck.RandDense(rng, 300, 70), false)
	for i, v := range out.Data().([]float64) {
		want := in[0].Data().([]float64)[i] + in[1].Data().([]float64)[i] + in[2].Data().([]float64)[i]
		if v != want {
			t.Fatalf("element %d: %v, want %v", i, v, want)
		}
	}
}

func TestAddBias_Forward(t *testing.T) {
	rng := rand.New(rand.NewSource(18))
	x, b, e := gradcheck.RandDense(rng, 2000, 20), gradcheck.RandDense(rng, 1, 20), gradcheck.RandDense(rng, 2000, 20)
	_, out, _ := gradcheck.EvalLoss(t, []*tensor.Dense{x, b, e}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return AddBias(xs[0], xs[1], xs[2])
	}, gradcheck.RandDense(rng, 2000, 20), false)
	xd, bd, ed := x.Data().([]float64), b.Data().([]float64), e.Data().([]float64)
	for i, v := range out.Data().([]float64) {
		if want := xd[i] + bd[i%20] + ed[i]; v != want {
			t.Fatalf("element %d: %v, want %v", i, v, want)
		}
	}
}
