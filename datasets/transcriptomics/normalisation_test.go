package transcriptomics

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/ncgn/ncgn/datasets"
)

const tolNorm = 1e-12

// handStats: 3 samples × 2 labels (10 and 20), chosen so that the reference's running max
// differs from the true max.
var (
	handSteps = []int{10, 20}
	handStats = []Range{
		{-2, 5}, {-1, 1}, // sample 0
		{-3, 9}, {-4, 2}, // sample 1
		{-1, 4}, {-2, 3}, // sample 2
	}
)

func TestFit(t *testing.T) {
	cases := []struct {
		mode     NormalisationMode
		min, max []float64
	}{
		{TrueMinMax, []float64{-3, -4}, []float64{9, 3}},
		// label 10: min -2 -> -3 -> -3; max 5 -> max(-2, 9) = 9 -> max(-3, 4) = 4
		// label 20: min -1 -> -4 -> -4; max 1 -> max(-1, 2) = 2 -> max(-4, 3) = 3
		{ReferenceRunningMax, []float64{-3, -4}, []float64{4, 3}},
	}
	for _, tc := range cases {
		t.Run(string(tc.mode), func(t *testing.T) {
			n, err := Fit(handSteps, handStats, 3, tc.mode, "hand")
			if err != nil {
				t.Fatal(err)
			}
			for k := range handSteps {
				if n.Min[k] != tc.min[k] || n.Max[k] != tc.max[k] {
					t.Errorf("label %d: [%v, %v], want [%v, %v]", handSteps[k], n.Min[k], n.Max[k], tc.min[k], tc.max[k])
				}
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		if _, err := Fit(handSteps, handStats[:5], 3, TrueMinMax, ""); !errors.Is(err, ErrInput) {
			t.Errorf("short stats: %v", err)
		}
		if _, err := Fit(handSteps, handStats, 3, "median", ""); !errors.Is(err, ErrInput) {
			t.Errorf("unknown mode: %v", err)
		}
		if _, err := Fit([]int{0}, []Range{{1, 1}}, 1, TrueMinMax, ""); !errors.Is(err, ErrNormalisation) {
			t.Errorf("degenerate range: %v", err)
		}
	})
}

func TestNormalisation_Normalise(t *testing.T) {
	n, err := Fit(handSteps, handStats, 3, TrueMinMax, "hand") // [-3, 9] at 10, [-4, 3] at 20
	if err != nil {
		t.Fatal(err)
	}
	g := Grid{Name: "hand", TimeSteps: []int{10, 20}, SpaceIndices: []int{0}}
	raw := []float64{ // 2 samples × 2 nodes × 3 genes
		-3, 3, 9, -4, 3, 0,
		0, 6, -1.5, -0.5, 1.25, 2,
	}
	want := []float64{
		0, 0.5, 1, 0, 1, 4.0 / 7,
		0.25, 0.75, 0.125, 0.5, 0.75, 6.0 / 7,
	}
	got, err := n.Normalise(g, raw)
	if err != nil {
		t.Fatal(err)
	}
	for k := range want {
		if math.Abs(got[k]-want[k]) > tolNorm {
			t.Errorf("entry %d: %v, want %v", k, got[k], want[k])
		}
	}
	back, err := n.Denormalise(g, got)
	if err != nil {
		t.Fatal(err)
	}
	for k := range raw {
		if math.Abs(back[k]-raw[k]) > tolNorm {
			t.Errorf("round trip entry %d: %v, want %v", k, back[k], raw[k])
		}
	}
	if _, err := n.Normalise(g, raw[:5]); !errors.Is(err, ErrInput) {
		t.Errorf("ragged features: %v", err)
	}
	if _, err := n.Normalise(Grid{Name: "other", TimeSteps: []int{30}, SpaceIndices: []int{0}}, raw[:3]); !errors.Is(err, ErrNormalisation) {
		t.Errorf("missing label: %v", err)
	}
	if err := n.Covers(TrainGrid()); !errors.Is(err, ErrNormalisation) {
		t.Errorf("Covers(train) = %v, want ErrNormalisation", err)
	}
}

func TestNormalisation_SaveLoad(t *testing.T) {
	n, err := Fit(handSteps, handStats, 3, ReferenceRunningMax, "hand")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "normalisation.json")
	if err := n.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadNormalisation(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Mode != n.Mode || back.Source != n.Source || back.Samples != 3 || len(back.Steps) != 2 {
		t.Fatalf("loaded %+v, saved %+v", back, n)
	}
	for k := range n.Steps {
		if back.Steps[k] != n.Steps[k] || back.Min[k] != n.Min[k] || back.Max[k] != n.Max[k] {
			t.Fatalf("label %d: loaded (%d, %v, %v), saved (%d, %v, %v)", k, back.Steps[k], back.Min[k], back.Max[k], n.Steps[k], n.Min[k], n.Max[k])
		}
	}
	bad := []struct{ name, text string }{
		{"not json", "min max"},
		{"lengths", `{"steps":[0,1],"min":[0],"max":[1,2]}`},
		{"degenerate", `{"steps":[0],"min":[1],"max":[1]}`},
		{"unsorted", `{"steps":[5,1],"min":[0,0],"max":[1,1]}`},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			p := filepath.Join(dir, b.name+".json")
			if err := os.WriteFile(p, []byte(b.text), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadNormalisation(p); !errors.Is(err, ErrNormalisation) {
				t.Fatalf("LoadNormalisation = %v, want ErrNormalisation", err)
			}
		})
	}
	if _, err := LoadNormalisation(filepath.Join(dir, "missing.json")); err == nil {
		t.Fatal("LoadNormalisation of a missing file: nil error")
	}
}

func TestReadReferenceNormalisation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "st_normalization.npy")
	a := &datasets.Array{Shape: []int{3, 2}, Data: []float64{-0.01, 0.01, -0.02, 0.03, -1, 2}}
	if err := datasets.WriteNpy(path, a, "float64"); err != nil {
		t.Fatal(err)
	}
	n, err := ReadReferenceNormalisation(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := n.Range(2)
	if err != nil || r != (Range{-1, 2}) || n.Mode != ReferenceRunningMax {
		t.Fatalf("Range(2) = %+v, %v; mode %q", r, err, n.Mode)
	}
	bad := filepath.Join(t.TempDir(), "bad.npy")
	if err := datasets.WriteNpy(bad, &datasets.Array{Shape: []int{3}, Data: []float64{1, 2, 3}}, "float64"); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadReferenceNormalisation(bad); !errors.Is(err, ErrNormalisation) {
		t.Fatalf("1-D table: %v, want ErrNormalisation", err)
	}
}
