package models

import (
	"fmt"
	"time"

	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/schedules"
	"gorgonia.org/gorgonia"
)

// PositionDenoiser generates point positions (the ModelNet40 task): the noisy positions x_t are
// both the nodes' inputs and the positions the graph is built on (docs/REFERENCE.md §3), so every
// call builds one Plan per sample from x_t at its noise level. It satisfies generative.Denoiser.
type PositionDenoiser struct {
	Net   *DMP
	Graph graphs.PlanConfig
	Nodes int // points per cloud
	// Last describes the graphs of the last Forward call (diagnostics; benchmarks read it).
	Last GraphStats
}

// GraphStats describes the graphs a denoiser built in one Forward call.
type GraphStats struct {
	Supernodes, Edges int           // supernodes and coarse edges of the batch
	Plan              time.Duration // building the Plans, their Batch and the network input
}

// statsOf returns the sizes of bt and the time since start.
func statsOf(bt *graphs.Batch, start time.Time) GraphStats {
	return GraphStats{Supernodes: bt.S, Edges: bt.Edges.Len(), Plan: time.Since(start)}
}

// NewPositionDenoiser checks that the network maps Dim positions to Dim outputs.
func NewPositionDenoiser(net *DMP, graph graphs.PlanConfig, nodes int) (*PositionDenoiser, error) {
	c := net.Config()
	if c.In != c.PosDim || c.Out != c.PosDim {
		return nil, fmt.Errorf("models: position denoiser needs in = out = pos dim, have %d, %d, %d: %w", c.In, c.Out, c.PosDim, ErrConfig)
	}
	if err := graph.Validate(); err != nil {
		return nil, fmt.Errorf("models: %w", err)
	}
	if nodes < 1 {
		return nil, fmt.Errorf("models: position denoiser with %d nodes: %w", nodes, ErrConfig)
	}
	return &PositionDenoiser{Net: net, Graph: graph, Nodes: nodes}, nil
}

// Params returns the network's parameters.
func (d *PositionDenoiser) Params() *layers.Params { return d.Net.Params() }

// Forward predicts for batch clouds of Nodes x Dim noisy positions xt at noise levels t;
// graphSeed fixes the random draws of the graphs (long-short range edges): the trainer derives
// it from (seed, step), the sampler from (seed, level, batch).
func (d *PositionDenoiser) Forward(s *layers.Scope, xt []float64, batch int, t []schedules.NoiseLevel, graphSeed int64) (*gorgonia.Node, error) {
	dim := d.Net.Config().PosDim
	if len(xt) != batch*d.Nodes*dim || len(t) != batch {
		return nil, fmt.Errorf("models: %d values and %d noise levels for %d clouds of %d x %d: %w", len(xt), len(t), batch, d.Nodes, dim, ErrInput)
	}
	start := time.Now()
	clouds := make([][]float64, batch)
	for b := range clouds {
		clouds[b] = xt[b*d.Nodes*dim : (b+1)*d.Nodes*dim]
	}
	plans, err := graphs.NewPlans(clouds, dim, t, d.Graph, graphSeed)
	if err != nil {
		return nil, fmt.Errorf("models: %w", err)
	}
	bt, err := graphs.NewBatch(plans)
	if err != nil {
		return nil, fmt.Errorf("models: %w", err)
	}
	d.Last = statsOf(bt, start)
	return d.Net.Forward(s, bt, xt)
}

// FeatureDenoiser generates node features on fixed positions (the transcriptomics task): the
// graph is built on the positions, the same for every sample, and the network's input is
// [features, positions] (docs/REFERENCE.md §3: genes, space, time, then t). It satisfies
// generative.Denoiser.
type FeatureDenoiser struct {
	Net       *DMP
	Graph     graphs.PlanConfig
	Positions []float64 // Nodes x PosDim
	Nodes     int
	Features  int
	// Last describes the graphs of the last Forward call (diagnostics; benchmarks read it).
	Last GraphStats
}

// NewFeatureDenoiser checks that the network maps [features, positions] to features.
func NewFeatureDenoiser(net *DMP, graph graphs.PlanConfig, positions []float64, features int) (*FeatureDenoiser, error) {
	c := net.Config()
	if len(positions) == 0 || len(positions)%c.PosDim != 0 {
		return nil, fmt.Errorf("models: %d position values for dimension %d: %w", len(positions), c.PosDim, ErrConfig)
	}
	if c.In != features+c.PosDim || c.Out != features {
		return nil, fmt.Errorf("models: feature denoiser needs in = features + pos dim (%d) and out = features (%d), have %d, %d: %w", features+c.PosDim, features, c.In, c.Out, ErrConfig)
	}
	if err := graph.Validate(); err != nil {
		return nil, fmt.Errorf("models: %w", err)
	}
	return &FeatureDenoiser{Net: net, Graph: graph, Positions: positions, Nodes: len(positions) / c.PosDim, Features: features}, nil
}

// Params returns the network's parameters.
func (d *FeatureDenoiser) Params() *layers.Params { return d.Net.Params() }

// Forward predicts for batch samples of Nodes x Features noisy features xt at noise levels t;
// graphSeed fixes the random draws of the graphs (see PositionDenoiser.Forward).
func (d *FeatureDenoiser) Forward(s *layers.Scope, xt []float64, batch int, t []schedules.NoiseLevel, graphSeed int64) (*gorgonia.Node, error) {
	dim, f := d.Net.Config().PosDim, d.Features
	if len(xt) != batch*d.Nodes*f || len(t) != batch {
		return nil, fmt.Errorf("models: %d values and %d noise levels for %d samples of %d x %d: %w", len(xt), len(t), batch, d.Nodes, f, ErrInput)
	}
	start := time.Now()
	pos := make([][]float64, batch)
	for b := range pos {
		pos[b] = d.Positions
	}
	plans, err := graphs.NewPlans(pos, dim, t, d.Graph, graphSeed)
	if err != nil {
		return nil, fmt.Errorf("models: %w", err)
	}
	bt, err := graphs.NewBatch(plans)
	if err != nil {
		return nil, fmt.Errorf("models: %w", err)
	}
	in := make([]float64, 0, batch*d.Nodes*(f+dim))
	for b := 0; b < batch; b++ {
		for j := 0; j < d.Nodes; j++ {
			in = append(in, xt[(b*d.Nodes+j)*f:(b*d.Nodes+j+1)*f]...)
			in = append(in, d.Positions[j*dim:(j+1)*dim]...)
		}
	}
	d.Last = statsOf(bt, start)
	return d.Net.Forward(s, bt, in)
}
