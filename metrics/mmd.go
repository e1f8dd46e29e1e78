package metrics

import "math"

// MMD returns the minimum matching distance of a set S of generated clouds to a set R of
// reference clouds from their distance matrix dSR (dSR[s][r] = D(S_s, R_r), |S| x |R|), in
// PointFlow's convention:
//
//	MMD(S, R) = (1/|R|) sum_{r in R} min_{s in S} D(s, r).
//
// Lower is better; it measures fidelity (every reference cloud has a close sample) and moves
// with |S|, so compare it at equal |S|. PointFlow's tables multiply MMD-CD by 10³ and MMD-EMD
// by 10²; this function does not. Errors (wrapping ErrShape or ErrValue): an empty or ragged
// matrix, NaN or ±Inf entries.
func MMD(dSR [][]float64) (float64, error) {
	ns, nr, err := checkMatrix("MMD: distance matrix", dSR, -1, -1)
	if err != nil {
		return 0, err
	}
	var sum float64
	for r := 0; r < nr; r++ {
		best := math.Inf(1)
		for s := 0; s < ns; s++ {
			best = math.Min(best, dSR[s][r])
		}
		sum += best
	}
	return sum / float64(nr), nil
}
