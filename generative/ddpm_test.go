package generative

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/ncgn/ncgn/schedules"
)

// Tolerances.
const (
	tolExact = 1e-15 // arithmetic identities in float64
	tolClose = 1e-12 // closed forms computed by another route
)

func relErr(got, want float64) float64 {
	return math.Abs(got-want) / math.Max(math.Abs(want), 1e-300)
}

func newTestDDPM(t *testing.T, cfg DDPMConfig) *DDPM {
	t.Helper()
	d, err := NewDDPM(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDDPM_Schedule(t *testing.T) {
	d := newTestDDPM(t, DDPMConfig{})
	// Golden values from plain Python (float64), independent of this code:
	//   b = [1e-4 + (0.02-1e-4)*i/999 for i in range(1000)]; p = 1; a = []
	//   for x in b: p *= 1 - x; a.append(p)
	golden := []struct {
		i    int
		want float64
	}{
		{0, 0.9999},
		{1, 0.9997800920720721},
		{499, 0.07858724288177821},
		{999, 4.0358297653756754e-05},
	}
	for _, g := range golden {
		if e := relErr(d.AlphaBar(g.i), g.want); e > tolClose {
			t.Errorf("ᾱ_%d = %v, want %v (rel err %g)", g.i, d.AlphaBar(g.i), g.want, e)
		}
	}
	// By hand: ᾱ_0 = 1 - β_0, ᾱ_1 = (1 - β_0)(1 - β_1) with β_1 = β_0 + (β_end - β_0)/999.
	b0, b1 := 1e-4, 1e-4+(0.02-1e-4)/999
	if e := relErr(d.AlphaBar(1), (1-b0)*(1-b1)); e > tolExact {
		t.Errorf("ᾱ_1 = %v, want (1-β_0)(1-β_1) = %v", d.AlphaBar(1), (1-b0)*(1-b1))
	}
	if d.Beta(0) != 1e-4 || math.Abs(d.Beta(999)-0.02) > tolExact {
		t.Errorf("β_0 = %v, β_999 = %v, want 1e-4 and 0.02", d.Beta(0), d.Beta(999))
	}
	if d.AlphaBar(-1) != 1 {
		t.Errorf("ᾱ_{-1} = %v, want 1", d.AlphaBar(-1))
	}
	if !math.IsNaN(d.Beta(1000)) || !math.IsNaN(d.AlphaBar(1000)) || !math.IsNaN(d.PosteriorVariance(3, 3)) {
		t.Errorf("out of range: β_1000 = %v, ᾱ_1000 = %v, σ²(3 -> 3) = %v, want NaN", d.Beta(1000), d.AlphaBar(1000), d.PosteriorVariance(3, 3))
	}
}

func TestDDPM_AddNoise(t *testing.T) {
	d := newTestDDPM(t, DDPMConfig{})
	x0 := []float64{0.3, -0.7, 1.2}
	eps := []float64{1.1, 0.4, -2}
	for _, i := range []int{0, 1, 250, 999} {
		got := make([]float64, 3)
		if err := d.AddNoise(got, x0, eps, i); err != nil {
			t.Fatal(err)
		}
		ab := 1.0
		for s := 0; s <= i; s++ {
			ab *= 1 - d.Beta(s)
		}
		for k := range got {
			want := math.Sqrt(ab)*x0[k] + math.Sqrt(1-ab)*eps[k]
			if math.Abs(got[k]-want) > tolClose {
				t.Errorf("i = %d, entry %d: x_i = %v, want %v", i, k, got[k], want)
			}
		}
	}
	if err := d.AddNoise(make([]float64, 3), x0, eps, 1000); !errors.Is(err, ErrValue) {
		t.Errorf("index 1000: err = %v, want ErrValue", err)
	}
	if err := d.AddNoise(make([]float64, 2), x0, eps, 3); !errors.Is(err, ErrShape) {
		t.Errorf("short dst: err = %v, want ErrShape", err)
	}
}

// TestDDPM_Posterior checks the reverse step against the textbook posterior q(x_p | x_i, x_0)
// written with the betas of the steps between p and i (Ho et al. 2020, eq. 6-7):
//
//	μ̃ = sqrt(ᾱ_p) β/(1-ᾱ_i) x_0 + sqrt(α)(1-ᾱ_p)/(1-ᾱ_i) x_i,   σ̃² = (1-ᾱ_p)/(1-ᾱ_i) β,
//
// with α = Π_{p<s≤i} (1-β_s) and β = 1 - α.
func TestDDPM_Posterior(t *testing.T) {
	d := newTestDDPM(t, DDPMConfig{})
	cases := []struct {
		name string
		i, p int
	}{
		{"i=1", 1, 0},
		{"i=10", 10, 9},
		{"i=500", 500, 499},
		{"i=999", 999, 998},
		{"subsampled 900->800", 900, 800},
	}
	x0 := []float64{0.2, -0.9, 0.55}
	eps := []float64{-0.3, 1.4, 0.8}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			abI, abP := 1.0, 1.0
			for s := 0; s <= tc.i; s++ {
				abI *= 1 - d.Beta(s)
				if s <= tc.p {
					abP *= 1 - d.Beta(s)
				}
			}
			alpha := 1.0
			for s := tc.p + 1; s <= tc.i; s++ {
				alpha *= 1 - d.Beta(s)
			}
			beta := 1 - alpha
			xi := make([]float64, 3)
			for k := range xi {
				xi[k] = math.Sqrt(abI)*x0[k] + math.Sqrt(1-abI)*eps[k]
			}
			mean := make([]float64, 3)
			if err := d.Step(mean, xi, eps, tc.i, tc.p, nil); err != nil {
				t.Fatal(err)
			}
			for k := range mean {
				want := math.Sqrt(abP)*beta/(1-abI)*x0[k] + math.Sqrt(alpha)*(1-abP)/(1-abI)*xi[k]
				if math.Abs(mean[k]-want) > 1e-10 {
					t.Errorf("entry %d: mean %v, want %v", k, mean[k], want)
				}
			}
			wantVar := (1 - abP) / (1 - abI) * beta
			if e := relErr(d.PosteriorVariance(tc.i, tc.p), wantVar); e > 1e-9 {
				t.Errorf("variance %v, want %v", d.PosteriorVariance(tc.i, tc.p), wantVar)
			}
			if tc.p == tc.i-1 {
				bt := (1 - abP) / (1 - abI) * d.Beta(tc.i) // β̃_i
				if e := relErr(d.PosteriorVariance(tc.i, tc.p), bt); e > 1e-9 {
					t.Errorf("variance %v, want β̃ = %v", d.PosteriorVariance(tc.i, tc.p), bt)
				}
			}
			z := []float64{1, -2, 0.5}
			noisy := make([]float64, 3)
			if err := d.Step(noisy, xi, eps, tc.i, tc.p, z); err != nil {
				t.Fatal(err)
			}
			for k := range noisy {
				want := mean[k] + math.Sqrt(wantVar)*z[k]
				if math.Abs(noisy[k]-want) > 1e-10 {
					t.Errorf("entry %d: with noise %v, want %v", k, noisy[k], want)
				}
			}
		})
	}
}

func TestDDPM_StepClipAndEnd(t *testing.T) {
	d := newTestDDPM(t, DDPMConfig{})
	nc := newTestDDPM(t, DDPMConfig{NoClip: true})
	i, p := 100, 99
	ab, abP := d.AlphaBar(i), d.AlphaBar(p)
	// x chosen so that the x0 prediction is 3, outside the clip range.
	eps := []float64{0.5}
	x := []float64{math.Sqrt(ab)*3 + math.Sqrt(1-ab)*eps[0]}
	coef0 := math.Sqrt(abP) * (1 - ab/abP) / (1 - ab)
	coefT := math.Sqrt(ab/abP) * (1 - abP) / (1 - ab)
	for _, tc := range []struct {
		name string
		d    *DDPM
		x0   float64
	}{{"clipped", d, 1}, {"no clip", nc, 3}} {
		t.Run(tc.name, func(t *testing.T) {
			got := make([]float64, 1)
			if err := tc.d.Step(got, x, eps, i, p, nil); err != nil {
				t.Fatal(err)
			}
			want := coef0*tc.x0 + coefT*x[0]
			if math.Abs(got[0]-want) > 1e-10 {
				t.Errorf("mean %v, want %v", got[0], want)
			}
		})
	}
	// diffusers' final step (index 0 to "past the end"): the clipped x0 prediction, no noise.
	x = []float64{0.4}
	got := make([]float64, 1)
	if err := d.Step(got, x, eps, 0, -1, []float64{5}); err != nil {
		t.Fatal(err)
	}
	want := (x[0] - math.Sqrt(1-d.AlphaBar(0))*eps[0]) / math.Sqrt(d.AlphaBar(0))
	if math.Abs(got[0]-want) > 1e-12 {
		t.Errorf("final step %v, want the x0 prediction %v", got[0], want)
	}
	for _, bad := range [][2]int{{0, 0}, {5, 5}, {1000, 10}, {-1, -2}} {
		if err := d.Step(got, x, eps, bad[0], bad[1], nil); !errors.Is(err, ErrValue) {
			t.Errorf("step %d -> %d: err = %v, want ErrValue", bad[0], bad[1], err)
		}
	}
}

func TestDDPM_TrainIndex(t *testing.T) {
	ours := newTestDDPM(t, DDPMConfig{})
	ref := newTestDDPM(t, DDPMConfig{ReferenceOrientation: true})
	cases := []struct {
		name      string
		t         float64
		ours, ref int
	}{
		{"t=0 (noise)", 0, 999, 0},
		{"t=1 (data)", 1, 0, 999},
		{"t=0.5", 0.5, 500, 500},
		{"just above 0", 0.0005, 999, 0},
		{"t=0.001", 0.001, 999, 1},
		{"t=0.0015", 0.0015, 998, 1},
		{"just below 1", 0.9995, 0, 999},
		{"t=0.999", 0.999, 1, 999},
		{"t=0.25", 0.25, 750, 250},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ours.TrainIndex(schedules.NoiseLevel(tc.t))
			if err != nil || got != tc.ours {
				t.Errorf("ours: index %d (err %v), want %d", got, err, tc.ours)
			}
			got, err = ref.TrainIndex(schedules.NoiseLevel(tc.t))
			if err != nil || got != tc.ref {
				t.Errorf("reference orientation: index %d (err %v), want %d", got, err, tc.ref)
			}
		})
	}
	for _, bad := range []float64{-0.1, 1.1, math.NaN()} {
		if _, err := ours.TrainIndex(schedules.NoiseLevel(bad)); !errors.Is(err, ErrValue) {
			t.Errorf("t = %v: err = %v, want ErrValue", bad, err)
		}
	}
}

func TestDDPM_Level(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ref      bool
		at0, at1 float64 // levels at index 0 and at index T-1
	}{{"ours", false, 1, 0}, {"reference", true, 0, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDDPM(t, DDPMConfig{ReferenceOrientation: tc.ref})
			if d.Level(0) != schedules.NoiseLevel(tc.at0) || d.Level(999) != schedules.NoiseLevel(tc.at1) {
				t.Errorf("Level(0) = %v, Level(999) = %v, want %v and %v", d.Level(0), d.Level(999), tc.at0, tc.at1)
			}
			for i := range 1000 {
				j, err := d.TrainIndex(d.Level(i))
				if err != nil || j != i {
					t.Fatalf("TrainIndex(Level(%d)) = %d (err %v)", i, j, err)
				}
			}
		})
	}
}

func TestDDPM_SamplingIndices(t *testing.T) {
	cases := []struct {
		name  string
		steps int
		want  []int
	}{
		{"10 steps", 10, []int{900, 800, 700, 600, 500, 400, 300, 200, 100, 0}},
		{"3 steps", 3, []int{666, 333, 0}},
		{"1 step", 1, []int{0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := newTestDDPM(t, DDPMConfig{SamplingSteps: tc.steps}).SamplingIndices()
			if !slices.Equal(got, tc.want) {
				t.Errorf("indices %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("all 1000", func(t *testing.T) {
		got := newTestDDPM(t, DDPMConfig{}).SamplingIndices()
		if len(got) != 1000 || got[0] != 999 || got[999] != 0 {
			t.Fatalf("%d indices from %d to %d, want 1000 from 999 to 0", len(got), got[0], got[len(got)-1])
		}
		for k := 1; k < 1000; k++ {
			if got[k] != got[k-1]-1 {
				t.Fatalf("index %d after %d", got[k], got[k-1])
			}
		}
	})
}

func TestDDPMConfig_Validate(t *testing.T) {
	cases := []struct {
		name string
		cfg  DDPMConfig
	}{
		{"one timestep", DDPMConfig{Timesteps: 1}},
		{"negative beta", DDPMConfig{BetaStart: -1e-4}},
		{"beta end below start", DDPMConfig{BetaStart: 0.1, BetaEnd: 0.01}},
		{"beta end 1", DDPMConfig{BetaEnd: 1}},
		{"negative clip range", DDPMConfig{ClipRange: -1}},
		{"more sampling steps than timesteps", DDPMConfig{SamplingSteps: 1001}},
		{"negative sampling steps", DDPMConfig{SamplingSteps: -2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewDDPM(tc.cfg); !errors.Is(err, ErrConfig) {
				t.Errorf("err = %v, want ErrConfig", err)
			}
		})
	}
}
