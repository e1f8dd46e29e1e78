package models

import (
	"errors"
	"fmt"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
)

// ErrConfig reports an invalid model configuration.
var ErrConfig = errors.New("invalid model configuration")

// ErrInput reports model inputs of the wrong size.
var ErrInput = errors.New("invalid model input")

// Conv names the message-passing layer used on the (coarse) graph.
type Conv string

// The two message-passing layers of the paper's experiments.
const (
	GCN Conv = "gcn"
	GAT Conv = "gat"
)

// Title returns the layer's name in tables: "GCN" or "GAT".
func (c Conv) Title() string {
	switch c {
	case GCN:
		return "GCN"
	case GAT:
		return "GAT"
	}
	return string(c)
}

// DMPConfig configures a DMP network. Zero values of optional fields are the defaults, which
// are the paper's ModelNet40 configuration (docs/REFERENCE.md §4).
type DMPConfig struct {
	// Arch is the architecture: ArchReference (the authors' network, operation for operation)
	// or ArchNCGN (this project's first network). The zero value is ArchNCGN, so that
	// configurations written before the field existed keep their meaning; the command line and
	// the experiments ask for ArchReference explicitly.
	Arch Arch `json:"arch,omitempty"`

	In     int `json:"in"`      // node input features, without the noise level (t is appended)
	Out    int `json:"out"`     // outputs per node (the ambient dimension)
	PosDim int `json:"pos_dim"` // dimension of the positions the graph is built on

	Width  int  `json:"width,omitempty"`  // default 64
	Layers int  `json:"layers,omitempty"` // message-passing layers K, default 3
	Conv   Conv `json:"conv,omitempty"`   // default gat
	// Activation (ncgn only) is the activation of every node MLP and after the gate's norm;
	// default gelu (the paper's Table 5). The reference architecture fixes its activations.
	Activation layers.Activation `json:"activation,omitempty"`
	// MessageActivation (ncgn only) is the activation inside the coarsen and spread message
	// MLPs; default relu (the reference's PyG MLP helper).
	MessageActivation layers.Activation `json:"message_activation,omitempty"`
	// PerLayerGate (ncgn only) gives every layer its own gate; the reference shares one gate
	// across layers.
	PerLayerGate bool `json:"per_layer_gate,omitempty"`
}

func (c *DMPConfig) defaults() error {
	if c.Arch == "" {
		c.Arch = ArchNCGN
	}
	switch {
	case c.Arch != ArchNCGN && c.Arch != ArchReference:
		return fmt.Errorf("models: DMP arch %q: %w (want %s or %s)", c.Arch, ErrConfig, ArchReference, ArchNCGN)
	case c.Arch == ArchReference && (c.Activation != "" || c.MessageActivation != "" || c.PerLayerGate):
		return fmt.Errorf("models: the reference architecture fixes its activations and shares one gate (activation %q, message activation %q, per-layer gate %v): %w", c.Activation, c.MessageActivation, c.PerLayerGate, ErrConfig)
	}
	if c.Width == 0 {
		c.Width = 64
	}
	if c.Layers == 0 {
		c.Layers = 3
	}
	if c.Conv == "" {
		c.Conv = GAT
	}
	if c.Activation == "" && c.Arch == ArchNCGN {
		c.Activation = layers.GELU
	}
	if c.MessageActivation == "" && c.Arch == ArchNCGN {
		c.MessageActivation = layers.ReLU
	}
	switch {
	case c.In < 1 || c.Out < 1 || c.PosDim < 1:
		return fmt.Errorf("models: DMP in %d, out %d, pos dim %d: %w", c.In, c.Out, c.PosDim, ErrConfig)
	case c.Width < 1 || c.Layers < 1:
		return fmt.Errorf("models: DMP width %d, layers %d: %w", c.Width, c.Layers, ErrConfig)
	case c.Conv != GCN && c.Conv != GAT:
		return fmt.Errorf("models: DMP conv %q: %w (want gcn or gat)", c.Conv, ErrConfig)
	}
	return nil
}

// convLayer is GCNConv or GATConv.
type convLayer interface {
	Forward(s *layers.Scope, x *gorgonia.Node, e *graphs.Edges) (*gorgonia.Node, error)
}

// DMP is the Dynamic Message Passing network of the paper's Algorithm 1 (Appendix B.1) in one of
// two architectures (Arch). ArchReference is the authors' network operation for operation
// (reference.go). ArchNCGN, this project's first network, is described here:
//
//	h_og = lift_og([x, t]),  h_cg = lift_cg(mean over members of [x, t])
//	for each layer:
//	  h_cg' = Coarsen(h_og -> supernodes)            (mean of edge messages)
//	  h_cg' = Conv(h_cg', coarse edges)               (GCNConv or GATConv, no activation)
//	  s     = Spread(h_cg' + h_cg -> original nodes)  (one edge message per node)
//	  h_og' = Gate(h_og, s) -> BatchNorm -> activation -> MLP [W, W, W]
//	  h_og  = h_og' + h_og,  h_cg = h_cg' + h_cg
//	out = MLP [W, W, W, Out](h_og)
//
// The baselines (kNN, long-short range, fully connected) are the same network on Plans that
// are not coarsened: coarsen and spread become one-to-one (Appendix B.1.2), so a comparison
// isolates the graph.
//
// Its differences from the reference (docs/architecture.md lists them): the coarse residual
// h_cg = h_cg' + h_cg feeds the next layer's coarsen step (the reference keeps the bare conv
// output and adds h_cg only to what Spread reads); the per-layer MLP ends in a plain Linear that
// adds the residual (the reference's ends Linear, BatchNorm, ReLU); one Activation drives every
// node MLP and the gate's (the reference: ReLU in the MLPs, GELU after the gate's norm); every
// BatchNorm is its own and the last layer has one after the gate (the reference shares one per
// MLP and has none there); the biases before a BatchNorm are skipped.
type DMP struct {
	cfg     DMPConfig
	ps      *layers.Params
	ref     *reference // the reference architecture's layers (nil for ncgn)
	liftOG  *layers.MLP
	liftCG  *layers.MLP
	coarsen []*layers.Message
	conv    []convLayer
	spread  []*layers.Message
	gates   []*layers.Gate
	norms   []*layers.BatchNorm
	mlps    []*layers.MLP
	out     *layers.MLP
}

// NewDMP creates the network's parameters in ps, in a fixed order.
func NewDMP(ps *layers.Params, cfg DMPConfig) (*DMP, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if cfg.Arch == ArchReference {
		ref, err := newReference(ps, cfg)
		if err != nil {
			return nil, err
		}
		return &DMP{cfg: cfg, ps: ps, ref: ref}, nil
	}
	w := cfg.Width
	m := &DMP{cfg: cfg, ps: ps}
	var err error
	lift := layers.MLPConfig{Dims: []int{cfg.In + 1, w, w, w}, Norm: true, Activation: cfg.Activation}
	if m.liftOG, err = layers.NewMLP(ps, "lift_og", lift); err != nil {
		return nil, err
	}
	if m.liftCG, err = layers.NewMLP(ps, "lift_cg", lift); err != nil {
		return nil, err
	}
	msg := layers.MessageConfig{Width: w, PosDim: cfg.PosDim, AttrDim: 2, Activation: cfg.MessageActivation}
	for i := 0; i < cfg.Layers; i++ {
		c, err := layers.NewMessage(ps, fmt.Sprintf("layer%d.coarsen", i), msg)
		if err != nil {
			return nil, err
		}
		m.coarsen = append(m.coarsen, c)
		var conv convLayer
		if cfg.Conv == GCN {
			conv, err = layers.NewGCNConv(ps, fmt.Sprintf("layer%d.gcn", i), layers.GCNConfig{In: w, Out: w})
		} else {
			conv, err = layers.NewGATConv(ps, fmt.Sprintf("layer%d.gat", i), layers.GATConfig{In: w, Out: w})
		}
		if err != nil {
			return nil, err
		}
		m.conv = append(m.conv, conv)
		sp, err := layers.NewMessage(ps, fmt.Sprintf("layer%d.spread", i), msg)
		if err != nil {
			return nil, err
		}
		m.spread = append(m.spread, sp)
		if i == 0 || cfg.PerLayerGate {
			g, err := layers.NewGate(ps, fmt.Sprintf("layer%d.gate", i), w)
			if err != nil {
				return nil, err
			}
			m.gates = append(m.gates, g)
		}
		bn, err := layers.NewBatchNorm(ps, fmt.Sprintf("layer%d.norm", i), layers.BatchNormConfig{Features: w})
		if err != nil {
			return nil, err
		}
		m.norms = append(m.norms, bn)
		mlp, err := layers.NewMLP(ps, fmt.Sprintf("layer%d.mlp", i), layers.MLPConfig{Dims: []int{w, w, w}, Norm: true, Activation: cfg.Activation, PlainLast: true})
		if err != nil {
			return nil, err
		}
		m.mlps = append(m.mlps, mlp)
	}
	if m.out, err = layers.NewMLP(ps, "out", layers.MLPConfig{Dims: []int{w, w, w, cfg.Out}, Norm: true, Activation: cfg.Activation, PlainLast: true}); err != nil {
		return nil, err
	}
	return m, nil
}

// Config returns the network's configuration with defaults filled in.
func (m *DMP) Config() DMPConfig { return m.cfg }

// Params returns the parameter store the network lives in.
func (m *DMP) Params() *layers.Params { return m.ps }

// Forward computes the network's output ([b.N, Out]) for the batch of Plans b and the node
// inputs x (b.N x In values, row-major; the noise level of each node's sample is appended).
// The positions of b (b.Pos, b.SuperPos) give the relative positions of the messages.
func (m *DMP) Forward(s *layers.Scope, b *graphs.Batch, x []float64) (*gorgonia.Node, error) {
	in, err := m.inputs(s, b, x)
	if err != nil {
		return nil, err
	}
	if m.ref != nil {
		return m.ref.forward(s, b, in)
	}
	cfg := m.cfg
	hog, err := m.liftOG.Forward(s, in.xog)
	if err != nil {
		return nil, err
	}
	hcg, err := m.liftCG.Forward(s, in.xcg)
	if err != nil {
		return nil, err
	}
	for i := 0; i < cfg.Layers; i++ {
		prevOG, prevCG := hog, hcg
		c, err := layers.Coarsen(s, m.coarsen[i], hog, hcg, b.Assign, in.relC, in.attr)
		if err != nil {
			return nil, fmt.Errorf("models: layer %d coarsen: %w", i, err)
		}
		if c, err = m.conv[i].Forward(s, c, &b.Edges); err != nil {
			return nil, fmt.Errorf("models: layer %d conv: %w", i, err)
		}
		if hcg, err = engine.Add(c, prevCG); err != nil {
			return nil, err
		}
		sp, err := layers.Spread(s, m.spread[i], hog, hcg, b.Assign, in.relF, in.attr)
		if err != nil {
			return nil, fmt.Errorf("models: layer %d spread: %w", i, err)
		}
		gate := m.gates[0]
		if cfg.PerLayerGate {
			gate = m.gates[i]
		}
		h, err := gate.ForwardNormAct(s, hog, sp, m.norms[i], cfg.Activation)
		if err != nil {
			return nil, fmt.Errorf("models: layer %d gate: %w", i, err)
		}
		// The per-layer MLP's last Linear adds the residual with its bias, in one pass.
		if hog, err = m.mlps[i].ForwardAdd(s, h, prevOG); err != nil {
			return nil, err
		}
	}
	return m.out.Forward(s, hog)
}

// dmpInputs are the constant inputs of a forward pass that both architectures read.
type dmpInputs struct {
	xog, xcg   *gorgonia.Node // [N, In+1] node inputs with t, [S, In+1] their supernode means
	relC, relF *gorgonia.Node // [N, PosDim] p_c - p_j (coarsen) and p_j - p_c (spread)
	attr       *gorgonia.Node // [N, 2] fine-to-supernode edge attributes
}

// inputs checks x against the batch and builds the constant inputs of a forward pass.
func (m *DMP) inputs(s *layers.Scope, b *graphs.Batch, x []float64) (*dmpInputs, error) {
	cfg := m.cfg
	if b == nil {
		return nil, fmt.Errorf("models: DMP without a batch: %w", ErrInput)
	}
	if len(x) != b.N*cfg.In {
		return nil, fmt.Errorf("models: DMP input has %d values, want %d nodes x %d: %w", len(x), b.N, cfg.In, ErrInput)
	}
	if b.Dim != cfg.PosDim {
		return nil, fmt.Errorf("models: DMP batch positions have dimension %d, want %d: %w", b.Dim, cfg.PosDim, ErrInput)
	}
	in := cfg.In + 1
	xt := make([]float64, b.N*in)
	for i := 0; i < b.N; i++ {
		copy(xt[i*in:], x[i*cfg.In:(i+1)*cfg.In])
		xt[i*in+cfg.In] = float64(b.T[b.Sample[i]])
	}
	var r dmpInputs
	var err error
	if r.xog, err = s.Input("x_og", xt, b.N, in); err != nil {
		return nil, err
	}
	if r.xcg, err = ops.ScatterMean(r.xog, b.Assign, b.S); err != nil {
		return nil, err
	}
	// Relative positions and attributes of the fine-to-supernode edges (constants).
	d := b.Dim
	toCoarse := make([]float64, b.N*d) // p_c - p_j
	toFine := make([]float64, b.N*d)   // p_j - p_c
	for j := 0; j < b.N; j++ {
		c := b.Assign[j]
		for k := 0; k < d; k++ {
			v := b.SuperPos[c*d+k] - b.Pos[j*d+k]
			toCoarse[j*d+k], toFine[j*d+k] = v, -v
		}
	}
	if r.relC, err = s.Input("rel_coarsen", toCoarse, b.N, d); err != nil {
		return nil, err
	}
	if r.relF, err = s.Input("rel_spread", toFine, b.N, d); err != nil {
		return nil, err
	}
	if r.attr, err = s.Input("fine_attr", b.FineAttr, b.N, 2); err != nil {
		return nil, err
	}
	return &r, nil
}
