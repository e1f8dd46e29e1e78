package experiments

import (
	"context"
	"errors"
	"math"
	"testing"
)

// TestCell_Fill checks a cell filled from three replicates: the mean and interval of each
// metric, a metric missing from one replicate left out, the bootstrap interval of the mean of
// the replicates' resamples, and the code states joined.
func TestCell_Fill(t *testing.T) {
	reps := []Replicate{
		{Index: 0, Values: map[string]float64{"w2": 1, "mmd": 5}, Boots: map[string][]float64{"w2": {1, 1, 1, 1}}, Seconds: 2, Commit: "a", Fingerprint: "f"},
		{Index: 1, Values: map[string]float64{"w2": 2, "mmd": 6}, Boots: map[string][]float64{"w2": {2, 2, 2, 2}}, Seconds: 3, Commit: "a", Fingerprint: "f", Computed: true},
		{Index: 2, Values: map[string]float64{"w2": 3}, Boots: map[string][]float64{"w2": {3, 3, 3, 3}}, Seconds: 4, Commit: "b", Fingerprint: "g"},
	}
	var c Cell
	if s := c.Fill(reps, "w2", "mmd"); s != 9 {
		t.Errorf("seconds %v, want 9", s)
	}
	if c.Values["w2"] != 2 || c.Summaries["w2"].N != 3 {
		t.Errorf("w2 %v, summary %+v", c.Values["w2"], c.Summaries["w2"])
	}
	// t_{0.975, 2} = 4.303; sd = 1; half-width 4.303/√3
	if hw := c.Summaries["w2"].HalfWidth(); math.Abs(hw-4.302652729911275/math.Sqrt(3)) > 1e-9 {
		t.Errorf("half-width %v", hw)
	}
	if _, ok := c.Values["mmd"]; ok {
		t.Errorf("mmd missing from one replicate was filled: %v", c.Values["mmd"])
	}
	if b := c.Bootstrap["w2"]; b != [2]float64{2, 2} {
		t.Errorf("bootstrap interval %v, want [2 2]", b)
	}
	if c.Commit != "a,b" || c.Fingerprint != "f,g" || c.Cached {
		t.Errorf("commit %q fingerprint %q cached %v", c.Commit, c.Fingerprint, c.Cached)
	}
}

// TestComparePaired checks that a difference present on every seed and resample is resolved
// and judged against the paper, that a difference of alternating sign is not, and that cells
// without a common replicate give no comparison.
func TestComparePaired(t *testing.T) {
	mk := func(vals ...float64) []Replicate {
		out := make([]Replicate, len(vals))
		for i, v := range vals {
			out[i] = Replicate{Index: i, Values: map[string]float64{"w2": v}, Boots: map[string][]float64{"w2": {v - 0.01, v, v + 0.01}}}
		}
		return out
	}
	pa, pb := 4.2, 5.9
	c, ok, err := ComparePaired("dmp", "knn", "w2", mk(1, 1.1, 1.2), mk(2, 2.1, 2.2), &pa, &pb)
	if err != nil || !ok {
		t.Fatal(err, ok)
	}
	if !c.Resolved || c.Verdict != "reproduced" || math.Abs(c.Diff+1) > 1e-12 || c.Seeds != 3 {
		t.Errorf("clear difference: %+v", c)
	}
	c, _, _ = ComparePaired("dmp", "knn", "w2", mk(1, 2, 1, 2), mk(2, 1, 2, 1), &pa, &pb)
	if c.Resolved || c.Verdict != "unresolved" {
		t.Errorf("alternating difference: %+v", c)
	}
	b := mk(1)
	b[0].Index = 7
	if _, ok, err := ComparePaired("a", "b", "w2", mk(1), b, nil, nil); ok || err != nil {
		t.Errorf("no common replicate: ok %v, err %v", ok, err)
	}
}

// TestComparePaired_SeedNoise: three seeds whose differences share a sign but spread widely
// are not resolved (the seed bootstrap alone would resolve them: every resample of three
// positive differences is positive), three tight ones are, and one seed resolves nothing, with
// or without test-sample resamples.
func TestComparePaired_SeedNoise(t *testing.T) {
	plain := func(vals ...float64) []Replicate {
		out := make([]Replicate, len(vals))
		for i, v := range vals {
			out[i] = Replicate{Index: i, Values: map[string]float64{"fid": v}}
		}
		return out
	}
	zeros := plain(0, 0, 0)
	c, _, err := ComparePaired("a", "b", "fid", plain(1, 2, 30), zeros, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// mean 11, sd 16.5, t_{0.975,2} = 4.303: the interval reaches below 0
	if c.Resolved || !(c.Lo < 0) || c.Verdict != "unresolved" {
		t.Errorf("spread differences of one sign: %+v", c)
	}
	if c, _, _ = ComparePaired("a", "b", "fid", plain(1, 1.1, 0.9), zeros, nil, nil); !c.Resolved || !(c.Lo > 0.5) || !(c.Hi < 1.5) {
		t.Errorf("tight differences: %+v", c)
	}
	pa, pb := 1.0, 2.0
	if c, _, _ = ComparePaired("a", "b", "fid", plain(200), plain(100), &pa, &pb); c.Resolved || c.Verdict != "unresolved" || c.Lo != c.Hi {
		t.Errorf("one seed without resamples: %+v", c)
	}
	boot := []Replicate{{Index: 0, Values: map[string]float64{"w2": 2}, Boots: map[string][]float64{"w2": {1.9, 2, 2.1}}}}
	base := []Replicate{{Index: 0, Values: map[string]float64{"w2": 1}, Boots: map[string][]float64{"w2": {0.9, 1, 1.1}}}}
	if c, _, _ = ComparePaired("a", "b", "w2", boot, base, nil, nil); c.Resolved || !(c.Lo > 0) {
		t.Errorf("one seed with resamples: %+v (its test-sample interval excludes 0, but one seed resolves nothing)", c)
	}
}

// TestExperiment_Option checks option values: the default when not given, a given value, an
// unknown value (ErrConfig naming the flag), and an invalid definition.
func TestExperiment_Option(t *testing.T) {
	e := Experiment{Name: "x", Run: func(context.Context, Env) error { return nil }, Cells: func(Scale) ([]string, error) { return nil, nil },
		Options: []Option{{Name: "selection", Values: []string{"reference", "balanced"}, Default: "reference"}}}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if v, err := e.Option(Env{}, "selection"); v != "reference" || err != nil {
		t.Errorf("default: %q, %v", v, err)
	}
	if v, err := e.Option(Env{Options: map[string]string{"selection": "balanced"}}, "selection"); v != "balanced" || err != nil {
		t.Errorf("given: %q, %v", v, err)
	}
	if _, err := e.Option(Env{Options: map[string]string{"selection": "odd"}}, "selection"); !errors.Is(err, ErrConfig) {
		t.Errorf("unknown value: %v", err)
	}
	e.Options[0].Default = "other"
	if err := e.Validate(); !errors.Is(err, ErrConfig) {
		t.Errorf("default outside the values: %v", err)
	}
}
