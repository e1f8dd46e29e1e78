package transcriptomics

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/stats"
)

// replicates returns the cached records of every replicate of cell name, in replicate order
// (missing replicates left out); model gives the network a replicate uses (nil for none).
func (r *runner) replicates(name string, model func(Seeds) *ModelSpec) ([]CellRecord, error) {
	var out []CellRecord
	for _, rep := range r.reps {
		rec, ok, err := r.cached(name, rep, model(rep))
		if err != nil {
			return nil, err
		}
		if ok {
			rec.Replicate = rep.Replicate
			out = append(out, rec)
		}
	}
	return out, nil
}

// metricOf returns a record's value of a Table 3 metric, and whether it has one.
func metricOf(rec CellRecord, key string) (float64, bool) {
	switch key {
	case "w2":
		return rec.W2, true
	case "w2_generated":
		return rec.W2Generated, true
	case "paired_rmse":
		if rec.PairedRMSE != nil {
			return *rec.PairedRMSE, true
		}
	}
	return math.NaN(), false
}

// tableReplicates returns the records as the replicates of a table cell, with the metrics
// of keys.
func (r *runner) tableReplicates(name string, recs []CellRecord, keys ...string) []experiments.Replicate {
	out := make([]experiments.Replicate, len(recs))
	for i, rec := range recs {
		vals := map[string]float64{}
		for _, k := range keys {
			if v, ok := metricOf(rec, k); ok {
				vals[k] = v
			}
		}
		out[i] = experiments.Replicate{Index: rec.Replicate, Values: vals, Boots: map[string][]float64{"w2": rec.Boot}, Seconds: rec.Seconds,
			Computed: r.computed[entryName(name, Seeds{Replicate: rec.Replicate})], Commit: rec.Commit, Fingerprint: rec.Fingerprint}
	}
	return out
}

// fill sets the cell's values from the records of its replicates (experiments.Cell.Fill: the
// mean and interval over replicates of each metric, the bootstrap interval of the W2, the code
// states, the time) and returns their computation time.
func (r *runner) fill(cell *experiments.Cell, recs []CellRecord, metricKeys ...string) float64 {
	return cell.Fill(r.tableReplicates(cell.Name, recs, metricKeys...), metricKeys...)
}

// compare returns the paired comparison of the W2 of cells a and b over the replicates both
// have (each replicate's bootstrap resamples paired), judged against the paper's numbers pa
// and pb (nil: none).
func (r *runner) compare(aName, bName, aCell, bCell string, a, b []CellRecord, pa, pb *float64) (stats.Comparison, bool, error) {
	c, ok, err := experiments.ComparePaired(aName, bName, "w2", r.tableReplicates(aCell, a, "w2"), r.tableReplicates(bCell, b, "w2"), pa, pb)
	if err != nil {
		return stats.Comparison{}, false, fmt.Errorf("transcriptomics: %w", err)
	}
	return c, ok, nil
}

// shortStates returns the code states as short commits (experiments.ShortCommit).
func shortStates(states []string) []string {
	out := make([]string, 0, len(states))
	for _, s := range states {
		out = append(out, experiments.ShortCommit(s))
	}
	if len(out) == 0 {
		return []string{"no cell yet"}
	}
	return out
}
