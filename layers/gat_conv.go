package layers

import (
	"fmt"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
)

// GATConv is the graph attention layer of Veličković et al. (2018) with one head, as PyTorch
// Geometric's GATConv(heads=1):
//
//	alpha_ij = softmax_j( LeakyReLU(a_src · W h_j + a_dst · W h_i) ),  h'_i = sum_j alpha_ij W h_j + b,
//
// the softmax taken over the senders j of i's incoming edges plus a self loop (existing self
// loops are replaced by one per node). W, a_src, a_dst are Glorot-uniform initialised and b zero.
//
// Shapes: x [n, In], edges from graphs.Edges (j -> i) over n nodes -> [n, Out].
type GATConv struct {
	cfg              GATConfig
	W, ASrc, ADst, B *Param
}

// GATConfig configures a GATConv; zero values of optional fields are the defaults.
type GATConfig struct {
	In, Out       int
	NegativeSlope float64 `json:"negative_slope,omitempty"` // default 0.2
}

// NewGATConv creates name+".w" ([In, Out]), name+".att_src", name+".att_dst" ([Out, 1]) and
// name+".b" ([1, Out]) in ps.
func NewGATConv(ps *Params, name string, cfg GATConfig) (*GATConv, error) {
	if cfg.In < 1 || cfg.Out < 1 {
		return nil, fmt.Errorf("layers: GATConv %q: sizes %d -> %d: %w", name, cfg.In, cfg.Out, ErrConfig)
	}
	if cfg.NegativeSlope == 0 {
		cfg.NegativeSlope = 0.2
	}
	l := &GATConv{cfg: cfg}
	var err error
	if l.W, err = ps.Add(name+".w", []int{cfg.In, cfg.Out}, Uniform(glorot(cfg.In, cfg.Out))); err != nil {
		return nil, err
	}
	// PyG stores the attention vectors as [1, heads, Out] and Glorot-initialises them with
	// fan-in 1 and fan-out Out.
	if l.ASrc, err = ps.Add(name+".att_src", []int{cfg.Out, 1}, Uniform(glorot(1, cfg.Out))); err != nil {
		return nil, err
	}
	if l.ADst, err = ps.Add(name+".att_dst", []int{cfg.Out, 1}, Uniform(glorot(1, cfg.Out))); err != nil {
		return nil, err
	}
	if l.B, err = ps.Add(name+".b", []int{1, cfg.Out}, Zeros()); err != nil {
		return nil, err
	}
	return l, nil
}

// edgesKey names what a layer derives from a step's edges over n nodes (memoize).
type edgesKey struct {
	e    *graphs.Edges
	n    int
	what string
}

// withSelfLoops returns the edges without self loops plus one self loop per node.
func withSelfLoops(e *graphs.Edges, n int) (src, dst []int, err error) {
	if e == nil {
		e = &graphs.Edges{}
	}
	if len(e.Src) != len(e.Dst) {
		return nil, nil, fmt.Errorf("%d sources, %d destinations: %w", len(e.Src), len(e.Dst), ErrShape)
	}
	src = make([]int, 0, len(e.Src)+n)
	dst = make([]int, 0, len(e.Src)+n)
	for k := range e.Src {
		s, d := e.Src[k], e.Dst[k]
		if s < 0 || s >= n || d < 0 || d >= n {
			return nil, nil, fmt.Errorf("edge %d (%d -> %d) outside %d nodes: %w", k, s, d, n, ErrShape)
		}
		if s != d {
			src, dst = append(src, s), append(dst, d)
		}
	}
	for i := 0; i < n; i++ {
		src, dst = append(src, i), append(dst, i)
	}
	return src, dst, nil
}

// Attention is what a GATConv attends with: Alpha[k] is alpha_ij of the k-th edge
// Src[k] = j -> Dst[k] = i of the layer's edge list (the input edges without self loops, then
// one self loop per node, in node order). For every node i the alpha_ij over its incoming edges
// sum to 1.
//
// Shapes: Alpha [len(Src), 1].
type Attention struct {
	Alpha    *gorgonia.Node
	Src, Dst []int
}

// Forward computes the attention layer over the edges.
func (l *GATConv) Forward(s *Scope, x *gorgonia.Node, e *graphs.Edges) (*gorgonia.Node, error) {
	out, _, err := l.ForwardAttention(s, x, e)
	return out, err
}

// ForwardAttention is Forward that also returns the attention coefficients (a node of the same
// graph: fetch it with Scope.Run to read them, e.g. to plot attention against distance as the
// paper's Figure 3 does). The output is the same node Forward builds.
func (l *GATConv) ForwardAttention(s *Scope, x *gorgonia.Node, e *graphs.Edges) (*gorgonia.Node, *Attention, error) {
	wrap := func(err error) error { return fmt.Errorf("layers: GATConv %q: %w", l.W.Name, err) }
	if x.Dims() != 2 || x.Shape()[1] != l.cfg.In {
		return nil, nil, wrap(fmt.Errorf("input %v, want [n, %d]: %w", x.Shape(), l.cfg.In, ErrShape))
	}
	n := x.Shape()[0]
	loops, err := engine.Memoize(engine.ArenaOf(x.Graph()), edgesKey{e, n, "self-loops"}, func() ([2][]int, error) {
		src, dst, err := withSelfLoops(e, n)
		return [2][]int{src, dst}, err
	})
	if err != nil {
		return nil, nil, wrap(err)
	}
	src, dst := loops[0], loops[1]
	h, err := ops.MatMul(x, s.Param(l.W))
	if err != nil {
		return nil, nil, wrap(err)
	}
	as, err := ops.MatMul(h, s.Param(l.ASrc)) // [n, 1]
	if err != nil {
		return nil, nil, wrap(err)
	}
	ad, err := ops.MatMul(h, s.Param(l.ADst))
	if err != nil {
		return nil, nil, wrap(err)
	}
	es, err := ops.Gather(as, src)
	if err != nil {
		return nil, nil, wrap(err)
	}
	ed, err := ops.Gather(ad, dst)
	if err != nil {
		return nil, nil, wrap(err)
	}
	z, err := engine.Add(es, ed)
	if err != nil {
		return nil, nil, wrap(err)
	}
	if z, err = ops.LeakyReLU(z, l.cfg.NegativeSlope); err != nil {
		return nil, nil, wrap(err)
	}
	alpha, err := ops.SegmentSoftmax(z, dst, n)
	if err != nil {
		return nil, nil, wrap(err)
	}
	out, err := ops.EdgeAggregate(alpha, h, src, dst, n)
	if err != nil {
		return nil, nil, wrap(err)
	}
	if out, err = ops.AddBias(out, s.Param(l.B)); err != nil {
		return nil, nil, wrap(err)
	}
	return out, &Attention{Alpha: alpha, Src: src, Dst: dst}, nil
}
