// Package graphs builds, in plain Go, the graphs a noise-conditioned graph network sees for one
// sample at one noise level t: voxel clustering into supernodes, exact k-nearest-neighbour
// graphs, the long-short range and fully connected baselines, edge attributes, the per-sample
// Plan, and batching of many Plans into one disjoint graph.
//
// The entry points are NewPlan (one sample), NewPlans (a minibatch, in parallel, reproducible
// for a seed) and NewBatch (their disjoint union with offsets). The building blocks are
// VoxelCluster, KNNGraph, LongShortGraph, FullGraph, EdgeLengths and FineAttributes. The graph
// kinds are the constants DMP, KNN, LongShort and Full.
//
// Edges always carry messages from Src to Dst; every graph is grouped by destination node.
// Everything is deterministic: kNN breaks ties by index, and random edges come only from the
// random source passed in.
//
// The noise-level convention is the project's: t = 0 is pure noise, t = 1 is data.
package graphs
