package generative

import "fmt"

// Process names a generative process.
type Process string

const (
	// ProcessDiffusion is DDPM with epsilon prediction (DDPM, DDPMConfig).
	ProcessDiffusion Process = "diffusion"
	// ProcessFlow is conditional flow matching with σ = 0 and an Euler sampler
	// (FlowMatching, FlowConfig).
	ProcessFlow Process = "flow"
)

// Validate returns an error unless p is ProcessDiffusion or ProcessFlow.
func (p Process) Validate() error {
	if p != ProcessDiffusion && p != ProcessFlow {
		return fmt.Errorf("generative: process %q: %w (want %q or %q)", string(p), ErrConfig, ProcessDiffusion, ProcessFlow)
	}
	return nil
}
