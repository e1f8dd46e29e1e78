package generative

import (
	"fmt"
	"math"
)

// DDIMStep writes into dst (which may alias x) the DDIM reverse step (Song et al., 2021) from
// index i to index p < i of the samples x given the predicted noise eps:
//
//	x̂_0 = clip( (x_i - sqrt(1 - ᾱ_i) ε) / sqrt(ᾱ_i), -r, r ),
//	ε̂ = (x_i - sqrt(ᾱ_i) x̂_0) / sqrt(1 - ᾱ_i)             (the noise consistent with x̂_0),
//	σ = η sqrt( (1 - ᾱ_p)/(1 - ᾱ_i) (1 - ᾱ_i/ᾱ_p) ),
//	x_p = sqrt(ᾱ_p) x̂_0 + sqrt(1 - ᾱ_p - σ²) ε̂ + σ z,
//
// with η = Eta and z standard normal noise (nil: none, as η = 0 needs; no noise at i = 0).
// With η = 1 the step is DDPM's (Step) for the same z: the mean and the variance agree
// exactly, clipping included, because ε̂ is recomputed from the clipped x̂_0.
func (d *DDPM) DDIMStep(dst, x, eps []float64, i, p int, z []float64) error {
	T := d.cfg.Timesteps
	if i < 0 || i >= T || p >= i {
		return fmt.Errorf("generative: DDIM step from index %d to %d: %w (want 0 ≤ to < from < %d)", i, p, ErrValue, T)
	}
	if len(x) != len(dst) || len(eps) != len(dst) || (z != nil && len(z) != len(dst)) {
		return fmt.Errorf("generative: DDIM step: %d samples, %d noise predictions, %d noise values into %d: %w", len(x), len(eps), len(z), len(dst), ErrShape)
	}
	at, ap := d.AlphaBar(i), d.AlphaBar(p)
	sa, sb := math.Sqrt(at), math.Sqrt(1-at)
	var sigma float64
	if i > 0 && z != nil && d.cfg.Eta > 0 {
		sigma = d.cfg.Eta * math.Sqrt(d.PosteriorVariance(i, p))
	}
	cx0, ceps := math.Sqrt(ap), math.Sqrt(max(1-ap-sigma*sigma, 0))
	r := d.cfg.ClipRange
	for k := range dst {
		x0 := (x[k] - sb*eps[k]) / sa
		if !d.cfg.NoClip {
			x0 = min(max(x0, -r), r)
		}
		e := (x[k] - sa*x0) / sb
		v := cx0*x0 + ceps*e
		if sigma != 0 {
			v += sigma * z[k]
		}
		dst[k] = v
	}
	return nil
}
