package transcriptomics

import (
	"errors"
	"math"
	"testing"
)

func TestTasks_MaskAndDivisor(t *testing.T) {
	g := TestGrid() // 8 × 12
	cases := []struct {
		task    Task
		name    string
		known   int
		divisor int
	}{
		{Unconditional, "unconditional generation", 0, 8},
		{TemporalTrajectory, "temporal trajectory prediction", 12 * 3, 7},
		{TemporalInterpolation, "temporal interpolation", 2 * 12 * 3, 6},
		{GeneImputation, "gene imputation", 96 * 2, 8},
		{SpaceImputation, "space imputation", 8 * 6 * 3, 8},
		{GeneKnockout, "gene knockout", 96, 8},
	}
	if len(Tasks()) != len(cases) {
		t.Fatalf("Tasks() has %d tasks, want %d", len(Tasks()), len(cases))
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if Tasks()[i] != tc.task || tc.task.Name() != tc.name {
				t.Fatalf("Tasks()[%d] = %q, want %q", i, Tasks()[i].Name(), tc.name)
			}
			mask, err := tc.task.Mask(g, Bmp)
			if err != nil {
				t.Fatal(err)
			}
			known := 0
			for _, m := range mask {
				if m {
					known++
				}
			}
			if len(mask) != 96*3 || known != tc.known {
				t.Errorf("mask of %d entries with %d known, want 288 with %d", len(mask), known, tc.known)
			}
			if d, err := tc.task.Divisor(g); err != nil || d != tc.divisor {
				t.Errorf("Divisor = %d, %v; want %d", d, err, tc.divisor)
			}
			for _, s := range []string{tc.task.Key(), tc.task.Name()} {
				if p, err := ParseTask(s); err != nil || p != tc.task {
					t.Errorf("ParseTask(%q) = %v, %v", s, p, err)
				}
			}
		})
	}
}

func TestTasks_WhichEntries(t *testing.T) {
	g := TestGrid()
	entry := func(ti, si int, gene Gene) int { return g.Node(ti, si)*NumGenes + int(gene) }
	checks := []struct {
		task  Task
		ko    Gene
		ti    int
		si    int
		gene  Gene
		known bool
	}{
		{TemporalTrajectory, NoKnockout, 0, 11, Wnt, true},
		{TemporalTrajectory, NoKnockout, 1, 0, Sox9, false},
		{TemporalInterpolation, NoKnockout, 7, 3, Bmp, true},
		{TemporalInterpolation, NoKnockout, 6, 3, Bmp, false},
		{GeneImputation, NoKnockout, 4, 4, Sox9, true},
		{GeneImputation, NoKnockout, 4, 4, Bmp, false},
		{GeneImputation, NoKnockout, 4, 4, Wnt, true},
		{SpaceImputation, NoKnockout, 3, 5, Bmp, true},
		{SpaceImputation, NoKnockout, 3, 4, Bmp, false},
		{SpaceImputation, NoKnockout, 3, 11, Sox9, true},
		{GeneKnockout, Sox9, 5, 2, Sox9, true},
		{GeneKnockout, Sox9, 5, 2, Wnt, false},
	}
	for _, c := range checks {
		mask, err := c.task.Mask(g, c.ko)
		if err != nil {
			t.Fatal(err)
		}
		if got := mask[entry(c.ti, c.si, c.gene)]; got != c.known {
			t.Errorf("%s: time %d space %d gene %v known = %v, want %v", c.task.Name(), c.ti, c.si, c.gene, got, c.known)
		}
	}
}

func TestTasks_Errors(t *testing.T) {
	if _, err := SpaceImputation.Mask(TrainGrid(), NoKnockout); !errors.Is(err, ErrInput) {
		t.Errorf("space imputation on the 10-column grid: %v, want ErrInput", err)
	}
	if _, err := GeneKnockout.Mask(TestGrid(), NoKnockout); !errors.Is(err, ErrInput) {
		t.Errorf("knockout without a gene: %v, want ErrInput", err)
	}
	if _, err := Task(9).Divisor(TestGrid()); !errors.Is(err, ErrInput) {
		t.Errorf("unknown task: %v, want ErrInput", err)
	}
	if _, err := ParseTask("denoising"); !errors.Is(err, ErrInput) {
		t.Errorf("ParseTask(denoising): %v, want ErrInput", err)
	}
	two := Grid{Name: "two", TimeSteps: []int{0, 1}, SpaceIndices: []int{0}}
	if _, err := TemporalInterpolation.Divisor(two); !errors.Is(err, ErrInput) {
		t.Errorf("interpolation on 2 time points: %v, want ErrInput", err)
	}
	if _, err := TemporalTrajectory.Condition(TestGrid(), make([]float64, 5), NoKnockout, nil, HoldRawZero); !errors.Is(err, ErrInput) {
		t.Errorf("short sample: %v, want ErrInput", err)
	}
	if _, err := GeneKnockout.Condition(TestGrid(), nil, Wnt, nil, HoldRawZero); !errors.Is(err, ErrInput) {
		t.Errorf("raw-zero hold without a table: %v, want ErrInput", err)
	}
}

func TestTasks_Condition(t *testing.T) {
	g := Grid{Name: "small", TimeSteps: []int{10, 20}, SpaceIndices: []int{0, 1}}
	norm, err := Fit(handSteps, handStats, 3, TrueMinMax, "hand") // [-3, 9] at 10, [-4, 3] at 20
	if err != nil {
		t.Fatal(err)
	}
	t.Run("knockout holds raw zero", func(t *testing.T) {
		c, err := GeneKnockout.Condition(g, nil, Bmp, norm, HoldRawZero)
		if err != nil {
			t.Fatal(err)
		}
		want := []float64{0.25, 0.25, 4.0 / 7, 4.0 / 7} // (0 − min)/(max − min) per time point
		for n := 0; n < 4; n++ {
			if v := c.Values[n*NumGenes+int(Bmp)]; math.Abs(v-want[n]) > tolNorm || !c.Mask[n*NumGenes+int(Bmp)] {
				t.Errorf("node %d: hold %v (known %v), want %v", n, v, c.Mask[n*NumGenes+int(Bmp)], want[n])
			}
		}
	})
	t.Run("knockout as the reference", func(t *testing.T) {
		c, err := GeneKnockout.Condition(g, nil, Bmp, nil, HoldNormalisedZero)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range c.Values {
			if v != 0 {
				t.Fatalf("entry %d: %v, want 0", k, v)
			}
		}
	})
	t.Run("trajectory copies the first time point", func(t *testing.T) {
		x := make([]float64, 12)
		for k := range x {
			x[k] = float64(k) / 12
		}
		c, err := TemporalTrajectory.Condition(g, x, NoKnockout, nil, HoldRawZero)
		if err != nil {
			t.Fatal(err)
		}
		for k := range x {
			want := 0.0
			if k < 6 {
				want = x[k]
			}
			if c.Values[k] != want || c.Mask[k] != (k < 6) {
				t.Errorf("entry %d: value %v known %v, want %v %v", k, c.Values[k], c.Mask[k], want, k < 6)
			}
		}
	})
}
