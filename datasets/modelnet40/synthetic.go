package modelnet40

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/ncgn/ncgn/datasets"
)

// WriteSynthetic writes a point-cloud folder in the .npy layout under root: for each class of
// train and test (objects per class), objects of points points drawn uniformly in a box whose
// sides are 1, 2 and 3 (x, y, z), named CLASS/SPLIT/CLASS_NNNN.npy; the same arguments give the
// same files. It stands in for ModelNet40 where the real data are not needed (tests, demos).
func WriteSynthetic(root string, train, test map[string]int, points int) error {
	if points < 1 {
		return fmt.Errorf("modelnet40: synthetic clouds of %d points: %w", points, ErrConfig)
	}
	for _, split := range []string{Train, Test} {
		counts := map[string]map[string]int{Train: train, Test: test}[split]
		classes := make([]string, 0, len(counts))
		for c := range counts {
			classes = append(classes, c)
		}
		slices.Sort(classes)
		for ci, class := range classes {
			for j := range counts[class] {
				r := rand.New(rand.NewPCG(uint64(ci+1), uint64(j+1000*len(split))))
				a := &datasets.Array{Shape: []int{points, 3}, Data: make([]float64, 3*points)}
				for i := range a.Data {
					a.Data[i] = float64(1+i%3) * r.Float64()
				}
				p := filepath.Join(root, class, split, fmt.Sprintf("%s_%04d.npy", class, j+1))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					return fmt.Errorf("modelnet40: synthetic folder: %w", err)
				}
				if err := datasets.WriteNpy(p, a, "float32"); err != nil {
					return fmt.Errorf("modelnet40: synthetic folder: %w", err)
				}
			}
		}
	}
	return nil
}
