package dit

import (
	"fmt"

	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/models"
	"gorgonia.org/gorgonia"
)

// Model names the two networks of Table 4.
type Model string

const (
	ModelDiT    Model = "dit"     // DiT: patch 4, full attention
	ModelDiTDMP Model = "dit-dmp" // DiT-DMP: patch 4, 2, 1 by noise level, neighbourhood attention
)

// Models are Table 4's columns in order.
var Models = []Model{ModelDiT, ModelDiTDMP}

// Title names the model for people.
func (m Model) Title() string {
	if m == ModelDiTDMP {
		return "DiT-DMP"
	}
	return "DiT"
}

// network is what training and sampling need of either model.
type network interface {
	Params() *layers.Params
	// PatchAt returns the patch size at DDPM index i (a batch shares one index's patch).
	PatchAt(i int) (int, error)
	// Forward predicts the noise of images patchified at patch p and, when the network learns
	// its variances, the variance values v (nil otherwise), both in the layout of x.
	Forward(s *layers.Scope, x *gorgonia.Node, p int, steps []float64, labels []int) (eps, v *gorgonia.Node, err error)
	// Window returns the attention window side at patch p (≥ the token grid's side: full).
	Window(p int) int
}

// ditNet adapts models.DiT: one patch size, full attention.
type ditNet struct{ *models.DiT }

func (d ditNet) PatchAt(int) (int, error) { return d.Config().Patch, nil }

func (d ditNet) Forward(s *layers.Scope, x *gorgonia.Node, p int, steps []float64, labels []int) (*gorgonia.Node, *gorgonia.Node, error) {
	if p != d.Config().Patch {
		return nil, nil, fmt.Errorf("dit: DiT has patch %d, asked for %d: %w", d.Config().Patch, p, models.ErrInput)
	}
	return d.DiT.ForwardVar(s, x, steps, labels)
}

func (d ditNet) Window(int) int { c := d.Config(); return c.Size / c.Patch }

// dmpNet adapts models.DiTDMP.
type dmpNet struct{ *models.DiTDMP }

func (d dmpNet) PatchAt(i int) (int, error) { return d.DiTDMP.PatchAt(i) }

func (d dmpNet) Forward(s *layers.Scope, x *gorgonia.Node, p int, steps []float64, labels []int) (*gorgonia.Node, *gorgonia.Node, error) {
	return d.DiTDMP.ForwardVar(s, x, p, steps, labels)
}

// newNetwork builds model m with the DiT configuration cfg (its Patch the coarsest patch) in
// ps; windows chooses DiT-DMP's windows (models.WindowsMatched or WindowsReference).
func newNetwork(ps *layers.Params, m Model, cfg models.DiTConfig, windows string, timesteps int) (network, error) {
	switch m {
	case ModelDiT:
		d, err := models.NewDiT(ps, cfg)
		if err != nil {
			return nil, fmt.Errorf("dit: %w", err)
		}
		return ditNet{d}, nil
	case ModelDiTDMP:
		d, err := models.NewDiTDMP(ps, models.DiTDMPConfig{DiT: cfg, Windows: windows, TrainSteps: timesteps})
		if err != nil {
			return nil, fmt.Errorf("dit: %w", err)
		}
		return dmpNet{d}, nil
	}
	return nil, fmt.Errorf("dit: model %q (want %q or %q): %w", m, ModelDiT, ModelDiTDMP, errConfig)
}
