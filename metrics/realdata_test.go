package metrics

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/ncgn/ncgn/datasets"
)

// modelNetDir is the shared ModelNet40 point-cloud folder, relative to this package.
var modelNetDir = filepath.Join("..", "..", "shared", "data", "modelnet40-1024", "ModelNet40")

// modelNetClouds reads the first count test clouds of a ModelNet40 class, keeping the first
// points points of each; it skips the test when the shared data is absent.
func modelNetClouds(t *testing.T, class string, count, points int) [][][]float64 {
	t.Helper()
	dir := filepath.Join(modelNetDir, class, "test")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("ModelNet40 point clouds not found at %s (shared data absent): %v", dir, err)
	}
	var names []string
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".npy" {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) < count {
		t.Fatalf("%s holds %d clouds, want at least %d", dir, len(names), count)
	}
	out := make([][][]float64, count)
	for i := range out {
		a, err := datasets.ReadNpy(filepath.Join(dir, names[i]))
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Shape) != 2 || a.Shape[1] != 3 || a.Shape[0] < points {
			t.Fatalf("%s: shape %v, want (>= %d, 3)", names[i], a.Shape, points)
		}
		out[i] = make([][]float64, points)
		for p := range out[i] {
			out[i][p] = a.Data[3*p : 3*p+3]
		}
	}
	return out
}

// TestRealData_ModelNet40 checks on real shapes that 1-NNA separates two classes, and that
// the flattened "W2" depends on point order while the point-cloud metrics do not.
func TestRealData_ModelNet40(t *testing.T) {
	const count, points = 6, 128
	planes := modelNetClouds(t, "airplane", count, points)
	chairs := modelNetClouds(t, "chair", count, points)
	for _, d := range []Distance{DistCD, DistEMD} {
		res, err := Evaluate(planes, chairs, d, Metric1NNA)
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Value != 100 {
			t.Errorf("1-NNA-%v of airplanes against chairs = %v %%, want 100", d, res[0].Value)
		}
	}
	// The same clouds with their points shuffled: the set metrics see identical sets.
	rng := rand.New(rand.NewPCG(33, 34))
	shuffled := make([][][]float64, count)
	flat, flatShuffled := make([][]float64, count), make([][]float64, count)
	for i, c := range planes {
		shuffled[i] = append([][]float64(nil), c...)
		rng.Shuffle(points, func(a, b int) { shuffled[i][a], shuffled[i][b] = shuffled[i][b], shuffled[i][a] })
		for p := range c {
			flat[i] = append(flat[i], c[p]...)
			flatShuffled[i] = append(flatShuffled[i], shuffled[i][p]...)
		}
	}
	for _, d := range []Distance{DistCD, DistEMD} {
		res, err := Evaluate(planes, shuffled, d, MetricMMD, MetricCOV)
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Value != 0 || res[1].Value != 100 {
			t.Errorf("%v against the point-shuffled set: MMD = %v, COV = %v %%; want 0 and 100", d, res[0].Value, res[1].Value)
		}
	}
	w2, err := FlattenedW2(flat, flatShuffled, points)
	if err != nil {
		t.Fatal(err)
	}
	if w2 <= 0 {
		t.Errorf("flattened W2 against the point-shuffled set = %v, want > 0 (order-dependent)", w2)
	}
	t.Logf("flattened W2 of 6 airplanes against themselves with shuffled points: %.4g (order dependence)", w2)
}
