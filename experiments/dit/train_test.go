package dit

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/ncgn/ncgn/datasets/images"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/models"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// toySet returns n 8×8 one-channel images of two classes (a bright left or right half).
func toySet(n int) *images.Set {
	s := &images.Set{Channels: 1, Size: 8, Classes: 2, Source: "toy"}
	r := rand.New(rand.NewPCG(1, 1))
	for i := range n {
		s.Labels = append(s.Labels, i%2)
		for p := range 64 {
			v := -0.8
			if (p%8 < 4) == (i%2 == 0) {
				v = 0.8
			}
			s.Data = append(s.Data, v+0.05*r.NormFloat64())
		}
	}
	return s
}

// toyNet returns model m on the toy images, learning its variances unless fixed is set.
func toyNet(t *testing.T, m Model, fixed ...bool) network {
	t.Helper()
	ps, err := layers.NewParams(tensor.Float64, 2)
	if err != nil {
		t.Fatal(err)
	}
	cfg := models.DiTTiny
	cfg.InChannels, cfg.Size, cfg.Patch, cfg.Classes, cfg.Depth = 1, 8, 2, 2, 1
	cfg.LearnSigma = !(len(fixed) > 0 && fixed[0])
	n, err := newNetwork(ps, m, cfg, models.WindowsMatched, 100)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// cancelling wraps a network and cancels a context after a number of forward passes.
type cancelling struct {
	network
	calls, after int
	cancel       context.CancelFunc
}

func (c *cancelling) Forward(s *layers.Scope, x *gorgonia.Node, p int, steps []float64, labels []int) (*gorgonia.Node, *gorgonia.Node, error) {
	c.calls++
	if c.calls == c.after {
		c.cancel()
	}
	return c.network.Forward(s, x, p, steps, labels)
}

// TestTrain_ResumeIsExact trains DiT-DMP 10 steps in one go and, from scratch again,
// interrupted after 7 steps and resumed from the checkpoint of step 5: the final weights are
// the same to the bit (every draw of step k comes from (seed, k)), and the loss falls.
func TestTrain_ResumeIsExact(t *testing.T) {
	data := toySet(16)
	cfg := TrainConfig{Steps: 10, BatchSize: 4, LR: 3e-3, EMADecay: 0.9, LabelDropout: 0.1, SharedIndex: true, Timesteps: 100, Seed: 3, CheckpointEvery: 5}
	logf := func(string, ...any) {}
	whole := toyNet(t, ModelDiTDMP)
	res, err := train(context.Background(), whole, 2, cfg, data, filepath.Join(t.TempDir(), "a"), logf)
	if err != nil {
		t.Fatal(err)
	}
	if res.Steps != 10 || len(res.Losses) != 10 {
		t.Fatalf("trained %d steps, %d losses", res.Steps, len(res.Losses))
	}
	dir := filepath.Join(t.TempDir(), "b")
	ctx, cancel := context.WithCancel(context.Background())
	part := &cancelling{network: toyNet(t, ModelDiTDMP), after: 7, cancel: cancel}
	if _, err := train(ctx, part, 2, cfg, data, dir, logf); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted training: error %v, want context.Canceled", err)
	}
	resumed := toyNet(t, ModelDiTDMP)
	res2, err := train(context.Background(), resumed, 2, cfg, data, dir, logf)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range whole.Params().All() {
		a, b := p.Float64s(), resumed.Params().All()[i].Float64s()
		for k := range a {
			if a[k] != b[k] {
				t.Fatalf("%s[%d]: %v in one go, %v resumed", p.Name, k, a[k], b[k])
			}
		}
	}
	if res2.Losses[9] != res.Losses[9] {
		t.Errorf("last loss %v resumed, %v in one go", res2.Losses[9], res.Losses[9])
	}
}

// TestTrainSample_Learns trains both models briefly on the toy classes (DiT with fixed
// variances, DiT-DMP learning them, the reference's way) and samples them with and without
// guidance: the loss falls, the samples are finite and have the asked shape, and guided
// class-0 samples are brighter on the left than class-1 samples.
func TestTrainSample_Learns(t *testing.T) {
	data := toySet(32)
	for _, m := range Models {
		net := toyNet(t, m, m == ModelDiT)
		cfg := TrainConfig{Steps: 150, BatchSize: 16, LR: 3e-3, EMADecay: 0.9, LabelDropout: 0.1, SharedIndex: m == ModelDiTDMP, Timesteps: 100, Seed: 5}
		res, err := train(context.Background(), net, 2, cfg, data, filepath.Join(t.TempDir(), string(m)), func(string, ...any) {})
		if err != nil {
			t.Fatal(err)
		}
		first := (res.Losses[0] + res.Losses[1] + res.Losses[2]) / 3
		if !(res.Loss < 0.6*first) {
			t.Errorf("%s: loss %v at the end from %v: want a fall by 40 %%", m, res.Loss, first)
		}
		labels := []int{0, 1, 0, 1, 0, 1}
		for _, g := range []float64{1, 3} {
			imgs, err := sample(context.Background(), net, 2, 1, 8, 0, labels, SampleConfig{Timesteps: 100, Steps: 20, Guidance: g, Clip: true, Batch: 4}, 9, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(imgs) != 6 || len(imgs[5]) != 64 {
				t.Fatalf("%s: %d samples of %d values", m, len(imgs), len(imgs[0]))
			}
			var left [2]float64
			for j, img := range imgs {
				for p, v := range img {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("%s: sample %d has %v", m, j, v)
					}
					if p%8 < 4 {
						left[labels[j]] += v - img[p+4]
					}
				}
			}
			if g == 3 && !(left[0] > left[1]) {
				t.Errorf("%s, guidance %v: left-minus-right brightness %v for class 0 and %v for class 1: want class 0 brighter on the left", m, g, left[0], left[1])
			}
		}
	}
}

// TestCost checks the compute counts on the paper's 32 × 32 setting with DiT-S: DiT uses 64
// tokens and 4096 pairs at every step; DiT-DMP with matched windows 4096, 2304 and 1024 pairs
// at patch 4, 2, 1 (never more than DiT) but more FLOPs on average; with the reference's
// windows 3136, 6400 and 9216 pairs (more than DiT at the finer patches).
func TestCost(t *testing.T) {
	cfg := models.DiTS
	cfg.InChannels, cfg.Size, cfg.Patch, cfg.Classes = 4, 32, 4, 10
	ps, _ := layers.NewParams(tensor.Float32, 1)
	var costs = map[string]Cost{}
	for _, c := range []struct {
		name    string
		m       Model
		windows string
	}{{"dit", ModelDiT, ""}, {"matched", ModelDiTDMP, models.WindowsMatched}, {"reference", ModelDiTDMP, models.WindowsReference}} {
		net, err := newNetwork(ps, c.m, cfg, c.windows, 1000)
		if err != nil {
			t.Fatal(err)
		}
		cost, err := modelCost(net, cfg, 1000)
		if err != nil {
			t.Fatal(err)
		}
		costs[c.name] = cost
		ps, _ = layers.NewParams(tensor.Float32, 1)
	}
	if d := costs["dit"]; d.Tokens != 64 || d.Pairs != 4096 || len(d.ByPatch) != 1 {
		t.Errorf("DiT: %+v", d)
	}
	m := costs["matched"]
	for p, want := range map[int]float64{4: 4096, 2: 2304, 1: 1024} {
		if m.ByPatch[p].Pairs != want {
			t.Errorf("DiT-DMP matched, patch %d: %v pairs, want %v", p, m.ByPatch[p].Pairs, want)
		}
	}
	if math.Abs(m.Share[4]-0.769) > 1e-9 || math.Abs(m.Share[1]-0.052) > 1e-9 {
		t.Errorf("shares of the DDPM indices %v, want patch 4 on 769 of 1000, patch 1 on 52", m.Share)
	}
	for p, want := range map[int]float64{4: 3136, 2: 6400, 1: 9216} {
		if got := costs["reference"].ByPatch[p].Pairs; got != want {
			t.Errorf("DiT-DMP reference windows, patch %d: %v pairs, want %v", p, got, want)
		}
	}
	if !(m.Pairs < costs["dit"].Pairs && m.FLOPs > 2*costs["dit"].FLOPs) {
		t.Errorf("pairs DiT %v, matched %v; FLOPs DiT %v, matched %v (want fewer pairs, over twice the FLOPs)", costs["dit"].Pairs, m.Pairs, costs["dit"].FLOPs, m.FLOPs)
	}
	// DiT-S at patch 4: per block 64·12·384² + 2·4096·384 multiply-adds.
	want := 2 * (64*16*4*384 + 12*(64*12*384*384+2*4096*384) + 64*384*16*4)
	if math.Abs(costs["dit"].FLOPs-float64(want)) > 1 {
		t.Errorf("DiT FLOPs %v, want %v", costs["dit"].FLOPs, want)
	}
}
