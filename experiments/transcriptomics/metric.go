package transcriptomics

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/metrics"
)

// Scores are the numbers of one Table 3 cell (see the package comment).
type Scores struct {
	// W2 is the paper's metric: metrics.FlattenedW2 over all entries, divided by the task's
	// divisor.
	W2 float64 `json:"w2"`
	// W2Generated is the same cost over the generated (unknown) entries only.
	W2Generated float64 `json:"w2_generated"`
	// PairedRMSE is the RMS difference between generated sample j and test sample j over the
	// generated entries; NaN (absent in JSON) for unconditional generation.
	PairedRMSE *float64 `json:"paired_rmse,omitempty"`
}

// Score computes the Scores of generated samples against the test samples they were
// conditioned on: gen[j] was generated with masks[j] (true = known) from truth[j]. masks may be
// nil (unconditional generation: nothing known, no pairing). divisor is the task's.
func Score(gen, truth [][]float64, masks [][]bool, divisor float64) (Scores, error) {
	if len(gen) != len(truth) || len(gen) == 0 {
		return Scores{}, fmt.Errorf("transcriptomics: scoring %d generated against %d test samples (want equal, > 0): %w", len(gen), len(truth), experiments.ErrConfig)
	}
	if masks != nil && len(masks) != len(gen) {
		return Scores{}, fmt.Errorf("transcriptomics: scoring with %d masks for %d samples: %w", len(masks), len(gen), experiments.ErrConfig)
	}
	w2, err := metrics.FlattenedW2(gen, truth, divisor)
	if err != nil {
		return Scores{}, fmt.Errorf("transcriptomics: W2: %w", err)
	}
	s := Scores{W2: w2, W2Generated: w2}
	if masks == nil {
		return s, nil
	}
	if s.W2Generated, err = GeneratedW2(gen, truth, masks, divisor); err != nil {
		return Scores{}, err
	}
	rmse, err := PairedRMSE(gen, truth, masks)
	if err != nil {
		return Scores{}, err
	}
	s.PairedRMSE = &rmse
	return s, nil
}

// GeneratedW2 is the flattened W2 over the generated entries only. Samples are grouped by
// their mask (gen[j] and truth[j] share masks[j]); within a group of m_g samples the cost
// OT_g is metrics.OT between the generated and the test samples restricted to the entries the
// mask leaves unknown; the result is
//
//	sum_g (m_g/m) · OT_g / divisor
//
// With one mask for every sample (every task but gene knockout) this is the paper's metric on
// the unknown entries. Groups are taken in the order of their first sample.
func GeneratedW2(gen, truth [][]float64, masks [][]bool, divisor float64) (float64, error) {
	if len(gen) != len(truth) || len(masks) != len(gen) || len(gen) == 0 {
		return 0, fmt.Errorf("transcriptomics: generated-entries W2 of %d generated, %d test samples, %d masks: %w", len(gen), len(truth), len(masks), experiments.ErrConfig)
	}
	if !(divisor > 0) {
		return 0, fmt.Errorf("transcriptomics: generated-entries W2 divisor %v: %w", divisor, experiments.ErrConfig)
	}
	type group struct {
		mask     []bool
		gen, tru [][]float64
	}
	var groups []*group
	for j := range gen {
		if len(masks[j]) != len(gen[j]) || len(truth[j]) != len(gen[j]) {
			return 0, fmt.Errorf("transcriptomics: sample %d: %d generated, %d test values, %d mask entries: %w", j, len(gen[j]), len(truth[j]), len(masks[j]), experiments.ErrConfig)
		}
		var g *group
		for _, h := range groups {
			if equalMask(h.mask, masks[j]) {
				g = h
				break
			}
		}
		if g == nil {
			g = &group{mask: masks[j]}
			groups = append(groups, g)
		}
		g.gen = append(g.gen, unknown(gen[j], masks[j]))
		g.tru = append(g.tru, unknown(truth[j], masks[j]))
	}
	var total float64
	for _, g := range groups {
		if len(g.gen[0]) == 0 {
			continue // everything known: no generated entries, no cost
		}
		c, err := metrics.OT(g.gen, g.tru)
		if err != nil {
			return 0, fmt.Errorf("transcriptomics: generated-entries W2: %w", err)
		}
		total += float64(len(g.gen)) / float64(len(gen)) * c
	}
	return total / divisor, nil
}

// PairedRMSE returns sqrt(mean over j and the unknown entries k of masks[j] of
// (gen[j][k] − truth[j][k])²).
func PairedRMSE(gen, truth [][]float64, masks [][]bool) (float64, error) {
	var ss float64
	var n int
	for j := range gen {
		if len(masks[j]) != len(gen[j]) || len(truth[j]) != len(gen[j]) {
			return 0, fmt.Errorf("transcriptomics: sample %d: %d generated, %d test values, %d mask entries: %w", j, len(gen[j]), len(truth[j]), len(masks[j]), experiments.ErrConfig)
		}
		for k, known := range masks[j] {
			if !known {
				d := gen[j][k] - truth[j][k]
				ss += d * d
				n++
			}
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("transcriptomics: paired RMSE without generated entries: %w", experiments.ErrConfig)
	}
	return math.Sqrt(ss / float64(n)), nil
}

func equalMask(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// unknown returns the entries of x that mask leaves unknown, in order.
func unknown(x []float64, mask []bool) []float64 {
	out := make([]float64, 0, len(x))
	for k, known := range mask {
		if !known {
			out = append(out, x[k])
		}
	}
	return out
}
