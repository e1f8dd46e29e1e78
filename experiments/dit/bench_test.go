package dit

import (
	"context"
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
