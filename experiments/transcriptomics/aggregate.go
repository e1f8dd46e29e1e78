package transcriptomics

import (
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/stats"
)

// compareReps is the number of two-level bootstrap draws of a comparison.
const compareReps = 4000

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

// fill sets the cell's values from the records of its replicates: per metric the mean over
// replicates with its summary (every replicate's value and the Student-t interval), the
// bootstrap interval over test samples of the W2 (the replicates' mean on each resample), the
// code states that computed them, and the time they took.
func (r *runner) fill(cell *experiments.Cell, recs []CellRecord, metricKeys ...string) float64 {
	if len(recs) == 0 {
		return 0
	}
	var seconds float64
	cell.Summaries = map[string]stats.Summary{}
	for _, k := range metricKeys {
		var xs []float64
		for _, rec := range recs {
			if v, ok := metricOf(rec, k); ok {
				xs = append(xs, v)
			}
		}
		if len(xs) == len(recs) {
			s := stats.Summarize(xs)
			cell.Values[k], cell.Summaries[k] = s.Mean, s
		}
	}
	if boot := meanBoot(recs); boot != nil {
		cell.Bootstrap = map[string][2]float64{"w2": {stats.Percentile(boot, (1-stats.Level)/2), stats.Percentile(boot, 1-(1-stats.Level)/2)}}
	}
	var commits, prints []string
	cached := true
	for _, rec := range recs {
		seconds += rec.Seconds
		if !slices.Contains(commits, rec.Commit) {
			commits = append(commits, rec.Commit)
		}
		if !slices.Contains(prints, rec.Fingerprint) {
			prints = append(prints, rec.Fingerprint)
		}
		if r.computed[entryName(cell.Name, Seeds{Replicate: rec.Replicate})] {
			cached = false
		}
	}
	cell.Commit, cell.Fingerprint = strings.Join(commits, ","), strings.Join(prints, ",")
	cell.Seconds, cell.Cached = seconds, cached
	return seconds
}

// meanBoot returns, for each bootstrap resample, the mean over replicates of their W2 on it
// (nil when a replicate has none or their counts differ).
func meanBoot(recs []CellRecord) []float64 {
	n := len(recs[0].Boot)
	if n == 0 {
		return nil
	}
	out := make([]float64, n)
	for _, rec := range recs {
		if len(rec.Boot) != n {
			return nil
		}
		for j, v := range rec.Boot {
			out[j] += v / float64(len(recs))
		}
	}
	return out
}

// compare returns the paired comparison of the W2 of cells a and b over the replicates both
// have (each replicate's bootstrap resamples paired), judged against the paper's numbers pa
// and pb (nil: none).
func compare(aName, bName string, a, b []CellRecord, pa, pb *float64) (stats.Comparison, bool, error) {
	byRep := map[int]CellRecord{}
	for _, rec := range b {
		byRep[rec.Replicate] = rec
	}
	var xa, xb []float64
	var ra, rb [][]float64
	boots := true
	for _, rec := range a {
		other, ok := byRep[rec.Replicate]
		if !ok {
			continue
		}
		xa, xb = append(xa, rec.W2), append(xb, other.W2)
		ra, rb = append(ra, rec.Boot), append(rb, other.Boot)
		if len(rec.Boot) == 0 || len(rec.Boot) != len(other.Boot) {
			boots = false
		}
	}
	if len(xa) == 0 {
		return stats.Comparison{}, false, nil
	}
	if !boots {
		ra, rb = nil, nil
	}
	h := fnv.New64a()
	fmt.Fprint(h, aName, "\x00", bName)
	c, err := stats.Paired(xa, xb, ra, rb, compareReps, h.Sum64())
	if err != nil {
		return stats.Comparison{}, false, fmt.Errorf("transcriptomics: comparing %s and %s: %w", aName, bName, err)
	}
	c.A, c.B, c.Metric = aName, bName, "w2"
	c.Judge(pa, pb)
	return c, true, nil
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
