package generative

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/ncgn/ncgn/internal/progress"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/layers/optim"
	"github.com/ncgn/ncgn/schedules"
)

// SampleConfig configures the sampler loop; zero values are the defaults.
type SampleConfig struct {
	Process   Process    `json:"process"`    // "diffusion" or "flow"; required
	Count     int        `json:"count"`      // number of samples M; ≥ 1
	BatchSize int        `json:"batch_size"` // samples per network call; default 128
	Seed      int64      `json:"seed"`       // fixes the initial noise and the DDPM step noise
	DDPM      DDPMConfig `json:"ddpm"`       // must match training (ReferenceOrientation, T, betas)
	Flow      FlowConfig `json:"flow"`

	// Condition, if set, holds known entries fixed (conditioning by replacement).
	Condition *Condition `json:"-"`
	// EMA, if set, is swapped into the denoiser's parameters for sampling and back afterwards
	// (it must be the EMA of den.Params()). Nil samples with the parameters as they are, e.g.
	// after loading a checkpoint's ema_params.bin.
	EMA *optim.EMA `json:"-"`
	// BatchStats normalises with each sampling batch's own statistics (as in training) instead
	// of the running estimates the network learned: a named option, not the reference's way.
	// Samples then depend on the batch they are drawn in.
	BatchStats bool `json:"batch_stats,omitempty"`
	// NFE, if set, receives the network evaluations per batch (their mean over the batches):
	// the number of levels for the fixed-step samplers, what the adaptive solver needed for it.
	NFE *float64 `json:"-"`
	// Progress receives a progress bar over the network evaluations; nil shows none.
	Progress io.Writer `json:"-"`
}

// WithDefaults returns c with its zero fields set to the defaults.
func (c SampleConfig) WithDefaults() SampleConfig {
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	c.DDPM = c.DDPM.WithDefaults()
	c.Flow = c.Flow.WithDefaults()
	return c
}

// Validate checks a config with defaults applied.
func (c SampleConfig) Validate() error {
	if err := c.Process.Validate(); err != nil {
		return err
	}
	if c.Count < 1 || c.BatchSize < 1 {
		return fmt.Errorf("generative: sample config count = %d, batch_size = %d: %w (want both ≥ 1)", c.Count, c.BatchSize, ErrConfig)
	}
	if err := c.DDPM.Validate(); err != nil {
		return err
	}
	return c.Flow.Validate()
}

// SampleConfig returns a sampler configuration for count samples that matches the training
// run: the same process and DDPM/flow settings (so the noise-level orientation agrees), the
// trainer's EMA and progress writer, and the training seed (change it for other draws).
func (tr *Trainer) SampleConfig(count int) SampleConfig {
	return SampleConfig{Process: tr.cfg.Process, Count: count, BatchSize: tr.cfg.BatchSize, Seed: tr.cfg.Seed,
		DDPM: tr.cfg.DDPM, Flow: tr.cfg.Flow, EMA: tr.ema, Progress: tr.cfg.Progress}
}

// Sample generates cfg.Count samples of shape s with den in evaluation mode (layers.Scope with
// Train = false, so BatchNorm uses its running statistics), batch after batch:
//
//   - diffusion: x starts as N(0, I); at each index of DDPM.SamplingIndices the network
//     predicts ε at level DDPM.Level(i) and DDPM.Step goes to the next index with fresh
//     noise; the last evaluation (index 0) leaves x as it is (the reference's sampler);
//   - flow: x starts as N(0, I); at each t_i of FlowMatching.Grid, x ← x + v(x, t_i)/S.
//
// With a Condition, the known entries are set to their values before the first step, their
// velocity is masked to 0 (flow) or they are reset after each step (diffusion).
//
// Sample j draws its initial noise and then its step noises from its own stream (Seed, j), so
// it does not depend on the batch size (unless the network mixes samples). A NaN or Inf network
// output is an error naming the step, the level and the entry. The result is one []float64 per
// sample (views of one flat slice).
func Sample(ctx context.Context, den Denoiser, s Shape, cfg SampleConfig) (out [][]float64, err error) {
	sp, err := NewSampler(den, s, cfg)
	if err != nil {
		return nil, err
	}
	cfg = sp.cfg
	if cfg.EMA != nil {
		if cfg.EMA.Swapped() {
			return nil, fmt.Errorf("generative: sample: the EMA weights are already swapped in: %w", ErrConfig)
		}
		if err := cfg.EMA.Swap(); err != nil {
			return nil, fmt.Errorf("generative: sample: %w", err)
		}
		defer func() {
			if serr := cfg.EMA.Swap(); serr != nil {
				err = errors.Join(err, fmt.Errorf("generative: sample: restoring the training weights: %w", serr))
			}
		}()
	}
	flat := make([]float64, cfg.Count*s.Size())
	nb := (cfg.Count + cfg.BatchSize - 1) / cfg.BatchSize
	steps := len(sp.levels)
	b := progress.New(cfg.Progress, nb*steps, 0, "sample "+string(cfg.Process))
	defer b.Finish()
	var evals, batches int
	defer func() {
		if cfg.NFE != nil && batches > 0 {
			*cfg.NFE = float64(evals) / float64(batches)
		}
	}()
	for first := 0; first < cfg.Count; first += cfg.BatchSize {
		batches++
		bs, err := sp.Batch(first, min(cfg.BatchSize, cfg.Count-first))
		if err != nil {
			return nil, err
		}
		for k := 0; bs.More(k); k++ {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("generative: sampling interrupted at sample %d, step %d: %w", first, k+1, err)
			}
			if _, err := bs.Step(k); err != nil {
				return nil, err
			}
			b.Set((first/cfg.BatchSize)*steps+min(k+1, steps), "sample "+string(cfg.Process))
			evals++
		}
		copy(flat[first*s.Size():], bs.st.X)
	}
	return Split(flat, s)
}

// Sampler is the sampler of one configuration (see Sample, which drives it over every batch
// after swapping in the EMA): its process, its evaluation levels and the denoiser. Benchmarks
// time sampling through its batches' Step.
type Sampler struct {
	den    Denoiser
	shape  Shape
	cfg    SampleConfig // defaults applied
	dyn    Dynamics
	levels []schedules.NoiseLevel
}

// NewSampler checks den, s and cfg (with its condition) and returns their sampler.
func NewSampler(den Denoiser, s Shape, cfg SampleConfig) (*Sampler, error) {
	if den == nil || den.Params() == nil {
		return nil, fmt.Errorf("generative: sample: nil denoiser or parameters: %w", ErrConfig)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Condition != nil {
		if err := cfg.Condition.Validate(s, cfg.Count); err != nil {
			return nil, err
		}
	}
	dyn, err := NewDynamics(cfg.Process, cfg.DDPM, cfg.Flow)
	if err != nil {
		return nil, err
	}
	return &Sampler{den: den, shape: s, cfg: cfg, dyn: dyn, levels: dyn.Levels()}, nil
}

// Levels returns the noise levels of the network evaluations, in order.
func (sp *Sampler) Levels() []schedules.NoiseLevel { return sp.levels }

// Batch starts samples first … first+batch-1: it draws their initial noise and applies the
// condition.
func (sp *Sampler) Batch(first, batch int) (*SampleBatch, error) {
	if first < 0 || batch < 1 || first+batch > sp.cfg.Count {
		return nil, fmt.Errorf("generative: sample batch %d-%d of %d samples: %w", first, first+batch-1, sp.cfg.Count, ErrConfig)
	}
	n := sp.shape.Size()
	bs := &SampleBatch{sp: sp,
		st:   SampleState{X: make([]float64, batch*n), First: first, Batch: batch, Cond: sp.cfg.Condition},
		rngs: make([]*rand.Rand, batch), ts: make([]schedules.NoiseLevel, batch)}
	for b := range batch {
		bs.rngs[b] = newStream(sp.cfg.Seed, streamSample, first+b)
		for k := range n {
			bs.st.X[b*n+k] = bs.rngs[b].NormFloat64()
		}
	}
	bs.st.Noise = bs.noise
	if bs.st.Cond != nil {
		if err := bs.st.Cond.Apply(bs.st.X, first, batch); err != nil {
			return nil, err
		}
	}
	return bs, nil
}

// SampleBatch is one batch of samples carried through the sampler's evaluations.
type SampleBatch struct {
	sp   *Sampler
	st   SampleState
	rngs []*rand.Rand // one stream per sample
	ts   []schedules.NoiseLevel
	z    []float64
}

// State returns the batch's samples (a benchmark may set X to a state of its choosing).
func (bs *SampleBatch) State() *SampleState { return &bs.st }

// noise returns fresh standard normal noise for the batch, each sample's from its stream.
func (bs *SampleBatch) noise() []float64 {
	n := bs.sp.shape.Size()
	if bs.z == nil {
		bs.z = make([]float64, len(bs.st.X))
	}
	for b, r := range bs.rngs {
		for j := range n {
			bs.z[b*n+j] = r.NormFloat64()
		}
	}
	return bs.z
}

// level returns the level of evaluation k of the batch: Sampler.Levels()[k], or the adaptive
// solver's next level; false when the batch is done.
func (bs *SampleBatch) level(k int) (schedules.NoiseLevel, bool) {
	if a, ok := bs.sp.dyn.(adaptive); ok {
		return a.Next(&bs.st, k)
	}
	if k >= 0 && k < len(bs.sp.levels) {
		return bs.sp.levels[k], true
	}
	return 0, false
}

// More reports whether the batch has an evaluation k to make (k < len(Levels()) for the
// fixed-step samplers; for an adaptive one, until it reaches the end).
func (bs *SampleBatch) More(k int) bool {
	_, ok := bs.level(k)
	return ok
}

// Step runs the network evaluation k (0-based, of Sampler.Levels) on the batch and the update
// that follows it, and reports the step's phases.
func (bs *SampleBatch) Step(k int) (StepReport, error) {
	var rep StepReport
	sp := bs.sp
	t, ok := bs.level(k)
	if !ok {
		return rep, fmt.Errorf("generative: sampling step %d of %d: %w", k+1, len(sp.levels), ErrConfig)
	}
	for b := range bs.ts {
		bs.ts[b] = t
	}
	first, batch := bs.st.First, bs.st.Batch
	fail := func(err error) error {
		return fmt.Errorf("generative: sampling step %d of %d (t = %v, samples %d-%d): %w", k+1, len(sp.levels), float64(t), first, first+batch-1, err)
	}
	t0 := time.Now()
	s := layers.NewScope(sp.den.Params(), false)
	s.BatchStats = sp.cfg.BatchStats
	pred, err := sp.den.Forward(s, bs.st.X, batch, bs.ts, graphSeed(sp.cfg.Seed, streamLevel, k<<32|first))
	if err != nil {
		return rep, fail(fmt.Errorf("denoiser: %w", err))
	}
	if err := checkOutput(pred, batch, sp.shape); err != nil {
		return rep, fail(err)
	}
	t1 := time.Now()
	res, err := s.Run(nil, pred)
	if err != nil {
		return rep, fail(err)
	}
	out, err := float64sOf(res.Values[0])
	if err != nil {
		return rep, fail(err)
	}
	n, dim := sp.shape.Size(), sp.shape.Dim
	if i := firstNonFinite(out); i >= 0 {
		return rep, fail(fmt.Errorf("network output is %v at sample %d, node %d, dim %d: %w", out[i], first+i/n, (i%n)/dim, i%dim, ErrNonFinite))
	}
	t2 := time.Now()
	if err := sp.dyn.SampleStep(&bs.st, k, out); err != nil {
		return rep, fail(err)
	}
	if i := firstNonFinite(bs.st.X); i >= 0 {
		return rep, fail(fmt.Errorf("sample is %v at sample %d, node %d, dim %d after the update: %w", bs.st.X[i], first+i/n, (i%n)/dim, i%dim, ErrNonFinite))
	}
	rep.Forward, rep.Run, rep.Update = t1.Sub(t0), t2.Sub(t1), time.Since(t2)
	return rep, nil
}
