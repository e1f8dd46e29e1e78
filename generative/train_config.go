package generative

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/ncgn/ncgn/layers/optim"
)

// Defaults of TrainConfig (the reference's, docs/REFERENCE.md §5, except the learning rate, which is
// 1e-4 for its ModelNet40 runs and 1e-3 for transcriptomics).
const (
	DefaultBatchSize   = 128
	DefaultLR          = 1e-3
	DefaultWarmupSteps = 10
	DefaultEMADecay    = optim.DefaultEMADecay
)

// LevelRule names how a training step draws its noise levels (TrainConfig.Levels).
type LevelRule string

// The level rules.
const (
	LevelsUniform    LevelRule = "uniform"
	LevelsStratified LevelRule = "stratified"
)

// TrainConfig configures the training loop; zero values are the defaults. Every field that
// changes what a step computes is saved with each checkpoint, and Resume refuses a config that
// differs in one of them.
type TrainConfig struct {
	Process Process `json:"process"` // "diffusion" or "flow"; required
	// Exactly one of Epochs and Steps is set: the run ends after Epochs passes over the data
	// (ceil(n/BatchSize) steps each, the last batch of an epoch smaller when BatchSize does
	// not divide n) or after Steps optimiser steps in total.
	Epochs    int     `json:"epochs,omitempty"`
	Steps     int     `json:"steps,omitempty"`
	BatchSize int     `json:"batch_size"` // default 128
	LR        float64 `json:"lr"`         // base learning rate; default 1e-3
	// Optimizer is "adam" (default, torch.optim.Adam) or "adamw"; WeightDecay is its λ
	// (default 0).
	Optimizer   optim.Kind `json:"optimizer"`
	WeightDecay float64    `json:"weight_decay"`
	// WarmupSteps is W of the linear warm-up: the k-th step (k = 0, 1, …) runs at
	// lr·min(k, W)/W, so the first step has lr 0 (the reference's LambdaLR). 0 means the
	// default 10; a negative value turns warm-up off.
	WarmupSteps int              `json:"warmup_steps"`
	EMADecay    float64          `json:"ema_decay"`   // d of ema ← d·ema + (1-d)·param; default 0.95
	EMABuffers  optim.BufferMode `json:"ema_buffers"` // "average" (default, the reference's) or "copy"
	ClipNorm    float64          `json:"clip_norm"`   // global gradient-norm clipping; 0 = off
	// NoShuffle feeds the data in its stored order every epoch, as the reference's loaders
	// do; by default each epoch is a permutation drawn from (Seed, epoch).
	NoShuffle bool  `json:"no_shuffle"`
	Seed      int64 `json:"seed"` // fixes every draw: t, noise, shuffling, graphs
	// Levels says how a step draws the noise level of each sample: "" or "uniform", t ~ U(0, 1)
	// independently per sample (the paper's and the reference's); "stratified", one u ~ U(0, 1)
	// per step and t_b = (b + u)/B for sample b: each t is still U(0, 1), but every step covers
	// [0, 1] evenly (lower-variance loss; the scaling benchmark uses it so that small batches
	// cost what a large one costs on average).
	Levels LevelRule `json:"levels,omitempty"`
	// Coupling pairs each step's data with its noise: "" or "independent" (as drawn: the
	// paper's) or "ot" (flow matching only: minibatch optimal transport, OT-CFM of Tong et al.
	// 2024, the exact assignment within the batch of least total squared distance).
	Coupling Coupling `json:"coupling,omitempty"`
	// CheckpointEvery writes a checkpoint every that many steps (and always at the end);
	// 0 means only at the end. KeepCheckpoints is how many checkpoint folders stay on disk
	// (default 1, the latest; negative keeps all).
	CheckpointEvery int        `json:"checkpoint_every"`
	KeepCheckpoints int        `json:"keep_checkpoints"`
	DDPM            DDPMConfig `json:"ddpm"` // used when Process is "diffusion"
	Flow            FlowConfig `json:"flow"` // used when Process is "flow"

	// RunDir is the run folder for checkpoints and the loss log; "" trains in memory only.
	RunDir string `json:"-"`
	// Progress receives a progress bar (loss, steps/s); nil shows none.
	Progress io.Writer `json:"-"`
}

// WithDefaults returns c with its zero fields set to the defaults.
func (c TrainConfig) WithDefaults() TrainConfig {
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.LR == 0 {
		c.LR = DefaultLR
	}
	if c.Optimizer == "" {
		c.Optimizer = optim.KindAdam
	}
	if c.WarmupSteps == 0 {
		c.WarmupSteps = DefaultWarmupSteps
	}
	if c.EMADecay == 0 {
		c.EMADecay = DefaultEMADecay
	}
	if c.EMABuffers == "" {
		c.EMABuffers = optim.BuffersAverage
	}
	if c.KeepCheckpoints == 0 {
		c.KeepCheckpoints = 1
	}
	c.DDPM = c.DDPM.WithDefaults()
	c.Flow = c.Flow.WithDefaults()
	return c
}

// Validate checks a config with defaults applied.
func (c TrainConfig) Validate() error {
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("generative: train config %s = %v: %w (want %s)", field, v, ErrConfig, want)
	}
	if err := c.Process.Validate(); err != nil {
		return err
	}
	switch {
	case c.Levels != LevelsUniform && c.Levels != LevelsStratified && c.Levels != "":
		return bad("levels", c.Levels, `"uniform" or "stratified"`)
	case (c.Epochs > 0) == (c.Steps > 0) || c.Epochs < 0 || c.Steps < 0:
		return fmt.Errorf("generative: train config epochs = %d, steps = %d: %w (set exactly one, > 0)", c.Epochs, c.Steps, ErrConfig)
	case c.BatchSize < 1:
		return bad("batch_size", c.BatchSize, "≥ 1")
	case c.Coupling != "" && c.Coupling != CouplingIndependent && c.Coupling != CouplingOT:
		return bad("coupling", fmt.Sprintf("%q", c.Coupling), fmt.Sprintf("%q or %q", CouplingIndependent, CouplingOT))
	case c.Coupling == CouplingOT && c.Process != ProcessFlow:
		return bad("coupling", fmt.Sprintf("%q", c.Coupling), fmt.Sprintf("%q with process %q (OT pairs noise and data of a straight path)", CouplingIndependent, c.Process))
	case !(c.ClipNorm >= 0) || math.IsInf(c.ClipNorm, 0):
		return bad("clip_norm", c.ClipNorm, "finite, ≥ 0 (0 = off)")
	case c.CheckpointEvery < 0:
		return bad("checkpoint_every", c.CheckpointEvery, "≥ 0 (0 = at the end only)")
	}
	if err := c.optimConfig().Validate(); err != nil {
		return fmt.Errorf("generative: train config: %w (%w)", err, ErrConfig)
	}
	if err := c.emaConfig().Validate(); err != nil {
		return fmt.Errorf("generative: train config: %w (%w)", err, ErrConfig)
	}
	if err := c.DDPM.Validate(); err != nil {
		return err
	}
	return c.Flow.Validate()
}

// optimConfig is the Adam configuration the config describes.
func (c TrainConfig) optimConfig() optim.Config {
	return optim.Config{Kind: c.Optimizer, LR: c.LR, WeightDecay: c.WeightDecay, WarmupSteps: max(c.WarmupSteps, 0)}.WithDefaults()
}

// emaConfig is the EMA configuration the config describes.
func (c TrainConfig) emaConfig() optim.EMAConfig {
	return optim.EMAConfig{Decay: c.EMADecay, Buffers: c.EMABuffers}
}

// resumeKey is the part of the config that a resumed run must share with its checkpoint:
// everything but when to stop, when to checkpoint and how to sample.
func (c TrainConfig) resumeKey() TrainConfig {
	c.Epochs, c.Steps, c.CheckpointEvery, c.KeepCheckpoints = 0, 0, 0, 0
	c.DDPM.SamplingSteps = 0
	c.Flow = FlowConfig{}
	return c
}

// firstDifference names the first JSON field in which a and b differ, or "".
func firstDifference(a, b TrainConfig) string {
	var ma, mb map[string]json.RawMessage
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if json.Unmarshal(ja, &ma) != nil || json.Unmarshal(jb, &mb) != nil {
		return "config"
	}
	keys := make([]string, 0, len(ma)+len(mb))
	for k := range ma {
		keys = append(keys, k)
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if string(ma[k]) != string(mb[k]) {
			return fmt.Sprintf("%s (checkpoint %s, now %s)", k, orNone(ma[k]), orNone(mb[k]))
		}
	}
	return ""
}

func orNone(r json.RawMessage) string {
	if r == nil {
		return "unset"
	}
	return string(r)
}
