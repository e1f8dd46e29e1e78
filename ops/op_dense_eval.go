package ops

import (
	"fmt"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/gemm"
	"github.com/ncgn/ncgn/internal/parallel"
	"gonum.org/v1/gonum/blas"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// In evaluation (sampling) a BatchNorm is a fixed per-column affine map, so a Linear followed by
// BatchNorm and an activation, a gate, or a Linear with its bias and a residual, can be computed
// block of rows by block of rows: the matrix product of a block of 512 rows, then everything
// that follows it on that block while it is in cache. The separate ops read and write every
// [n, W] intermediate from memory once each (three to five passes); the fused ones write their
// output once. Training keeps the separate, differentiable ops (the batch statistics need the
// whole product first); these ops have no gradient.

// evalBlock is the number of rows per block: a [512, 64] float32 block is 128 KB.
const evalBlock = 512

// denseKind names what a denseEvalOp computes.
type denseKind int

const (
	// linearNormAct: y = act(BN(x·W)); inputs x, W, gamma, beta.
	linearNormAct denseKind = iota
	// linearBiasAdd: y = x·W + b + extra...; inputs x, W, b, extra...
	linearBiasAdd
	// gateNormAct: z = h·Wh + s·Ws + b, m = σ(z) h + (1 − σ(z)) s, y = act(BN(m)); inputs h, s,
	// Wh, Ws, b, gamma, beta.
	gateNormAct
)

// evalOnly is embedded in the fused evaluation ops: they have no gradient.
type evalOnly struct{}

func (evalOnly) DiffWRT(n int) []bool { return make([]bool, n) }

func (evalOnly) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("ops: a fused evaluation op has no gradient: %w", engine.ErrConfig)
}

// sameDtype returns the dense inputs of an op after checking that they share one dtype.
func sameDtype(name string, in []gorgonia.Value) ([]*tensor.Dense, error) {
	ts, err := engine.DenseInputs(in)
	if err != nil {
		return nil, err
	}
	for _, t := range ts[1:] {
		if t.Dtype() != ts[0].Dtype() {
			return nil, fmt.Errorf("ops: %s of %v and %v: %w", name, ts[0].Dtype(), t.Dtype(), engine.ErrShape)
		}
	}
	return ts, nil
}

// denseEvalOp is the fused evaluation op of one denseKind.
type denseEvalOp struct {
	engine.OpBase
	evalOnly
	kind denseKind
	norm *NormState // the BatchNorm's running statistics and activation (nil for linearBiasAdd)
}

// LinearNormActEval returns act(BN(x·w)) in evaluation, fused: x [n, k], w [k, f], gamma and
// beta [1, f], norm an EvalNorm state (the running statistics and the activation). The
// Linear's bias is cancelled by the norm and left out (layers.Linear.ForwardBeforeNorm).
func LinearNormActEval(x, w, gamma, beta *gorgonia.Node, norm *NormState) (*gorgonia.Node, error) {
	if x.Dims() != 2 || w.Dims() != 2 || x.Shape()[1] != w.Shape()[0] || !norm.fixed || len(norm.mean) != w.Shape()[1] {
		return nil, fmt.Errorf("ops: LinearNormActEval of %v by %v with %d statistics (fixed %v): %w", x.Shape(), w.Shape(), len(norm.mean), norm.fixed, engine.ErrShape)
	}
	op := &denseEvalOp{OpBase: engine.NewOpBase("linear-norm-act", 2, 2, 2, 2, 2), kind: linearNormAct, norm: norm}
	return engine.ApplyOp(op, x, w, gamma, beta)
}

// LinearAddEval returns x·w + b + extra[0] + ... in evaluation, fused: x [n, k], w [k, f],
// b [1, f], each extra [n, f].
func LinearAddEval(x, w, b *gorgonia.Node, extra ...*gorgonia.Node) (*gorgonia.Node, error) {
	if x.Dims() != 2 || w.Dims() != 2 || x.Shape()[1] != w.Shape()[0] || b == nil {
		return nil, fmt.Errorf("ops: LinearAddEval of %v by %v: want [n, k]·[k, f] and a bias: %w", x.Shape(), w.Shape(), engine.ErrShape)
	}
	dims := []int{2, 2, 2}
	for _, e := range extra {
		if e.Dims() != 2 || e.Shape()[0] != x.Shape()[0] || e.Shape()[1] != w.Shape()[1] {
			return nil, fmt.Errorf("ops: LinearAddEval: addend %v, want [%d, %d]: %w", e.Shape(), x.Shape()[0], w.Shape()[1], engine.ErrShape)
		}
		dims = append(dims, 2)
	}
	op := &denseEvalOp{OpBase: engine.NewOpBase("linear-add", 2, dims...), kind: linearBiasAdd}
	return engine.ApplyOp(op, append([]*gorgonia.Node{x, w, b}, extra...)...)
}

// GateNormActEval returns act(BN(GateMix(h, s, wh, ws, b))) in evaluation, fused: h and s
// [n, f], wh and ws [f, f], b, gamma and beta [1, f], norm an EvalNorm state.
func GateNormActEval(h, s, wh, ws, b, gamma, beta *gorgonia.Node, norm *NormState) (*gorgonia.Node, error) {
	if h.Dims() != 2 || !h.Shape().Eq(s.Shape()) || wh.Dims() != 2 || wh.Shape()[0] != h.Shape()[1] || !norm.fixed || len(norm.mean) != h.Shape()[1] {
		return nil, fmt.Errorf("ops: GateNormActEval of %v and %v with weight %v and %d statistics (fixed %v): %w", h.Shape(), s.Shape(), wh.Shape(), len(norm.mean), norm.fixed, engine.ErrShape)
	}
	op := &denseEvalOp{OpBase: engine.NewOpBase("gate-norm-act", 2, 2, 2, 2, 2, 2, 2, 2), kind: gateNormAct, norm: norm}
	return engine.ApplyOp(op, h, s, wh, ws, b, gamma, beta)
}

func (op *denseEvalOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	sx, err := engine.ShapeOf(in[0])
	if err != nil {
		return nil, err
	}
	w := 1
	if op.kind == gateNormAct {
		w = 2
	}
	sw, err := engine.ShapeOf(in[w])
	if err != nil {
		return nil, err
	}
	return tensor.Shape{sx[0], sw[1]}, nil
}

func (op *denseEvalOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := sameDtype(op.String(), in)
	if err != nil {
		return nil, err
	}
	n := ts[0].Shape()[0]
	sh, err := op.InferShape(ts[0].Shape(), ts[1].Shape(), ts[2].Shape())
	if err != nil {
		return nil, err
	}
	out := op.NewUninit(ts[0], sh...)
	switch out.Dtype() {
	case tensor.Float32:
		err = denseEval(op, engine.DataOf[float32](ts), ts, out.Data().([]float32), n, sh[1])
	case tensor.Float64:
		err = denseEval(op, engine.DataOf[float64](ts), ts, out.Data().([]float64), n, sh[1])
	default:
		err = fmt.Errorf("ops: %s on %v: %w", op.String(), out.Dtype(), engine.ErrShape)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// gemmRows computes c = a·w (beta 0) or c += a·w (beta 1) for the rows of one block with the
// build's BLAS, on the calling goroutine's share of the work.
func gemmRows[T engine.Float](rows, k, f int, a, w []T, beta T, c []T) {
	switch a := any(a).(type) {
	case []float32:
		gemm.Serial.Sgemm(blas.NoTrans, blas.NoTrans, rows, f, k, 1, a, k, any(w).([]float32), f, float32(beta), any(c).([]float32), f)
	case []float64:
		gemm.Serial.Dgemm(blas.NoTrans, blas.NoTrans, rows, f, k, 1, a, k, any(w).([]float64), f, float64(beta), any(c).([]float64), f)
	}
}

// forBlocks calls body on the blocks of evalBlock rows of [0, n) in parallel (rowCost is the
// work of one row); each worker gets its own scratch of the given length.
func forBlocks[T engine.Float](n, rowCost, scratch int, body func(r0, r1 int, tmp []T)) {
	parallel.For((n+evalBlock-1)/evalBlock, evalBlock*rowCost, func(lo, hi int) {
		var tmp []T
		if scratch > 0 {
			tmp = make([]T, scratch)
		}
		for b := lo; b < hi; b++ {
			body(b*evalBlock, min((b+1)*evalBlock, n), tmp)
		}
	})
}

// denseEval runs op block by block; d holds the inputs' data, ts their tensors (for shapes).
func denseEval[T engine.Float](op *denseEvalOp, d [][]T, ts []*tensor.Dense, out []T, n, f int) error {
	check := func(i, rows, cols int) error {
		if s := ts[i].Shape(); s[0] != rows || s[1] != cols {
			return fmt.Errorf("ops: %s input %d is %v, want [%d, %d]: %w", op.String(), i, s, rows, cols, engine.ErrShape)
		}
		return nil
	}
	switch op.kind {
	case linearNormAct:
		k := ts[0].Shape()[1]
		if err := check(1, k, f); err != nil {
			return err
		}
		scale, shift := affineOf(op.norm, d[2], d[3])
		x, w := d[0], d[1]
		forBlocks(n, k*f, 0, func(r0, r1 int, _ []T) {
			o := out[r0*f : r1*f]
			gemmRows(r1-r0, k, f, x[r0*k:r1*k], w, 0, o)
			for i := 0; i < r1-r0; i++ {
				normActRow(o[i*f:(i+1)*f], scale, shift, op.norm)
			}
		})
	case linearBiasAdd:
		k := ts[0].Shape()[1]
		if err := check(1, k, f); err != nil {
			return err
		}
		for i := 3; i < len(ts); i++ {
			if err := check(i, n, f); err != nil {
				return err
			}
		}
		x, w, bias, extra := d[0], d[1], d[2], d[3:]
		forBlocks(n, k*f, 0, func(r0, r1 int, _ []T) {
			o := out[r0*f : r1*f]
			gemmRows(r1-r0, k, f, x[r0*k:r1*k], w, 0, o)
			for i := r0; i < r1; i++ {
				row := o[(i-r0)*f : (i-r0+1)*f]
				bb := bias[:len(row)]
				for j := range row {
					row[j] += bb[j]
				}
				for _, e := range extra {
					er := e[i*f : (i+1)*f]
					er = er[:len(row)]
					for j := range row {
						row[j] += er[j]
					}
				}
			}
		})
	case gateNormAct:
		for i, rows := range []int{n, f, f} {
			if err := check(1+i, rows, f); err != nil {
				return err
			}
		}
		scale, shift := affineOf(op.norm, d[5], d[6])
		h, s, wh, ws, bias := d[0], d[1], d[2], d[3], d[4]
		sig := sigmoidTableFor[T]()
		forBlocks(n, 2*f*f, 0, func(r0, r1 int, _ []T) {
			o := out[r0*f : r1*f]
			gemmRows(r1-r0, f, f, h[r0*f:r1*f], wh, 0, o)
			gemmRows(r1-r0, f, f, s[r0*f:r1*f], ws, 1, o)
			for i := r0; i < r1; i++ {
				row := o[(i-r0)*f : (i-r0+1)*f]
				hr, sr, bb := h[i*f:(i+1)*f], s[i*f:(i+1)*f], bias[:len(row)]
				hr, sr = hr[:len(row)], sr[:len(row)]
				for j := range row {
					g := sigmoidT(row[j]+bb[j], sig)
					row[j] = g*hr[j] + (1-g)*sr[j]
				}
				normActRow(row, scale, shift, op.norm)
			}
		})
	}
	return nil
}
