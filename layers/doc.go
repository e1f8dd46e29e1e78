// Package layers holds the differentiable core of ncgn on top of gorgonia v0.9.18: persistent
// named parameters (Params) bound into a fresh computation graph every step (Scope), the custom
// ops gorgonia lacks (gather rows, scatter-sum and scatter-mean into segments, segment softmax,
// GELU, LayerNorm, BatchNorm), and the layers built from them (Linear, MLP, BatchNorm, GCNConv,
// GATConv). The optimisers that update Params live in the sub-package optim.
//
// Why a fresh graph every step: the Dynamic Message Passing graph differs for every sample and
// noise level (number of supernodes, neighbours), and gorgonia cannot change a node's shape in
// place (docs/GORGONIA.md). Building the ExprGraph and its gradient costs a few milliseconds, well
// under 1 % of a step; the parameters persist across graphs. The graph is run by the package's
// own executor (executor.go), not gorgonia's TapeMachine, whose hash-based value numbering
// merged distinct nodes.
//
// Edges are plain Go index lists (graphs.Edges): messages flow from Src[e] to Dst[e].
package layers
