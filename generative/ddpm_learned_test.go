package generative

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestVLBCoefficients checks the coefficients against the process: the true noise gives back
// x0, the posterior mean c1·x0 + c2·x_i is Step's mean for the step i → i−1 (no clipping
// needed), logVarMin is log PosteriorVariance(i, i−1) (and index 1's at index 0), logVarMax
// log β_i.
func TestVLBCoefficients(t *testing.T) {
	d, err := NewDDPM(DDPMConfig{NoClip: true})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, i := range []int{0, 1, 17, 500, 999} {
		a, b, c1, c2, lo, hi, err := d.VLBCoefficients(i)
		if err != nil {
			t.Fatal(err)
		}
		x0, e := []float64{r.NormFloat64() * 0.5}, []float64{r.NormFloat64()}
		xt := make([]float64, 1)
		if err := d.AddNoise(xt, x0, e, i); err != nil {
			t.Fatal(err)
		}
		if got := a*xt[0] - b*e[0]; math.Abs(got-x0[0]) > 1e-9 {
			t.Errorf("index %d: x̂0 from the true noise %v, want %v", i, got, x0[0])
		}
		if math.Abs(hi-math.Log(d.Beta(i))) > 1e-15 {
			t.Errorf("index %d: logVarMax %v, want log β %v", i, hi, math.Log(d.Beta(i)))
		}
		if i == 0 {
			if want := math.Log(d.PosteriorVariance(1, 0)); math.Abs(lo-want) > 1e-12 {
				t.Errorf("index 0: logVarMin %v, want index 1's %v", lo, want)
			}
			continue
		}
		if want := math.Log(d.PosteriorVariance(i, i-1)); math.Abs(lo-want) > 1e-12 {
			t.Errorf("index %d: logVarMin %v, want %v", i, lo, want)
		}
		mean := make([]float64, 1)
		if err := d.Step(mean, xt, e, i, i-1, nil); err != nil {
			t.Fatal(err)
		}
		if got := c1*x0[0] + c2*xt[0]; math.Abs(got-mean[0]) > 1e-9 {
			t.Errorf("index %d: posterior mean %v, Step's %v", i, got, mean[0])
		}
	}
	if _, _, _, _, _, _, err := d.VLBCoefficients(1000); err == nil {
		t.Error("index 1000 of 1000: no error")
	}
}

// TestStepLearned checks that v = −1 is Step's posterior variance (the same result from the
// same noise) and v = 1 scales the noise by √β of the respaced step.
func TestStepLearned(t *testing.T) {
	d, err := NewDDPM(DDPMConfig{SamplingSteps: 10})
	if err != nil {
		t.Fatal(err)
	}
	x, eps, z := []float64{0.3, -0.2}, []float64{0.5, -1}, []float64{1, -0.5}
	i, p := 500, 400
	want := make([]float64, 2)
	if err := d.Step(want, x, eps, i, p, z); err != nil {
		t.Fatal(err)
	}
	got := make([]float64, 2)
	if err := d.StepLearned(got, x, eps, []float64{-1, -1}, i, p, z); err != nil {
		t.Fatal(err)
	}
	mean := make([]float64, 2)
	if err := d.Step(mean, x, eps, i, p, nil); err != nil {
		t.Fatal(err)
	}
	up := make([]float64, 2)
	if err := d.StepLearned(up, x, eps, []float64{1, 1}, i, p, z); err != nil {
		t.Fatal(err)
	}
	beta := 1 - d.AlphaBar(i)/d.AlphaBar(p)
	for k := range x {
		if math.Abs(got[k]-want[k]) > 1e-12 {
			t.Errorf("v = -1: %v, Step gives %v", got, want)
		}
		if w := mean[k] + math.Sqrt(beta)*z[k]; math.Abs(up[k]-w) > 1e-12 {
			t.Errorf("v = 1: %v, want mean + √β z = %v", up[k], w)
		}
	}
	if err := d.StepLearned(got, x, eps, []float64{1}, i, p, z); err == nil {
		t.Error("one variance value for two samples: no error")
	}
}
