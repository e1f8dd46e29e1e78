package benchmarks

import (
	"fmt"
	"testing"

	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/models"
)

// The scaling rule: every step holds the same total number of points, so the batch is
// total/N; the time per cloud (ms/cloud, the median step time over the batch) grows like the
// cost of one cloud of N points. scripts/fit-scaling fits its exponent in N.
const (
	// scalingPoints is the total of the paper's ModelNet40 step (128 clouds of 400 points).
	scalingPoints = paperBatch * modelNetPoints
	// scalingFullPoints is the total for full graphs, whose edges grow like N per point: at
	// 3,200 points a step at N = 1,600 has 5.1 million edges and a heap of about 5 GB (at
	// 51,200 points and N = 400, 20.4 million edges).
	scalingFullPoints = 3200
)

// scalingSizes are the points per cloud of the linear-cost kinds, scalingFullSizes those of
// full graphs.
var (
	scalingSizes     = []int{400, 1600, 6400, 25600}
	scalingFullSizes = []int{100, 200, 400, 800, 1600}
)

// scalingWorkloads returns the workloads of BenchmarkScaling: the ModelNet40 training step
// (width 64, 3 layers, k = 7, GAT) at N points per cloud and batch total/N, with levels
// stratified over the batch (levelsStratified) so that the two clouds at N = 25,600 cost what
// 128 clouds cost on average: dmp, knn and long-short at scalingSizes with 51,200 points per
// step, full at scalingFullSizes with 3,200.
func scalingWorkloads() []workload {
	var ws []workload
	add := func(kind graphs.Kind, sizes []int, total int) {
		for _, n := range sizes {
			w := modelNetWorkload(kind, models.GAT)
			w.nodes, w.batch, w.levels = n, total/n, levelsStratified
			ws = append(ws, w)
		}
	}
	for _, kind := range []graphs.Kind{graphs.DMP, graphs.KNN, graphs.LongShort} {
		add(kind, scalingSizes, scalingPoints)
	}
	add(graphs.Full, scalingFullSizes, scalingFullPoints)
	return ws
}

// scalingName is the benchmark name of a scaling workload: <kind>-<conv>/N=<points>.
func scalingName(w workload) string { return fmt.Sprintf("%s-%s/N=%d", w.kind, w.conv, w.nodes) }

// BenchmarkScaling times the ModelNet40 training step at growing cloud sizes N with a constant
// number of points per step (scalingWorkloads), reporting ms/cloud beside the step's parts.
// The exponent of ms/cloud in N per graph kind:
//
//	go test -run '^$' -bench Scaling -benchtime 3x ./benchmarks/ | go run ./scripts/fit-scaling
func BenchmarkScaling(b *testing.B) {
	for _, w := range scalingWorkloads() {
		b.Run(scalingName(w), func(b *testing.B) { benchTrain(b, w) })
	}
}
