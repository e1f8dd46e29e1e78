package modelnet40

import (
	"fmt"

	mn "github.com/ncgn/ncgn/datasets/modelnet40"
	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/generative"
)

// Selection says which test clouds a run scores against.
type Selection string

const (
	// SelectReference keeps, as the reference does, the test objects with at least Points
	// points in listing order (class by class, alphabetically) and takes the first
	// TestClouds: with fewer than the whole split this drops the last classes.
	SelectReference Selection = "reference"
	// SelectBalanced takes the same number of test objects from every class in use (the first
	// ones of each class in listing order), TestClouds in all.
	SelectBalanced Selection = "balanced"
)

// Preset holds every size and hyper-parameter of one scale of the experiment, in one place.
// It serialises into the Settings of the results tables and into every cache key.
type Preset struct {
	Scale experiments.Scale `json:"scale"`

	// Data (docs/REFERENCE.md §6): the classes in use (nil: all 40), the most training clouds (0:
	// the whole split of those classes), the test clouds, the points per cloud, and the test
	// selection.
	Classes     []string  `json:"classes,omitempty"`
	TrainClouds int       `json:"train_clouds,omitempty"`
	TestClouds  int       `json:"test_clouds"`
	Points      int       `json:"points"`
	Selection   Selection `json:"selection"`

	// Network (docs/REFERENCE.md §4): width, message-passing layers, k (k_end of the DMP schedule,
	// k of the kNN and long-short baselines).
	Width  int `json:"width"`
	Layers int `json:"layers"`
	K      int `json:"k"`

	// Training (docs/REFERENCE.md §5): exactly one of Epochs and Steps is set.
	Epochs    int     `json:"epochs,omitempty"`
	Steps     int     `json:"steps,omitempty"`
	BatchSize int     `json:"batch_size"`
	LR        float64 `json:"lr"`
	Warmup    int     `json:"warmup_steps"`
	EMADecay  float64 `json:"ema_decay"`

	// DDPM (docs/REFERENCE.md §1): Timesteps T of training, and the network evaluations of
	// sampling (SamplingSteps < T subsamples the T indices evenly); SampleBatch is the
	// clouds per network call.
	Timesteps     int `json:"timesteps"`
	SamplingSteps int `json:"sampling_steps"`
	SampleBatch   int `json:"sample_batch"`
	// Sampler is the reverse step: "" (DDPM, the paper's) or "ddim" (η = 0; --sampler ddim).
	Sampler generative.DDPMSampler `json:"sampler,omitempty"`
	// BatchStats samples with each batch's own normalisation statistics instead of the
	// running estimates (--norm batch; generative.SampleConfig.BatchStats).
	BatchStats bool `json:"batch_stats,omitempty"`
	// ClipRange is r of DDPM sampling's x0 prediction, clipped to [-r, r]: 0 keeps diffusers'
	// (and the reference's) 1; --clip data sets the data's box, ReferenceScale.
	ClipRange float64 `json:"clip_range,omitempty"`

	// BootstrapReps is the number of resamples of the test clouds on which each cell's W2 is
	// also computed (the same resamples for every method and seed); 0 computes none.
	BootstrapReps int `json:"bootstrap_reps"`
	// SetMetrics computes the six PointFlow set metrics beside W2 (EMD costs O(n³) per pair:
	// about 12 ms for 400 points on one core, and 1-NNA needs (2m)²/2 pairs of m clouds), on
	// SetClouds generated and as many test clouds, spread evenly over the test set (0: all).
	SetMetrics bool `json:"set_metrics"`
	SetClouds  int  `json:"set_clouds,omitempty"`
	// Pictures is the number of generated and of test clouds drawn per method.
	Pictures int `json:"pictures"`
}

// Presets returns the preset of each scale:
//
//   - smoke: 2 classes, 24 training and 8 test clouds of 100 points, width 16, 2 training
//     steps, 4 DDPM sampling steps; seconds, the pipeline end to end.
//   - small: sized for the project's 2-core machine (about 2 hours of computation per seed for
//     both tables): one class (airplane, 626 training clouds, the first 64 of its 100 test
//     clouds), 400 points, the reference's network (width 64, 3 layers, k = 7), 3000 steps at
//     batch 32 and lr 1e-3 (the reference: 23,100 steps at batch 128, lr 1e-4), DDPM with
//     T = 1000 sampled in 100 evenly spaced steps. One class keeps the reference's test
//     selection (the first test clouds in class order) meaningful at 64 test clouds.
//     Calibration (docs/experiments.md): kNN GAT trained 8000 steps at these settings, scored
//     every 1000, reached its best W2 at 3000 steps (1.61 ×10⁻²; 3.15 at 1000, 2.31 at 2000,
//     1.94-2.40 from 4000 to 8000, the loss flat at 0.027 from 2000 on), so longer training
//     buys nothing at this lr; the generated clouds are still blobs, not airplanes (1-NNA 100 %),
//     so the small tables compare methods on coarse shape only.
//   - paper: the paper's data and the reference's hyper-parameters: all 9843 training clouds,
//     the first 2232 test clouds with at least 400 points, 300 epochs at batch 128, lr 1e-4,
//     1000 DDPM sampling steps; the set metrics on 500 generated and 500 test clouds (all
//     2232 would take about 17 hours of EMD per cell here). On this 2-core machine a training
//     step at batch 128 takes about 1.1 s (docs/performance.md) and a sampling step about 0.3 s:
//     about 7 hours of training, 1.5 hours of sampling and 40 minutes of set metrics per
//     network, about 4 days for the 10 networks of one seed.
func Presets() map[experiments.Scale]Preset {
	common := Preset{Points: mn.DefaultPoints, Selection: SelectReference, Width: 64, Layers: 3, K: 7,
		LR: 1e-4, Warmup: 10, EMADecay: 0.95, Timesteps: 1000, SampleBatch: 64, BootstrapReps: 200,
		SetMetrics: true, Pictures: 8}
	smoke, small, paper := common, common, common

	smoke.Scale = experiments.Smoke
	smoke.Classes, smoke.TrainClouds, smoke.TestClouds, smoke.Points = []string{"airplane", "bathtub"}, 24, 8, 100
	smoke.Width, smoke.Steps, smoke.BatchSize = 16, 2, 8
	smoke.SamplingSteps, smoke.SampleBatch, smoke.BootstrapReps, smoke.Pictures = 4, 8, 10, 4

	small.Scale = experiments.Small
	small.Classes, small.TestClouds = []string{"airplane"}, 64
	small.Steps, small.BatchSize, small.LR = 3000, 32, 1e-3
	small.SamplingSteps = 100

	paper.Scale = experiments.Paper
	paper.TestClouds = 2232
	paper.Epochs, paper.BatchSize = 300, 128
	paper.SamplingSteps, paper.SampleBatch, paper.SetClouds = 1000, 128, 500

	return map[experiments.Scale]Preset{experiments.Smoke: smoke, experiments.Small: small, experiments.Paper: paper}
}

// PresetFor returns the preset of scale s.
func PresetFor(s experiments.Scale) (Preset, error) {
	if err := s.Validate(); err != nil {
		return Preset{}, fmt.Errorf("modelnet40: %w", err)
	}
	p := Presets()[s]
	return p, p.Validate()
}

// Validate returns an error wrapping experiments.ErrConfig naming the first unusable field.
func (p Preset) Validate() error {
	bad := func(field string, v any) error {
		return fmt.Errorf("modelnet40: preset %s: %s = %v: %w", p.Scale, field, v, experiments.ErrConfig)
	}
	switch {
	case p.TrainClouds < 0:
		return bad("train_clouds", p.TrainClouds)
	case p.TestClouds < 2:
		return bad("test_clouds", p.TestClouds)
	case p.Points < 2:
		return bad("points", p.Points)
	case p.Selection != SelectReference && p.Selection != SelectBalanced:
		return bad("selection", fmt.Sprintf("%q (want %q or %q)", p.Selection, SelectReference, SelectBalanced))
	case p.Width < 1:
		return bad("width", p.Width)
	case p.Layers < 1:
		return bad("layers", p.Layers)
	case p.K < 1:
		return bad("k", p.K)
	case (p.Epochs > 0) == (p.Steps > 0) || p.Epochs < 0 || p.Steps < 0:
		return bad("epochs/steps", fmt.Sprintf("%d/%d (set exactly one)", p.Epochs, p.Steps))
	case p.BatchSize < 1:
		return bad("batch_size", p.BatchSize)
	case !(p.LR > 0):
		return bad("lr", p.LR)
	case !(p.EMADecay > 0 && p.EMADecay < 1):
		return bad("ema_decay", p.EMADecay)
	case p.Timesteps < 2:
		return bad("timesteps", p.Timesteps)
	case p.SamplingSteps < 1 || p.SamplingSteps > p.Timesteps:
		return bad("sampling_steps", fmt.Sprintf("%d (want 1 to timesteps = %d)", p.SamplingSteps, p.Timesteps))
	case p.SampleBatch < 1:
		return bad("sample_batch", p.SampleBatch)
	case p.BootstrapReps < 0:
		return bad("bootstrap_reps", p.BootstrapReps)
	case p.SetClouds < 0 || p.SetClouds == 1:
		return bad("set_clouds", p.SetClouds)
	case p.Pictures < 0:
		return bad("pictures", p.Pictures)
	case p.Sampler != "" && p.Sampler != generative.SamplerDDPM && p.Sampler != generative.SamplerDDIM:
		return bad("sampler", p.Sampler)
	}
	return nil
}

// WithSelection returns p with the test selection sel (validated).
func (p Preset) WithSelection(sel Selection) (Preset, error) {
	p.Selection = sel
	return p, p.Validate()
}
