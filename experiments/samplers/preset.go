package samplers

import (
	"fmt"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/generative"
)

// errConfig is experiments.ErrConfig: every configuration error of the package wraps it.
var errConfig = experiments.ErrConfig

// Preset holds the settings measured at one scale; the networks and the test sets are those
// of the two experiments' presets of the same scale.
type Preset struct {
	Scale experiments.Scale `json:"scale"`
	// ModelNet40 are the DDPM settings tried on the ModelNet40 networks (trained with T
	// levels; the paper samples all T = 1000); Transcriptomics the flow solvers tried on the
	// transcriptomics networks (the paper: 200 Euler steps).
	ModelNet40      []Setting `json:"modelnet40"`
	Transcriptomics []Setting `json:"transcriptomics"`
	// ModelNet40Paper and TranscriptomicsPaper are the settings every other is compared with:
	// the paper's samplers (PaperModelNet40, PaperTranscriptomics), except at the smoke
	// preset, which stands in a cheap one.
	ModelNet40Paper      Setting `json:"modelnet40_paper"`
	TranscriptomicsPaper Setting `json:"transcriptomics_paper"`
	// BootstrapReps is the number of resamples of the test set on which each cell's W2 is also
	// computed (paired comparisons); 0 computes none.
	BootstrapReps int `json:"bootstrap_reps"`
}

// Paper's samplers (docs/REFERENCE.md §1 and §5).
var (
	PaperModelNet40      = Setting{Sampler: string(generative.SamplerDDPM), Steps: 1000}
	PaperTranscriptomics = Setting{Sampler: string(generative.SolverEuler), Steps: 200}
)

// Presets returns the preset of each scale:
//
//   - smoke: one or two settings per sampler on the smoke networks, DDPM at 20 levels and 20
//     Euler steps standing in for the paper's samplers; seconds.
//   - small: DDPM and DDIM at 10, 20, 50, 100, 200 and 1000 levels on ModelNet40; Euler at
//     2, 5, 10, 20, 50, 100 and 200 steps, midpoint and Heun at 1, 2, 5, 10, 25, 50 and 100
//     steps (2 evaluations each), dopri5 at tolerances 1e-1 … 1e-5 on transcriptomics; 200
//     test resamples. On the small networks of both experiments (3000 training steps of the
//     airplane class, 2000 steps of 1000 simulations).
//   - paper: the same grids on the paper-scale networks.
func Presets() map[experiments.Scale]Preset {
	ddpm, ddim := string(generative.SamplerDDPM), string(generative.SamplerDDIM)
	euler, mid, heun := string(generative.SolverEuler), string(generative.SolverMidpoint), string(generative.SolverHeun)

	smoke := Preset{Scale: experiments.Smoke, BootstrapReps: 10}
	smoke.ModelNet40 = append(grid(ddpm, 4, 20), grid(ddim, 4)...)
	smoke.Transcriptomics = append(append(append(grid(euler, 2, 20), grid(mid, 1)...), grid(heun, 1)...), tolerances(2, 1e-1)...)
	smoke.ModelNet40Paper, smoke.TranscriptomicsPaper = Setting{Sampler: ddpm, Steps: 20}, Setting{Sampler: euler, Steps: 20}

	small := Preset{Scale: experiments.Small, BootstrapReps: 200, ModelNet40Paper: PaperModelNet40, TranscriptomicsPaper: PaperTranscriptomics}
	small.ModelNet40 = append(grid(ddpm, 10, 20, 50, 100, 200, 1000), grid(ddim, 10, 20, 50, 100, 200, 1000)...)
	small.Transcriptomics = append(append(append(grid(euler, 2, 5, 10, 20, 50, 100, 200), grid(mid, 1, 2, 5, 10, 25, 50, 100)...),
		grid(heun, 1, 2, 5, 10, 25, 50, 100)...), tolerances(10, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5)...)

	paper := small
	paper.Scale = experiments.Paper
	return map[experiments.Scale]Preset{experiments.Smoke: smoke, experiments.Small: small, experiments.Paper: paper}
}

// PresetFor returns the preset of scale s.
func PresetFor(s experiments.Scale) (Preset, error) {
	if err := s.Validate(); err != nil {
		return Preset{}, fmt.Errorf("samplers: %w", err)
	}
	p := Presets()[s]
	return p, p.Validate()
}

// Validate checks every setting and that each task's grid holds the paper's sampler, which
// every other setting is compared with.
func (p Preset) Validate() error {
	for _, t := range []struct {
		name  string
		proc  generative.Process
		sets  []Setting
		paper Setting
	}{{"modelnet40", generative.ProcessDiffusion, p.ModelNet40, p.ModelNet40Paper}, {"transcriptomics", generative.ProcessFlow, p.Transcriptomics, p.TranscriptomicsPaper}} {
		seen := map[string]bool{}
		for _, s := range t.sets {
			if err := s.Validate(t.proc); err != nil {
				return fmt.Errorf("samplers: preset %s, %s: %w", p.Scale, t.name, err)
			}
			if seen[s.Key()] {
				return fmt.Errorf("samplers: preset %s, %s: setting %s twice: %w", p.Scale, t.name, s.Key(), errConfig)
			}
			seen[s.Key()] = true
		}
		if !seen[t.paper.Key()] {
			return fmt.Errorf("samplers: preset %s, %s: no setting %s (the paper's sampler or its stand-in, the reference of every comparison): %w", p.Scale, t.name, t.paper.Key(), errConfig)
		}
	}
	if p.BootstrapReps < 0 || p.BootstrapReps == 1 {
		return fmt.Errorf("samplers: preset %s: bootstrap_reps = %d (want 0 or ≥ 2): %w", p.Scale, p.BootstrapReps, errConfig)
	}
	return nil
}
