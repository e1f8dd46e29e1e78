package ops

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/parallel"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// statsChunk is the number of rows reduced together when column statistics are computed.
// Partial sums are reduced in chunk order, so results do not depend on the number of threads.
const statsChunk = 1024

// NormState carries what the forward pass of a normalisation computed (mean and 1/std per
// normalised group, in float64) to its backward ops, which run later in the same graph, and a
// BatchNorm's statistics between the op and its layer: TrainNorm for batch statistics (read
// with BatchStats after the run), EvalNorm for running ones.
type NormState struct {
	mean, invStd []float64
	varUnbiased  []float64 // BatchNorm only: the unbiased batch variance for running statistics
	fixed        bool      // BatchNorm in evaluation mode: mean and invStd are the running ones

	// BatchNorm backward: sum_rows g_y and sum_rows g_y·xhat (g_y: the gradient at the
	// normalised output, before the fused activation), computed by the first of the three
	// gradient ops and reused by the others (they share the incoming gradient gKey).
	sg, sgy []float64
	gKey    any
	gy      any // gradCache[T]: the pre-activation gradient

	// BatchNorm only: an activation fused after the affine normalisation (Identity for none).
	// The backward pass recomputes y = gamma xhat + beta from x (one multiply-add) and the
	// activation's derivative at y, so nothing but the statistics is stored.
	act   Activation
	slope float64
}

// TrainNorm returns the state of a BatchNorm in training (batch statistics) with the
// activation act fused after it ("" or Identity for none).
func TrainNorm(act Activation) *NormState {
	if act == "" {
		act = Identity
	}
	return &NormState{act: act}
}

// EvalNorm returns the state of a BatchNorm in evaluation: the running mean and 1/std per
// feature, with the activation act fused after it ("" or Identity for none).
func EvalNorm(act Activation, mean, invStd []float64) *NormState {
	if act == "" {
		act = Identity
	}
	return &NormState{act: act, fixed: true, mean: mean, invStd: invStd}
}

// BatchStats returns the batch mean and unbiased variance a training BatchNorm computed, or
// nils before its op ran (and for an evaluation state).
func (st *NormState) BatchStats() (mean, varUnbiased []float64) {
	if st.fixed {
		return nil, nil
	}
	return st.mean, st.varUnbiased
}

// ---------------------------------------------------------------------------------------------
// LayerNorm

// layerNormOp normalises every row of x to zero mean and unit variance (no affine parameters).
type layerNormOp struct {
	engine.OpBase
	eps float64
	st  *NormState
}

// LayerNorm normalises each row of x ([n, F]) without affine parameters:
//
//	y = (x - mean(x)) / sqrt(var(x) + eps), with the biased variance over the row.
func LayerNorm(x *gorgonia.Node, eps float64) (*gorgonia.Node, error) {
	if x.Dims() != 2 {
		return nil, fmt.Errorf("ops: LayerNorm of %v: %w", x.Shape(), engine.ErrShape)
	}
	if !(eps > 0) {
		return nil, fmt.Errorf("ops: LayerNorm epsilon %v: %w", eps, engine.ErrConfig)
	}
	return engine.ApplyOp(&layerNormOp{OpBase: engine.NewOpBase("layernorm", 2, 2), eps: eps, st: &NormState{}}, x)
}

func (op *layerNormOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	return s.Clone(), err
}

func (op *layerNormOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := engine.DenseOf(in[0])
	if err != nil {
		return nil, err
	}
	n, f := x.Shape()[0], x.Shape()[1]
	out := op.NewLike(x, n, f)
	op.st.mean, op.st.invStd = make([]float64, n), make([]float64, n)
	switch xd := x.Data().(type) {
	case []float32:
		layerNorm(xd, out.Data().([]float32), n, f, op.eps, op.st)
	case []float64:
		layerNorm(xd, out.Data().([]float64), n, f, op.eps, op.st)
	}
	return out, nil
}

func (op *layerNormOp) DiffWRT(int) []bool { return []bool{true} }

func (op *layerNormOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	g, err := engine.ApplyOp(&layerNormGradOp{OpBase: engine.NewOpBase("layernorm'", 2, 2, 2), st: op.st}, inputs[0], grad)
	return gorgonia.Nodes{g}, err
}

func layerNorm[T engine.Float](x, out []T, n, f int, eps float64, st *NormState) {
	parallel.For(n, 4*f, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := x[i*f : (i+1)*f]
			var m float64
			for _, v := range row {
				m += float64(v)
			}
			m /= float64(f)
			var s float64
			for _, v := range row {
				d := float64(v) - m
				s += d * d
			}
			inv := 1 / math.Sqrt(s/float64(f)+eps)
			st.mean[i], st.invStd[i] = m, inv
			o := out[i*f : (i+1)*f]
			for j, v := range row {
				o[j] = T((float64(v) - m) * inv)
			}
		}
	})
}

// layerNormGradOp computes dx = invStd (g - mean(g) - y mean(g y)) row by row.
type layerNormGradOp struct {
	engine.OpBase
	st *NormState
}

func (op *layerNormGradOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	return s.Clone(), err
}

func (op *layerNormGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := engine.DenseInputs(in)
	if err != nil {
		return nil, err
	}
	x, g := ts[0], ts[1]
	n, f := x.Shape()[0], x.Shape()[1]
	out := op.NewLike(x, n, f)
	switch xd := x.Data().(type) {
	case []float32:
		layerNormGrad(xd, g.Data().([]float32), out.Data().([]float32), n, f, op.st)
	case []float64:
		layerNormGrad(xd, g.Data().([]float64), out.Data().([]float64), n, f, op.st)
	}
	return out, nil
}

func (op *layerNormGradOp) DiffWRT(int) []bool { return []bool{false, false} }
func (op *layerNormGradOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("ops: second derivative of LayerNorm: %w", engine.ErrConfig)
}

func layerNormGrad[T engine.Float](x, g, out []T, n, f int, st *NormState) {
	parallel.For(n, 6*f, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			m, inv := st.mean[i], st.invStd[i]
			var mg, mgy float64
			for j := 0; j < f; j++ {
				y := (float64(x[i*f+j]) - m) * inv
				gv := float64(g[i*f+j])
				mg += gv
				mgy += gv * y
			}
			mg /= float64(f)
			mgy /= float64(f)
			for j := 0; j < f; j++ {
				y := (float64(x[i*f+j]) - m) * inv
				out[i*f+j] = T(inv * (float64(g[i*f+j]) - mg - y*mgy))
			}
		}
	})
}

// ---------------------------------------------------------------------------------------------
// BatchNorm

// batchNormOp normalises every column of x over the rows (the batch) and applies gamma, beta.
type batchNormOp struct {
	engine.OpBase
	eps float64
	st  *NormState
}

// BatchNorm applies batch normalisation with affine parameters gamma, beta ([1, F]) to x
// ([n, F]). In training (st.fixed false) the statistics are the batch's (biased variance for the
// normalisation; the unbiased variance is kept in st for the running estimate); in evaluation
// st holds the running mean and 1/std.
func BatchNorm(x, gamma, beta *gorgonia.Node, eps float64, st *NormState) (*gorgonia.Node, error) {
	if x.Dims() != 2 || gamma.Dims() != 2 || beta.Dims() != 2 || gamma.Shape()[1] != x.Shape()[1] || beta.Shape()[1] != x.Shape()[1] {
		return nil, fmt.Errorf("ops: BatchNorm of %v with gamma %v, beta %v: %w", x.Shape(), gamma.Shape(), beta.Shape(), engine.ErrShape)
	}
	return engine.ApplyOp(&batchNormOp{OpBase: engine.NewOpBase("batchnorm", 2, 2, 2, 2), eps: eps, st: st}, x, gamma, beta)
}

// actFuncs returns the activation and its derivative for a kernel's element type: float32
// GELU reads the interpolated tables, float64 GELU is exact.
func actFuncs[T engine.Float](act Activation, slope float64) (f, df func(T) T) {
	switch act {
	case GELU:
		if engine.IsFloat32[T]() {
			val, grad := geluTables()
			f = func(y T) T { v, _ := geluLookup(float32(y), val, grad); return T(v) }
			df = func(y T) T { _, d := geluLookup(float32(y), val, grad); return T(d) }
			return f, df
		}
		f = func(y T) T { v := float64(y); return T(0.5 * v * (1 + math.Erf(v*invSqrt2))) }
		df = func(y T) T {
			v := float64(y)
			return T(0.5*(1+math.Erf(v*invSqrt2)) + v*invSqrt2Pi*math.Exp(-0.5*v*v))
		}
		return f, df
	case ReLU:
		return func(y T) T { return max(y, 0) }, func(y T) T {
			if y > 0 {
				return 1
			}
			return 0
		}
	case leakyReLU:
		a := T(slope)
		return func(y T) T {
				if y > 0 {
					return y
				}
				return a * y
			}, func(y T) T {
				if y > 0 {
					return 1
				}
				return a
			}
	}
	return nil, nil
}

func (op *batchNormOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	return s.Clone(), err
}

func (op *batchNormOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := engine.DenseInputs(in)
	if err != nil {
		return nil, err
	}
	x, gm, bt := ts[0], ts[1], ts[2]
	n, f := x.Shape()[0], x.Shape()[1]
	out := op.NewUninit(x, n, f)
	switch xd := x.Data().(type) {
	case []float32:
		if !op.st.fixed {
			colStats(xd, n, f, op.eps, op.st)
		}
		batchNormApply(xd, gm.Data().([]float32), bt.Data().([]float32), out.Data().([]float32), n, f, op.st)
	case []float64:
		if !op.st.fixed {
			colStats(xd, n, f, op.eps, op.st)
		}
		batchNormApply(xd, gm.Data().([]float64), bt.Data().([]float64), out.Data().([]float64), n, f, op.st)
	}
	return out, nil
}

// actApplyInPlace applies the fused activation of st to y in place (one row, in cache).
func actApplyInPlace[T engine.Float](y []T, st *NormState) {
	switch {
	case st.act == Identity || st.act == "":
	case st.act == GELU && engine.IsFloat32[T]():
		y32 := any(y).([]float32)
		val, _ := geluTables()
		for i, v := range y32 {
			y32[i] = geluValue(v, val)
		}
	case st.act == ReLU:
		for i, v := range y {
			y[i] = max(v, 0)
		}
	default:
		fn, _ := actFuncs[T](st.act, st.slope)
		for i, v := range y {
			y[i] = fn(v)
		}
	}
}

func (op *batchNormOp) DiffWRT(int) []bool { return []bool{true, true, true} }

func (op *batchNormOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	x, gamma, beta := inputs[0], inputs[1], inputs[2]
	dx, err := engine.ApplyOp(&batchNormGradOp{OpBase: engine.NewOpBase("batchnorm'x", 2, 2, 2, 2, 2), st: op.st, which: 0}, x, gamma, beta, grad)
	if err != nil {
		return nil, err
	}
	dg, err := engine.ApplyOp(&batchNormGradOp{OpBase: engine.NewOpBase("batchnorm'gamma", 2, 2, 2, 2, 2), st: op.st, which: 1}, x, gamma, beta, grad)
	if err != nil {
		return nil, err
	}
	db, err := engine.ApplyOp(&batchNormGradOp{OpBase: engine.NewOpBase("batchnorm'beta", 2, 2, 2, 2, 2), st: op.st, which: 2}, x, gamma, beta, grad)
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{dx, dg, db}, nil
}

// colStats computes the per-column mean, 1/sqrt(biased var + eps) and unbiased variance of x
// (n x f) in float64, in one pass over x: each fixed chunk of rows (reduced in order) sums
// d = x - K and d² with K the column's first value, so the variance sum(d²)/n - mean(d)² does
// not cancel catastrophically when the mean is large against the spread.
func colStats[T engine.Float](x []T, n, f int, eps float64, st *NormState) {
	chunks := (n + statsChunk - 1) / statsChunk
	part := make([]float64, 2*chunks*f)
	shift := make([]float64, f)
	if n > 0 {
		for j := range shift {
			shift[j] = float64(x[j])
		}
	}
	parallel.For(chunks, statsChunk*f, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			s1, s2 := part[2*c*f:(2*c+1)*f], part[(2*c+1)*f:(2*c+2)*f]
			sh := shift[:len(s1)]
			s2 = s2[:len(s1)]
			for i := c * statsChunk; i < min((c+1)*statsChunk, n); i++ {
				row := x[i*f : (i+1)*f]
				row = row[:len(s1)]
				for j, v := range row {
					d := float64(v) - sh[j]
					s1[j] += d
					s2[j] += d * d
				}
			}
		}
	})
	sum1, sum2 := make([]float64, f), make([]float64, f)
	for c := 0; c < chunks; c++ {
		for j := 0; j < f; j++ {
			sum1[j] += part[2*c*f+j]
			sum2[j] += part[(2*c+1)*f+j]
		}
	}
	nn := float64(max(n, 1))
	st.mean, st.invStd, st.varUnbiased = make([]float64, f), make([]float64, f), make([]float64, f)
	for j := 0; j < f; j++ {
		md := sum1[j] / nn
		ss := max(sum2[j]-md*sum1[j], 0) // sum of squared deviations from the mean
		st.mean[j] = shift[j] + md
		st.invStd[j] = 1 / math.Sqrt(ss/nn+eps)
		if n > 1 {
			st.varUnbiased[j] = ss / float64(n-1)
		}
	}
}

// batchNormApply writes out = act(x scale + shift) per column, the activation applied to each
// row while it is in cache (one pass over the data).
func batchNormApply[T engine.Float](x, gamma, beta, out []T, n, f int, st *NormState) {
	scale, shift := affineOf(st, gamma, beta)
	parallel.For(n, 2*f, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			o := out[i*f : (i+1)*f]
			copy(o, x[i*f:(i+1)*f])
			normActRow(o, scale, shift, st)
		}
	})
}

// affineOf returns the per-column scale gamma·invStd and shift beta − mean·scale of a
// BatchNorm with the statistics of st.
func affineOf[T engine.Float](st *NormState, gamma, beta []T) (scale, shift []T) {
	scale, shift = make([]T, len(gamma)), make([]T, len(gamma))
	for j := range gamma {
		sc := float64(gamma[j]) * st.invStd[j]
		scale[j], shift[j] = T(sc), T(float64(beta[j])-st.mean[j]*sc)
	}
	return scale, shift
}

// normActRow applies the BatchNorm's affine map and then its fused activation to one row, in
// place (while the row is in cache).
func normActRow[T engine.Float](row, scale, shift []T, st *NormState) {
	sc, sh := scale[:len(row)], shift[:len(row)]
	for j, v := range row {
		row[j] = v*sc[j] + sh[j]
	}
	actApplyInPlace(row, st)
}

// batchNormGradOp computes one of the gradients of batchNormOp (with its fused activation)
// from (x, gamma, beta, g): which = 0: dx; 1: dgamma = sum_rows g_y xhat; 2: dbeta = sum_rows g_y,
// where g_y = g ⊙ act'(gamma xhat + beta) is the gradient before the activation.
type batchNormGradOp struct {
	engine.OpBase
	st    *NormState
	which int
}

func (op *batchNormGradOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	if op.which == 0 {
		s, err := engine.ShapeOf(in[0])
		return s.Clone(), err
	}
	s, err := engine.ShapeOf(in[1])
	return s.Clone(), err
}

func (op *batchNormGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := engine.DenseInputs(in)
	if err != nil {
		return nil, err
	}
	x := ts[0]
	n, f := x.Shape()[0], x.Shape()[1]
	var out *tensor.Dense
	if op.which == 0 {
		out = op.NewUninit(x, n, f) // every element is written
	} else {
		out = op.NewLike(x, 1, f)
	}
	switch xd := x.Data().(type) {
	case []float32:
		batchNormGrad(op.Arena(), op.which, xd, ts[1].Data().([]float32), ts[2].Data().([]float32), ts[3].Data().([]float32), out.Data().([]float32), n, f, op.st)
	case []float64:
		batchNormGrad(op.Arena(), op.which, xd, ts[1].Data().([]float64), ts[2].Data().([]float64), ts[3].Data().([]float64), out.Data().([]float64), n, f, op.st)
	}
	return out, nil
}

func (op *batchNormGradOp) DiffWRT(int) []bool { return []bool{false, false, false, false} }
func (op *batchNormGradOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("ops: second derivative of BatchNorm: %w", engine.ErrConfig)
}

// preActivationGrad returns gy = g ⊙ act'(y) with y = x scale + shift recomputed per column
// (g itself when no activation is fused), and the column sums sg = sum_rows gy and
// sgy = sum_rows gy xhat that the BatchNorm gradients need, in one pass over the data: each
// fixed chunk of rows computes its gy and adds its sums while the rows are in cache, and the
// chunks' sums are reduced in order (deterministic).
func preActivationGrad[T engine.Float](ar *engine.Arena, x, gamma, beta, g []T, n, f int, st *NormState) (gy []T, sg, sgy []float64) {
	_, df := actFuncs[T](st.act, st.slope)
	scale, shift := affineOf(st, gamma, beta)
	gy = g
	if df != nil {
		gy = engine.Alloc[T](ar, len(g), false) // every element is written by rows
	}
	x32, _ := any(x).([]float32)
	g32, _ := any(g).([]float32)
	gy32, _ := any(gy).([]float32)
	sc32, _ := any(scale).([]float32)
	sh32, _ := any(shift).([]float32)
	val, grad := geluTables()
	// rows writes gy for rows [lo, hi); the two common cases run inline.
	rows := func(lo, hi int) {
		switch {
		case df == nil:
		case st.act == GELU && x32 != nil:
			for i := lo; i < hi; i++ {
				or := gy32[i*f : (i+1)*f]
				xr, gr, sc, sh := x32[i*f:(i+1)*f], g32[i*f:(i+1)*f], sc32[:len(or)], sh32[:len(or)]
				xr, gr = xr[:len(or)], gr[:len(or)]
				for j := range or {
					_, d := geluLookup(xr[j]*sc[j]+sh[j], val, grad)
					or[j] = gr[j] * d
				}
			}
		case st.act == ReLU && x32 != nil:
			// Branch-free: the pre-activation's sign is random, so a branch mispredicts half
			// the time. y > 0 exactly when the bits of y, read as an int32, are positive (+0
			// and -0 are not); the mask keeps g there and clears it elsewhere.
			for i := lo; i < hi; i++ {
				or := gy32[i*f : (i+1)*f]
				xr, gr, sc, sh := x32[i*f:(i+1)*f], g32[i*f:(i+1)*f], sc32[:len(or)], sh32[:len(or)]
				xr, gr = xr[:len(or)], gr[:len(or)]
				for j := range or {
					b := int32(math.Float32bits(xr[j]*sc[j] + sh[j]))
					mask := uint32(-int64(b) >> 63)
					or[j] = math.Float32frombits(math.Float32bits(gr[j]) & mask)
				}
			}
		default:
			for i := lo; i < hi; i++ {
				for j := 0; j < f; j++ {
					k := i*f + j
					gy[k] = g[k] * df(x[k]*scale[j]+shift[j])
				}
			}
		}
	}
	chunks := (n + statsChunk - 1) / statsChunk
	part := make([]float64, 2*chunks*f)
	parallel.For(chunks, statsChunk*f*4, func(clo, chi int) {
		for c := clo; c < chi; c++ {
			lo, hi := c*statsChunk, min((c+1)*statsChunk, n)
			rows(lo, hi)
			p1, p2 := part[2*c*f:(2*c+1)*f], part[(2*c+1)*f:(2*c+2)*f]
			mean := st.mean[:len(p1)]
			p2 = p2[:len(p1)]
			for i := lo; i < hi; i++ {
				gr, xr := gy[i*f:(i+1)*f], x[i*f:(i+1)*f]
				gr, xr = gr[:len(p1)], xr[:len(p1)]
				for j := range p1 {
					gv := float64(gr[j])
					p1[j] += gv
					p2[j] += gv * (float64(xr[j]) - mean[j])
				}
			}
		}
	})
	sg, sgy = make([]float64, f), make([]float64, f)
	for c := 0; c < chunks; c++ {
		for j := 0; j < f; j++ {
			sg[j] += part[2*c*f+j]
			sgy[j] += part[2*c*f+f+j]
		}
	}
	for j := range sgy {
		sgy[j] *= st.invStd[j]
	}
	return gy, sg, sgy
}

// gradCache is the pre-activation gradient and its column sums, computed once per backward
// pass by the first of the three gradient ops.
type gradCache[T engine.Float] struct{ gy []T }

func batchNormGrad[T engine.Float](ar *engine.Arena, which int, x, gamma, beta, g, out []T, n, f int, st *NormState) {
	if len(g) == 0 {
		return
	}
	if st.gKey != any(&g[0]) || st.sg == nil {
		gy, sg, sgy := preActivationGrad(ar, x, gamma, beta, g, n, f, st)
		st.gKey = any(&g[0])
		st.gy = gradCache[T]{gy}
		st.sg, st.sgy = sg, sgy // in evaluation mode dgamma and dbeta need them too

	}
	gy := st.gy.(gradCache[T]).gy
	sg, sgy := st.sg, st.sgy
	switch which {
	case 1:
		for j := range sgy {
			out[j] = T(sgy[j])
		}
	case 2:
		for j := range sg {
			out[j] = T(sg[j])
		}
	case 0:
		if st.fixed { // dx = g_y gamma invStd
			k := make([]T, f)
			for j := range k {
				k[j] = T(float64(gamma[j]) * st.invStd[j])
			}
			parallel.For(n, f, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					for j := 0; j < f; j++ {
						out[i*f+j] = gy[i*f+j] * k[j]
					}
				}
			})
			return
		}
		// dx = k (g_y - sg/n - xhat sgy/n) with xhat = (x - mean) invStd and k = gamma invStd,
		// i.e. dx = k g_y + c1 x + c0 per column.
		nf := float64(n)
		k, c1, c0 := make([]T, f), make([]T, f), make([]T, f)
		for j := 0; j < f; j++ {
			kj := float64(gamma[j]) * st.invStd[j]
			b := kj * st.invStd[j] * sgy[j] / nf
			k[j], c1[j], c0[j] = T(kj), T(-b), T(-kj*sg[j]/nf+b*st.mean[j])
		}
		parallel.For(n, 3*f, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				o, xr, gr := out[i*f:(i+1)*f], x[i*f:(i+1)*f], gy[i*f:(i+1)*f]
				for j := range o {
					o[j] = k[j]*gr[j] + c1[j]*xr[j] + c0[j]
				}
			}
		})
	}
}
