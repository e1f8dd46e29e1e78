package transcriptomics

import (
	"context"
	"math/rand/v2"
	"testing"

	st "github.com/ncgn/ncgn/datasets/transcriptomics"
	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/models"
)

var benchSink float64

// benchSpec is a Table 3 network of the small preset.
func benchSpec(g graphs.Kind, c models.Conv) ModelSpec {
	return Table3Model(Presets()[experiments.Small], DeriveSeeds(1), g, c)
}

// uniformData returns n samples of 100 × 3 values in [0, 1) (normalised features).
func uniformData(n int) [][]float64 {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([][]float64, n)
	for j := range out {
		out[j] = make([]float64, 100*st.NumGenes)
		for k := range out[j] {
			out[j][k] = r.Float64()
		}
	}
	return out
}

// BenchmarkTrainStep times one flow-matching training step (plans, forward, backward, Adam,
// EMA) of each Table 3 network at the small preset's batch of 64 graphs of 100 nodes.
func BenchmarkTrainStep(b *testing.B) {
	data := uniformData(64)
	for _, m := range Methods() {
		if m.Random {
			continue
		}
		b.Run(m.Key()+"/B=64", func(b *testing.B) {
			rs := benchSpec(m.Graph, m.Conv).RunSpec(st.TrainGrid(), st.DefaultConfig())
			rs.Train.Epochs, rs.Train.Steps = 0, b.N
			model, err := rs.Build()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			_, res, err := generative.Train(context.Background(), model.Denoiser, rs.Shape, data, rs.Train)
			if err != nil {
				b.Fatal(err)
			}
			benchSink += res.Loss
		})
	}
}

// BenchmarkSampleStep times one Euler step (plans and forward pass, no gradient) of each
// Table 3 network for 128 samples on the 96-node test grid.
func BenchmarkSampleStep(b *testing.B) {
	for _, m := range Methods() {
		if m.Random {
			continue
		}
		b.Run(m.Key()+"/B=128", func(b *testing.B) {
			rs := benchSpec(m.Graph, m.Conv).RunSpec(st.TestGrid(), st.DefaultConfig())
			model, err := rs.Build()
			if err != nil {
				b.Fatal(err)
			}
			cfg := rs.SampleConfig(128)
			cfg.BatchSize, cfg.Flow.Steps = 128, b.N
			b.ReportAllocs()
			b.ResetTimer()
			out, err := generative.Sample(context.Background(), model.Denoiser, rs.Shape, cfg)
			if err != nil {
				b.Fatal(err)
			}
			benchSink += out[0][0]
		})
	}
}

// BenchmarkScore times the three metrics of a conditional cell of the small preset: 256
// generated against 256 test samples of 96 × 3 values.
func BenchmarkScore(b *testing.B) {
	const m, size = 256, 96 * st.NumGenes
	r := rand.New(rand.NewPCG(3, 4))
	gen, truth, masks := make([][]float64, m), make([][]float64, m), make([][]bool, m)
	for j := range gen {
		gen[j], truth[j], masks[j] = make([]float64, size), make([]float64, size), make([]bool, size)
		for k := range gen[j] {
			gen[j][k], truth[j][k], masks[j][k] = r.NormFloat64(), r.Float64(), k%3 != 1
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s, err := Score(gen, truth, masks, 8)
		if err != nil {
			b.Fatal(err)
		}
		benchSink += s.W2
	}
}
