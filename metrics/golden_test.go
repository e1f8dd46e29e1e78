package metrics

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// tolGolden is the relative tolerance for agreement with POT and SciPy (written by
// scripts/golden_ot.py); the differences are float64 rounding of the summation order.
const tolGolden = 1e-9

// golden is metrics/testdata/golden_ot.json.
type golden struct {
	Seed       int `json:"seed"`
	OTProblems []struct {
		Name        string      `json:"name"`
		A           [][]float64 `json:"a"`
		B           [][]float64 `json:"b"`
		EMD2        float64     `json:"emd2"`
		LSATotal    float64     `json:"lsa_total"`
		LSAOverM    float64     `json:"lsa_over_m"`
		SampleShape []int       `json:"sample_shape"`
	} `json:"ot_problems"`
	AssignmentProblems []struct {
		Name  string    `json:"name"`
		N     int       `json:"n"`
		Cost  []float64 `json:"cost"`
		Total float64   `json:"total"`
	} `json:"assignment_problems"`
	CloudPairs []struct {
		Name    string      `json:"name"`
		X       [][]float64 `json:"x"`
		Y       [][]float64 `json:"y"`
		Chamfer float64     `json:"chamfer"`
		EMD     float64     `json:"emd"`
	} `json:"cloud_pairs"`
}

// readGolden reads the golden values written by scripts/golden_ot.py.
func readGolden(t *testing.T) *golden {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "golden_ot.json"))
	if err != nil {
		t.Fatalf("golden values missing (regenerate with /usr/bin/python3 scripts/golden_ot.py): %v", err)
	}
	var g golden
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatalf("testdata/golden_ot.json: %v", err)
	}
	if len(g.OTProblems) == 0 || len(g.AssignmentProblems) == 0 || len(g.CloudPairs) == 0 {
		t.Fatalf("testdata/golden_ot.json holds no problems")
	}
	return &g
}

// relClose reports whether got agrees with want to tol relative (absolute below 1).
func relClose(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(math.Abs(want), 1)
}

func TestOT_GoldenPOT(t *testing.T) {
	g := readGolden(t)
	for _, p := range g.OTProblems {
		t.Run(p.Name, func(t *testing.T) {
			got, err := OT(p.A, p.B)
			if err != nil {
				t.Fatal(err)
			}
			if !relClose(got, p.EMD2, tolGolden) {
				t.Errorf("OT = %.17g, POT ot.emd2 = %.17g", got, p.EMD2)
			}
			if !relClose(got, p.LSAOverM, tolGolden) {
				t.Errorf("OT = %.17g, SciPy linear_sum_assignment / m = %.17g", got, p.LSAOverM)
			}
			cost, err := EuclideanCost(p.A, p.B)
			if err != nil {
				t.Fatal(err)
			}
			_, total, err := Assignment(cost, len(p.A))
			if err != nil {
				t.Fatal(err)
			}
			if !relClose(total, p.LSATotal, tolGolden) {
				t.Errorf("Assignment total = %.17g, SciPy = %.17g", total, p.LSATotal)
			}
		})
	}
}

func TestAssignment_GoldenSciPy(t *testing.T) {
	g := readGolden(t)
	for _, p := range g.AssignmentProblems {
		t.Run(p.Name, func(t *testing.T) {
			match, total, err := Assignment(p.Cost, p.N)
			if err != nil {
				t.Fatal(err)
			}
			checkPermutation(t, p.Cost, p.N, match, total)
			if !relClose(total, p.Total, tolGolden) {
				t.Errorf("Assignment total = %.17g, SciPy linear_sum_assignment = %.17g", total, p.Total)
			}
		})
	}
}

func TestCloudDistances_Golden(t *testing.T) {
	g := readGolden(t)
	for _, p := range g.CloudPairs {
		t.Run(p.Name, func(t *testing.T) {
			cd, err := Chamfer(p.X, p.Y)
			if err != nil {
				t.Fatal(err)
			}
			if !relClose(cd, p.Chamfer, tolGolden) {
				t.Errorf("Chamfer = %.17g, SciPy cdist = %.17g", cd, p.Chamfer)
			}
			emd, err := EMD(p.X, p.Y)
			if err != nil {
				t.Fatal(err)
			}
			if !relClose(emd, p.EMD, tolGolden) {
				t.Errorf("EMD = %.17g, POT ot.emd2 = %.17g", emd, p.EMD)
			}
		})
	}
}
