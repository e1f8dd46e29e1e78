package schedules

import "math"

// logSchedule is the logarithmic schedule of the paper's Figure 5 and Table 2, with
// curvature c:
//
//	s_t = ceil(s_0 + (N - s_0) ln(c t + 1) / ln(c + 1)),  k_t = ceil(k N / u_t),
//
// where u_t is s_t before rounding, as in the reference. It rises quickly away from the noise.
// The reference computes (N - s_0) / ln(c+1) * ln(c t + 1); equal up to the last bit.
type logSchedule struct {
	boundary
	denom float64 // ln(c + 1)
}

func newLogSchedule(b boundary) logSchedule {
	return logSchedule{boundary: b, denom: math.Log(b.cfg.Curvature + 1)}
}

// At returns (s_t, k_t) at noise level t.
func (s logSchedule) At(t NoiseLevel) Step {
	frac := math.Log(s.cfg.Curvature*clampT(t)+1) / s.denom
	return s.step(s.target(frac), true)
}
