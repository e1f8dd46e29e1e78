package benchmarks

import (
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/models"
	"github.com/ncgn/ncgn/schedules"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

var sink float64

// modelNetBatch returns the peer's synthetic ModelNet40 batch: b clouds of n points uniform in
// [-0.5, 0.5]^3, each with its own t ~ U(0, 1).
func modelNetBatch(b, n int, seed int64) ([][]float64, []schedules.NoiseLevel) {
	rng := rand.New(rand.NewSource(seed))
	clouds := make([][]float64, b)
	ts := make([]schedules.NoiseLevel, b)
	for i := range clouds {
		clouds[i] = make([]float64, n*3)
		for k := range clouds[i] {
			clouds[i][k] = rng.Float64() - 0.5
		}
		ts[i] = schedules.NoiseLevel(rng.Float64())
	}
	return clouds, ts
}

// benchTrainStep times Plans + forward + backward of the ModelNet40 configuration.
func benchTrainStep(b *testing.B, kind graphs.Kind, conv models.Conv, batch, n int) {
	ps, _ := layers.NewParams(tensor.Float32, 1)
	m, err := models.NewDMP(ps, models.DMPConfig{In: 3, Out: 3, PosDim: 3, Width: 64, Layers: 3, Conv: conv})
	if err != nil {
		b.Fatal(err)
	}
	cfg := graphs.PlanConfig{Kind: kind, K: 7, Schedule: schedules.Exp}
	clouds, ts := modelNetBatch(batch, n, 1)
	b.ReportAllocs()
	b.ResetTimer()
	var planNs, netNs float64
	for i := 0; i < b.N; i++ {
		t0 := nowNs()
		plans, err := graphs.NewPlans(clouds, 3, ts, cfg, int64(i))
		if err != nil {
			b.Fatal(err)
		}
		bt, err := graphs.NewBatch(plans)
		if err != nil {
			b.Fatal(err)
		}
		t1 := nowNs()
		s := layers.NewScope(ps, true)
		out, err := m.Forward(s, bt, bt.Pos)
		if err != nil {
			b.Fatal(err)
		}
		target, _ := s.Input("target", bt.Pos, bt.N, 3)
		d, _ := gorgonia.Sub(out, target)
		sq, _ := gorgonia.Square(d)
		loss, _ := gorgonia.Mean(sq)
		res, err := s.Run(loss)
		if err != nil {
			b.Fatal(err)
		}
		sink += res.Loss
		planNs += float64(t1 - t0)
		netNs += float64(nowNs() - t1)
	}
	b.ReportMetric(planNs/float64(b.N)/1e6, "plan-ms/op")
	b.ReportMetric(netNs/float64(b.N)/1e6, "net-ms/op")
}

func BenchmarkTrainStep_ModelNet_DMP_GAT_B128(b *testing.B) {
	benchTrainStep(b, graphs.DMP, models.GAT, 128, 400)
}

func BenchmarkTrainStep_ModelNet_KNN_GAT_B128(b *testing.B) {
	benchTrainStep(b, graphs.KNN, models.GAT, 128, 400)
}

func BenchmarkTrainStep_ModelNet_DMP_GAT_Smoke(b *testing.B) {
	benchTrainStep(b, graphs.DMP, models.GAT, 4, 100)
}
