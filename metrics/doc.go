// Package metrics holds exact, deterministic evaluation: optimal transport between two
// equal-size uniform sets (an assignment problem), the paper's flattened "W2", and the
// permutation-invariant point-cloud metrics (Chamfer, EMD, MMD, COV, 1-NNA) with the
// conventions of docs/EVALUATION.md.
package metrics
