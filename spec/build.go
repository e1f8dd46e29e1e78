package spec

import (
	"fmt"
	"io"

	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/models"
	"gorgonia.org/tensor"
)

// Model is a built run: the network with its freshly initialised parameters and the denoiser
// the trainer and the sampler call.
type Model struct {
	Spec     Run
	Net      *models.DMP
	Denoiser generative.Denoiser
}

// Build validates r and builds its network (float32 parameters initialised from r.Seed) and
// the denoiser of its task.
func (r Run) Build() (*Model, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	net, err := r.Network()
	if err != nil {
		return nil, err
	}
	return r.WithNetwork(net)
}

// Network returns the freshly initialised network of r (float32 parameters drawn from
// r.Seed), without a denoiser: for loading stored weights before the positions are known.
func (r Run) Network() (*models.DMP, error) {
	if err := r.validateNetwork(); err != nil {
		return nil, err
	}
	ps, err := layers.NewParams(tensor.Float32, r.Seed)
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	net, err := models.NewDMP(ps, r.Model)
	if err != nil {
		return nil, fmt.Errorf("spec: \"model\": %w (%w)", err, ErrConfig)
	}
	return net, nil
}

// WithNetwork validates r and wraps net (a network of r's architecture and sizes, e.g. from
// Network with trained weights loaded) in the denoiser of r's task, graph and positions: the
// same network trained on one grid samples on another this way.
func (r Run) WithNetwork(net *models.DMP) (*Model, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if net == nil {
		return nil, fmt.Errorf("spec: denoiser of a nil network: %w", ErrConfig)
	}
	var (
		den generative.Denoiser
		err error
	)
	switch r.Task {
	case TaskPositions:
		den, err = models.NewPositionDenoiser(net, r.Graph, r.Shape.Nodes)
	case TaskFeatures:
		den, err = models.NewFeatureDenoiser(net, r.Graph, r.Positions, r.Shape.Dim)
	}
	if err != nil {
		return nil, fmt.Errorf("spec: %w (%w)", err, ErrConfig)
	}
	return &Model{Spec: r, Net: net, Denoiser: den}, nil
}

// Params returns the network's parameters.
func (m *Model) Params() *layers.Params { return m.Net.Params() }

// NewTrainer returns a trainer of the model with the run's training configuration,
// checkpointing into runDir ("" trains in memory) and drawing a progress bar on progress
// (nil: none).
func (m *Model) NewTrainer(runDir string, progress io.Writer) (*generative.Trainer, error) {
	cfg := m.Spec.Train
	cfg.RunDir, cfg.Progress = runDir, progress
	tr, err := generative.NewTrainer(m.Denoiser, m.Spec.Shape, cfg)
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	return tr, nil
}
