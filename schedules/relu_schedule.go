package schedules

// reluSchedule holds the coarsest resolution up to a split point and then rises linearly to
// full resolution (the paper's Figure 5 and Table 2), with split a (default 0.6):
//
//	s_t = ceil(s_0)                                 for t <= a,
//	s_t = ceil(s_0 + (N - s_0) (t - a) / (1 - a))   for t > a,
//	k_t = ceil(k N / s_t).
type reluSchedule struct{ boundary }

// At returns (s_t, k_t) at noise level t.
func (s reluSchedule) At(t NoiseLevel) Step {
	x, a := clampT(t), s.cfg.Split
	frac := 0.0
	if x > a {
		frac = (x - a) / (1 - a)
	}
	return s.step(s.target(frac), false)
}
