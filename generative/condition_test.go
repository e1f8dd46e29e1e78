package generative

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/schedules"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestCondition_Validate(t *testing.T) {
	s := Shape{Nodes: 2, Dim: 3}
	cases := []struct {
		name string
		c    Condition
		want error
	}{
		{"shared", Condition{Mask: make([]bool, 6), Values: make([]float64, 6)}, nil},
		{"per sample", Condition{Mask: make([]bool, 24), Values: make([]float64, 24)}, nil},
		{"shared mask, per-sample values", Condition{Mask: make([]bool, 6), Values: make([]float64, 24)}, nil},
		{"mask too short", Condition{Mask: make([]bool, 5), Values: make([]float64, 6)}, ErrShape},
		{"values of another count", Condition{Mask: make([]bool, 6), Values: make([]float64, 12)}, ErrShape},
		{"NaN known value", Condition{Mask: []bool{false, true, false, false, false, false}, Values: []float64{0, math.NaN(), 0, 0, 0, 0}}, ErrValue},
		{"NaN unknown value is fine", Condition{Mask: make([]bool, 6), Values: []float64{math.NaN(), 0, 0, 0, 0, 0}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.Validate(s, 4)
			if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestCondition_ApplyShapes(t *testing.T) {
	c := &Condition{Mask: []bool{true, false, false, true}, Values: []float64{1, 2, 3, 4, 5, 6, 7, 8}} // 2 samples of 4
	x := make([]float64, 8)
	if err := c.Apply(x, 0, 2); err != nil {
		t.Fatal(err)
	}
	if want := []float64{1, 0, 0, 4, 5, 0, 0, 8}; !slices.Equal(x, want) {
		t.Errorf("applied %v, want %v", x, want)
	}
	u := []float64{9, 9, 9, 9}
	if err := c.MaskUpdate(u, 1, 1); err != nil || !slices.Equal(u, []float64{0, 9, 9, 0}) {
		t.Errorf("masked update %v (err %v), want [0 9 9 0]", u, err)
	}
	for _, tc := range []struct {
		name         string
		n, first, bs int
	}{
		{"past the last sample", 8, 1, 2},
		{"not whole samples", 7, 0, 2},
		{"no batch", 8, 0, 0},
		{"another sample size", 6, 0, 2},
	} {
		if err := c.Apply(make([]float64, tc.n), tc.first, tc.bs); !errors.Is(err, ErrShape) {
			t.Errorf("%s: err = %v, want ErrShape", tc.name, err)
		}
	}
}

// TestSample_ConditionKeepsKnownEntries samples with known entries, for both processes and
// both mask layouts, and checks that the known entries are exact in the result and in every
// input the network sees, and that the unknown entries moved.
func TestSample_ConditionKeepsKnownEntries(t *testing.T) {
	s := Shape{Nodes: 3, Dim: 2}
	const count = 5
	n := s.Size()
	shared := []bool{true, false, false, true, false, false}
	perSample := make([]bool, count*n)
	values := make([]float64, count*n)
	for j := range count {
		for k := range n {
			perSample[j*n+k] = (j+k)%3 == 0
			values[j*n+k] = 0.1*float64(j) - 0.05*float64(k)
		}
	}
	conds := []struct {
		name string
		c    *Condition
	}{
		{"shared mask, per-sample values", &Condition{Mask: shared, Values: values}},
		{"per-sample mask", &Condition{Mask: perSample, Values: values}},
		{"shared mask and values", &Condition{Mask: shared, Values: values[:n]}},
	}
	procs := []SampleConfig{
		{Process: ProcessFlow, Flow: FlowConfig{Steps: 8}},
		{Process: ProcessDiffusion, DDPM: DDPMConfig{SamplingSteps: 8}},
	}
	for _, pc := range procs {
		for _, cc := range conds {
			t.Run(string(pc.Process)+"/"+cc.name, func(t *testing.T) {
				den := newMLPDenoiser(t, tensor.Float64, s, 8, 1)
				probe := &probeDenoiser{Denoiser: den, steps: 8, batchSize: 2}
				probe.check = func(xt []float64, batch int, first int) {
					for b := range batch {
						for k := range n {
							if known, v := cc.c.at(first+b, k, n); known && xt[b*n+k] != v {
								t.Errorf("network input of sample %d, entry %d = %v, want the known %v", first+b, k, xt[b*n+k], v)
							}
						}
					}
				}
				cfg := pc
				cfg.Count, cfg.BatchSize, cfg.Seed, cfg.Condition = count, 2, 9, cc.c
				got, err := Sample(context.Background(), probe, s, cfg)
				if err != nil {
					t.Fatal(err)
				}
				for j := range count {
					for k := range n {
						known, v := cc.c.at(j, k, n)
						if known && got[j][k] != v {
							t.Errorf("sample %d, entry %d = %v, want the known %v exactly", j, k, got[j][k], v)
						}
						if !known && got[j][k] == v {
							t.Errorf("sample %d, entry %d = %v: an unknown entry did not move", j, k, got[j][k])
						}
					}
				}
			})
		}
	}
}

// probeDenoiser hands every input to check before the wrapped denoiser sees it, with the
// index of the batch's first sample, inferred from the call count: steps calls per batch of
// size batchSize.
type probeDenoiser struct {
	Denoiser
	check            func(xt []float64, batch, first int)
	steps, batchSize int
	calls            int
	batchStats       bool // the last scope's SampleConfig.BatchStats
}

func (d *probeDenoiser) Forward(s *layers.Scope, xt []float64, batch int, t []schedules.NoiseLevel, graphSeed int64) (*gorgonia.Node, error) {
	d.batchStats = s.BatchStats
	d.check(xt, batch, (d.calls/d.steps)*d.batchSize)
	d.calls++
	return d.Denoiser.Forward(s, xt, batch, t, graphSeed)
}

// TestSample_BatchStatsReachesScope checks that SampleConfig.BatchStats reaches the scope of
// every network evaluation (and that it is off by default).
func TestSample_BatchStatsReachesScope(t *testing.T) {
	s := Shape{Nodes: 3, Dim: 2}
	for _, on := range []bool{false, true} {
		probe := &probeDenoiser{Denoiser: newMLPDenoiser(t, tensor.Float64, s, 8, 1), steps: 4, batchSize: 2, check: func([]float64, int, int) {}}
		probe.batchStats = !on
		cfg := SampleConfig{Process: ProcessFlow, Flow: FlowConfig{Steps: 4}, Count: 2, BatchSize: 2, BatchStats: on}
		if _, err := Sample(context.Background(), probe, s, cfg); err != nil {
			t.Fatal(err)
		}
		if probe.batchStats != on || probe.calls != 4 {
			t.Errorf("BatchStats %v: the scope had %v after %d calls", on, probe.batchStats, probe.calls)
		}
	}
}
