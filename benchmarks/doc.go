// Package benchmarks holds the go test -bench comparisons of ncgn: training and sampling steps
// across graph kinds, message-passing layers and sizes. It has no API; everything is in its
// _test.go files. Run all of it (minutes) with
//
//	go test -run '^$' -bench . -benchmem ./benchmarks/
//
// The benchmarks, named by configuration <task>-<kind>-<conv> (task modelnet or st, as the
// PyTorch peer's --task):
//
//   - BenchmarkTrainStep/modelnet-dmp-gat, ...: one full training step at the paper's
//     configurations, ModelNet40 (400 points uniform in [-0.5, 0.5]^3 per cloud, DDPM, batch
//     128, width 64, 3 layers, k = 7; graph kinds dmp, knn, long-short) and transcriptomics
//     (100 nodes on the 10 x 10 grid (s/54, t/90), 3 features, flow matching, batch 128, width
//     32, k = 5; dmp, knn, full), each with gcn and gat: t ~ U(0, 1) per sample, noising, Plans,
//     forward, backward, Adam and EMA (layers/optim). ModelNet40 with full graphs (20.4 million
//     edges at batch 128) is left out.
//   - BenchmarkSampleStep/...: one sampling step at the same configurations: Plans at the
//     step's t, forward in evaluation mode, DDPM ancestral step or Euler step; op k runs at the
//     k-th of 20 levels spread over the sampler's grid (flag -picks), as the peer does.
//   - BenchmarkScaling/<kind>-gat/N=<points>: the ModelNet40 training step at N = 400, 1600,
//     6400, 25600 points per cloud (dmp, knn, long-short) with the batch chosen so that every
//     step holds 51,200 points, and full graphs at N = 100 … 1600 with 3,200 points per step;
//     ms/cloud (median step time over batch) grows like N^p, and scripts/fit-scaling fits p (below).
//   - BenchmarkSmoke/...: every kind and layer of both tasks at a tiny size (batch 2, width 8),
//     training and sampling; CI runs it with -benchtime 1x. Its timings mean nothing.
//
// The growth exponents of BenchmarkScaling:
//
//	go test -run '^$' -bench Scaling -benchtime 3x ./benchmarks/ | go run ./scripts/fit-scaling
//
// Besides ns/op, B/op and allocs/op, each reports per op (ms): data-ms (training: draws and
// noising), plan-ms (graphs.NewPlans and NewBatch), net-ms (expression graph, forward, backward
// in training), opt-ms (Adam and EMA) or update-ms (the sampler's update), p50-ms (the median
// step), ms/cloud, the mean supernodes and coarse edges of a batch, and peak-heap-MB (the
// largest heap seen while the benchmark ran, sampled every 2 ms).
//
// The graphs follow the reference (and the peer) so that both sides time graphs of the same
// size: voxels per dimension by float root (PlanConfig.FloatRoot) and, for ModelNet40, DDPM in
// the reference's orientation (DDPMConfig.ReferenceOrientation: the graph is coarsest near the
// data). scripts/compare-peer.sh compares these benchmarks with the peer; docs/performance.md
// holds the measured numbers.
package benchmarks
