package optim

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gorgonia.org/tensor"
)

// goldenTol64 is the relative agreement with PyTorch in float64 the package promises.
// goldenTol32 is that of float32, relative to max(|value|, |initial value|), because a
// parameter that an update brings near zero loses relative accuracy to cancellation. With
// torch 1.13 (Debian, AVX2 kernels) every value agrees bit for bit in both dtypes (the test
// logs the count of differing values); the tolerances leave room for other builds, e.g.
// torch 2, whose Adam updates m with lerp instead of mul and add.
const (
	goldenTol64 = 1e-12
	goldenTol32 = 1e-6
)

// golden is testdata/golden_adam.json, written by scripts/golden_adam.py.
type golden struct {
	TorchVersion string `json:"torch_version"`
	Params       []struct {
		Name  string    `json:"name"`
		Shape []int     `json:"shape"`
		Init  []float64 `json:"init"`
	} `json:"params"`
	Grads [][][]float64 `json:"grads"` // [step][param][flat]
	Cases []struct {
		Name        string        `json:"name"`
		Dtype       string        `json:"dtype"`
		Kind        Kind          `json:"kind"`
		LR          float64       `json:"lr"`
		Beta1       float64       `json:"beta1"`
		Beta2       float64       `json:"beta2"`
		Eps         float64       `json:"eps"`
		WeightDecay float64       `json:"weight_decay"`
		WarmupSteps int           `json:"warmup_steps"`
		LRs         []float64     `json:"lrs"`
		Values      [][][]float64 `json:"values"` // [step][param][flat] after the step
		ExpAvg      [][]float64   `json:"exp_avg"`
		ExpAvgSq    [][]float64   `json:"exp_avg_sq"`
	} `json:"cases"`
	Clip []struct {
		Step       int         `json:"step"`
		MaxNorm    float64     `json:"max_norm"`
		TotalNorm  float64     `json:"total_norm"`
		GradsAfter [][]float64 `json:"grads_after"`
	} `json:"clip"`
}

func readGolden(t *testing.T) *golden {
	t.Helper()
	path := filepath.Join("testdata", "golden_adam.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (regenerate with /usr/bin/python3 scripts/golden_adam.py)", err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(g.Params) == 0 || len(g.Grads) == 0 || len(g.Cases) == 0 {
		t.Fatalf("%s: empty golden file", path)
	}
	return &g
}

// specs returns the golden file's parameters.
func (g *golden) specs() []pspec {
	var specs []pspec
	for _, p := range g.Params {
		specs = append(specs, pspec{name: p.Name, shape: p.Shape, init: p.Init})
	}
	return specs
}

// TestAdam_GoldenTorch replays torch.optim.Adam / AdamW under a LambdaLR warm-up, five steps
// with fixed gradients, and compares the learning rate of every step, the parameters after
// every step and the final moments.
func TestAdam_GoldenTorch(t *testing.T) {
	g := readGolden(t)
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			dt, tol := tensor.Float64, goldenTol64
			if c.Dtype == "float32" {
				dt, tol = tensor.Float32, goldenTol32
			}
			ps := newTestParams(t, dt, 1, g.specs()...)
			a, err := NewAdam(ps, Config{Kind: c.Kind, LR: c.LR, Beta1: c.Beta1, Beta2: c.Beta2, Eps: c.Eps,
				WeightDecay: c.WeightDecay, WarmupSteps: c.WarmupSteps})
			if err != nil {
				t.Fatal(err)
			}
			worst, differ := 0.0, 0
			for k, grads := range g.Grads {
				if lr := a.LR(); lr != c.LRs[k] {
					t.Errorf("step %d: lr %.17g, torch's LambdaLR %.17g", k, lr, c.LRs[k])
				}
				for i, p := range g.Params {
					setGrad(t, ps, p.Name, grads[i])
				}
				if err := a.Step(); err != nil {
					t.Fatal(err)
				}
				for i, p := range g.Params {
					got, want := ps.Get(p.Name).Float64s(), c.Values[k][i]
					for j := range got {
						e := relErr(got[j], want[j])
						if dt == tensor.Float32 {
							e = relErr(got[j], want[j])
							if scale := math.Max(math.Abs(want[j]), math.Abs(p.Init[j])); scale > 0 {
								e = math.Abs(got[j]-want[j]) / scale
							}
						}
						if !(e <= tol) {
							t.Errorf("step %d: %s[%d] = %.17g, torch %.17g (relative error %.3g > %.3g)", k, p.Name, j, got[j], want[j], e, tol)
						}
						worst = math.Max(worst, e)
						if got[j] != want[j] {
							differ++
						}
					}
				}
			}
			for i, p := range g.Params {
				m, v := a.Moments(p.Name)
				assertClose(t, p.Name+" exp_avg", m, c.ExpAvg[i], tol)
				assertClose(t, p.Name+" exp_avg_sq", v, c.ExpAvgSq[i], tol)
			}
			t.Logf("torch %s: largest relative difference %.3g; %d values differ in some bit", g.TorchVersion, worst, differ)
		})
	}
}

// TestClipGradNorm_GoldenTorch compares with torch.nn.utils.clip_grad_norm_ in float64.
func TestClipGradNorm_GoldenTorch(t *testing.T) {
	g := readGolden(t)
	for _, c := range g.Clip {
		t.Run("max_norm="+formatFloat(c.MaxNorm), func(t *testing.T) {
			ps := newTestParams(t, tensor.Float64, 1, g.specs()...)
			for i, p := range g.Params {
				setGrad(t, ps, p.Name, g.Grads[c.Step][i])
			}
			norm, err := ClipGradNorm(ps.Learnables(), c.MaxNorm)
			if err != nil {
				t.Fatal(err)
			}
			if relErr(norm, c.TotalNorm) > goldenTol64 {
				t.Errorf("norm %.17g, torch %.17g", norm, c.TotalNorm)
			}
			for i, p := range g.Params {
				assertClose(t, p.Name+" gradient", ps.Get(p.Name).Grad.Data().([]float64), c.GradsAfter[i], goldenTol64)
			}
		})
	}
}
