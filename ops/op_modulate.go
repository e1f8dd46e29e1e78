package ops

import (
	"fmt"

	"github.com/ncgn/ncgn/engine"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// modulateOp is the per-sequence affine map of adaptive layer norm (adaLN, Peebles and Xie
// 2023): every token row of sequence s is mapped by that sequence's shift and scale,
//
//	out[i] = x[i] ⊙ (1 + scale[s]) + shift[s],   s = i / tokens,
//
// or, as the gate of a gated residual (gate set), out[i] = x[i] ⊙ scale[s].
type modulateOp struct {
	engine.OpBase
	tokens int
	gate   bool
}

// Modulate returns x ⊙ (1 + scale[s]) + shift[s] for the rows of x, sequence s being rows
// s·tokens … s·tokens+tokens-1.
//
// Shapes: x [seqs·tokens, D], shift and scale [seqs, D] -> [seqs·tokens, D].
func Modulate(x, shift, scale *gorgonia.Node, tokens int) (*gorgonia.Node, error) {
	if err := checkModulate(x, scale, tokens); err != nil {
		return nil, err
	}
	if !shift.Shape().Eq(scale.Shape()) {
		return nil, fmt.Errorf("ops: Modulate shift %v and scale %v: %w", shift.Shape(), scale.Shape(), engine.ErrShape)
	}
	return engine.ApplyOp(&modulateOp{OpBase: engine.NewOpBase("modulate", 2, 2, 2, 2), tokens: tokens}, x, shift, scale)
}

// GateRows returns x[i] ⊙ gate[s] for the rows of x (the gated residual branch of a DiT block).
//
// Shapes: x [seqs·tokens, D], gate [seqs, D] -> [seqs·tokens, D].
func GateRows(x, gate *gorgonia.Node, tokens int) (*gorgonia.Node, error) {
	if err := checkModulate(x, gate, tokens); err != nil {
		return nil, err
	}
	return engine.ApplyOp(&modulateOp{OpBase: engine.NewOpBase("gaterows", 2, 2, 2), tokens: tokens, gate: true}, x, gate)
}

// checkModulate checks x [seqs·tokens, D] against a per-sequence [seqs, D].
func checkModulate(x, per *gorgonia.Node, tokens int) error {
	xs, ps := x.Shape(), per.Shape()
	if len(xs) != 2 || len(ps) != 2 || tokens < 1 || xs[1] != ps[1] || xs[0] != ps[0]*tokens {
		return fmt.Errorf("ops: per-sequence modulation of %v by %v with %d tokens per sequence: %w", xs, ps, tokens, engine.ErrShape)
	}
	return nil
}

func (op *modulateOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	return s.Clone(), err
}

func (op *modulateOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := engine.DenseInputs(in)
	if err != nil {
		return nil, err
	}
	x := ts[0]
	out := op.NewUninit(x, x.Shape()...)
	D := x.Shape()[1]
	switch xd := x.Data().(type) {
	case []float32:
		modulate(xd, ts[1:], out.Data().([]float32), D, op.tokens, op.gate)
	case []float64:
		modulate(xd, ts[1:], out.Data().([]float64), D, op.tokens, op.gate)
	default:
		return nil, fmt.Errorf("ops: %s on %v: %w", op.String(), x.Dtype(), engine.ErrShape)
	}
	return out, nil
}

// modulate writes the forward map into out; per holds shift and scale, or the gate.
func modulate[T engine.Float](x []T, per []*tensor.Dense, out []T, D, tokens int, gate bool) {
	if gate {
		g := per[0].Data().([]T)
		for i := range len(x) / D {
			s := i / tokens
			for c := range D {
				out[i*D+c] = x[i*D+c] * g[s*D+c]
			}
		}
		return
	}
	shift, scale := per[0].Data().([]T), per[1].Data().([]T)
	for i := range len(x) / D {
		s := i / tokens
		for c := range D {
			out[i*D+c] = x[i*D+c]*(1+scale[s*D+c]) + shift[s*D+c]
		}
	}
}

func (op *modulateOp) DiffWRT(n int) []bool { return engine.AllInputs(n) }

func (op *modulateOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	out := make(gorgonia.Nodes, len(inputs))
	for w := range inputs {
		args := append(append(gorgonia.Nodes{}, inputs...), grad)
		dims := make([]int, len(args))
		for i, a := range args {
			dims[i] = a.Dims()
		}
		g, err := engine.ApplyOp(&modulateGradOp{OpBase: engine.NewOpBase(fmt.Sprintf("%s'%d", op.String(), w), 2, dims...), fwd: op, which: w}, args...)
		if err != nil {
			return nil, err
		}
		out[w] = g
	}
	return out, nil
}

// modulateGradOp computes the gradient of modulateOp for its input which from the inputs and
// the upstream gradient g: dx = g ⊙ (1 + scale[s]) (or g ⊙ gate[s]), dshift[s] = Σ_{i in s} g[i],
// dscale[s] (or dgate[s]) = Σ_{i in s} g[i] ⊙ x[i].
type modulateGradOp struct {
	engine.OpBase
	fwd   *modulateOp
	which int
}

func (op *modulateGradOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[op.which])
	return s.Clone(), err
}

func (op *modulateGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := engine.DenseInputs(in)
	if err != nil {
		return nil, err
	}
	x, g := ts[0], ts[len(ts)-1]
	out := op.NewLike(ts[op.which], ts[op.which].Shape()...)
	D := x.Shape()[1]
	switch xd := x.Data().(type) {
	case []float32:
		modulateGrad(xd, ts[1:len(ts)-1], g.Data().([]float32), out.Data().([]float32), D, op.fwd.tokens, op.fwd.gate, op.which)
	case []float64:
		modulateGrad(xd, ts[1:len(ts)-1], g.Data().([]float64), out.Data().([]float64), D, op.fwd.tokens, op.fwd.gate, op.which)
	default:
		return nil, fmt.Errorf("ops: %s on %v: %w", op.String(), x.Dtype(), engine.ErrShape)
	}
	return out, nil
}

// modulateGrad writes the gradient for input which into out (zeroed).
func modulateGrad[T engine.Float](x []T, per []*tensor.Dense, g, out []T, D, tokens int, gate bool, which int) {
	mul := per[len(per)-1].Data().([]T) // scale, or the gate
	for i := range len(x) / D {
		s := i / tokens
		for c := range D {
			k, p := i*D+c, s*D+c
			switch {
			case which == 0 && gate:
				out[k] = g[k] * mul[p]
			case which == 0:
				out[k] = g[k] * (1 + mul[p])
			case which == 1 && !gate: // shift
				out[p] += g[k]
			default: // scale or gate
				out[p] += g[k] * x[k]
			}
		}
	}
}

func (op *modulateGradOp) DiffWRT(n int) []bool { return make([]bool, n) }

func (op *modulateGradOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("ops: %s has no gradient: %w", op.String(), engine.ErrShape)
}
