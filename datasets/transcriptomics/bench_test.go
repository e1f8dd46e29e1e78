package transcriptomics

import (
	"context"
	"testing"
)

var benchSink float64

// BenchmarkSimulate/full: one sample, 300 points × 20000 Euler steps (T = 100), final frame only.
func BenchmarkSimulate(b *testing.B) {
	cfg := DefaultConfig()
	sim, err := NewSimulator(cfg)
	if err != nil {
		b.Fatal(err)
	}
	x0, err := InitialState(cfg, SampleRand(1, 0))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("full", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			err := sim.Run(x0, NoKnockout, []int{cfg.MaxLabel()}, func(_ int, st State) error {
				benchSink = st[Sox9][150]
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(cfg.Steps*cfg.Points), "ns/point-step")
	})
}

// BenchmarkGenerate/samples=16: 16 training samples on all cores (train grid, default stats).
func BenchmarkGenerate(b *testing.B) {
	req := Request{Config: DefaultConfig(), Grid: TrainGrid(), Samples: 16, Seed: 1}
	b.Run("samples=16", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ds, err := Generate(context.Background(), req, nil)
			if err != nil {
				b.Fatal(err)
			}
			benchSink = ds.Features[0]
		}
	})
}
