// Package models holds the networks: the Dynamic Message Passing network (DMP) of the paper's
// Algorithm 1, which is also, on full-resolution Plans, the kNN, long-short range and fully
// connected baselines of the paper's Appendix B.1.2; DiT and DiT-DMP follow.
//
// A model builds its expression in a layers.Scope from a graphs.Batch (the disjoint union of
// per-sample Plans) and per-node inputs; the noise level t of each sample is appended to its
// nodes' inputs, as the reference does (docs/REFERENCE.md §3).
package models
