package generative

import (
	"fmt"
	"math"
)

// VLBCoefficients returns what the variational-bound term of a network with learned variances
// (improved DDPM, Nichol and Dhariwal 2021, as DiT trains it; ops.VLBTerms) needs at index i
// of the full process: the prediction x̂0 = a·x_i − b·ε̂ (a = 1/√ᾱ_i, b = √(1/ᾱ_i − 1)), the
// posterior mean c1·x0 + c2·x_i of q(x_{i−1} | x_i, x0), the posterior's log-variance clipped
// at index 0 to index 1's (logVarMin) and log β_i (logVarMax).
func (d *DDPM) VLBCoefficients(i int) (a, b, c1, c2, logVarMin, logVarMax float64, err error) {
	T := d.cfg.Timesteps
	if i < 0 || i >= T {
		return 0, 0, 0, 0, 0, 0, fmt.Errorf("generative: VLB coefficients at index %d: %w (want in [0, %d))", i, ErrValue, T)
	}
	at, ap := d.AlphaBar(i), d.AlphaBar(i-1)
	beta := d.Beta(i)
	a, b = math.Sqrt(1/at), math.Sqrt(1/at-1)
	c1 = beta * math.Sqrt(ap) / (1 - at)
	c2 = (1 - ap) * math.Sqrt(1-beta) / (1 - at)
	post := beta * (1 - ap) / (1 - at)
	if i == 0 && T > 1 { // improved DDPM: log(β̃_0) = log 0 is clipped to log β̃_1
		post = d.Beta(1) * (1 - d.AlphaBar(0)) / (1 - d.AlphaBar(1))
	}
	return a, b, c1, c2, math.Log(post), math.Log(beta), nil
}

// StepLearned is Step with the variance the network learned: for the step from index i to
// p < i of the sampled (possibly respaced) chain, with β = 1 − ᾱ_i/ᾱ_p, each element's
// log-variance is ((v+1)/2)·log β + ((1−v)/2)·log β̃, β̃ the step's posterior variance
// (PosteriorVariance), and the noise z is scaled by its square root. v = −1 everywhere is Step.
func (d *DDPM) StepLearned(dst, x, eps, v []float64, i, p int, z []float64) error {
	if len(v) != len(dst) {
		return fmt.Errorf("generative: DDPM step: %d variance values for %d samples: %w", len(v), len(dst), ErrShape)
	}
	if err := d.Step(dst, x, eps, i, p, nil); err != nil { // the posterior mean
		return err
	}
	if i == 0 || z == nil {
		return nil
	}
	lo := math.Log(d.PosteriorVariance(i, p))
	hi := math.Log(1 - d.AlphaBar(i)/d.AlphaBar(p))
	for k := range dst {
		lv := (v[k]+1)/2*hi + (1-v[k])/2*lo
		dst[k] += math.Exp(0.5*lv) * z[k]
	}
	return nil
}
