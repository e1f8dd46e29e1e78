package benchmarks

import (
	"testing"

	"github.com/ncgn/ncgn/graphs"
)

// The smoke size: enough to run every kind and layer through a training and a sampling step
// in milliseconds (CI runs BenchmarkSmoke with -benchtime 1x).
const (
	smokeBatch  = 2
	smokePoints = 40 // ModelNet40 clouds; transcriptomics keeps its 10 x 10 grid
	smokeWidth  = 8
	smokeLayers = 2
)

// smokeWorkloads are every graph kind and layer of both tasks at the smoke size.
func smokeWorkloads() []workload {
	var ws []workload
	for _, kind := range graphs.Kinds {
		for _, c := range convs {
			w := modelNetWorkload(kind, c)
			w.batch, w.nodes, w.width, w.layers = smokeBatch, smokePoints, smokeWidth, smokeLayers
			ws = append(ws, w)
		}
	}
	for _, kind := range []graphs.Kind{graphs.DMP, graphs.KNN, graphs.Full} {
		for _, c := range convs {
			w := spatialWorkload(kind, c)
			w.batch, w.width, w.layers = smokeBatch, smokeWidth, smokeLayers
			ws = append(ws, w)
		}
	}
	return ws
}

// BenchmarkSmoke runs the training and the sampling step of every smoke workload, so that CI
// exercises the benchmark code on every change:
//
//	go test -run '^$' -bench Smoke -benchtime 1x ./benchmarks/
//
// Its timings mean nothing.
func BenchmarkSmoke(b *testing.B) {
	for _, w := range smokeWorkloads() {
		b.Run("train-"+w.name(), func(b *testing.B) { benchTrain(b, w) })
		b.Run("sample-"+w.name(), func(b *testing.B) { benchSample(b, w) })
	}
}
