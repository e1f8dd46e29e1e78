package models

import (
	"errors"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/schedules"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestReference_ParamCount holds the reference architecture's size to the authors' network:
// their counts (REFERENCE.md §4: ModelNet40 GAT 225,926, GCN 225,542; transcriptomics GAT
// 58,630, GCN 58,438) less the Linear(h, 3) they create and never use (3h + 3 values).
func TestReference_ParamCount(t *testing.T) {
	for _, tc := range []struct {
		task       Task
		conv       Conv
		reference  int // the authors' count
		width, out int
	}{
		{ModelNet40, GAT, 225926, 64, 3},
		{ModelNet40, GCN, 225542, 64, 3},
		{Transcriptomics, GAT, 58630, 32, 3},
		{Transcriptomics, GCN, 58438, 32, 3},
	} {
		cfg, err := TaskConfig(tc.task, tc.conv)
		if err != nil {
			t.Fatal(err)
		}
		ps, _ := layers.NewParams(tensor.Float32, 1)
		if _, err := NewDMP(ps, cfg); err != nil {
			t.Fatal(err)
		}
		want := tc.reference - (tc.width*tc.out + tc.out)
		if got := ps.Count(); got != want {
			t.Errorf("%s %s: %d parameters, want %d", tc.task, tc.conv, got, want)
		}
	}
}

func TestReference_Config(t *testing.T) {
	ps, _ := layers.NewParams(tensor.Float64, 1)
	for _, cfg := range []DMPConfig{
		{Arch: ArchReference, In: 3, Out: 3, PosDim: 3, Activation: layers.GELU},
		{Arch: ArchReference, In: 3, Out: 3, PosDim: 3, MessageActivation: layers.GELU},
		{Arch: ArchReference, In: 3, Out: 3, PosDim: 3, PerLayerGate: true},
		{Arch: "torch", In: 3, Out: 3, PosDim: 3},
		{Arch: ArchReference, In: 0, Out: 3, PosDim: 3},
	} {
		if _, err := NewDMP(ps, cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: error %v, want ErrConfig", cfg, err)
		}
	}
	if _, err := TaskConfig("mnist", GAT); !errors.Is(err, ErrConfig) {
		t.Errorf("unknown task: error %v", err)
	}
	m, err := NewDMP(ps, DMPConfig{In: 3, Out: 3, PosDim: 3, Width: 4, Layers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m.Config().Arch != ArchNCGN {
		t.Errorf("an empty arch means %q, want ncgn (configurations written before the field)", m.Config().Arch)
	}
}

func tinyReference(t *testing.T, dt tensor.Dtype, seed int64, conv Conv, width, layers_ int) *DMP {
	t.Helper()
	ps, _ := layers.NewParams(dt, seed)
	m, err := NewDMP(ps, DMPConfig{Arch: ArchReference, In: 3, Out: 3, PosDim: 3, Width: width, Layers: layers_, Conv: conv})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// perturb moves the BatchNorms' affine parameters and running statistics and the zero-initialised
// biases away from their initial values, so that each of them matters.
func perturb(t *testing.T, ps *layers.Params, rng *rand.Rand) {
	t.Helper()
	for _, p := range ps.All() {
		v := p.Float64s()
		for i := range v {
			switch {
			case strings.HasSuffix(p.Name, ".running_var"):
				v[i] = 0.5 + rng.Float64()
			case strings.HasSuffix(p.Name, ".running_mean"), strings.HasSuffix(p.Name, ".gamma"), strings.HasSuffix(p.Name, ".beta"), strings.HasSuffix(p.Name, ".b"):
				v[i] += 0.3 * rng.NormFloat64()
			}
		}
		if err := p.SetFloat64s(v); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReference_GradientEndToEnd: the reference architecture is assembled from existing layers
// (with the MLP's SharedNorm and the NormBias options, each FD-tested in layers); here the whole
// network's gradients, in float64 on a tiny case with two layers (a norm after the first gate,
// none after the last), against five-point finite differences.
func TestReference_GradientEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("finite differences over every parameter; skipped under -short")
	}
	rng := rand.New(rand.NewSource(14))
	for _, conv := range []Conv{GAT, GCN} {
		ps, _ := layers.NewParams(tensor.Float64, 15)
		m, err := NewDMP(ps, DMPConfig{Arch: ArchReference, In: 2, Out: 2, PosDim: 2, Width: 2, Layers: 2, Conv: conv})
		if err != nil {
			t.Fatal(err)
		}
		perturb(t, ps, rng)
		clouds := [][]float64{cloud(rng, 12, 2), cloud(rng, 9, 2)}
		plans, err := graphs.NewPlans(clouds, 2, []schedules.NoiseLevel{0.2, 0.7}, graphs.PlanConfig{Kind: graphs.DMP, K: 2}, 1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := graphs.NewBatch(plans)
		r := make([]float64, b.N*2)
		for i := range r {
			r[i] = rng.NormFloat64()
		}
		if rel := fdGradientError(t, m, b, r); rel > 1e-6 || math.IsNaN(rel) {
			t.Errorf("%s: relative gradient error %.3g over %d parameters", conv, rel, ps.Count())
		}
	}
}

// fdGradientError returns the relative error of the training-mode gradients of sum(out * r)
// against five-point finite differences, over every learnable parameter; running statistics are
// restored after every evaluation.
func fdGradientError(t *testing.T, m *DMP, b *graphs.Batch, r []float64) float64 {
	t.Helper()
	ps := m.Params()
	out := m.Config().Out
	loss := func() float64 {
		s := layers.NewScope(ps, true)
		y, err := m.Forward(s, b, b.Pos)
		if err != nil {
			t.Fatal(err)
		}
		rn, _ := s.Input("r", r, b.N, out)
		prod, _ := gorgonia.HadamardProd(y, rn)
		l, _ := gorgonia.Sum(prod)
		res, err := s.Run(l)
		if err != nil {
			t.Fatal(err)
		}
		return res.Loss
	}
	var snap [][]float64
	for _, p := range ps.All() {
		snap = append(snap, p.Float64s())
	}
	restore := func() {
		for i, p := range ps.All() {
			if !p.Learnable {
				p.SetFloat64s(snap[i])
			}
		}
	}
	loss()
	restore()
	analytic := map[*layers.Param][]float64{}
	for _, p := range ps.Learnables() {
		analytic[p] = append([]float64(nil), p.Grad.Data().([]float64)...)
	}
	// A small step: every MLP ends in ReLU after a BatchNorm over a handful of rows, so at the
	// usual 1e-4 some pre-activations cross zero inside the stencil (one-sided differences at
	// 1e-7 agree with the analytic gradient there); in float64 the rounding at 1e-6 is ~1e-10.
	const h = 1e-6
	var diff, norm float64
	for _, p := range ps.Learnables() {
		v := p.Float64s()
		for k := range v {
			at := func(d float64) float64 {
				orig := v[k]
				v[k] = orig + d
				p.SetFloat64s(v)
				l := loss()
				restore()
				v[k] = orig
				p.SetFloat64s(v)
				return l
			}
			num := (8*(at(h)-at(-h)) - (at(2*h) - at(-2*h))) / (12 * h)
			diff += (num - analytic[p][k]) * (num - analytic[p][k])
			norm += num * num
		}
	}
	return math.Sqrt(diff / norm)
}

// TestReference_EvaluationPaths holds the fused evaluation ops (biases folded into the running
// means) to the separate ones, and float32 to float64, for both convs on a coarsened and an
// unclustered graph.
func TestReference_EvaluationPaths(t *testing.T) {
	rng := rand.New(rand.NewSource(16))
	clouds := [][]float64{cloud(rng, 700, 3), cloud(rng, 300, 3)}
	for _, conv := range []Conv{GCN, GAT} {
		for _, kind := range []graphs.Kind{graphs.DMP, graphs.KNN} {
			plans, err := graphs.NewPlans(clouds, 3, []schedules.NoiseLevel{0.3, 0.8}, graphs.PlanConfig{Kind: kind, K: 5}, 1)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := graphs.NewBatch(plans)
			var outs [3][]float64
			for i, c := range []struct {
				dt      tensor.Dtype
				unfused bool
			}{{tensor.Float64, false}, {tensor.Float64, true}, {tensor.Float32, false}} {
				m := tinyReference(t, c.dt, 17, conv, 16, 3)
				perturb(t, m.Params(), rand.New(rand.NewSource(18)))
				s := layers.NewScope(m.Params(), false)
				s.Unfused = c.unfused
				out, err := m.Forward(s, b, b.Pos)
				if err != nil {
					t.Fatal(err)
				}
				res, err := s.Run(nil, out)
				if err != nil {
					t.Fatal(err)
				}
				outs[i] = float64sOf(res.Values[0])
			}
			if rel := relDiff(outs[0], outs[1]); rel > 1e-12 || math.IsNaN(rel) {
				t.Errorf("%s %s: fused and unfused evaluation differ by %.3g", conv, kind, rel)
			}
			if rel := relDiff(outs[2], outs[0]); rel > 1e-4 || math.IsNaN(rel) {
				t.Errorf("%s %s: float32 and float64 differ by %.3g", conv, kind, rel)
			}
		}
	}
}

// TestReference_DiffersFromNCGN: the two architectures are different functions (same sizes,
// different wiring), and the reference's input errors are the network's.
func TestReference_DiffersFromNCGN(t *testing.T) {
	rng := rand.New(rand.NewSource(19))
	clouds := [][]float64{cloud(rng, 40, 3)}
	plans, _ := graphs.NewPlans(clouds, 3, []schedules.NoiseLevel{0.3}, graphs.PlanConfig{Kind: graphs.DMP, K: 3}, 1)
	b, _ := graphs.NewBatch(plans)
	ref := tinyReference(t, tensor.Float64, 20, GAT, 6, 2)
	out := run(t, ref, clouds, []float64{0.3}, graphs.PlanConfig{Kind: graphs.DMP, K: 3}, true)
	ncgn := run(t, tinyModel(t, GAT), clouds, []float64{0.3}, graphs.PlanConfig{Kind: graphs.DMP, K: 3}, true)
	if relDiff(out, ncgn) < 1e-3 {
		t.Fatal("the reference and ncgn networks give the same outputs")
	}
	s := layers.NewScope(ref.Params(), false)
	if _, err := ref.Forward(s, b, b.Pos[:10]); !errors.Is(err, ErrInput) {
		t.Errorf("short input: error %v, want ErrInput", err)
	}
	if _, err := ref.Forward(s, nil, nil); !errors.Is(err, ErrInput) {
		t.Errorf("no batch: error %v, want ErrInput", err)
	}
}
