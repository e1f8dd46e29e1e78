package schedules

import (
	"fmt"
	"math"
)

// PatchConfig configures the DiT-DMP patch-size / neighbourhood schedule (the paper's
// Section 5.3 and Appendix B.4; docs/REFERENCE.md §8). Zero values mean the defaults, which are the
// reference's: 32x32 latents, a coarsest patch of 4, curvature 10, 1000 DDPM steps.
type PatchConfig struct {
	Latent     int     `json:"latent,omitempty"`      // side of the square latent image; default 32
	MaxPatch   int     `json:"max_patch,omitempty"`   // coarsest patch size (the baseline DiT's); default 4, a power of two dividing Latent
	Curvature  float64 `json:"curvature,omitempty"`   // c of the exponential interpolation; default 10
	TrainSteps int     `json:"train_steps,omitempty"` // DDPM steps T; default 1000
}

// PatchStep is what the DiT-DMP schedule prescribes at one noise level.
type PatchStep struct {
	Patch  int `json:"patch"`  // patch size p in {MaxPatch, MaxPatch/2, ..., 1}
	Side   int `json:"side"`   // tokens per side, Latent / p
	Tokens int `json:"tokens"` // Side^2
	// Neighbours is k = B / Tokens, the keys per query that keep the attention pairs equal to
	// the baseline's B = (Latent/MaxPatch)^4 (full attention at the coarsest patch).
	Neighbours int `json:"neighbours"`
	// Kernel is the odd neighbourhood-attention window side: floor(sqrt(k)), made odd by adding
	// 1 when even, and reduced to the largest odd number <= Side when too wide. For the defaults
	// this is the reference's mapping 8 -> 7, 4 -> 5, 2 -> 3.
	Kernel int `json:"kernel"`
	Pairs  int `json:"pairs"` // query-key pairs, Tokens * Kernel^2 (3136, 6400, 9216 by default)
	// MatchedKernel is the cost-matched window: the largest odd side w whose pairs,
	// Tokens * min(w, Side)^2, stay within the baseline's B (a window at least Side wide is full
	// attention; window 1 when even that exceeds B, one pair per token). For the defaults: 9
	// (full attention on 8x8), 3, 1 with 4096, 2304 and 1024 pairs: the finest patching can
	// afford no neighbours but the token itself.
	MatchedKernel int `json:"matched_kernel"`
	MatchedPairs  int `json:"matched_pairs"`
}

// PatchSchedule gives the DiT-DMP patch size and attention neighbourhood for a noise level.
// With t' the noise level (t' = (T - step)/T for a DDPM step, so t' = 0 is pure noise), the
// token count is interpolated exponentially between the coarsest and the finest patching,
//
//	n(t') = (L^2 - n_0) (e^{c t'} - 1) / (e^c - 1) + n_0,   n_0 = (L / MaxPatch)^2,
//
// and rounded to the nearest admissible count (L/p)^2, the thresholds being the midpoints
// between neighbouring counts (160 and 640 for 64, 256, 1024). With the defaults the patch is
// 4 for DDPM steps 231..999, 2 for 52..230 and 1 for 0..51.
type PatchSchedule struct {
	cfg    PatchConfig
	tokens []int // admissible token counts, coarse to fine
	denom  float64
}

// NewPatchSchedule returns the DiT-DMP schedule cfg describes, or an error wrapping ErrConfig.
func NewPatchSchedule(cfg PatchConfig) (*PatchSchedule, error) {
	if cfg.Latent == 0 {
		cfg.Latent = 32
	}
	if cfg.MaxPatch == 0 {
		cfg.MaxPatch = 4
	}
	if cfg.Curvature == 0 {
		cfg.Curvature = DefaultCurvature
	}
	if cfg.TrainSteps == 0 {
		cfg.TrainSteps = 1000
	}
	switch {
	case cfg.Latent < 1 || cfg.Latent > 1<<12:
		return nil, fmt.Errorf("schedules: patch schedule: latent side %d, want 1..4096: %w", cfg.Latent, ErrConfig)
	case cfg.MaxPatch < 1 || cfg.MaxPatch&(cfg.MaxPatch-1) != 0 || cfg.Latent%cfg.MaxPatch != 0:
		return nil, fmt.Errorf("schedules: patch schedule: max patch %d, want a power of two dividing the latent side %d: %w", cfg.MaxPatch, cfg.Latent, ErrConfig)
	case !(cfg.Curvature > 0) || cfg.Curvature > 700:
		return nil, fmt.Errorf("schedules: patch schedule: curvature %v, want 0 < c <= 700: %w", cfg.Curvature, ErrConfig)
	case cfg.TrainSteps < 1:
		return nil, fmt.Errorf("schedules: patch schedule: %d DDPM steps, want >= 1: %w", cfg.TrainSteps, ErrConfig)
	}
	s := &PatchSchedule{cfg: cfg, denom: math.Exp(cfg.Curvature) - 1}
	for p := cfg.MaxPatch; p >= 1; p /= 2 {
		side := cfg.Latent / p
		s.tokens = append(s.tokens, side*side)
	}
	return s, nil
}

// Config returns the configuration with defaults filled in.
func (s *PatchSchedule) Config() PatchConfig { return s.cfg }

// At returns the patching at noise level t (t = 0 pure noise, t = 1 data); t is clamped into
// [0, 1].
func (s *PatchSchedule) At(t NoiseLevel) PatchStep {
	x := clampT(t)
	n0 := float64(s.tokens[0])
	l2 := float64(s.cfg.Latent * s.cfg.Latent)
	n := (l2-n0)*(math.Exp(s.cfg.Curvature*x)-1)/s.denom + n0
	i := 0
	for i+1 < len(s.tokens) && n >= float64(s.tokens[i]+s.tokens[i+1])/2 {
		i++
	}
	return s.step(i)
}

// ForPatch returns the patching of patch size p (one of MaxPatch, MaxPatch/2, …, 1) wherever
// the schedule chooses it, or an error wrapping ErrConfig for another size.
func (s *PatchSchedule) ForPatch(p int) (PatchStep, error) {
	for i := range s.tokens {
		if s.cfg.MaxPatch>>i == p {
			return s.step(i), nil
		}
	}
	return PatchStep{}, fmt.Errorf("schedules: patch schedule: patch size %d, want a power of two from %d down to 1: %w", p, s.cfg.MaxPatch, ErrConfig)
}

// step returns the patching of the i-th admissible token count (0: the coarsest).
func (s *PatchSchedule) step(i int) PatchStep {
	p := s.cfg.MaxPatch >> i
	side := s.cfg.Latent / p
	tokens := side * side
	k := s.tokens[0] * s.tokens[0] / tokens
	kernel := int(math.Sqrt(float64(k)))
	for kernel*kernel > k { // exact integer floor of the root
		kernel--
	}
	for (kernel+1)*(kernel+1) <= k {
		kernel++
	}
	if kernel%2 == 0 {
		kernel++
	}
	if kernel > side {
		kernel = side
		if kernel%2 == 0 {
			kernel--
		}
	}
	budget := s.tokens[0] * s.tokens[0]
	matched := 1
	for w := 3; ; w += 2 {
		e := min(w, side)
		if tokens*e*e > budget {
			break
		}
		matched = w
		if w >= side {
			break
		}
	}
	me := min(matched, side)
	return PatchStep{Patch: p, Side: side, Tokens: tokens, Neighbours: k, Kernel: kernel, Pairs: tokens * kernel * kernel,
		MatchedKernel: matched, MatchedPairs: tokens * me * me}
}

// StepLevel returns the noise level t' = (T - step)/T of a DDPM step in [0, T-1] (step T-1 is
// the noisiest), or an error wrapping ErrConfig for a step outside that range.
func (s *PatchSchedule) StepLevel(step int) (NoiseLevel, error) {
	if step < 0 || step >= s.cfg.TrainSteps {
		return 0, fmt.Errorf("schedules: patch schedule: DDPM step %d outside [0, %d]: %w", step, s.cfg.TrainSteps-1, ErrConfig)
	}
	return NoiseLevel(float64(s.cfg.TrainSteps-step) / float64(s.cfg.TrainSteps)), nil
}

// AtStep returns the patching at a DDPM step in [0, T-1], as the reference's DiT-DMP does.
func (s *PatchSchedule) AtStep(step int) (PatchStep, error) {
	t, err := s.StepLevel(step)
	if err != nil {
		return PatchStep{}, err
	}
	return s.At(t), nil
}
