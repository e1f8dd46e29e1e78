package schedules

import "fmt"

// NoiseLevel is the noise level t in [0, 1] of the generative process: t = 0 is pure noise and
// t = 1 is data. A DDPM integer timestep is a different quantity and is derived from t only in
// package generative; the named type lets the compiler catch one passed for the other.
type NoiseLevel float64

// Validate returns an error unless t is a number in [0, 1].
func (t NoiseLevel) Validate() error {
	if !(t >= 0 && t <= 1) { // also rejects NaN
		return fmt.Errorf("schedules: noise level t = %v outside [0, 1]", float64(t))
	}
	return nil
}
