package generative

import (
	"fmt"
	"strings"
)

// Samplers returns the sampler names of process p, the paper's first: "ddpm" and "ddim" for
// diffusion, "euler", "midpoint" and "heun" for flow matching.
func Samplers(p Process) []string {
	if p == ProcessFlow {
		return []string{string(SolverEuler), string(SolverMidpoint), string(SolverHeun)}
	}
	return []string{string(SamplerDDPM), string(SamplerDDIM)}
}

// WithSampler returns c sampling with the sampler name ("" keeps the configured one) and, for
// DDIM, the noise scale eta; a name of the other process, or eta with another sampler, is an
// error wrapping ErrConfig that lists the names of c's process.
func (c SampleConfig) WithSampler(name string, eta float64) (SampleConfig, error) {
	known := Samplers(c.Process)
	bad := func() (SampleConfig, error) {
		return c, fmt.Errorf("generative: sampler %q for %s: %w (want one of %s)", name, c.Process, ErrConfig, strings.Join(known, ", "))
	}
	switch {
	case name == "":
	case c.Process == ProcessFlow && (name == string(SolverEuler) || name == string(SolverMidpoint) || name == string(SolverHeun)):
		c.Flow.Solver = FlowSolver(name)
	case c.Process == ProcessDiffusion && (name == string(SamplerDDPM) || name == string(SamplerDDIM)):
		c.DDPM.Sampler = DDPMSampler(name)
	default:
		return bad()
	}
	if eta != 0 {
		if c.Process != ProcessDiffusion || c.DDPM.Sampler != SamplerDDIM {
			return c, fmt.Errorf("generative: eta %g with sampler %q: %w (eta is DDIM's)", eta, name, ErrConfig)
		}
		c.DDPM.Eta = eta
	}
	return c, nil
}
