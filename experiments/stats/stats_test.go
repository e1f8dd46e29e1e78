package stats

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// TestSummarize checks the mean and the Student-t interval against closed forms: 1, 2, 3 have
// mean 2, SD 1, and t(0.975; 2) = 4.302653, so the half-width is 4.302653/sqrt(3).
func TestSummarize(t *testing.T) {
	s := Summarize([]float64{1, 2, 3})
	if s.Mean != 2 || math.Abs(s.SD-1) > 1e-15 || math.Abs(s.HalfWidth()-4.302652729911275/math.Sqrt(3)) > 1e-9 || s.N != 3 {
		t.Errorf("summary %+v, half-width %v", s, s.HalfWidth())
	}
	if one := Summarize([]float64{5}); one.Mean != 5 || !math.IsNaN(one.Lo) || !math.IsNaN(one.Hi) {
		t.Errorf("one seed: %+v, want mean 5 and no interval", one)
	}
	if none := Summarize(nil); !math.IsNaN(none.Mean) {
		t.Errorf("no seeds: %+v", none)
	}
}

func TestPercentile(t *testing.T) {
	xs := []float64{4, 1, 3, 2, 5}
	for _, tc := range []struct{ q, want float64 }{{0, 1}, {1, 5}, {0.5, 3}, {0.25, 2}, {0.125, 1.5}} {
		if got := Percentile(xs, tc.q); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Percentile(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
}

// TestBootstrap_Coverage draws 200 samples of N(0, 1) 100 times and requires the bootstrap
// interval of the mean to contain 0 about 95 times in 100 (at least 88: the binomial 1e-3 tail),
// and to be about 2·1.96/sqrt(200) wide.
func TestBootstrap_Coverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	covered := 0
	var width float64
	for trial := range 100 {
		x := make([]float64, 200)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		lo, hi, reps, err := Bootstrap(len(x), 400, uint64(trial), func(idx []int) (float64, error) {
			var s float64
			for _, i := range idx {
				s += x[i]
			}
			return s / float64(len(idx)), nil
		})
		if err != nil || len(reps) != 400 {
			t.Fatal(err)
		}
		if lo <= 0 && 0 <= hi {
			covered++
		}
		width += (hi - lo) / 100
	}
	if covered < 88 {
		t.Errorf("coverage %d of 100, want about 95", covered)
	}
	if want := 2 * 1.96 / math.Sqrt(200); math.Abs(width-want) > 0.1*want {
		t.Errorf("mean width %v, want about %v", width, want)
	}
	if _, _, _, err := Bootstrap(0, 10, 1, nil); err == nil {
		t.Error("no samples: no error")
	}
}

// TestPaired checks the two-level paired comparison: equal methods are unresolved around 0; a
// constant shift is resolved with that difference; a shift smaller than the seed-to-seed noise
// of the difference is not; and the verdicts against the paper's order.
func TestPaired(t *testing.T) {
	a := []float64{0.30, 0.34, 0.32}
	same, err := Paired(a, a, nil, nil, 500, 1)
	if err != nil || same.Diff != 0 || same.Resolved {
		t.Errorf("equal methods: %+v, %v", same, err)
	}
	b := []float64{0.31, 0.35, 0.33}
	shift, err := Paired(a, b, nil, nil, 500, 1)
	if err != nil || math.Abs(shift.Diff+0.01) > 1e-12 || !shift.Resolved || shift.Hi >= 0 {
		t.Errorf("constant shift: %+v, %v", shift, err)
	}
	noisy := []float64{0.28, 0.37, 0.32} // differences -0.02, +0.03, 0: noise larger than the mean
	n, err := Paired(noisy, a, nil, nil, 500, 1)
	if err != nil || n.Resolved {
		t.Errorf("noisy: %+v, %v", n, err)
	}
	// Replicates: seed 0 has test-sample noise that straddles 0, so one seed is unresolved.
	ra := [][]float64{{0.30, 0.31, 0.29, 0.33}}
	rb := [][]float64{{0.31, 0.30, 0.30, 0.32}}
	if c, err := Paired(a[:1], b[:1], ra, rb, 500, 1); err != nil || c.Resolved {
		t.Errorf("one seed, noisy resamples: %+v, %v", c, err)
	}
	if _, err := Paired(a, b[:2], nil, nil, 500, 1); err == nil {
		t.Error("unequal seeds: no error")
	}

	lo, hi := 0.8, 2.0
	shift.Judge(&lo, &hi) // paper: A lower; ours: A lower, resolved
	if shift.Verdict != "reproduced" || shift.Paper != "A < B" {
		t.Errorf("judge: %+v", shift)
	}
	shift.Judge(&hi, &lo)
	if shift.Verdict != "reversed" {
		t.Errorf("judge reversed: %+v", shift)
	}
	n.Judge(&lo, &hi)
	if n.Verdict != "unresolved" {
		t.Errorf("judge unresolved: %+v", n)
	}
	shift.Judge(nil, &hi)
	if shift.Verdict != "resolved" || shift.Paper != "" {
		t.Errorf("judge without the paper: %+v", shift)
	}
}

// TestSummary_JSON: a one-seed summary (no interval) survives JSON with its bounds as null.
func TestSummary_JSON(t *testing.T) {
	for _, s := range []Summary{Summarize([]float64{0.5}), Summarize([]float64{1, 2, 4})} {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Summary
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
		if back.N != s.N || !same(back.Mean, s.Mean) || !same(back.Lo, s.Lo) || !same(back.Hi, s.Hi) || !same(back.SD, s.SD) || len(back.Values) != len(s.Values) {
			t.Errorf("%s: read back %+v, want %+v", b, back, s)
		}
	}
}
