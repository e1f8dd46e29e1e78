package ops

import (
	"fmt"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/parallel"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// messageInputOp computes the pre-activation of an edge message in one pass:
//
//	z[e] = A[ia[e]] + B[ib[e]] + rel[e]·Wp + attr[e]·We,
//
// where a nil index list means the identity (row e).
type messageInputOp struct {
	engine.OpBase
	ia, ib []int
}

// MessageInput returns z[e] = a[ia[e]] + b[ib[e]] + rel[e]·wp + attr[e]·we for every edge e:
// the first Linear of a Message on its four inputs (target and source features already
// multiplied by their weights, relative position and edge attribute), without materialising the
// gathered rows or the two thin products (docs/performance.md). A nil index list means row e.
//
// Shapes: a [Ra, W], b [Rb, W], rel [E, P], wp [P, W], attr [E, Q], we [Q, W] -> [E, W].
// gradients: da = scatter-sum of g by ia (g itself for nil), db likewise, dwp = relᵀ·g,
// dwe = attrᵀ·g; rel and attr are data and get none.
func MessageInput(a *gorgonia.Node, ia []int, b *gorgonia.Node, ib []int, rel, wp, attr, we *gorgonia.Node) (*gorgonia.Node, error) {
	if err := checkMessageInput(a, ia, b, ib, rel, wp, attr, we); err != nil {
		return nil, err
	}
	return engine.ApplyOp(&messageInputOp{OpBase: engine.NewOpBase("messageinput", 2, 2, 2, 2, 2, 2, 2), ia: ia, ib: ib}, a, b, rel, wp, attr, we)
}

// checkMessageInput validates the shapes and indices of MessageInput's inputs.
func checkMessageInput(a *gorgonia.Node, ia []int, b *gorgonia.Node, ib []int, rel, wp, attr, we *gorgonia.Node) error {
	for _, n := range []*gorgonia.Node{a, b, rel, wp, attr, we} {
		if n.Dims() != 2 {
			return fmt.Errorf("ops: MessageInput input %v: %w (want matrices)", n.Shape(), engine.ErrShape)
		}
	}
	w, e := a.Shape()[1], rel.Shape()[0]
	switch {
	case b.Shape()[1] != w || wp.Shape()[1] != w || we.Shape()[1] != w:
		return fmt.Errorf("ops: MessageInput widths %v, %v, %v, %v: %w", a.Shape(), b.Shape(), wp.Shape(), we.Shape(), engine.ErrShape)
	case attr.Shape()[0] != e || wp.Shape()[0] != rel.Shape()[1] || we.Shape()[0] != attr.Shape()[1]:
		return fmt.Errorf("ops: MessageInput rel %v · %v, attr %v · %v: %w", rel.Shape(), wp.Shape(), attr.Shape(), we.Shape(), engine.ErrShape)
	}
	for _, side := range []struct {
		idx  []int
		rows int
	}{{ia, a.Shape()[0]}, {ib, b.Shape()[0]}} {
		if side.idx == nil {
			if side.rows != e {
				return fmt.Errorf("ops: MessageInput: %d rows for %d edges without an index: %w", side.rows, e, engine.ErrShape)
			}
			continue
		}
		if len(side.idx) != e {
			return fmt.Errorf("ops: MessageInput: %d indices for %d edges: %w", len(side.idx), e, engine.ErrShape)
		}
		for k, i := range side.idx {
			if i < 0 || i >= side.rows {
				return fmt.Errorf("ops: MessageInput: index %d of edge %d outside %d rows: %w", i, k, side.rows, engine.ErrShape)
			}
		}
	}
	return nil
}

func (op *messageInputOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	sa, err := engine.ShapeOf(in[0])
	if err != nil {
		return nil, err
	}
	sr, err := engine.ShapeOf(in[2])
	if err != nil {
		return nil, err
	}
	return tensor.Shape{sr[0], sa[1]}, nil
}

func (op *messageInputOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := engine.DenseInputs(in)
	if err != nil {
		return nil, err
	}
	e, w := ts[2].Shape()[0], ts[0].Shape()[1]
	p, q := ts[2].Shape()[1], ts[4].Shape()[1]
	out := op.NewUninit(ts[0], e, w)
	switch out.Dtype() {
	case tensor.Float32:
		d := engine.DataOf[float32](ts)
		messageInput(out.Data().([]float32), d[0], op.ia, d[1], op.ib, d[2], d[3], d[4], d[5], e, w, p, q)
	case tensor.Float64:
		d := engine.DataOf[float64](ts)
		messageInput(out.Data().([]float64), d[0], op.ia, d[1], op.ib, d[2], d[3], d[4], d[5], e, w, p, q)
	default:
		return nil, fmt.Errorf("ops: MessageInput on %v: %w", out.Dtype(), engine.ErrShape)
	}
	return out, nil
}

func (op *messageInputOp) DiffWRT(int) []bool { return []bool{true, true, false, true, false, true} }

func (op *messageInputOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	side := func(x *gorgonia.Node, idx []int) (*gorgonia.Node, error) {
		if idx == nil {
			return grad, nil
		}
		return ScatterSum(grad, idx, x.Shape()[0])
	}
	da, err := side(inputs[0], op.ia)
	if err != nil {
		return nil, err
	}
	db, err := side(inputs[1], op.ib)
	if err != nil {
		return nil, err
	}
	dwp, err := matMul(inputs[2], grad, true, false)
	if err != nil {
		return nil, err
	}
	dwe, err := matMul(inputs[4], grad, true, false)
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{da, db, nil, dwp, nil, dwe}, nil
}

// messageInput writes out[e] = a[ia[e]] + b[ib[e]] + rel[e]·wp + attr[e]·we, in parallel by
// edge; every element of out is written.
func messageInput[T engine.Float](out, a []T, ia []int, b []T, ib []int, rel, wp, attr, we []T, e, w, p, q int) {
	parallel.For(e, w*(2+p+q), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			o := out[r*w : (r+1)*w]
			ra, rb := r, r
			if ia != nil {
				ra = ia[r]
			}
			if ib != nil {
				rb = ib[r]
			}
			ar, br := a[ra*w:(ra+1)*w], b[rb*w:(rb+1)*w]
			ar, br = ar[:len(o)], br[:len(o)]
			for j := range o {
				o[j] = ar[j] + br[j]
			}
			addThin(o, rel[r*p:(r+1)*p], wp, w)
			addThin(o, attr[r*q:(r+1)*q], we, w)
		}
	})
}

// addThin adds x·W to row for a short x (a relative position, an edge attribute) and W with
// rows of width w: one multiply-add pass over the row per entry of x.
func addThin[T engine.Float](row, x, wt []T, w int) {
	for k, c := range x {
		wk := wt[k*w : (k+1)*w]
		wk = wk[:len(row)]
		for j := range row {
			row[j] += c * wk[j]
		}
	}
}
