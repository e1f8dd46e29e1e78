package graphs_test

import (
	"fmt"

	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/schedules"
)

// The graph DMP uses for a 4x4 grid of points at pure noise and at the data.
func ExampleNewPlan() {
	var pos []float64
	for i := range 16 {
		pos = append(pos, float64(i%4), float64(i/4))
	}
	cfg := graphs.PlanConfig{Kind: graphs.DMP, K: 2} // exp schedule by default
	for _, t := range []float64{0, 1} {
		p, err := graphs.NewPlan(pos, 16, 2, schedules.NoiseLevel(t), cfg, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("t=%v: s_t=%d k_t=%d -> %d supernodes, %d coarse edges, node 5 in supernode %d\n",
			t, p.Scheduled, p.Neighbours, p.Supernodes, p.Edges.Len(), p.Assign[5])
	}
	// Output:
	// t=0: s_t=6 k_t=6 -> 4 supernodes, 12 coarse edges, node 5 in supernode 0
	// t=1: s_t=16 k_t=2 -> 16 supernodes, 32 coarse edges, node 5 in supernode 5
}

// Ties are broken by index: on a line, node 1 is equally far from 0 and 2.
func ExampleKNNGraph() {
	e, err := graphs.KNNGraph([]float64{0, 1, 2, 4}, 4, 1, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for m := range e.Src {
		fmt.Printf("%d -> %d\n", e.Src[m], e.Dst[m])
	}
	// Output:
	// 1 -> 0
	// 0 -> 1
	// 1 -> 2
	// 2 -> 3
}
