package dit

import (
	"fmt"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/models"
)

// Preset holds every size and hyper-parameter of one scale of the experiment.
type Preset struct {
	Scale experiments.Scale `json:"scale"`
	// TrainImages caps the training images (0: all); RefImages is the size of the held-out
	// reference set of the metrics, GenImages the generated images per model and guidance.
	TrainImages int `json:"train_images,omitempty"`
	RefImages   int `json:"ref_images"`
	GenImages   int `json:"gen_images"`
	// Hidden, Depth and Heads size the transformer (DiT-S: 384, 12, 6); Patch is DiT's patch
	// and DiT-DMP's coarsest.
	Hidden int `json:"hidden"`
	Depth  int `json:"depth"`
	Heads  int `json:"heads"`
	Patch  int `json:"patch"`
	// Windows are DiT-DMP's attention windows: models.WindowsMatched or WindowsReference.
	Windows string `json:"windows"`
	// LearnSigma trains both networks with learned variances and the hybrid loss, as the
	// reference's DiT (learn_sigma); off (--variance fixed): ε only, the posterior variance.
	LearnSigma bool         `json:"learn_sigma"`
	Train      TrainConfig  `json:"train"`
	Sample     SampleConfig `json:"sample"`
	// Classifier is the feature network of the metrics, trained ClassifierSteps steps at
	// batch 128 with Adam.
	Classifier      models.ClassifierConfig `json:"classifier"`
	ClassifierSteps int                     `json:"classifier_steps"`
	ClassifierLR    float64                 `json:"classifier_lr"`
	// GridPerClass is the number of images per class in the sample grids.
	GridPerClass int `json:"grid_per_class"`
}

// Presets returns the preset of each scale:
//
//   - smoke: a tiny transformer (width 16, 1 block), 2 training steps, 4 sampling steps, 20
//     generated images; seconds, the pipeline end to end.
//   - small: sized for the project's 2-core machine: width 64, 4 blocks, 4 heads, 8000 steps at
//     batch 32, lr 1e-3 (the reference: 1e-4 for 800K steps), EMA 0.998 (a half-life of about
//     350 steps, 4 % of the training; the reference: 0.9999), 50 DDPM sampling steps with
//     guidance scale 1.5 (the reference: 250), 500 generated and 1000 reference images; the
//     MNIST classifier trained 2000 steps. Set from one measurement (docs/experiments.md): at
//     2000 steps neither network draws digits (one seed: FID 216 and 389 against the floor's
//     5.7). Measured for the committed 3 seeds (docs/experiments.md): 8000 steps took 14-19
//     min (DiT) and 38-40 min (DiT-DMP) on one core, scoring 2.5 and 5 min: about an hour of
//     one-core computation per seed.
//   - paper: DiT-S (width 384, 12 blocks, 6 heads), batch 64, lr 1e-4, EMA 0.9999, 800K steps,
//     250 sampling steps, guidance 1.5, 10000 generated images against the 10000 MNIST test
//     images; far beyond this machine (estimated from the FLOP count: about 540 GFLOPs of
//     forward and backward pass per step at batch 64).
func Presets() map[experiments.Scale]Preset {
	common := Preset{Patch: 4, Windows: models.WindowsMatched, LearnSigma: true,
		Train:      TrainConfig{LR: 1e-3, Warmup: 0, EMADecay: 0.999, LabelDropout: 0.1, Timesteps: 1000, CheckpointEvery: 100},
		Sample:     SampleConfig{Timesteps: 1000, Guidance: 1.5, Batch: 64},
		Classifier: models.ClassifierConfig{Patch: 4, Width: 32, Hidden: 128}, ClassifierSteps: 2000, ClassifierLR: 1e-3, GridPerClass: 8}
	smoke, small, paper := common, common, common

	smoke.Scale = experiments.Smoke
	smoke.TrainImages, smoke.RefImages, smoke.GenImages = 256, 32, 20
	smoke.Hidden, smoke.Depth, smoke.Heads = 16, 1, 2
	smoke.Train.Steps, smoke.Train.BatchSize, smoke.Train.CheckpointEvery = 2, 8, 1
	smoke.Sample.Steps, smoke.Sample.Batch = 4, 16
	smoke.ClassifierSteps, smoke.GridPerClass = 5, 2

	small.Scale = experiments.Small
	small.RefImages, small.GenImages = 1000, 500
	small.Hidden, small.Depth, small.Heads = 64, 4, 4
	small.Train.Steps, small.Train.BatchSize, small.Train.EMADecay = 8000, 32, 0.998
	small.Sample.Steps = 50

	paper.Scale = experiments.Paper
	paper.RefImages, paper.GenImages = 10000, 10000
	paper.Hidden, paper.Depth, paper.Heads = 384, 12, 6
	paper.Train.Steps, paper.Train.BatchSize, paper.Train.LR, paper.Train.EMADecay, paper.Train.CheckpointEvery = 800_000, 64, 1e-4, 0.9999, 1000
	paper.Sample.Steps = 250
	paper.ClassifierSteps = 5000
	return map[experiments.Scale]Preset{experiments.Smoke: smoke, experiments.Small: small, experiments.Paper: paper}
}

// PresetFor returns the preset of scale s.
func PresetFor(s experiments.Scale) (Preset, error) {
	if err := s.Validate(); err != nil {
		return Preset{}, fmt.Errorf("dit: %w", err)
	}
	p := Presets()[s]
	return p, p.Validate()
}

// Validate returns an error wrapping experiments.ErrConfig naming the first unusable field.
func (p Preset) Validate() error {
	bad := func(field string, v any) error {
		return fmt.Errorf("dit: preset %s: %s = %v: %w", p.Scale, field, v, errConfig)
	}
	switch {
	case p.RefImages < 2:
		return bad("ref_images", p.RefImages)
	case p.GenImages < 2:
		return bad("gen_images", p.GenImages)
	case p.Hidden < 4 || p.Heads < 1 || p.Hidden%p.Heads != 0 || p.Hidden%4 != 0 || p.Depth < 1:
		return bad("hidden/heads/depth", fmt.Sprintf("%d/%d/%d", p.Hidden, p.Heads, p.Depth))
	case p.Patch < 1 || p.Patch&(p.Patch-1) != 0:
		return bad("patch", p.Patch)
	case p.Windows != models.WindowsMatched && p.Windows != models.WindowsReference:
		return bad("windows", p.Windows)
	case p.Train.Steps < 1 || p.Train.BatchSize < 1 || !(p.Train.LR > 0) || !(p.Train.EMADecay > 0 && p.Train.EMADecay < 1):
		return bad("train", fmt.Sprintf("%+v", p.Train))
	case p.Train.LabelDropout < 0 || p.Train.LabelDropout >= 1 || p.Train.Timesteps < 2:
		return bad("train", fmt.Sprintf("%+v", p.Train))
	case p.Sample.Steps < 1 || p.Sample.Steps > p.Sample.Timesteps || p.Sample.Timesteps != p.Train.Timesteps || p.Sample.Batch < 1:
		return bad("sample", fmt.Sprintf("%+v", p.Sample))
	case p.ClassifierSteps < 1 || !(p.ClassifierLR > 0):
		return bad("classifier_steps/lr", fmt.Sprintf("%d/%v", p.ClassifierSteps, p.ClassifierLR))
	}
	return nil
}

// ditConfig returns the transformer's configuration for data of channels × size × size with
// classes labels.
func (p Preset) ditConfig(channels, size, classes int) models.DiTConfig {
	return models.DiTConfig{InChannels: channels, Size: size, Patch: p.Patch, Hidden: p.Hidden, Depth: p.Depth, Heads: p.Heads, Classes: classes, LearnSigma: p.LearnSigma}
}

// PaperTable4 is Table 4 of the paper (docs/REFERENCE.md §8): DiT-S/4 against DiT-DMP on
// ImageNet 256 latents, by metric and model.
var PaperTable4 = map[string]map[Model]float64{
	KeyFID:       {ModelDiT: 84.051, ModelDiTDMP: 63.983},
	KeySFID:      {ModelDiT: 18.787, ModelDiTDMP: 12.823},
	KeyIS:        {ModelDiT: 16.735, ModelDiTDMP: 24.681},
	KeyPrecision: {ModelDiT: 0.296, ModelDiTDMP: 0.446},
	KeyRecall:    {ModelDiT: 0.394, ModelDiTDMP: 0.426},
}

// Metric keys.
const (
	KeyFID       = "fid"
	KeySFID      = "sfid"
	KeyIS        = "is"
	KeyPrecision = "precision"
	KeyRecall    = "recall"
)
