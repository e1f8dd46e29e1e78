package ops

import (
	"fmt"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/parallel"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// edgeIndex holds one edge list grouped by destination and by source, so that the weighted sum
// over incoming edges and its transpose both run in parallel by output row.
type edgeIndex struct {
	src, dst     []int
	nSrc, nDst   int
	byDst, bySrc *Sparse // entries are edge ids
}

func newEdgeIndex(ar *engine.Arena, src, dst []int, nSrc, nDst int) (*edgeIndex, error) {
	if len(src) != len(dst) {
		return nil, fmt.Errorf("ops: %d sources and %d destinations: %w", len(src), len(dst), engine.ErrShape)
	}
	byDst, err := sparseFor(ar, dst, nDst, 's', func() (*Sparse, error) { return ScatterMatrix(dst, nDst, false) })
	if err != nil {
		return nil, fmt.Errorf("ops: edge destinations: %w", err)
	}
	bySrc, err := sparseFor(ar, src, nSrc, 's', func() (*Sparse, error) { return ScatterMatrix(src, nSrc, false) })
	if err != nil {
		return nil, fmt.Errorf("ops: edge sources: %w", err)
	}
	return &edgeIndex{src: src, dst: dst, nSrc: nSrc, nDst: nDst, byDst: byDst, bySrc: bySrc}, nil
}

// edgeAggregateOp computes out[i] = sum over edges e with dst[e] = i of alpha[e] · x[src[e]].
type edgeAggregateOp struct {
	engine.OpBase
	ix *edgeIndex
}

// EdgeAggregate returns the attention-weighted sum over incoming edges,
//
//	out[i, :] = sum_{e: dst[e] = i} alpha[e] x[src[e], :],
//
// for alpha of shape [E, 1] and x of shape [nSrc, F]; the result has nDst rows. gradients flow to
// alpha (dalpha[e] = <g[dst[e]], x[src[e]]>) and to x, without materialising an [E, F] tensor.
func EdgeAggregate(alpha, x *gorgonia.Node, src, dst []int, nDst int) (*gorgonia.Node, error) {
	if alpha.Dims() != 2 || alpha.Shape()[0] != len(src) || alpha.Shape()[1] != 1 || x.Dims() != 2 {
		return nil, fmt.Errorf("ops: EdgeAggregate with alpha %v, x %v, %d edges: %w", alpha.Shape(), x.Shape(), len(src), engine.ErrShape)
	}
	ix, err := newEdgeIndex(engine.ArenaOf(alpha.Graph()), src, dst, x.Shape()[0], nDst)
	if err != nil {
		return nil, fmt.Errorf("ops: EdgeAggregate: %w", err)
	}
	return engine.ApplyOp(&edgeAggregateOp{OpBase: engine.NewOpBase("edgeagg", 2, 2, 2), ix: ix}, alpha, x)
}

func (op *edgeAggregateOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[1])
	if err != nil {
		return nil, err
	}
	return tensor.Shape{op.ix.nDst, s[1]}, nil
}

func (op *edgeAggregateOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := engine.DenseInputs(in)
	if err != nil {
		return nil, err
	}
	a, x := ts[0], ts[1]
	f := x.Shape()[1]
	out := op.NewLike(x, op.ix.nDst, f)
	switch xd := x.Data().(type) {
	case []float32:
		weightedSum(op.ix.byDst, op.ix.src, a.Data().([]float32), xd, out.Data().([]float32), f)
	case []float64:
		weightedSum(op.ix.byDst, op.ix.src, a.Data().([]float64), xd, out.Data().([]float64), f)
	}
	return out, nil
}

func (op *edgeAggregateOp) DiffWRT(int) []bool { return []bool{true, true} }

func (op *edgeAggregateOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	dAlpha, err := engine.ApplyOp(&edgeDotOp{OpBase: engine.NewOpBase("edgedot", 2, 2, 2), ix: op.ix}, grad, inputs[1])
	if err != nil {
		return nil, err
	}
	// dx[j] = sum_{e: src[e] = j} alpha[e] g[dst[e]]: the same kernel on the reversed edges.
	rev := &edgeIndex{src: op.ix.dst, dst: op.ix.src, nSrc: op.ix.nDst, nDst: op.ix.nSrc, byDst: op.ix.bySrc, bySrc: op.ix.byDst}
	dx, err := engine.ApplyOp(&edgeAggregateOp{OpBase: engine.NewOpBase("edgeaggT", 2, 2, 2), ix: rev}, inputs[0], grad)
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{dAlpha, dx}, nil
}

// weightedSum computes out[i] = sum_{k in row i of by} alpha[e_k] x[src[e_k]].
func weightedSum[T engine.Float](by *Sparse, src []int, alpha, x, out []T, f int) {
	parallel.For(by.Rows, 1+f*(by.NNZ()/max(by.Rows, 1)+1), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			o := out[i*f : (i+1)*f]
			for k := by.ptr[i]; k < by.ptr[i+1]; k++ {
				e := by.col[k]
				w := alpha[e]
				s := src[e]
				for j, v := range x[s*f : (s+1)*f] {
					o[j] += w * v
				}
			}
		}
	})
}

// edgeDotOp computes out[e] = <g[dst[e]], x[src[e]]> ([E, 1]).
type edgeDotOp struct {
	engine.OpBase
	ix *edgeIndex
}

func (op *edgeDotOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{len(op.ix.src), 1}, nil
}

func (op *edgeDotOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := engine.DenseInputs(in)
	if err != nil {
		return nil, err
	}
	g, x := ts[0], ts[1]
	f := x.Shape()[1]
	out := op.NewLike(x, len(op.ix.src), 1)
	switch xd := x.Data().(type) {
	case []float32:
		edgeDot(op.ix.src, op.ix.dst, g.Data().([]float32), xd, out.Data().([]float32), f)
	case []float64:
		edgeDot(op.ix.src, op.ix.dst, g.Data().([]float64), xd, out.Data().([]float64), f)
	}
	return out, nil
}

func (op *edgeDotOp) DiffWRT(int) []bool { return []bool{false, false} }
func (op *edgeDotOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("ops: second derivative of EdgeAggregate: %w", engine.ErrConfig)
}

func edgeDot[T engine.Float](src, dst []int, g, x, out []T, f int) {
	parallel.For(len(src), 2*f, func(lo, hi int) {
		for e := lo; e < hi; e++ {
			gr := g[dst[e]*f : (dst[e]+1)*f]
			xr := x[src[e]*f : (src[e]+1)*f]
			var s T
			for j := range gr {
				s += gr[j] * xr[j]
			}
			out[e] = s
		}
	})
}
