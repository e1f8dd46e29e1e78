// Package graphs builds, in plain Go, the graphs a noise-conditioned graph network sees for one
// sample at one noise level t: voxel clustering into supernodes, exact k-nearest-neighbour
// graphs, the long-short range and fully connected baselines, edge attributes, the per-sample
// Plan, and batching of many Plans into one disjoint graph.
//
// The noise-level convention is the project's: t = 0 is pure noise, t = 1 is data.
package graphs
