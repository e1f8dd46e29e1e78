package modelnet40

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/datasets"
)

// sharedRoot is the point-cloud copy of ModelNet40 that CI and developers keep beside the
// checkout (see ../shared/data/README.md).
const sharedRoot = "../../../shared/data/modelnet40-1024/ModelNet40"

// writeNpyObject writes a float32 (k, 3) cloud of uniform points in [lo, lo+1)^3.
func writeNpyObject(t testing.TB, path string, k int, seed uint64, lo float64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 99))
	a := &datasets.Array{Shape: []int{k, 3}, Data: make([]float64, 3*k)}
	for i := range a.Data {
		a.Data[i] = lo + r.Float64()
	}
	if err := datasets.WriteNpy(path, a, "float32"); err != nil {
		t.Fatal(err)
	}
}

// npyTree writes a point-cloud folder: for each class, n objects per split with k points each
// (object j of a class has k[j % len(k)] points).
func npyTree(t testing.TB, root string, classes []string, n int, k ...int) {
	t.Helper()
	for ci, c := range classes {
		for _, split := range []string{Train, Test} {
			for j := 0; j < n; j++ {
				p := filepath.Join(root, c, split, fmt.Sprintf("%s_%04d.npy", c, j+1))
				writeNpyObject(t, p, k[j%len(k)], uint64(100*ci+j), float64(ci))
			}
		}
	}
}

// ringOFF returns a closed prism mesh with 2m vertices (two m-gons at z = 0 and z = h joined by
// quads), its vertices on the unit circle.
func ringOFF(m int, h float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "OFF\n%d %d 0\n", 2*m, m+2)
	for _, z := range []float64{0, h} {
		for i := 0; i < m; i++ {
			a := 2 * math.Pi * float64(i) / float64(m)
			fmt.Fprintf(&b, "%.9f %.9f %.9f\n", math.Cos(a), math.Sin(a), z)
		}
	}
	for _, base := range []int{0, m} {
		fmt.Fprintf(&b, "%d", m)
		for i := 0; i < m; i++ {
			fmt.Fprintf(&b, " %d", base+i)
		}
		b.WriteString("\n")
	}
	for i := 0; i < m; i++ {
		j := (i + 1) % m
		fmt.Fprintf(&b, "4 %d %d %d %d\n", i, j, m+j, m+i)
	}
	return b.String()
}

// offTree writes an OFF folder: for each class, one prism per entry of sizes (m-gons) per split,
// with the ModelNet40 joined header on every other file.
func offTree(t testing.TB, root string, classes []string, sizes ...int) {
	t.Helper()
	for _, c := range classes {
		for _, split := range []string{Train, Test} {
			for j, m := range sizes {
				text := ringOFF(m, 1+float64(j))
				if j%2 == 1 {
					text = strings.Replace(text, "OFF\n", "OFF", 1)
				}
				p := filepath.Join(root, c, split, fmt.Sprintf("%s_%04d.off", c, j+1))
				mustWrite(t, p, text)
			}
		}
	}
}

func mustWrite(t testing.TB, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
