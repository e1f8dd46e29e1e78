package models

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
)

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

// attend is the attention of a block: queries, keys and values [B·T, D] to [B·T, D].
type attend func(q, k, v *gorgonia.Node) (*gorgonia.Node, error)

// ditTrunk is what DiT and DiT-DMP share: the timestep and label embeddings that make the
// conditioning c, and the adaLN-Zero blocks.
type ditTrunk struct {
	cfg    DiTConfig
	t1, t2 *affine
	labels *layers.Param // [Classes+1, D]
	blocks []ditBlock
}

// newDiTTrunk creates the trunk's parameters in ps, in a fixed order (the initialisation draws
// from ps's generator in creation order).
func newDiTTrunk(ps *layers.Params, cfg DiTConfig) (*ditTrunk, error) {
	D := cfg.Hidden
	t := &ditTrunk{cfg: cfg}
	var err error
	if t.t1, err = newAffine(ps, "dit.t_embed.0", cfg.FreqDim, D, false); err != nil {
		return nil, err
	}
	if t.t2, err = newAffine(ps, "dit.t_embed.2", D, D, false); err != nil {
		return nil, err
	}
	if cfg.Classes > 0 {
		if t.labels, err = ps.Add("dit.y_embed", []int{cfg.Classes + 1, D}, layers.Uniform(1)); err != nil {
			return nil, err
		}
	}
	for i := range cfg.Depth {
		var b ditBlock
		n := fmt.Sprintf("dit.block%d.", i)
		for j := range b.mod {
			if b.mod[j], err = newAffine(ps, fmt.Sprintf("%sadaln.%d", n, j), D, D, true); err != nil {
				return nil, err
			}
		}
		for _, a := range []struct {
			name string
			dst  **affine
		}{{"q", &b.q}, {"k", &b.k}, {"v", &b.v}, {"proj", &b.proj}} {
			if *a.dst, err = newAffine(ps, n+"attn."+a.name, D, D, false); err != nil {
				return nil, err
			}
		}
		if b.fc1, err = newAffine(ps, n+"mlp.fc1", D, cfg.MLPRatio*D, false); err != nil {
			return nil, err
		}
		if b.fc2, err = newAffine(ps, n+"mlp.fc2", cfg.MLPRatio*D, D, false); err != nil {
			return nil, err
		}
		t.blocks = append(t.blocks, b)
	}
	return t, nil
}

// checkLabels checks the labels of B images against the configuration.
func (t *ditTrunk) checkLabels(labels []int, B int) error {
	if (t.cfg.Classes > 0) != (labels != nil) || labels != nil && len(labels) != B {
		return fmt.Errorf("models: DiT with %d classes given %d labels for %d images: %w", t.cfg.Classes, len(labels), B, ErrInput)
	}
	return nil
}

// forward runs the blocks on the embedded tokens h [B·T, D] (position embedding added) and
// returns them with SiLU(c), the conditioning every adaLN layer reads, [B, D].
func (t *ditTrunk) forward(s *layers.Scope, h *gorgonia.Node, steps []float64, labels []int, T int, att attend) (*gorgonia.Node, *gorgonia.Node, error) {
	c, err := t.condition(s, steps, labels)
	if err != nil {
		return nil, nil, err
	}
	sc, err := ops.Activate(c, ops.SiLU)
	if err != nil {
		return nil, nil, err
	}
	for i := range t.blocks {
		if h, err = t.block(s, &t.blocks[i], h, sc, T, att); err != nil {
			return nil, nil, fmt.Errorf("models: DiT block %d: %w", i, err)
		}
	}
	return h, sc, nil
}

// condition returns c = timestep embedding + label embedding, [B, D].
func (t *ditTrunk) condition(s *layers.Scope, steps []float64, labels []int) (*gorgonia.Node, error) {
	tf, err := s.Input("dit.t_freq", TimestepFeatures(steps, t.cfg.FreqDim), len(steps), t.cfg.FreqDim)
	if err != nil {
		return nil, err
	}
	c, err := t.t1.forward(s, tf)
	if err != nil {
		return nil, err
	}
	if c, err = ops.Activate(c, ops.SiLU); err != nil {
		return nil, err
	}
	if c, err = t.t2.forward(s, c); err != nil {
		return nil, err
	}
	if labels == nil {
		return c, nil
	}
	for _, l := range labels {
		if l < 0 || l > t.cfg.Classes {
			return nil, fmt.Errorf("models: DiT label %d outside [0, %d]: %w", l, t.cfg.Classes, ErrInput)
		}
	}
	y, err := ops.Gather(s.Param(t.labels), labels)
	if err != nil {
		return nil, err
	}
	return engine.Add(c, y)
}

// block applies one adaLN-Zero block to h [B·T, D] with the conditioning SiLU(c) [B, D].
func (t *ditTrunk) block(s *layers.Scope, b *ditBlock, h, sc *gorgonia.Node, T int, att attend) (*gorgonia.Node, error) {
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
	a, err := att(q, k, v)
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
	act := ops.Activate
	if !s.Train {
		act = ops.ActivateEval // sampling: no derivative to keep
	}
	if f, err = act(f, ops.GELUTanh); err != nil {
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

// ditFinal is the final adaLN layer: LayerNorm modulated by the conditioning, then a
// zero-initialised linear map from D to the values of a patch and, when the network learns
// its variances, a second one to the variance values (DiT's one linear map to 2C channels,
// its output units split by what they predict).
type ditFinal struct {
	mod      [2]*affine // shift, scale (zero-initialised)
	linear   *affine
	variance *affine // nil without learned variances
}

// newDiTFinal creates a final layer named prefix (e.g. "dit.final") mapping D to out values,
// and to out variance values when learnSigma is set.
func newDiTFinal(ps *layers.Params, prefix string, D, out int, learnSigma bool) (*ditFinal, error) {
	f := &ditFinal{}
	var err error
	for j := range f.mod {
		if f.mod[j], err = newAffine(ps, fmt.Sprintf("%s.adaln.%d", prefix, j), D, D, true); err != nil {
			return nil, err
		}
	}
	if f.linear, err = newAffine(ps, prefix+".linear", D, out, true); err != nil {
		return nil, err
	}
	if learnSigma {
		if f.variance, err = newAffine(ps, prefix+".variance", D, out, true); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// forward returns the patch values and, with learned variances, the variance values (nil
// otherwise).
func (f *ditFinal) forward(s *layers.Scope, h, sc *gorgonia.Node, T int) (*gorgonia.Node, *gorgonia.Node, error) {
	shift, err := f.mod[0].forward(s, sc)
	if err != nil {
		return nil, nil, err
	}
	scale, err := f.mod[1].forward(s, sc)
	if err != nil {
		return nil, nil, err
	}
	n, err := ops.LayerNorm(h, 1e-6)
	if err != nil {
		return nil, nil, err
	}
	if n, err = ops.Modulate(n, shift, scale, T); err != nil {
		return nil, nil, err
	}
	out, err := f.linear.forward(s, n)
	if err != nil || f.variance == nil {
		return out, nil, err
	}
	v, err := f.variance.forward(s, n)
	return out, v, err
}

// addPosition adds the position embedding pos ([T, D], the same for every image) to the
// tokens h of B images, [B·T, D].
func addPosition(s *layers.Scope, h *gorgonia.Node, pos []float64, B, T, D int) (*gorgonia.Node, error) {
	all := make([]float64, 0, B*T*D)
	for range B {
		all = append(all, pos...)
	}
	pn, err := s.Input("dit.pos", all, B*T, D)
	if err != nil {
		return nil, err
	}
	return engine.Add(h, pn)
}
