package layers

import (
	"errors"
	"math"
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/gradcheck"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestGateMix_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	gradcheck.Check(t, []*tensor.Dense{gradcheck.RandDense(rng, 4, 3), gradcheck.RandDense(rng, 4, 3), gradcheck.RandDense(rng, 4, 3)}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return ops.GateMix(xs[0], xs[1], xs[2])
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

func TestMessageInput_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(15))
	ia := []int{2, 0, 2, 1, 2} // repeated rows; row 3 of a is never read
	for _, tc := range []struct {
		name   string
		ia, ib []int
		ra, rb int
	}{
		{"gathered target", ia, nil, 4, 5},
		{"gathered source", nil, ia, 5, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// rel and attr are data (no gradient): constants of the graph, not inputs.
			rel, attr := gradcheck.RandDense(rng, 5, 2), gradcheck.RandDense(rng, 5, 1)
			in := []*tensor.Dense{gradcheck.RandDense(rng, tc.ra, 3), gradcheck.RandDense(rng, tc.rb, 3), gradcheck.RandDense(rng, 2, 3), gradcheck.RandDense(rng, 1, 3)}
			gradcheck.Check(t, in, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
				r := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(5, 2), gorgonia.WithValue(rel.Clone()), gorgonia.WithName("rel"))
				at := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(5, 1), gorgonia.WithValue(attr.Clone()), gorgonia.WithName("attr"))
				return ops.MessageInput(xs[0], tc.ia, xs[1], tc.ib, r, xs[2], at, xs[3])
			}, 0, 1, 2, 3)
		})
	}
}

// TestMessageInput_Forward compares the fused pass with its definition, computed by hand.
func TestMessageInput_Forward(t *testing.T) {
	rng := rand.New(rand.NewSource(16))
	a, b := gradcheck.RandDense(rng, 3, 4), gradcheck.RandDense(rng, 5, 4)
	rel, wp, attr, we := gradcheck.RandDense(rng, 5, 2), gradcheck.RandDense(rng, 2, 4), gradcheck.RandDense(rng, 5, 2), gradcheck.RandDense(rng, 2, 4)
	ia := []int{1, 1, 0, 2, 0}
	_, out, _ := gradcheck.EvalLoss(t, []*tensor.Dense{a, b, rel, wp, attr, we}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return ops.MessageInput(xs[0], ia, xs[1], nil, xs[2], xs[3], xs[4], xs[5])
	}, gradcheck.RandDense(rng, 5, 4), false)
	at := func(d *tensor.Dense, i, j int) float64 { return d.Data().([]float64)[i*d.Shape()[1]+j] }
	for e := 0; e < 5; e++ {
		for j := 0; j < 4; j++ {
			want := at(a, ia[e], j) + at(b, e, j)
			for k := 0; k < 2; k++ {
				want += at(rel, e, k)*at(wp, k, j) + at(attr, e, k)*at(we, k, j)
			}
			if got := at(out, e, j); math.Abs(got-want) > 1e-12 {
				t.Fatalf("z[%d][%d] = %v, want %v", e, j, got, want)
			}
		}
	}
}

func TestMessageInput_BadIndex(t *testing.T) {
	g := gorgonia.NewGraph()
	m := func(name string, r, c int) *gorgonia.Node {
		return gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(r, c), gorgonia.WithName(name))
	}
	_, err := ops.MessageInput(m("a", 3, 4), []int{0, 3}, m("b", 2, 4), nil, m("rel", 2, 2), m("wp", 2, 4), m("attr", 2, 1), m("we", 1, 4))
	if !errors.Is(err, ErrShape) {
		t.Fatalf("index 3 of 3 rows: got %v, want ErrShape", err)
	}
}

// TestMessage_FusedEvaluationMatchesUnfused checks the whole-message evaluation op against the
// separate ops for every arrangement of the two sides: target gathered (Coarsen), source
// gathered (Spread), both direct (the fused op with no index) and both gathered (no fused op).
// Running statistics and affine parameters are moved off their initial values, and there are
// more edges than one block.
func TestMessage_FusedEvaluationMatchesUnfused(t *testing.T) {
	const e, r, w = 700, 40, 8
	rng := rand.New(rand.NewSource(17))
	ps, _ := NewParams(tensor.Float64, 5)
	m, err := NewMessage(ps, "msg", MessageConfig{Width: w, PosDim: 3, AttrDim: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, bn := range []*BatchNorm{m.norm1, m.norm2} {
		for _, p := range []*Param{bn.Gamma, bn.Beta, bn.RunningMean, bn.RunVar} {
			v := p.Float64s()
			for i := range v {
				v[i] = 0.5 + rng.Float64()
			}
			if err := p.SetFloat64s(v); err != nil {
				t.Fatal(err)
			}
		}
	}
	randn := func(k int) []float64 {
		v := make([]float64, k)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	fine, coarse, rel, attr := randn(e*w), randn(r*w), randn(e*3), randn(e*2)
	idx := make([]int, e)
	for i := range idx {
		idx[i] = rng.Intn(r)
	}
	for _, tc := range []struct {
		name           string
		dstIdx, srcIdx []int
		dstRows        int
		srcRows        int
	}{
		{"target gathered", idx, nil, r, e},
		{"source gathered", nil, idx, e, r},
		{"both direct", nil, nil, e, e},
		{"both gathered", idx, idx, r, r},
	} {
		var outs [2][]float64
		for i, unfused := range []bool{false, true} {
			s := NewScope(ps, false)
			s.Unfused = unfused
			rows := map[int][]float64{e: fine, r: coarse}
			dst, _ := s.Input("dst", rows[tc.dstRows], tc.dstRows, w)
			src, _ := s.Input("src", rows[tc.srcRows], tc.srcRows, w)
			rn, _ := s.Input("rel", rel, e, 3)
			an, _ := s.Input("attr", attr, e, 2)
			y, err := m.Forward(s, dst, src, tc.dstIdx, tc.srcIdx, rn, an)
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.Run(nil, y)
			if err != nil {
				t.Fatal(err)
			}
			outs[i] = engine.ToFloat64s(res.Values[0])
		}
		for k := range outs[0] {
			if math.Abs(outs[0][k]-outs[1][k]) > 1e-12*(1+math.Abs(outs[1][k])) {
				t.Fatalf("%s: entry %d fused %v, unfused %v", tc.name, k, outs[0][k], outs[1][k])
			}
		}
	}
}
