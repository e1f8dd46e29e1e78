package generative

import (
	"fmt"

	"github.com/ncgn/ncgn/schedules"
)

// DefaultFlowSteps is the reference's number of Euler steps.
const DefaultFlowSteps = 200

// FlowConfig configures FlowMatching; zero values are the defaults.
type FlowConfig struct {
	Steps int `json:"steps"` // S, the number of Euler steps (network evaluations); default 200
	// ReferenceGrid evaluates the velocity at t_i = i/(S-1) instead of i/S (the step stays
	// 1/S), as the reference does (t = i/199 with step 1/200): its last evaluation is at t = 1
	// and the grid does not match the step. Needs S ≥ 2.
	ReferenceGrid bool `json:"reference_grid"`
	// Solver integrates the sampling ODE over the S steps: "" or "euler" (the paper's: one
	// evaluation per step), "midpoint" or "heun" (second order, two evaluations per step:
	// 2S in all). ReferenceGrid needs Euler.
	Solver FlowSolver `json:"solver,omitempty"`
	// Tolerance is the relative and absolute local error per step of the dopri5 solver;
	// default 1e-3.
	Tolerance float64 `json:"tolerance,omitempty"`
}

// FlowSolver names the ODE solver of FlowConfig.Solver.
type FlowSolver string

// The solvers of the flow-matching sampler.
const (
	SolverEuler    FlowSolver = "euler"
	SolverMidpoint FlowSolver = "midpoint"
	SolverHeun     FlowSolver = "heun"
	// SolverDopri5 is the adaptive Dormand-Prince 5(4) method: Steps sets its first step
	// (1/Steps), Tolerance its relative and absolute error per step, and the evaluations it
	// makes depend on the samples.
	SolverDopri5 FlowSolver = "dopri5"
)

// Evaluations returns the network evaluations per step of the solver: 1 (Euler) or 2.
func (s FlowSolver) Evaluations() int {
	if s == SolverMidpoint || s == SolverHeun {
		return 2
	}
	return 1
}

// WithDefaults returns c with its zero fields set to the defaults.
func (c FlowConfig) WithDefaults() FlowConfig {
	if c.Steps == 0 {
		c.Steps = DefaultFlowSteps
	}
	if c.Tolerance == 0 && c.Solver == SolverDopri5 {
		c.Tolerance = DefaultTolerance
	}
	return c
}

// Validate checks S ≥ 1 (S ≥ 2 with ReferenceGrid). Call it on a config with defaults applied.
func (c FlowConfig) Validate() error {
	if c.Steps < 1 || (c.ReferenceGrid && c.Steps < 2) {
		return fmt.Errorf("generative: flow config steps = %d: %w (want ≥ 1, ≥ 2 with reference_grid)", c.Steps, ErrConfig)
	}
	switch c.Solver {
	case "", SolverEuler:
	case SolverMidpoint, SolverHeun, SolverDopri5:
		if c.ReferenceGrid {
			return fmt.Errorf("generative: flow config solver %q with reference_grid: %w (the reference's grid is Euler's)", c.Solver, ErrConfig)
		}
	default:
		return fmt.Errorf("generative: flow config solver = %q: %w (want %q, %q, %q or %q)", c.Solver, ErrConfig, SolverEuler, SolverMidpoint, SolverHeun, SolverDopri5)
	}
	if c.Solver == SolverDopri5 && !(c.Tolerance > 0 && c.Tolerance < 1) {
		return fmt.Errorf("generative: flow config tolerance = %v: %w (want in (0, 1))", c.Tolerance, ErrConfig)
	}
	if c.Solver != SolverDopri5 && c.Tolerance != 0 {
		return fmt.Errorf("generative: flow config tolerance = %v with solver %q: %w (tolerance is dopri5's)", c.Tolerance, c.Solver, ErrConfig)
	}
	return nil
}

// FlowMatching is conditional flow matching with σ = 0 (Lipman et al., 2023; the "CFM" path of
// Tong et al., 2024, torchcfm's ConditionalFlowMatcher(sigma=0)): the probability path from
// noise x_0 ~ N(0, I) at t = 0 to data x_1 at t = 1,
//
//	x_t = t x_1 + (1 - t) x_0,   u_t(x_t | x_0, x_1) = x_1 - x_0,
//
// whose target velocity the network regresses; sampling integrates dx/dt = v(x, t) from
// t = 0 to 1 with S Euler steps
//
//	x ← x + h v(x, t_i),   h = 1/S,   t_i = i/S,   i = 0 … S-1
//
// (t_i = i/(S-1) with ReferenceGrid). It holds no parameters.
type FlowMatching struct {
	cfg    FlowConfig
	levels []schedules.NoiseLevel // Levels(), computed once
}

// NewFlowMatching returns the process for cfg; zero fields take the defaults.
func NewFlowMatching(cfg FlowConfig) (*FlowMatching, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	f := &FlowMatching{cfg: cfg}
	f.levels = f.Levels()
	return f, nil
}

// Config returns the configuration in use, defaults applied.
func (f *FlowMatching) Config() FlowConfig { return f.cfg }

// Interpolate writes x_t = t x1 + (1 - t) x0 into dst (which may alias x0 or x1).
func (f *FlowMatching) Interpolate(dst, x0, x1 []float64, t schedules.NoiseLevel) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("generative: flow path: %v: %w", err, ErrValue)
	}
	if len(x0) != len(dst) || len(x1) != len(dst) {
		return fmt.Errorf("generative: flow path: %d noise and %d data values into %d: %w", len(x0), len(x1), len(dst), ErrShape)
	}
	tt := float64(t)
	for k := range dst {
		dst[k] = tt*x1[k] + (1-tt)*x0[k]
	}
	return nil
}

// Target writes the target velocity x1 - x0 into dst (which may alias x0 or x1).
func (f *FlowMatching) Target(dst, x0, x1 []float64) error {
	if len(x0) != len(dst) || len(x1) != len(dst) {
		return fmt.Errorf("generative: flow target: %d noise and %d data values into %d: %w", len(x0), len(x1), len(dst), ErrShape)
	}
	for k := range dst {
		dst[k] = x1[k] - x0[k]
	}
	return nil
}

// Grid returns the S levels t_i at which the sampler evaluates the velocity, in order.
func (f *FlowMatching) Grid() []schedules.NoiseLevel {
	S := f.cfg.Steps
	den := float64(S)
	if f.cfg.ReferenceGrid {
		den = float64(S - 1)
	}
	g := make([]schedules.NoiseLevel, S)
	for i := range g {
		g[i] = schedules.NoiseLevel(float64(i) / den)
	}
	return g
}

// StepSize returns h = 1/S.
func (f *FlowMatching) StepSize() float64 { return 1 / float64(f.cfg.Steps) }

// Step applies one Euler step x ← x + h v in place.
func (f *FlowMatching) Step(x, v []float64) error {
	if len(v) != len(x) {
		return fmt.Errorf("generative: Euler step: %d velocities for %d values: %w", len(v), len(x), ErrShape)
	}
	h := f.StepSize()
	for k := range x {
		x[k] += h * v[k]
	}
	return nil
}
