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

func TestSegmentSoftmax_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	seg := []int{2, 0, 2, 2, 4, 0, 4} // segments 1 and 3 empty, none of size 1... add one:
	seg = append(seg, 5)
	gradcheck.Check(t, []*tensor.Dense{gradcheck.RandDense(rng, len(seg), 2)}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return SegmentSoftmax(xs[0], seg, 6)
	}, 0)
}

func TestSegmentSoftmax_Forward(t *testing.T) {
	x := tensor.New(tensor.WithShape(4, 1), tensor.WithBacking([]float64{1, 2, 1000, 3}))
	seg := []int{0, 0, 1, 0}
	_, out, _ := gradcheck.EvalLoss(t, []*tensor.Dense{x}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return SegmentSoftmax(xs[0], seg, 2)
	}, tensor.New(tensor.WithShape(4, 1), tensor.WithBacking(make([]float64, 4))), false)
	z := math.Exp(1) + math.Exp(2) + math.Exp(3)
	want := []float64{math.Exp(1) / z, math.Exp(2) / z, 1, math.Exp(3) / z}
	for i, v := range out.Data().([]float64) {
		if math.Abs(v-want[i]) > 1e-12 {
			t.Fatalf("got %v, want %v", out.Data(), want)
		}
	}
}

func TestEdgeAggregate_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	src := []int{0, 1, 1, 3, 3, 0}
	dst := []int{1, 0, 2, 2, 2, 1} // a repeated edge 0->1; node 3 receives nothing
	gradcheck.Check(t, []*tensor.Dense{gradcheck.RandDense(rng, len(src), 1), gradcheck.RandDense(rng, 4, 3)}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return EdgeAggregate(xs[0], xs[1], src, dst, 4)
	}, 0, 1)
}

func TestActivation_Grad(t *testing.T) {
	for _, kind := range []Activation{GELU, ReLU, SiLU, GELUTanh} {
		t.Run(string(kind), func(t *testing.T) {
			rng := rand.New(rand.NewSource(6))
			x := gradcheck.RandDense(rng, 5, 4)
			for i, v := range x.Data().([]float64) { // keep ReLU's kink out of the difference stencil
				if math.Abs(v) < 1e-3 {
					x.Data().([]float64)[i] = 0.5
				}
			}
			gradcheck.Check(t, []*tensor.Dense{x}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
				return Activate(xs[0], kind)
			}, 0)
		})
	}
}

func TestGELU_Forward(t *testing.T) {
	// Closed-form values of x Φ(x).
	x := tensor.New(tensor.WithShape(1, 3), tensor.WithBacking([]float64{-1, 0, 2}))
	_, out, _ := gradcheck.EvalLoss(t, []*tensor.Dense{x}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return GELUNode(xs[0])
	}, tensor.New(tensor.WithShape(1, 3), tensor.WithBacking(make([]float64, 3))), false)
	want := []float64{-0.15865525393145707, 0, 1.9544997361036416}
	for i, v := range out.Data().([]float64) {
		if math.Abs(v-want[i]) > 1e-14 {
			t.Fatalf("GELU %v: got %v, want %v", x.Data(), out.Data(), want)
		}
	}
}

func TestLayerNorm_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	gradcheck.Check(t, []*tensor.Dense{gradcheck.RandDense(rng, 4, 5)}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return LayerNorm(xs[0], 1e-5)
	}, 0)
}

func TestLayerNorm_Forward(t *testing.T) {
	x := tensor.New(tensor.WithShape(1, 4), tensor.WithBacking([]float64{1, 2, 3, 6}))
	_, out, _ := gradcheck.EvalLoss(t, []*tensor.Dense{x}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return LayerNorm(xs[0], 1e-5)
	}, tensor.New(tensor.WithShape(1, 4), tensor.WithBacking(make([]float64, 4))), false)
	// mean 3, biased variance (4+1+0+9)/4 = 3.5
	for i, v := range out.Data().([]float64) {
		want := (x.Data().([]float64)[i] - 3) / math.Sqrt(3.5+1e-5)
		if math.Abs(v-want) > 1e-12 {
			t.Fatalf("got %v", out.Data())
		}
	}
}

func TestBatchNormOp_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(8))
	for _, act := range []Activation{Identity, GELU, ReLU} {
		for _, fixed := range []bool{false, true} {
			name := "train-" + string(act)
			if fixed {
				name = "eval-" + string(act)
			}
			t.Run(name, func(t *testing.T) {
				gradcheck.Check(t, []*tensor.Dense{gradcheck.RandDense(rng, 6, 3), gradcheck.RandDense(rng, 1, 3), gradcheck.RandDense(rng, 1, 3)}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
					st := &NormState{act: act}
					if fixed {
						st = &NormState{act: act, fixed: true, mean: []float64{0.1, -0.2, 0.3}, invStd: []float64{2, 0.5, 1.5}}
					}
					return BatchNorm(xs[0], xs[1], xs[2], 1e-5, st)
				}, 0, 1, 2)
			})
		}
	}
}

func TestGELU_Float32Table(t *testing.T) {
	// float32 kernels read GELU and its derivative from interpolated tables; they must agree
	// with the exact erf form to float32 precision everywhere, inside and outside the table.
	const tol32 = 1e-6
	var xs []float32
	for x := -10.0; x <= 10.0; x += 0.00037 {
		xs = append(xs, float32(x))
	}
	out, d, g := make([]float32, len(xs)), make([]float32, len(xs)), make([]float32, len(xs))
	for i := range g {
		g[i] = 1
	}
	dg := make([]float32, len(xs))
	activate(GELU, 0, xs, out, d)
	activateGrad(GELU, 0, xs, g, dg)
	for i, v := range xs {
		x := float64(v)
		want := 0.5 * x * (1 + math.Erf(x*invSqrt2))
		wantD := 0.5*(1+math.Erf(x*invSqrt2)) + x*invSqrt2Pi*math.Exp(-0.5*x*x)
		if math.Abs(float64(out[i])-want) > tol32*math.Max(1, math.Abs(x)) || math.Abs(float64(d[i])-wantD) > tol32 || math.Abs(float64(dg[i])-wantD) > tol32 {
			t.Fatalf("GELU(%v) = %v (want %v), GELU' = %v / %v (want %v)", v, out[i], want, d[i], dg[i], wantD)
		}
	}
}

// TestGELUTanh_Float32Table: float32 kernels read tanh-GELU and its derivative from tables;
// they must agree with the float64 formulas to float32 precision, inside and outside the
// table, forward (with the kept derivative) and backward.
func TestGELUTanh_Float32Table(t *testing.T) {
	const tol32 = 1e-6
	var xs []float32
	for x := -10.0; x <= 10.0; x += 0.00037 {
		xs = append(xs, float32(x))
	}
	out, d, g, dg := make([]float32, len(xs)), make([]float32, len(xs)), make([]float32, len(xs)), make([]float32, len(xs))
	for i := range g {
		g[i] = 1
	}
	activate(GELUTanh, 0, xs, out, d)
	activateGrad(GELUTanh, 0, xs, g, dg)
	for i, v := range xs {
		x := float64(v)
		want, wantD := smoothValue(GELUTanh, x), smoothDeriv(GELUTanh, x)
		if math.Abs(float64(out[i])-want) > tol32*math.Max(1, math.Abs(x)) || math.Abs(float64(d[i])-wantD) > tol32 || math.Abs(float64(dg[i])-wantD) > tol32 {
			t.Fatalf("tanh-GELU(%v) = %v (want %v), derivative %v / %v (want %v)", v, out[i], want, d[i], dg[i], wantD)
		}
	}
}

func TestGELU_Float32NaNAndInf(t *testing.T) {
	x := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}
	out, d := make([]float32, 3), make([]float32, 3)
	activate(GELU, 0, x, out, d)
	if out[0] == out[0] || !math.IsInf(float64(out[1]), 1) || out[2] != 0 {
		t.Fatalf("GELU(NaN, +Inf, -Inf) = %v", out)
	}
}

// TestSigmoid32 checks the float32 sigmoid table against the exact logistic function,
// inside the table, beyond it, and at NaN and infinities.
func TestSigmoid32(t *testing.T) {
	tab := sigmoidTable()
	for x := -30.0; x <= 30; x += 0.00093 {
		if got, want := float64(sigmoid32(float32(x), tab)), sigmoid(float64(float32(x))); math.Abs(got-want) > 1e-7 {
			t.Fatalf("sigmoid32(%v) = %v, want %v", x, got, want)
		}
	}
	if s := sigmoid32(float32(math.NaN()), tab); s == s {
		t.Fatalf("sigmoid32(NaN) = %v", s)
	}
	if sigmoid32(float32(math.Inf(1)), tab) != 1 || sigmoid32(float32(math.Inf(-1)), tab) != 0 {
		t.Fatal("sigmoid32 at infinity")
	}
}

func BenchmarkSigmoid32(b *testing.B) {
	tab := sigmoidTable()
	var s float32
	for i := 0; i < b.N; i++ {
		s += sigmoid32(float32(i&1023)/100-5, tab)
	}
	opsSink += float64(s)
}

func BenchmarkGELUValue(b *testing.B) {
	val, _ := geluTables()
	var s float32
	for i := 0; i < b.N; i++ {
		s += geluValue(float32(i&1023)/100-5, val)
	}
	opsSink += float64(s)
}

// TestGELU_ValueMatchesLookup checks the value-only table read against the value of the
// two-table read, over the table's range, its edges, and NaN and infinities.
func TestGELU_ValueMatchesLookup(t *testing.T) {
	val, grad := geluTables()
	xs := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), -geluRange, geluRange, 0, -0.5}
	for x := float32(-9); x < 9; x += 0.0007 {
		xs = append(xs, x)
	}
	for _, x := range xs {
		want, _ := geluLookup(x, val, grad)
		got := geluValue(x, val)
		if math.Float32bits(got) != math.Float32bits(want) && !(got != got && want != want) {
			t.Fatalf("geluValue(%v) = %v, geluLookup gives %v", x, got, want)
		}
	}
}

// opsSink keeps benchmark results alive.
var opsSink float64

// TestSmoothActivations_Forward checks SiLU and tanh-GELU against closed forms: SiLU(0) = 0,
// SiLU(x) = x σ(x); tanh-GELU(1) = 0.8411919906082768 (PyTorch's gelu(approximate="tanh")).
func TestSmoothActivations_Forward(t *testing.T) {
	for _, tc := range []struct {
		kind Activation
		x    float64
		want float64
	}{
		{SiLU, 0, 0}, {SiLU, 2, 2 / (1 + math.Exp(-2))}, {SiLU, -1, -1 / (1 + math.E)},
		{GELUTanh, 0, 0}, {GELUTanh, 1, 0.8411919906082768}, {GELUTanh, -3, -0.0036373920817729943},
	} {
		if got := smoothValue(tc.kind, tc.x); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("%s(%v) = %.17g, want %.17g", tc.kind, tc.x, got, tc.want)
		}
	}
}

// TestActivateEval: the evaluation-only activation gives Activate's values (float32 tables and
// float64) and refuses a gradient.
func TestActivateEval(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		for _, kind := range []Activation{GELU, GELUTanh, SiLU, ReLU} {
			var outs [2][]float64
			for i, f := range []func(*gorgonia.Node, Activation) (*gorgonia.Node, error){Activate, ActivateEval} {
				ps, _ := engine.NewParams(dt, 1)
				s := engine.NewScope(ps, false)
				x, _ := s.Input("x", []float64{-3, -0.5, 0, 0.7, 2.5, 9}, 2, 3)
				y, err := f(x, kind)
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
				if outs[0][k] != outs[1][k] {
					t.Fatalf("%v %s: ActivateEval %v, Activate %v", dt, kind, outs[1], outs[0])
				}
			}
		}
	}
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 2), gorgonia.WithName("x"))
	y, _ := ActivateEval(x, GELUTanh)
	l, _ := gorgonia.Sum(y)
	if _, err := engine.Gradients(l, gorgonia.Nodes{x}, tensor.Float64); err == nil {
		t.Error("a gradient through ActivateEval: no error")
	}
}
