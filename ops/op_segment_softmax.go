package ops

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/parallel"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// segmentSoftmaxOp computes, for every column h, the softmax of x[e, h] over the entries e that
// share a segment id: y[e,h] = exp(x[e,h]) / sum_{e': seg[e'] = seg[e]} exp(x[e',h]).
type segmentSoftmaxOp struct {
	engine.OpBase
	seg *Sparse // rows = segments, entries = the member entries of each segment
}

// SegmentSoftmax returns the softmax of x ([E, H]) taken separately over the rows that share a
// segment id seg[e] in [0, n) (GATConv: the incoming edges of each node). It is fused: one pass
// for max, exp and sum per segment, in parallel over segments; the maximum is subtracted for
// stability. Its gradient is y ⊙ (g − sum_segment(y ⊙ g)).
func SegmentSoftmax(x *gorgonia.Node, seg []int, n int) (*gorgonia.Node, error) {
	if x.Dims() != 2 || x.Shape()[0] != len(seg) {
		return nil, fmt.Errorf("ops: SegmentSoftmax of %v with %d segment ids: %w", x.Shape(), len(seg), engine.ErrShape)
	}
	s, err := sparseFor(engine.ArenaOf(x.Graph()), seg, n, 's', func() (*Sparse, error) { return ScatterMatrix(seg, n, false) })
	if err != nil {
		return nil, fmt.Errorf("ops: SegmentSoftmax: %w", err)
	}
	return engine.ApplyOp(&segmentSoftmaxOp{OpBase: engine.NewOpBase("segsoftmax", 2, 2), seg: s}, x)
}

func (op *segmentSoftmaxOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	return s.Clone(), err
}

func (op *segmentSoftmaxOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := engine.DenseOf(in[0])
	if err != nil {
		return nil, err
	}
	h := x.Shape()[1]
	out := op.NewLike(x, x.Shape()...)
	switch xd := x.Data().(type) {
	case []float32:
		segmentSoftmax(op.seg, xd, out.Data().([]float32), h)
	case []float64:
		segmentSoftmax(op.seg, xd, out.Data().([]float64), h)
	}
	return out, nil
}

func (op *segmentSoftmaxOp) DiffWRT(int) []bool { return []bool{true} }

func (op *segmentSoftmaxOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	g, err := engine.ApplyOp(&segmentSoftmaxGradOp{OpBase: engine.NewOpBase("segsoftmax'", 2, 2, 2), seg: op.seg}, output, grad)
	return gorgonia.Nodes{g}, err
}

func segmentSoftmax[T engine.Float](seg *Sparse, x, out []T, h int) {
	parallel.For(seg.Rows, 8*h*(seg.NNZ()/max(seg.Rows, 1)+1), func(lo, hi int) {
		m := make([]float64, h)
		sum := make([]float64, h)
		for s := lo; s < hi; s++ {
			a, b := seg.ptr[s], seg.ptr[s+1]
			if a == b {
				continue
			}
			for c := range m {
				m[c] = math.Inf(-1)
				sum[c] = 0
			}
			for k := a; k < b; k++ { // rows are read whole: row-major order
				for c, v := range x[seg.col[k]*h : seg.col[k]*h+h] {
					m[c] = math.Max(m[c], float64(v))
				}
			}
			for k := a; k < b; k++ {
				o := out[seg.col[k]*h : seg.col[k]*h+h]
				for c, v := range x[seg.col[k]*h : seg.col[k]*h+h] {
					e := math.Exp(float64(v) - m[c])
					o[c] = T(e)
					sum[c] += e
				}
			}
			for k := a; k < b; k++ {
				o := out[seg.col[k]*h : seg.col[k]*h+h]
				for c := range o {
					o[c] = T(float64(o[c]) / sum[c])
				}
			}
		}
	})
}

// segmentSoftmaxGradOp computes y ⊙ (g − sum_segment(y ⊙ g)) from the softmax output y and g.
type segmentSoftmaxGradOp struct {
	engine.OpBase
	seg *Sparse
}

func (op *segmentSoftmaxGradOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	return s.Clone(), err
}

func (op *segmentSoftmaxGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := engine.DenseInputs(in)
	if err != nil {
		return nil, err
	}
	y, g := ts[0], ts[1]
	h := y.Shape()[1]
	out := op.NewLike(y, y.Shape()...)
	switch yd := y.Data().(type) {
	case []float32:
		segmentSoftmaxGrad(op.seg, yd, g.Data().([]float32), out.Data().([]float32), h)
	case []float64:
		segmentSoftmaxGrad(op.seg, yd, g.Data().([]float64), out.Data().([]float64), h)
	}
	return out, nil
}

func (op *segmentSoftmaxGradOp) DiffWRT(int) []bool { return []bool{false, false} }
func (op *segmentSoftmaxGradOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("ops: second derivative of segment softmax: %w", engine.ErrConfig)
}

func segmentSoftmaxGrad[T engine.Float](seg *Sparse, y, g, out []T, h int) {
	parallel.For(seg.Rows, 4*h*(seg.NNZ()/max(seg.Rows, 1)+1), func(lo, hi int) {
		dot := make([]float64, h)
		for s := lo; s < hi; s++ {
			a, b := seg.ptr[s], seg.ptr[s+1]
			clear(dot)
			for k := a; k < b; k++ {
				r := seg.col[k] * h
				for c := 0; c < h; c++ {
					dot[c] += float64(y[r+c]) * float64(g[r+c])
				}
			}
			for k := a; k < b; k++ {
				r := seg.col[k] * h
				for c := 0; c < h; c++ {
					out[r+c] = T(float64(y[r+c]) * (float64(g[r+c]) - dot[c]))
				}
			}
		}
	})
}
