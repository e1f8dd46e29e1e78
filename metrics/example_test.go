package metrics_test

import (
	"fmt"

	"github.com/ncgn/ncgn/metrics"
)

// The paper's "W2" between two sets of two flattened samples: the optimal matching pairs
// each sample with the reference at distance 1, so OT = 1, divided by 2 points per sample.
func ExampleFlattenedW2() {
	samples := [][]float64{{0, 0, 0, 0}, {5, 5, 5, 5}}
	reference := [][]float64{{5, 5, 5, 4}, {0, 0, 0, 1}}
	w2, err := metrics.FlattenedW2(samples, reference, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(w2)
	// Output: 0.5
}

func ExampleAssignment() {
	cost := []float64{
		4, 1, 3,
		2, 0, 5,
		3, 2, 2,
	}
	match, total, err := metrics.Assignment(cost, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(match, total)
	// Output: [1 0 2] 5
}

// Chamfer and EMD between two clouds of two 2-D points one unit apart.
func ExampleChamfer() {
	x := [][]float64{{0, 0}, {1, 0}}
	y := [][]float64{{0, 1}, {1, 1}}
	cd, _ := metrics.Chamfer(x, y) // squared distances, means, both directions: 1 + 1
	emd, _ := metrics.EMD(x, y)    // Euclidean matching cost / n: (1 + 1) / 2
	fmt.Println(cd, emd)
	// Output: 2 1
}

// MMD, COV and 1-NNA of two generated clouds against three reference clouds under CD. The
// nearest generated cloud of each reference is at CD 0, 1 and 8 (MMD = 3); the two generated
// clouds pick references 0 and 1 (COV = 2/3); only reference 2 has a reference as nearest
// neighbour (1-NNA = 1/5).
func ExampleEvaluate() {
	s := [][][]float64{
		{{0, 0}, {1, 0}},
		{{5, 5}, {6, 5}},
	}
	r := [][][]float64{
		{{0, 0}, {1, 0}},
		{{5, 5}, {6, 6}},
		{{5, 7}, {6, 7}},
	}
	res, err := metrics.Evaluate(s, r, metrics.DistCD)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, x := range res {
		fmt.Printf("%s = %.4g\n", x.Metric, x.Value)
	}
	// Output:
	// MMD-CD = 3
	// COV-CD = 66.67
	// 1-NNA-CD = 20
}
