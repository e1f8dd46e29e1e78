package models

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
)

// DiTConfig configures a diffusion transformer (Peebles and Xie, "Scalable Diffusion Models
// with Transformers", ICCV 2023), the baseline of the paper's Section 5.3. Zero values of
// optional fields are the defaults.
type DiTConfig struct {
	InChannels  int `json:"in_channels"`  // C of the (latent) image
	OutChannels int `json:"out_channels"` // predicted channels (C, or 2C with a learned variance); default InChannels
	Size        int `json:"size"`         // input height = width
	Patch       int `json:"patch"`        // patch size p; Size must be a multiple
	Hidden      int `json:"hidden"`       // token width D
	Depth       int `json:"depth"`        // DiT blocks
	Heads       int `json:"heads"`        // attention heads; D must be a multiple
	MLPRatio    int `json:"mlp_ratio"`    // hidden width of the blocks' MLP over D; default 4
	Classes     int `json:"classes"`      // classes of the labels (0: unconditional); the table has one more row, the null label of classifier-free guidance
	FreqDim     int `json:"freq_dim"`     // size of the sinusoidal timestep features; default 256
	// LearnSigma adds DiT's learned variances: a second output of OutChannels values per pixel,
	// v in about [−1, 1], interpolating each step's log-variance between the posterior's and
	// log β (ForwardVar; generative.DDPM.StepLearned, ops.DiffusionVLB).
	LearnSigma bool `json:"learn_sigma,omitempty"`
}

// DiT-S and DiT-B (the paper's Table 4 sizes) and a tiny configuration for tests.
var (
	DiTS    = DiTConfig{Hidden: 384, Depth: 12, Heads: 6}
	DiTB    = DiTConfig{Hidden: 768, Depth: 12, Heads: 12}
	DiTTiny = DiTConfig{Hidden: 16, Depth: 2, Heads: 2}
)

// WithDefaults returns c with its zero optional fields set.
func (c DiTConfig) WithDefaults() DiTConfig {
	if c.OutChannels == 0 {
		c.OutChannels = c.InChannels
	}
	if c.MLPRatio == 0 {
		c.MLPRatio = 4
	}
	if c.FreqDim == 0 {
		c.FreqDim = 256
	}
	return c
}

// Validate checks a configuration with defaults applied.
func (c DiTConfig) Validate() error {
	switch {
	case c.InChannels < 1 || c.OutChannels < 1:
		return fmt.Errorf("models: DiT channels %d -> %d: %w", c.InChannels, c.OutChannels, ErrConfig)
	case c.Size < 1 || c.Patch < 1 || c.Size%c.Patch != 0:
		return fmt.Errorf("models: DiT size %d, patch %d: want the size a multiple of the patch: %w", c.Size, c.Patch, ErrConfig)
	case c.Hidden < 2 || c.Heads < 1 || c.Hidden%c.Heads != 0 || c.Hidden%4 != 0:
		return fmt.Errorf("models: DiT hidden %d, heads %d: want a multiple of the heads and of 4: %w", c.Hidden, c.Heads, ErrConfig)
	case c.Depth < 1 || c.MLPRatio < 1 || c.FreqDim < 2 || c.FreqDim%2 != 0 || c.Classes < 0:
		return fmt.Errorf("models: DiT depth %d, mlp ratio %d, freq dim %d, classes %d: %w", c.Depth, c.MLPRatio, c.FreqDim, c.Classes, ErrConfig)
	}
	return nil
}

// Tokens returns the number of tokens of an image: (Size/Patch)².
func (c DiTConfig) Tokens() int { g := c.Size / c.Patch; return g * g }

// DiT is the diffusion transformer: patch embedding plus fixed 2-D sin-cos position
// embedding, timestep and label embeddings summed into the conditioning c, adaLN-Zero blocks,
// and the final adaLN layer with a zero-initialised linear map back to patches. The query,
// key and value maps are three [D, D] layers, the shift/scale/gate maps one [D, D] layer
// each: the parameters of DiT's fused [D, 3D] and [D, 6D] layers, split by columns.
type DiT struct {
	cfg   DiTConfig
	ps    *layers.Params
	embed *affine
	trunk *ditTrunk
	final *ditFinal
	pos   []float64 // [Tokens, D]
}

// NewDiT builds a DiT in ps.
func NewDiT(ps *layers.Params, cfg DiTConfig) (*DiT, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	D, p := cfg.Hidden, cfg.Patch
	d := &DiT{cfg: cfg, ps: ps}
	var err error
	fail := func(err error) (*DiT, error) { return nil, fmt.Errorf("models: DiT: %w", err) }
	if d.embed, err = newAffine(ps, "dit.x_embed", p*p*cfg.InChannels, D, false); err != nil {
		return fail(err)
	}
	if d.trunk, err = newDiTTrunk(ps, cfg); err != nil {
		return fail(err)
	}
	if d.final, err = newDiTFinal(ps, "dit.final", D, p*p*cfg.OutChannels, cfg.LearnSigma); err != nil {
		return fail(err)
	}
	d.pos = PosEmbed2D(D, cfg.Size/p)
	return d, nil
}

// Config returns the configuration with defaults applied.
func (d *DiT) Config() DiTConfig { return d.cfg }

// Params returns the network's parameters.
func (d *DiT) Params() *layers.Params { return d.ps }

// Forward maps patchified images to patchified predictions.
//
// Shapes: x [B·Tokens, Patch²·InChannels] (Patchify), steps B values fed to the timestep
// embedding (the diffusion step index, as DiT), labels B classes in [0, Classes] (Classes is
// the null label; nil for an unconditional DiT) -> [B·Tokens, Patch²·OutChannels].
func (d *DiT) Forward(s *layers.Scope, x *gorgonia.Node, steps []float64, labels []int) (*gorgonia.Node, error) {
	out, _, err := d.ForwardVar(s, x, steps, labels)
	return out, err
}

// ForwardVar is Forward that also returns the learned variance values, [B·Tokens,
// Patch²·OutChannels] in the layout of the output (nil without LearnSigma).
func (d *DiT) ForwardVar(s *layers.Scope, x *gorgonia.Node, steps []float64, labels []int) (*gorgonia.Node, *gorgonia.Node, error) {
	cfg, T := d.cfg, d.cfg.Tokens()
	B := len(steps)
	if x.Dims() != 2 || x.Shape()[0] != B*T || x.Shape()[1] != cfg.Patch*cfg.Patch*cfg.InChannels {
		return nil, nil, fmt.Errorf("models: DiT input %v for %d images: want [%d, %d]: %w", x.Shape(), B, B*T, cfg.Patch*cfg.Patch*cfg.InChannels, ErrInput)
	}
	if err := d.trunk.checkLabels(labels, B); err != nil {
		return nil, nil, err
	}
	h, err := d.embed.forward(s, x)
	if err != nil {
		return nil, nil, err
	}
	if h, err = addPosition(s, h, d.pos, B, T, cfg.Hidden); err != nil {
		return nil, nil, err
	}
	full := func(q, k, v *gorgonia.Node) (*gorgonia.Node, error) { return ops.Attention(q, k, v, B, T, cfg.Heads) }
	h, sc, err := d.trunk.forward(s, h, steps, labels, T, full)
	if err != nil {
		return nil, nil, err
	}
	return d.final.forward(s, h, sc, T)
}

// TimestepFeatures returns DiT's sinusoidal features of each step value: for i < dim/2 the
// frequencies f_i = 10000^(-i/(dim/2)), features [cos(t f_i)…, sin(t f_i)…], [len(steps), dim]
// row-major.
func TimestepFeatures(steps []float64, dim int) []float64 {
	half := dim / 2
	out := make([]float64, 0, len(steps)*dim)
	for _, t := range steps {
		row := make([]float64, dim)
		for i := range half {
			f := math.Exp(-math.Log(10000) * float64(i) / float64(half))
			row[i], row[half+i] = math.Cos(t*f), math.Sin(t*f)
		}
		out = append(out, row...)
	}
	return out
}

// PosEmbed2D returns the fixed 2-D sin-cos position embedding of a grid×grid token grid in
// row-major order, [grid², dim] row-major (dim a multiple of 4): the first dim/2 columns embed
// the token's column index, the last dim/2 its row index, each as [sin(x ω_i)…, cos(x ω_i)…]
// with ω_i = 10000^(-i/(dim/4)), as MAE and DiT build it.
func PosEmbed2D(dim, grid int) []float64 {
	q := dim / 4
	out := make([]float64, 0, grid*grid*dim)
	for r := range grid {
		for c := range grid {
			row := make([]float64, dim)
			for half, x := range []float64{float64(c), float64(r)} {
				for i := range q {
					w := 1 / math.Pow(10000, float64(i)/float64(q))
					row[half*2*q+i], row[half*2*q+q+i] = math.Sin(x*w), math.Cos(x*w)
				}
			}
			out = append(out, row...)
		}
	}
	return out
}

// Patchify turns images [C, H, W] (flat, channel-major) into tokens [T, p²C] row-major over the
// (H/p)×(W/p) grid, each token's values in (row in patch, column in patch, channel) order.
func Patchify(img []float64, channels, size, p int) []float64 {
	g := size / p
	out := make([]float64, 0, len(img))
	for gr := range g {
		for gc := range g {
			for i := range p {
				for j := range p {
					for ch := range channels {
						out = append(out, img[ch*size*size+(gr*p+i)*size+gc*p+j])
					}
				}
			}
		}
	}
	return out
}

// Unpatchify inverts Patchify for channels output channels.
func Unpatchify(tokens []float64, channels, size, p int) []float64 {
	g := size / p
	out := make([]float64, channels*size*size)
	k := 0
	for gr := range g {
		for gc := range g {
			for i := range p {
				for j := range p {
					for ch := range channels {
						out[ch*size*size+(gr*p+i)*size+gc*p+j] = tokens[k]
						k++
					}
				}
			}
		}
	}
	return out
}
