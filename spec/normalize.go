package spec

import (
	"fmt"
	"math"
)

// Affine is the map a run applies to its training data, x' = (x - Shift[d]) / Scale for the
// values of dimension d, and that sampling undoes (train --normalize): centred at the data's
// mean and scaled so that the largest |x'| is 1, the range the generative processes assume.
type Affine struct {
	Shift []float64 `json:"shift"`
	Scale float64   `json:"scale"`
}

// FitAffine returns the Affine that centres samples (each a row-major nodes x dim vector) at
// their mean per dimension and scales their largest deviation to 1.
func FitAffine(samples [][]float64, dim int) (*Affine, error) {
	if dim < 1 || len(samples) == 0 {
		return nil, fmt.Errorf("spec: normalising %d samples of dimension %d: %w", len(samples), dim, ErrConfig)
	}
	a := &Affine{Shift: make([]float64, dim)}
	var n float64
	for _, s := range samples {
		for i, v := range s {
			a.Shift[i%dim] += v
		}
		n += float64(len(s) / dim)
	}
	for d := range a.Shift {
		a.Shift[d] /= n
	}
	for _, s := range samples {
		for i, v := range s {
			a.Scale = math.Max(a.Scale, math.Abs(v-a.Shift[i%dim]))
		}
	}
	if !(a.Scale > 0) || math.IsInf(a.Scale, 0) {
		return nil, fmt.Errorf("spec: normalising: the data have no extent (largest deviation %v): %w", a.Scale, ErrConfig)
	}
	return a, nil
}

// Validate checks the map against the sample dimension.
func (a *Affine) Validate(dim int) error {
	if len(a.Shift) != dim || !(a.Scale > 0) || math.IsInf(a.Scale, 0) {
		return fmt.Errorf("spec: \"normalize\" shift of %d values, scale %v: %w (want %d values and a positive finite scale)", len(a.Shift), a.Scale, ErrConfig, dim)
	}
	for _, v := range a.Shift {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("spec: \"normalize\" shift %v: %w", a.Shift, ErrConfig)
		}
	}
	return nil
}

// Apply maps samples in place to the normalised range.
func (a *Affine) Apply(samples [][]float64) {
	dim := len(a.Shift)
	for _, s := range samples {
		for i := range s {
			s[i] = (s[i] - a.Shift[i%dim]) / a.Scale
		}
	}
}

// Undo maps normalised samples in place back to the data's range.
func (a *Affine) Undo(samples [][]float64) {
	dim := len(a.Shift)
	for _, s := range samples {
		for i := range s {
			s[i] = s[i]*a.Scale + a.Shift[i%dim]
		}
	}
}
