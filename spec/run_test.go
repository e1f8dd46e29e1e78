package spec_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/models"
	"github.com/ncgn/ncgn/spec"
)

// positionsRun is a small valid positions run.
func positionsRun() spec.Run {
	return spec.Run{Task: spec.TaskPositions, Shape: generative.Shape{Nodes: 8, Dim: 2},
		Model: models.DMPConfig{Width: 4, Layers: 1, Conv: models.GCN}, Graph: graphs.PlanConfig{Kind: graphs.KNN, K: 3},
		Train: generative.TrainConfig{Process: generative.ProcessFlow, Epochs: 1}, Seed: 3}.WithDefaults()
}

// featuresRun is a small valid features run on 6 nodes of 2-D positions.
func featuresRun() spec.Run {
	return spec.Run{Task: spec.TaskFeatures, Positions: []float64{0, 0, 1, 0, 2, 0, 0, 1, 1, 1, 2, 1}, Shape: generative.Shape{Nodes: 6, Dim: 3},
		Model: models.DMPConfig{Width: 4, Layers: 1}, Graph: graphs.PlanConfig{Kind: graphs.DMP, K: 2},
		Train: generative.TrainConfig{Process: generative.ProcessDiffusion, Steps: 1}}.WithDefaults()
}

func TestWithDefaults_DerivesNetworkSizes(t *testing.T) {
	if m := positionsRun().Model; m.In != 2 || m.Out != 2 || m.PosDim != 2 {
		t.Errorf("positions: in %d, out %d, pos dim %d, want 2, 2, 2", m.In, m.Out, m.PosDim)
	}
	if m := featuresRun().Model; m.In != 5 || m.Out != 3 || m.PosDim != 2 {
		t.Errorf("features: in %d, out %d, pos dim %d, want 5, 3, 2", m.In, m.Out, m.PosDim)
	}
	r := featuresRun()
	r.Model.In = 9 // set sizes are kept
	if got := r.WithDefaults().Model.In; got != 9 {
		t.Errorf("WithDefaults changed a set in to %d", got)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*spec.Run)
		want   string // "" = valid
	}{
		{"positions", func(*spec.Run) {}, ""},
		{"empty arch is the ncgn network", func(r *spec.Run) { r.Model.Arch = "" }, ""},
		{"ncgn arch", func(r *spec.Run) { r.Model.Arch = models.ArchNCGN }, ""},
		{"reference arch", func(r *spec.Run) { r.Model.Arch = models.ArchReference }, ""},
		{"unknown arch", func(r *spec.Run) { r.Model.Arch = "transformer" }, `"model.arch" = "transformer"`},
		{"unknown task", func(r *spec.Run) { r.Task = "images" }, `"task" = "images"`},
		{"unknown conv", func(r *spec.Run) { r.Model.Conv = "gin" }, `"model.conv" = "gin"`},
		{"unknown process", func(r *spec.Run) { r.Train.Process = "gan" }, `"train.process"`},
		{"bad graph", func(r *spec.Run) { r.Graph.K = 0 }, `"graph"`},
		{"no nodes", func(r *spec.Run) { r.Shape.Nodes = 0 }, `"shape"`},
		{"4-D positions", func(r *spec.Run) { r.Shape.Dim, r.Model.In, r.Model.Out, r.Model.PosDim = 4, 4, 4, 4 }, `"shape.dim" = 4`},
		{"sizes do not fit", func(r *spec.Run) { r.Model.Out = 3 }, `"model" in 2, out 3`},
		{"positions on a positions run", func(r *spec.Run) { r.Positions = []float64{1} }, `"positions"`},
		{"1e11 nodes", func(r *spec.Run) { r.Shape.Nodes = 1e11 }, `"shape" nodes 100000000000`},
		{"100000 layers", func(r *spec.Run) { r.Model.Layers = 100000 }, `layers 100000`},
		{"huge width", func(r *spec.Run) { r.Model.Width = 1 << 20 }, `width 1048576`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := positionsRun()
			tc.change(&r)
			err := r.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.want != "" && (err == nil || !errors.Is(err, spec.ErrConfig) || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want ErrConfig naming %s", err, tc.want)
			}
		})
	}
	r := featuresRun()
	if err := r.Validate(); err != nil {
		t.Fatalf("features: %v", err)
	}
	r.Positions = r.Positions[:10]
	if err := r.Validate(); err == nil || !strings.Contains(err.Error(), `"positions" has 10 values`) {
		t.Fatalf("short positions: %v", err)
	}
}

func TestBuild_DenoiserOfTheTask(t *testing.T) {
	m, err := positionsRun().Build()
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := m.Denoiser.(*models.PositionDenoiser); !ok || d.Nodes != 8 || d.Net != m.Net {
		t.Fatalf("positions run built %T", m.Denoiser)
	}
	f, err := featuresRun().Build()
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := f.Denoiser.(*models.FeatureDenoiser); !ok || d.Nodes != 6 || d.Features != 3 {
		t.Fatalf("features run built %T", f.Denoiser)
	}
	// Same seed, same initial parameters; another seed, others.
	a, _ := positionsRun().Build()
	r := positionsRun()
	r.Seed++
	b, _ := r.Build()
	if pa, pm, pb := paramValues(a), paramValues(m), paramValues(b); !slices.Equal(pa, pm) || slices.Equal(pa, pb) {
		t.Fatalf("initial parameters do not follow the seed")
	}
	bad := positionsRun()
	bad.Model.Arch = "nosuch"
	if _, err := bad.Build(); err == nil || !strings.Contains(err.Error(), `"model.arch"`) {
		t.Fatalf("unknown arch built: %v", err)
	}
}

func TestOnPositions(t *testing.T) {
	r := featuresRun()
	o, err := r.OnPositions([]float64{0, 0, 1, 1})
	if err != nil || o.Shape.Nodes != 2 || o.Shape.Dim != 3 || len(o.Positions) != 4 {
		t.Fatalf("OnPositions: %+v, %v", o, err)
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.OnPositions([]float64{0, 0, 1}); err == nil {
		t.Fatal("3 values of 2-D positions accepted")
	}
	if _, err := positionsRun().OnPositions([]float64{0, 0}); err == nil {
		t.Fatal("positions run accepted fixed positions")
	}
}

func TestSameNetwork(t *testing.T) {
	r := positionsRun()
	if err := r.SameNetwork(r); err != nil {
		t.Fatal(err)
	}
	longer := r
	longer.Train.Epochs = 5 // training length may change on resume
	if err := longer.SameNetwork(r); err != nil {
		t.Fatal(err)
	}
	wider := r
	wider.Model.Width = 8
	if err := wider.SameNetwork(r); err == nil || !strings.Contains(err.Error(), `"model" differs`) {
		t.Fatalf("wider network: %v", err)
	}
	unset, ncgn, ref := r, r, r
	unset.Model.Arch, ncgn.Model.Arch, ref.Model.Arch = "", models.ArchNCGN, models.ArchReference
	if err := ncgn.SameNetwork(unset); err != nil { // a config.json without arch is the ncgn network
		t.Fatal(err)
	}
	if err := ref.SameNetwork(unset); err == nil || !strings.Contains(err.Error(), `"model" differs`) {
		t.Fatalf("reference against an old ncgn run: %v", err)
	}
	other := r
	other.Graph.K = 5
	if err := other.SameNetwork(r); err == nil || !strings.Contains(err.Error(), `"graph" differs`) {
		t.Fatalf("other graph: %v", err)
	}
}

// paramValues returns every float32 parameter value of m, in order.
func paramValues(m *spec.Model) []float32 {
	var v []float32
	for _, p := range m.Params().All() {
		v = append(v, p.Value.Data().([]float32)...)
	}
	return v
}

// FuzzDecode checks that no config.json makes Decode panic, that every error wraps ErrConfig,
// and that an accepted run builds its network within the size limits. Run with:
// go test -run '^$' -fuzz FuzzDecode -fuzztime 1m ./spec/
func FuzzDecode(f *testing.F) {
	for _, r := range []spec.Run{positionsRun(), featuresRun()} {
		b, err := json.Marshal(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"task":"positions","shape":{"nodes":100000000000,"dim":3},"model":{"in":3,"out":3,"pos_dim":3,"layers":100000},"graph":{"kind":"knn","k":3},"train":{"process":"flow"}}`))
	f.Add([]byte(`{"task":"positions","shape":{"nodes":8,"dim":3},"model":{"in":3,"out":3,"pos_dim":3,"width":4096,"layers":1024},"graph":{"kind":"knn","k":3},"train":{"process":"flow"}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := spec.Decode(b)
		if err != nil {
			if !errors.Is(err, spec.ErrConfig) {
				t.Fatalf("error %v does not wrap ErrConfig", err)
			}
			return
		}
		if r.Shape.Nodes > spec.MaxNodes || r.Model.Width > spec.MaxWidth || r.Model.Layers > spec.MaxLayers {
			t.Fatalf("accepted sizes beyond the limits: %+v", r)
		}
		if r.Model.Width*r.Model.Width*(r.Model.Layers+2) <= 1<<16 { // small enough to build here
			if _, err := r.Network(); err != nil && !errors.Is(err, spec.ErrConfig) {
				t.Fatalf("accepted run does not build: %v", err)
			}
		}
	})
}

// TestAffine_FitApplyUndo checks the map of train --normalize: after Apply the data have mean 0
// per dimension and largest |x| 1; Undo restores them.
func TestAffine_FitApplyUndo(t *testing.T) {
	samples := [][]float64{{1, 10, 3, 30}, {5, 50, -1, 20}}
	orig := [][]float64{slices.Clone(samples[0]), slices.Clone(samples[1])}
	a, err := spec.FitAffine(samples, 2)
	if err != nil {
		t.Fatal(err)
	}
	a.Apply(samples)
	var mean [2]float64
	var m float64
	for _, s := range samples {
		for i, v := range s {
			mean[i%2] += v / 4
			m = max(m, v, -v)
		}
	}
	if abs := max(mean[0], -mean[0]) + max(mean[1], -mean[1]); abs > 1e-12 || m != 1 {
		t.Errorf("normalised: means %v, largest |x| %v", mean, m)
	}
	a.Undo(samples)
	for i := range samples {
		for k := range samples[i] {
			if d := samples[i][k] - orig[i][k]; d > 1e-12 || d < -1e-12 {
				t.Fatalf("undo: %v, want %v", samples, orig)
			}
		}
	}
	if _, err := spec.FitAffine([][]float64{{2, 2}, {2, 2}}, 2); !errors.Is(err, spec.ErrConfig) {
		t.Errorf("data without extent: %v", err)
	}
	if err := (&spec.Affine{Shift: []float64{0}, Scale: 0}).Validate(1); !errors.Is(err, spec.ErrConfig) {
		t.Errorf("zero scale: %v", err)
	}
}
