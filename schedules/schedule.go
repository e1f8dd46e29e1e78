package schedules

import (
	"fmt"
	"math"
)

// Kind names the functional form of an adaptive schedule (the paper's Figure 5 and Table 2).
type Kind string

// The four schedule forms of the paper.
const (
	Linear Kind = "linear" // s_t = s_0 + (N - s_0) t
	Exp    Kind = "exp"    // s_t = s_0 + (N - s_0) (e^{c t} - 1) / (e^c - 1); the paper's default
	Log    Kind = "log"    // s_t = s_0 + (N - s_0) ln(c t + 1) / ln(c + 1)
	ReLU   Kind = "relu"   // s_t = s_0 up to the split, then linear up to N
)

// Kinds lists the schedule forms in the order of the paper's Table 2.
var Kinds = []Kind{Linear, Exp, Log, ReLU}

// Default values of the optional Config fields.
const (
	DefaultCurvature = 10.0 // c of the exp and log forms
	DefaultSplit     = 0.6  // where the relu form leaves s_0
)

// maxKN bounds k N so that it and the supernode counts stay exact in a float64.
const maxKN = 1 << 52

// Config configures an adaptive schedule f(t, r_0, r_1, s_0, s_1) with the paper's linear-time
// boundary conditions (Section 4.1, "Linear Time Complexity"):
//
//	s_0 = sqrt(k N) supernodes at t = 0 (pure noise), s_1 = N at t = 1 (data),
//	k_t = ceil(k N / s_t) neighbours, so that s_t k_t stays about k N.
//
// Zero values of the optional fields mean their defaults.
type Config struct {
	Kind      Kind    `json:"kind"`                // linear, exp, log or relu
	Nodes     int     `json:"nodes"`               // N, the number of original nodes; >= 1
	K         int     `json:"k"`                   // k = k_end, the neighbours at full resolution; >= 1
	Curvature float64 `json:"curvature,omitempty"` // c of exp and log; default 10, must be > 0
	Split     float64 `json:"split,omitempty"`     // t where relu starts to rise; default 0.6, in (0, 1)
}

// withDefaults returns cfg with the zero optional fields set to their defaults.
func (cfg Config) withDefaults() Config {
	if cfg.Curvature == 0 {
		cfg.Curvature = DefaultCurvature
	}
	if cfg.Split == 0 {
		cfg.Split = DefaultSplit
	}
	return cfg
}

// Validate reports, wrapping ErrConfig, what makes cfg unusable (after defaults are applied).
func (cfg Config) Validate() error {
	cfg = cfg.withDefaults()
	switch {
	case cfg.Nodes < 1:
		return fmt.Errorf("schedules: %s schedule: nodes N = %d, want >= 1: %w", cfg.Kind, cfg.Nodes, ErrConfig)
	case cfg.K < 1:
		return fmt.Errorf("schedules: %s schedule: neighbours k = %d, want >= 1: %w", cfg.Kind, cfg.K, ErrConfig)
	case float64(cfg.Nodes)*float64(cfg.K) > maxKN:
		return fmt.Errorf("schedules: %s schedule: k N = %d x %d too large: %w", cfg.Kind, cfg.K, cfg.Nodes, ErrConfig)
	}
	switch cfg.Kind {
	case Linear:
	case Exp, Log:
		if !(cfg.Curvature > 0) || math.IsInf(cfg.Curvature, 0) {
			return fmt.Errorf("schedules: %s schedule: curvature %v, want a finite number > 0: %w", cfg.Kind, cfg.Curvature, ErrConfig)
		}
		if cfg.Kind == Exp && cfg.Curvature > 700 { // e^c overflows near 709.8
			return fmt.Errorf("schedules: exp schedule: curvature %v, want <= 700: %w", cfg.Curvature, ErrConfig)
		}
	case ReLU:
		if !(cfg.Split > 0 && cfg.Split < 1) {
			return fmt.Errorf("schedules: relu schedule: split %v, want 0 < split < 1: %w", cfg.Split, ErrConfig)
		}
	default:
		return fmt.Errorf("schedules: unknown schedule kind %q (want linear, exp, log or relu): %w", cfg.Kind, ErrConfig)
	}
	return nil
}

// Step is what a schedule prescribes at one noise level: s_t supernodes, each connected to its
// k_t nearest neighbours. Supernodes == Nodes means no clustering.
type Step struct {
	Supernodes int `json:"supernodes"` // s_t, in [ceil(s_0), N]
	Neighbours int `json:"neighbours"` // k_t >= k
}

// EdgeBudget returns s_t k_t, the number of coarse edges the schedule budgets for; it stays
// within rounding of k N. Voxel clustering usually yields fewer than s_t supernodes.
func (s Step) EdgeBudget() int { return s.Supernodes * s.Neighbours }

// Schedule is an adaptive range/resolution schedule: At gives (s_t, k_t) at noise level t.
// Every Schedule made by New satisfies the paper's constraints: s_t is non-decreasing and k_t
// non-increasing in t (monotonicity), At(0) = (ceil(s_0), ceil(k N / s_0)) and At(1) = (N, k)
// (boundary conditions), and k N <= s_t k_t < k N + s_t + k_t.
type Schedule interface {
	// At returns the step at noise level t (t = 0 pure noise, t = 1 data). A t outside
	// [0, 1] is clamped into it (NaN counts as 0); validate t with NoiseLevel.Validate.
	At(t NoiseLevel) Step
	// Config returns the configuration with defaults filled in.
	Config() Config
}

// New returns the schedule cfg describes, or an error wrapping ErrConfig.
func New(cfg Config) (Schedule, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	b := newBoundary(cfg)
	switch cfg.Kind {
	case Linear:
		return linearSchedule{b}, nil
	case Exp:
		return newExpSchedule(b), nil
	case Log:
		return newLogSchedule(b), nil
	default: // ReLU; Validate rejected everything else
		return reluSchedule{b}, nil
	}
}

// boundary holds the linear-time boundary conditions shared by all forms and turns an
// interpolation fraction into a Step.
type boundary struct {
	cfg  Config
	n    float64 // N
	kn   float64 // k N
	s0   float64 // sqrt(k N), capped at N (k >= N leaves the graph at full resolution)
	s0up int     // ceil(s0)
}

func newBoundary(cfg Config) boundary {
	n := float64(cfg.Nodes)
	kn := n * float64(cfg.K)
	s0 := math.Min(math.Sqrt(kn), n)
	return boundary{cfg: cfg, n: n, kn: kn, s0: s0, s0up: int(math.Ceil(s0))}
}

// Config returns the configuration with defaults filled in.
func (b boundary) Config() Config { return b.cfg }

// clampT maps t into [0, 1]; NaN goes to 0.
func clampT(t NoiseLevel) float64 {
	x := float64(t)
	if !(x > 0) {
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}

// target returns the unrounded s_t = s_0 + (N - s_0) frac for an interpolation fraction frac
// in [0, 1]; frac <= 0 gives s_0 and frac >= 1 gives N exactly, so the boundary conditions hold
// without rounding error. The form s_0 + (N - s_0) frac is monotone in frac in floating point.
func (b boundary) target(frac float64) float64 {
	if !(frac > 0) {
		return b.s0
	}
	if frac >= 1 {
		return b.n
	}
	u := b.s0 + (b.n-b.s0)*frac
	return math.Min(math.Max(u, b.s0), b.n)
}

// step rounds an unrounded target u: s_t = ceil(u), and k_t = ceil(k N / u) when
// unroundedK (the reference's exp and log forms) or ceil(k N / s_t) otherwise.
func (b boundary) step(u float64, unroundedK bool) Step {
	s := int(math.Ceil(u))
	s = min(max(s, b.s0up), b.cfg.Nodes)
	div := float64(s)
	if unroundedK {
		div = u
	}
	k := int(math.Ceil(b.kn / div))
	return Step{Supernodes: s, Neighbours: max(k, b.cfg.K)}
}
