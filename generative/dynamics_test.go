package generative

import (
	"errors"
	"math"
	"testing"

	"github.com/ncgn/ncgn/schedules"
)

// TestDynamics_Processes checks NewDynamics' choice and both processes' training pairs and
// levels against their closed forms, and that an unknown process is refused.
func TestDynamics_Processes(t *testing.T) {
	x1, eps := []float64{1, -2, 0.5}, []float64{0.3, 0.1, -1}
	xt, target := make([]float64, 3), make([]float64, 3)
	const lvl = schedules.NoiseLevel(0.25)

	d, err := NewDynamics(ProcessDiffusion, DDPMConfig{Timesteps: 100, SamplingSteps: 10}, FlowConfig{})
	if err != nil {
		t.Fatal(err)
	}
	ddpm := d.(*DDPM)
	if err := d.TrainPair(xt, target, x1, eps, lvl); err != nil {
		t.Fatal(err)
	}
	j, _ := ddpm.TrainIndex(lvl)
	if j != 75 { // floor(100 (1 - 0.25))
		t.Fatalf("TrainIndex(0.25) = %d, want 75", j)
	}
	a := ddpm.AlphaBar(j)
	for k := range x1 {
		if want := math.Sqrt(a)*x1[k] + math.Sqrt(1-a)*eps[k]; math.Abs(xt[k]-want) > 1e-15 || target[k] != eps[k] {
			t.Fatalf("DDPM pair %v, %v; want x_t[%d] = %v and target ε", xt, target, k, want)
		}
	}
	if lv := d.Levels(); len(lv) != 10 || lv[0] != ddpm.Level(90) || lv[9] != ddpm.Level(0) {
		t.Errorf("DDPM levels %v", lv)
	}

	f, err := NewDynamics(ProcessFlow, DDPMConfig{}, FlowConfig{Steps: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.TrainPair(xt, target, x1, eps, lvl); err != nil {
		t.Fatal(err)
	}
	for k := range x1 {
		if xt[k] != 0.25*x1[k]+0.75*eps[k] || target[k] != x1[k]-eps[k] {
			t.Fatalf("flow pair %v, %v", xt, target)
		}
	}
	if lv := f.Levels(); len(lv) != 4 || lv[0] != 0 || lv[3] != 0.75 {
		t.Errorf("flow levels %v, want 0, 0.25, 0.5, 0.75", lv)
	}
	// One Euler step with the second entry known: its velocity is masked.
	cond := &Condition{Mask: []bool{false, true, false}, Values: []float64{0, 7, 0}}
	st := &SampleState{X: []float64{0, 7, 0}, First: 0, Batch: 1, Cond: cond}
	if err := f.SampleStep(st, 0, []float64{4, 4, -4}); err != nil {
		t.Fatal(err)
	}
	if st.X[0] != 1 || st.X[1] != 7 || st.X[2] != -1 {
		t.Errorf("flow step with a known entry: %v, want [1 7 -1]", st.X)
	}

	if _, err := NewDynamics("score", DDPMConfig{}, FlowConfig{}); !errors.Is(err, ErrConfig) {
		t.Errorf("unknown process: err = %v, want ErrConfig", err)
	}
}
