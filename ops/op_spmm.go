package ops

import (
	"fmt"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/parallel"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// spmmOp computes A·X for a fixed sparse A (Rows x Cols) and a dense X (Cols x F).
type spmmOp struct {
	engine.OpBase
	a *Sparse
}

// SparseMatMul returns the node A·x for a fixed sparse matrix A and x of shape [A.Cols, F].
// Its gradient with respect to x is A^T·g. Rows of the output are computed in parallel.
func SparseMatMul(a *Sparse, x *gorgonia.Node) (*gorgonia.Node, error) {
	if x.Dims() != 2 || x.Shape()[0] != a.Cols {
		return nil, fmt.Errorf("ops: sparse product of %d x %d with %v: %w", a.Rows, a.Cols, x.Shape(), engine.ErrShape)
	}
	op := &spmmOp{OpBase: engine.NewOpBase("spmm", 2, 2), a: a}
	return engine.ApplyOp(op, x)
}

// Gather returns the rows idx of x ([n, F] -> [len(idx), F]); repeated indices are allowed and
// their gradients add up.
func Gather(x *gorgonia.Node, idx []int) (*gorgonia.Node, error) {
	if x.Dims() != 2 {
		return nil, fmt.Errorf("ops: Gather from %v: %w", x.Shape(), engine.ErrShape)
	}
	n := x.Shape()[0]
	a, err := sparseFor(engine.ArenaOf(x.Graph()), idx, n, 'g', func() (*Sparse, error) { return GatherMatrix(idx, n) })
	if err != nil {
		return nil, err
	}
	return SparseMatMul(a, x)
}

// ScatterSum adds row e of x into row idx[e] of an [n, F] result; rows nobody writes stay 0.
func ScatterSum(x *gorgonia.Node, idx []int, n int) (*gorgonia.Node, error) {
	return scatter(x, idx, n, false)
}

// ScatterMean averages the rows of x that share a segment id idx[e] into an [n, F] result;
// empty segments are 0.
func ScatterMean(x *gorgonia.Node, idx []int, n int) (*gorgonia.Node, error) {
	return scatter(x, idx, n, true)
}

func scatter(x *gorgonia.Node, idx []int, n int, mean bool) (*gorgonia.Node, error) {
	if x.Dims() != 2 || x.Shape()[0] != len(idx) {
		return nil, fmt.Errorf("ops: scatter of %v with %d indices: %w", x.Shape(), len(idx), engine.ErrShape)
	}
	kind := byte('s')
	if mean {
		kind = 'm'
	}
	a, err := sparseFor(engine.ArenaOf(x.Graph()), idx, n, kind, func() (*Sparse, error) { return ScatterMatrix(idx, n, mean) })
	if err != nil {
		return nil, err
	}
	return SparseMatMul(a, x)
}

func (op *spmmOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	if err != nil {
		return nil, err
	}
	if len(s) != 2 || s[0] != op.a.Cols {
		return nil, fmt.Errorf("ops: spmm of %d x %d with %v: %w", op.a.Rows, op.a.Cols, s, engine.ErrShape)
	}
	return tensor.Shape{op.a.Rows, s[1]}, nil
}

func (op *spmmOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := engine.DenseOf(in[0])
	if err != nil {
		return nil, err
	}
	f := x.Shape()[1]
	out := op.NewLike(x, op.a.Rows, f)
	switch xd := x.Data().(type) {
	case []float32:
		spmm(op.a, xd, out.Data().([]float32), f)
	case []float64:
		spmm(op.a, xd, out.Data().([]float64), f)
	default:
		return nil, fmt.Errorf("ops: spmm on %v: %w", x.Dtype(), engine.ErrShape)
	}
	return out, nil
}

func (op *spmmOp) DiffWRT(int) []bool { return []bool{true} }

func (op *spmmOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	g, err := engine.ApplyOp(&spmmOp{OpBase: engine.NewOpBase("spmmT", 2, 2), a: op.a.T()}, grad)
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{g}, nil
}

// spmm computes out = A·x for row-major x (Cols x f) and out (Rows x f).
func spmm[T engine.Float](a *Sparse, x, out []T, f int) {
	parallel.For(a.Rows, 1+f*(a.NNZ()/max(a.Rows, 1)+1), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			o := out[r*f : (r+1)*f]
			for k := a.ptr[r]; k < a.ptr[r+1]; k++ {
				src := x[a.col[k]*f : (a.col[k]+1)*f]
				if a.val == nil {
					for j, v := range src {
						o[j] += v
					}
					continue
				}
				w := T(a.val[k])
				for j, v := range src {
					o[j] += w * v
				}
			}
		}
	})
}
