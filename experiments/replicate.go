package experiments

import (
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"

	"github.com/ncgn/ncgn/experiments/stats"
)

// CompareReps is the number of two-level bootstrap draws of a comparison (ComparePaired).
const CompareReps = 4000

// Replicate is one training seed's result of a cell, as a table needs it.
type Replicate struct {
	// Index is the replicate (training seed) number, 0 for the first.
	Index int
	// Values holds the metrics measured on this replicate, by metric key.
	Values map[string]float64
	// Boots holds, by metric key, the metric on resamples of the test samples, the same
	// resamples for every method and replicate compared (a metric without: none).
	Boots map[string][]float64
	// Seconds is the wall time of computing it; Computed says this run computed it (it was not
	// reused from the cache).
	Seconds  float64
	Computed bool
	// Commit and Fingerprint are the code state that computed it (CodeState).
	Commit, Fingerprint string
}

// Fill sets the cell's values from the replicates of it: per metric of keys the mean over
// replicates with its summary (every replicate's value and the Student-t interval; a metric
// missing from a replicate is left out of the cell) and, where the replicates have resamples
// of it, the bootstrap interval over test samples (the replicates' mean on each resample),
// the code states that computed them, and the time they took. It returns that time.
func (c *Cell) Fill(reps []Replicate, keys ...string) float64 {
	if len(reps) == 0 {
		return 0
	}
	if c.Values == nil {
		c.Values = map[string]float64{}
	}
	c.Summaries = map[string]stats.Summary{}
	for _, k := range keys {
		var xs []float64
		for _, r := range reps {
			if v, ok := r.Values[k]; ok && !math.IsNaN(v) {
				xs = append(xs, v)
			}
		}
		if len(xs) == len(reps) {
			s := stats.Summarize(xs)
			c.Values[k], c.Summaries[k] = s.Mean, s
		}
	}
	for _, k := range keys {
		if b := meanBoot(reps, k); b != nil {
			if c.Bootstrap == nil {
				c.Bootstrap = map[string][2]float64{}
			}
			c.Bootstrap[k] = [2]float64{stats.Percentile(b, (1-stats.Level)/2), stats.Percentile(b, 1-(1-stats.Level)/2)}
		}
	}
	var commits, prints []string
	var seconds float64
	cached := true
	for _, r := range reps {
		seconds += r.Seconds
		if !slices.Contains(commits, r.Commit) {
			commits = append(commits, r.Commit)
		}
		if !slices.Contains(prints, r.Fingerprint) {
			prints = append(prints, r.Fingerprint)
		}
		if r.Computed {
			cached = false
		}
	}
	c.Commit, c.Fingerprint = strings.Join(commits, ","), strings.Join(prints, ",")
	c.Seconds, c.Cached = seconds, cached
	return seconds
}

// meanBoot returns, for each bootstrap resample, the mean over replicates of their values of
// metric on it (nil when a replicate has none or their counts differ).
func meanBoot(reps []Replicate, metric string) []float64 {
	n := len(reps[0].Boots[metric])
	if n == 0 {
		return nil
	}
	out := make([]float64, n)
	for _, r := range reps {
		if len(r.Boots[metric]) != n {
			return nil
		}
		for j, v := range r.Boots[metric] {
			out[j] += v / float64(len(reps))
		}
	}
	return out
}

// ComparePaired returns the paired comparison of metric between cells a and b over the
// replicates both have (each replicate's bootstrap resamples of metric paired when both have
// them; otherwise over seeds alone), its interval widened to the seeds' Student-t interval
// (widenForSeeds; one seed resolves nothing),
// judged against the paper's numbers pa and pb (nil: none). ok is false when they share no
// replicate. The comparison's random draws are seeded from the two names.
func ComparePaired(aName, bName, metric string, a, b []Replicate, pa, pb *float64) (c stats.Comparison, ok bool, err error) {
	byRep := map[int]Replicate{}
	for _, r := range b {
		byRep[r.Index] = r
	}
	var xa, xb []float64
	var ra, rb [][]float64
	boots := true
	for _, r := range a {
		other, found := byRep[r.Index]
		va, oka := r.Values[metric]
		vb, okb := other.Values[metric]
		if !found || !oka || !okb {
			continue
		}
		xa, xb = append(xa, va), append(xb, vb)
		ba, bb := r.Boots[metric], other.Boots[metric]
		ra, rb = append(ra, ba), append(rb, bb)
		if len(ba) == 0 || len(ba) != len(bb) {
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
	c, err = stats.Paired(xa, xb, ra, rb, CompareReps, h.Sum64())
	if err != nil {
		return stats.Comparison{}, false, fmt.Errorf("experiments: comparing %s and %s: %w", aName, bName, err)
	}
	c.A, c.B, c.Metric = aName, bName, metric
	widenForSeeds(&c, xa, xb)
	c.Judge(pa, pb)
	return c, true, nil
}

// widenForSeeds makes c's interval honest about the training seeds: the percentile bootstrap
// over a handful of seeds is far too narrow (with three seeds whose differences share a sign
// it excludes 0 whatever their spread), so the interval becomes the union of the two-level
// bootstrap's and the paired Student-t interval of the per-seed differences A − B (which
// resolves only differences larger than the seed noise). One seed resolves nothing: its seed
// noise is unknown; its interval is the test-sample bootstrap's where there is one.
func widenForSeeds(c *stats.Comparison, xa, xb []float64) {
	if len(xa) < 2 {
		c.Resolved = false // the interval stays the test-sample bootstrap's (a point without one)
		return
	}
	diffs := make([]float64, len(xa))
	for i := range xa {
		diffs[i] = xa[i] - xb[i]
	}
	t := stats.Summarize(diffs)
	c.Lo, c.Hi = min(c.Lo, t.Lo), max(c.Hi, t.Hi)
	c.Resolved = c.Lo > 0 || c.Hi < 0
}
