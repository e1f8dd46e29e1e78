package analysis

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/experiments"
)

// Kappa is κ(r, c) of Lemma A.1 in the form its proof ends with and Lemma A.2 differentiates
// (docs/REFERENCE.md §10):
//
//	κ(r, c) = (2/c + 4r − 8r³/3) / (2/c + 4r⁶/9),   I(x₁, Y) = ½ log κ(r, c),
//
// the mutual information between a clean node feature and the sum of the noisy features within
// radius r, with correlation ρ = 1 − d² and signal-to-noise ratio c. (The lemma's statement
// prints 8r³/9; that form is not the one whose derivative Lemma A.2 gives.)
func Kappa(r, c float64) float64 {
	return (2/c + 4*r - 8*r*r*r/3) / (2/c + 4*math.Pow(r, 6)/9)
}

// KappaDerivative is dκ/dr as printed in Lemma A.2:
//
//	dκ/dr = 18c (4c r⁸ − 10c r⁶ − 6r⁵ − 18r² + 9) / (2c r⁶ + 9)².
func KappaDerivative(r, c float64) float64 {
	num := 4*c*math.Pow(r, 8) - 10*c*math.Pow(r, 6) - 6*math.Pow(r, 5) - 18*r*r + 9
	den := 2*c*math.Pow(r, 6) + 9
	return 18 * c * num / (den * den)
}

// radiusTol is the accuracy of OptimalRadius (the issue asks for 1e-4).
const radiusTol = 1e-10

// OptimalRadius returns r* in (0, 1], the radius that maximises κ(r, c) at signal-to-noise
// ratio c > 0 (Lemma A.2, Theorem 3.2). It uses κ alone, not its derivative: golden-section
// search on [0, 1] to radiusTol, preceded by a scan of 200 points that brackets the largest
// sampled value, so that a second local maximum could not be missed silently (κ is unimodal in
// r for every c > 0 we have checked; the tests check the stationarity condition of Lemma A.2
// at r*).
func OptimalRadius(c float64) (float64, error) {
	if !(c > 0) || math.IsInf(c, 0) {
		return 0, fmt.Errorf("analysis: optimal radius at SNR %v: want a finite SNR > 0: %w", c, experiments.ErrConfig)
	}
	const scan = 200
	best, bv := 1.0, Kappa(1, c)
	for i := 1; i < scan; i++ {
		r := float64(i) / scan
		if v := Kappa(r, c); v > bv {
			best, bv = r, v
		}
	}
	lo, hi := math.Max(best-1.0/scan, 0), math.Min(best+1.0/scan, 1)
	g := (math.Sqrt(5) - 1) / 2
	a, b := hi-g*(hi-lo), lo+g*(hi-lo)
	fa, fb := Kappa(a, c), Kappa(b, c)
	for hi-lo > radiusTol {
		if fa >= fb {
			hi, b, fb = b, a, fa
			a = hi - g*(hi-lo)
			fa = Kappa(a, c)
		} else {
			lo, a, fa = a, b, fb
			b = lo + g*(hi-lo)
			fb = Kappa(b, c)
		}
	}
	r := (lo + hi) / 2
	if r <= 0 {
		return 0, fmt.Errorf("analysis: optimal radius at SNR %v: the maximum lies at r = 0: %w", c, experiments.ErrConfig)
	}
	return r, nil
}
