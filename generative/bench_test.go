package generative

import (
	"fmt"
	"testing"

	"gorgonia.org/tensor"
)

// benchLoss keeps benchmark results alive.
var benchLoss float64

// BenchmarkTrainStep measures one training step of the toy denoiser (MLP [3, 64, 64, 2],
// float32) at batch 128: draws, noising, graph build, forward, backward, Adam, EMA.
func BenchmarkTrainStep(b *testing.B) {
	s := Shape{Nodes: 1, Dim: 2}
	data := twoClusters(1024, 0.05, 1)
	for _, proc := range []Process{ProcessDiffusion, ProcessFlow} {
		b.Run(fmt.Sprintf("%s/B=128", proc), func(b *testing.B) {
			den := newMLPDenoiser(b, tensor.Float32, s, 64, 1)
			tr, err := NewTrainer(den, s, TrainConfig{Process: proc, Steps: 1, BatchSize: 128, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for k := 0; k < b.N; k++ {
				rep, err := tr.Step(data)
				if err != nil {
					b.Fatal(err)
				}
				benchLoss = rep.Loss
			}
		})
	}
}

// BenchmarkSampleStep measures one sampling step of the toy denoiser at batch 128: graph
// build, forward in evaluation mode, and the DDPM or Euler update.
func BenchmarkSampleStep(b *testing.B) {
	s := Shape{Nodes: 1, Dim: 2}
	for _, cfg := range []SampleConfig{
		{Process: ProcessDiffusion, Count: 128},
		{Process: ProcessFlow, Count: 128},
	} {
		b.Run(fmt.Sprintf("%s/B=128", cfg.Process), func(b *testing.B) {
			den := newMLPDenoiser(b, tensor.Float32, s, 64, 1)
			sp, err := NewSampler(den, s, cfg)
			if err != nil {
				b.Fatal(err)
			}
			bs, err := sp.Batch(0, 128)
			if err != nil {
				b.Fatal(err)
			}
			steps := len(sp.Levels()) - 1 // the last DDPM step does no update
			b.ReportAllocs()
			b.ResetTimer()
			for k := 0; k < b.N; k++ {
				if k%steps == 0 {
					bs, _ = sp.Batch(0, 128)
				}
				if _, err := bs.Step(k % steps); err != nil {
					b.Fatal(err)
				}
			}
			benchLoss = bs.st.X[0]
		})
	}
}
