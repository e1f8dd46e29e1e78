package layers

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
)

// Message is the edge message of the coarsen and spread steps of Dynamic Message Passing
// (docs/REFERENCE.md §4): for an edge from source j to target i with relative position
// p_i − p_j and edge attribute e_ij,
//
//	m_ij = MLP( [ lin_x([h_i, h_j]), lin_pos(p_i − p_j), lin_e(e_ij) ] ),
//
// with lin_x: 2W -> W, lin_pos: PosDim -> W, lin_e: AttrDim -> W, and an MLP [3W, W, W] whose
// two Linears are each followed by BatchNorm (over the edges) and the activation. Linear maps of
// a concatenation are computed as sums of per-block products (split weights), so neither the
// concatenation nor a matmul over concatenated edge rows is ever built (docs/GORGONIA.md); the
// parameters and their initialisation are those of the concatenated Linears.
type Message struct {
	cfg          MessageConfig
	xT, xS, xB   *Param // lin_x split into target and source blocks
	pos          *Linear
	attr         *Linear
	m1, m2, m3   *Param // the MLP's first Linear, split into the three blocks
	m1b          *Param
	norm1, norm2 *BatchNorm
	second       *Linear
}

// MessageConfig configures a Message.
type MessageConfig struct {
	Width      int        `json:"width"`
	PosDim     int        `json:"pos_dim"`
	AttrDim    int        `json:"attr_dim"`
	Activation Activation `json:"activation,omitempty"` // default ReLU, as the reference's message MLPs
	// NormBias adds the biases before the two BatchNorms (of lin_x, lin_pos, lin_e and the MLP's
	// first Linear before the first, the second Linear's before the second), as the reference
	// computes. Without it they are skipped (see Forward): the same function in training, and in
	// evaluation whenever the running means hold them; with it, evaluation also matches running
	// statistics that do not (a network loaded from the reference's weights).
	NormBias bool `json:"norm_bias,omitempty"`
}

// NewMessage creates the message's parameters under name.
func NewMessage(ps *Params, name string, cfg MessageConfig) (*Message, error) {
	if cfg.Width < 1 || cfg.PosDim < 1 || cfg.AttrDim < 1 {
		return nil, fmt.Errorf("layers: Message %q: width %d, pos dim %d, attr dim %d: %w", name, cfg.Width, cfg.PosDim, cfg.AttrDim, ErrConfig)
	}
	if cfg.Activation == "" {
		cfg.Activation = ReLU
	}
	w := cfg.Width
	m := &Message{cfg: cfg}
	var err error
	bx := 1 / math.Sqrt(float64(2*w))
	add := func(n string, shape []int, b float64) *Param {
		if err != nil {
			return nil
		}
		var p *Param
		p, err = ps.Add(name+"."+n, shape, Uniform(b))
		return p
	}
	m.xT = add("lin_x.w_dst", []int{w, w}, bx)
	m.xS = add("lin_x.w_src", []int{w, w}, bx)
	m.xB = add("lin_x.b", []int{1, w}, bx)
	if err != nil {
		return nil, err
	}
	if m.pos, err = NewLinear(ps, name+".lin_pos", LinearConfig{In: cfg.PosDim, Out: w}); err != nil {
		return nil, err
	}
	if m.attr, err = NewLinear(ps, name+".lin_e", LinearConfig{In: cfg.AttrDim, Out: w}); err != nil {
		return nil, err
	}
	b3 := 1 / math.Sqrt(float64(3*w))
	m.m1 = add("mlp.0.w_x", []int{w, w}, b3)
	m.m2 = add("mlp.0.w_pos", []int{w, w}, b3)
	m.m3 = add("mlp.0.w_e", []int{w, w}, b3)
	m.m1b = add("mlp.0.b", []int{1, w}, b3)
	if err != nil {
		return nil, err
	}
	if m.norm1, err = NewBatchNorm(ps, name+".mlp.norm0", BatchNormConfig{Features: w}); err != nil {
		return nil, err
	}
	if m.second, err = NewLinear(ps, name+".mlp.1", LinearConfig{In: w, Out: w}); err != nil {
		return nil, err
	}
	if m.norm2, err = NewBatchNorm(ps, name+".mlp.norm1", BatchNormConfig{Features: w}); err != nil {
		return nil, err
	}
	return m, nil
}

// Forward computes one message per edge e from source row srcIdx[e] of src to target row
// dstIdx[e] of dst (a nil index list means the identity: row e). relPos ([E, PosDim]) holds
// p_target − p_source and attr ([E, AttrDim]) the edge attributes. The result is [E, Width].
//
// lin_x, lin_pos and lin_e are linear and feed the MLP's first Linear directly, so their
// weights are composed first (W_dst·M_x, W_src·M_x, W_pos·M_pos, W_e·M_e: [Width, Width]
// products, negligible; the biases are cancelled by the BatchNorm that follows): the same function with the same parameters and
// gradients, but the per-edge work drops from five [E, W]·[W, W] products to two (one of them
// on the target or source side, whichever has fewer rows, is cheaper still).
func (m *Message) Forward(s *Scope, dst, src *gorgonia.Node, dstIdx, srcIdx []int, relPos, attr *gorgonia.Node) (*gorgonia.Node, error) {
	wrap := func(err error) error { return fmt.Errorf("layers: Message %q: %w", m.xT.Name, err) }
	mx, mp, me := s.Param(m.m1), s.Param(m.m2), s.Param(m.m3)
	compose := func(a *gorgonia.Node, b *gorgonia.Node) (*gorgonia.Node, error) { return ops.MatMul(a, b) }
	side := func(h *gorgonia.Node, w *Param) (*gorgonia.Node, error) {
		wm, err := compose(s.Param(w), mx)
		if err != nil {
			return nil, err
		}
		return ops.MatMul(h, wm)
	}
	wp, err := compose(s.Param(m.pos.W), mp)
	if err != nil {
		return nil, wrap(err)
	}
	we, err := compose(s.Param(m.attr.W), me)
	if err != nil {
		return nil, wrap(err)
	}
	if s.FusedEval() && (dstIdx == nil || srcIdx == nil) {
		// Evaluation with one side direct (the original nodes; in Coarsen and Spread the other
		// side is the gathered supernodes): the whole message in one fused op, block by block.
		direct, dw, other, ow, idx := dst, m.xT, src, m.xS, srcIdx
		if dstIdx != nil {
			direct, dw, other, ow, idx = src, m.xS, dst, m.xT, dstIdx
		}
		o, err := side(other, ow)
		if err != nil {
			return nil, wrap(err)
		}
		wd, err := compose(s.Param(dw), mx)
		if err != nil {
			return nil, wrap(err)
		}
		c1, c2 := m.normBiases() // nil unless the message keeps its biases before the norms
		z, err := ops.MessageEval(direct, wd, o, idx, relPos, wp, attr, we, s.Param(m.norm1.Gamma), s.Param(m.norm1.Beta),
			s.Param(m.second.W), s.Param(m.norm2.Gamma), s.Param(m.norm2.Beta), m.norm1.evalStateAfterBias(m.cfg.Activation, c1), m.norm2.evalStateAfterBias(m.cfg.Activation, c2))
		if err != nil {
			return nil, wrap(err)
		}
		return z, nil
	}
	a, err := side(dst, m.xT)
	if err != nil {
		return nil, wrap(err)
	}
	b, err := side(src, m.xS)
	if err != nil {
		return nil, wrap(err)
	}
	// The combined bias b_x M_x + b_pos M_pos + b_e M_e + b_1 is cancelled exactly by the
	// BatchNorm that follows (see Linear.ForwardBeforeNorm), so it is not computed unless
	// NormBias asks for it; those parameters keep a (numerically) zero gradient either way.
	// The gathers, the thin products with the relative positions and attributes, and their
	// sum run as one pass (ops.MessageInput).
	z, err := ops.MessageInput(a, dstIdx, b, srcIdx, relPos, wp, attr, we)
	if err != nil {
		return nil, wrap(err)
	}
	if m.cfg.NormBias {
		c, err := m.firstBias(s, mx, mp, me)
		if err != nil {
			return nil, wrap(err)
		}
		if z, err = ops.AddBias(z, c); err != nil {
			return nil, wrap(err)
		}
	}
	if z, err = m.norm1.ForwardAct(s, z, m.cfg.Activation); err != nil {
		return nil, wrap(err)
	}
	if m.cfg.NormBias {
		z, err = m.second.Forward(s, z)
	} else {
		z, err = m.second.ForwardBeforeNorm(s, z)
	}
	if err != nil {
		return nil, wrap(err)
	}
	return m.norm2.ForwardAct(s, z, m.cfg.Activation)
}

// firstBias returns the bias before the first BatchNorm, b_x M_x + b_pos M_pos + b_e M_e + b_1
// ([1, Width]), as a differentiable expression of the parameters.
func (m *Message) firstBias(s *Scope, mx, mp, me *gorgonia.Node) (*gorgonia.Node, error) {
	terms := []*gorgonia.Node{s.Param(m.m1b)}
	for _, t := range []struct {
		b *Param
		w *gorgonia.Node
	}{{m.xB, mx}, {m.pos.B, mp}, {m.attr.B, me}} {
		p, err := ops.MatMul(s.Param(t.b), t.w)
		if err != nil {
			return nil, err
		}
		terms = append(terms, p)
	}
	return engine.Add(terms...)
}

// normBiases returns the values of the biases before the two BatchNorms (firstBias and the
// second Linear's) for the fused evaluation op, or nils without NormBias.
func (m *Message) normBiases() (c1, c2 []float64) {
	if !m.cfg.NormBias {
		return nil, nil
	}
	w := m.cfg.Width
	c1 = m.m1b.Float64s()
	for _, t := range []struct{ b, w *Param }{{m.xB, m.m1}, {m.pos.B, m.m2}, {m.attr.B, m.m3}} {
		b, mw := t.b.Float64s(), t.w.Float64s()
		for i, bi := range b {
			for j := 0; j < w; j++ {
				c1[j] += bi * mw[i*w+j]
			}
		}
	}
	return c1, m.second.B.Float64s()
}

// Coarsen computes the supernode features of the paper's Algorithm 1: every original node j
// sends the message m_{j -> c} to its supernode c = assign[j], with target features hCoarse[c],
// source features hFine[j], relPos[j] = p_c − p_j and attr[j]; each supernode takes the mean of
// its members' messages. Shapes: hFine [N, W], hCoarse [S, W] -> [S, W].
func Coarsen(s *Scope, m *Message, hFine, hCoarse *gorgonia.Node, assign []int, relPos, attr *gorgonia.Node) (*gorgonia.Node, error) {
	msg, err := m.Forward(s, hCoarse, hFine, assign, nil, relPos, attr)
	if err != nil {
		return nil, err
	}
	return ops.ScatterMean(msg, assign, hCoarse.Shape()[0])
}

// Spread sends every supernode's features back to its members: original node j receives the
// message m_{c -> j} from c = assign[j], with target features hFine[j], source hCoarse[c],
// relPos[j] = p_j − p_c and attr[j]. Shapes: hFine [N, W], hCoarse [S, W] -> [N, W].
func Spread(s *Scope, m *Message, hFine, hCoarse *gorgonia.Node, assign []int, relPos, attr *gorgonia.Node) (*gorgonia.Node, error) {
	return m.Forward(s, hFine, hCoarse, nil, assign, relPos, attr)
}
