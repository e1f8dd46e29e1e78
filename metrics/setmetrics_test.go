package metrics

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Hand-made distance matrices: |S| = 2 generated, |R| = 3 reference clouds.
var (
	handSR = [][]float64{
		{1, 4, 3},
		{2, 0.5, 5},
	}
	handSS = [][]float64{
		{0, 2.5},
		{2.5, 0},
	}
	handRR = [][]float64{
		{0, 0.2, 6},
		{0.2, 0, 6},
		{6, 6, 0},
	}
)

func TestSetMetrics_HandComputed(t *testing.T) {
	tests := []struct {
		name string
		f    func() (float64, error)
		want float64
	}{
		// min over S per reference: 1, 0.5, 3.
		{"MMD", func() (float64, error) { return MMD(handSR) }, (1 + 0.5 + 3) / 3.0},
		// s0 -> r0, s1 -> r1: 2 of 3 references covered.
		{"COV", func() (float64, error) { return COV(handSR) }, 200.0 / 3},
		// s0: nearest S 2.5 vs R 1 -> R, wrong; s1: 2.5 vs 0.5, wrong; r0: R 0.2 vs S 1, right;
		// r1: R 0.2 vs S 0.5, right; r2: R 6 vs S 3, wrong. 2 of 5.
		{"1-NNA", func() (float64, error) { return OneNNA(handSS, handRR, handSR) }, 40},
		// A cloud at distance 0 of a reference covers it and gives MMD 0 there.
		{"MMD exact copy", func() (float64, error) { return MMD([][]float64{{0, 1}, {1, 0}}) }, 0},
		// Ties in the argmin go to the lowest reference index: both samples pick r0.
		{"COV ties", func() (float64, error) { return COV([][]float64{{1, 1}, {2, 2}}) }, 50},
		// Ties in 1-NNA go to S: s0 (S 1 = R 1) counts as right, r0 (R 1 = S 1) as wrong.
		{"1-NNA ties", func() (float64, error) {
			return OneNNA([][]float64{{0, 1}, {1, 0}}, [][]float64{{0, 1}, {1, 0}}, [][]float64{{1, 1}, {1, 1}})
		}, 50},
		// One cloud each: each one's only neighbour is in the other set.
		{"1-NNA one each", func() (float64, error) {
			return OneNNA([][]float64{{0}}, [][]float64{{0}}, [][]float64{{3}})
		}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.f()
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > tolClosedForm*math.Max(tc.want, 1) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSetMetrics_Errors(t *testing.T) {
	tests := []struct {
		name string
		f    func() (float64, error)
		want error
	}{
		{"MMD empty", func() (float64, error) { return MMD(nil) }, ErrShape},
		{"MMD no columns", func() (float64, error) { return MMD([][]float64{{}}) }, ErrShape},
		{"MMD ragged", func() (float64, error) { return MMD([][]float64{{1, 2}, {3}}) }, ErrShape},
		{"MMD NaN", func() (float64, error) { return MMD([][]float64{{1, math.NaN()}}) }, ErrValue},
		{"COV Inf", func() (float64, error) { return COV([][]float64{{math.Inf(1)}}) }, ErrValue},
		{"1-NNA dSS wrong size", func() (float64, error) { return OneNNA(handRR, handRR, handSR) }, ErrShape},
		{"1-NNA dRR wrong size", func() (float64, error) { return OneNNA(handSS, handSS, handSR) }, ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.f(); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// cloudSet draws m clouds of n 3-D points from N(center, 1).
func cloudSet(rng *rand.Rand, m, n int, center float64) [][][]float64 {
	s := make([][][]float64, m)
	for i := range s {
		s[i] = randomCloud(rng, n, 3, center, 1)
	}
	return s
}

// TestEvaluate_Separation checks 1-NNA = 100 % and COV low for well separated sets, and
// 1-NNA near 50 % for two draws of one distribution (a loose bound at a fixed seed).
func TestEvaluate_Separation(t *testing.T) {
	const (
		setSize, points = 24, 24
		nnaLow, nnaHigh = 25.0, 75.0 // loose band around the ideal 50 %
	)
	rng := rand.New(rand.NewPCG(21, 22))
	s := cloudSet(rng, setSize, points, 0)
	same := cloudSet(rng, setSize, points, 0)
	far := cloudSet(rng, setSize, points, 10)
	for _, d := range []Distance{DistCD, DistEMD} {
		t.Run(d.String()+"/separated", func(t *testing.T) {
			res, err := Evaluate(s, far, d)
			if err != nil {
				t.Fatal(err)
			}
			if res[2].Value != 100 {
				t.Errorf("1-NNA of separated sets = %v %%, want 100", res[2].Value)
			}
			if res[0].Value <= 0 {
				t.Errorf("MMD of separated sets = %v, want > 0", res[0].Value)
			}
		})
		t.Run(d.String()+"/same distribution", func(t *testing.T) {
			res, err := Evaluate(s, same, d)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("1-NNA-%v of two draws of one distribution: %v %%", d, res[2].Value)
			if v := res[2].Value; v < nnaLow || v > nnaHigh {
				t.Errorf("1-NNA of two draws of one distribution = %v %%, want within [%v, %v]", v, nnaLow, nnaHigh)
			}
			self, err := Evaluate(s, s, d, MetricMMD, MetricCOV)
			if err != nil {
				t.Fatal(err)
			}
			if self[0].Value != 0 || self[1].Value != 100 {
				t.Errorf("a set against itself: MMD = %v, COV = %v %%; want 0 and 100", self[0].Value, self[1].Value)
			}
		})
	}
}

func TestEvaluate_Result(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	s, r := cloudSet(rng, 3, 5, 0), cloudSet(rng, 4, 5, 0)
	res, err := Evaluate(s, r, DistEMD, Metric1NNA, MetricMMD)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Metric != "1-NNA-EMD" || res[1].Metric != "MMD-EMD" {
		t.Fatalf("results %+v, want 1-NNA-EMD then MMD-EMD", res)
	}
	dSR, _ := Pairwise(s, r, DistEMD)
	mmd, _ := MMD(dSR)
	if res[1].Value != mmd {
		t.Errorf("MMD-EMD = %v, from Pairwise and MMD %v", res[1].Value, mmd)
	}
	for _, x := range res {
		if x.Samples != 3 || x.Reference != 4 || x.PointsPerCloud != 5 || !strings.Contains(x.Convention, "not squared") {
			t.Errorf("result %+v lacks sizes or convention", x)
		}
	}
	if _, err := Evaluate(s, r, DistCD, SetMetric(0)); !errors.Is(err, ErrValue) {
		t.Errorf("unknown set metric: err = %v, want ErrValue", err)
	}
	if _, err := Evaluate(s, cloudSet(rng, 2, 6, 0), DistCD); !errors.Is(err, ErrShape) {
		t.Errorf("clouds of 5 and 6 points: err = %v, want ErrShape", err)
	}
	w, err := EvaluateW2([][]float64{{0, 0}}, [][]float64{{3, 4}}, 5, 1)
	if err != nil || w.Value != 1 || w.Metric != "W2" || w.Normalize != 5 {
		t.Errorf("EvaluateW2 = %+v, %v; want W2 = 1", w, err)
	}
}
