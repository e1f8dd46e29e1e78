// Package ops holds the differentiable ops of ncgn's networks, each a gorgonia.Op with its
// symbolic derivative (SymDiff) and a finite-difference gradient test (internal/gradcheck):
// matrix products (MatMul, through internal/gemm), one sparse product for gather, scatter-sum,
// scatter-mean and GCN's normalised aggregation (Sparse, SparseMatMul), segment softmax and
// edge-weighted aggregation for GAT, GELU/ReLU/LeakyReLU, LayerNorm, BatchNorm with a fused
// activation, bias addition with extra addends, the gate mix, a message's first Linear in one
// pass (MessageInput), the MSE loss, and the fused evaluation ops that run a product and what
// follows it block by block in cache (LinearNormActEval, LinearAddEval, GateNormActEval,
// MessageEval). Outputs come from the engine's arena; sums are taken in a fixed order, so
// results do not depend on the number of cores.
package ops
