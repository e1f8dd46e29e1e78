package metrics

// OneNNA returns the 1-nearest-neighbour accuracy (1-NNA) of a set S of generated clouds
// against a set R of reference clouds, as a percentage, from the three distance matrices
// dSS (|S| x |S|), dRR (|R| x |R|) and dSR (|S| x |R|, dSR[s][r] = D(S_s, R_r)):
//
//	1-NNA(S, R) = 100 * ( sum_{s in S} 1[N(s) in S] + sum_{r in R} 1[N(r) in R] ) / (|S| + |R|),
//
// where N(x) is the nearest neighbour of x in S ∪ R \ {x} (leave one out: the diagonals of
// dSS and dRR are ignored). It is the leave-one-out accuracy of the 1-NN classifier that
// labels every cloud "generated" or "reference" (PointFlow's knn with k = 1). 50 % is ideal
// (the sets are indistinguishable); 100 % means they are trivially separable; closer to 50 % is
// better. Ties go to the lowest index of S ∪ R with S first (PointFlow leaves them to
// torch.topk). |S| + |R| must be at least 2. Errors as MMD, plus matrices whose shapes
// disagree.
func OneNNA(dSS, dRR, dSR [][]float64) (float64, error) {
	ns, nr, err := checkMatrix("1-NNA: S-R distance matrix", dSR, -1, -1)
	if err != nil {
		return 0, err
	}
	if _, _, err := checkMatrix("1-NNA: S-S distance matrix", dSS, ns, ns); err != nil {
		return 0, err
	}
	if _, _, err := checkMatrix("1-NNA: R-R distance matrix", dRR, nr, nr); err != nil {
		return 0, err
	}
	correct := 0
	for s := 0; s < ns; s++ {
		// The nearest of S \ {s} and of R; ties: S before R, lower index first.
		bestS, haveS := 0.0, false
		for j, v := range dSS[s] {
			if j != s && (!haveS || v < bestS) {
				bestS, haveS = v, true
			}
		}
		bestR := dSR[s][0]
		for _, v := range dSR[s] {
			bestR = min(bestR, v)
		}
		if haveS && bestS <= bestR {
			correct++
		}
	}
	for r := 0; r < nr; r++ {
		bestS := dSR[0][r]
		for s := 1; s < ns; s++ {
			bestS = min(bestS, dSR[s][r])
		}
		bestR, haveR := 0.0, false
		for j, v := range dRR[r] {
			if j != r && (!haveR || v < bestR) {
				bestR, haveR = v, true
			}
		}
		if haveR && bestR < bestS {
			correct++
		}
	}
	return 100 * float64(correct) / float64(ns+nr), nil
}
