package schedules

import "math"

// expSchedule is the paper's default schedule (Figure 5, Table 2), with curvature c:
//
//	s_t = ceil(s_0 + (N - s_0) (e^{c t} - 1) / (e^c - 1)),  k_t = ceil(k N / u_t),
//
// where u_t is s_t before rounding: like the reference, k_t divides by the unrounded s_t.
// With c = 10 it stays near s_0 for most of the trajectory and rises steeply near the data.
type expSchedule struct {
	boundary
	denom float64 // e^c - 1
}

func newExpSchedule(b boundary) expSchedule {
	return expSchedule{boundary: b, denom: math.Exp(b.cfg.Curvature) - 1}
}

// At returns (s_t, k_t) at noise level t.
func (s expSchedule) At(t NoiseLevel) Step {
	frac := (math.Exp(s.cfg.Curvature*clampT(t)) - 1) / s.denom
	return s.step(s.target(frac), true)
}
