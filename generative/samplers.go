package generative

import (
	"fmt"
	"slices"
	"strings"
)

// Samplers returns the sampler names of process p, the paper's first: "ddpm" and "ddim" for
// diffusion, "euler", "midpoint", "heun" and "dopri5" for flow matching.
func Samplers(p Process) []string {
	if p == ProcessFlow {
		return []string{string(SolverEuler), string(SolverMidpoint), string(SolverHeun), string(SolverDopri5)}
	}
	return []string{string(SamplerDDPM), string(SamplerDDIM)}
}

// WithSampler returns c sampling with the sampler name ("" keeps the configured one), DDIM's
// noise scale eta and dopri5's tolerance tol (0: the default); a name of the other process,
// or eta or tol with a sampler that has none, is an error wrapping ErrConfig that lists the
// names of c's process.
func (c SampleConfig) WithSampler(name string, eta, tol float64) (SampleConfig, error) {
	known := Samplers(c.Process)
	bad := func() (SampleConfig, error) {
		return c, fmt.Errorf("generative: sampler %q for %s: %w (want one of %s)", name, c.Process, ErrConfig, strings.Join(known, ", "))
	}
	switch {
	case name == "":
	case !slices.Contains(known, name):
		return bad()
	case c.Process == ProcessFlow:
		c.Flow.Solver = FlowSolver(name)
	default:
		c.DDPM.Sampler = DDPMSampler(name)
	}
	if eta != 0 {
		if c.Process != ProcessDiffusion || c.DDPM.Sampler != SamplerDDIM {
			return c, fmt.Errorf("generative: eta %g with sampler %q: %w (eta is DDIM's)", eta, name, ErrConfig)
		}
		c.DDPM.Eta = eta
	}
	if tol != 0 {
		if c.Process != ProcessFlow || c.Flow.Solver != SolverDopri5 {
			return c, fmt.Errorf("generative: tolerance %g with sampler %q: %w (the tolerance is dopri5's)", tol, name, ErrConfig)
		}
		c.Flow.Tolerance = tol
	}
	return c, nil
}
