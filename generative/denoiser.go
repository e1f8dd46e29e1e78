package generative

import (
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/schedules"
	"gorgonia.org/gorgonia"
)

// Denoiser is a network that predicts, for a batch of B noisy samples x_t (each Nodes x Dim
// values, row-major, concatenated), the model output (epsilon for DDPM, velocity for flow
// matching) as a node of shape [B*Nodes, Dim] built in the given scope.
//
// t holds one noise level per sample (t = 0 noise, t = 1 data; under DDPMConfig's
// ReferenceOrientation the reverse, see there). graphSeed fixes every random draw the denoiser
// makes (long-short range edges): the trainer derives it from (seed, step) and the sampler from
// (seed, level, first sample of the batch), so a denoiser keeps no mutable state and a resumed
// run draws what the uninterrupted one drew. Forward must not keep xt: the loops reuse it.
// The parameters the node depends on must come from Params (bound through the scope), so that
// the training loop can update them and the sampler can swap in their EMA.
type Denoiser interface {
	Forward(s *layers.Scope, xt []float64, batch int, t []schedules.NoiseLevel, graphSeed int64) (*gorgonia.Node, error)
	Params() *layers.Params
}
