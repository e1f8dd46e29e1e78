package models

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/schedules"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// goldenFile is written by scripts/golden_dmp.py from the PyTorch peer of the authors' network
// (../shared/peers/torch_dmp.py); the test never runs Python.
const goldenFile = "golden_reference.json"

// goldenTol bounds max |go - torch| / max(1, max |torch|) over the outputs, running statistics
// and gradients. The peer computes in float32; the measured agreement (Go in float32 or
// float64) is 1e-7 in evaluation and 1e-6 to 1.5e-5 in training, where BatchNorms over 8
// supernodes amplify the rounding; a wiring mistake shows at 1e-3 (the biases before the
// message norms left out, evaluation) to 0.4 (the coarse residual carried, training).
var goldenTol = map[tensor.Dtype]float64{tensor.Float32: 5e-5, tensor.Float64: 5e-5}

type torchTensor struct {
	Shape  []int     `json:"shape"`
	Values []float64 `json:"values"`
}

type goldenGraph struct {
	N          int       `json:"n"`
	Supernodes int       `json:"supernodes"`
	T          float64   `json:"t"`
	X          []float64 `json:"x"`
	Pos        []float64 `json:"pos"`
	SuperPos   []float64 `json:"super_pos"`
	Assign     []int     `json:"assign"`
	EdgeSrc    []int     `json:"edge_src"`
	EdgeDst    []int     `json:"edge_dst"`
	EdgeAttr   []float64 `json:"edge_attr"`
	FineAttr   []float64 `json:"fine_attr"`
}

type goldenCase struct {
	Name         string                 `json:"name"`
	Conv         Conv                   `json:"conv"`
	Width        int                    `json:"width"`
	Layers       int                    `json:"layers"`
	In           int                    `json:"in"`
	Out          int                    `json:"out"`
	PosDim       int                    `json:"pos_dim"`
	Graphs       []goldenGraph          `json:"graphs"`
	Weights      map[string]torchTensor `json:"weights"`
	R            []float64              `json:"r"`
	TrainOut     []float64              `json:"train_out"`
	TrainGrads   map[string][]float64   `json:"train_grads"`
	RunningAfter map[string]torchTensor `json:"running_after_train"`
	EvalOut      []float64              `json:"eval_out"`
}

func loadGolden(t *testing.T) []goldenCase {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", goldenFile))
	if err != nil {
		t.Fatalf("%v (regenerate with /usr/bin/python3 scripts/golden_dmp.py)", err)
	}
	var g struct {
		Cases []goldenCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatalf("testdata/%s: %v", goldenFile, err)
	}
	if len(g.Cases) == 0 {
		t.Fatalf("testdata/%s holds no cases", goldenFile)
	}
	return g.Cases
}

// batch builds the graphs.Batch of the peer's graphs and the network inputs.
func (c *goldenCase) batch(t *testing.T) (*graphs.Batch, []float64) {
	t.Helper()
	var plans []*graphs.Plan
	var x []float64
	for _, g := range c.Graphs {
		p := &graphs.Plan{Kind: graphs.DMP, T: schedules.NoiseLevel(g.T), N: g.N, Dim: c.PosDim, Pos: g.Pos,
			Scheduled: g.Supernodes, Supernodes: g.Supernodes, Coarsened: g.Supernodes < g.N, Assign: g.Assign,
			SuperPos: g.SuperPos, Edges: graphs.Edges{Src: g.EdgeSrc, Dst: g.EdgeDst}, EdgeAttr: g.EdgeAttr, FineAttr: g.FineAttr}
		plans = append(plans, p)
		x = append(x, g.X...)
	}
	b, err := graphs.NewBatch(plans)
	if err != nil {
		t.Fatal(err)
	}
	return b, x
}

// torchToGo maps tensors named as in the peer's state dict (PyTorch layouts: Linear weights
// [out, in]) to the reference architecture's parameters (weights [in, out], concatenations split
// into blocks). get returns a torch tensor's values by name; the returned names are those used.
func torchToGo(c *goldenCase, get func(name string) ([]float64, []int, error)) (map[string][]float64, error) {
	w := c.Width
	out := map[string][]float64{}
	var err error
	// transposed columns [from, to) of a [rows, cols] torch weight: a Go block [to-from, rows]
	cols := func(name string, from, to int) []float64 {
		if err != nil {
			return nil
		}
		v, shape, e := get(name)
		if e != nil {
			err = e
			return nil
		}
		if len(shape) != 2 || to > shape[1] {
			err = fmt.Errorf("%s: shape %v, want columns up to %d", name, shape, to)
			return nil
		}
		rows, n := shape[0], shape[1]
		r := make([]float64, 0, (to-from)*rows)
		for i := from; i < to; i++ {
			for j := 0; j < rows; j++ {
				r = append(r, v[j*n+i])
			}
		}
		return r
	}
	weightT := func(name string) []float64 {
		if err != nil {
			return nil
		}
		_, shape, e := get(name)
		if e != nil {
			err = e
			return nil
		}
		return cols(name, 0, shape[len(shape)-1])
	}
	vec := func(name string) []float64 {
		if err != nil {
			return nil
		}
		v, _, e := get(name)
		err = e
		return v
	}
	bn := func(goName, torchName string) {
		out[goName+".gamma"] = vec(torchName + ".weight")
		out[goName+".beta"] = vec(torchName + ".bias")
		out[goName+".running_mean"] = vec(torchName + ".running_mean")
		out[goName+".running_var"] = vec(torchName + ".running_var")
	}
	mlp := func(goName, torchName string, n int) {
		for k := 0; k < n; k++ {
			out[fmt.Sprintf("%s.%d.w", goName, k)] = weightT(fmt.Sprintf("%s.lins.%d.weight", torchName, k))
			out[fmt.Sprintf("%s.%d.b", goName, k)] = vec(fmt.Sprintf("%s.lins.%d.bias", torchName, k))
		}
		bn(goName+".norm", torchName+".norms.0")
	}
	for i := 0; i < c.Layers; i++ {
		tn, gn := fmt.Sprintf("model.convs.%d", i), fmt.Sprintf("layer%d.%s", i, c.Conv)
		out[gn+".w"] = weightT(tn + ".lin.weight")
		out[gn+".b"] = vec(tn + ".bias")
		if c.Conv == GAT {
			out[gn+".att_src"] = vec(tn + ".att_src") // [1, 1, w] -> [w, 1]: same order
			out[gn+".att_dst"] = vec(tn + ".att_dst")
		}
		if i+1 < c.Layers {
			bn(fmt.Sprintf("layer%d.norm", i), fmt.Sprintf("model.norms.%d", i))
		}
		mlp(fmt.Sprintf("layer%d.mlp", i), fmt.Sprintf("og_lin.%d", i), 2)
		for _, op := range []struct{ goName, torchName string }{{"coarsen", "coarsening_ops"}, {"spread", "spread_ops"}} {
			g, tn := fmt.Sprintf("layer%d.%s", i, op.goName), fmt.Sprintf("%s.%d", op.torchName, i)
			out[g+".lin_x.w_dst"] = cols(tn+".lin_x.weight", 0, w) // lin_x([h_target, h_source])
			out[g+".lin_x.w_src"] = cols(tn+".lin_x.weight", w, 2*w)
			out[g+".lin_x.b"] = vec(tn + ".lin_x.bias")
			out[g+".lin_pos.w"] = weightT(tn + ".lin_pos.weight")
			out[g+".lin_pos.b"] = vec(tn + ".lin_pos.bias")
			out[g+".lin_e.w"] = weightT(tn + ".lin_edge.weight")
			out[g+".lin_e.b"] = vec(tn + ".lin_edge.bias")
			out[g+".mlp.0.w_x"] = cols(tn+".lin_combine.lins.0.weight", 0, w) // [lin_x, lin_pos, lin_e]
			out[g+".mlp.0.w_pos"] = cols(tn+".lin_combine.lins.0.weight", w, 2*w)
			out[g+".mlp.0.w_e"] = cols(tn+".lin_combine.lins.0.weight", 2*w, 3*w)
			out[g+".mlp.0.b"] = vec(tn + ".lin_combine.lins.0.bias")
			out[g+".mlp.1.w"] = weightT(tn + ".lin_combine.lins.1.weight")
			out[g+".mlp.1.b"] = vec(tn + ".lin_combine.lins.1.bias")
			bn(g+".mlp.norm0", tn+".lin_combine.norms.0")
			bn(g+".mlp.norm1", tn+".lin_combine.norms.1")
		}
	}
	mlp("lift_og", "og_proj", 3)
	mlp("lift_cg", "cg_proj", 3)
	mlp("out", "out", 3)
	out["gate.w_h"] = cols("gate_proj.weight", 0, w) // gate_proj([h_og, spread])
	out["gate.w_s"] = cols("gate_proj.weight", w, 2*w)
	out["gate.b"] = vec("gate_proj.bias")
	return out, err
}

// loadTorch sets every parameter and buffer of m from the case's weights; every one must be
// given, and every torch tensor used but the Linear the reference never uses (og_lin.<Layers>).
func loadTorch(t *testing.T, m *DMP, c *goldenCase) {
	t.Helper()
	used := map[string]bool{}
	vals, err := torchToGo(c, func(name string) ([]float64, []int, error) {
		tt, ok := c.Weights[name]
		if !ok {
			return nil, nil, fmt.Errorf("no torch tensor %q", name)
		}
		used[name] = true
		return tt.Values, tt.Shape, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params().All() {
		v, ok := vals[p.Name]
		if !ok {
			t.Fatalf("%s: no torch value", p.Name)
		}
		if err := p.SetFloat64s(v); err != nil {
			t.Fatal(err)
		}
		delete(vals, p.Name)
	}
	if len(vals) > 0 {
		t.Fatalf("torch values without a Go parameter: %v", keys(vals))
	}
	unused := fmt.Sprintf("og_lin.%d.", c.Layers)
	for name := range c.Weights {
		if !used[name] && !strings.HasPrefix(name, unused) {
			t.Fatalf("torch tensor %s not loaded", name)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	sort.Strings(k)
	return k
}

// agreement returns max |got - want| and that divided by max(1, max |want|).
func agreement(got, want []float64) (abs, rel float64) {
	scale := 1.0
	for k := range want {
		abs = math.Max(abs, math.Abs(got[k]-want[k]))
		scale = math.Max(scale, math.Abs(want[k]))
	}
	if len(got) != len(want) {
		return math.Inf(1), math.Inf(1)
	}
	return abs, abs / scale
}

// TestReference_MatchesPeer loads the peer's weights and graphs into the reference
// architecture and holds, in float32 and float64: the training-mode output (batch statistics),
// the running statistics after it, the gradients of sum(out * R), and then the evaluation-mode
// output (fused and unfused), to the peer's values.
func TestReference_MatchesPeer(t *testing.T) {
	for _, c := range loadGolden(t) {
		for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
			t.Run(fmt.Sprintf("%s/%v", c.Name, dt), func(t *testing.T) {
				ps, _ := layers.NewParams(dt, 1)
				m, err := NewDMP(ps, DMPConfig{Arch: ArchReference, In: c.In, Out: c.Out, PosDim: c.PosDim, Width: c.Width, Layers: c.Layers, Conv: c.Conv})
				if err != nil {
					t.Fatal(err)
				}
				loadTorch(t, m, &c)
				b, x := c.batch(t)
				tol := goldenTol[dt]
				check := func(what string, got, want []float64) {
					t.Helper()
					abs, rel := agreement(got, want)
					t.Logf("%-28s max abs %.3g, relative to scale %.3g", what, abs, rel)
					if !(rel <= tol) {
						t.Errorf("%s: max abs error %.3g (%.3g of the scale) > %g", what, abs, rel, tol)
					}
				}

				s := layers.NewScope(ps, true)
				out, err := m.Forward(s, b, x)
				if err != nil {
					t.Fatal(err)
				}
				rn, err := s.Input("r", c.R, out.Shape()...)
				if err != nil {
					t.Fatal(err)
				}
				prod, _ := gorgonia.HadamardProd(out, rn)
				loss, _ := gorgonia.Sum(prod)
				res, err := s.Run(loss, out)
				if err != nil {
					t.Fatal(err)
				}
				check("train output", float64sOf(res.Values[0]), c.TrainOut)

				// Running statistics and gradients, in the parameters' layout.
				grads := map[string][]float64{}
				for _, p := range ps.Learnables() {
					grads[p.Name] = float64sOf(p.Grad)
				}
				var gotG, wantG, gotR, wantR []float64
				wantGrads, err := torchToGo(&c, func(name string) ([]float64, []int, error) {
					g, ok := c.TrainGrads[name]
					if !ok {
						if strings.HasSuffix(name, ".running_mean") || strings.HasSuffix(name, ".running_var") {
							return c.RunningAfter[name].Values, c.RunningAfter[name].Shape, nil
						}
						return nil, nil, fmt.Errorf("no torch gradient of %s", name)
					}
					return g, c.Weights[name].Shape, nil
				})
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range ps.All() {
					if p.Learnable {
						gotG, wantG = append(gotG, grads[p.Name]...), append(wantG, wantGrads[p.Name]...)
					} else {
						gotR, wantR = append(gotR, p.Float64s()...), append(wantR, wantGrads[p.Name]...)
					}
				}
				check("running statistics", gotR, wantR)
				check("gradients", gotG, wantG)

				for _, unfused := range []bool{false, true} {
					s := layers.NewScope(ps, false)
					s.Unfused = unfused
					out, err := m.Forward(s, b, x)
					if err != nil {
						t.Fatal(err)
					}
					res, err := s.Run(nil, out)
					if err != nil {
						t.Fatal(err)
					}
					check(fmt.Sprintf("eval output (unfused %v)", unfused), float64sOf(res.Values[0]), c.EvalOut)
				}
			})
		}
	}
}
