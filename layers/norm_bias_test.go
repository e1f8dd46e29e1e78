package layers

import (
	"math"
	"math/rand"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// perturbNorms moves every BatchNorm's affine parameters and running statistics away from their
// initial values (so that a norm, and a bias before it, matters in evaluation) and gives every
// bias a value.
func perturbNorms(t *testing.T, ps *Params, rng *rand.Rand) {
	t.Helper()
	for _, p := range ps.All() {
		v := p.Float64s()
		for i := range v {
			switch n := p.Name; {
			case strings.HasSuffix(n, ".running_var"):
				v[i] = 0.5 + rng.Float64()
			case strings.HasSuffix(n, ".b"), strings.HasSuffix(n, ".gamma"), strings.HasSuffix(n, ".beta"), strings.HasSuffix(n, ".running_mean"):
				v[i] += 0.5 * rng.NormFloat64()
			}
		}
		if err := p.SetFloat64s(v); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMLP_SharedNormAndNormBias_Grad(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  MLPConfig
	}{
		{"shared", MLPConfig{Dims: []int{3, 4, 4, 4}, Norm: true, SharedNorm: true}},
		{"shared-plain-last", MLPConfig{Dims: []int{3, 4, 4, 2}, Norm: true, SharedNorm: true, PlainLast: true}},
		{"shared-norm-bias", MLPConfig{Dims: []int{3, 4, 4, 2}, Norm: true, SharedNorm: true, NormBias: true, PlainLast: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, _ := NewParams(tensor.Float64, 3)
			x := inputParam(t, ps, 5, 3)
			m, err := NewMLP(ps, "mlp", tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			perturbNorms(t, ps, rand.New(rand.NewSource(4)))
			checkParamGrads(t, ps, true, func(s *Scope) (*gorgonia.Node, error) { return m.Forward(s, s.Param(x)) })
		})
	}
}

func TestMLP_SharedNormConfig(t *testing.T) {
	ps, _ := NewParams(tensor.Float64, 1)
	m, err := NewMLP(ps, "mlp", MLPConfig{Dims: []int{3, 4, 4, 4, 2}, Norm: true, SharedNorm: true, PlainLast: true})
	if err != nil {
		t.Fatal(err)
	}
	if m.norms[0] == nil || m.norms[0] != m.norms[1] || m.norms[1] != m.norms[2] || m.norms[3] != nil {
		t.Fatalf("norms %v: want one shared BatchNorm after the first three Linears, none after the last", m.norms)
	}
	// 3·4+4 + 2·(4·4+4) + 4·2+2 Linear values and one norm's 2·4.
	if got, want := ps.Count(), 16+40+10+8; got != want {
		t.Fatalf("count %d, want %d", got, want)
	}
	for _, cfg := range []MLPConfig{
		{Dims: []int{3, 4, 5}, Norm: true, SharedNorm: true},
		{Dims: []int{3, 4, 4}, SharedNorm: true},
	} {
		if _, err := NewMLP(ps, "bad", cfg); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}

// TestMLP_SharedNormRunningStatistics holds a shared norm to PyTorch's semantics: in training
// each use normalises with its own batch statistics (the outputs equal those of separate norms
// with the same affine parameters) and the running statistics take the uses' updates in order.
func TestMLP_SharedNormRunningStatistics(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	x := make([]float64, 7*3)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	gamma, beta := []float64{0.5, 1.5, -1, 2}, []float64{0.1, -0.2, 0.3, 0}
	rm0, rv0 := []float64{0.2, -0.1, 0.4, 0}, []float64{1.5, 0.7, 1, 2}
	run := func(shared bool) ([]float64, *MLP) {
		ps, _ := NewParams(tensor.Float64, 6) // same Linear draws: norms draw nothing
		m, err := NewMLP(ps, "mlp", MLPConfig{Dims: []int{3, 4, 4, 4}, Norm: true, SharedNorm: shared, Activation: ReLU})
		if err != nil {
			t.Fatal(err)
		}
		for _, bn := range m.norms {
			bn.Gamma.SetFloat64s(gamma)
			bn.Beta.SetFloat64s(beta)
			bn.RunningMean.SetFloat64s(rm0)
			bn.RunVar.SetFloat64s(rv0)
		}
		_, out := scopeLoss(t, ps, true, func(s *Scope) (*gorgonia.Node, error) {
			xn, _ := s.Input("x", x, 7, 3)
			return m.Forward(s, xn)
		}, nil)
		return out, m
	}
	outShared, ms := run(true)
	outSep, mu := run(false)
	for i := range outSep {
		if math.Abs(outShared[i]-outSep[i]) > 1e-12 {
			t.Fatalf("output %d: shared norm %v, separate norms %v", i, outShared[i], outSep[i])
		}
	}
	const mom = 0.1
	for j := range rm0 {
		wantM, wantV := rm0[j], rv0[j]
		for _, bn := range mu.norms { // each separate norm saw one use: recover its batch statistics
			mean := (bn.RunningMean.Float64s()[j] - (1-mom)*rm0[j]) / mom
			v := (bn.RunVar.Float64s()[j] - (1-mom)*rv0[j]) / mom
			wantM = (1-mom)*wantM + mom*mean
			wantV = (1-mom)*wantV + mom*v
		}
		gotM, gotV := ms.norms[0].RunningMean.Float64s()[j], ms.norms[0].RunVar.Float64s()[j]
		if math.Abs(gotM-wantM) > 1e-12 || math.Abs(gotV-wantV) > 1e-12 {
			t.Errorf("feature %d: running mean %v, var %v; want %v, %v", j, gotM, gotV, wantM, wantV)
		}
	}
}

// TestNormBias_Evaluation checks NormBias in evaluation: fused and unfused agree, and with
// running means that do not hold the biases the result differs from the bias-free one by
// exactly the bias (evaluation of act(BN(xW + b)) computed by hand).
func TestNormBias_Evaluation(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	const n = 600 // more rows than one block of the fused ops
	x := make([]float64, n*3)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	ps, _ := NewParams(tensor.Float64, 8)
	m, err := NewMLP(ps, "mlp", MLPConfig{Dims: []int{3, 4}, Norm: true, NormBias: true, Activation: Identity})
	if err != nil {
		t.Fatal(err)
	}
	perturbNorms(t, ps, rng)
	var outs [2][]float64
	for i, unfused := range []bool{false, true} {
		_, outs[i] = scopeLoss(t, ps, false, func(s *Scope) (*gorgonia.Node, error) {
			s.Unfused = unfused
			xn, _ := s.Input("x", x, n, 3)
			return m.Forward(s, xn)
		}, nil)
	}
	w, b := m.linear[0].W.Float64s(), m.linear[0].B.Float64s()
	bn := m.norms[0]
	g, be, rm, rv := bn.Gamma.Float64s(), bn.Beta.Float64s(), bn.RunningMean.Float64s(), bn.RunVar.Float64s()
	for r := 0; r < n; r++ {
		for j := 0; j < 4; j++ {
			z := b[j]
			for k := 0; k < 3; k++ {
				z += x[r*3+k] * w[k*4+j]
			}
			want := (z-rm[j])/math.Sqrt(rv[j]+1e-5)*g[j] + be[j]
			for i, name := range []string{"fused", "unfused"} {
				if got := outs[i][r*4+j]; math.Abs(got-want) > 1e-12*(1+math.Abs(want)) {
					t.Fatalf("%s row %d col %d: %v, want %v", name, r, j, got, want)
				}
			}
		}
	}
}

func TestMessage_NormBias(t *testing.T) {
	// Gradients (Coarsen and Spread with NormBias, running statistics perturbed), then fused
	// against unfused evaluation, and the biases' effect in evaluation.
	assign := []int{0, 2, 0, 1, 2, 2}
	rng := rand.New(rand.NewSource(11))
	rel := make([]float64, 6*2)
	attr := make([]float64, 6*2)
	for i := range rel {
		rel[i] = rng.NormFloat64()
		attr[i] = rng.Float64()
	}
	ps, _ := NewParams(tensor.Float64, 4)
	hf := inputParam(t, ps, 6, 3)
	hc, _ := ps.Add("hc", []int{3, 3}, Uniform(1))
	co, err := NewMessage(ps, "coarsen", MessageConfig{Width: 3, PosDim: 2, AttrDim: 2, NormBias: true, Activation: GELU})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := NewMessage(ps, "spread", MessageConfig{Width: 3, PosDim: 2, AttrDim: 2, NormBias: true, Activation: GELU})
	if err != nil {
		t.Fatal(err)
	}
	perturbNorms(t, ps, rng)
	build := func(s *Scope) (*gorgonia.Node, error) {
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
		return Spread(s, sp, s.Param(hf), c, assign, nn, an)
	}
	checkParamGrads(t, ps, true, build)

	var outs [2][]float64
	for i, unfused := range []bool{false, true} {
		_, outs[i] = scopeLoss(t, ps, false, func(s *Scope) (*gorgonia.Node, error) { s.Unfused = unfused; return build(s) }, nil)
	}
	if rel := relErr(outs[0], outs[1]); rel > 1e-12 {
		t.Fatalf("fused and unfused evaluation differ by %.3g", rel)
	}
	co.cfg.NormBias, sp.cfg.NormBias = false, false
	_, without := scopeLoss(t, ps, false, build, nil)
	if rel := relErr(without, outs[1]); rel < 1e-3 {
		t.Fatalf("the biases before the norms change the evaluation by only %.3g", rel)
	}
}

// relErr returns ||a - b|| / ||b||.
func relErr(a, b []float64) float64 {
	var d, n float64
	for i := range b {
		d += (a[i] - b[i]) * (a[i] - b[i])
		n += b[i] * b[i]
	}
	return math.Sqrt(d / n)
}
