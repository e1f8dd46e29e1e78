package models

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/layers/optim"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// toyImages returns n 8×8 one-channel images of two classes (bright top half or bright
// bottom half, with noise) and their labels.
func toyImages(n int, seed uint64) ([][]float64, []int) {
	r := rand.New(rand.NewPCG(seed, 3))
	imgs, labels := make([][]float64, n), make([]int, n)
	for i := range n {
		labels[i] = i % 2
		imgs[i] = make([]float64, 64)
		for p := range 64 {
			v := -1.0
			if (p < 32) == (labels[i] == 0) {
				v = 1
			}
			imgs[i][p] = v + 0.5*r.NormFloat64()
		}
	}
	return imgs, labels
}

func tinyClassifier(t *testing.T) *Classifier {
	t.Helper()
	ps, err := layers.NewParams(tensor.Float64, 5)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClassifier(ps, ClassifierConfig{Channels: 1, Size: 8, Patch: 4, Width: 6, Hidden: 10, Classes: 2})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestClassifier_Learns trains the classifier with cross-entropy on the toy classes: the loss
// falls below a tenth and held-out images are classified right; Features gives one row of each
// size per image.
func TestClassifier_Learns(t *testing.T) {
	c := tinyClassifier(t)
	opt, err := optim.NewAdam(c.Params(), optim.Config{LR: 1e-2})
	if err != nil {
		t.Fatal(err)
	}
	imgs, labels := toyImages(32, 1)
	var x []float64
	for _, img := range imgs {
		x = append(x, Patchify(img, 1, 8, 4)...)
	}
	var first, last float64
	for step := range 100 {
		s := layers.NewScope(c.Params(), true)
		xn, _ := s.Input("x", x, 32*4, 16)
		o, err := c.Forward(s, xn, 32)
		if err != nil {
			t.Fatal(err)
		}
		l, err := ops.CrossEntropy(o.Logits, labels)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Run(l)
		if err != nil {
			t.Fatal(err)
		}
		if err := opt.Step(); err != nil {
			t.Fatal(err)
		}
		if step == 0 {
			first = res.Loss
		}
		last = res.Loss
	}
	if !(last < first/10) {
		t.Errorf("loss %v after 100 steps from %v: want below a tenth", last, first)
	}
	test, want := toyImages(20, 2)
	f, err := c.Features(test, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Logits) != 20 || len(f.Spatial[19]) != 4*6 || len(f.Pooled[0]) != 10 {
		t.Fatalf("features: %d logits rows, spatial %d, pooled %d", len(f.Logits), len(f.Spatial[19]), len(f.Pooled[0]))
	}
	for i, lg := range f.Logits {
		if got := map[bool]int{true: 0, false: 1}[lg[0] > lg[1]]; got != want[i] {
			t.Errorf("held-out image %d classified %d, want %d", i, got, want[i])
		}
	}
	if _, err := c.Features([][]float64{make([]float64, 10)}, 1); !errors.Is(err, ErrInput) {
		t.Errorf("an image of 10 values: error %v, want ErrInput", err)
	}
}

// TestClassifier_Gradient checks the gradients of cross-entropy plus a weighted sum of the
// spatial and pooled features with respect to every parameter against five-point finite
// differences.
func TestClassifier_Gradient(t *testing.T) {
	c := tinyClassifier(t)
	imgs, labels := toyImages(3, 4)
	var x []float64
	for _, img := range imgs {
		x = append(x, Patchify(img, 1, 8, 4)...)
	}
	rng := rand.New(rand.NewPCG(6, 7))
	rs, rp := make([]float64, 3*24), make([]float64, 3*10)
	for i := range rs {
		rs[i] = rng.NormFloat64()
	}
	for i := range rp {
		rp[i] = rng.NormFloat64()
	}
	loss := func() float64 {
		s := layers.NewScope(c.Params(), true)
		xn, _ := s.Input("x", x, 12, 16)
		o, err := c.Forward(s, xn, 3)
		if err != nil {
			t.Fatal(err)
		}
		ce, _ := ops.CrossEntropy(o.Logits, labels)
		rsn, _ := s.Input("rs", rs, 3, 24)
		rpn, _ := s.Input("rp", rp, 3, 10)
		a, _ := gorgonia.HadamardProd(o.Spatial, rsn)
		b, _ := gorgonia.HadamardProd(o.Pooled, rpn)
		sa, _ := gorgonia.Sum(a)
		sb, _ := gorgonia.Sum(b)
		l1, _ := gorgonia.Add(ce, sa)
		l, _ := gorgonia.Add(l1, sb)
		res, err := s.Run(l)
		if err != nil {
			t.Fatal(err)
		}
		return res.Loss
	}
	// ReLU kinks: a small step keeps the stencil on one side.
	for name, e := range fdErrors(t, c.Params().Learnables(), loss, 1e-5, func(int) int { return 1 }) {
		if e > 1e-6 {
			t.Errorf("%s: gradient relative error %.2e", name, e)
		}
	}
}

func TestClassifier_BadConfig(t *testing.T) {
	ps, _ := layers.NewParams(tensor.Float64, 1)
	for _, cfg := range []ClassifierConfig{{Channels: 1, Size: 10, Patch: 4, Classes: 2}, {Channels: 1, Size: 8, Classes: 1}, {Size: 8, Classes: 3}} {
		if _, err := NewClassifier(ps, cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: error %v, want ErrConfig", cfg, err)
		}
	}
}
