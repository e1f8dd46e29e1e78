package generative

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/schedules"
)

// Defaults of DDPMConfig: diffusers' DDPMScheduler(num_train_timesteps=1000).
const (
	DefaultTimesteps = 1000
	DefaultBetaStart = 1e-4
	DefaultBetaEnd   = 0.02
	DefaultClipRange = 1.0
	// MinVariance is the clamp of the posterior variance (diffusers' 1e-20).
	MinVariance = 1e-20
)

// DDPMConfig configures DDPM; zero values are the defaults (diffusers' DDPMScheduler with
// linear betas, epsilon prediction, clip_sample on with range 1, "fixed_small" variance).
type DDPMConfig struct {
	Timesteps int     `json:"timesteps"`  // T, the number of diffusion steps; default 1000
	BetaStart float64 `json:"beta_start"` // β_0; default 1e-4
	BetaEnd   float64 `json:"beta_end"`   // β_{T-1}; default 0.02
	NoClip    bool    `json:"no_clip"`    // turn off clipping of the x0 prediction
	ClipRange float64 `json:"clip_range"` // the x0 prediction is clipped to [-r, r]; default 1
	// SamplingSteps is the number of network evaluations when sampling; default T. Fewer
	// steps subsample the T indices evenly as diffusers' set_timesteps does ("leading"
	// spacing): with r = floor(T/S), the indices (S-1)·r, …, r, 0, each step going from one
	// to the next.
	SamplingSteps int `json:"sampling_steps"`
	// ReferenceOrientation reproduces the reference implementation's diffusion code, where
	// t = 1 is the NOISIEST level: training uses index min(floor(T t), T-1), and sampling
	// hands the network t = i/(T-1) at index i. The network (and so the DMP schedule, which
	// is coarse at small t) then sees the noise level inverted relative to the paper: full
	// resolution at the highest noise and the coarsest graph near the data (docs/REFERENCE.md §1).
	// Off by default: t = 0 is noise, t = 1 data, as everywhere else in the project.
	ReferenceOrientation bool `json:"reference_orientation"`
	// Sampler is the reverse step of sampling: "" or "ddpm" (ancestral DDPM, the paper's) or
	// "ddim" (Song et al., 2021, with noise scale Eta; Eta = 0 is deterministic). Both take
	// their steps over the same SamplingSteps indices.
	Sampler DDPMSampler `json:"sampler,omitempty"`
	// Eta is DDIM's noise scale η in [0, 1]: σ = η sqrt(β̃) of the step (η = 1 with all T
	// steps is DDPM's sampler). Only with Sampler "ddim".
	Eta float64 `json:"eta,omitempty"`
}

// DDPMSampler names the reverse step of DDPMConfig.Sampler.
type DDPMSampler string

// The reverse steps of a DDPM-trained network.
const (
	SamplerDDPM DDPMSampler = "ddpm"
	SamplerDDIM DDPMSampler = "ddim"
)

// WithDefaults returns c with its zero fields set to the defaults.
func (c DDPMConfig) WithDefaults() DDPMConfig {
	if c.Timesteps == 0 {
		c.Timesteps = DefaultTimesteps
	}
	if c.BetaStart == 0 {
		c.BetaStart = DefaultBetaStart
	}
	if c.BetaEnd == 0 {
		c.BetaEnd = DefaultBetaEnd
	}
	if c.ClipRange == 0 {
		c.ClipRange = DefaultClipRange
	}
	if c.SamplingSteps == 0 {
		c.SamplingSteps = c.Timesteps
	}
	return c
}

// Validate checks T ≥ 2, 0 < β_0 ≤ β_{T-1} < 1, a positive clip range and
// 1 ≤ SamplingSteps ≤ T. Call it on a config with defaults applied.
func (c DDPMConfig) Validate() error {
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("generative: DDPM config %s = %v: %w (want %s)", field, v, ErrConfig, want)
	}
	switch {
	case c.Timesteps < 2:
		return bad("timesteps", c.Timesteps, "≥ 2")
	case !(c.BetaStart > 0 && c.BetaStart < 1):
		return bad("beta_start", c.BetaStart, "in (0, 1)")
	case !(c.BetaEnd >= c.BetaStart && c.BetaEnd < 1):
		return bad("beta_end", c.BetaEnd, "in [beta_start, 1)")
	case !(c.ClipRange > 0) || math.IsInf(c.ClipRange, 0):
		return bad("clip_range", c.ClipRange, "finite, > 0")
	case c.SamplingSteps < 1 || c.SamplingSteps > c.Timesteps:
		return bad("sampling_steps", c.SamplingSteps, fmt.Sprintf("in [1, %d]", c.Timesteps))
	case c.Sampler != "" && c.Sampler != SamplerDDPM && c.Sampler != SamplerDDIM:
		return bad("sampler", fmt.Sprintf("%q", c.Sampler), fmt.Sprintf("%q or %q", SamplerDDPM, SamplerDDIM))
	case !(c.Eta >= 0 && c.Eta <= 1):
		return bad("eta", c.Eta, "in [0, 1]")
	case c.Eta != 0 && c.Sampler != SamplerDDIM:
		return bad("eta", c.Eta, fmt.Sprintf("0 unless sampler is %q", SamplerDDIM))
	}
	return nil
}

// DDPM is the denoising diffusion probabilistic model of Ho et al. (2020) as diffusers'
// DDPMScheduler implements it, with indices i = 0 … T-1 (0 the least noisy):
//
//	β_i = β_0 + (β_{T-1} - β_0) i/(T-1),   α_i = 1 - β_i,   ᾱ_i = Π_{s ≤ i} α_s,
//	q(x_i | x_0) = N( sqrt(ᾱ_i) x_0, (1 - ᾱ_i) I ).
//
// One reverse step from index i to index p < i (p = i-1 with all T steps; p < 0 means "past
// the end", ᾱ_p = 1), given the predicted noise ε:
//
//	x̂_0 = clip( (x_i - sqrt(1 - ᾱ_i) ε) / sqrt(ᾱ_i), -r, r ),
//	a = ᾱ_i/ᾱ_p,   b = 1 - a,
//	μ = sqrt(ᾱ_p) b/(1 - ᾱ_i) x̂_0 + sqrt(a) (1 - ᾱ_p)/(1 - ᾱ_i) x_i,
//	σ² = max( (1 - ᾱ_p)/(1 - ᾱ_i) b, 1e-20 )   ("fixed small": β̃),
//	x_p = μ + σ z,  z ~ N(0, I),   with no noise added when i = 0.
//
// The schedule is computed in float64 (diffusers uses float32; ᾱ differs by about 1e-7
// relative).
type DDPM struct {
	cfg      DDPMConfig
	betas    []float64
	alphaBar []float64
	indices  []int // SamplingIndices, computed once
}

// NewDDPM returns a DDPM for cfg; zero fields take the defaults.
func NewDDPM(cfg DDPMConfig) (*DDPM, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	T := cfg.Timesteps
	d := &DDPM{cfg: cfg, betas: make([]float64, T), alphaBar: make([]float64, T)}
	prod := 1.0
	for i := range T {
		d.betas[i] = cfg.BetaStart + (cfg.BetaEnd-cfg.BetaStart)*float64(i)/float64(T-1)
		prod *= 1 - d.betas[i]
		d.alphaBar[i] = prod
	}
	d.indices = d.SamplingIndices()
	return d, nil
}

// Config returns the configuration in use, defaults applied.
func (d *DDPM) Config() DDPMConfig { return d.cfg }

// Timesteps returns T.
func (d *DDPM) Timesteps() int { return d.cfg.Timesteps }

// Beta returns β_i for i in [0, T), NaN otherwise.
func (d *DDPM) Beta(i int) float64 {
	if i < 0 || i >= len(d.betas) {
		return math.NaN()
	}
	return d.betas[i]
}

// AlphaBar returns ᾱ_i = Π_{s ≤ i} (1 - β_s) for i in [0, T), 1 for i < 0 (no noise), and NaN
// for i ≥ T.
func (d *DDPM) AlphaBar(i int) float64 {
	if i < 0 {
		return 1
	}
	if i >= len(d.alphaBar) {
		return math.NaN()
	}
	return d.alphaBar[i]
}

// TrainIndex returns the DDPM index used to noise a training sample drawn at level t:
//
//	i = min(floor(T (1 - t)), T - 1)     (t = 0 noise → T-1, t = 1 data → 0),
//
// or min(floor(T t), T - 1) under ReferenceOrientation (the reference's floor(1000 t)). A
// level outside [0, 1] is an error.
func (d *DDPM) TrainIndex(t schedules.NoiseLevel) (int, error) {
	if err := t.Validate(); err != nil {
		return 0, fmt.Errorf("generative: DDPM index: %v: %w", err, ErrValue)
	}
	T := d.cfg.Timesteps
	u := 1 - float64(t)
	if d.cfg.ReferenceOrientation {
		u = float64(t)
	}
	return min(int(math.Floor(float64(T)*u)), T-1), nil
}

// Level returns the noise level handed to the network at DDPM index i when sampling:
//
//	t = 1 - i/(T - 1)     (index T-1 → t = 0, index 0 → t = 1),
//
// or t = i/(T - 1) under ReferenceOrientation (the reference evaluates its network at
// t = 1 - k/999 at its k-th step, which is index 999 - k). TrainIndex(Level(i)) = i for every i.
func (d *DDPM) Level(i int) schedules.NoiseLevel {
	u := float64(i) / float64(d.cfg.Timesteps-1)
	if d.cfg.ReferenceOrientation {
		return schedules.NoiseLevel(u)
	}
	return schedules.NoiseLevel(1 - u)
}

// SamplingIndices returns the indices at which the sampler evaluates the network, in order:
// with S = SamplingSteps and r = floor(T/S), (S-1)·r, (S-2)·r, …, r, 0 (diffusers'
// set_timesteps with "leading" spacing). With S = T they are T-1, …, 0. The step at index
// idx[k] goes to idx[k+1]; the last one (index 0) leaves the sample as it is, as the
// reference does (its last network call is made but changes nothing), so there are S-1 real
// transitions and the result is the index-0 sample, not the x0 prediction.
func (d *DDPM) SamplingIndices() []int {
	S := d.cfg.SamplingSteps
	r := d.cfg.Timesteps / S
	idx := make([]int, S)
	for k := range S {
		idx[k] = (S - 1 - k) * r
	}
	return idx
}

// AddNoise writes x_i = sqrt(ᾱ_i) x0 + sqrt(1 - ᾱ_i) eps into dst (which may alias x0 or eps).
func (d *DDPM) AddNoise(dst, x0, eps []float64, i int) error {
	if i < 0 || i >= d.cfg.Timesteps {
		return fmt.Errorf("generative: DDPM noising at index %d: %w (want in [0, %d))", i, ErrValue, d.cfg.Timesteps)
	}
	if len(x0) != len(dst) || len(eps) != len(dst) {
		return fmt.Errorf("generative: DDPM noising: %d values, %d noise values into %d: %w", len(x0), len(eps), len(dst), ErrShape)
	}
	a, b := math.Sqrt(d.alphaBar[i]), math.Sqrt(1-d.alphaBar[i])
	for k := range dst {
		dst[k] = a*x0[k] + b*eps[k]
	}
	return nil
}

// PosteriorVariance returns σ² = max((1 - ᾱ_p)/(1 - ᾱ_i) (1 - ᾱ_i/ᾱ_p), 1e-20) of the step
// from index i to index p (p < 0: ᾱ_p = 1). With p = i-1 it is β̃_i = (1 - ᾱ_{i-1})/(1 - ᾱ_i) β_i.
// It is NaN unless 0 ≤ i < T and p < i.
func (d *DDPM) PosteriorVariance(i, p int) float64 {
	if i < 0 || i >= d.cfg.Timesteps || p >= i {
		return math.NaN()
	}
	at, ap := d.AlphaBar(i), d.AlphaBar(p)
	return max((1-ap)/(1-at)*(1-at/ap), MinVariance)
}

// Step writes into dst (which may alias x) the reverse step from index i to index p < i of the
// samples x given the predicted noise eps, as DDPM describes; z is the standard normal noise
// added when i > 0 (nil means none: the posterior mean). The x0 prediction is clipped unless
// NoClip is set.
func (d *DDPM) Step(dst, x, eps []float64, i, p int, z []float64) error {
	T := d.cfg.Timesteps
	if i < 0 || i >= T || p >= i {
		return fmt.Errorf("generative: DDPM step from index %d to %d: %w (want 0 ≤ to < from < %d)", i, p, ErrValue, T)
	}
	if len(x) != len(dst) || len(eps) != len(dst) || (z != nil && len(z) != len(dst)) {
		return fmt.Errorf("generative: DDPM step: %d samples, %d noise predictions, %d noise values into %d: %w", len(x), len(eps), len(z), len(dst), ErrShape)
	}
	at, ap := d.AlphaBar(i), d.AlphaBar(p)
	bt, bp := 1-at, 1-ap
	curA := at / ap
	curB := 1 - curA
	sa, sb := math.Sqrt(at), math.Sqrt(bt)
	c0 := math.Sqrt(ap) * curB / bt
	ct := math.Sqrt(curA) * bp / bt
	var sigma float64
	if i > 0 && z != nil {
		sigma = math.Sqrt(d.PosteriorVariance(i, p))
	}
	r := d.cfg.ClipRange
	for k := range dst {
		x0 := (x[k] - sb*eps[k]) / sa
		if !d.cfg.NoClip {
			x0 = min(max(x0, -r), r)
		}
		v := c0*x0 + ct*x[k]
		if sigma != 0 {
			v += sigma * z[k]
		}
		dst[k] = v
	}
	return nil
}
