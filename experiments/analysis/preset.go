package analysis

import (
	"fmt"

	"github.com/ncgn/ncgn/experiments"
)

// Preset holds every size and setting of one scale of the analysis, in one place. It
// serialises into the caption files and into the cache keys.
type Preset struct {
	Scale experiments.Scale `json:"scale"`

	// Figure 2: r* at the paper's SNRs (PaperSNRs) and at PlotSNRs log-spaced SNRs from 1e-2
	// to 1e3 for the curve; κ curves at CurveSNRs.
	PlotSNRs  int       `json:"plot_snrs"`
	CurveSNRs []float64 `json:"curve_snrs"`

	// Data of Figures 3, 4 and 10: Clouds clouds (one per GeometricShapes class, in class
	// order, at most 40) of Points surface samples, normalised as ModelNet40's.
	Clouds int `json:"clouds"`
	Points int `json:"points"`

	// Figures 4 and 10: the noise levels α = 1 − t (the flow-matching sample rescaled to the
	// data's scale, x + α/(1−α) ε) and the numbers of k-means clusters.
	Alphas   []float64 `json:"alphas"`
	Clusters []int     `json:"clusters"`

	// Figure 3: a fully connected single-layer GAT of width Width trained by flow matching
	// for Steps Adam steps at batch Batch and learning rate LR on the clouds; attention read at
	// the noise levels Fig3Alphas (α = 1 − t) on EvalDraws noisy copies of every cloud, binned
	// by clean distance into Bins bins.
	Width      int       `json:"width"`
	Steps      int       `json:"steps"`
	Batch      int       `json:"batch"`
	LR         float64   `json:"lr"`
	Fig3Alphas []float64 `json:"fig3_alphas"`
	EvalDraws  int       `json:"eval_draws"`
	Bins       int       `json:"bins"`

	// Figure 5: schedules for N = Fig5Points and k = Fig5K (ModelNet40's reference setting),
	// evaluated at Fig5Levels noise levels on a real cloud.
	Fig5Points int `json:"fig5_points"`
	Fig5K      int `json:"fig5_k"`
	Fig5Levels int `json:"fig5_levels"`
}

// PaperSNRs are the SNRs at which figure2.csv states r* (the list).
func PaperSNRs() []float64 {
	return []float64{0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000}
}

// Presets returns the preset of each scale:
//
//   - smoke: 4 clouds of 24 points, 3 noise levels, 20 training steps; seconds.
//   - small: all 40 shapes, 64 points, 11 noise levels × 12 cluster counts, 3000 training
//     steps; minutes on a 2-core machine (a first version with 7 × 7 and 600 steps took 91 s).
//   - paper: all 40 shapes, 128 points, finer grids, 5000 training steps (the paper gives no
//     sizes for its analysis).
func Presets() map[experiments.Scale]Preset {
	common := Preset{PlotSNRs: 61, CurveSNRs: []float64{0.1, 1, 10, 100, 1000}, Width: 32, LR: 3e-3, Bins: 10,
		Fig5Points: 400, Fig5K: 7}
	smoke, small, paper := common, common, common

	smoke.Scale = experiments.Smoke
	smoke.Clouds, smoke.Points = 4, 24
	smoke.Alphas, smoke.Clusters = []float64{0, 0.2, 0.5}, []int{1, 4, 24}
	smoke.Steps, smoke.Batch = 20, 4
	smoke.Fig3Alphas, smoke.EvalDraws, smoke.Bins = []float64{0.1, 0.9}, 1, 5
	smoke.Fig5Levels = 11

	small.Scale = experiments.Small
	small.Clouds, small.Points = 40, 64
	small.Alphas = []float64{0, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5}
	small.Clusters = []int{1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64}
	small.Steps, small.Batch = 3000, 16
	small.Fig3Alphas, small.EvalDraws = []float64{0.05, 0.25, 0.5, 0.75, 0.95}, 4
	small.Fig5Levels = 101

	paper.Scale = experiments.Paper
	paper.Clouds, paper.Points = 40, 128
	paper.Alphas = []float64{0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6}
	paper.Clusters = []int{1, 2, 4, 8, 16, 32, 64, 128}
	paper.Steps, paper.Batch = 5000, 32
	paper.Fig3Alphas, paper.EvalDraws, paper.Bins = []float64{0.05, 0.25, 0.5, 0.75, 0.95}, 16, 16
	paper.Fig5Levels = 201

	return map[experiments.Scale]Preset{experiments.Smoke: smoke, experiments.Small: small, experiments.Paper: paper}
}

// PresetFor returns the preset of scale s.
func PresetFor(s experiments.Scale) (Preset, error) {
	if err := s.Validate(); err != nil {
		return Preset{}, fmt.Errorf("analysis: %w", err)
	}
	p := Presets()[s]
	return p, p.Validate()
}

// Validate returns an error wrapping experiments.ErrConfig naming the first unusable field.
func (p Preset) Validate() error {
	bad := func(field string, v any) error {
		return fmt.Errorf("analysis: preset %s: %s = %v: %w", p.Scale, field, v, experiments.ErrConfig)
	}
	switch {
	case p.PlotSNRs < 2:
		return bad("plot_snrs", p.PlotSNRs)
	case p.Clouds < 1 || p.Clouds > 40:
		return bad("clouds", p.Clouds)
	case p.Points < 2:
		return bad("points", p.Points)
	case len(p.Alphas) == 0 || len(p.Clusters) == 0:
		return bad("alphas/clusters", fmt.Sprint(p.Alphas, p.Clusters))
	case p.Width < 1 || p.Steps < 1 || p.Batch < 1 || !(p.LR > 0):
		return bad("width/steps/batch/lr", fmt.Sprint(p.Width, p.Steps, p.Batch, p.LR))
	case len(p.Fig3Alphas) == 0 || p.EvalDraws < 1 || p.Bins < 1:
		return bad("fig3_alphas/eval_draws/bins", fmt.Sprint(p.Fig3Alphas, p.EvalDraws, p.Bins))
	case p.Fig5Points < 2 || p.Fig5K < 1 || p.Fig5Levels < 2:
		return bad("fig5", fmt.Sprint(p.Fig5Points, p.Fig5K, p.Fig5Levels))
	}
	for _, c := range p.CurveSNRs {
		if !(c > 0) {
			return bad("curve_snrs", p.CurveSNRs)
		}
	}
	for _, a := range append(append([]float64(nil), p.Alphas...), p.Fig3Alphas...) {
		if !(a >= 0 && a < 1) {
			return bad("alphas", a)
		}
	}
	for _, k := range p.Clusters {
		if k < 1 || k > p.Points {
			return bad("clusters", p.Clusters)
		}
	}
	return nil
}
