package layers

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
)

// GCNConv is the graph convolution of Kipf and Welling (2017), as PyTorch Geometric's GCNConv:
//
//	X' = D^-1/2 (A + I) D^-1/2 X W + b,
//
// with A[i, j] = 1 for every edge j -> i, self loops added (existing self loops are replaced by
// exactly one per node), and D the in-degree of A + I. W is Glorot-uniform initialised and b
// zero, as in PyG.
//
// Shapes: x [n, In], edges from graphs.Edges (j -> i) over n nodes -> [n, Out].
type GCNConv struct {
	cfg  GCNConfig
	W, B *Param
}

// GCNConfig configures a GCNConv.
type GCNConfig struct {
	In, Out int
}

// NewGCNConv creates name+".w" ([In, Out]) and name+".b" ([1, Out]) in ps.
func NewGCNConv(ps *Params, name string, cfg GCNConfig) (*GCNConv, error) {
	if cfg.In < 1 || cfg.Out < 1 {
		return nil, fmt.Errorf("layers: GCNConv %q: sizes %d -> %d: %w", name, cfg.In, cfg.Out, ErrConfig)
	}
	l := &GCNConv{cfg: cfg}
	var err error
	if l.W, err = ps.Add(name+".w", []int{cfg.In, cfg.Out}, Uniform(glorot(cfg.In, cfg.Out))); err != nil {
		return nil, err
	}
	if l.B, err = ps.Add(name+".b", []int{1, cfg.Out}, Zeros()); err != nil {
		return nil, err
	}
	return l, nil
}

// glorot is the Glorot (Xavier) uniform bound sqrt(6 / (fanIn + fanOut)).
func glorot(fanIn, fanOut int) float64 { return math.Sqrt(6 / float64(fanIn+fanOut)) }

// GCNNormalization returns the matrix D^-1/2 (A + I) D^-1/2 for the edges over n nodes as a
// Sparse: row i holds the self loop and the incoming edges of i with weight
// 1/sqrt(deg(i) deg(j)), deg counting incoming edges plus the self loop.
func GCNNormalization(e *graphs.Edges, n int) (*ops.Sparse, error) {
	if e == nil {
		e = &graphs.Edges{}
	}
	if len(e.Src) != len(e.Dst) {
		return nil, fmt.Errorf("layers: GCN normalisation: %d sources, %d destinations: %w", len(e.Src), len(e.Dst), ErrShape)
	}
	deg := make([]float64, n)
	rows := make([]int, 0, len(e.Src)+n)
	cols := make([]int, 0, len(e.Src)+n)
	for k := range e.Src {
		s, d := e.Src[k], e.Dst[k]
		if s < 0 || s >= n || d < 0 || d >= n {
			return nil, fmt.Errorf("layers: GCN normalisation: edge %d (%d -> %d) outside %d nodes: %w", k, s, d, n, ErrShape)
		}
		if s == d {
			continue
		}
		rows, cols = append(rows, d), append(cols, s)
		deg[d]++
	}
	for i := 0; i < n; i++ {
		rows, cols = append(rows, i), append(cols, i)
		deg[i]++
	}
	w := make([]float64, len(rows))
	for k := range rows {
		w[k] = 1 / math.Sqrt(deg[rows[k]]*deg[cols[k]])
	}
	return ops.NewSparse(n, n, rows, cols, w)
}

// Forward computes the convolution of x over the edges.
func (l *GCNConv) Forward(s *Scope, x *gorgonia.Node, e *graphs.Edges) (*gorgonia.Node, error) {
	if x.Dims() != 2 || x.Shape()[1] != l.cfg.In {
		return nil, fmt.Errorf("layers: GCNConv %q: input %v, want [n, %d]: %w", l.W.Name, x.Shape(), l.cfg.In, ErrShape)
	}
	n := x.Shape()[0]
	a, err := engine.Memoize(engine.ArenaOf(x.Graph()), edgesKey{e, n, "gcn-normalization"}, func() (*ops.Sparse, error) { return GCNNormalization(e, n) })
	if err != nil {
		return nil, fmt.Errorf("layers: GCNConv %q: %w", l.W.Name, err)
	}
	h, err := ops.MatMul(x, s.Param(l.W))
	if err != nil {
		return nil, fmt.Errorf("layers: GCNConv %q: %w", l.W.Name, err)
	}
	if h, err = ops.SparseMatMul(a, h); err != nil {
		return nil, fmt.Errorf("layers: GCNConv %q: %w", l.W.Name, err)
	}
	return ops.AddBias(h, s.Param(l.B))
}
