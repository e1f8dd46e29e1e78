// Package engine runs ncgn's computations on gorgonia v0.9.18 graphs. gorgonia is the language
// (nodes, the gorgonia.Op interface, shape inference); this package is the runtime:
//
//   - Params: persistent named tensors in one dtype, created in a deterministic order;
//   - Scope: one step's fresh ExprGraph, binding the parameters on first use, and its Run;
//   - Execute: the executor, which computes a graph's nodes in order with each op's Do and keeps
//     the values by node (not gorgonia's TapeMachine, whose hash-based value numbering merged
//     distinct nodes: docs/architecture.md);
//   - Gradients: reverse accumulation over the ops' SymDiff, contributions summed by Add;
//   - the arena: a process-wide pool of output buffers that a Scope's ops take and Run gives
//     back, so a step reuses the memory of the one before it, and per-step memos (Memoize);
//   - OpBase, ApplyOp and the helpers for writing ops (package ops holds them).
//
// Why a fresh graph every step: the Dynamic Message Passing graph differs for every sample and
// noise level (number of supernodes, neighbours), and gorgonia cannot change a node's shape in
// place (docs/GORGONIA.md). Building the graph and its gradient costs a few milliseconds, well
// under 1 % of a step.
package engine
