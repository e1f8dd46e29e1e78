package metrics

import (
	"fmt"
	"math"
)

// OT returns the exact optimal transport cost between the uniform empirical measures of two
// sets of m vectors each, with Euclidean (not squared) ground cost:
//
//	OT(a, b) = min_{P in U(1/m, 1/m)} sum_ij P_ij ||a_i - b_j|| = (1/m) min_σ sum_i ||a_i - b_σ(i)||,
//
// the second form because the vertices of the polytope of couplings with uniform marginals
// are the permutation matrices divided by m (Birkhoff). It equals POT's
// ot.emd2(ones(m)/m, ones(m)/m, ot.dist(a, b, metric="euclidean")) and is the
// 1-Wasserstein distance between the two empirical measures. The cost matrix is built on all
// cores (EuclideanCost) and the permutation found by Assignment; O(m² D + m³).
//
// Errors (wrapping ErrShape or ErrValue): sets of different sizes or empty, vectors of
// different lengths, NaN or ±Inf coordinates.
func OT(a, b [][]float64) (float64, error) {
	if len(a) != len(b) {
		return 0, fmt.Errorf("metrics: OT between sets of %d and %d vectors (equal sizes required): %w", len(a), len(b), ErrShape)
	}
	cost, err := euclideanCost("OT: first set", "OT: second set", a, b)
	if err != nil {
		return 0, err
	}
	m := len(a)
	_, total, err := Assignment(cost, m) // fails only if a distance overflowed to +Inf
	if err != nil {
		return 0, err
	}
	return total / float64(m), nil
}

// FlattenedW2 is the metric the paper reports as "W2" (docs/REFERENCE.md §6, §7): each generated
// and each reference sample is flattened to one vector in node order (x_1, y_1, z_1, x_2, ...
// for a point cloud; nodes x genes for transcriptomics), and
//
//	FlattenedW2(S, R, N) = OT(S, R) / N,
//
// the exact optimal transport cost between the two sets of flattened vectors (uniform
// weights, Euclidean ground cost, not squared; see OT) divided by normalize: the number of
// points (400 for ModelNet40) or of time points (8, 7 or 6 for the transcriptomics tasks).
// Despite its name it is a 1-Wasserstein cost between sets of samples.
//
// Convention: the value depends on the order of the nodes inside each sample. For point
// clouds, whose order is arbitrary, reordering the points of one cloud changes the metric,
// so report the permutation-invariant metrics (Chamfer- and EMD-based MMD, COV, 1-NNA)
// beside it; it is reported because the paper's tables use it.
//
// samples and reference must hold the same number of vectors of one common length;
// normalize must be positive and finite. Errors wrap ErrShape or ErrValue.
func FlattenedW2(samples, reference [][]float64, normalize float64) (float64, error) {
	if !(normalize > 0) || math.IsInf(normalize, 1) {
		return 0, fmt.Errorf("metrics: flattened W2: normalize = %v, want a positive finite number: %w", normalize, ErrValue)
	}
	c, err := OT(samples, reference)
	if err != nil {
		return 0, err
	}
	return c / normalize, nil
}
