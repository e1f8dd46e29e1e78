package ops

import (
	"fmt"

	"github.com/ncgn/ncgn/engine"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// messageEvalOp computes a whole Message in evaluation, block of rows by block of rows (see
// op_dense_eval.go): for the edges of one block, the product of their direct-side features with
// the composed weight, the gathered other-side rows and the thin products with relative
// positions and attributes, the first BatchNorm and activation, the second Linear, the second
// BatchNorm and activation, all while the block is in cache. The direct side is the one whose
// rows are the edges themselves (the original nodes, in Coarsen and Spread); the other side
// (the supernodes) is multiplied beforehand, on its few rows.
type messageEvalOp struct {
	engine.OpBase
	evalOnly
	idx          []int
	norm1, norm2 *NormState
}

// MessageEval returns a whole message in evaluation (layers.Message: Linear → BN → act →
// Linear → BN → act over the first Linear's input): for edges whose direct side h ([E, K]) is
// multiplied by wd ([K, W]), and whose other side o ([R, W], already multiplied) is read at rows
// idx (nil: row e), plus the thin products rel·wp and attr·we; then the first norm (gamma1,
// beta1, norm1), the second Linear w2 ([W, W]) and the second norm (gamma2, beta2, norm2), both
// EvalNorm states.
func MessageEval(h, wd, o *gorgonia.Node, idx []int, rel, wp, attr, we, gamma1, beta1, w2, gamma2, beta2 *gorgonia.Node, norm1, norm2 *NormState) (*gorgonia.Node, error) {
	// The other side, read by idx, and the direct side's product have MessageInput's shapes.
	e := h.Shape()[0]
	if h.Dims() != 2 || wd.Dims() != 2 || h.Shape()[1] != wd.Shape()[0] {
		return nil, fmt.Errorf("ops: message of %v by %v: %w", h.Shape(), wd.Shape(), engine.ErrShape)
	}
	width := wd.Shape()[1]
	if rel.Dims() != 2 || rel.Shape()[0] != e || w2.Dims() != 2 || w2.Shape()[0] != width {
		return nil, fmt.Errorf("ops: message weight %v, relative positions %v for %d edges, second weight %v: %w", wd.Shape(), rel.Shape(), e, w2.Shape(), engine.ErrShape)
	}
	if !norm1.fixed || !norm2.fixed || len(norm1.mean) != width || len(norm2.mean) != w2.Shape()[1] {
		return nil, fmt.Errorf("ops: message norms of %d and %d statistics (fixed %v, %v), want %d and %d: %w", len(norm1.mean), len(norm2.mean), norm1.fixed, norm2.fixed, width, w2.Shape()[1], engine.ErrShape)
	}
	if err := checkMessageInput(o, idx, o, idx, rel, wp, attr, we); err != nil {
		return nil, err
	}
	in := []*gorgonia.Node{h, wd, o, rel, wp, attr, we, gamma1, beta1, w2, gamma2, beta2}
	dims := make([]int, len(in))
	for i := range dims {
		dims[i] = 2
	}
	op := &messageEvalOp{OpBase: engine.NewOpBase("message-eval", 2, dims...), idx: idx, norm1: norm1, norm2: norm2}
	return engine.ApplyOp(op, in...)
}

func (op *messageEvalOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	sh, err := engine.ShapeOf(in[0])
	if err != nil {
		return nil, err
	}
	sw, err := engine.ShapeOf(in[9])
	if err != nil {
		return nil, err
	}
	return tensor.Shape{sh[0], sw[1]}, nil
}

func (op *messageEvalOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := sameDtype(op.String(), in)
	if err != nil {
		return nil, err
	}
	e, k := ts[0].Shape()[0], ts[0].Shape()[1]
	w := ts[1].Shape()[1]
	if ts[9].Shape()[0] != w || ts[2].Shape()[1] != w {
		return nil, fmt.Errorf("ops: %s widths %v, %v, %v: %w", op.String(), ts[1].Shape(), ts[2].Shape(), ts[9].Shape(), engine.ErrShape)
	}
	out := op.NewUninit(ts[0], e, ts[9].Shape()[1])
	p, q := ts[3].Shape()[1], ts[5].Shape()[1]
	switch out.Dtype() {
	case tensor.Float32:
		messageEvalKernel(op, engine.DataOf[float32](ts), out.Data().([]float32), e, k, w, p, q)
	case tensor.Float64:
		messageEvalKernel(op, engine.DataOf[float64](ts), out.Data().([]float64), e, k, w, p, q)
	default:
		return nil, fmt.Errorf("ops: %s on %v: %w", op.String(), out.Dtype(), engine.ErrShape)
	}
	return out, nil
}

func messageEvalKernel[T engine.Float](op *messageEvalOp, d [][]T, out []T, e, k, w, p, q int) {
	h, wd, o, rel, wp, attr, we, w2 := d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[9]
	sc1, sh1 := affineOf(op.norm1, d[7], d[8])
	sc2, sh2 := affineOf(op.norm2, d[10], d[11])
	f := w // the second Linear is [w, w]
	forBlocks(e, w*(k+w), evalBlock*w, func(r0, r1 int, z []T) {
		zb := z[:(r1-r0)*w] // the block's first-layer activations
		gemmRows(r1-r0, k, w, h[r0*k:r1*k], wd, 0, zb)
		for r := r0; r < r1; r++ {
			row := zb[(r-r0)*w : (r-r0+1)*w]
			ro := r
			if op.idx != nil {
				ro = op.idx[r]
			}
			or := o[ro*w : (ro+1)*w]
			or = or[:len(row)]
			for j := range row {
				row[j] += or[j]
			}
			addThin(row, rel[r*p:(r+1)*p], wp, w)
			addThin(row, attr[r*q:(r+1)*q], we, w)
			normActRow(row, sc1, sh1, op.norm1)
		}
		ob := out[r0*f : r1*f]
		gemmRows(r1-r0, w, f, zb, w2, 0, ob)
		for i := 0; i < r1-r0; i++ {
			normActRow(ob[i*f:(i+1)*f], sc2, sh2, op.norm2)
		}
	})
}
