package optim

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

// TestClipGradNorm checks the global norm and the scaling on hand-computed cases: gradients
// p = [3, 4] and q = [0, 0, 0] have norm sqrt(9 + 16) = 5.
func TestClipGradNorm(t *testing.T) {
	const tol = 1e-15
	tests := []struct {
		name    string
		dt      tensor.Dtype
		gp, gq  []float64
		maxNorm float64
		norm    float64
		wantP   []float64
		tol     float64
	}{
		{"below max: unchanged", tensor.Float64, []float64{3, 4}, []float64{0, 0, 0}, 10, 5, []float64{3, 4}, 0},
		{"above max: scaled by max/(norm+1e-6)", tensor.Float64, []float64{3, 4}, []float64{0, 0, 0}, 1, 5,
			[]float64{3 * (1 / (5 + 1e-6)), 4 * (1 / (5 + 1e-6))}, tol},
		{"at max: scaled by 5/(5+1e-6) as torch", tensor.Float64, []float64{3, 4}, []float64{0, 0, 0}, 5, 5,
			[]float64{3 * (5 / (5 + 1e-6)), 4 * (5 / (5 + 1e-6))}, tol},
		{"+Inf max: unchanged", tensor.Float64, []float64{3, 4}, []float64{0, 0, 0}, math.Inf(1), 5, []float64{3, 4}, 0},
		{"float32 above max", tensor.Float32, []float64{3, 4}, []float64{0, 0, 0}, 1, 5,
			[]float64{float64(3 * float32(1/(5+1e-6))), float64(4 * float32(1/(5+1e-6)))}, 0},
		{"norm across tensors", tensor.Float64, []float64{1, 2}, []float64{2, 0, 4}, 2.5, 5,
			[]float64{1 * (2.5 / (5 + 1e-6)), 2 * (2.5 / (5 + 1e-6))}, tol},
		{"float64 squares overflow", tensor.Float64, []float64{3e200, 4e200}, []float64{0, 0, 0}, 1, 5e200,
			[]float64{3e200 * (1 / 5e200), 4e200 * (1 / 5e200)}, 1e-15},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := newTestParams(t, tc.dt, 1,
				pspec{name: "p", shape: []int{2}},
				pspec{name: "bn.var", shape: []int{3}, buffer: true},
				pspec{name: "q", shape: []int{3}})
			setGrad(t, ps, "p", tc.gp)
			setGrad(t, ps, "q", tc.gq)
			norm, err := ClipGradNorm(ps.All(), tc.maxNorm) // buffers have no gradient: skipped
			if err != nil {
				t.Fatal(err)
			}
			if relErr(norm, tc.norm) > 1e-15 {
				t.Errorf("norm = %.17g, want %.17g", norm, tc.norm)
			}
			got := ps.Get("p").Grad
			var gp []float64
			if tc.dt == tensor.Float32 {
				gp = widen(got.Data().([]float32))
			} else {
				gp = got.Data().([]float64)
			}
			assertClose(t, "p gradient", gp, tc.wantP, tc.tol)
		})
	}
}

func TestClipGradNorm_Errors(t *testing.T) {
	tests := []struct {
		name    string
		gq      []float64
		maxNorm float64
		want    error
		in      string
	}{
		{"NaN gradient", []float64{0, math.NaN(), 1}, 1, ErrNonFinite, `"q" is NaN at flat index 1`},
		{"Inf gradient", []float64{math.Inf(-1), 0, 1}, 1, ErrNonFinite, `"q" is -Inf at flat index 0`},
		{"zero max norm", []float64{0, 0, 1}, 0, ErrConfig, "max norm 0"},
		{"negative max norm", []float64{0, 0, 1}, -1, ErrConfig, "max norm -1"},
		{"NaN max norm", []float64{0, 0, 1}, math.NaN(), ErrConfig, "max norm NaN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := newTestParams(t, tensor.Float64, 1, pspec{name: "p", shape: []int{2}}, pspec{name: "q", shape: []int{3}})
			setGrad(t, ps, "p", []float64{3, 4})
			setGrad(t, ps, "q", tc.gq)
			_, err := ClipGradNorm(ps.Learnables(), tc.maxNorm)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.in) {
				t.Errorf("error %q does not say %s", err, tc.in)
			}
			assertBitEqual(t, "p gradient after an error", ps.Get("p").Grad.Data().([]float64), []float64{3, 4})
		})
	}
	if norm, err := ClipGradNorm(nil, 1); norm != 0 || err != nil {
		t.Errorf("ClipGradNorm(nil) = %v, %v; want 0, nil", norm, err)
	}
}
