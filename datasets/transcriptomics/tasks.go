package transcriptomics

import (
	"fmt"
	"strings"
)

// Task is one of the generation tasks of Table 3. A conditional task fixes some entries of the
// (nodes × genes) feature matrix of a sample: the sampler sets them to their known values from the
// first step on and masks their velocity to 0 (docs/REFERENCE.md §7).
type Task int

// The tasks, in the order of the rows of Table 3.
const (
	Unconditional         Task = iota // nothing known
	TemporalTrajectory                // the first time point known
	TemporalInterpolation             // the first and the last time points known
	GeneImputation                    // genes 0 and 2 (sox9, wnt) known, bmp imputed
	SpaceImputation                   // space columns 0, 1, 5, 6, 10, 11 known
	GeneKnockout                      // the knocked-out gene known (held at its knocked-out value)
)

// ImputationGenes are the genes known in GeneImputation; the reference imputes gene 1 (Bmp).
var ImputationGenes = []Gene{Sox9, Wnt}

// ImputationColumns are the space columns known in SpaceImputation (on the 12-column test grid).
var ImputationColumns = []int{0, 1, 5, 6, 10, 11}

var taskInfo = [...]struct{ name, key string }{
	Unconditional:         {"unconditional generation", "unconditional"},
	TemporalTrajectory:    {"temporal trajectory prediction", "forward_sim"},
	TemporalInterpolation: {"temporal interpolation", "interpolation"},
	GeneImputation:        {"gene imputation", "gene_imputation"},
	SpaceImputation:       {"space imputation", "space_imputation"},
	GeneKnockout:          {"gene knockout", "knockout"},
}

// Tasks returns the six tasks in the order of the rows of Table 3.
func Tasks() []Task {
	return []Task{Unconditional, TemporalTrajectory, TemporalInterpolation, GeneImputation, SpaceImputation, GeneKnockout}
}

// Name returns the task's row of Table 3 in lower case, e.g. "temporal trajectory prediction".
func (t Task) Name() string {
	if !t.valid() {
		return fmt.Sprintf("Task(%d)", int(t))
	}
	return taskInfo[t].name
}

// Key returns the reference's name of the task (its --task value), e.g. "forward_sim".
func (t Task) Key() string {
	if !t.valid() {
		return fmt.Sprintf("Task(%d)", int(t))
	}
	return taskInfo[t].key
}

// String returns Name.
func (t Task) String() string { return t.Name() }

func (t Task) valid() bool { return t >= Unconditional && t <= GeneKnockout }

// ParseTask returns the task with the given Key or Name (case-insensitive).
func ParseTask(s string) (Task, error) {
	for _, t := range Tasks() {
		if strings.EqualFold(s, t.Key()) || strings.EqualFold(s, t.Name()) {
			return t, nil
		}
	}
	keys := make([]string, 0, len(taskInfo))
	for _, t := range Tasks() {
		keys = append(keys, t.Key())
	}
	return 0, fmt.Errorf("transcriptomics: unknown task %q (want one of %s): %w", s, strings.Join(keys, ", "), ErrInput)
}

// Divisor returns the number that the paper's metric divides the optimal-transport cost by:
// the number of time points T for unconditional generation, gene and space imputation and gene
// knockout, T−1 for trajectory prediction and T−2 for interpolation (8, 7 and 6 on the test grid).
func (t Task) Divisor(g Grid) (int, error) {
	if err := t.fits(g); err != nil {
		return 0, err
	}
	switch t {
	case TemporalTrajectory:
		return g.Times() - 1, nil
	case TemporalInterpolation:
		return g.Times() - 2, nil
	}
	return g.Times(), nil
}

// fits returns an error wrapping ErrInput if the task cannot be posed on g.
func (t Task) fits(g Grid) error {
	if !t.valid() {
		return fmt.Errorf("transcriptomics: unknown task %d: %w", int(t), ErrInput)
	}
	if g.Nodes() == 0 {
		return fmt.Errorf("transcriptomics: task %q on grid %q without nodes: %w", t.Name(), g.Name, ErrInput)
	}
	switch t {
	case TemporalTrajectory:
		if g.Times() < 2 {
			return fmt.Errorf("transcriptomics: task %q needs at least 2 time points, grid %q has %d: %w", t.Name(), g.Name, g.Times(), ErrInput)
		}
	case TemporalInterpolation:
		if g.Times() < 3 {
			return fmt.Errorf("transcriptomics: task %q needs at least 3 time points, grid %q has %d: %w", t.Name(), g.Name, g.Times(), ErrInput)
		}
	case SpaceImputation:
		if need := ImputationColumns[len(ImputationColumns)-1] + 1; g.Spaces() < need {
			return fmt.Errorf("transcriptomics: task %q fixes space columns %v, grid %q has %d columns: %w", t.Name(), ImputationColumns, g.Name, g.Spaces(), ErrInput)
		}
	}
	return nil
}

// Mask returns which entries of one sample's [g.Nodes()][NumGenes] features the task fixes
// (true = known). knockout is the sample's knocked-out gene; only GeneKnockout uses it and
// needs it to be a gene.
func (t Task) Mask(g Grid, knockout Gene) ([]bool, error) {
	if err := t.fits(g); err != nil {
		return nil, err
	}
	if t == GeneKnockout && !knockout.valid() {
		return nil, fmt.Errorf("transcriptomics: task %q: knockout gene %d, want 0, 1 or 2: %w", t.Name(), int(knockout), ErrInput)
	}
	mask := make([]bool, g.Nodes()*NumGenes)
	T, S := g.Times(), g.Spaces()
	set := func(ti, si int, gene Gene) { mask[g.Node(ti, si)*NumGenes+int(gene)] = true }
	for ti := 0; ti < T; ti++ {
		for si := 0; si < S; si++ {
			switch t {
			case TemporalTrajectory:
				if ti == 0 {
					for gene := Gene(0); gene < NumGenes; gene++ {
						set(ti, si, gene)
					}
				}
			case TemporalInterpolation:
				if ti == 0 || ti == T-1 {
					for gene := Gene(0); gene < NumGenes; gene++ {
						set(ti, si, gene)
					}
				}
			case GeneImputation:
				for _, gene := range ImputationGenes {
					set(ti, si, gene)
				}
			case SpaceImputation:
				for _, c := range ImputationColumns {
					if si == c {
						for gene := Gene(0); gene < NumGenes; gene++ {
							set(ti, si, gene)
						}
					}
				}
			case GeneKnockout:
				set(ti, si, knockout)
			}
		}
	}
	return mask, nil
}

// KnockoutHold says which value a knocked-out gene is held at during generation.
type KnockoutHold int

const (
	// HoldRawZero holds the gene at the normalised value of raw 0 at each time step,
	// (0 − min_l)/(max_l − min_l): the value of the ground truth (the default).
	HoldRawZero KnockoutHold = iota
	// HoldNormalisedZero holds it at 0 in normalised units (raw = the step's minimum), as the
	// reference's test script does (docs/REFERENCE.md §7, §9; a defect kept as an option).
	HoldNormalisedZero
)

// Conditioning is what a task fixes in one sample: Mask[k] says entry k of the
// [nodes][NumGenes] features is known, and Values[k] is its value in normalised units (0 where
// Mask is false).
type Conditioning struct {
	Mask   []bool
	Values []float64
}

// Condition returns the task's conditioning for one sample. x holds the sample's normalised
// features [g.Nodes()][NumGenes] (the clean values the known entries take; it may be nil for
// Unconditional and GeneKnockout); knockout is the sample's knocked-out gene; norm and hold
// give the knocked-out gene's value (norm may be nil unless the task is GeneKnockout with
// HoldRawZero).
func (t Task) Condition(g Grid, x []float64, knockout Gene, norm *Normalisation, hold KnockoutHold) (*Conditioning, error) {
	mask, err := t.Mask(g, knockout)
	if err != nil {
		return nil, err
	}
	c := &Conditioning{Mask: mask, Values: make([]float64, len(mask))}
	switch t {
	case Unconditional:
		return c, nil
	case GeneKnockout:
		for ti, l := range g.TimeSteps {
			var v float64
			switch hold {
			case HoldNormalisedZero:
				v = 0
			case HoldRawZero:
				if norm == nil {
					return nil, fmt.Errorf("transcriptomics: task %q holding raw 0 needs a normalisation table: %w", t.Name(), ErrInput)
				}
				r, err := norm.Range(l)
				if err != nil {
					return nil, err
				}
				v = (0 - r.Min) / (r.Max - r.Min)
			default:
				return nil, fmt.Errorf("transcriptomics: unknown knockout hold %d: %w", int(hold), ErrInput)
			}
			for si := range g.SpaceIndices {
				c.Values[g.Node(ti, si)*NumGenes+int(knockout)] = v
			}
		}
		return c, nil
	}
	if len(x) != len(mask) {
		return nil, fmt.Errorf("transcriptomics: task %q: sample has %d feature values, grid %q needs %d: %w", t.Name(), len(x), g.Name, len(mask), ErrInput)
	}
	for k, known := range mask {
		if known {
			c.Values[k] = x[k]
		}
	}
	return c, nil
}
