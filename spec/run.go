package spec

import (
	"fmt"

	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/models"
)

// Task says what a run generates.
type Task string

const (
	// TaskPositions generates point clouds of shape (Nodes, Dim); the graph is built on the
	// noisy positions (models.PositionDenoiser).
	TaskPositions Task = "positions"
	// TaskFeatures generates Dim features per node on fixed positions; the graph is built on
	// the positions and the network sees [features, positions] (models.FeatureDenoiser).
	TaskFeatures Task = "features"
)

// Run is everything that determines a trained network. Its JSON is a run folder's
// config.json; the field names are those of the files written before this type existed.
type Run struct {
	// Task is TaskPositions or TaskFeatures.
	Task Task `json:"task"`
	// Positions are the fixed positions of a features run, Shape.Nodes x Model.PosDim values
	// row-major; empty for a positions run.
	Positions []float64 `json:"positions,omitempty"`
	// Data says where the training data came from (a file, or a description); informative.
	Data string `json:"data"`
	// Shape is the shape of one generated sample: Nodes x Dim (Dim coordinates or features).
	Shape generative.Shape `json:"shape"`
	// Model configures the network: its architecture (Model.Arch: models.ArchReference or
	// models.ArchNCGN; "", as in files written before the field existed, is the ncgn network),
	// sizes, conv layer, activations. WithDefaults derives its In, Out and PosDim from the task
	// when all three are zero.
	Model models.DMPConfig `json:"model"`
	// Graph is the graph kind, k and, for dmp, the schedule.
	Graph graphs.PlanConfig `json:"graph"`
	// Train is the generative process and its training loop (Train.Seed fixes t, noise and
	// shuffling; Train.DDPM and Train.Flow also configure sampling).
	Train generative.TrainConfig `json:"train"`
	// Seed fixes the initial parameters.
	Seed int64 `json:"seed"`
	// Normalize, if set, is the map applied to the training data (train --normalize); sampling
	// undoes it.
	Normalize *Affine `json:"normalize,omitempty"`
}

// WithDefaults returns r with Model.In, Model.Out and Model.PosDim derived from the task when
// all three are zero: In = Out = PosDim = Shape.Dim for positions; PosDim = len(Positions) /
// Shape.Nodes, In = Shape.Dim + PosDim and Out = Shape.Dim for features. Other zero fields
// keep the defaults of the packages that read them.
func (r Run) WithDefaults() Run {
	if r.Model.In != 0 || r.Model.Out != 0 || r.Model.PosDim != 0 {
		return r
	}
	switch r.Task {
	case TaskPositions:
		r.Model.In, r.Model.Out, r.Model.PosDim = r.Shape.Dim, r.Shape.Dim, r.Shape.Dim
	case TaskFeatures:
		if r.Shape.Nodes > 0 {
			r.Model.PosDim = len(r.Positions) / r.Shape.Nodes
		}
		r.Model.In, r.Model.Out = r.Shape.Dim+r.Model.PosDim, r.Shape.Dim
	}
	return r
}

// OnPositions returns r for the same network on other fixed positions (a features run sampled
// on another grid): Positions replaced and Shape.Nodes = len(positions) / Model.PosDim.
func (r Run) OnPositions(positions []float64) (Run, error) {
	if r.Task != TaskFeatures {
		return Run{}, fmt.Errorf("spec: task %q has no fixed positions to replace: %w", r.Task, ErrConfig)
	}
	if d := r.Model.PosDim; d < 1 || len(positions) == 0 || len(positions)%d != 0 {
		return Run{}, fmt.Errorf("spec: %d position values for position dimension %d: %w", len(positions), r.Model.PosDim, ErrConfig)
	}
	r.Positions = positions
	r.Shape.Nodes = len(positions) / r.Model.PosDim
	return r, nil
}

// SampleConfig returns the sampling configuration of the run's process for count samples
// (its DDPM or flow settings); the caller sets the batch size, seed, steps and progress.
func (r Run) SampleConfig(count int) generative.SampleConfig {
	return generative.SampleConfig{Process: r.Train.Process, Count: count, DDPM: r.Train.DDPM, Flow: r.Train.Flow}
}
