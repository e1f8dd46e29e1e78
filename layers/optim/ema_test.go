package optim

import (
	"errors"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/layers"
	"gorgonia.org/tensor"
)

// emaSpecs is a learnable p = [1, 2] and a buffer r = [4].
var emaSpecs = []pspec{
	{name: "p", shape: []int{2}, init: []float64{1, 2}},
	{name: "r", shape: []int{1}, init: []float64{4}, buffer: true},
}

// TestEMA_Update checks two updates by hand with the default decay 0.95, for both buffer modes
// and both dtypes.
func TestEMA_Update(t *testing.T) {
	tests := []struct {
		name   string
		dt     tensor.Dtype
		mode   BufferMode
		tol    float64
		p2, r2 []float64 // after the second update
	}{
		// Update 1 with p = [3, -2], r = [8]: ema_p = 0.95·[1, 2] + 0.05·[3, -2] = [1.1, 1.8].
		// Update 2 with p = [3, -2], r = [0]: ema_p = 0.95·[1.1, 1.8] + 0.05·[3, -2] = [1.195, 1.61].
		// average: ema_r = 0.95·4 + 0.05·8 = 4.2, then 0.95·4.2 + 0 = 3.99; copy: ema_r = 8, then 0.
		{"float64 average", tensor.Float64, BuffersAverage, 1e-15, []float64{1.195, 1.61}, []float64{3.99}},
		{"float64 copy", tensor.Float64, BuffersCopy, 1e-15, []float64{1.195, 1.61}, []float64{0}},
		{"float32 average", tensor.Float32, BuffersAverage, 1e-7, []float64{1.195, 1.61}, []float64{3.99}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := newTestParams(t, tc.dt, 1, emaSpecs...)
			e, err := NewEMA(ps, EMAConfig{Buffers: tc.mode})
			if err != nil {
				t.Fatal(err)
			}
			if e.Config().Decay != 0.95 {
				t.Fatalf("default decay %v, want the reference's 0.95", e.Config().Decay)
			}
			assertBitEqual(t, "initial EMA", e.Value("p"), []float64{1, 2})
			mustSet(t, ps, "p", 3, -2)
			mustSet(t, ps, "r", 8)
			if err := e.Update(); err != nil {
				t.Fatal(err)
			}
			assertClose(t, "ema p after update 1", e.Value("p"), []float64{1.1, 1.8}, tc.tol)
			mustSet(t, ps, "r", 0)
			if err := e.Update(); err != nil {
				t.Fatal(err)
			}
			assertClose(t, "ema p after update 2", e.Value("p"), tc.p2, tc.tol)
			assertClose(t, "ema r after update 2", e.Value("r"), tc.r2, tc.tol)
			if e.Updates() != 2 {
				t.Errorf("Updates() = %d, want 2", e.Updates())
			}
			assertBitEqual(t, "live p (untouched)", ps.Get("p").Float64s(), []float64{3, -2})
		})
	}
}

// TestEMA_SwapAndCopy checks that Swap exchanges the weights and a second Swap restores them
// bit for bit, that updating or saving while swapped is refused, and that CopyTo fills a second
// Params of the same layout (also of the other dtype).
func TestEMA_SwapAndCopy(t *testing.T) {
	ps := newTestParams(t, tensor.Float64, 1, emaSpecs...)
	e, err := NewEMA(ps, EMAConfig{Decay: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	mustSet(t, ps, "p", 3, -2)
	if err := e.Update(); err != nil {
		t.Fatal(err)
	}
	// ema_p = 0.5·[1, 2] + 0.5·[3, -2] = [2, 0]; ema_r = 4.
	wantEMA := []float64{2, 0}
	if err := e.Swap(); err != nil {
		t.Fatal(err)
	}
	if !e.Swapped() {
		t.Error("Swapped() false after Swap")
	}
	assertBitEqual(t, "live p while swapped", ps.Get("p").Float64s(), wantEMA)
	if err := e.Update(); !errors.Is(err, ErrState) {
		t.Errorf("Update while swapped: error %v, want ErrState", err)
	}
	if err := e.Save(new(strings.Builder)); !errors.Is(err, ErrState) {
		t.Errorf("Save while swapped: error %v, want ErrState", err)
	}
	if err := e.Swap(); err != nil {
		t.Fatal(err)
	}
	assertBitEqual(t, "live p after swapping back", ps.Get("p").Float64s(), []float64{3, -2})
	assertBitEqual(t, "EMA p after swapping back", e.Value("p"), wantEMA)

	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		dst := newTestParams(t, dt, 2, emaSpecs...)
		if err := e.CopyTo(dst); err != nil {
			t.Fatal(err)
		}
		assertBitEqual(t, "copied p ("+dt.String()+")", dst.Get("p").Float64s(), wantEMA)
		assertBitEqual(t, "copied r ("+dt.String()+")", dst.Get("r").Float64s(), []float64{4})
	}
}

func TestEMA_Errors(t *testing.T) {
	ps := newTestParams(t, tensor.Float64, 1, emaSpecs...)
	for _, cfg := range []EMAConfig{{Decay: 1}, {Decay: -0.1}, {Decay: 1.5}, {Buffers: "drop"}} {
		if _, err := NewEMA(ps, cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("NewEMA(%+v): error %v, want ErrConfig", cfg, err)
		}
	}
	if _, err := NewEMA(nil, EMAConfig{}); !errors.Is(err, ErrConfig) {
		t.Errorf("NewEMA(nil): error %v, want ErrConfig", err)
	}
	e, err := NewEMA(ps, EMAConfig{})
	if err != nil {
		t.Fatal(err)
	}
	layouts := []struct {
		name  string
		specs []pspec
		in    string
	}{
		{"renamed", []pspec{{name: "p", shape: []int{2}}, {name: "s", shape: []int{1}, buffer: true}}, `"s"`},
		{"reshaped", []pspec{{name: "p", shape: []int{1, 2}}, {name: "r", shape: []int{1}, buffer: true}}, `"p" (1, 2)`},
		{"missing", []pspec{{name: "p", shape: []int{2}}}, "holds 1 tensors"},
	}
	for _, tc := range layouts {
		t.Run("CopyTo "+tc.name, func(t *testing.T) {
			dst := newTestParams(t, tensor.Float64, 3, tc.specs...)
			before := dst.Get("p").Float64s()
			err := e.CopyTo(dst)
			if !errors.Is(err, ErrShape) || !strings.Contains(err.Error(), tc.in) {
				t.Fatalf("CopyTo: error %v, want ErrShape naming %s", err, tc.in)
			}
			assertBitEqual(t, "destination after a failed copy", dst.Get("p").Float64s(), before)
		})
	}
	if _, err := ps.Add("late", []int{1}, layers.Zeros()); err != nil {
		t.Fatal(err)
	}
	if err := e.Update(); !errors.Is(err, ErrState) {
		t.Errorf("Update after Params grew: error %v, want ErrState", err)
	}
}

func mustSet(t *testing.T, ps *layers.Params, name string, v ...float64) {
	t.Helper()
	if err := ps.Get(name).SetFloat64s(v); err != nil {
		t.Fatal(err)
	}
}
