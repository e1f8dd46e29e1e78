package modelnet40_test

import (
	"context"
	"fmt"

	"github.com/ncgn/ncgn/datasets/modelnet40"
)

// The reference's test selection from the official archive: meshes with at least 400 vertices
// (implied by Points 400), the first 2232, 400 random vertices each. (Not run: it needs the data.)
func ExampleLoad() {
	s, err := modelnet40.Load(context.Background(), "data/ModelNet40", modelnet40.Config{
		Split: modelnet40.Test, Limit: 2232, Seed: 1,
	}, func(read, expected int) { fmt.Printf("\r%d/%d", read, expected) })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("\n%d clouds, %d skipped with fewer than 400 vertices\n", len(s.Clouds), s.Counts.TooFewPoints)
}

// One object's cloud: draw Points points without replacement, then centre and scale so that the
// largest absolute coordinate is the reference's 0.25.
func ExampleNormalise() {
	pts := []float64{0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 8, 1, 1, 1}
	cloud, _ := modelnet40.Subset(pts, 3, 4, modelnet40.ObjectRand(1, 0))
	_ = modelnet40.Normalise(cloud, 3, modelnet40.ReferenceScale)
	m, mean := 0.0, [3]float64{}
	for i, v := range cloud {
		m = max(m, v, -v)
		mean[i%3] += v / 4
	}
	fmt.Printf("max |x| = %.9f, mean = (%.0f, %.0f, %.0f)\n", m, mean[0], mean[1], mean[2])
	// Output: max |x| = 0.249999995, mean = (0, 0, 0)
}
