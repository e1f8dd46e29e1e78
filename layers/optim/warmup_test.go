package optim

import (
	"testing"

	"gorgonia.org/tensor"
)

func TestWarmup_Factor(t *testing.T) {
	const tol = 0 // min(k, W)/W of small integers is exact or the nearest double either way
	tests := []struct {
		name string
		w    int
		k    int
		want float64
	}{
		{"W=10 first step has lr 0", 10, 0, 0},
		{"W=10 step 1", 10, 1, 0.1},
		{"W=10 step 9", 10, 9, 0.9},
		{"W=10 step 10 full", 10, 10, 1},
		{"W=10 step 11 full", 10, 11, 1},
		{"W=10 negative step counts as 0", 10, -3, 0},
		{"W=0 no warm-up", 0, 0, 1},
		{"W=0 later", 0, 7, 1},
		{"W=1 step 0", 1, 0, 0},
		{"W=1 step 1", 1, 1, 1},
		{"W=3 step 2", 3, 2, 2.0 / 3.0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Warmup{Steps: tc.w}.Factor(tc.k)
			if relErr(got, tc.want) > tol {
				t.Errorf("Warmup{%d}.Factor(%d) = %v, want %v", tc.w, tc.k, got, tc.want)
			}
		})
	}
}

func TestWarmup_LR(t *testing.T) {
	const tol = 1e-15
	w := Warmup{Steps: 10}
	for k, want := range []float64{0, 1e-5, 2e-5, 3e-5} {
		if got := w.LR(1e-4, k); relErr(got, want) > tol {
			t.Errorf("LR(1e-4, %d) = %v, want %v", k, got, want)
		}
	}
}

// TestAdam_WarmupSteps checks that Adam.Step takes the warm-up factor at its 0-based step
// index: the first step has lr 0 (parameters unchanged, moments updated), the second lr/W.
func TestAdam_WarmupSteps(t *testing.T) {
	const tol = 1e-13
	ps := newTestParams(t, tensor.Float64, 1, pspec{name: "p", shape: []int{2}, init: []float64{1, -2}})
	a, err := NewAdam(ps, Config{LR: 0.1, WarmupSteps: 10})
	if err != nil {
		t.Fatal(err)
	}
	if lr := a.LR(); lr != 0 {
		t.Fatalf("LR before the first step = %v, want 0", lr)
	}
	setGrad(t, ps, "p", []float64{0.5, -1})
	if err := a.Step(); err != nil {
		t.Fatal(err)
	}
	assertBitEqual(t, "p after step 0", ps.Get("p").Float64s(), []float64{1, -2})
	m, v := a.Moments("p")
	// m = 0.1·g, v = 0.001·g².
	assertClose(t, "m after step 0", m, []float64{0.05, -0.1}, tol)
	assertClose(t, "v after step 0", v, []float64{0.00025, 0.001}, tol)
	if lr := a.LR(); relErr(lr, 0.01) > tol {
		t.Fatalf("LR before step 1 = %v, want 0.1·1/10 = 0.01", lr)
	}
	// Step 1 (t = 2) with the same gradient: m = 0.9·0.1g + 0.1g = 0.19g, v = 0.001999g²,
	// m̂ = 0.19g/0.19 = g, v̂ = g², so p moves by 0.01·g/(|g| + 1e-8).
	if err := a.Step(); err != nil {
		t.Fatal(err)
	}
	want := []float64{1 - 0.01*0.5/(0.5+1e-8), -2 + 0.01*1/(1+1e-8)}
	assertClose(t, "p after step 1", ps.Get("p").Float64s(), want, tol)
	if a.Steps() != 2 {
		t.Errorf("Steps() = %d, want 2", a.Steps())
	}
}
