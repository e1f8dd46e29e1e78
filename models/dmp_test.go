package models

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/ops"
	"github.com/ncgn/ncgn/schedules"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// tol is the agreement required between two float64 computations of the same quantity that
// differ only in summation order.
const tol = 1e-9

func cloud(rng *rand.Rand, n, d int) []float64 {
	p := make([]float64, n*d)
	for i := range p {
		p[i] = rng.Float64() - 0.5
	}
	return p
}

func tinyModel(t *testing.T, conv Conv) *DMP {
	t.Helper()
	ps, _ := layers.NewParams(tensor.Float64, 1)
	m, err := NewDMP(ps, DMPConfig{In: 3, Out: 3, PosDim: 3, Width: 6, Layers: 2, Conv: conv})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// run evaluates the model on clouds (positions are also the node inputs) at noise levels ts.
func run(t *testing.T, m *DMP, clouds [][]float64, ts []float64, cfg graphs.PlanConfig, train bool) []float64 {
	t.Helper()
	nl := make([]schedules.NoiseLevel, len(ts))
	for i, v := range ts {
		nl[i] = schedules.NoiseLevel(v)
	}
	plans, err := graphs.NewPlans(clouds, 3, nl, cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := graphs.NewBatch(plans)
	if err != nil {
		t.Fatal(err)
	}
	s := layers.NewScope(m.Params(), train)
	out, err := m.Forward(s, b, b.Pos)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(nil, out)
	if err != nil {
		t.Fatal(err)
	}
	return res.Values[0].Data().([]float64)
}

var planKinds = []graphs.PlanConfig{
	{Kind: graphs.DMP, K: 3, Schedule: schedules.Exp},
	{Kind: graphs.KNN, K: 3},
	{Kind: graphs.Full},
}

func TestDMP_ShapesAndCoarsening(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	m := tinyModel(t, GAT)
	clouds := [][]float64{cloud(rng, 40, 3), cloud(rng, 25, 3)}
	for _, cfg := range planKinds {
		out := run(t, m, clouds, []float64{0.1, 0.8}, cfg, false)
		if len(out) != 65*3 {
			t.Fatalf("%s: %d outputs, want 65 x 3", cfg.Kind, len(out))
		}
		for _, v := range out {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s: non-finite output", cfg.Kind)
			}
		}
	}
	if _, err := NewDMP(m.Params(), DMPConfig{In: 3, Out: 3, PosDim: 3, Conv: "sage"}); err == nil {
		t.Fatal("unknown conv accepted")
	}
}

func TestDMP_PermutationEquivariance(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, conv := range []Conv{GCN, GAT} {
		m := tinyModel(t, conv)
		for _, cfg := range planKinds {
			a, b := cloud(rng, 30, 3), cloud(rng, 20, 3)
			perm := rng.Perm(30)
			ap := make([]float64, len(a))
			for i, j := range perm {
				copy(ap[i*3:i*3+3], a[j*3:j*3+3])
			}
			for _, train := range []bool{false, true} {
				o := run(t, m, [][]float64{a, b}, []float64{0.3, 0.6}, cfg, train)
				op := run(t, m, [][]float64{ap, b}, []float64{0.3, 0.6}, cfg, train)
				for i, j := range perm {
					for k := 0; k < 3; k++ {
						if math.Abs(op[i*3+k]-o[j*3+k]) > tol {
							t.Fatalf("%s %s train=%v: node %d of the permuted cloud gives %v, node %d of the original %v", conv, cfg.Kind, train, i, op[i*3+k], j, o[j*3+k])
						}
					}
				}
				for i := 90; i < len(o); i++ { // the other sample is untouched
					if math.Abs(op[i]-o[i]) > tol {
						t.Fatalf("%s %s: the unpermuted sample changed", conv, cfg.Kind)
					}
				}
			}
		}
	}
}

func TestDMP_BatchingEquivalence(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	m := tinyModel(t, GAT)
	a, b := cloud(rng, 30, 3), cloud(rng, 17, 3)
	for _, cfg := range planKinds {
		both := run(t, m, [][]float64{a, b}, []float64{0.2, 0.9}, cfg, false)
		alone := append(run(t, m, [][]float64{a}, []float64{0.2}, cfg, false), run(t, m, [][]float64{b}, []float64{0.9}, cfg, false)...)
		for i := range both {
			if math.Abs(both[i]-alone[i]) > tol {
				t.Fatalf("%s: batched output %d = %v, alone %v", cfg.Kind, i, both[i], alone[i])
			}
		}
	}
}

func TestDMP_GradientEndToEnd(t *testing.T) {
	// A tiny model in float64: gradients of sum(out * R) with respect to every parameter
	// against five-point finite differences.
	if testing.Short() {
		t.Skip("finite differences over every parameter; skipped under -short")
	}
	rng := rand.New(rand.NewSource(4))
	ps, _ := layers.NewParams(tensor.Float64, 5)
	m, err := NewDMP(ps, DMPConfig{In: 2, Out: 2, PosDim: 2, Width: 2, Layers: 1, Conv: GAT})
	if err != nil {
		t.Fatal(err)
	}
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
	loss := func(train bool) float64 {
		s := layers.NewScope(ps, train)
		out, err := m.Forward(s, b, b.Pos)
		if err != nil {
			t.Fatal(err)
		}
		rn, _ := s.Input("r", r, b.N, 2)
		prod, _ := gorgonia.HadamardProd(out, rn)
		l, _ := gorgonia.Sum(prod)
		res, err := s.Run(l)
		if err != nil {
			t.Fatal(err)
		}
		return res.Loss
	}
	buffers := func() [][]float64 {
		var v [][]float64
		for _, p := range ps.All() {
			v = append(v, p.Float64s())
		}
		return v
	}
	snap := buffers()
	restore := func() {
		for i, p := range ps.All() {
			if !p.Learnable {
				p.SetFloat64s(snap[i])
			}
		}
	}
	loss(true)
	restore()
	analytic := map[*layers.Param][]float64{}
	for _, p := range ps.Learnables() {
		analytic[p] = p.Grad.Data().([]float64)
		analytic[p] = append([]float64(nil), analytic[p]...)
	}
	const h = 1e-4
	var diff, norm float64
	for _, p := range ps.Learnables() {
		v := p.Float64s()
		for k := range v {
			at := func(d float64) float64 {
				orig := v[k]
				v[k] = orig + d
				p.SetFloat64s(v)
				l := loss(true) // training mode: batch statistics, as the gradient was taken
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
	if rel := math.Sqrt(diff / norm); rel > 1e-6 || math.IsNaN(rel) {
		t.Fatalf("relative gradient error %.3g over %d parameters", rel, ps.Count())
	}
}

func TestDMP_Float32MatchesFloat64(t *testing.T) {
	// The float32 kernels take shortcuts (GELU and sigmoid tables, fused multiply-adds, float32
	// accumulation); end to end they must agree with the exact float64 network.
	rng := rand.New(rand.NewSource(5))
	clouds := [][]float64{cloud(rng, 60, 3), cloud(rng, 45, 3)}
	for _, conv := range []Conv{GCN, GAT} {
		var outs [2][]float64
		for i, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			ps, _ := layers.NewParams(dt, 7)
			m, err := NewDMP(ps, DMPConfig{In: 3, Out: 3, PosDim: 3, Width: 16, Layers: 2, Conv: conv})
			if err != nil {
				t.Fatal(err)
			}
			plans, _ := graphs.NewPlans(clouds, 3, []schedules.NoiseLevel{0.4, 0.9}, graphs.PlanConfig{Kind: graphs.DMP, K: 4}, 1)
			b, _ := graphs.NewBatch(plans)
			s := layers.NewScope(ps, true)
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
		if rel := relDiff(outs[1], outs[0]); rel > 1e-4 || math.IsNaN(rel) {
			t.Fatalf("%s: float32 and float64 outputs differ by %.3g (relative)", conv, rel)
		}
	}
}

// TestDMP_FusedEvaluationMatchesUnfused checks the fused evaluation ops (a product and the
// norm, activation, gate or residual after it, block by block) against the separate ops that
// training uses, run with the running statistics: same outputs to rounding, for both convs,
// a coarsened and an unclustered graph, in float64 and float32, with BatchNorm statistics and
// affine parameters away from their initial values so that the norms matter.
func TestDMP_FusedEvaluationMatchesUnfused(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	// 700 points per cloud: more rows than one block of the fused ops.
	clouds := [][]float64{cloud(rng, 700, 3), cloud(rng, 500, 3)}
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		for _, conv := range []Conv{GCN, GAT} {
			for _, kind := range []graphs.Kind{graphs.DMP, graphs.KNN} {
				ps, _ := layers.NewParams(dt, 8)
				m, err := NewDMP(ps, DMPConfig{In: 3, Out: 3, PosDim: 3, Width: 16, Layers: 2, Conv: conv})
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range ps.All() {
					v := p.Float64s()
					for i := range v {
						switch {
						case strings.HasSuffix(p.Name, ".running_var"):
							v[i] = 0.5 + rng.Float64()
						case strings.HasSuffix(p.Name, ".running_mean"), strings.HasSuffix(p.Name, ".gamma"), strings.HasSuffix(p.Name, ".beta"):
							v[i] += 0.3 * rng.NormFloat64()
						}
					}
					if err := p.SetFloat64s(v); err != nil {
						t.Fatal(err)
					}
				}
				plans, err := graphs.NewPlans(clouds, 3, []schedules.NoiseLevel{0.3, 0.8}, graphs.PlanConfig{Kind: kind, K: 5}, 1)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := graphs.NewBatch(plans)
				var outs [2][]float64
				for i, unfused := range []bool{false, true} {
					s := layers.NewScope(ps, false)
					s.Unfused = unfused
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
				limit := 1e-12
				if dt == tensor.Float32 {
					limit = 1e-5
				}
				if rel := relDiff(outs[0], outs[1]); rel > limit || math.IsNaN(rel) {
					t.Errorf("%v %s %s: fused and unfused evaluation differ by %.3g (relative)", dt, conv, kind, rel)
				}
			}
		}
	}
}

// float64sOf returns the values of a float32 or float64 tensor as float64s.
func float64sOf(t *tensor.Dense) []float64 {
	switch d := t.Data().(type) {
	case []float64:
		return d
	case []float32:
		out := make([]float64, len(d))
		for i, v := range d {
			out[i] = float64(v)
		}
		return out
	}
	return nil
}

// relDiff returns ||got - want|| / ||want||.
func relDiff(got, want []float64) float64 {
	var diff, norm float64
	for k := range want {
		diff += (got[k] - want[k]) * (got[k] - want[k])
		norm += want[k] * want[k]
	}
	return math.Sqrt(diff / norm)
}

// TestDMP_TrainingGraphUsesOwnAccumulation holds that a training graph, gradients included, is
// made of the engine's and the ops package's ops only (layers/backprop.go sums a node's gradient
// contributions with the package's Add; the loss is ops.MSE): with gorgonia.Grad the graph
// held one gorgonia Add per extra consumer of every node, 27 at 2 layers, about 100 at 8 (GCN).
func TestDMP_TrainingGraphUsesOwnAccumulation(t *testing.T) {
	rng := rand.New(rand.NewSource(8))
	clouds := [][]float64{cloud(rng, 40, 3), cloud(rng, 30, 3)}
	for _, conv := range []Conv{GCN, GAT} {
		var foreign [2]map[string]int
		var counts, totals [2]int
		for i, depth := range []int{2, 8} {
			ps, _ := layers.NewParams(tensor.Float32, 9)
			m, err := NewDMP(ps, DMPConfig{In: 3, Out: 3, PosDim: 3, Width: 8, Layers: depth, Conv: conv})
			if err != nil {
				t.Fatal(err)
			}
			plans, _ := graphs.NewPlans(clouds, 3, []schedules.NoiseLevel{0.3, 0.8}, graphs.PlanConfig{Kind: graphs.DMP, K: 4}, 1)
			b, _ := graphs.NewBatch(plans)
			s := layers.NewScope(ps, true)
			out, err := m.Forward(s, b, b.Pos)
			if err != nil {
				t.Fatal(err)
			}
			zeros, _ := s.Input("zeros", make([]float64, out.Shape().TotalSize()), out.Shape()...)
			loss, err := ops.MSE(out, zeros)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Run(loss); err != nil {
				t.Fatal(err)
			}
			foreign[i] = map[string]int{}
			for _, n := range s.G.AllNodes() {
				if n.Op() == nil {
					continue
				}
				totals[i]++
				name := fmt.Sprintf("%T", n.Op())
				if !strings.HasPrefix(name, "*engine.") && !strings.HasPrefix(name, "*ops.") {
					foreign[i][name]++
					counts[i]++
				}
			}
		}
		if counts[0] != 0 || counts[1] != 0 || totals[1] < totals[0]+200 {
			t.Errorf("%s: gorgonia op nodes at 2 and 8 layers: %d of %d (%v) and %d of %d (%v); want none",
				conv, counts[0], totals[0], foreign[0], counts[1], totals[1], foreign[1])
		}
	}
}
