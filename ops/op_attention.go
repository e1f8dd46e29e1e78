package ops

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/engine"
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
	switch od := out.Data().(type) {
	case []float32:
		attention(op.seqs, op.tokens, op.heads, op.keys, t[0].Data().([]float32), t[1].Data().([]float32), t[2].Data().([]float32), nil, od, nil, nil, nil)
	case []float64:
		attention(op.seqs, op.tokens, op.heads, op.keys, t[0].Data().([]float64), t[1].Data().([]float64), t[2].Data().([]float64), nil, od, nil, nil, nil)
	default:
		return nil, fmt.Errorf("ops: %s on %v: %w", op.String(), t[0].Dtype(), engine.ErrShape)
	}
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
	out := op.NewLike(t[0], t[0].Shape()...)
	f := op.fwd
	switch od := out.Data().(type) {
	case []float32:
		d := [3][]float32{}
		d[op.which] = od
		attention(f.seqs, f.tokens, f.heads, f.keys, t[0].Data().([]float32), t[1].Data().([]float32), t[2].Data().([]float32), t[3].Data().([]float32), nil, d[0], d[1], d[2])
	case []float64:
		d := [3][]float64{}
		d[op.which] = od
		attention(f.seqs, f.tokens, f.heads, f.keys, t[0].Data().([]float64), t[1].Data().([]float64), t[2].Data().([]float64), t[3].Data().([]float64), nil, d[0], d[1], d[2])
	default:
		return nil, fmt.Errorf("ops: %s on %v: %w", op.String(), t[0].Dtype(), engine.ErrShape)
	}
	return out, nil
}

func (op *attentionGradOp) DiffWRT(n int) []bool { return make([]bool, n) }

func (op *attentionGradOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("ops: %s has no gradient: %w", op.String(), engine.ErrShape)
}

// attention computes, for every sequence and head, the attention weights P = softmax(Q Kᵀ/√d)
// (float64) over each query's keys (keys[i], or all tokens when keys is nil) and then the
// output P V into out (when out is not nil) or, given the upstream gradient g, the gradients
// dQ = dS K/√d, dK = dSᵀ Q/√d and dV = Pᵀ g with dS = P ⊙ (g Vᵀ − rowsum(P ⊙ g Vᵀ)), each
// into its slice when not nil (accumulated: they start at zero).
func attention[T engine.Float](seqs, tokens, heads int, keys [][]int, q, k, v, g, out, dq, dk, dv []T) {
	D := len(q) / (seqs * tokens)
	d := D / heads
	scale := 1 / math.Sqrt(float64(d))
	all := make([]int, tokens)
	for j := range all {
		all[j] = j
	}
	keysOf := func(i int) []int {
		if keys == nil {
			return all
		}
		return keys[i]
	}
	p := make([]float64, tokens)
	dp := make([]float64, tokens)
	for s := range seqs {
		base := s * tokens
		for h := range heads {
			col := h * d
			row := func(x []T, i int) []T { return x[(base+i)*D+col : (base+i)*D+col+d] }
			for i := range tokens {
				ks := keysOf(i)
				qi := row(q, i)
				m := math.Inf(-1)
				for n, j := range ks {
					kj := row(k, j)
					var dot float64
					for c := range d {
						dot += float64(qi[c]) * float64(kj[c])
					}
					p[n] = dot * scale
					m = math.Max(m, dot*scale)
				}
				var z float64
				for n := range ks {
					e := math.Exp(p[n] - m)
					p[n] = e
					z += e
				}
				for n := range ks {
					p[n] /= z
				}
				if out != nil {
					oi := row(out, i)
					for c := range d {
						var acc float64
						for n, j := range ks {
							acc += p[n] * float64(row(v, j)[c])
						}
						oi[c] = T(acc)
					}
					continue
				}
				gi := row(g, i)
				// dp_j = g_i · v_j, then dS_ij = P_ij (dp_j − Σ_l P_il dp_l)
				var sum float64
				for n, j := range ks {
					vj := row(v, j)
					var dot float64
					for c := range d {
						dot += float64(gi[c]) * float64(vj[c])
					}
					dp[n] = dot
					sum += p[n] * dot
				}
				for n, j := range ks {
					pij := p[n]
					ds := pij * (dp[n] - sum) * scale
					if dq != nil {
						qi, kj := row(dq, i), row(k, j)
						for c := range d {
							qi[c] += T(ds * float64(kj[c]))
						}
					}
					if dk != nil {
						kj, qi := row(dk, j), row(q, i)
						for c := range d {
							kj[c] += T(ds * float64(qi[c]))
						}
					}
					if dv != nil {
						vj := row(dv, j)
						for c := range d {
							vj[c] += T(pij * float64(gi[c]))
						}
					}
				}
			}
		}
	}
}
