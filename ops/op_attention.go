package ops

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/parallel"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// attentionOp is multi-head scaled dot-product self-attention over sequences of equal length
// (Vaswani et al. 2017), the attention of a DiT block (Peebles and Xie 2023):
//
//	out_h = softmax(Q_h K_hᵀ / √d) V_h   for each sequence and head h,
//
// with Q, K, V [seqs·tokens, heads·d] holding each head's d columns side by side. Scores and
// softmax are computed in float64. The backward pass recomputes the attention weights.
type attentionOp struct {
	engine.OpBase
	seqs, tokens, heads int
	// keys[i] lists the tokens query token i attends to (the same in every sequence and head);
	// nil: every token of its sequence.
	keys [][]int
	// probs holds the attention weights of the last forward pass, per (sequence, head) and
	// query-key pair, for the backward pass of the same graph run; probsOf is the q data they
	// were computed from (a backward pass on other data recomputes them).
	probs   []float64
	probsOf any
	// grads holds dq, dk and dv of the last backward pass (the three gradient ops share one
	// computation) and gradsOf the upstream gradient data they were computed from.
	grads   [3]any
	gradsOf any
	// scratch holds the buffers of the two gradients kept for the next ops, reused by the
	// next backward pass (the gradient ops copy them out before it); pl is the layout,
	// computed once.
	scratch [3]any
	pl      *attnPlan
}

// Attention returns multi-head self-attention of the rows of q, k and v, [seqs·tokens, D]
// each (D = heads·d), sequence s being rows s·tokens … s·tokens+tokens-1: the [seqs·tokens, D]
// output whose row i, columns of head h, is Σ_j softmax_j(q_i·k_j / √d) v_j over the tokens j
// of i's sequence.
//
// Shapes: q, k, v [seqs·tokens, heads·d] -> [seqs·tokens, heads·d].
func Attention(q, k, v *gorgonia.Node, seqs, tokens, heads int) (*gorgonia.Node, error) {
	s := q.Shape()
	if len(s) != 2 || !s.Eq(k.Shape()) || !s.Eq(v.Shape()) {
		return nil, fmt.Errorf("ops: Attention of q %v, k %v, v %v: want equal [seqs·tokens, heads·d]: %w", s, k.Shape(), v.Shape(), engine.ErrShape)
	}
	if seqs < 1 || tokens < 1 || heads < 1 || s[0] != seqs*tokens || s[1]%heads != 0 || s[1] == 0 {
		return nil, fmt.Errorf("ops: Attention of %v as %d sequences of %d tokens, %d heads: %w", s, seqs, tokens, heads, engine.ErrShape)
	}
	return engine.ApplyOp(&attentionOp{OpBase: engine.NewOpBase(fmt.Sprintf("attention(%d,%d,%d)", seqs, tokens, heads), 2, 2, 2, 2),
		seqs: seqs, tokens: tokens, heads: heads}, q, k, v)
}

func (op *attentionOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	return s.Clone(), err
}

// dense returns the inputs as dense tensors of one dtype and shape.
func (op *attentionOp) dense(in []gorgonia.Value) ([]*tensor.Dense, error) {
	out := make([]*tensor.Dense, len(in))
	for i, v := range in {
		d, err := engine.DenseOf(v)
		if err != nil {
			return nil, err
		}
		if i > 0 && (d.Dtype() != out[0].Dtype() || !d.Shape().Eq(out[0].Shape())) {
			return nil, fmt.Errorf("ops: %s: input %d is %v %v, input 0 %v %v: %w", op.String(), i, d.Shape(), d.Dtype(), out[0].Shape(), out[0].Dtype(), engine.ErrShape)
		}
		out[i] = d
	}
	return out, nil
}

func (op *attentionOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	t, err := op.dense(in)
	if err != nil {
		return nil, err
	}
	out := op.NewUninit(t[0], t[0].Shape()...)
	pl := op.plan()
	if n := op.seqs * op.heads * pl.pairs; len(op.probs) != n {
		op.probs = make([]float64, n)
	}
	switch od := out.Data().(type) {
	case []float32:
		attentionForward(pl, t[0].Data().([]float32), t[1].Data().([]float32), t[2].Data().([]float32), od, op.probs)
	case []float64:
		attentionForward(pl, t[0].Data().([]float64), t[1].Data().([]float64), t[2].Data().([]float64), od, op.probs)
	default:
		return nil, fmt.Errorf("ops: %s on %v: %w", op.String(), t[0].Dtype(), engine.ErrShape)
	}
	op.probsOf, op.grads, op.gradsOf = t[0].Data(), [3]any{}, nil
	return out, nil
}

func (op *attentionOp) DiffWRT(n int) []bool { return engine.AllInputs(n) }

func (op *attentionOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	out := make(gorgonia.Nodes, 3)
	for w := range out {
		g, err := engine.ApplyOp(&attentionGradOp{OpBase: engine.NewOpBase(fmt.Sprintf("attention'%d", w), 2, 2, 2, 2, 2), fwd: op, which: w},
			inputs[0], inputs[1], inputs[2], grad)
		if err != nil {
			return nil, err
		}
		out[w] = g
	}
	return out, nil
}

// attentionGradOp computes the gradient of attentionOp for its input which (0 q, 1 k, 2 v)
// from q, k, v and the upstream gradient.
type attentionGradOp struct {
	engine.OpBase
	fwd   *attentionOp
	which int
}

func (op *attentionGradOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	return s.Clone(), err
}

func (op *attentionGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	t, err := op.fwd.dense(in)
	if err != nil {
		return nil, err
	}
	out := op.NewUninit(t[0], t[0].Shape()...)
	f := op.fwd
	switch od := out.Data().(type) {
	case []float32:
		attentionGrads(f, t[0].Data().([]float32), t[1].Data().([]float32), t[2].Data().([]float32), t[3].Data().([]float32), op.which, od)
	case []float64:
		attentionGrads(f, t[0].Data().([]float64), t[1].Data().([]float64), t[2].Data().([]float64), t[3].Data().([]float64), op.which, od)
	default:
		return nil, fmt.Errorf("ops: %s on %v: %w", op.String(), t[0].Dtype(), engine.ErrShape)
	}
	return out, nil
}

// attentionGrads writes the gradient of input which (0 q, 1 k, 2 v) into out. The first of
// the three gradient ops of a backward pass computes all three (with the forward pass's
// weights when they belong to the same q) and keeps the other two for the next ops.
func attentionGrads[T engine.Float](f *attentionOp, q, k, v, g []T, which int, out []T) {
	if cached, ok := f.grads[which].([]T); ok && sameData(f.gradsOf, g) && len(cached) == len(out) {
		copy(out, cached)
		f.grads[which] = nil
		return
	}
	pl := f.plan()
	if !sameData(f.probsOf, q) || len(f.probs) != f.seqs*f.heads*pl.pairs {
		f.probs = make([]float64, f.seqs*f.heads*pl.pairs)
		attentionForward(pl, q, k, v, nil, f.probs)
		f.probsOf = q
	}
	var d [3][]T
	for w := range d {
		switch buf, ok := f.scratch[w].([]T); {
		case w == which:
			d[w] = out
		case ok && len(buf) == len(out):
			d[w] = buf
		default:
			d[w] = make([]T, len(out))
			f.scratch[w] = d[w]
		}
	}
	attentionBackward(pl, q, k, v, g, f.probs, d[0], d[1], d[2])
	f.gradsOf = g
	for w := range d {
		if w != which {
			f.grads[w] = d[w]
		}
	}
}

// sameData reports whether a holds the same backing array as the slice b (first element).
func sameData[T engine.Float](a any, b []T) bool {
	x, ok := a.([]T)
	return ok && len(x) == len(b) && len(b) > 0 && &x[0] == &b[0]
}

func (op *attentionGradOp) DiffWRT(n int) []bool { return make([]bool, n) }

func (op *attentionGradOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("ops: %s has no gradient: %w", op.String(), engine.ErrShape)
}

// attnPlan is the layout of an attention: the sequences, tokens and heads, the head width d
// and row width D, each query's keys (nil: all) and where its pairs start among the pairs of
// one (sequence, head).
type attnPlan struct {
	seqs, tokens, heads int
	keys                [][]int
	start               []int // start[i]: first pair of query i; start[tokens] = pairs
	pairs               int
}

// plan returns the op's layout, computed on the first call.
func (op *attentionOp) plan() attnPlan {
	if op.pl != nil {
		return *op.pl
	}
	pl := attnPlan{seqs: op.seqs, tokens: op.tokens, heads: op.heads, keys: op.keys, start: make([]int, op.tokens+1)}
	for i := range op.tokens {
		n := op.tokens
		if op.keys != nil {
			n = len(op.keys[i])
		}
		pl.start[i+1] = pl.start[i] + n
	}
	pl.pairs = pl.start[op.tokens]
	op.pl = &pl
	return pl
}

// keysOf returns query i's keys (all tokens when the plan has no lists).
func (pl attnPlan) keysOf(i int, all []int) []int {
	if pl.keys == nil {
		return all
	}
	return pl.keys[i]
}

// softmaxRow replaces the scores p, whose largest is m, by their softmax (shifted by m, so
// that no exponential overflows).
func softmaxRow(p []float64, m float64) {
	var z float64
	for i, sc := range p {
		e := math.Exp(sc - m)
		p[i] = e
		z += e
	}
	inv := 1 / z
	for i := range p {
		p[i] *= inv
	}
}

// attentionForward computes, for every sequence and head (in parallel), the weights
// P = softmax(Q Kᵀ/√d) over each query's keys into probs (float64, per (sequence, head) and
// pair) and, when out is not nil, the output P V.
func attentionForward[T engine.Float](pl attnPlan, q, k, v, out []T, probs []float64) {
	if pl.keys == nil {
		attentionForwardFull(pl, q, k, v, out, probs)
		return
	}
	D := len(q) / (pl.seqs * pl.tokens)
	d := D / pl.heads
	scale := 1 / math.Sqrt(float64(d))
	all := allTokens(pl.tokens)
	parallel.For(pl.seqs*pl.heads, 4*pl.pairs*d, func(lo, hi int) {
		acc := make([]float64, d)
		for u := lo; u < hi; u++ {
			s, h := u/pl.heads, u%pl.heads
			base, col := s*pl.tokens, h*d
			p := probs[u*pl.pairs : (u+1)*pl.pairs]
			for i := range pl.tokens {
				ks := pl.keysOf(i, all)
				pi := p[pl.start[i]:pl.start[i+1]]
				qi := q[(base+i)*D+col : (base+i)*D+col+d]
				m := math.Inf(-1)
				for n, j := range ks {
					kj := k[(base+j)*D+col : (base+j)*D+col+d]
					var dot T
					for c, x := range qi {
						dot += x * kj[c]
					}
					sc := float64(dot) * scale
					pi[n] = sc
					if sc > m {
						m = sc
					}
				}
				softmaxRow(pi, m)
				if out == nil {
					continue
				}
				clear(acc)
				for n, j := range ks {
					vj := v[(base+j)*D+col : (base+j)*D+col+d]
					w := pi[n]
					for c, x := range vj {
						acc[c] += w * float64(x)
					}
				}
				oi := out[(base+i)*D+col : (base+i)*D+col+d]
				for c := range oi {
					oi[c] = T(acc[c])
				}
			}
		}
	})
}

// attentionBackward computes, from the weights probs of the forward pass and the upstream
// gradient g, dQ = dS K/√d, dK = dSᵀ Q/√d and dV = Pᵀ g with dS = P ⊙ (g Vᵀ − rowsum(P ⊙ g Vᵀ)),
// for every sequence and head in parallel (each writes only its own rows and columns). The
// outputs are overwritten.
func attentionBackward[T engine.Float](pl attnPlan, q, k, v, g []T, probs []float64, dq, dk, dv []T) {
	if pl.keys == nil {
		attentionBackwardFull(pl, q, k, v, g, probs, dq, dk, dv)
		return
	}
	D := len(q) / (pl.seqs * pl.tokens)
	d := D / pl.heads
	scale := 1 / math.Sqrt(float64(d))
	all := allTokens(pl.tokens)
	parallel.For(pl.seqs*pl.heads, 6*pl.pairs*d, func(lo, hi int) {
		dp := make([]float64, pl.tokens)
		for u := lo; u < hi; u++ {
			s, h := u/pl.heads, u%pl.heads
			base, col := s*pl.tokens, h*d
			for i := range pl.tokens { // this (sequence, head)'s block of the outputs starts at zero
				r := (base+i)*D + col
				clear(dq[r : r+d])
				clear(dk[r : r+d])
				clear(dv[r : r+d])
			}
			p := probs[u*pl.pairs : (u+1)*pl.pairs]
			for i := range pl.tokens {
				ks := pl.keysOf(i, all)
				pi := p[pl.start[i]:pl.start[i+1]]
				ri := (base+i)*D + col
				gi, qi, dqi := g[ri:ri+d], q[ri:ri+d], dq[ri:ri+d]
				var sum float64
				for n, j := range ks {
					vj := v[(base+j)*D+col : (base+j)*D+col+d]
					var dot T
					for c, x := range gi {
						dot += x * vj[c]
					}
					dp[n] = float64(dot)
					sum += pi[n] * dp[n]
				}
				for n, j := range ks {
					rj := (base+j)*D + col
					pij := pi[n]
					ds := T(pij * (dp[n] - sum) * scale)
					kj, dkj, dvj := k[rj:rj+d], dk[rj:rj+d], dv[rj:rj+d]
					pt := T(pij)
					for c := range d {
						dqi[c] += ds * kj[c]
						dkj[c] += ds * qi[c]
						dvj[c] += pt * gi[c]
					}
				}
			}
		}
	})
}

// allTokens returns 0 … n-1.
func allTokens(n int) []int {
	all := make([]int, n)
	for j := range all {
		all[j] = j
	}
	return all
}
