// Package stats holds the statistics of ncgn's results: the mean over training seeds with its
// Student-t interval, the percentile bootstrap over test samples, and two-level paired
// comparisons of two methods with a verdict against the paper's order. It is its own package
// because cached cells depend on it (their bootstrap replicates), while the rest of package
// experiments (tables, plots, the cache) does not change a cell's value.
package stats

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// ErrInput reports inputs a statistic cannot be computed from.
var ErrInput = errors.New("invalid statistics input")

// Level is the confidence level of every interval results report.
const Level = 0.95

// Summary is a value measured once per training seed: the mean over seeds and the Student-t
// interval of that mean (NaN bounds with fewer than two seeds: one seed gives no interval).
type Summary struct {
	N      int       `json:"n"`
	Mean   float64   `json:"mean"`
	SD     float64   `json:"sd"`
	Lo     float64   `json:"lo"`
	Hi     float64   `json:"hi"`
	Values []float64 `json:"values"` // one per seed, in seed order
}

// Summarize returns the mean of xs with its Student-t interval at Level.
func Summarize(xs []float64) Summary {
	s := Summary{N: len(xs), Mean: math.NaN(), SD: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), Values: slices.Clone(xs)}
	if len(xs) == 0 {
		return s
	}
	s.Mean = mean(xs)
	if len(xs) < 2 {
		return s
	}
	var ss float64
	for _, x := range xs {
		ss += (x - s.Mean) * (x - s.Mean)
	}
	s.SD = math.Sqrt(ss / float64(len(xs)-1))
	h := tQuantile(len(xs)-1) * s.SD / math.Sqrt(float64(len(xs)))
	s.Lo, s.Hi = s.Mean-h, s.Mean+h
	return s
}

// HalfWidth returns half the interval's width (NaN without one).
func (s Summary) HalfWidth() float64 { return (s.Hi - s.Lo) / 2 }

// tQuantile returns the two-sided Level quantile of Student's t with df degrees of freedom.
func tQuantile(df int) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(1 - (1-Level)/2)
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// Percentile returns the q-quantile (0 ≤ q ≤ 1) of xs by linear interpolation between order
// statistics (NaN for no values).
func Percentile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	p := q * float64(len(s)-1)
	i := int(math.Floor(p))
	if i >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[i] + (p-float64(i))*(s[i+1]-s[i])
}

// Resample returns n indices drawn uniformly with replacement from [0, n).
func Resample(rng *rand.Rand, n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = rng.IntN(n)
	}
	return idx
}

// Bootstrap returns the percentile interval at Level of a statistic of n test samples over
// reps resamples of them (with replacement), drawn from seed: stat computes the statistic on
// the samples idx (an index may repeat). It also returns the replicates, for pairing.
func Bootstrap(n, reps int, seed uint64, stat func(idx []int) (float64, error)) (lo, hi float64, replicates []float64, err error) {
	if n < 1 || reps < 2 {
		return math.NaN(), math.NaN(), nil, fmt.Errorf("stats: bootstrap of %d samples with %d resamples: %w", n, reps, ErrInput)
	}
	rng := rand.New(rand.NewPCG(seed, 0x626f6f74))
	replicates = make([]float64, reps)
	for r := range replicates {
		if replicates[r], err = stat(Resample(rng, n)); err != nil {
			return math.NaN(), math.NaN(), nil, fmt.Errorf("stats: bootstrap resample %d: %w", r, err)
		}
	}
	return Percentile(replicates, (1-Level)/2), Percentile(replicates, 1-(1-Level)/2), replicates, nil
}

// Comparison is a difference A - B of one metric between two cells of a table, over the seeds
// and test samples they share, with its interval at Level. Resolved says the interval excludes
// 0; only then does the table claim an order.
type Comparison struct {
	A        string  `json:"a"` // cell names, "row/column"
	B        string  `json:"b"`
	Metric   string  `json:"metric"`
	Diff     float64 `json:"diff"` // mean over seeds of A - B
	Lo       float64 `json:"lo"`
	Hi       float64 `json:"hi"`
	Seeds    int     `json:"seeds"`
	Resolved bool    `json:"resolved"`
	// Paper says what the paper's numbers claim of the pair ("A < B" where its A is lower),
	// empty where it has no number for one of them.
	Paper string `json:"paper,omitempty"`
	// Verdict is "reproduced", "reversed" or "unresolved" against the paper's order, or
	// "resolved"/"unresolved" where the paper has none.
	Verdict string `json:"verdict"`
}

// Paired compares A and B measured on the same seeds (a[s], b[s]) and, for each seed, on the
// same bootstrap resamples of the test samples (ra[s][r], rb[s][r]: replicate r of seed s was
// computed on the same resample for both; nil when there are none). The interval comes from a
// two-level bootstrap: seeds resampled with replacement, and for each drawn seed one of its
// paired replicates of A - B (its plain difference without replicates); the statistic is the
// mean over the drawn seeds. With one seed it is the test-sample bootstrap alone.
func Paired(a, b []float64, ra, rb [][]float64, reps int, seed uint64) (Comparison, error) {
	S := len(a)
	if S == 0 || len(b) != S || (ra != nil && (len(ra) != S || len(rb) != S)) || reps < 2 {
		return Comparison{}, fmt.Errorf("stats: paired comparison of %d and %d seeds (%d, %d replicate sets, %d resamples): %w", len(a), len(b), len(ra), len(rb), reps, ErrInput)
	}
	diffs := make([][]float64, S)
	var d float64
	for s := range S {
		d += a[s] - b[s]
		if ra == nil || len(ra[s]) == 0 {
			diffs[s] = []float64{a[s] - b[s]}
			continue
		}
		if len(ra[s]) != len(rb[s]) {
			return Comparison{}, fmt.Errorf("stats: seed %d: %d and %d replicates: %w", s, len(ra[s]), len(rb[s]), ErrInput)
		}
		diffs[s] = make([]float64, len(ra[s]))
		for r := range ra[s] {
			diffs[s][r] = ra[s][r] - rb[s][r]
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x70616972))
	stats := make([]float64, reps)
	for r := range stats {
		var sum float64
		for range S {
			ds := diffs[rng.IntN(S)]
			sum += ds[rng.IntN(len(ds))]
		}
		stats[r] = sum / float64(S)
	}
	c := Comparison{Diff: d / float64(S), Seeds: S, Lo: Percentile(stats, (1-Level)/2), Hi: Percentile(stats, 1-(1-Level)/2)}
	c.Resolved = c.Lo > 0 || c.Hi < 0
	return c, nil
}

// Judge sets c.Paper and c.Verdict from the paper's numbers pa and pb for A and B (nil where
// the paper has none), for a metric where lower is better.
func (c *Comparison) Judge(pa, pb *float64) {
	c.Paper = ""
	if pa == nil || pb == nil || *pa == *pb {
		c.Verdict = map[bool]string{true: "resolved", false: "unresolved"}[c.Resolved]
		return
	}
	paperALower := *pa < *pb
	c.Paper = map[bool]string{true: "A < B", false: "A > B"}[paperALower]
	switch {
	case !c.Resolved:
		c.Verdict = "unresolved"
	case (c.Diff < 0) == paperALower:
		c.Verdict = "reproduced"
	default:
		c.Verdict = "reversed"
	}
}

// summaryJSON is Summary's JSON form: bounds without an interval (one seed) are null.
type summaryJSON struct {
	N      int       `json:"n"`
	Mean   *float64  `json:"mean"`
	SD     *float64  `json:"sd"`
	Lo     *float64  `json:"lo"`
	Hi     *float64  `json:"hi"`
	Values []float64 `json:"values"`
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func orNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// MarshalJSON writes the summary with null for the bounds and SD it does not have.
func (s Summary) MarshalJSON() ([]byte, error) {
	return json.Marshal(summaryJSON{N: s.N, Mean: finite(s.Mean), SD: finite(s.SD), Lo: finite(s.Lo), Hi: finite(s.Hi), Values: s.Values})
}

// UnmarshalJSON reads MarshalJSON's form (null as NaN).
func (s *Summary) UnmarshalJSON(b []byte) error {
	var j summaryJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = Summary{N: j.N, Mean: orNaN(j.Mean), SD: orNaN(j.SD), Lo: orNaN(j.Lo), Hi: orNaN(j.Hi), Values: j.Values}
	return nil
}
