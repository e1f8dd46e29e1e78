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

func TestCrossEntropy_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(31))
	x := gradcheck.RandDense(rng, 5, 4)
	for i, v := range x.Data().([]float64) {
		x.Data().([]float64)[i] = 3 * v
	}
	gradcheck.Check(t, []*tensor.Dense{x}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return CrossEntropy(xs[0], []int{0, 3, 3, 1, 2})
	}, 0)
}

// TestCrossEntropy_Forward checks closed forms: uniform logits give log K, a confidently wrong
// row its logit gap, huge logits stay finite (the shifted log-sum-exp); and bad labels.
func TestCrossEntropy_Forward(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		ps, _ := engine.NewParams(dt, 1)
		s := engine.NewScope(ps, false)
		x, err := s.Input("x", []float64{0, 0, 0, 0, 50, 0, 0, 0, 1000, -1000, 0, 0}, 3, 4)
		if err != nil {
			t.Fatal(err)
		}
		l, err := CrossEntropy(x, []int{2, 1, 1})
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Run(l)
		if err != nil {
			t.Fatal(err)
		}
		want := (math.Log(4) + 50 + 2000) / 3 // uniform; a confident wrong answer by 50; by 2000
		if math.Abs(res.Loss-want) > 1e-3 {
			t.Errorf("%v: loss %v, want %v", dt, res.Loss, want)
		}
		if _, err := CrossEntropy(x, []int{0, 4, 1}); !errors.Is(err, engine.ErrShape) {
			t.Errorf("label 4 of 4 classes: error %v, want ErrShape", err)
		}
		if _, err := CrossEntropy(x, []int{0, 1}); !errors.Is(err, engine.ErrShape) {
			t.Errorf("2 labels for 3 rows: error %v, want ErrShape", err)
		}
	}
}
