package transcriptomics

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/ncgn/ncgn/datasets"
)

// NormalisationMode says how the per-label min and max are taken over the training samples.
type NormalisationMode string

const (
	// TrueMinMax takes the minimum and the maximum over all samples (the default).
	TrueMinMax NormalisationMode = "true-min-max"
	// ReferenceRunningMax emulates the reference generator, whose running maximum compares with
	// the running minimum. Over samples j = 0, 1, ... in index order, with m_j and M_j the
	// sample's own min and max:
	//
	//	min_0 = m_0, max_0 = M_0;  min_j = min(min_{j−1}, m_j), max_j = max(min_{j−1}, M_j)
	//
	// so the stored max is in effect the last sample's max.
	ReferenceRunningMax NormalisationMode = "reference-running-max"
)

// Normalisation is the min-max table of the data: for each frame label, one scalar min and max
// shared by the three genes and all simulation points, taken over the training simulations. A
// raw value x at a frame with label l is normalised as (x − Min_l)/(Max_l − Min_l).
type Normalisation struct {
	Mode    NormalisationMode `json:"mode"`
	Source  string            `json:"source"`  // where the simulations came from: "train", "test", ...
	Samples int               `json:"samples"` // how many simulations the table was taken over
	Steps   []int             `json:"steps"`   // frame labels, strictly increasing
	Min     []float64         `json:"min"`
	Max     []float64         `json:"max"`
}

// Fit builds a table from per-sample statistics: stats[i·len(steps)+k] is sample i's range at
// frame label steps[k] (Dataset.Stats), for samples samples, reduced in sample-index order.
func Fit(steps []int, stats []Range, samples int, mode NormalisationMode, source string) (*Normalisation, error) {
	if samples < 1 || len(stats) != samples*len(steps) {
		return nil, fmt.Errorf("transcriptomics: normalisation fit: %d statistics for %d samples × %d labels: %w", len(stats), samples, len(steps), ErrInput)
	}
	if mode != TrueMinMax && mode != ReferenceRunningMax {
		return nil, fmt.Errorf("transcriptomics: normalisation mode %q (want %q or %q): %w", mode, TrueMinMax, ReferenceRunningMax, ErrInput)
	}
	n := &Normalisation{Mode: mode, Source: source, Samples: samples,
		Steps: append([]int(nil), steps...), Min: make([]float64, len(steps)), Max: make([]float64, len(steps))}
	for k := range steps {
		lo, hi := stats[k].Min, stats[k].Max
		for i := 1; i < samples; i++ {
			r := stats[i*len(steps)+k]
			if mode == ReferenceRunningMax {
				hi = max(lo, r.Max) // the reference's defect: compares with the running min
			} else {
				hi = max(hi, r.Max)
			}
			lo = min(lo, r.Min)
		}
		n.Min[k], n.Max[k] = lo, hi
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	return n, nil
}

// Validate returns an error wrapping ErrNormalisation unless the table is consistent: equal
// lengths, strictly increasing non-negative labels, finite values and Max > Min everywhere.
func (n *Normalisation) Validate() error {
	if len(n.Steps) == 0 || len(n.Min) != len(n.Steps) || len(n.Max) != len(n.Steps) {
		return fmt.Errorf("transcriptomics: normalisation table has %d steps, %d min, %d max values: %w", len(n.Steps), len(n.Min), len(n.Max), ErrNormalisation)
	}
	for k, l := range n.Steps {
		if l < 0 || (k > 0 && l <= n.Steps[k-1]) {
			return fmt.Errorf("transcriptomics: normalisation steps not strictly increasing and >= 0 at index %d (%d): %w", k, l, ErrNormalisation)
		}
		lo, hi := n.Min[k], n.Max[k]
		if math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsNaN(hi) || math.IsInf(hi, 0) || !(hi > lo) {
			return fmt.Errorf("transcriptomics: normalisation at step %d: min %v, max %v (need finite values and max > min): %w", l, lo, hi, ErrNormalisation)
		}
	}
	return nil
}

// Range returns the min and max of frame label step.
func (n *Normalisation) Range(step int) (Range, error) {
	lo, hi := 0, len(n.Steps)
	for lo < hi { // binary search: Steps is sorted
		m := (lo + hi) / 2
		if n.Steps[m] < step {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(n.Steps) || n.Steps[lo] != step {
		return Range{}, fmt.Errorf("transcriptomics: normalisation table (%s, %d labels) has no entry for frame label %d: %w", n.Source, len(n.Steps), step, ErrNormalisation)
	}
	return Range{Min: n.Min[lo], Max: n.Max[lo]}, nil
}

// Covers returns an error wrapping ErrNormalisation unless the table has every time step of g.
func (n *Normalisation) Covers(g Grid) error {
	for _, l := range g.TimeSteps {
		if _, err := n.Range(l); err != nil {
			return fmt.Errorf("transcriptomics: grid %q: %w", g.Name, err)
		}
	}
	return nil
}

// Normalise returns (x − min)/(max − min) for features x laid out [samples][g.Nodes()][NumGenes]
// (any number of samples), each node using the range of its time step.
func (n *Normalisation) Normalise(g Grid, x []float64) ([]float64, error) {
	return n.apply(g, x, func(v float64, r Range) float64 { return (v - r.Min) / (r.Max - r.Min) })
}

// Denormalise inverts Normalise: x·(max − min) + min.
func (n *Normalisation) Denormalise(g Grid, x []float64) ([]float64, error) {
	return n.apply(g, x, func(v float64, r Range) float64 { return v*(r.Max-r.Min) + r.Min })
}

// apply maps f over x with each node's range.
func (n *Normalisation) apply(g Grid, x []float64, f func(float64, Range) float64) ([]float64, error) {
	per := g.Nodes() * NumGenes
	if per == 0 || len(x)%per != 0 {
		return nil, fmt.Errorf("transcriptomics: %d feature values are not a whole number of samples of grid %q (%d nodes × %d genes): %w", len(x), g.Name, g.Nodes(), NumGenes, ErrInput)
	}
	ranges := make([]Range, g.Times())
	for ti, l := range g.TimeSteps {
		r, err := n.Range(l)
		if err != nil {
			return nil, err
		}
		ranges[ti] = r
	}
	out := make([]float64, len(x))
	perTime := g.Spaces() * NumGenes
	for k, v := range x {
		ti := (k % per) / perTime
		out[k] = f(v, ranges[ti])
	}
	return out, nil
}

// Save writes the table as indented JSON, atomically.
func (n *Normalisation) Save(path string) error {
	if err := n.Validate(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(n, "", "  ")
	if err != nil {
		return fmt.Errorf("transcriptomics: encoding normalisation: %w", err)
	}
	b = append(b, '\n')
	if err := datasets.WriteAtomic(path, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		return fmt.Errorf("transcriptomics: saving normalisation: %w", err)
	}
	return nil
}

// LoadNormalisation reads a table written by Save and validates it; errors name the file.
func LoadNormalisation(path string) (*Normalisation, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("transcriptomics: loading normalisation: %w", err)
	}
	var n Normalisation
	if err := json.Unmarshal(b, &n); err != nil {
		return nil, fmt.Errorf("transcriptomics: normalisation %s: %v: %w", path, err, ErrNormalisation)
	}
	if err := n.Validate(); err != nil {
		return nil, fmt.Errorf("transcriptomics: normalisation %s: %w", path, err)
	}
	return &n, nil
}

// ReadReferenceNormalisation reads the reference's table (st_normalization.npy: shape (T, 2),
// row k = [min, max] of frame label k) as a Normalisation in ReferenceRunningMax mode. Rows
// that are NaN or degenerate are an error naming the row.
func ReadReferenceNormalisation(path string) (*Normalisation, error) {
	a, err := datasets.ReadNpy(path)
	if err != nil {
		return nil, fmt.Errorf("transcriptomics: reference normalisation: %w", err)
	}
	if len(a.Shape) != 2 || a.Shape[1] != 2 || a.Shape[0] < 1 {
		return nil, fmt.Errorf("transcriptomics: reference normalisation %s: shape %v, want (T, 2): %w", path, a.Shape, ErrNormalisation)
	}
	t := a.Shape[0]
	n := &Normalisation{Mode: ReferenceRunningMax, Source: path, Steps: arith(0, 1, t),
		Min: make([]float64, t), Max: make([]float64, t)}
	for k := 0; k < t; k++ {
		n.Min[k], n.Max[k] = a.Data[2*k], a.Data[2*k+1]
	}
	if err := n.Validate(); err != nil {
		return nil, fmt.Errorf("transcriptomics: reference normalisation %s: %w", path, err)
	}
	return n, nil
}
