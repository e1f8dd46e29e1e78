package layers

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
)

// Linear is the affine map y = x W + b with W of shape [In, Out] and b of shape [1, Out],
// initialised as PyTorch's nn.Linear: both uniform in ±1/sqrt(In).
//
// Shapes: x [n, In] -> [n, Out].
type Linear struct {
	cfg  LinearConfig
	W, B *Param
}

// LinearConfig configures a Linear layer.
type LinearConfig struct {
	In, Out int
	NoBias  bool `json:"no_bias,omitempty"`
}

// NewLinear creates the parameters name+".w" and name+".b" in ps.
func NewLinear(ps *Params, name string, cfg LinearConfig) (*Linear, error) {
	if cfg.In < 1 || cfg.Out < 1 {
		return nil, fmt.Errorf("layers: Linear %q: sizes %d -> %d: %w", name, cfg.In, cfg.Out, ErrConfig)
	}
	bound := 1 / math.Sqrt(float64(cfg.In))
	l := &Linear{cfg: cfg}
	var err error
	if l.W, err = ps.Add(name+".w", []int{cfg.In, cfg.Out}, Uniform(bound)); err != nil {
		return nil, err
	}
	if !cfg.NoBias {
		if l.B, err = ps.Add(name+".b", []int{1, cfg.Out}, Uniform(bound)); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// Config returns the layer's configuration.
func (l *Linear) Config() LinearConfig { return l.cfg }

// Forward computes x W + b.
func (l *Linear) Forward(s *Scope, x *gorgonia.Node) (*gorgonia.Node, error) {
	return l.forward(s, x, true)
}

// ForwardAdd computes x W + b + extra[0] + ... in one pass after the product (a residual
// connection added with the bias). Shapes: the extra addends are [n, Out].
func (l *Linear) ForwardAdd(s *Scope, x *gorgonia.Node, extra ...*gorgonia.Node) (*gorgonia.Node, error) {
	if len(extra) == 0 {
		return l.Forward(s, x)
	}
	y, err := l.forward(s, x, false)
	if err != nil {
		return nil, err
	}
	if l.B == nil {
		return engine.Add(append([]*gorgonia.Node{y}, extra...)...)
	}
	return ops.AddBias(y, s.Param(l.B), extra...)
}

// ForwardBeforeNorm computes x W for a Linear followed by BatchNorm: the normalisation
// subtracts the column mean, which cancels the bias exactly (in training the batch mean moves
// by b; in evaluation the running mean does), so the bias is skipped. Its gradient is zero
// either way; the parameter stays, so parameter counts and checkpoints match the reference.
func (l *Linear) ForwardBeforeNorm(s *Scope, x *gorgonia.Node) (*gorgonia.Node, error) {
	return l.forward(s, x, false)
}

func (l *Linear) forward(s *Scope, x *gorgonia.Node, bias bool) (*gorgonia.Node, error) {
	if x.Dims() != 2 || x.Shape()[1] != l.cfg.In {
		return nil, fmt.Errorf("layers: Linear %q: input %v, want [n, %d]: %w", l.W.Name, x.Shape(), l.cfg.In, ErrShape)
	}
	y, err := ops.MatMul(x, s.Param(l.W))
	if err != nil {
		return nil, fmt.Errorf("layers: Linear %q: %w", l.W.Name, err)
	}
	if l.B == nil || !bias {
		return y, nil
	}
	return ops.AddBias(y, s.Param(l.B))
}
