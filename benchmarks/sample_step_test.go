package benchmarks

import (
	"flag"
	"testing"
)

// samplePicks is the number of evaluations spread over the sampler's grid that the sampling
// benchmarks cycle through: op k runs at the (k mod samplePicks)-th, as the peer's
// `bench --sample-steps 20` picks its 20 sampling steps. Run with -benchtime 20x for one sweep.
const samplePicks = 20

// picks sets the number of sampling levels of BenchmarkSampleStep (scripts/compare-peer.sh
// passes the peer's --sample-steps): go test -bench SampleStep ./benchmarks/ -args -picks 5.
var picks = flag.Int("picks", samplePicks, "BenchmarkSampleStep: number of levels spread evenly over the sampler's grid (op k runs at level k mod picks)")

// BenchmarkSampleStep times one sampling step per op at the paper's configurations
// (paperWorkloads): the Plans at the step's t and their Batch (plan-ms), the forward pass in
// evaluation mode (net-ms), and the DDPM ancestral step or Euler step (update-ms). Op k runs at
// the k-th of -picks levels (default 20) spread evenly over the sampler's grid (ModelNet40: DDPM
// indices 999 … 0; transcriptomics: Euler steps 0 … 199), from synthetic data noised to that
// level (prepared outside the timer), as the peer does; the graph's size varies with t under
// dmp. Named by configuration: BenchmarkSampleStep/modelnet-dmp-gat.
func BenchmarkSampleStep(b *testing.B) {
	for _, w := range paperWorkloads() {
		b.Run(w.name(), func(b *testing.B) { benchSample(b, w) })
	}
}

// benchSample runs b.N sampling steps of w and reports their parts (stepStats.report).
func benchSample(b *testing.B, w workload) {
	r, err := newRig(w, benchSeed)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	stats := newStepStats(w.batch, w.nodes)
	b.ResetTimer()
	for k := 0; k < b.N; k++ {
		b.StopTimer()
		e, err := r.prepareSample(k, max(*picks, 1))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		st, err := r.sampleStep(e)
		if err != nil {
			b.Fatal(err)
		}
		stats.add(st)
	}
	b.StopTimer()
	sink += r.batch.State().X[0]
	stats.report(b, false)
}
