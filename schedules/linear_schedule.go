package schedules

// linearSchedule interpolates the number of supernodes linearly in t:
//
//	s_t = ceil(s_0 + (N - s_0) t),  k_t = ceil(k N / s_t).
//
// The reference writes s_t = ceil((1-t) s_0 + t N), equal up to the last bit; the form used
// here is monotone in t in floating point.
type linearSchedule struct{ boundary }

// At returns (s_t, k_t) at noise level t.
func (s linearSchedule) At(t NoiseLevel) Step {
	return s.step(s.target(clampT(t)), false)
}
