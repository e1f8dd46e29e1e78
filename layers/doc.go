// Package layers is the model vocabulary of ncgn: Linear, MLP, BatchNorm, GCNConv, GATConv, the
// sigmoid Gate and the edge Message of Coarsen and Spread, over persistent named parameters
// (Params) bound into a fresh graph every step (Scope). A model is written in these names only;
// what runs them lives below:
//
//   - engine: Params, Scope, the executor, reverse accumulation, the buffer arena;
//   - ops: the differentiable ops with their gradients (products, sparse gather/scatter,
//     segment softmax, activations, norms, the fused evaluation ops, the MSE loss);
//   - internal/gemm: the matrix products.
//
// Params, Scope, Activation and the initialisations are the engine's and ops' types under
// this package's name (vocabulary.go). The optimisers that update Params live in the
// sub-package optim. Edges are plain Go index lists (graphs.Edges): messages flow from Src[e]
// to Dst[e].
package layers
