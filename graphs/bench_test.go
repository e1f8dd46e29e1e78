package graphs

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/schedules"
)

var (
	benchPlans []*Plan
	benchPlan  *Plan
	benchBatch *Batch
)

// benchTs are the noise levels of the benchmarks: pure noise, half way, near the data, data.
var benchTs = []schedules.NoiseLevel{0, 0.5, 0.9, 1}

// BenchmarkPlans builds the Plans of a minibatch of 128 clouds in parallel over GOMAXPROCS
// goroutines, all samples at the same t: ModelNet40's setting (400 points in 3-D, k = 7) for
// dmp at each t of benchTs and for the knn and long-short baselines (which do not depend on t),
// and the transcriptomics setting (100 points in 2-D, k = 5) for dmp and the full graph.
func BenchmarkPlans(b *testing.B) {
	type setting struct {
		n, dim, k int
		kind      Kind
		ts        []schedules.NoiseLevel
	}
	for _, st := range []setting{
		{400, 3, 7, DMP, benchTs},
		{400, 3, 7, KNN, benchTs[1:2]},
		{400, 3, 7, LongShort, benchTs[1:2]},
		{100, 2, 5, DMP, benchTs[1:2]},
		{100, 2, 5, Full, benchTs[1:2]},
	} {
		const batch = 128
		rng := rand.New(rand.NewSource(1))
		samples := make([][]float64, batch)
		for i := range samples {
			samples[i] = uniformCloud(rng, st.n, st.dim)
		}
		for _, t := range st.ts {
			b.Run(fmt.Sprintf("B=128/N=%d/d=%d/%s/t=%v", st.n, st.dim, st.kind, t), func(b *testing.B) {
				ts := make([]schedules.NoiseLevel, batch)
				for i := range ts {
					ts[i] = t
				}
				cfg := PlanConfig{Kind: st.kind, K: st.k}
				b.ReportAllocs()
				for b.Loop() {
					plans, err := NewPlans(samples, st.dim, ts, cfg, 1)
					if err != nil {
						b.Fatal(err)
					}
					benchPlans = plans
				}
			})
		}
	}
}

// BenchmarkNewBatch concatenates 128 dmp Plans of 400 points at mixed t.
func BenchmarkNewBatch(b *testing.B) {
	const batch, n = 128, 400
	rng := rand.New(rand.NewSource(2))
	samples := make([][]float64, batch)
	ts := make([]schedules.NoiseLevel, batch)
	for i := range samples {
		samples[i] = uniformCloud(rng, n, 3)
		ts[i] = schedules.NoiseLevel(rng.Float64())
	}
	plans, err := NewPlans(samples, 3, ts, PlanConfig{Kind: DMP, K: 7}, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		benchBatch, err = NewBatch(plans)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDMPPlan builds one dmp Plan (exp schedule, k = 7) of a uniform cloud of N points,
// at each t of benchTs and (t=all) at all four in turn; the cost should grow about linearly
// in N, since s_t k_t stays about k N.
func BenchmarkDMPPlan(b *testing.B) {
	for _, n := range []int{1600, 6400, 25600} {
		pos := uniformCloud(rand.New(rand.NewSource(int64(n))), n, 3)
		cfg := PlanConfig{Kind: DMP, K: 7}
		run := func(b *testing.B, ts []schedules.NoiseLevel) {
			b.ReportAllocs()
			for b.Loop() {
				for _, t := range ts {
					p, err := NewPlan(pos, n, 3, t, cfg, nil)
					if err != nil {
						b.Fatal(err)
					}
					benchPlan = p
				}
			}
		}
		b.Run(fmt.Sprintf("N=%d/t=all", n), func(b *testing.B) { run(b, benchTs) })
		for _, t := range benchTs {
			b.Run(fmt.Sprintf("N=%d/t=%v", n, t), func(b *testing.B) { run(b, []schedules.NoiseLevel{t}) })
		}
	}
}

// BenchmarkVoxelCluster clusters a uniform cloud of N points into about N/10 supernodes.
func BenchmarkVoxelCluster(b *testing.B) {
	for _, n := range []int{400, 6400} {
		pos := uniformCloud(rand.New(rand.NewSource(3)), n, 3)
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a, _, _, err := VoxelCluster(pos, n, 3, n/10, false)
				if err != nil {
					b.Fatal(err)
				}
				benchInts = a
			}
		})
	}
}
