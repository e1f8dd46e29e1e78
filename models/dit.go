package models

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/engine"
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

// affine is x W + b with its own initialisation (zero for adaLN-Zero's layers).
type affine struct{ w, b *layers.Param }

func newAffine(ps *layers.Params, name string, in, out int, zero bool) (*affine, error) {
	init := layers.Uniform(1 / math.Sqrt(float64(in)))
	if zero {
		init = engine.Zeros()
	}
	w, err := ps.Add(name+".w", []int{in, out}, init)
	if err != nil {
		return nil, err
	}
	b, err := ps.Add(name+".b", []int{1, out}, init)
	if err != nil {
		return nil, err
	}
	return &affine{w: w, b: b}, nil
}

func (a *affine) forward(s *layers.Scope, x *gorgonia.Node) (*gorgonia.Node, error) {
	y, err := ops.MatMul(x, s.Param(a.w))
	if err != nil {
		return nil, err
	}
	return ops.AddBias(y, s.Param(a.b))
}

// ditBlock is one adaLN-Zero block: LayerNorm without affine parameters, modulated by
// shift and scale from the conditioning, multi-head self-attention, gated residual; the same
// around an MLP with tanh-GELU.
type ditBlock struct {
	mod           [6]*affine // shift, scale, gate of the attention, then of the MLP (zero-initialised)
	q, k, v, proj *affine
	fc1, fc2      *affine
}

// DiT is the diffusion transformer: patch embedding plus fixed 2-D sin-cos position
// embedding, timestep and label embeddings summed into the conditioning c, adaLN-Zero blocks,
// and the final adaLN layer with a zero-initialised linear map back to patches. The query,
// key and value maps are three [D, D] layers, the shift/scale/gate maps one [D, D] layer
// each: the parameters of DiT's fused [D, 3D] and [D, 6D] layers, split by columns.
type DiT struct {
	cfg      DiTConfig
	ps       *layers.Params
	embed    *affine
	t1, t2   *affine
	labels   *layers.Param // [Classes+1, D]
	blocks   []ditBlock
	finalMod [2]*affine
	final    *affine
	pos      []float64 // [Tokens, D]
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
	if d.t1, err = newAffine(ps, "dit.t_embed.0", cfg.FreqDim, D, false); err != nil {
		return fail(err)
	}
	if d.t2, err = newAffine(ps, "dit.t_embed.2", D, D, false); err != nil {
		return fail(err)
	}
	if cfg.Classes > 0 {
		if d.labels, err = ps.Add("dit.y_embed", []int{cfg.Classes + 1, D}, layers.Uniform(1)); err != nil {
			return fail(err)
		}
	}
	for i := range cfg.Depth {
		var b ditBlock
		n := fmt.Sprintf("dit.block%d.", i)
		for j := range b.mod {
			if b.mod[j], err = newAffine(ps, fmt.Sprintf("%sadaln.%d", n, j), D, D, true); err != nil {
				return fail(err)
			}
		}
		for name, dst := range map[string]**affine{"q": &b.q, "k": &b.k, "v": &b.v, "proj": &b.proj} {
			if *dst, err = newAffine(ps, n+"attn."+name, D, D, false); err != nil {
				return fail(err)
			}
		}
		if b.fc1, err = newAffine(ps, n+"mlp.fc1", D, cfg.MLPRatio*D, false); err != nil {
			return fail(err)
		}
		if b.fc2, err = newAffine(ps, n+"mlp.fc2", cfg.MLPRatio*D, D, false); err != nil {
			return fail(err)
		}
		d.blocks = append(d.blocks, b)
	}
	for j := range d.finalMod {
		if d.finalMod[j], err = newAffine(ps, fmt.Sprintf("dit.final.adaln.%d", j), D, D, true); err != nil {
			return fail(err)
		}
	}
	if d.final, err = newAffine(ps, "dit.final.linear", D, p*p*cfg.OutChannels, true); err != nil {
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
	cfg, T := d.cfg, d.cfg.Tokens()
	B := len(steps)
	if x.Dims() != 2 || x.Shape()[0] != B*T || x.Shape()[1] != cfg.Patch*cfg.Patch*cfg.InChannels {
		return nil, fmt.Errorf("models: DiT input %v for %d images: want [%d, %d]: %w", x.Shape(), B, B*T, cfg.Patch*cfg.Patch*cfg.InChannels, ErrInput)
	}
	if (cfg.Classes > 0) != (labels != nil) || labels != nil && len(labels) != B {
		return nil, fmt.Errorf("models: DiT with %d classes given %d labels for %d images: %w", cfg.Classes, len(labels), B, ErrInput)
	}
	h, err := d.embed.forward(s, x)
	if err != nil {
		return nil, err
	}
	pos := make([]float64, 0, B*T*cfg.Hidden)
	for range B {
		pos = append(pos, d.pos...)
	}
	pn, err := s.Input("dit.pos", pos, B*T, cfg.Hidden)
	if err != nil {
		return nil, err
	}
	if h, err = engine.Add(h, pn); err != nil {
		return nil, err
	}
	c, err := d.condition(s, steps, labels)
	if err != nil {
		return nil, err
	}
	sc, err := ops.Activate(c, ops.SiLU)
	if err != nil {
		return nil, err
	}
	for i := range d.blocks {
		if h, err = d.block(s, &d.blocks[i], h, sc, T); err != nil {
			return nil, fmt.Errorf("models: DiT block %d: %w", i, err)
		}
	}
	shift, err := d.finalMod[0].forward(s, sc)
	if err != nil {
		return nil, err
	}
	scale, err := d.finalMod[1].forward(s, sc)
	if err != nil {
		return nil, err
	}
	n, err := ops.LayerNorm(h, 1e-6)
	if err != nil {
		return nil, err
	}
	if n, err = ops.Modulate(n, shift, scale, T); err != nil {
		return nil, err
	}
	return d.final.forward(s, n)
}

// condition returns c = timestep embedding + label embedding, [B, D].
func (d *DiT) condition(s *layers.Scope, steps []float64, labels []int) (*gorgonia.Node, error) {
	tf, err := s.Input("dit.t_freq", TimestepFeatures(steps, d.cfg.FreqDim), len(steps), d.cfg.FreqDim)
	if err != nil {
		return nil, err
	}
	c, err := d.t1.forward(s, tf)
	if err != nil {
		return nil, err
	}
	if c, err = ops.Activate(c, ops.SiLU); err != nil {
		return nil, err
	}
	if c, err = d.t2.forward(s, c); err != nil {
		return nil, err
	}
	if labels == nil {
		return c, nil
	}
	for _, l := range labels {
		if l < 0 || l > d.cfg.Classes {
			return nil, fmt.Errorf("models: DiT label %d outside [0, %d]: %w", l, d.cfg.Classes, ErrInput)
		}
	}
	y, err := ops.Gather(s.Param(d.labels), labels)
	if err != nil {
		return nil, err
	}
	return engine.Add(c, y)
}

// block applies one adaLN-Zero block to h [B·T, D] with the conditioning SiLU(c) [B, D].
func (d *DiT) block(s *layers.Scope, b *ditBlock, h, sc *gorgonia.Node, T int) (*gorgonia.Node, error) {
	var m [6]*gorgonia.Node
	for j, a := range b.mod {
		var err error
		if m[j], err = a.forward(s, sc); err != nil {
			return nil, err
		}
	}
	n, err := ops.LayerNorm(h, 1e-6)
	if err != nil {
		return nil, err
	}
	if n, err = ops.Modulate(n, m[0], m[1], T); err != nil {
		return nil, err
	}
	q, err := b.q.forward(s, n)
	if err != nil {
		return nil, err
	}
	k, err := b.k.forward(s, n)
	if err != nil {
		return nil, err
	}
	v, err := b.v.forward(s, n)
	if err != nil {
		return nil, err
	}
	a, err := ops.Attention(q, k, v, h.Shape()[0]/T, T, d.cfg.Heads)
	if err != nil {
		return nil, err
	}
	if a, err = b.proj.forward(s, a); err != nil {
		return nil, err
	}
	if a, err = ops.GateRows(a, m[2], T); err != nil {
		return nil, err
	}
	if h, err = engine.Add(h, a); err != nil {
		return nil, err
	}
	if n, err = ops.LayerNorm(h, 1e-6); err != nil {
		return nil, err
	}
	if n, err = ops.Modulate(n, m[3], m[4], T); err != nil {
		return nil, err
	}
	f, err := b.fc1.forward(s, n)
	if err != nil {
		return nil, err
	}
	if f, err = ops.Activate(f, ops.GELUTanh); err != nil {
		return nil, err
	}
	if f, err = b.fc2.forward(s, f); err != nil {
		return nil, err
	}
	if f, err = ops.GateRows(f, m[5], T); err != nil {
		return nil, err
	}
	return engine.Add(h, f)
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
