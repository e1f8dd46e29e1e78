package metrics

// COV returns the coverage of a set R of reference clouds by a set S of generated clouds from
// their distance matrix dSR (dSR[s][r] = D(S_s, R_r), |S| x |R|), as a percentage, in
// PointFlow's convention:
//
//	COV(S, R) = 100 * |{ argmin_{r in R} D(s, r) : s in S }| / |R|,
//
// the share of reference clouds that are the nearest reference of at least one generated
// cloud. Higher is better (it measures diversity); a tie in the argmin goes to the lowest
// reference index. PointFlow's code returns the fraction; its tables print the percentage,
// as this function does. Errors as MMD.
func COV(dSR [][]float64) (float64, error) {
	_, nr, err := checkMatrix("COV: distance matrix", dSR, -1, -1)
	if err != nil {
		return 0, err
	}
	covered := make([]bool, nr)
	count := 0
	for _, row := range dSR {
		best := 0
		for r, v := range row {
			if v < row[best] {
				best = r
			}
		}
		if !covered[best] {
			covered[best] = true
			count++
		}
	}
	return 100 * float64(count) / float64(nr), nil
}
