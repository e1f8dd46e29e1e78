package optim

import (
	"fmt"
	"math"
)

// Kind selects how weight decay enters the Adam update.
type Kind string

const (
	// KindAdam is torch.optim.Adam: weight decay is an L2 penalty added to the gradient,
	// g ← g + λ·p, before the moments are updated.
	KindAdam Kind = "adam"
	// KindAdamW is torch.optim.AdamW (Loshchilov & Hutter, 2019): decoupled weight decay,
	// p ← p·(1 - lr·λ) before the Adam update; the moments never see λ.
	KindAdamW Kind = "adamw"
)

// Defaults of Config, PyTorch's.
const (
	DefaultLR    = 1e-3
	DefaultBeta1 = 0.9
	DefaultBeta2 = 0.999
	DefaultEps   = 1e-8
)

// Config configures Adam or AdamW; zero values are the defaults (PyTorch's), so a Config
// written to a run's JSON record after WithDefaults states every value used. Weight decay 0
// means none for both kinds (PyTorch's AdamW defaults to 1e-2; set it explicitly).
type Config struct {
	Kind        Kind    `json:"kind"`         // "adam" (default) or "adamw"
	LR          float64 `json:"lr"`           // base learning rate; default 1e-3
	Beta1       float64 `json:"beta1"`        // first-moment decay; default 0.9
	Beta2       float64 `json:"beta2"`        // second-moment decay; default 0.999
	Eps         float64 `json:"eps"`          // added to sqrt of the corrected second moment; default 1e-8
	WeightDecay float64 `json:"weight_decay"` // λ: L2 (adam) or decoupled (adamw); default 0
	// WarmupSteps is W of the linear warm-up (see Warmup): the step with 0-based index k runs
	// at lr·min(k, W)/W. 0 (the default) means no warm-up; the reference uses 10.
	WarmupSteps int `json:"warmup_steps"`
}

// WithDefaults returns c with every zero field that has a default set to it.
func (c Config) WithDefaults() Config {
	if c.Kind == "" {
		c.Kind = KindAdam
	}
	if c.LR == 0 {
		c.LR = DefaultLR
	}
	if c.Beta1 == 0 {
		c.Beta1 = DefaultBeta1
	}
	if c.Beta2 == 0 {
		c.Beta2 = DefaultBeta2
	}
	if c.Eps == 0 {
		c.Eps = DefaultEps
	}
	return c
}

// Validate checks the ranges PyTorch checks (lr ≥ 0, eps ≥ 0, 0 ≤ β < 1, λ ≥ 0) plus
// finiteness, and W ≥ 0. Call it on a Config with defaults applied.
func (c Config) Validate() error {
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("optim: config %s = %v (want %s): %w", field, v, want, ErrConfig)
	}
	switch {
	case c.Kind != KindAdam && c.Kind != KindAdamW:
		return bad("kind", fmt.Sprintf("%q", c.Kind), `"adam" or "adamw"`)
	case !finiteIn(c.LR, 0, math.MaxFloat64):
		return bad("lr", c.LR, "finite, ≥ 0")
	case !finiteIn(c.Beta1, 0, math.Nextafter(1, 0)):
		return bad("beta1", c.Beta1, "in [0, 1)")
	case !finiteIn(c.Beta2, 0, math.Nextafter(1, 0)):
		return bad("beta2", c.Beta2, "in [0, 1)")
	case !finiteIn(c.Eps, 0, math.MaxFloat64):
		return bad("eps", c.Eps, "finite, ≥ 0")
	case !finiteIn(c.WeightDecay, 0, math.MaxFloat64):
		return bad("weight_decay", c.WeightDecay, "finite, ≥ 0")
	case c.WarmupSteps < 0:
		return bad("warmup_steps", c.WarmupSteps, "≥ 0")
	}
	return nil
}

// finiteIn reports lo ≤ v ≤ hi for a finite v (false for NaN).
func finiteIn(v, lo, hi float64) bool { return v >= lo && v <= hi }
