package transcriptomics

import (
	"fmt"
	"slices"
)

// Position scales of the reference: node positions are (s/SpaceScale, t/TimeScale), the largest
// space and time of the training grid. The test grid's s = 55 gives 55/54 ≈ 1.019.
const (
	SpaceScale = 54.0
	TimeScale  = 90.0
)

// Grid is the set of (time, space) points that one sample's graph holds: every combination of a
// recorded frame label and a simulation grid index. Nodes are time-major, as in the reference:
//
//	node = timeIndex·len(SpaceIndices) + spaceIndex
//
// so the first len(SpaceIndices) nodes are the first time point across space.
type Grid struct {
	Name         string `json:"name"`
	TimeSteps    []int  `json:"time_steps"`    // frame labels (Euler steps) of the time points, increasing
	SpaceIndices []int  `json:"space_indices"` // simulation grid indices of the space points, increasing
	Knockout     bool   `json:"knockout"`      // one gene per sample knocked out (KnockoutGene)
}

// Names of the predefined grids.
const (
	GridTrain    = "train"
	GridTest     = "test"
	GridKnockout = "knockout"
)

// TrainGrid returns the training grid: labels 0, 2000, ..., 18000 (t = 0, 10, ..., 90) × grid
// indices 0, 30, ..., 270 (s = 0, 6, ..., 54) = 100 nodes.
func TrainGrid() Grid {
	return Grid{Name: GridTrain, TimeSteps: arith(0, 2000, 10), SpaceIndices: arith(0, 30, 10)}
}

// TestGrid returns the test grid of the paper: labels 0, 2500, ..., 17500 (t = 0, 12.5, ...,
// 87.5) × grid indices 0, 25, ..., 275 (s = 0, 5, ..., 55) = 96 nodes. The reference's
// generator has no code for it; this is the discretisation its test script reads.
func TestGrid() Grid {
	return Grid{Name: GridTest, TimeSteps: arith(0, 2500, 8), SpaceIndices: arith(0, 25, 12)}
}

// KnockoutGrid returns the test grid with one gene knocked out per sample.
func KnockoutGrid() Grid {
	g := TestGrid()
	g.Name, g.Knockout = GridKnockout, true
	return g
}

// GridByName returns the predefined grid "train", "test" or "knockout".
func GridByName(name string) (Grid, error) {
	switch name {
	case GridTrain:
		return TrainGrid(), nil
	case GridTest:
		return TestGrid(), nil
	case GridKnockout:
		return KnockoutGrid(), nil
	}
	return Grid{}, fmt.Errorf("transcriptomics: unknown grid %q (want %q, %q or %q): %w", name, GridTrain, GridTest, GridKnockout, ErrInput)
}

// DefaultStatSteps returns the frame labels at which training statistics are taken by default:
// the union of the train and test grids' labels (16 labels), so that one table normalises both.
func DefaultStatSteps() []int {
	return unionSorted(TrainGrid().TimeSteps, TestGrid().TimeSteps)
}

// arith returns n values start, start+step, ...
func arith(start, step, n int) []int {
	v := make([]int, n)
	for i := range v {
		v[i] = start + i*step
	}
	return v
}

// unionSorted returns the sorted union of sorted or unsorted integer sets, without duplicates.
func unionSorted(sets ...[]int) []int {
	var all []int
	for _, s := range sets {
		all = append(all, s...)
	}
	slices.Sort(all)
	return slices.Compact(all)
}

// Times returns the number of time points.
func (g Grid) Times() int { return len(g.TimeSteps) }

// Spaces returns the number of space points.
func (g Grid) Spaces() int { return len(g.SpaceIndices) }

// Nodes returns the number of nodes, Times()·Spaces().
func (g Grid) Nodes() int { return len(g.TimeSteps) * len(g.SpaceIndices) }

// Node returns the node index of time point ti and space point si (time-major).
func (g Grid) Node(ti, si int) int { return ti*len(g.SpaceIndices) + si }

// Validate returns an error wrapping ErrInput unless the grid has time and space points, its
// labels are strictly increasing within [0, cfg.MaxLabel()] and its indices strictly increasing
// within [0, cfg.Points).
func (g Grid) Validate(cfg Config) error {
	if err := checkLabels(g.TimeSteps, cfg.MaxLabel(), fmt.Sprintf("grid %q time steps", g.Name)); err != nil {
		return err
	}
	if err := checkLabels(g.SpaceIndices, cfg.Points-1, fmt.Sprintf("grid %q space indices", g.Name)); err != nil {
		return err
	}
	return nil
}

// SpacePositions returns each node's raw space coordinate s = index·ds (length Nodes()).
func (g Grid) SpacePositions(cfg Config) []float64 {
	out := make([]float64, 0, g.Nodes())
	for range g.TimeSteps {
		for _, si := range g.SpaceIndices {
			out = append(out, cfg.Space(si))
		}
	}
	return out
}

// TimePositions returns each node's raw time label·dt (length Nodes()), the time the reference
// attaches to the frame.
func (g Grid) TimePositions(cfg Config) []float64 {
	out := make([]float64, 0, g.Nodes())
	for _, l := range g.TimeSteps {
		t := cfg.Time(l)
		for range g.SpaceIndices {
			out = append(out, t)
		}
	}
	return out
}

// Positions returns the normalised node positions, node-major pairs (s/SpaceScale,
// t/TimeScale) as the reference builds them (length 2·Nodes()).
func (g Grid) Positions(cfg Config) []float64 {
	s, t := g.SpacePositions(cfg), g.TimePositions(cfg)
	out := make([]float64, 2*len(s))
	for n := range s {
		out[2*n] = s[n] / SpaceScale
		out[2*n+1] = t[n] / TimeScale
	}
	return out
}
