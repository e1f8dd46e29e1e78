package transcriptomics

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	st "github.com/ncgn/ncgn/datasets/transcriptomics"
	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/metrics"
)

var (
	smokeOnce sync.Once
	smokeData *Data
	smokeErr  error
	smokeLog  bytes.Buffer // the simulation's progress, written to a non-terminal
)

// testData returns the smoke preset's data sets with seed 1, simulated once per test binary.
func testData(t *testing.T) *Data {
	t.Helper()
	smokeOnce.Do(func() {
		smokeData, smokeErr = Simulate(context.Background(), Presets()[experiments.Smoke], DeriveSeeds(1), &smokeLog)
	})
	if smokeErr != nil {
		t.Fatal(smokeErr)
	}
	return smokeData
}

// TestSimulate_PlainProgress checks that the simulation's progress, written where there is no
// terminal (a log file), is plain lines: no carriage-return bar frames.
func TestSimulate_PlainProgress(t *testing.T) {
	testData(t)
	out := smokeLog.String()
	if strings.Contains(out, "\r") || !strings.Contains(out, "simulate") || !strings.HasSuffix(out, "\n") {
		t.Errorf("simulation progress %q: want plain lines naming the simulation", out)
	}
}

func TestSimulate_Shapes(t *testing.T) {
	d := testData(t)
	p := Presets()[experiments.Smoke]
	checks := []struct {
		name       string
		set        [][]float64
		n, perNode int
	}{
		{"train", d.Train, p.TrainSamples, 100 * 3},
		{"test", d.Test, p.TestSamples, 96 * 3},
		{"knockout", d.Knockout, p.KnockoutSamples, 96 * 3},
		{"floor", d.Floor, p.FloorSamples, 96 * 3},
	}
	for _, c := range checks {
		if len(c.set) != c.n {
			t.Errorf("%s: %d samples, want %d", c.name, len(c.set), c.n)
			continue
		}
		for j, x := range c.set {
			if len(x) != c.perNode {
				t.Errorf("%s sample %d: %d values, want %d", c.name, j, len(x), c.perNode)
			}
		}
	}
	if len(d.KnockoutGene) != p.KnockoutSamples {
		t.Fatalf("%d knockout genes", len(d.KnockoutGene))
	}
	// Normalised training values lie in [0, 1] (true min/max of the training simulations).
	for j, x := range d.Train {
		for k, v := range x {
			if v < 0 || v > 1 {
				t.Fatalf("train sample %d entry %d = %v outside [0, 1]", j, k, v)
			}
		}
	}
}

// TestConditioning_KnownEntries checks how many of the 96 × 3 entries each task fixes on the
// test grid, and that fixed entries take the test sample's values (the knockout gene: the
// normalised value of raw 0).
// holdTol bounds the difference between a fixed entry and the test value it stands for.
const holdTol = 1e-12

func TestConditioning_KnownEntries(t *testing.T) {
	d := testData(t)
	want := map[st.Task]int{st.Unconditional: 0, st.TemporalTrajectory: 36, st.TemporalInterpolation: 72,
		st.GeneImputation: 192, st.SpaceImputation: 144, st.GeneKnockout: 96}
	for _, task := range st.Tasks() {
		t.Run(task.Key(), func(t *testing.T) {
			g, truth, genes := d.TaskSet(task)
			cond, masks, err := Conditioning(task, g, truth, genes, d.Norm)
			if err != nil {
				t.Fatal(err)
			}
			if task == st.Unconditional {
				if cond != nil || masks != nil {
					t.Fatal("unconditional generation has a condition")
				}
				return
			}
			size := g.Nodes() * st.NumGenes
			if len(cond.Mask) != len(truth)*size || len(masks) != len(truth) {
				t.Fatalf("condition of %d entries, %d masks for %d samples", len(cond.Mask), len(masks), len(truth))
			}
			for j := range truth {
				n := 0
				for k, known := range masks[j] {
					if !known {
						continue
					}
					n++
					// The knockout truth is raw 0 exactly: normalised, the hold value up to rounding.
					if v := cond.Values[j*size+k]; math.Abs(v-truth[j][k]) > holdTol {
						t.Fatalf("sample %d entry %d fixed to %v, test value %v", j, k, v, truth[j][k])
					}
				}
				if n != want[task] {
					t.Fatalf("sample %d: %d known entries, want %d", j, n, want[task])
				}
			}
		})
	}
}

func TestRandomSamples(t *testing.T) {
	d := testData(t)
	g, truth, genes := d.TaskSet(st.TemporalTrajectory)
	cond, masks, err := Conditioning(st.TemporalTrajectory, g, truth, genes, d.Norm)
	if err != nil {
		t.Fatal(err)
	}
	a, err := RandomSamples(len(truth), g.Nodes()*st.NumGenes, 7, cond)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := RandomSamples(len(truth), g.Nodes()*st.NumGenes, 7, cond)
	for j := range a {
		for k := range a[j] {
			if a[j][k] != b[j][k] {
				t.Fatalf("seed 7 drew %v then %v at sample %d entry %d", a[j][k], b[j][k], j, k)
			}
			if masks[j][k] && a[j][k] != truth[j][k] {
				t.Fatalf("known entry %d of sample %d is %v, want %v", k, j, a[j][k], truth[j][k])
			}
		}
	}
}

// TestRandomBaseline_IsGaussianNoise supports the choice of the random baseline: N(0, 1)
// noise scores about the paper's 2.452 on unconditional generation, uniform values in the
// normalised range [0, 1] far less.
func TestRandomBaseline_IsGaussianNoise(t *testing.T) {
	d := testData(t)
	size := 96 * 3
	gauss, err := RandomSamples(len(d.Test), size, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	unif := make([][]float64, len(d.Test))
	for j := range unif {
		unif[j] = make([]float64, size)
		for k := range unif[j] {
			unif[j][k] = r.Float64()
		}
	}
	wg, _ := metrics.FlattenedW2(gauss, d.Test, 8)
	wu, _ := metrics.FlattenedW2(unif, d.Test, 8)
	if wg < 2.1 || wg > 2.8 {
		t.Errorf("N(0, 1) noise scores W2 %.3f, want about the paper's 2.452", wg)
	}
	if wu > 1.3 {
		t.Errorf("U(0, 1) values score W2 %.3f, want well below the paper's 2.452", wu)
	}
	t.Logf("random W2: N(0,1) %.3f, U(0,1) %.3f (paper 2.452)", wg, wu)
}
