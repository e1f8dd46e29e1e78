package layers

import (
	"math"
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/internal/gradcheck"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// scopeLoss builds the expression in a fresh scope and returns sum(out * r) (and, in training,
// fills the gradients of ps).
func scopeLoss(t *testing.T, ps *Params, train bool, build func(s *Scope) (*gorgonia.Node, error), r []float64) (float64, []float64) {
	t.Helper()
	s := NewScope(ps, train)
	out, err := build(s)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if r == nil {
		res, err := s.Run(nil, out)
		if err != nil {
			t.Fatal(err)
		}
		return 0, engine.ToFloat64s(res.Values[0])
	}
	rn, err := s.Input("R", r, out.Shape()...)
	if err != nil {
		t.Fatal(err)
	}
	prod, err := gorgonia.HadamardProd(out, rn)
	if err != nil {
		t.Fatal(err)
	}
	loss, err := gorgonia.Sum(prod)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(loss, out)
	if err != nil {
		t.Fatal(err)
	}
	return res.Loss, engine.ToFloat64s(res.Values[0])
}

// checkParamGrads compares the gradients Scope.Run leaves in every learnable parameter with
// central finite differences of sum(out * R). Training mode BatchNorm is deterministic given
// the batch, so the check holds in both modes; running statistics are restored after each
// evaluation.
func checkParamGrads(t *testing.T, ps *Params, train bool, build func(s *Scope) (*gorgonia.Node, error)) {
	t.Helper()
	snapshot := func() [][]float64 {
		var out [][]float64
		for _, p := range ps.All() {
			out = append(out, p.Float64s())
		}
		return out
	}
	restoreBuffers := func(snap [][]float64) {
		for i, p := range ps.All() {
			if !p.Learnable {
				p.SetFloat64s(snap[i])
			}
		}
	}
	snap := snapshot()
	_, out := scopeLoss(t, ps, false, build, nil)
	restoreBuffers(snap)
	rng := rand.New(rand.NewSource(42))
	r := make([]float64, len(out))
	for i := range r {
		r[i] = 2*rng.Float64() - 1
	}
	scopeLoss(t, ps, train, build, r)
	restoreBuffers(snap)
	analytics := map[*Param][]float64{} // the finite-difference runs below overwrite Param.Grad
	for _, p := range ps.Learnables() {
		analytics[p] = engine.ToFloat64s(p.Grad)
	}
	for _, p := range ps.Learnables() {
		analytic := analytics[p]
		if !train {
			t.Fatal("gradients need a training scope")
		}
		vals := p.Float64s()
		num := make([]float64, len(vals))
		for k := range vals {
			orig := vals[k]
			num[k] = gradcheck.FivePoint(func(d float64) float64 {
				vals[k] = orig + d
				p.SetFloat64s(vals)
				// A forward-only scope in the same mode (batch statistics in training).
				l, _ := scopeLoss(t, ps, false, func(s *Scope) (*gorgonia.Node, error) { s.Train = train; return build(s) }, r)
				restoreBuffers(snap)
				vals[k] = orig
				p.SetFloat64s(vals)
				return l
			})
		}
		var diff, na, nn float64
		for k := range num {
			diff += (analytic[k] - num[k]) * (analytic[k] - num[k])
			na += analytic[k] * analytic[k]
			nn += num[k] * num[k]
		}
		rel := math.Sqrt(diff) / math.Max(math.Max(math.Sqrt(na), math.Sqrt(nn)), gradcheck.Floor)
		if rel > gradcheck.Tol || math.IsNaN(rel) {
			t.Errorf("%s: relative gradient error %.3g > %g\n%v\n%v", p.Name, rel, gradcheck.Tol, analytic, num)
		}
	}
}

// inputParam adds a learnable [n, f] parameter used as the layer input, so that the gradient
// with respect to the input is checked too.
func inputParam(t *testing.T, ps *Params, n, f int) *Param {
	t.Helper()
	p, err := ps.Add("x", []int{n, f}, Uniform(1))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func testEdges() *graphs.Edges {
	// 5 nodes: a repeated edge (0->1 twice), a self loop (2->2) that the layers replace, node 4
	// receives nothing.
	return &graphs.Edges{Src: []int{0, 0, 1, 3, 2, 4, 2}, Dst: []int{1, 1, 0, 1, 2, 3, 3}}
}

func TestLayers_Grad(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(ps *Params) (func(s *Scope, x *gorgonia.Node) (*gorgonia.Node, error), error)
	}{
		{"Linear", func(ps *Params) (func(*Scope, *gorgonia.Node) (*gorgonia.Node, error), error) {
			l, err := NewLinear(ps, "lin", LinearConfig{In: 3, Out: 4})
			return l.Forward, err
		}},
		{"MLP-norm-gelu", func(ps *Params) (func(*Scope, *gorgonia.Node) (*gorgonia.Node, error), error) {
			m, err := NewMLP(ps, "mlp", MLPConfig{Dims: []int{3, 4, 2}, Norm: true, Activation: GELU, PlainLast: true})
			return m.Forward, err
		}},
		{"BatchNorm", func(ps *Params) (func(*Scope, *gorgonia.Node) (*gorgonia.Node, error), error) {
			b, err := NewBatchNorm(ps, "bn", BatchNormConfig{Features: 3})
			if err == nil { // non-trivial affine parameters
				b.Gamma.SetFloat64s([]float64{0.5, -1.5, 2})
				b.Beta.SetFloat64s([]float64{0.1, 0.2, -0.3})
			}
			return b.Forward, err
		}},
		{"GCNConv", func(ps *Params) (func(*Scope, *gorgonia.Node) (*gorgonia.Node, error), error) {
			l, err := NewGCNConv(ps, "gcn", GCNConfig{In: 3, Out: 2})
			if err == nil {
				l.B.SetFloat64s([]float64{0.3, -0.1})
			}
			return func(s *Scope, x *gorgonia.Node) (*gorgonia.Node, error) { return l.Forward(s, x, testEdges()) }, err
		}},
		{"GATConv", func(ps *Params) (func(*Scope, *gorgonia.Node) (*gorgonia.Node, error), error) {
			l, err := NewGATConv(ps, "gat", GATConfig{In: 3, Out: 2})
			if err == nil {
				l.B.SetFloat64s([]float64{0.3, -0.1})
			}
			return func(s *Scope, x *gorgonia.Node) (*gorgonia.Node, error) { return l.Forward(s, x, testEdges()) }, err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, _ := NewParams(tensor.Float64, 3)
			x := inputParam(t, ps, 5, 3)
			fwd, err := tc.make(ps)
			if err != nil {
				t.Fatal(err)
			}
			checkParamGrads(t, ps, true, func(s *Scope) (*gorgonia.Node, error) { return fwd(s, s.Param(x)) })
		})
	}
}

// denseAdjacency returns A + I (self loops replaced by one per node) for the edges: A[i][j] counts
// the edges j -> i.
func denseAdjacency(e *graphs.Edges, n int) [][]float64 {
	a := make([][]float64, n)
	for i := range a {
		a[i] = make([]float64, n)
		a[i][i] = 1
	}
	for k := range e.Src {
		if e.Src[k] != e.Dst[k] {
			a[e.Dst[k]][e.Src[k]]++
		}
	}
	return a
}

func matmul(x []float64, n, in int, w []float64, out int) []float64 {
	y := make([]float64, n*out)
	for i := 0; i < n; i++ {
		for j := 0; j < out; j++ {
			for k := 0; k < in; k++ {
				y[i*out+j] += x[i*in+k] * w[k*out+j]
			}
		}
	}
	return y
}

func TestGCNConv_ForwardDense(t *testing.T) {
	ps, _ := NewParams(tensor.Float64, 11)
	x := inputParam(t, ps, 5, 3)
	l, err := NewGCNConv(ps, "gcn", GCNConfig{In: 3, Out: 2})
	if err != nil {
		t.Fatal(err)
	}
	l.B.SetFloat64s([]float64{0.25, -0.5})
	e := testEdges()
	_, got := scopeLoss(t, ps, false, func(s *Scope) (*gorgonia.Node, error) { return l.Forward(s, s.Param(x), e) }, nil)
	// Brute force: D^-1/2 (A+I) D^-1/2 X W + b with dense matrices.
	a := denseAdjacency(e, 5)
	deg := make([]float64, 5)
	for i := range a {
		for j := range a[i] {
			deg[i] += a[i][j]
		}
	}
	h := matmul(x.Float64s(), 5, 3, l.W.Float64s(), 2)
	b := l.B.Float64s()
	for i := 0; i < 5; i++ {
		for c := 0; c < 2; c++ {
			want := b[c]
			for j := 0; j < 5; j++ {
				want += a[i][j] / math.Sqrt(deg[i]*deg[j]) * h[j*2+c]
			}
			if math.Abs(got[i*2+c]-want) > 1e-12 {
				t.Fatalf("node %d channel %d: got %v, want %v", i, c, got[i*2+c], want)
			}
		}
	}
}

func TestGATConv_ForwardDense(t *testing.T) {
	ps, _ := NewParams(tensor.Float64, 12)
	x := inputParam(t, ps, 5, 3)
	l, err := NewGATConv(ps, "gat", GATConfig{In: 3, Out: 2})
	if err != nil {
		t.Fatal(err)
	}
	l.B.SetFloat64s([]float64{0.25, -0.5})
	e := testEdges()
	_, got := scopeLoss(t, ps, false, func(s *Scope) (*gorgonia.Node, error) { return l.Forward(s, s.Param(x), e) }, nil)
	a := denseAdjacency(e, 5) // multiplicities: the repeated edge counts twice in the softmax
	h := matmul(x.Float64s(), 5, 3, l.W.Float64s(), 2)
	as, ad := l.ASrc.Float64s(), l.ADst.Float64s()
	b := l.B.Float64s()
	lrelu := func(v float64) float64 {
		if v > 0 {
			return v
		}
		return 0.2 * v
	}
	for i := 0; i < 5; i++ {
		var z float64
		score := make([]float64, 5)
		for j := 0; j < 5; j++ {
			if a[i][j] == 0 {
				continue
			}
			s := lrelu(h[j*2]*as[0] + h[j*2+1]*as[1] + h[i*2]*ad[0] + h[i*2+1]*ad[1])
			score[j] = math.Exp(s)
			z += a[i][j] * score[j]
		}
		for c := 0; c < 2; c++ {
			want := b[c]
			for j := 0; j < 5; j++ {
				want += a[i][j] * score[j] / z * h[j*2+c]
			}
			if math.Abs(got[i*2+c]-want) > 1e-12 {
				t.Fatalf("node %d channel %d: got %v, want %v", i, c, got[i*2+c], want)
			}
		}
	}
}

func TestBatchNorm_RunningStatistics(t *testing.T) {
	ps, _ := NewParams(tensor.Float64, 1)
	bn, err := NewBatchNorm(ps, "bn", BatchNormConfig{Features: 2})
	if err != nil {
		t.Fatal(err)
	}
	data := []float64{1, 10, 2, 20, 3, 30, 6, 40} // column means 3, 25; unbiased variances 14/3, 500/3
	for step := 0; step < 2; step++ {
		s := NewScope(ps, true)
		x, _ := s.Input("x", data, 4, 2)
		y, err := bn.Forward(s, x)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Run(nil, y); err != nil {
			t.Fatal(err)
		}
	}
	// After two momentum-0.1 updates from (0, 1): m = 0.19 * batch, v = 0.81 + 0.19 * batch.
	wantM := []float64{0.19 * 3, 0.19 * 25}
	wantV := []float64{0.81 + 0.19*14.0/3, 0.81 + 0.19*500.0/3}
	gotM, gotV := bn.RunningMean.Float64s(), bn.RunVar.Float64s()
	for j := 0; j < 2; j++ {
		if math.Abs(gotM[j]-wantM[j]) > 1e-12 || math.Abs(gotV[j]-wantV[j]) > 1e-12 {
			t.Fatalf("running mean %v var %v, want %v %v", gotM, gotV, wantM, wantV)
		}
	}
	// Evaluation uses the running statistics and leaves them alone.
	s := NewScope(ps, false)
	x, _ := s.Input("x", []float64{1, 2}, 1, 2)
	y, _ := bn.Forward(s, x)
	res, err := s.Run(nil, y)
	if err != nil {
		t.Fatal(err)
	}
	got := engine.ToFloat64s(res.Values[0])
	for j, v := range []float64{1, 2} {
		want := (v - wantM[j]) / math.Sqrt(wantV[j]+1e-5)
		if math.Abs(got[j]-want) > 1e-12 {
			t.Fatalf("eval output %v, want element %d = %v", got, j, want)
		}
	}
	if m := bn.RunningMean.Float64s(); m[0] != gotM[0] {
		t.Fatal("evaluation changed the running mean")
	}
	// Evaluation with BatchStats normalises with the batch's own statistics (biased variance,
	// as training) and still leaves the running estimates alone.
	s = NewScope(ps, false)
	s.BatchStats = true
	x, _ = s.Input("x", data, 4, 2)
	y, _ = bn.Forward(s, x)
	if res, err = s.Run(nil, y); err != nil {
		t.Fatal(err)
	}
	got = engine.ToFloat64s(res.Values[0])
	mean, biased := []float64{3, 25}, []float64{14.0 / 4, 500.0 / 4}
	for i, v := range data {
		j := i % 2
		if want := (v - mean[j]) / math.Sqrt(biased[j]+1e-5); math.Abs(got[i]-want) > 1e-12 {
			t.Fatalf("batch-statistics eval output %v, want element %d = %v", got, i, want)
		}
	}
	if m, v := bn.RunningMean.Float64s(), bn.RunVar.Float64s(); m[1] != gotM[1] || v[1] != gotV[1] {
		t.Fatal("evaluation with batch statistics changed the running estimates")
	}
}

func TestScope_ParamsUntouchedByRun(t *testing.T) {
	ps, _ := NewParams(tensor.Float32, 5)
	m, err := NewMLP(ps, "mlp", MLPConfig{Dims: []int{4, 8, 8, 3}, Norm: true})
	if err != nil {
		t.Fatal(err)
	}
	before := make([][]float64, 0)
	for _, p := range ps.All() {
		before = append(before, p.Float64s())
	}
	s := NewScope(ps, true)
	x, _ := s.Input("x", make([]float64, 40), 10, 4)
	y, _ := m.Forward(s, x)
	sq, _ := gorgonia.Square(y)
	loss, _ := gorgonia.Mean(sq)
	if _, err := s.Run(loss); err != nil {
		t.Fatal(err)
	}
	for i, p := range ps.All() {
		if !p.Learnable {
			continue
		}
		for k, v := range p.Float64s() {
			if v != before[i][k] {
				t.Fatalf("%s changed by running the graph", p.Name)
			}
		}
	}
}

func TestBatchNorm_FusedActivationEqualsSeparate(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		for _, act := range []Activation{GELU, ReLU} {
			ps, _ := NewParams(dt, 1)
			bn, _ := NewBatchNorm(ps, "bn", BatchNormConfig{Features: 4})
			bn.Gamma.SetFloat64s([]float64{0.5, 1.5, -1, 2})
			bn.Beta.SetFloat64s([]float64{0.1, -0.3, 0.2, 0})
			rng := rand.New(rand.NewSource(3))
			x := make([]float64, 40)
			for i := range x {
				x[i] = rng.NormFloat64()
			}
			for _, train := range []bool{true, false} {
				run := func(fused bool) []float64 {
					s := NewScope(ps, train)
					xn, _ := s.Input("x", x, 10, 4)
					var y *gorgonia.Node
					var err error
					if fused {
						y, err = bn.ForwardAct(s, xn, act)
					} else if y, err = bn.Forward(s, xn); err == nil {
						y, err = ops.Activate(y, act)
					}
					if err != nil {
						t.Fatal(err)
					}
					res, err := s.Run(nil, y)
					if err != nil {
						t.Fatal(err)
					}
					return engine.ToFloat64s(res.Values[0])
				}
				a, b := run(true), run(false)
				for i := range a {
					if math.Abs(a[i]-b[i]) > 1e-6 {
						t.Fatalf("%v %s train=%v: fused %v, separate %v at %d", dt, act, train, a[i], b[i], i)
					}
				}
			}
		}
	}
}

// TestBatchNorm_Float32GradientsMatchFloat64 checks the float32 kernels of the fused
// BatchNorm + activation backward pass (the GELU table, the branch-free ReLU mask) against the
// float64 ones, which the finite-difference tests check: the gradients of a Linear before the
// norm (through dx) and of gamma and beta agree to float32 precision.
func TestBatchNorm_Float32GradientsMatchFloat64(t *testing.T) {
	const n, in, f = 300, 3, 8
	rng := rand.New(rand.NewSource(21))
	x, r := make([]float64, n*in), make([]float64, n*f)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for i := range r {
		r[i] = rng.NormFloat64()
	}
	for _, act := range []Activation{GELU, ReLU} {
		grads := map[tensor.Dtype][][]float64{}
		for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
			ps, _ := NewParams(dt, 5)
			lin, _ := NewLinear(ps, "lin", LinearConfig{In: in, Out: f})
			bn, _ := NewBatchNorm(ps, "bn", BatchNormConfig{Features: f})
			bn.Gamma.SetFloat64s([]float64{0.5, 1.5, -1, 2, 1, 0.7, -0.2, 1.1})
			bn.Beta.SetFloat64s([]float64{0.1, -0.3, 0.2, 0, 0.4, -0.1, 0.05, 0.3})
			s := NewScope(ps, true)
			xn, _ := s.Input("x", x, n, in)
			rn, _ := s.Input("r", r, n, f)
			h, err := lin.Forward(s, xn)
			if err != nil {
				t.Fatal(err)
			}
			y, err := bn.ForwardAct(s, h, act)
			if err != nil {
				t.Fatal(err)
			}
			prod, _ := gorgonia.HadamardProd(y, rn)
			loss, _ := gorgonia.Sum(prod)
			if _, err := s.Run(loss); err != nil {
				t.Fatal(err)
			}
			for _, p := range []*Param{lin.W, bn.Gamma, bn.Beta} {
				grads[dt] = append(grads[dt], engine.ToFloat64s(p.Grad))
			}
		}
		for k, name := range []string{"lin.w", "gamma", "beta"} {
			a, b := grads[tensor.Float32][k], grads[tensor.Float64][k]
			var diff, norm float64
			for i := range a {
				diff += (a[i] - b[i]) * (a[i] - b[i])
				norm += b[i] * b[i]
			}
			if rel := math.Sqrt(diff / norm); rel > 1e-4 || math.IsNaN(rel) {
				t.Errorf("%s: gradient of %s: float32 differs from float64 by %.3g (relative)", act, name, rel)
			}
		}
	}
}

// TestGATConv_Attention checks the exposed attention: it sums to 1 over each node's incoming
// edges (self loop included), matches the hand-computed softmax, and the output of
// ForwardAttention is Forward's.
func TestGATConv_Attention(t *testing.T) {
	ps, _ := NewParams(tensor.Float64, 13)
	x := inputParam(t, ps, 5, 3)
	l, err := NewGATConv(ps, "gat", GATConfig{In: 3, Out: 2})
	if err != nil {
		t.Fatal(err)
	}
	e := testEdges()
	s := NewScope(ps, false)
	out, att, err := l.ForwardAttention(s, s.Param(x), e)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(nil, out, att.Alpha)
	if err != nil {
		t.Fatal(err)
	}
	alpha := engine.ToFloat64s(res.Values[1])
	if len(alpha) != len(att.Src) || len(att.Src) != len(att.Dst) {
		t.Fatalf("%d coefficients for %d edges", len(alpha), len(att.Src))
	}
	sum := make([]float64, 5)
	h := matmul(x.Float64s(), 5, 3, l.W.Float64s(), 2)
	as, ad := l.ASrc.Float64s(), l.ADst.Float64s()
	score := func(j, i int) float64 {
		v := h[j*2]*as[0] + h[j*2+1]*as[1] + h[i*2]*ad[0] + h[i*2+1]*ad[1]
		if v < 0 {
			v *= 0.2
		}
		return math.Exp(v)
	}
	z := make([]float64, 5)
	for k := range att.Src {
		z[att.Dst[k]] += score(att.Src[k], att.Dst[k])
	}
	for k, a := range alpha {
		sum[att.Dst[k]] += a
		if want := score(att.Src[k], att.Dst[k]) / z[att.Dst[k]]; math.Abs(a-want) > 1e-12 {
			t.Errorf("edge %d (%d -> %d): alpha %v, want %v", k, att.Src[k], att.Dst[k], a, want)
		}
	}
	for i, v := range sum {
		if math.Abs(v-1) > 1e-12 {
			t.Errorf("node %d: attention sums to %v, want 1", i, v)
		}
	}
	_, want := scopeLoss(t, ps, false, func(s *Scope) (*gorgonia.Node, error) { return l.Forward(s, s.Param(x), e) }, nil)
	got := engine.ToFloat64s(res.Values[0])
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("ForwardAttention output %v, Forward %v", got, want)
		}
	}
}
