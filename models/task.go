package models

import "fmt"

// Task names one of the paper's two graph experiments, whose networks have the sizes of
// TaskConfig.
type Task string

// The two graph experiments.
const (
	ModelNet40      Task = "modelnet40"      // point clouds: 3 coordinates in and out, 3-D positions
	Transcriptomics Task = "transcriptomics" // 3 genes on a (space, time) grid: genes and positions in, genes out
)

// TaskConfig returns the reference architecture's configuration of task with conv
// (docs/REFERENCE.md §3-4): ModelNet40 width 64, transcriptomics width 32, both 3 layers;
// ModelNet40 reads the noisy coordinates (x, y, z) and transcriptomics the genes and the
// positions (3 genes, space, time), t appended by the network; both predict 3 values per node.
func TaskConfig(task Task, conv Conv) (DMPConfig, error) {
	cfg := DMPConfig{Arch: ArchReference, Out: 3, Layers: 3, Conv: conv}
	switch task {
	case ModelNet40:
		cfg.In, cfg.PosDim, cfg.Width = 3, 3, 64
	case Transcriptomics:
		cfg.In, cfg.PosDim, cfg.Width = 5, 2, 32
	default:
		return DMPConfig{}, fmt.Errorf("models: task %q: %w (want %s or %s)", task, ErrConfig, ModelNet40, Transcriptomics)
	}
	if err := cfg.defaults(); err != nil {
		return DMPConfig{}, err
	}
	return cfg, nil
}
