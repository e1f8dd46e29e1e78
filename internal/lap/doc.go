// Package lap solves the dense linear assignment problem exactly (Jonker and Volgenant's
// shortest augmenting path method in Crouse's formulation). It is the one solver behind
// metrics.Assignment and EMD, and behind generative's minibatch optimal-transport coupling;
// it validates nothing (its callers check sizes and finiteness) and reuses its buffers across
// problems of one size.
package lap
