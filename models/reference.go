package models

import (
	"fmt"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
)

// Arch names a DMP architecture.
type Arch string

// The two architectures. ArchReference is the default of the command line and of every
// experiment that reproduces a table of the paper; ArchNCGN is kept so that earlier runs and
// results can be rebuilt.
const (
	// ArchReference is the authors' network (docs/REFERENCE.md §4, ModelNetAdaptiveGNN and
	// STAdaptiveGNN with PyTorch Geometric 2.6.1's MLP, GCN and GAT), operation for operation.
	ArchReference Arch = "reference"
	// ArchNCGN is this project's first network (see DMP for its differences).
	ArchNCGN Arch = "ncgn"
)

// reference holds the layers of the reference architecture. Its forward pass, with h = Width,
// K = Layers and every Linear's bias added (also before a BatchNorm):
//
//	h_og = lift_og([x, t]),  h_cg = lift_cg(mean over members of [x, t])
//	       MLP [In+1, h, h, h]: Linear -> BN -> ReLU after every Linear, one shared BN
//	for layer i = 0 ... K-1:
//	  prev_og, prev_cg = h_og, h_cg
//	  h_cg = Coarsen_i(h_og -> supernodes)                  (mean of edge messages)
//	  h_cg = Conv_i(h_cg, coarse edges)                      (GCNConv or GATConv, no activation)
//	  s    = Spread_i(h_cg + prev_cg -> original nodes)     (one edge message per node)
//	  h_og = Gate(h_og, s)                                   (one gate shared by all layers)
//	  h_og = GELU(BN_i(h_og)) for i < K-1,  GELU(h_og) for the last layer (its norm is the identity)
//	  h_og = MLP_i(h_og) + prev_og      MLP [h, h, h]: Linear -> BN -> ReLU -> Linear -> BN -> ReLU, one shared BN
//	out = MLP [h, h, h, Out](h_og)      Linear -> BN -> ReLU -> Linear -> BN -> ReLU -> Linear, one shared BN
//
// A message (Coarsen, Spread) is MLP([lin_x([h_i, h_j]), lin_pos(p_i - p_j), lin_e(e_ij)]) with
// MLP [3h, h, h], each Linear followed by its own BatchNorm over the edges and ReLU
// (layers.Message). Parameter count: the reference's minus the Linear(h, Out) it creates and
// never uses (3h + 3 values for Out = 3).
type reference struct {
	liftOG, liftCG *layers.MLP
	coarsen        []*layers.Message
	conv           []convLayer
	spread         []*layers.Message
	gate           *layers.Gate
	norms          []*layers.BatchNorm // the first Layers-1 layers'; the last has none
	mlps           []*layers.MLP
	out            *layers.MLP
	layers         int
}

// newReference creates the reference architecture's parameters in ps, in the reference's
// module order.
func newReference(ps *layers.Params, cfg DMPConfig) (*reference, error) {
	w := cfg.Width
	mlp := func(name string, dims []int, plainLast bool) (*layers.MLP, error) {
		return layers.NewMLP(ps, name, layers.MLPConfig{Dims: dims, Norm: true, SharedNorm: true, NormBias: true,
			Activation: layers.ReLU, PlainLast: plainLast})
	}
	r := &reference{layers: cfg.Layers}
	var err error
	for i := 0; i < cfg.Layers; i++ {
		var conv convLayer
		if cfg.Conv == GCN {
			conv, err = layers.NewGCNConv(ps, fmt.Sprintf("layer%d.gcn", i), layers.GCNConfig{In: w, Out: w})
		} else {
			conv, err = layers.NewGATConv(ps, fmt.Sprintf("layer%d.gat", i), layers.GATConfig{In: w, Out: w})
		}
		if err != nil {
			return nil, err
		}
		r.conv = append(r.conv, conv)
	}
	for i := 0; i+1 < cfg.Layers; i++ {
		bn, err := layers.NewBatchNorm(ps, fmt.Sprintf("layer%d.norm", i), layers.BatchNormConfig{Features: w})
		if err != nil {
			return nil, err
		}
		r.norms = append(r.norms, bn)
	}
	if r.liftOG, err = mlp("lift_og", []int{cfg.In + 1, w, w, w}, false); err != nil {
		return nil, err
	}
	if r.liftCG, err = mlp("lift_cg", []int{cfg.In + 1, w, w, w}, false); err != nil {
		return nil, err
	}
	for i := 0; i < cfg.Layers; i++ {
		m, err := mlp(fmt.Sprintf("layer%d.mlp", i), []int{w, w, w}, false)
		if err != nil {
			return nil, err
		}
		r.mlps = append(r.mlps, m)
	}
	if r.gate, err = layers.NewGate(ps, "gate", w); err != nil {
		return nil, err
	}
	msg := layers.MessageConfig{Width: w, PosDim: cfg.PosDim, AttrDim: 2, Activation: layers.ReLU, NormBias: true}
	for i := 0; i < cfg.Layers; i++ {
		c, err := layers.NewMessage(ps, fmt.Sprintf("layer%d.coarsen", i), msg)
		if err != nil {
			return nil, err
		}
		r.coarsen = append(r.coarsen, c)
	}
	for i := 0; i < cfg.Layers; i++ {
		sp, err := layers.NewMessage(ps, fmt.Sprintf("layer%d.spread", i), msg)
		if err != nil {
			return nil, err
		}
		r.spread = append(r.spread, sp)
	}
	if r.out, err = mlp("out", []int{w, w, w, cfg.Out}, true); err != nil {
		return nil, err
	}
	return r, nil
}

// forward is the reference's forward pass (see reference).
func (r *reference) forward(s *layers.Scope, b *graphs.Batch, in *dmpInputs) (*gorgonia.Node, error) {
	hog, err := r.liftOG.Forward(s, in.xog)
	if err != nil {
		return nil, err
	}
	hcg, err := r.liftCG.Forward(s, in.xcg)
	if err != nil {
		return nil, err
	}
	for i := 0; i < r.layers; i++ {
		prevOG, prevCG := hog, hcg
		if hcg, err = layers.Coarsen(s, r.coarsen[i], hog, hcg, b.Assign, in.relC, in.attr); err != nil {
			return nil, fmt.Errorf("models: layer %d coarsen: %w", i, err)
		}
		if hcg, err = r.conv[i].Forward(s, hcg, &b.Edges); err != nil {
			return nil, fmt.Errorf("models: layer %d conv: %w", i, err)
		}
		read, err := engine.Add(hcg, prevCG) // only Spread sees the coarse residual
		if err != nil {
			return nil, err
		}
		sp, err := layers.Spread(s, r.spread[i], hog, read, b.Assign, in.relF, in.attr)
		if err != nil {
			return nil, fmt.Errorf("models: layer %d spread: %w", i, err)
		}
		var h *gorgonia.Node
		if i < len(r.norms) {
			h, err = r.gate.ForwardNormAct(s, hog, sp, r.norms[i], layers.GELU)
		} else if h, err = r.gate.Forward(s, hog, sp); err == nil {
			h, err = ops.Activate(h, layers.GELU)
		}
		if err != nil {
			return nil, fmt.Errorf("models: layer %d gate: %w", i, err)
		}
		if h, err = r.mlps[i].Forward(s, h); err != nil {
			return nil, err
		}
		if hog, err = engine.Add(h, prevOG); err != nil {
			return nil, err
		}
	}
	return r.out.Forward(s, hog)
}
