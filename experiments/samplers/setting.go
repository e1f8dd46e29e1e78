package samplers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ncgn/ncgn/generative"
)

// Setting is one way of sampling: a sampler of the generative package (generative.Samplers),
// its steps (levels for DDPM and DDIM, steps of the ODE solvers, the first step 1/Steps of
// dopri5) and dopri5's tolerance.
type Setting struct {
	Sampler   string  `json:"sampler"`
	Steps     int     `json:"steps"`
	Tolerance float64 `json:"tolerance,omitempty"`
}

// Key names the setting in cell names and files, e.g. "ddim-50", "heun-10", "dopri5-tol1e-03".
func (s Setting) Key() string {
	if s.Sampler == string(generative.SolverDopri5) {
		return fmt.Sprintf("%s-tol%.0e", s.Sampler, s.Tolerance)
	}
	return fmt.Sprintf("%s-%d", s.Sampler, s.Steps)
}

// Title names the setting for people, e.g. "DDIM, 50 steps" or "dopri5, tolerance 1e-03".
func (s Setting) Title() string {
	name := strings.ToUpper(s.Sampler)
	if s.Sampler != string(generative.SamplerDDPM) && s.Sampler != string(generative.SamplerDDIM) {
		name = s.Sampler
	}
	if s.Sampler == string(generative.SolverDopri5) {
		return name + ", tolerance " + strconv.FormatFloat(s.Tolerance, 'e', 0, 64)
	}
	if s.Steps == 1 {
		return name + ", 1 step"
	}
	return fmt.Sprintf("%s, %d steps", name, s.Steps)
}

// EvalsPerStep is the number of network evaluations per step of a fixed-step sampler, 0 for
// the adaptive dopri5 (its evaluations are counted while it samples).
func (s Setting) EvalsPerStep() int {
	switch generative.FlowSolver(s.Sampler) {
	case generative.SolverMidpoint, generative.SolverHeun:
		return 2
	case generative.SolverDopri5:
		return 0
	}
	return 1
}

// Validate checks the setting for process p.
func (s Setting) Validate(p generative.Process) error {
	cfg := generative.SampleConfig{Process: p}
	tol := 0.0
	if s.Sampler == string(generative.SolverDopri5) {
		tol = s.Tolerance
		if !(tol > 0) {
			return fmt.Errorf("samplers: setting %s: tolerance %g (want > 0): %w", s.Key(), tol, errConfig)
		}
	} else if s.Tolerance != 0 {
		return fmt.Errorf("samplers: setting %s: a tolerance is dopri5's: %w", s.Key(), errConfig)
	}
	if _, err := cfg.WithSampler(s.Sampler, 0, tol); err != nil {
		return fmt.Errorf("samplers: setting %s: %v: %w", s.Key(), err, errConfig)
	}
	if s.Steps < 1 {
		return fmt.Errorf("samplers: setting %s: %d steps (want ≥ 1): %w", s.Key(), s.Steps, errConfig)
	}
	return nil
}

// grid returns the settings of one sampler at each number of steps.
func grid(sampler string, steps ...int) []Setting {
	out := make([]Setting, len(steps))
	for i, n := range steps {
		out[i] = Setting{Sampler: sampler, Steps: n}
	}
	return out
}

// tolerances returns dopri5 at each tolerance, its first step 1/steps.
func tolerances(steps int, tols ...float64) []Setting {
	out := make([]Setting, len(tols))
	for i, t := range tols {
		out[i] = Setting{Sampler: string(generative.SolverDopri5), Steps: steps, Tolerance: t}
	}
	return out
}
