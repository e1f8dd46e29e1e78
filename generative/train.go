package generative

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/ncgn/ncgn/internal/progress"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/layers/optim"
	"github.com/ncgn/ncgn/ops"
	"github.com/ncgn/ncgn/schedules"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Trainer trains a Denoiser with DDPM or flow matching. One step (numbered from 1 in logs,
// checkpoints and errors) is
//
//  1. the next batch of the epoch's order (a permutation drawn from (seed, epoch), or the
//     stored order with NoShuffle);
//  2. from the stream (seed, step): one t ~ U(0, 1) per sample, then standard normal noise;
//  3. the noisy input and target of the process (DDPM: x_i = sqrt(ᾱ_i) x + sqrt(1-ᾱ_i) ε with
//     i = DDPM.TrainIndex(t), target ε; flow: x_t = t x + (1-t) ε, target x - ε);
//  4. a training layers.Scope, Denoiser.Forward at the drawn levels, the loss
//     mean((pred - target)²) over every entry, Scope.Run (gradients into Param.Grad);
//  5. a NaN or Inf loss or gradient stops training with an error naming the step and the
//     quantity (ErrNonFinite); the parameters keep the values of the previous step;
//  6. optional global-norm gradient clipping, the Adam step at the warm-up learning rate,
//     the EMA update.
//
// A Trainer is not safe for concurrent use.
type Trainer struct {
	cfg   TrainConfig
	den   Denoiser
	shape Shape
	ps    *layers.Params
	adam  *optim.Adam
	ema   *optim.EMA
	proc  Dynamics

	step      int // completed steps
	saved     int // step of the last checkpoint written or resumed from (-1: none)
	resumed   bool
	samples   int // number of data samples of the resumed run (0: not resumed)
	permEpoch int
	perm      []int
	// seconds is the training wall time up to the start of the current Train call (earlier
	// calls and, after Resume, the run up to its checkpoint); started is when the Train call
	// under way began (zero between calls).
	seconds float64
	started time.Time
}

// TrainResult summarises a call of Train.
type TrainResult struct {
	Steps  int       // steps completed in total (resumed ones included)
	Epochs int       // complete passes over the data
	Loss   float64   // loss of the last step
	Losses []float64 // loss of every step of this call, in order
}

// NewTrainer returns a trainer of den on samples of shape s, with fresh optimiser state and an
// EMA initialised to the current parameters; cfg's zero fields take their defaults.
func NewTrainer(den Denoiser, s Shape, cfg TrainConfig) (*Trainer, error) {
	if den == nil || den.Params() == nil {
		return nil, fmt.Errorf("generative: trainer: nil denoiser or parameters: %w", ErrConfig)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tr := &Trainer{cfg: cfg, den: den, shape: s, ps: den.Params(), saved: -1, permEpoch: -1}
	var err error
	if tr.adam, err = optim.NewAdam(tr.ps, cfg.optimConfig()); err != nil {
		return nil, fmt.Errorf("generative: trainer: %w", err)
	}
	if tr.ema, err = optim.NewEMA(tr.ps, cfg.emaConfig()); err != nil {
		return nil, fmt.Errorf("generative: trainer: %w", err)
	}
	if tr.proc, err = NewDynamics(cfg.Process, cfg.DDPM, cfg.Flow); err != nil {
		return nil, err
	}
	return tr, nil
}

// Train runs a fresh training run of den on data (see Trainer) and returns the trainer, which
// holds the EMA for sampling.
func Train(ctx context.Context, den Denoiser, s Shape, data [][]float64, cfg TrainConfig) (*Trainer, *TrainResult, error) {
	tr, err := NewTrainer(den, s, cfg)
	if err != nil {
		return nil, nil, err
	}
	res, err := tr.Train(ctx, data)
	return tr, res, err
}

// Resume continues the run in cfg.RunDir from its last checkpoint until cfg's end (which may
// lie beyond the original end: raise Steps or Epochs to train longer).
func Resume(ctx context.Context, den Denoiser, s Shape, data [][]float64, cfg TrainConfig) (*Trainer, *TrainResult, error) {
	tr, err := NewTrainer(den, s, cfg)
	if err != nil {
		return nil, nil, err
	}
	if err := tr.Resume(); err != nil {
		return nil, nil, err
	}
	res, err := tr.Train(ctx, data)
	return tr, res, err
}

// Seconds returns the run's training wall time so far: the time of every Train call, and
// after Resume the time the resumed run had spent up to its checkpoint (steps done after the
// last checkpoint of an interrupted session are redone, and counted once).
func (tr *Trainer) Seconds() float64 {
	if !tr.started.IsZero() {
		return tr.seconds + time.Since(tr.started).Seconds()
	}
	return tr.seconds
}

// Config returns the configuration in use, defaults applied.
func (tr *Trainer) Config() TrainConfig { return tr.cfg }

// Steps returns the number of completed steps.
func (tr *Trainer) Steps() int { return tr.step }

// EMA returns the exponential moving average of the parameters, for SampleConfig.EMA.
func (tr *Trainer) EMA() *optim.EMA { return tr.ema }

// Optimizer returns the Adam optimiser.
func (tr *Trainer) Optimizer() *optim.Adam { return tr.adam }

// stepsPerEpoch returns ceil(n / batch).
func (tr *Trainer) stepsPerEpoch(n int) int { return (n + tr.cfg.BatchSize - 1) / tr.cfg.BatchSize }

// totalSteps returns the step count at which the run ends.
func (tr *Trainer) totalSteps(n int) int {
	if tr.cfg.Steps > 0 {
		return tr.cfg.Steps
	}
	return tr.cfg.Epochs * tr.stepsPerEpoch(n)
}

// batchIndices returns the data indices of the step with 0-based index k.
func (tr *Trainer) batchIndices(k, n int) []int {
	spe := tr.stepsPerEpoch(n)
	e, j := k/spe, k%spe
	if tr.permEpoch != e || len(tr.perm) != n {
		if tr.cfg.NoShuffle {
			tr.perm = make([]int, n)
			for i := range tr.perm {
				tr.perm[i] = i
			}
		} else {
			tr.perm = newStream(tr.cfg.Seed, streamShuffle, e).Perm(n)
		}
		tr.permEpoch = e
	}
	lo := j * tr.cfg.BatchSize
	return tr.perm[lo:min(lo+tr.cfg.BatchSize, n)]
}

// Train runs steps until the configured end, writing the loss log, the progress bar and the
// checkpoints. On a cancelled ctx it writes a checkpoint of the steps done (if there is a run
// folder) and returns ctx's error; on any other error nothing more is written, so the last
// checkpoint stays the last good state.
func (tr *Trainer) Train(ctx context.Context, data [][]float64) (*TrainResult, error) {
	if err := ValidateData(data, tr.shape); err != nil {
		return nil, err
	}
	n := len(data)
	if tr.resumed && n != tr.samples {
		return nil, fmt.Errorf("generative: resumed run was trained on %d samples, now %d: %w", tr.samples, n, ErrCheckpoint)
	}
	total := tr.totalSteps(n)
	var log *lossLog
	if tr.cfg.RunDir != "" {
		var err error
		if tr.step == 0 && !tr.resumed {
			if info, err := readCheckpoint(tr.cfg.RunDir); err == nil {
				return nil, fmt.Errorf("generative: run folder %s already holds a checkpoint at step %d (use Resume or another folder): %w", tr.cfg.RunDir, info.Step, ErrCheckpoint)
			}
			log, err = createLossLog(tr.cfg.RunDir)
		} else {
			log, err = openLossLog(tr.cfg.RunDir)
		}
		if err != nil {
			return nil, err
		}
		defer log.close()
	}
	tr.samples = n
	res := &TrainResult{Steps: tr.step, Epochs: tr.step / tr.stepsPerEpoch(n), Loss: math.NaN()}
	bar := progress.New(tr.cfg.Progress, total, tr.step, "train "+string(tr.cfg.Process))
	defer bar.Finish()
	start, first := time.Now(), tr.step
	tr.started = start
	defer func() { tr.seconds, tr.started = tr.Seconds(), time.Time{} }()
	spe := tr.stepsPerEpoch(n)
	for tr.step < total {
		if err := ctx.Err(); err != nil {
			if tr.step > first && tr.cfg.RunDir != "" {
				if cerr := tr.checkpoint(res.Loss, n, log); cerr != nil {
					return res, errors.Join(fmt.Errorf("generative: training interrupted at step %d: %w", tr.step, err), cerr)
				}
			}
			return res, fmt.Errorf("generative: training interrupted at step %d: %w", tr.step, err)
		}
		k := tr.step
		lr := tr.adam.LR()
		rep, err := tr.trainStep(k, tr.batchIndices(k, n), data)
		if err != nil {
			return res, err
		}
		loss := rep.Loss
		tr.step++
		res.Steps, res.Epochs, res.Loss = tr.step, tr.step/spe, loss
		res.Losses = append(res.Losses, loss)
		sps := float64(tr.step-first) / time.Since(start).Seconds()
		if log != nil {
			if err := log.append(tr.step, k/spe, loss, lr, sps); err != nil {
				return res, err
			}
		}
		bar.Set(tr.step, fmt.Sprintf("train %s loss %.4g", tr.cfg.Process, loss))
		if tr.cfg.RunDir != "" && tr.cfg.CheckpointEvery > 0 && tr.step%tr.cfg.CheckpointEvery == 0 {
			if err := tr.checkpoint(loss, n, log); err != nil {
				return res, err
			}
		}
	}
	if tr.cfg.RunDir != "" && tr.step > first && tr.saved != tr.step {
		if err := tr.checkpoint(res.Loss, n, log); err != nil {
			return res, err
		}
	}
	return res, nil
}

// StepReport is what one training or sampling step did: its loss (training) and how long its
// phases took. Forward is the denoiser's Forward (its graphs and the expression), Run the
// graph's computation (forward, and backward in training), Update Adam and the EMA (training)
// or the process's sampler step (sampling); Data the draws, noising and targets (training).
type StepReport struct {
	Loss                       float64
	Data, Forward, Run, Update time.Duration
}

// Total is the whole step.
func (r StepReport) Total() time.Duration { return r.Data + r.Forward + r.Run + r.Update }

// Step runs the next step of the run on data (the step Train runs, with the same batch,
// draws and checks) without writing a checkpoint or the loss log, and reports it; benchmarks
// time training through it.
func (tr *Trainer) Step(data [][]float64) (StepReport, error) {
	if err := ValidateData(data, tr.shape); err != nil {
		return StepReport{}, err
	}
	rep, err := tr.trainStep(tr.step, tr.batchIndices(tr.step, len(data)), data)
	if err == nil {
		tr.step++
	}
	return rep, err
}

// drawLevels draws one noise level per sample of a step from rng by the configured rule.
func (tr *Trainer) drawLevels(rng *rand.Rand, B int) []schedules.NoiseLevel {
	ts := make([]schedules.NoiseLevel, B)
	if tr.cfg.Levels == LevelsStratified {
		u := rng.Float64()
		for b := range ts {
			ts[b] = schedules.NoiseLevel((float64(b) + u) / float64(B))
		}
		return ts
	}
	for b := range ts {
		ts[b] = schedules.NoiseLevel(rng.Float64())
	}
	return ts
}

// trainStep runs the step with 0-based index k on the samples idx of data.
func (tr *Trainer) trainStep(k int, idx []int, data [][]float64) (StepReport, error) {
	var rep StepReport
	t0 := time.Now()
	B, n := len(idx), tr.shape.Size()
	rng := newStream(tr.cfg.Seed, streamStep, k)
	ts := tr.drawLevels(rng, B)
	noise := make([]float64, B*n)
	for i := range noise {
		noise[i] = rng.NormFloat64()
	}
	if tr.cfg.Coupling == CouplingOT {
		if err := coupleOT(noise, idx, data, n); err != nil {
			return rep, fmt.Errorf("generative: step %d: %w", k+1, err)
		}
	}
	xt := make([]float64, B*n)
	target := make([]float64, B*n)
	for b, j := range idx {
		x1, eps := data[j], noise[b*n:(b+1)*n]
		if err := tr.proc.TrainPair(xt[b*n:(b+1)*n], target[b*n:(b+1)*n], x1, eps, ts[b]); err != nil {
			return rep, err
		}
	}
	t1 := time.Now()
	s := layers.NewScope(tr.ps, true)
	pred, err := tr.den.Forward(s, xt, B, ts, graphSeed(tr.cfg.Seed, streamGraph, k))
	if err != nil {
		return rep, fmt.Errorf("generative: step %d: denoiser: %w", k+1, err)
	}
	if err := checkOutput(pred, B, tr.shape); err != nil {
		return rep, fmt.Errorf("generative: step %d: %w", k+1, err)
	}
	tn, err := s.Input("target", target, B*tr.shape.Nodes, tr.shape.Dim)
	if err != nil {
		return rep, fmt.Errorf("generative: step %d: %w", k+1, err)
	}
	loss, err := ops.MSE(pred, tn)
	if err != nil {
		return rep, fmt.Errorf("generative: step %d: loss: %w", k+1, err)
	}
	t2 := time.Now()
	res, err := s.Run(loss)
	if res != nil && (math.IsNaN(res.Loss) || math.IsInf(res.Loss, 0)) {
		return StepReport{Loss: res.Loss}, fmt.Errorf("generative: step %d (epoch %d): loss is %v: %w", k+1, k/tr.stepsPerEpoch(len(data)), res.Loss, ErrNonFinite)
	}
	if err != nil {
		return rep, fmt.Errorf("generative: step %d: %w", k+1, err)
	}
	rep.Loss = res.Loss
	if err := checkGrads(tr.ps); err != nil {
		return rep, fmt.Errorf("generative: step %d (loss %v): %w", k+1, res.Loss, err)
	}
	t3 := time.Now()
	if tr.cfg.ClipNorm > 0 {
		if _, err := optim.ClipGradNorm(tr.ps.Learnables(), tr.cfg.ClipNorm); err != nil {
			return rep, fmt.Errorf("generative: step %d: %w", k+1, err)
		}
	}
	if err := tr.adam.Step(); err != nil {
		return rep, fmt.Errorf("generative: step %d: %w", k+1, err)
	}
	if err := tr.ema.Update(); err != nil {
		return rep, fmt.Errorf("generative: step %d: %w", k+1, err)
	}
	rep.Data, rep.Forward, rep.Run, rep.Update = t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), time.Since(t3)
	return rep, nil
}

// checkOutput verifies that the denoiser returned a [B·Nodes, Dim] node.
func checkOutput(pred *gorgonia.Node, batch int, s Shape) error {
	if pred == nil {
		return fmt.Errorf("denoiser returned no output: %w", ErrShape)
	}
	sh := pred.Shape()
	if len(sh) != 2 || sh[0] != batch*s.Nodes || sh[1] != s.Dim {
		return fmt.Errorf("denoiser output of shape %v, want [%d %d] (%d samples of %d nodes x %d dims): %w", sh, batch*s.Nodes, s.Dim, batch, s.Nodes, s.Dim, ErrShape)
	}
	return nil
}

// checkGrads returns an error naming the first learnable parameter (in creation order) whose
// gradient holds a NaN or Inf, and where.
func checkGrads(ps *layers.Params) error {
	for _, p := range ps.Learnables() {
		var i int
		var v float64
		switch g := p.Grad.Data().(type) {
		case []float32:
			i = firstNonFinite(g)
			if i >= 0 {
				v = float64(g[i])
			}
		case []float64:
			i = firstNonFinite(g)
			if i >= 0 {
				v = g[i]
			}
		default:
			i = -1
		}
		if i >= 0 {
			return fmt.Errorf("gradient of %q is %v at flat index %d: %w", p.Name, v, i, ErrNonFinite)
		}
	}
	return nil
}

// firstNonFinite returns the index of the first NaN or Inf in x, or -1.
func firstNonFinite[T float32 | float64](x []T) int {
	for i, v := range x {
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return i
		}
	}
	return -1
}

// float64sOf copies a float32 or float64 tensor's values into a new []float64.
func float64sOf(t *tensor.Dense) ([]float64, error) {
	switch d := t.Data().(type) {
	case []float32:
		out := make([]float64, len(d))
		for i, v := range d {
			out[i] = float64(v)
		}
		return out, nil
	case []float64:
		return append([]float64(nil), d...), nil
	}
	return nil, fmt.Errorf("generative: denoiser output of dtype %v: %w (want float32 or float64)", t.Dtype(), ErrShape)
}
