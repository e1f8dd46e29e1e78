package generative

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/schedules"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestSample_DDPMPointMass samples with the exact noise prediction of a point mass c,
// ε(x, i) = (x - sqrt(ᾱ_i) c)/sqrt(1 - ᾱ_i), over all 1000 steps, in both orientations: the
// network sees t = k/999 at its k-th call (t = 0 noise first) under ours and 1 - k/999 under
// the reference's, and the samples end within a few posterior standard deviations of c.
func TestSample_DDPMPointMass(t *testing.T) {
	const tolEnd = 0.05 // |x - c|: the last transition has standard deviation about 0.007
	s := Shape{Nodes: 1, Dim: 3}
	c := []float64{0.4, -0.6, 0.1}
	for _, ref := range []bool{false, true} {
		name := map[bool]string{false: "ours", true: "reference orientation"}[ref]
		t.Run(name, func(t *testing.T) {
			d := newTestDDPM(t, DDPMConfig{ReferenceOrientation: ref})
			var levels []schedules.NoiseLevel
			den := newFuncDenoiser(t, s, func(x []float64, tt schedules.NoiseLevel, out []float64) {
				i := int(math.Round((1 - float64(tt)) * 999))
				if ref {
					i = int(math.Round(float64(tt) * 999))
				}
				ab := d.AlphaBar(i)
				for k := range x {
					out[k] = (x[k] - math.Sqrt(ab)*c[k]) / math.Sqrt(1-ab)
				}
			})
			den.seen = func(_ []float64, _ int, ts []schedules.NoiseLevel) { levels = append(levels, ts[0]) }
			got, err := Sample(context.Background(), den, s, SampleConfig{Process: ProcessDiffusion, Count: 8, BatchSize: 8, Seed: 1, DDPM: DDPMConfig{ReferenceOrientation: ref}})
			if err != nil {
				t.Fatal(err)
			}
			if len(levels) != 1000 {
				t.Fatalf("%d network calls, want 1000", len(levels))
			}
			for k, l := range levels {
				want := float64(k) / 999
				if ref {
					want = 1 - want
				}
				if math.Abs(float64(l)-want) > 1e-12 {
					t.Fatalf("call %d at t = %v, want %v", k, l, want)
				}
			}
			for j, x := range got {
				for k := range x {
					if math.Abs(x[k]-c[k]) > tolEnd {
						t.Errorf("sample %d entry %d = %v, want within %v of %v", j, k, x[k], tolEnd, c[k])
					}
				}
			}
		})
	}
}

func TestSample_SeedAndBatchSize(t *testing.T) {
	const tolBatch = 1e-12 // the matrix products may sum in another order for another batch size
	s := Shape{Nodes: 2, Dim: 2}
	den := newMLPDenoiser(t, tensor.Float64, s, 8, 1)
	for _, proc := range []SampleConfig{
		{Process: ProcessDiffusion, DDPM: DDPMConfig{SamplingSteps: 6}},
		{Process: ProcessFlow, Flow: FlowConfig{Steps: 6}},
	} {
		t.Run(string(proc.Process), func(t *testing.T) {
			run := func(batch int, seed int64) [][]float64 {
				cfg := proc
				cfg.Count, cfg.BatchSize, cfg.Seed = 7, batch, seed
				out, err := Sample(context.Background(), den, s, cfg)
				if err != nil {
					t.Fatal(err)
				}
				return out
			}
			a := run(3, 1)
			if b := run(3, 1); !slices.EqualFunc(a, b, slices.Equal) {
				t.Error("the same seed gave different samples")
			}
			if b := run(3, 2); slices.EqualFunc(a, b, slices.Equal) {
				t.Error("another seed gave the same samples")
			}
			for _, batch := range []int{1, 7, 128} {
				b := run(batch, 1)
				for j := range a {
					for k := range a[j] {
						if math.Abs(a[j][k]-b[j][k]) > tolBatch {
							t.Fatalf("batch %d: sample %d entry %d = %v, with batch 3 %v", batch, j, k, b[j][k], a[j][k])
						}
					}
				}
			}
		})
	}
}

// TestSample_EMA checks that sampling with the trainer's EMA equals sampling with the EMA
// values copied into a second model, and leaves the training weights untouched.
func TestSample_EMA(t *testing.T) {
	s := Shape{Nodes: 1, Dim: 2}
	den := newMLPDenoiser(t, tensor.Float32, s, 8, 1)
	tr, _, err := Train(context.Background(), den, s, twoClusters(16, 0.1, 1), TrainConfig{Process: ProcessFlow, Steps: 5, BatchSize: 8, WarmupSteps: -1})
	if err != nil {
		t.Fatal(err)
	}
	var before bytes.Buffer
	_ = den.ps.Encode(&before)
	cfg := tr.SampleConfig(4)
	cfg.Flow.Steps = 5
	var bar bytes.Buffer
	cfg.Progress = &bar
	got, err := Sample(context.Background(), den, s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var after bytes.Buffer
	_ = den.ps.Encode(&after)
	if !bytes.Equal(before.Bytes(), after.Bytes()) || tr.EMA().Swapped() {
		t.Error("sampling changed the training weights or left the EMA swapped in")
	}
	copyDen := newMLPDenoiser(t, tensor.Float32, s, 8, 2)
	if err := tr.EMA().CopyTo(copyDen.ps); err != nil {
		t.Fatal(err)
	}
	cfg.EMA, cfg.Progress = nil, nil
	want, err := Sample(context.Background(), copyDen, s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("samples with the swapped-in EMA %v differ from those of a copy of it %v", got, want)
	}
	cfg.EMA = tr.EMA()
	raw, err := Sample(context.Background(), den, s, SampleConfig{Process: ProcessFlow, Count: 4, Flow: FlowConfig{Steps: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if slices.EqualFunc(got, raw, slices.Equal) {
		t.Error("samples with the EMA equal those of the training weights: the EMA was not used")
	}
	if !strings.Contains(bar.String(), "sample flow") {
		t.Errorf("progress bar output %q", bar.String())
	}
}

func TestSample_Errors(t *testing.T) {
	s := Shape{Nodes: 1, Dim: 2}
	ctx := context.Background()
	t.Run("NaN network output", func(t *testing.T) {
		den := &nanDenoiser{Denoiser: newMLPDenoiser(t, tensor.Float64, s, 4, 1), nanAt: 3}
		_, err := Sample(ctx, den, s, SampleConfig{Process: ProcessDiffusion, Count: 2, DDPM: DDPMConfig{SamplingSteps: 5}})
		if !errors.Is(err, ErrNonFinite) || !strings.Contains(err.Error(), "step 3 of 5") {
			t.Errorf("err = %v, want ErrNonFinite naming step 3 of 5", err)
		}
	})
	t.Run("wrong output shape", func(t *testing.T) {
		_, err := Sample(ctx, wideDenoiser{newMLPDenoiser(t, tensor.Float64, s, 4, 1)}, s, SampleConfig{Process: ProcessFlow, Count: 2, Flow: FlowConfig{Steps: 2}})
		if !errors.Is(err, ErrShape) || !strings.Contains(err.Error(), "want [2 2]") {
			t.Errorf("err = %v, want ErrShape naming the expected shape", err)
		}
	})
	t.Run("bad config", func(t *testing.T) {
		for _, cfg := range []SampleConfig{{Process: ProcessFlow}, {Process: "x", Count: 1}, {Process: ProcessFlow, Count: 1, Flow: FlowConfig{Steps: -1}}} {
			if _, err := Sample(ctx, newMLPDenoiser(t, tensor.Float64, s, 4, 1), s, cfg); !errors.Is(err, ErrConfig) {
				t.Errorf("%+v: err = %v, want ErrConfig", cfg, err)
			}
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := Sample(cctx, newMLPDenoiser(t, tensor.Float64, s, 4, 1), s, SampleConfig{Process: ProcessFlow, Count: 1})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
}

// wideDenoiser returns one column too many.
type wideDenoiser struct{ *mlpDenoiser }

func (d wideDenoiser) Forward(s *layers.Scope, xt []float64, batch int, t []schedules.NoiseLevel, graphSeed int64) (*gorgonia.Node, error) {
	return s.Input("wide", make([]float64, batch*3), batch, 3)
}

// TestSample_RunFailureReported checks that a sampling step whose graph fails while it runs
// (an op's input of the wrong size) is reported with the step, not retried or hidden.
func TestSample_RunFailureReported(t *testing.T) {
	s := Shape{Nodes: 1, Dim: 2}
	cfg := SampleConfig{Process: ProcessFlow, Count: 3, Seed: 4, Flow: FlowConfig{Steps: 4}}
	den := &faultDenoiser{Denoiser: newMLPDenoiser(t, tensor.Float64, s, 4, 1), faultAt: map[int]bool{2: true}}
	_, err := Sample(context.Background(), den, s, cfg)
	if !errors.Is(err, layers.ErrShape) || !strings.Contains(err.Error(), "step 2 of 4") {
		t.Errorf("err = %v, want layers.ErrShape naming step 2 of 4", err)
	}
	if den.calls != 2 {
		t.Errorf("%d denoiser calls, want 2 (no step built again)", den.calls)
	}
}
