package generative

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/ncgn/ncgn/schedules"
)

func TestFlowMatching_PathAndTarget(t *testing.T) {
	f, err := NewFlowMatching(FlowConfig{})
	if err != nil {
		t.Fatal(err)
	}
	x0 := []float64{0.5, -1.5, 2}
	x1 := []float64{-0.25, 0.75, 1}
	cases := []struct {
		name string
		t    float64
		want []float64
	}{
		{"t=0 is the noise", 0, x0},
		{"t=1 is the data", 1, x1},
		{"t=0.25", 0.25, []float64{0.75*0.5 + 0.25*-0.25, 0.75*-1.5 + 0.25*0.75, 0.75*2 + 0.25*1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := make([]float64, 3)
			if err := f.Interpolate(got, x0, x1, schedules.NoiseLevel(tc.t)); err != nil {
				t.Fatal(err)
			}
			for k := range got {
				if math.Abs(got[k]-tc.want[k]) > tolExact {
					t.Errorf("entry %d: %v, want %v", k, got[k], tc.want[k])
				}
			}
		})
	}
	// The target is the time derivative of the path (central difference at t = 0.4).
	target := make([]float64, 3)
	if err := f.Target(target, x0, x1); err != nil {
		t.Fatal(err)
	}
	const h = 1e-6
	lo, hi := make([]float64, 3), make([]float64, 3)
	_ = f.Interpolate(lo, x0, x1, 0.4-h)
	_ = f.Interpolate(hi, x0, x1, 0.4+h)
	for k := range target {
		if target[k] != x1[k]-x0[k] {
			t.Errorf("target %d = %v, want x1 - x0 = %v", k, target[k], x1[k]-x0[k])
		}
		if d := (hi[k] - lo[k]) / (2 * h); math.Abs(d-target[k]) > 1e-8 {
			t.Errorf("entry %d: d/dt x_t = %v, target %v", k, d, target[k])
		}
	}
	if err := f.Interpolate(make([]float64, 3), x0, x1, 1.5); !errors.Is(err, ErrValue) {
		t.Errorf("t = 1.5: err = %v, want ErrValue", err)
	}
	if err := f.Target(make([]float64, 2), x0, x1); !errors.Is(err, ErrShape) {
		t.Errorf("short dst: err = %v, want ErrShape", err)
	}
}

func TestFlowMatching_Grid(t *testing.T) {
	cases := []struct {
		name string
		cfg  FlowConfig
		want []schedules.NoiseLevel
		h    float64
	}{
		{"ours t=i/S", FlowConfig{Steps: 4}, []schedules.NoiseLevel{0, 0.25, 0.5, 0.75}, 0.25},
		{"reference t=i/(S-1)", FlowConfig{Steps: 4, ReferenceGrid: true}, []schedules.NoiseLevel{0, 1.0 / 3, 2.0 / 3, 1}, 0.25},
		{"one step", FlowConfig{Steps: 1}, []schedules.NoiseLevel{0}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := NewFlowMatching(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Grid(); !slices.Equal(got, tc.want) {
				t.Errorf("grid %v, want %v", got, tc.want)
			}
			if f.StepSize() != tc.h {
				t.Errorf("step %v, want %v", f.StepSize(), tc.h)
			}
		})
	}
	f, _ := NewFlowMatching(FlowConfig{})
	if g := f.Grid(); len(g) != 200 || g[199] != schedules.NoiseLevel(199.0/200) {
		t.Errorf("default grid: %d levels ending at %v, want 200 ending at 0.995", len(g), g[len(g)-1])
	}
	for _, bad := range []FlowConfig{{Steps: -1}, {Steps: 1, ReferenceGrid: true}} {
		if _, err := NewFlowMatching(bad); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: err = %v, want ErrConfig", bad, err)
		}
	}
}

// TestFlowSample_PointMass samples with the exact velocity of a point mass c,
// v(x, t) = (c - x)/(1 - t); Euler on the grid t = i/S reaches c exactly at its last step.
func TestFlowSample_PointMass(t *testing.T) {
	s := Shape{Nodes: 2, Dim: 2}
	c := []float64{0.3, -0.2, 0.7, 0.1}
	den := newFuncDenoiser(t, s, func(x []float64, tt schedules.NoiseLevel, out []float64) {
		for k := range x {
			out[k] = (c[k] - x[k]) / (1 - float64(tt))
		}
	})
	got, err := Sample(context.Background(), den, s, SampleConfig{Process: ProcessFlow, Count: 5, BatchSize: 2, Seed: 3, Flow: FlowConfig{Steps: 7}})
	if err != nil {
		t.Fatal(err)
	}
	for j, x := range got {
		for k := range x {
			if math.Abs(x[k]-c[k]) > 1e-12 {
				t.Errorf("sample %d entry %d: %v, want %v", j, k, x[k], c[k])
			}
		}
	}
}
