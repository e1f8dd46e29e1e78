package models

import (
	"fmt"
	"slices"

	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/ops"
	"github.com/ncgn/ncgn/schedules"
	"gonum.org/v1/gonum/mat"
	"gorgonia.org/gorgonia"
)

// Window choices of DiT-DMP's neighbourhood attention.
const (
	// WindowsMatched (the default) gives each patch size the widest odd window whose
	// query-key pairs stay within the baseline's full attention at the coarsest patch
	// (schedules.PatchStep.MatchedKernel): 9 (full attention on 8×8), 3, 1 for patches 4, 2, 1
	// on a 32×32 input, the paper's "equal compute" for the attention.
	WindowsMatched = "matched"
	// WindowsReference uses the reference code's windows (schedules.PatchStep.Kernel): 7, 5, 3,
	// which cost more than the baseline's full attention at patches 2 and 1 (6400 and 9216
	// pairs against 4096; docs/REFERENCE.md §8), about as much on average over the DDPM indices
	// with the paper's schedule (4036 pairs, where most indices take patch 4).
	WindowsReference = "reference"
)

// DiTDMPConfig configures DiT-DMP, the paper's noise-conditioned DiT (Section 5.3, Appendix
// B.4; docs/REFERENCE.md §8). Zero values of optional fields are the reference's choices.
type DiTDMPConfig struct {
	// DiT is the transformer; its Patch is the coarsest patch size (the baseline DiT's, 4) and
	// Size the input side (32).
	DiT DiTConfig `json:"dit"`
	// StoredKernel is the side of the one stored patch-embedding kernel, resized to each patch
	// size by FlexiViT's pseudo-inverse resize with PyTorch's antialiased bicubic; default
	// 2·Patch (the reference's 8, never used at its own size).
	StoredKernel int `json:"stored_kernel,omitempty"`
	// StoredGrid is the side of the grid the sin-cos position embedding is computed on before
	// PyTorch's bicubic upsampling to each token grid; default Size/StoredKernel (the
	// reference's 4).
	StoredGrid int `json:"stored_grid,omitempty"`
	// Curvature and TrainSteps configure the patch schedule (schedules.PatchConfig; defaults
	// 10 and 1000).
	Curvature  float64 `json:"curvature,omitempty"`
	TrainSteps int     `json:"train_steps,omitempty"`
	// Windows is WindowsMatched (default) or WindowsReference.
	Windows string `json:"windows,omitempty"`
}

// WithDefaults returns c with its zero optional fields set.
func (c DiTDMPConfig) WithDefaults() DiTDMPConfig {
	c.DiT = c.DiT.WithDefaults()
	if c.StoredKernel == 0 {
		c.StoredKernel = 2 * c.DiT.Patch
	}
	if c.StoredGrid == 0 && c.StoredKernel > 0 {
		c.StoredGrid = max(c.DiT.Size/c.StoredKernel, 1)
	}
	if c.Windows == "" {
		c.Windows = WindowsMatched
	}
	return c
}

// ditPatch holds what DiT-DMP uses at one patch size.
type ditPatch struct {
	step   schedules.PatchStep
	window int       // neighbourhood side; ≥ Side is full attention
	resize []float64 // [p²·C, K²·C]: the resized embedding weights are resize · W
	pos    []float64 // [Side², D]
	final  *ditFinal
}

// DiTDMP is DiT made noise-conditioned as the paper's Section 5.3: the patch size follows the
// noise level through the patch schedule (one per batch), one stored patch-embedding kernel
// is resized to each patch size in the graph (a constant matrix times the learned weights, so
// the gradient reaches the stored kernel), the position embedding is upsampled to the token
// grid, the attention is neighbourhood attention whose window shrinks as the tokens get finer,
// and each patch size has its own final layer.
type DiTDMP struct {
	cfg      DiTDMPConfig
	ps       *layers.Params
	schedule *schedules.PatchSchedule
	embed    *affine // [K²·C, D] and its bias
	trunk    *ditTrunk
	patches  map[int]*ditPatch
	sizes    []int // patch sizes, coarse to fine
}

// NewDiTDMP builds a DiT-DMP in ps.
func NewDiTDMP(ps *layers.Params, cfg DiTDMPConfig) (*DiTDMP, error) {
	cfg = cfg.WithDefaults()
	dc := cfg.DiT
	if err := dc.Validate(); err != nil {
		return nil, err
	}
	fail := func(err error) (*DiTDMP, error) { return nil, fmt.Errorf("models: DiT-DMP: %w", err) }
	switch {
	case cfg.Windows != WindowsMatched && cfg.Windows != WindowsReference:
		return fail(fmt.Errorf("windows %q (want %q or %q): %w", cfg.Windows, WindowsMatched, WindowsReference, ErrConfig))
	case cfg.StoredKernel < 1 || cfg.StoredGrid < 1:
		return fail(fmt.Errorf("stored kernel %d, stored grid %d: %w", cfg.StoredKernel, cfg.StoredGrid, ErrConfig))
	}
	sched, err := schedules.NewPatchSchedule(schedules.PatchConfig{Latent: dc.Size, MaxPatch: dc.Patch, Curvature: cfg.Curvature, TrainSteps: cfg.TrainSteps})
	if err != nil {
		return fail(fmt.Errorf("%v: %w", err, ErrConfig))
	}
	sc := sched.Config()
	cfg.Curvature, cfg.TrainSteps = sc.Curvature, sc.TrainSteps
	D, C, K := dc.Hidden, dc.InChannels, cfg.StoredKernel
	d := &DiTDMP{cfg: cfg, ps: ps, schedule: sched, patches: map[int]*ditPatch{}}
	if d.embed, err = newAffine(ps, "dit.x_embed", K*K*C, D, false); err != nil {
		return fail(err)
	}
	if d.trunk, err = newDiTTrunk(ps, dc); err != nil {
		return fail(err)
	}
	basePos := PosEmbed2D(D, cfg.StoredGrid)
	for p := dc.Patch; p >= 1; p /= 2 {
		side := dc.Size / p
		st, err := sched.ForPatch(p)
		if err != nil {
			return fail(fmt.Errorf("%v: %w", err, ErrConfig))
		}
		pt := &ditPatch{step: st, window: st.MatchedKernel}
		if cfg.Windows == WindowsReference {
			pt.window = st.Kernel
		}
		r1, err := CubicResize(K, p, true)
		if err != nil {
			return fail(err)
		}
		pinv, err := PIResizeMatrix(Resize2D(r1))
		if err != nil {
			return fail(err)
		}
		pt.resize = ChannelResize(pinv, C)
		up, err := CubicResize(cfg.StoredGrid, side, false)
		if err != nil {
			return fail(err)
		}
		var pos mat.Dense
		pos.Mul(Resize2D(up), mat.NewDense(cfg.StoredGrid*cfg.StoredGrid, D, basePos))
		pt.pos = pos.RawMatrix().Data
		if pt.final, err = newDiTFinal(ps, fmt.Sprintf("dit.final.p%d", p), D, p*p*dc.OutChannels, dc.LearnSigma); err != nil {
			return fail(err)
		}
		d.patches[p] = pt
		d.sizes = append(d.sizes, p)
	}
	return d, nil
}

// Config returns the configuration with defaults applied.
func (d *DiTDMP) Config() DiTDMPConfig { return d.cfg }

// Params returns the network's parameters.
func (d *DiTDMP) Params() *layers.Params { return d.ps }

// Schedule returns the patch schedule.
func (d *DiTDMP) Schedule() *schedules.PatchSchedule { return d.schedule }

// PatchSizes returns the patch sizes, coarse to fine.
func (d *DiTDMP) PatchSizes() []int { return slices.Clone(d.sizes) }

// Window returns the neighbourhood side of attention at patch size p (at least the token
// grid's side: full attention), 0 for a patch size it does not have.
func (d *DiTDMP) Window(p int) int {
	if pt := d.patches[p]; pt != nil {
		return pt.window
	}
	return 0
}

// PatchAt returns the patch size of a DDPM step (0 … TrainSteps−1, the noisiest last).
func (d *DiTDMP) PatchAt(step int) (int, error) {
	st, err := d.schedule.AtStep(step)
	if err != nil {
		return 0, fmt.Errorf("models: DiT-DMP: %v: %w", err, ErrInput)
	}
	return st.Patch, nil
}

// Forward maps images patchified at patch size p to patchified predictions; the batch shares
// p (the reference draws one step per minibatch, and the sampler steps every image together).
//
// Shapes: x [B·(Size/p)², p²·InChannels] (Patchify with p), steps B values fed to the timestep
// embedding, labels B classes in [0, Classes] or nil -> [B·(Size/p)², p²·OutChannels].
func (d *DiTDMP) Forward(s *layers.Scope, x *gorgonia.Node, p int, steps []float64, labels []int) (*gorgonia.Node, error) {
	out, _, err := d.ForwardVar(s, x, p, steps, labels)
	return out, err
}

// ForwardVar is Forward that also returns the learned variance values (nil without the DiT
// configuration's LearnSigma).
func (d *DiTDMP) ForwardVar(s *layers.Scope, x *gorgonia.Node, p int, steps []float64, labels []int) (*gorgonia.Node, *gorgonia.Node, error) {
	pt := d.patches[p]
	if pt == nil {
		return nil, nil, fmt.Errorf("models: DiT-DMP patch size %d (have %v): %w", p, d.sizes, ErrInput)
	}
	dc := d.cfg.DiT
	side := dc.Size / p
	T, B, C, K := side*side, len(steps), dc.InChannels, d.cfg.StoredKernel
	if x.Dims() != 2 || x.Shape()[0] != B*T || x.Shape()[1] != p*p*C {
		return nil, nil, fmt.Errorf("models: DiT-DMP input %v for %d images at patch %d: want [%d, %d]: %w", x.Shape(), B, p, B*T, p*p*C, ErrInput)
	}
	if err := d.trunk.checkLabels(labels, B); err != nil {
		return nil, nil, err
	}
	r, err := s.Input(fmt.Sprintf("dit.resize.p%d", p), pt.resize, p*p*C, K*K*C)
	if err != nil {
		return nil, nil, err
	}
	w, err := ops.MatMul(r, s.Param(d.embed.w))
	if err != nil {
		return nil, nil, err
	}
	h, err := ops.MatMul(x, w)
	if err != nil {
		return nil, nil, err
	}
	if h, err = ops.AddBias(h, s.Param(d.embed.b)); err != nil {
		return nil, nil, err
	}
	if h, err = addPosition(s, h, pt.pos, B, T, dc.Hidden); err != nil {
		return nil, nil, err
	}
	att := func(q, k, v *gorgonia.Node) (*gorgonia.Node, error) {
		if pt.window >= side {
			return ops.Attention(q, k, v, B, T, dc.Heads)
		}
		return ops.NeighbourhoodAttention(q, k, v, B, side, side, dc.Heads, pt.window)
	}
	h, sc, err := d.trunk.forward(s, h, steps, labels, T, att)
	if err != nil {
		return nil, nil, err
	}
	return pt.final.forward(s, h, sc, T)
}
