package generative

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/layers/optim"
	"github.com/ncgn/ncgn/ops"
	"github.com/ncgn/ncgn/schedules"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestTrain_LearnsTwoClusters trains the toy denoiser (float32 parameters, the dtype of the
// real models) on two small 2-D clusters with each process: the loss falls and the samples of
// the EMA weights land far closer to the data than Gaussian noise does.
func TestTrain_LearnsTwoClusters(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two toy models for 300 steps each (about 2 s); skipped under -short")
	}
	const (
		lossDrop = 0.7 // mean loss of the last 20 steps below lossDrop x that of the first 20
		nearGain = 0.4 // mean nearest-data distance of the samples below nearGain x that of noise
	)
	s := Shape{Nodes: 1, Dim: 2}
	data := twoClusters(512, 0.05, 1)
	noiseNear := meanNearest(gaussian(256, 2, 5), data)
	for _, proc := range []Process{ProcessFlow, ProcessDiffusion} {
		t.Run(string(proc), func(t *testing.T) {
			den := newMLPDenoiser(t, tensor.Float32, s, 64, 1)
			tr, res, err := Train(context.Background(), den, s, data, TrainConfig{Process: proc, Steps: 300, LR: 1e-2, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			first, last := meanOf(res.Losses[:20]), meanOf(res.Losses[len(res.Losses)-20:])
			if !(last < lossDrop*first) {
				t.Errorf("loss %.4f over the first 20 steps, %.4f over the last 20: did not fall below %.1fx", first, last, lossDrop)
			}
			sc := tr.SampleConfig(256)
			sc.DDPM.SamplingSteps, sc.Flow.Steps = 100, 50
			got, err := Sample(context.Background(), den, s, sc)
			if err != nil {
				t.Fatal(err)
			}
			near := meanNearest(got, data)
			t.Logf("loss %.4f -> %.4f; mean nearest-data distance: samples %.4f, noise %.4f", first, last, near, noiseNear)
			if !(near < nearGain*noiseNear) {
				t.Errorf("samples lie %.4f from the data on average, noise %.4f: want below %.1fx", near, noiseNear, nearGain)
			}
		})
	}
}

func meanOf(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// runState is everything a run leaves that must match bit for bit.
type runState struct {
	params, adam, ema []byte
	log               []string // loss.csv rows without the steps/s column
}

func stateOf(t *testing.T, tr *Trainer, dir string) runState {
	t.Helper()
	var p bytes.Buffer
	if err := tr.ps.Encode(&p); err != nil {
		t.Fatal(err)
	}
	a, err := tr.adam.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	e, err := tr.ema.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	st := runState{params: p.Bytes(), adam: a, ema: e}
	if dir != "" {
		b, err := os.ReadFile(filepath.Join(dir, lossLogFile))
		if err != nil {
			t.Fatal(err)
		}
		for _, ln := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			f := strings.Split(ln, ",")
			st.log = append(st.log, strings.Join(f[:4], ","))
		}
	}
	return st
}

func (a runState) diff(b runState) string {
	switch {
	case !bytes.Equal(a.params, b.params):
		return "parameters"
	case !bytes.Equal(a.adam, b.adam):
		return "Adam state"
	case !bytes.Equal(a.ema, b.ema):
		return "EMA"
	case !slices.Equal(a.log, b.log):
		return "loss log:\n" + strings.Join(a.log, "\n") + "\nvs\n" + strings.Join(b.log, "\n")
	}
	return ""
}

// TestTrain_ResumeEqualsUninterrupted checks that a run of 2N steps equals, bit for bit
// (parameters, Adam and EMA state, loss log), a run of N steps resumed for N more; a run
// that crashed after its checkpoint and was resumed; and a run cancelled mid-way (which
// checkpoints on the way out) and resumed. Epochs of 3 steps with a smaller last batch, data
// shuffled, gradients clipped, warm-up active.
func TestTrain_ResumeEqualsUninterrupted(t *testing.T) {
	s := Shape{Nodes: 2, Dim: 2}
	data := twoClusters(80, 0.1, 2)
	split, err := Split(slices.Concat(data...), s)
	if err != nil {
		t.Fatal(err)
	}
	const N = 4
	for _, proc := range []Process{ProcessFlow, ProcessDiffusion} {
		t.Run(string(proc), func(t *testing.T) {
			ctx := context.Background()
			cfg := func(dir string, steps int) TrainConfig {
				return TrainConfig{Process: proc, Steps: steps, BatchSize: 16, LR: 1e-2, WarmupSteps: 3, ClipNorm: 0.5, Seed: 5, CheckpointEvery: N, RunDir: dir}
			}
			newDen := func(seed int64) Denoiser { return newMLPDenoiser(t, tensor.Float32, s, 16, seed) }

			dirA := t.TempDir()
			trA, _, err := Train(ctx, newDen(1), s, split, cfg(dirA, 2*N))
			if err != nil {
				t.Fatal(err)
			}
			want := stateOf(t, trA, dirA)
			if len(want.log) != 2*N+1 {
				t.Fatalf("loss log of %d lines, want a header and %d rows", len(want.log), 2*N)
			}

			t.Run("N steps, then resume", func(t *testing.T) {
				dir := t.TempDir()
				if _, _, err := Train(ctx, newDen(1), s, split, cfg(dir, N)); err != nil {
					t.Fatal(err)
				}
				tr, res, err := Resume(ctx, newDen(99), s, split, cfg(dir, 2*N))
				if err != nil {
					t.Fatal(err)
				}
				if res.Steps != 2*N || len(res.Losses) != N {
					t.Errorf("resumed run: %d steps in total, %d in this call; want %d and %d", res.Steps, len(res.Losses), 2*N, N)
				}
				if d := want.diff(stateOf(t, tr, dir)); d != "" {
					t.Errorf("resumed run differs from the uninterrupted one in its %s", d)
				}
			})
			t.Run("crash after the checkpoint, then resume", func(t *testing.T) {
				dir := t.TempDir()
				crash := &failDenoiser{Denoiser: newDen(1), failAt: N + 2}
				if _, _, err := Train(ctx, crash, s, split, cfg(dir, 2*N)); !errors.Is(err, errSimulatedCrash) {
					t.Fatalf("err = %v, want the simulated crash", err)
				}
				tr, _, err := Resume(ctx, newDen(99), s, split, cfg(dir, 2*N))
				if err != nil {
					t.Fatal(err)
				}
				if d := want.diff(stateOf(t, tr, dir)); d != "" {
					t.Errorf("resumed run differs from the uninterrupted one in its %s", d)
				}
			})
			t.Run("cancelled, then resume", func(t *testing.T) {
				dir := t.TempDir()
				cctx, cancel := context.WithCancel(ctx)
				defer cancel()
				hook := &hookDenoiser{Denoiser: newDen(1), at: 3, f: cancel}
				_, res, err := Train(cctx, hook, s, split, cfg(dir, 2*N))
				if !errors.Is(err, context.Canceled) || res.Steps != 3 {
					t.Fatalf("err = %v after %d steps, want context.Canceled after 3", err, res.Steps)
				}
				tr, _, err := Resume(ctx, newDen(99), s, split, cfg(dir, 2*N))
				if err != nil {
					t.Fatal(err)
				}
				if d := want.diff(stateOf(t, tr, dir)); d != "" {
					t.Errorf("resumed run differs from the uninterrupted one in its %s", d)
				}
			})
			t.Run("in memory, same draws", func(t *testing.T) {
				c := cfg("", 2*N)
				tr, _, err := Train(ctx, newDen(1), s, split, c)
				if err != nil {
					t.Fatal(err)
				}
				got := stateOf(t, tr, "")
				got.log = want.log
				if d := want.diff(got); d != "" {
					t.Errorf("in-memory run differs from the one with checkpoints in its %s", d)
				}
			})
		})
	}
}

// hookDenoiser calls f at call number at (1-based).
type hookDenoiser struct {
	Denoiser
	at, calls int
	f         func()
}

func (d *hookDenoiser) Forward(s *layers.Scope, xt []float64, batch int, t []schedules.NoiseLevel, graphSeed int64) (*gorgonia.Node, error) {
	d.calls++
	if d.calls == d.at {
		d.f()
	}
	return d.Denoiser.Forward(s, xt, batch, t, graphSeed)
}

func TestTrain_CheckpointFiles(t *testing.T) {
	s := Shape{Nodes: 1, Dim: 2}
	data := twoClusters(20, 0.1, 3)
	dir := t.TempDir()
	var bar bytes.Buffer
	den := newMLPDenoiser(t, tensor.Float32, s, 8, 1)
	tr, res, err := Train(context.Background(), den, s, data, TrainConfig{Process: ProcessFlow, Epochs: 3, BatchSize: 8, Seed: 1, CheckpointEvery: 2, RunDir: dir, Progress: &bar})
	if err != nil {
		t.Fatal(err)
	}
	if res.Steps != 9 || res.Epochs != 3 {
		t.Errorf("%d steps, %d epochs; want 9 and 3 (3 epochs of ceil(20/8) = 3 steps)", res.Steps, res.Epochs)
	}
	info, err := readCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Step != 9 || info.Dir != "step-00000009" || info.Samples != 20 || info.StepsPerEpoch != 3 {
		t.Errorf("checkpoint %+v", info)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"checkpoint.json", "loss.csv", "step-00000009"}) {
		t.Errorf("run folder holds %v; want the pointer, the log and only the latest checkpoint", names)
	}
	for _, f := range []string{paramsFile, emaParamsFile, optimFile} {
		if _, err := os.Stat(filepath.Join(dir, info.Dir, f)); err != nil {
			t.Errorf("checkpoint file: %v", err)
		}
	}
	// ema_params.bin holds the EMA weights: loading it into a copy of the model gives them.
	den2 := newMLPDenoiser(t, tensor.Float32, s, 8, 2)
	if err := den2.ps.Load(filepath.Join(dir, info.Dir, emaParamsFile)); err != nil {
		t.Fatal(err)
	}
	for _, p := range den2.ps.All() {
		if !slices.Equal(p.Float64s(), tr.EMA().Value(p.Name)) {
			t.Errorf("ema_params.bin: %q differs from the EMA", p.Name)
		}
	}
	if !strings.Contains(bar.String(), "loss") {
		t.Errorf("progress bar output %q shows no loss", bar.String())
	}
	t.Run("a fresh run refuses the folder", func(t *testing.T) {
		_, _, err := Train(context.Background(), newMLPDenoiser(t, tensor.Float32, s, 8, 1), s, data, TrainConfig{Process: ProcessFlow, Epochs: 3, BatchSize: 8, Seed: 1, RunDir: dir})
		if !errors.Is(err, ErrCheckpoint) {
			t.Errorf("err = %v, want ErrCheckpoint", err)
		}
	})
	base := TrainConfig{Process: ProcessFlow, Epochs: 4, BatchSize: 8, Seed: 1, CheckpointEvery: 2, RunDir: dir}
	bad := []struct {
		name, field string
		mod         func(c *TrainConfig)
		data        [][]float64
	}{
		{"another lr", "lr", func(c *TrainConfig) { c.LR = 0.5 }, data},
		{"another seed", "seed", func(c *TrainConfig) { c.Seed = 2 }, data},
		{"another process", "process", func(c *TrainConfig) { c.Process = ProcessDiffusion }, data},
		{"other data", "samples", func(c *TrainConfig) {}, data[:10]},
		{"no checkpoint", "no checkpoint", func(c *TrainConfig) { c.RunDir = t.TempDir() }, data},
	}
	for _, tc := range bad {
		t.Run("resume refuses "+tc.name, func(t *testing.T) {
			c := base
			tc.mod(&c)
			_, _, err := Resume(context.Background(), newMLPDenoiser(t, tensor.Float32, s, 8, 1), s, tc.data, c)
			if !errors.Is(err, ErrCheckpoint) || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("err = %v, want ErrCheckpoint naming %q", err, tc.field)
			}
		})
	}
	t.Run("resume refuses a damaged optimiser state and changes nothing", func(t *testing.T) {
		dmg := t.TempDir()
		if err := os.CopyFS(dmg, os.DirFS(dir)); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dmg, info.Dir, optimFile)
		b, _ := os.ReadFile(p)
		if err := os.WriteFile(p, b[:len(b)-3], 0o644); err != nil {
			t.Fatal(err)
		}
		c := base
		c.RunDir = dmg
		fresh := newMLPDenoiser(t, tensor.Float32, s, 8, 1)
		tr, err := NewTrainer(fresh, s, c)
		if err != nil {
			t.Fatal(err)
		}
		before := stateOf(t, tr, "")
		if err := tr.Resume(); !errors.Is(err, ErrCheckpoint) || !strings.Contains(err.Error(), optimFile) {
			t.Errorf("err = %v, want ErrCheckpoint naming %s", err, optimFile)
		}
		if d := before.diff(stateOf(t, tr, "")); d != "" {
			t.Errorf("a failed resume changed the %s", d)
		}
	})
	t.Run("resume with more epochs continues", func(t *testing.T) {
		// A row cut off by a crash and a row past the checkpoint are dropped from the log.
		f, err := os.OpenFile(filepath.Join(dir, lossLogFile), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("10,3,0.5,0.001,12\n11,3,0.4")
		f.Close()
		_, res, err := Resume(context.Background(), newMLPDenoiser(t, tensor.Float32, s, 8, 1), s, data, base)
		if err != nil || res.Steps != 12 || len(res.Losses) != 3 {
			t.Errorf("err = %v, %d steps (%d in this call), want 12 (3)", err, res.Steps, len(res.Losses))
		}
		b, _ := os.ReadFile(filepath.Join(dir, lossLogFile))
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		if len(lines) != 13 {
			t.Fatalf("loss log of %d lines, want a header and 12 rows:\n%s", len(lines), b)
		}
		for k, ln := range lines[1:] {
			if !strings.HasPrefix(ln, strconv.Itoa(k+1)+",") {
				t.Errorf("row %d is %q", k+1, ln)
			}
		}
	})
}

// TestTrain_NonFiniteStops checks that a NaN or Inf loss stops training with an error naming
// the step and the loss, and that the failing step changed nothing.
func TestTrain_NonFiniteStops(t *testing.T) {
	s := Shape{Nodes: 1, Dim: 2}
	data := twoClusters(8, 0.1, 4)
	t.Run("huge data value", func(t *testing.T) {
		huge := slices.Clone(data)
		huge[5] = []float64{1e300, 0} // finite in float64, +Inf in the float32 network
		_, _, err := Train(context.Background(), newMLPDenoiser(t, tensor.Float32, s, 8, 1), s, huge, TrainConfig{Process: ProcessDiffusion, Steps: 3, BatchSize: 8})
		if !errors.Is(err, ErrNonFinite) || !strings.Contains(err.Error(), "step 1 ") || !strings.Contains(err.Error(), "loss is") {
			t.Errorf("err = %v, want ErrNonFinite naming step 1 and the loss", err)
		}
	})
	t.Run("denoiser returns NaN at step 3", func(t *testing.T) {
		cfg := TrainConfig{Process: ProcessFlow, Steps: 5, BatchSize: 4, Seed: 3}
		den := &nanDenoiser{Denoiser: newMLPDenoiser(t, tensor.Float32, s, 8, 1), nanAt: 3}
		tr, res, err := Train(context.Background(), den, s, data, cfg)
		if !errors.Is(err, ErrNonFinite) || !strings.Contains(err.Error(), "step 3 ") || !strings.Contains(err.Error(), "loss is NaN") {
			t.Fatalf("err = %v, want ErrNonFinite naming step 3 and the loss", err)
		}
		if res.Steps != 2 {
			t.Errorf("%d steps completed, want 2", res.Steps)
		}
		cfg.Steps = 2
		ref, _, err := Train(context.Background(), newMLPDenoiser(t, tensor.Float32, s, 8, 1), s, data, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if d := stateOf(t, ref, "").diff(stateOf(t, tr, "")); d != "" {
			t.Errorf("the failed step changed the %s", d)
		}
	})
	t.Run("non-finite gradient with a finite loss", func(t *testing.T) {
		den := &sqrtDenoiser{mlpDenoiser: newMLPDenoiser(t, tensor.Float32, s, 8, 1)}
		var err error
		if den.bad, err = den.ps.Add("bad", []int{1, 2}, layers.Zeros()); err != nil {
			t.Fatal(err)
		}
		_, _, err = Train(context.Background(), den, s, data, TrainConfig{Process: ProcessFlow, Steps: 2, BatchSize: 4})
		if !errors.Is(err, ErrNonFinite) || !strings.Contains(err.Error(), "step 1 ") || !strings.Contains(err.Error(), `gradient of "bad"`) {
			t.Errorf("err = %v, want ErrNonFinite naming step 1 and the gradient of \"bad\"", err)
		}
	})
	t.Run("NaN in the data is refused up front", func(t *testing.T) {
		bad := slices.Clone(data)
		bad[2] = []float64{0, math.NaN()}
		_, _, err := Train(context.Background(), newMLPDenoiser(t, tensor.Float32, s, 8, 1), s, bad, TrainConfig{Process: ProcessFlow, Steps: 1})
		if !errors.Is(err, ErrValue) || !strings.Contains(err.Error(), "sample 2") {
			t.Errorf("err = %v, want ErrValue naming sample 2", err)
		}
	})
	t.Run("wrong output shape", func(t *testing.T) {
		_, _, err := Train(context.Background(), newMLPDenoiser(t, tensor.Float32, Shape{Nodes: 1, Dim: 2}, 8, 1), Shape{Nodes: 2, Dim: 1}, [][]float64{{0, 1}}, TrainConfig{Process: ProcessFlow, Steps: 1})
		if !errors.Is(err, ErrShape) {
			t.Errorf("err = %v, want ErrShape", err)
		}
	})
}

func TestTrainer_BatchOrder(t *testing.T) {
	s := Shape{Nodes: 1, Dim: 1}
	for _, noShuffle := range []bool{false, true} {
		tr, err := NewTrainer(newMLPDenoiser(t, tensor.Float64, s, 4, 1), s, TrainConfig{Process: ProcessFlow, Steps: 1, BatchSize: 4, NoShuffle: noShuffle, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		const n = 10 // 3 steps per epoch: 4, 4, 2
		var epochs [][]int
		for e := range 3 {
			var seen []int
			for j := range 3 {
				seen = append(seen, tr.batchIndices(3*e+j, n)...)
			}
			sorted := slices.Sorted(slices.Values(seen))
			if !slices.Equal(sorted, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
				t.Fatalf("no_shuffle=%v: epoch %d visits %v, want each sample once", noShuffle, e, seen)
			}
			if noShuffle && !slices.Equal(seen, sorted) {
				t.Errorf("no_shuffle: epoch %d order %v, want the stored order", e, seen)
			}
			epochs = append(epochs, seen)
		}
		if !noShuffle && slices.Equal(epochs[0], epochs[1]) {
			t.Errorf("shuffled epochs 0 and 1 have the same order %v", epochs[0])
		}
		if got := tr.batchIndices(2, n); len(got) != 2 {
			t.Errorf("last batch of an epoch has %d samples, want 2", len(got))
		}
	}
}

func TestTrainConfig_Validate(t *testing.T) {
	ok := TrainConfig{Process: ProcessFlow, Steps: 10}
	cases := []struct {
		name string
		mod  func(c *TrainConfig)
	}{
		{"unknown process", func(c *TrainConfig) { c.Process = "score" }},
		{"both epochs and steps", func(c *TrainConfig) { c.Epochs = 2 }},
		{"neither epochs nor steps", func(c *TrainConfig) { c.Steps = 0 }},
		{"negative batch", func(c *TrainConfig) { c.BatchSize = -1 }},
		{"negative lr", func(c *TrainConfig) { c.LR = -1 }},
		{"unknown optimizer", func(c *TrainConfig) { c.Optimizer = "sgd" }},
		{"EMA decay 1", func(c *TrainConfig) { c.EMADecay = 1 }},
		{"negative clip", func(c *TrainConfig) { c.ClipNorm = -1 }},
		{"negative checkpoint interval", func(c *TrainConfig) { c.CheckpointEvery = -1 }},
		{"bad DDPM", func(c *TrainConfig) { c.DDPM.Timesteps = 1 }},
	}
	if err := ok.WithDefaults().Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.mod(&c)
			if err := c.WithDefaults().Validate(); !errors.Is(err, ErrConfig) {
				t.Errorf("err = %v, want ErrConfig", err)
			}
		})
	}
	d := ok.WithDefaults()
	if d.BatchSize != 128 || d.WarmupSteps != 10 || d.EMADecay != 0.95 || d.Optimizer != optim.KindAdam || d.DDPM.Timesteps != 1000 || d.Flow.Steps != 200 {
		t.Errorf("defaults %+v", d)
	}
	if c := (TrainConfig{Process: ProcessFlow, Steps: 1, WarmupSteps: -1}).WithDefaults(); c.optimConfig().WarmupSteps != 0 {
		t.Errorf("warmup_steps -1 gives W = %d, want 0 (off)", c.optimConfig().WarmupSteps)
	}
}

// sqrtDenoiser adds sqrt(bad) to the toy output; with bad = 0 the loss is finite and the
// gradient of bad is not.
type sqrtDenoiser struct {
	*mlpDenoiser
	bad *layers.Param
}

func (d *sqrtDenoiser) Forward(s *layers.Scope, xt []float64, batch int, t []schedules.NoiseLevel, graphSeed int64) (*gorgonia.Node, error) {
	out, err := d.mlpDenoiser.Forward(s, xt, batch, t, graphSeed)
	if err != nil {
		return nil, err
	}
	r, err := gorgonia.Sqrt(s.Param(d.bad))
	if err != nil {
		return nil, err
	}
	return ops.AddBias(out, r)
}

// TestTrain_RunFailureStops checks that a step whose graph fails while it runs (an op's input
// of the wrong size) stops training with an error naming the step, and leaves the parameters,
// optimiser and EMA exactly as the steps before it left them.
func TestTrain_RunFailureStops(t *testing.T) {
	s := Shape{Nodes: 1, Dim: 2}
	data := twoClusters(8, 0.1, 4)
	cfg := TrainConfig{Process: ProcessFlow, Steps: 4, BatchSize: 4, Seed: 5}
	den := &faultDenoiser{Denoiser: newMLPDenoiser(t, tensor.Float32, s, 8, 1), faultAt: map[int]bool{3: true}}
	tr, _, err := Train(context.Background(), den, s, data, cfg)
	if !errors.Is(err, layers.ErrShape) || !strings.Contains(err.Error(), "step 3") {
		t.Fatalf("err = %v, want layers.ErrShape naming step 3", err)
	}
	if tr.Steps() != 2 || den.calls != 3 {
		t.Errorf("%d steps done and %d denoiser calls, want 2 and 3", tr.Steps(), den.calls)
	}
	cfg.Steps = 2
	ref, _, err := Train(context.Background(), newMLPDenoiser(t, tensor.Float32, s, 8, 1), s, data, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if d := stateOf(t, ref, "").diff(stateOf(t, tr, "")); d != "" {
		t.Errorf("the failed step left the %s different from two undisturbed steps", d)
	}
}

// slowDenoiser waits pause in every forward pass, so that training time has a known floor.
type slowDenoiser struct {
	Denoiser
	pause time.Duration
}

func (d *slowDenoiser) Forward(s *layers.Scope, xt []float64, batch int, t []schedules.NoiseLevel, graphSeed int64) (*gorgonia.Node, error) {
	time.Sleep(d.pause)
	return d.Denoiser.Forward(s, xt, batch, t, graphSeed)
}

// TestTrain_SecondsSurviveResume: the checkpoint carries the training time, a resumed trainer
// starts from it, and the steps after a crash's last checkpoint are not counted twice.
func TestTrain_SecondsSurviveResume(t *testing.T) {
	s := Shape{Nodes: 2, Dim: 2}
	split, err := Split(slices.Concat(twoClusters(32, 0.1, 2)...), s)
	if err != nil {
		t.Fatal(err)
	}
	const N, pause = 3, 20 * time.Millisecond
	ctx, dir := context.Background(), t.TempDir()
	cfg := func(steps int) TrainConfig {
		return TrainConfig{Process: ProcessFlow, Steps: steps, BatchSize: 16, LR: 1e-2, Seed: 5, CheckpointEvery: N, RunDir: dir}
	}
	den := func() Denoiser {
		return &slowDenoiser{Denoiser: newMLPDenoiser(t, tensor.Float32, s, 8, 1), pause: pause}
	}
	crash := &failDenoiser{Denoiser: den(), failAt: N + 2} // fails after the checkpoint at step N
	tr, _, err := Train(ctx, crash, s, split, cfg(2*N))
	if !errors.Is(err, errSimulatedCrash) {
		t.Fatalf("err = %v, want the simulated crash", err)
	}
	crashed := tr.Seconds()
	info, err := readCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Step != N || info.Seconds < N*pause.Seconds() || info.Seconds >= crashed {
		t.Fatalf("checkpoint at step %d holds %.3f s; want step %d, at least %.3f s and less than the %.3f s until the crash",
			info.Step, info.Seconds, N, N*pause.Seconds(), crashed)
	}
	tr, err = NewTrainer(den(), s, cfg(2*N))
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Resume(); err != nil {
		t.Fatal(err)
	}
	if got := tr.Seconds(); got != info.Seconds {
		t.Fatalf("resumed trainer starts at %.3f s, the checkpoint holds %.3f s", got, info.Seconds)
	}
	if _, err := tr.Train(ctx, split); err != nil {
		t.Fatal(err)
	}
	if got := tr.Seconds(); got < info.Seconds+N*pause.Seconds() {
		t.Fatalf("after %d more steps: %.3f s, want at least %.3f s", N, got, info.Seconds+N*pause.Seconds())
	}
}
