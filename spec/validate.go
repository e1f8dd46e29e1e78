package spec

import (
	"fmt"

	"github.com/ncgn/ncgn/models"
)

// Limits on the sizes a run may declare: a hand-edited config.json asking for more is refused
// before anything is allocated.
const (
	MaxNodes  = 1 << 20 // nodes per sample
	MaxDim    = 1 << 12 // coordinates or features per node
	MaxWidth  = 1 << 12 // hidden width
	MaxLayers = 1 << 10 // message-passing layers
	// MaxParams bounds the network's size estimated as 16·(layers+2)·width² values (a layer of
	// the DMP network holds about 16 width² weights), 1 GiB of float32.
	MaxParams = 1 << 28
)

// Validate reports, wrapping ErrConfig and naming the config.json field, what makes r
// unusable: an unknown architecture, task, conv or process, a sample shape or positions that
// do not fit the task, network sizes that do not fit the shape, or a bad graph.
func (r Run) Validate() error {
	if err := r.validateNetwork(); err != nil {
		return err
	}
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("spec: %q = %v: %w (want %s)", field, v, ErrConfig, want)
	}
	if err := r.Shape.Validate(); err != nil {
		return fmt.Errorf("spec: \"shape\": %w (%w)", err, ErrConfig)
	}
	if r.Shape.Nodes > MaxNodes || r.Shape.Dim > MaxDim {
		return fmt.Errorf("spec: \"shape\" nodes %d, dim %d: %w (want at most %d nodes and %d values per node)", r.Shape.Nodes, r.Shape.Dim, ErrConfig, MaxNodes, MaxDim)
	}
	m, s := r.Model, r.Shape
	switch r.Task {
	case TaskPositions:
		if len(r.Positions) > 0 {
			return bad("positions", fmt.Sprintf("%d values", len(r.Positions)), "none for task positions")
		}
		if s.Dim > 3 {
			return bad("shape.dim", s.Dim, "1, 2 or 3 coordinates for task positions")
		}
		if m.In != s.Dim || m.Out != s.Dim || m.PosDim != s.Dim {
			return fmt.Errorf("spec: \"model\" in %d, out %d, pos_dim %d: %w (want all = shape.dim %d for task positions)", m.In, m.Out, m.PosDim, ErrConfig, s.Dim)
		}
	case TaskFeatures:
		if len(r.Positions) != s.Nodes*m.PosDim {
			return fmt.Errorf("spec: \"positions\" has %d values: %w (want shape.nodes %d x model.pos_dim %d)", len(r.Positions), ErrConfig, s.Nodes, m.PosDim)
		}
		if m.In != s.Dim+m.PosDim || m.Out != s.Dim {
			return fmt.Errorf("spec: \"model\" in %d, out %d: %w (want in = shape.dim + pos_dim = %d, out = shape.dim = %d for task features)", m.In, m.Out, ErrConfig, s.Dim+m.PosDim, s.Dim)
		}
	}
	if err := r.Graph.Validate(); err != nil {
		return fmt.Errorf("spec: \"graph\": %w (%w)", err, ErrConfig)
	}
	if err := r.Train.Process.Validate(); err != nil {
		return fmt.Errorf("spec: \"train.process\": %w (%w)", err, ErrConfig)
	}
	if m.In > MaxDim+MaxDim || m.Out > MaxDim || m.PosDim > MaxDim || m.Width > MaxWidth || m.Layers > MaxLayers {
		return fmt.Errorf("spec: \"model\" in %d, out %d, pos_dim %d, width %d, layers %d: %w (want at most %d values in or out, width %d, layers %d)",
			m.In, m.Out, m.PosDim, m.Width, m.Layers, ErrConfig, MaxDim, MaxWidth, MaxLayers)
	}
	if est := 16 * int64(m.Layers+2) * int64(m.Width) * int64(m.Width); est > MaxParams {
		return fmt.Errorf("spec: \"model\" width %d, layers %d: about %d parameters: %w (want at most %d)", m.Width, m.Layers, est, ErrConfig, MaxParams)
	}
	return nil
}

// validateNetwork checks what Network needs: the architecture, the task, the conv layer and
// positive network sizes.
func (r Run) validateNetwork() error {
	switch r.Model.Arch {
	case "", models.ArchNCGN, models.ArchReference:
	default:
		return fmt.Errorf("spec: \"model.arch\" = %q: unknown network architecture: %w (want %q, %q, or \"\" for %[3]q)",
			r.Model.Arch, ErrConfig, models.ArchReference, models.ArchNCGN)
	}
	if r.Task != TaskPositions && r.Task != TaskFeatures {
		return fmt.Errorf("spec: \"task\" = %q: %w (want %q or %q)", r.Task, ErrConfig, TaskPositions, TaskFeatures)
	}
	m := r.Model
	if c := m.Conv; c != "" && c != models.GCN && c != models.GAT {
		return fmt.Errorf("spec: \"model.conv\" = %q: %w (want %q or %q)", c, ErrConfig, models.GCN, models.GAT)
	}
	if m.In < 1 || m.Out < 1 || m.PosDim < 1 || m.Width < 0 || m.Layers < 0 {
		return fmt.Errorf("spec: \"model\" in %d, out %d, pos_dim %d, width %d, layers %d: %w (want in, out, pos_dim >= 1; width, layers >= 1 or 0 for the default)",
			m.In, m.Out, m.PosDim, m.Width, m.Layers, ErrConfig)
	}
	if m.In > MaxDim+MaxDim || m.Out > MaxDim || m.PosDim > MaxDim || m.Width > MaxWidth || m.Layers > MaxLayers {
		return fmt.Errorf("spec: \"model\" in %d, out %d, pos_dim %d, width %d, layers %d: %w (want at most %d values in or out, width %d, layers %d)",
			m.In, m.Out, m.PosDim, m.Width, m.Layers, ErrConfig, MaxDim, MaxWidth, MaxLayers)
	}
	if est := 16 * int64(m.Layers+2) * int64(m.Width) * int64(m.Width); est > MaxParams {
		return fmt.Errorf("spec: \"model\" width %d, layers %d: about %d parameters: %w (want at most %d)", m.Width, m.Layers, est, ErrConfig, MaxParams)
	}
	return nil
}
