package benchmarks

import (
	"testing"

	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/models"
)

// benchSeed fixes every draw of the benchmarks.
const benchSeed = 1

// sink keeps benchmark results alive.
var sink float64

// convs are the two message-passing layers of the paper.
var convs = []models.Conv{models.GCN, models.GAT}

// paperWorkloads are the paper-scale configurations of BenchmarkTrainStep and
// BenchmarkSampleStep: ModelNet40 (400 points, batch 128, width 64) with dmp, knn and
// long-short graphs, and transcriptomics (100 nodes, batch 128, width 32) with dmp, knn and full
// graphs, each with GCN and GAT. ModelNet40 with full graphs is left out: at batch 128 it has
// 51,200 nodes and 20.4 million edges (BenchmarkScaling times full graphs at small N).
func paperWorkloads() []workload {
	var ws []workload
	for _, kind := range []graphs.Kind{graphs.DMP, graphs.KNN, graphs.LongShort} {
		for _, c := range convs {
			ws = append(ws, modelNetWorkload(kind, c))
		}
	}
	for _, kind := range []graphs.Kind{graphs.DMP, graphs.KNN, graphs.Full} {
		for _, c := range convs {
			ws = append(ws, spatialWorkload(kind, c))
		}
	}
	return ws
}

// BenchmarkTrainStep times one full training step per op at the paper's configurations
// (paperWorkloads): the draws of t ~ U(0, 1) and noise and the noising (data-ms), the Plans and
// their Batch (plan-ms), the expression graph with forward, MSE loss and backward (net-ms), and
// Adam with the EMA update (opt-ms). Named by configuration: BenchmarkTrainStep/modelnet-dmp-gat.
func BenchmarkTrainStep(b *testing.B) {
	for _, w := range paperWorkloads() {
		b.Run(w.name(), func(b *testing.B) { benchTrain(b, w) })
	}
}

// benchTrain runs b.N training steps of w and reports their parts (stepStats.report).
func benchTrain(b *testing.B, w workload) {
	r, err := newRig(w, benchSeed)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	stats := newStepStats(w.batch, w.nodes)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := r.trainStep()
		if err != nil {
			b.Fatal(err)
		}
		stats.add(st)
		sink += st.loss
	}
	b.StopTimer()
	stats.report(b, true)
}
