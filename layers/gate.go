package layers

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
)

// Gate is the sigmoid gate of the paper's Algorithm 1, which mixes a node's own features h with
// the message s spread to it from its supernode:
//
//	g = σ(W [h, s] + b),  h' = g ⊙ h + (1 − g) ⊙ s.
//
// W is stored as two [Width, Width] blocks (one per half of the concatenation) so no
// concatenation is built; initialisation is PyTorch's Linear(2 Width, Width).
//
// Shapes: h, s [n, Width] -> [n, Width].
type Gate struct {
	Width     int
	WH, WS, B *Param
}

// NewGate creates name+".w_h", name+".w_s" and name+".b".
func NewGate(ps *Params, name string, width int) (*Gate, error) {
	if width < 1 {
		return nil, fmt.Errorf("layers: Gate %q: width %d: %w", name, width, ErrConfig)
	}
	bound := 1 / math.Sqrt(float64(2*width))
	g := &Gate{Width: width}
	var err error
	if g.WH, err = ps.Add(name+".w_h", []int{width, width}, Uniform(bound)); err != nil {
		return nil, err
	}
	if g.WS, err = ps.Add(name+".w_s", []int{width, width}, Uniform(bound)); err != nil {
		return nil, err
	}
	if g.B, err = ps.Add(name+".b", []int{1, width}, Uniform(bound)); err != nil {
		return nil, err
	}
	return g, nil
}

// Forward mixes h and s.
func (g *Gate) Forward(sc *Scope, h, s *gorgonia.Node) (*gorgonia.Node, error) {
	if h.Dims() != 2 || h.Shape()[1] != g.Width || !h.Shape().Eq(s.Shape()) {
		return nil, fmt.Errorf("layers: Gate %q: inputs %v and %v, want [n, %d]: %w", g.WH.Name, h.Shape(), s.Shape(), g.Width, ErrShape)
	}
	zh, err := ops.MatMul(h, sc.Param(g.WH))
	if err != nil {
		return nil, err
	}
	zs, err := ops.MatMul(s, sc.Param(g.WS))
	if err != nil {
		return nil, err
	}
	z, err := ops.AddBias(zh, sc.Param(g.B), zs)
	if err != nil {
		return nil, err
	}
	return ops.GateMix(z, h, s)
}

// ForwardNormAct computes act(bn(Gate(h, s))): in an evaluation scope as one fused op, block
// by block (op_dense_eval.go), otherwise as the gate followed by the fused BatchNorm.
func (g *Gate) ForwardNormAct(sc *Scope, h, s *gorgonia.Node, bn *BatchNorm, act Activation) (*gorgonia.Node, error) {
	if sc.FusedEval() {
		if h.Dims() != 2 || h.Shape()[1] != g.Width || !h.Shape().Eq(s.Shape()) || bn.cfg.Features != g.Width {
			return nil, fmt.Errorf("layers: Gate %q: inputs %v and %v, want [n, %d]: %w", g.WH.Name, h.Shape(), s.Shape(), g.Width, ErrShape)
		}
		return ops.GateNormActEval(h, s, sc.Param(g.WH), sc.Param(g.WS), sc.Param(g.B), sc.Param(bn.Gamma), sc.Param(bn.Beta), bn.evalState(act))
	}
	y, err := g.Forward(sc, h, s)
	if err != nil {
		return nil, err
	}
	return bn.ForwardAct(sc, y, act)
}
