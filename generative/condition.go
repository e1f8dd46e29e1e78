package generative

import (
	"fmt"
	"math"
)

// Condition is conditioning by replacement (the reference's conditional tasks): the entries
// marked in Mask are known and held at their clean values in Values from the first step on
// (never re-noised to the current level), and their updates are masked to zero at every step:
// the Euler velocity is set to 0 on them, and after each DDPM step they are reset to their
// value. The network sees the known entries at their clean values at every level.
//
// Mask and Values each have either Shape.Size() entries (one pattern shared by every sample)
// or Count·Shape.Size() entries (one per entry of each of the Count generated samples, sample
// after sample), independently: a shared mask with per-sample values is the common case (a
// task that fixes the same genes of each test sample to that sample's values). Values at
// unmarked entries are ignored (they may be NaN); marked values must be finite.
type Condition struct {
	Mask   []bool
	Values []float64
}

// Validate checks the lengths of Mask and Values against count samples of shape s and the
// finiteness of the known values; the error names the first offending entry.
func (c *Condition) Validate(s Shape, count int) error {
	if err := s.Validate(); err != nil {
		return err
	}
	n := s.Size()
	okLen := func(l int) bool { return l == n || l == count*n }
	if !okLen(len(c.Mask)) {
		return fmt.Errorf("generative: condition mask of %d entries for %d samples of %d x %d: %w (want %d or %d)", len(c.Mask), count, s.Nodes, s.Dim, ErrShape, n, count*n)
	}
	if !okLen(len(c.Values)) {
		return fmt.Errorf("generative: condition values of %d entries for %d samples of %d x %d: %w (want %d or %d)", len(c.Values), count, s.Nodes, s.Dim, ErrShape, n, count*n)
	}
	for j := range count {
		for k := range n {
			if known, v := c.at(j, k, n); known && (math.IsNaN(v) || math.IsInf(v, 0)) {
				return fmt.Errorf("generative: condition value of sample %d, node %d, dim %d is %v: %w", j, k/s.Dim, k%s.Dim, v, ErrValue)
			}
		}
		if len(c.Mask) == n && len(c.Values) == n {
			break // the same pattern for every sample
		}
	}
	return nil
}

// at returns whether entry k of sample j is known, and its value.
func (c *Condition) at(j, k, n int) (bool, float64) {
	m := k
	if len(c.Mask) != n {
		m = j*n + k
	}
	if !c.Mask[m] {
		return false, 0
	}
	v := k
	if len(c.Values) != n {
		v = j*n + k
	}
	return true, c.Values[v]
}

// fits checks that x holds batch samples, starting at generated sample first, that the
// condition covers, and returns the sample size.
func (c *Condition) fits(x []float64, first, batch int) (int, error) {
	if batch < 1 || first < 0 || len(x)%batch != 0 || len(x) == 0 {
		return 0, fmt.Errorf("generative: condition on %d values as %d samples from sample %d: %w", len(x), batch, first, ErrShape)
	}
	n := len(x) / batch
	for _, l := range []int{len(c.Mask), len(c.Values)} {
		if l != n && (l%n != 0 || l < (first+batch)*n) {
			return 0, fmt.Errorf("generative: condition of %d mask and %d value entries on samples %d-%d of %d values: %w", len(c.Mask), len(c.Values), first, first+batch-1, n, ErrShape)
		}
	}
	return n, nil
}

// Apply sets the known entries of the samples x (batch samples of size n = len(x)/batch,
// concatenated, the first being generated sample first) to their values.
func (c *Condition) Apply(x []float64, first, batch int) error {
	n, err := c.fits(x, first, batch)
	if err != nil {
		return err
	}
	for b := range batch {
		for k := range n {
			if known, v := c.at(first+b, k, n); known {
				x[b*n+k] = v
			}
		}
	}
	return nil
}

// MaskUpdate sets the entries of the update u (laid out as in Apply) at known positions to 0.
func (c *Condition) MaskUpdate(u []float64, first, batch int) error {
	n, err := c.fits(u, first, batch)
	if err != nil {
		return err
	}
	for b := range batch {
		for k := range n {
			if known, _ := c.at(first+b, k, n); known {
				u[b*n+k] = 0
			}
		}
	}
	return nil
}
