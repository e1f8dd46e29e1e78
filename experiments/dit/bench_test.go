package dit

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/models"
	"gorgonia.org/tensor"
)

// BenchmarkTrainStep times one training step at batch 32 of the small preset's networks on
// 32 × 32 one-channel images (DiT: patch 4; DiT-DMP: the patch its shared index draws).
func BenchmarkTrainStep(b *testing.B) {
	data := toySet(64)
	data.Size, data.Data = 32, make([]float64, 64*32*32)
	for _, m := range Models {
		b.Run(string(m), func(b *testing.B) {
			ps, _ := layers.NewParams(tensor.Float32, 2)
			cfg := models.DiTConfig{InChannels: 1, Size: 32, Patch: 4, Hidden: 64, Depth: 4, Heads: 4, Classes: 2}
			net, err := newNetwork(ps, m, cfg, models.WindowsMatched, 1000)
			if err != nil {
				b.Fatal(err)
			}
			tc := TrainConfig{Steps: b.N, BatchSize: 32, LR: 1e-3, EMADecay: 0.999, SharedIndex: m == ModelDiTDMP, Timesteps: 1000, Seed: 1}
			b.ResetTimer()
			if _, err := train(context.Background(), net, 2, tc, data, filepath.Join(b.TempDir(), "x"), func(string, ...any) {}); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkSampleEval times one network evaluation of sampling for 64 images at the small
// preset's size (DiT: patch 4; DiT-DMP: patch 4, the coarsest, and patch 1, the finest).
func BenchmarkSampleEval(b *testing.B) {
	for _, c := range []struct {
		m     Model
		index int
	}{{ModelDiT, 500}, {ModelDiTDMP, 500}, {ModelDiTDMP, 10}} {
		b.Run(fmt.Sprintf("%s-index%d", c.m, c.index), func(b *testing.B) {
			ps, _ := layers.NewParams(tensor.Float32, 2)
			cfg := models.DiTConfig{InChannels: 1, Size: 32, Patch: 4, Hidden: 64, Depth: 4, Heads: 4, Classes: 10, LearnSigma: true}
			net, err := newNetwork(ps, c.m, cfg, models.WindowsMatched, 1000)
			if err != nil {
				b.Fatal(err)
			}
			labels := make([]int, 64)
			sc := SampleConfig{Timesteps: 1000, Steps: 1000, Guidance: 1, Clip: true, Batch: 64}
			p, _ := net.PatchAt(c.index)
			x := make([]float64, 64*32*32)
			steps := make([]float64, 64)
			b.ResetTimer()
			for range b.N {
				s := layers.NewScope(ps, false)
				xn, _ := s.Input("x", x, 64*(32/p)*(32/p), p*p)
				e, v, err := net.Forward(s, xn, p, steps, labels)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Run(nil, e, v); err != nil {
					b.Fatal(err)
				}
			}
			_ = sc
		})
	}
}
