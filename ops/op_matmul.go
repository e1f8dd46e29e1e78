package ops

import (
	"fmt"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/gemm"
	"gonum.org/v1/gonum/blas"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// matMulOp computes op(A)·op(B) for 2-D A and B, op being the identity or the transpose.
type matMulOp struct {
	engine.OpBase
	transA, transB bool
}

// MatMul returns the matrix product a·b of a [m, k] and b [k, n] ([m, n]), gorgonia.Mul's
// product with its output taken from the Scope's arena (engine/arena.go) and the products of
// internal/gemm.
// gradients: dA = G·Bᵀ, dB = Aᵀ·G, themselves transposed products.
func MatMul(a, b *gorgonia.Node) (*gorgonia.Node, error) {
	return matMul(a, b, false, false)
}

func matMul(a, b *gorgonia.Node, transA, transB bool) (*gorgonia.Node, error) {
	name := "matmul"
	if transA {
		name += "ᵀ·"
	}
	if transB {
		name += "·ᵀ"
	}
	op := &matMulOp{OpBase: engine.NewOpBase(name, 2, 2, 2), transA: transA, transB: transB}
	if _, err := op.InferShape(a.Shape(), b.Shape()); err != nil {
		return nil, err
	}
	return engine.ApplyOp(op, a, b)
}

// dims returns m, k of op(A) and n of op(B) for the shapes of A and B.
func (op *matMulOp) dims(sa, sb tensor.Shape) (m, k, kb, n int, err error) {
	if len(sa) != 2 || len(sb) != 2 {
		return 0, 0, 0, 0, fmt.Errorf("ops: %s of %v and %v: %w", op.String(), sa, sb, engine.ErrShape)
	}
	m, k = sa[0], sa[1]
	if op.transA {
		m, k = k, m
	}
	kb, n = sb[0], sb[1]
	if op.transB {
		kb, n = n, kb
	}
	if k != kb {
		return 0, 0, 0, 0, fmt.Errorf("ops: %s of %v and %v: inner dimensions %d and %d: %w", op.String(), sa, sb, k, kb, engine.ErrShape)
	}
	return m, k, kb, n, nil
}

func (op *matMulOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	sa, err := engine.ShapeOf(in[0])
	if err != nil {
		return nil, err
	}
	sb, err := engine.ShapeOf(in[1])
	if err != nil {
		return nil, err
	}
	m, _, _, n, err := op.dims(sa, sb)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{m, n}, nil
}

func (op *matMulOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := engine.DenseInputs(in)
	if err != nil {
		return nil, err
	}
	a, b := ts[0], ts[1]
	m, k, _, n, err := op.dims(a.Shape(), b.Shape())
	if err != nil {
		return nil, err
	}
	if a.Dtype() != b.Dtype() {
		return nil, fmt.Errorf("ops: %s of %v and %v: %w", op.String(), a.Dtype(), b.Dtype(), engine.ErrShape)
	}
	out := op.NewUninit(a, m, n)
	tA, tB := blas.NoTrans, blas.NoTrans
	if op.transA {
		tA = blas.Trans
	}
	if op.transB {
		tB = blas.Trans
	}
	lda, ldb := a.Shape()[1], b.Shape()[1]
	switch ad := a.Data().(type) {
	case []float32:
		c := out.Data().([]float32)
		if k == 0 {
			clear(c)
			break
		}
		gemm.Impl.Sgemm(tA, tB, m, n, k, 1, ad, lda, b.Data().([]float32), ldb, 0, c, n)
	case []float64:
		c := out.Data().([]float64)
		if k == 0 {
			clear(c)
			break
		}
		gemm.Impl.Dgemm(tA, tB, m, n, k, 1, ad, lda, b.Data().([]float64), ldb, 0, c, n)
	default:
		return nil, fmt.Errorf("ops: %s on %v: %w", op.String(), a.Dtype(), engine.ErrShape)
	}
	return out, nil
}

func (op *matMulOp) DiffWRT(int) []bool { return []bool{true, true} }

// SymDiff: for C = op(A)·op(B) with upstream gradient G,
//
//	C = A·B:    dA = G·Bᵀ,  dB = Aᵀ·G
//	C = A·Bᵀ:   dA = G·B,   dB = Gᵀ·A
//	C = Aᵀ·B:   dA = B·Gᵀ,  dB = A·G
//	C = Aᵀ·Bᵀ:  dA = Bᵀ·Gᵀ, dB = Gᵀ·Aᵀ
func (op *matMulOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	a, b := inputs[0], inputs[1]
	var da, db *gorgonia.Node
	var err error
	switch {
	case !op.transA && !op.transB:
		if da, err = matMul(grad, b, false, true); err == nil {
			db, err = matMul(a, grad, true, false)
		}
	case !op.transA && op.transB:
		if da, err = matMul(grad, b, false, false); err == nil {
			db, err = matMul(grad, a, true, false)
		}
	case op.transA && !op.transB:
		if da, err = matMul(b, grad, false, true); err == nil {
			db, err = matMul(a, grad, false, false)
		}
	default:
		if da, err = matMul(b, grad, true, true); err == nil {
			db, err = matMul(grad, a, true, true)
		}
	}
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{da, db}, nil
}
