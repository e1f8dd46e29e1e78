package layers

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
)

// MLP is a stack of Linear layers; after each one (the last one too unless PlainLast is set)
// comes an optional BatchNorm and the activation.
//
// With SharedNorm, one BatchNorm serves every Linear that has a norm, as in the reference's PyG
// MLP built with a BatchNorm instance (docs/REFERENCE.md §4): its affine parameters are shared, each
// use normalises with its own batch statistics in training and updates the shared running
// statistics in order, and evaluation uses the shared running statistics at every use.
//
// Shapes: x [n, Dims[0]] -> [n, Dims[len-1]].
type MLP struct {
	cfg    MLPConfig
	linear []*Linear
	norms  []*BatchNorm
}

// MLPConfig configures an MLP.
type MLPConfig struct {
	Dims       []int      `json:"dims"`                 // layer widths, input first; at least two
	Norm       bool       `json:"norm,omitempty"`       // BatchNorm after each Linear
	Activation Activation `json:"activation,omitempty"` // default GELU
	PlainLast  bool       `json:"plain_last,omitempty"` // no norm or activation after the last Linear
	// SharedNorm: one BatchNorm (name.norm) for all the layers' norms; the normed widths must agree.
	SharedNorm bool `json:"shared_norm,omitempty"`
	// NormBias adds each Linear's bias before its BatchNorm, as the reference computes. Without it
	// the bias is skipped there (Linear.ForwardBeforeNorm): the same function in training, and in
	// evaluation whenever the running mean holds the bias; with it, evaluation also matches
	// running statistics that do not (a network loaded from the reference's weights).
	NormBias bool `json:"norm_bias,omitempty"`
}

// NewMLP creates the layers name.0, name.1, ... (and name.norm0, ...) in ps.
func NewMLP(ps *Params, name string, cfg MLPConfig) (*MLP, error) {
	if len(cfg.Dims) < 2 {
		return nil, fmt.Errorf("layers: MLP %q: dims %v: %w (need at least two)", name, cfg.Dims, ErrConfig)
	}
	if cfg.Activation == "" {
		cfg.Activation = GELU
	}
	if cfg.SharedNorm && !cfg.Norm {
		return nil, fmt.Errorf("layers: MLP %q: a shared norm needs Norm: %w", name, ErrConfig)
	}
	m := &MLP{cfg: cfg}
	var shared *BatchNorm
	for i := 0; i+1 < len(cfg.Dims); i++ {
		l, err := NewLinear(ps, fmt.Sprintf("%s.%d", name, i), LinearConfig{In: cfg.Dims[i], Out: cfg.Dims[i+1]})
		if err != nil {
			return nil, err
		}
		m.linear = append(m.linear, l)
		last := i+2 == len(cfg.Dims)
		if cfg.Norm && !(last && cfg.PlainLast) {
			if shared != nil {
				if f := shared.cfg.Features; f != cfg.Dims[i+1] {
					return nil, fmt.Errorf("layers: MLP %q: dims %v: a shared norm of %d features after a Linear of %d: %w", name, cfg.Dims, f, cfg.Dims[i+1], ErrConfig)
				}
				m.norms = append(m.norms, shared)
				continue
			}
			bnName := fmt.Sprintf("%s.norm%d", name, i)
			if cfg.SharedNorm {
				bnName = name + ".norm"
			}
			bn, err := NewBatchNorm(ps, bnName, BatchNormConfig{Features: cfg.Dims[i+1]})
			if err != nil {
				return nil, err
			}
			if cfg.SharedNorm {
				shared = bn
			}
			m.norms = append(m.norms, bn)
		} else {
			m.norms = append(m.norms, nil)
		}
	}
	return m, nil
}

// Config returns the MLP's configuration.
func (m *MLP) Config() MLPConfig { return m.cfg }

// Forward applies the MLP to x.
func (m *MLP) Forward(s *Scope, x *gorgonia.Node) (*gorgonia.Node, error) {
	return m.ForwardAdd(s, x)
}

// ForwardAdd applies the MLP to x and adds the extra addends (a residual connection) to the
// output of its last Linear in the same pass as the bias. It needs PlainLast (nothing may follow
// the last Linear) when extra addends are given.
func (m *MLP) ForwardAdd(s *Scope, x *gorgonia.Node, extra ...*gorgonia.Node) (*gorgonia.Node, error) {
	if len(extra) > 0 && !m.cfg.PlainLast {
		return nil, fmt.Errorf("layers: MLP with a residual addend needs PlainLast: %w", ErrConfig)
	}
	var err error
	for i, l := range m.linear {
		last := i+1 == len(m.linear)
		act := m.cfg.Activation
		if last && m.cfg.PlainLast {
			act = Identity
		}
		if s.FusedEval() { // evaluation: the product and what follows it in one fused op
			switch {
			case m.norms[i] != nil:
				if x.Dims() != 2 || x.Shape()[1] != l.cfg.In {
					return nil, fmt.Errorf("layers: Linear %q: input %v, want [n, %d]: %w", l.W.Name, x.Shape(), l.cfg.In, ErrShape)
				}
				var bias []float64 // folded into the running mean (NormBias)
				if m.cfg.NormBias && l.B != nil {
					bias = l.B.Float64s()
				}
				if x, err = ops.LinearNormActEval(x, s.Param(l.W), s.Param(m.norms[i].Gamma), s.Param(m.norms[i].Beta), m.norms[i].evalStateAfterBias(act, bias)); err != nil {
					return nil, err
				}
				continue
			case last && l.B != nil && act == Identity:
				if x.Dims() != 2 || x.Shape()[1] != l.cfg.In {
					return nil, fmt.Errorf("layers: Linear %q: input %v, want [n, %d]: %w", l.W.Name, x.Shape(), l.cfg.In, ErrShape)
				}
				if x, err = ops.LinearAddEval(x, s.Param(l.W), s.Param(l.B), extra...); err != nil {
					return nil, err
				}
				continue
			}
		}
		switch {
		case m.norms[i] != nil && m.cfg.NormBias:
			x, err = l.Forward(s, x)
		case m.norms[i] != nil:
			x, err = l.ForwardBeforeNorm(s, x)
		case last:
			x, err = l.ForwardAdd(s, x, extra...)
		default:
			x, err = l.Forward(s, x)
		}
		if err != nil {
			return nil, err
		}
		if m.norms[i] != nil { // normalisation and activation in one fused op
			if x, err = m.norms[i].ForwardAct(s, x, act); err != nil {
				return nil, err
			}
			continue
		}
		if x, err = ops.Activate(x, act); err != nil {
			return nil, err
		}
	}
	return x, nil
}

func sqrt(x float64) float64 { return math.Sqrt(x) }
