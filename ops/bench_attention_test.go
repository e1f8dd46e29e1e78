package ops

import (
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/engine"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// BenchmarkAttention times a training step's attention (forward and the gradients of q, k
// and v) at the small DiT preset's shapes: 32 images, 4 heads of width 16, full attention on
// 8 × 8 tokens (DiT, patch 4) and window 3 on 16 × 16 tokens (DiT-DMP, patch 2).
func BenchmarkAttention(b *testing.B) {
	for _, c := range []struct {
		name         string
		side, window int
	}{{"full-8x8", 8, 0}, {"window3-16x16", 16, 3}} {
		b.Run(c.name, func(b *testing.B) {
			const seqs, heads, D = 32, 4, 64
			rows := seqs * c.side * c.side
			ps, _ := engine.NewParams(tensor.Float32, 1)
			var prm [3]*engine.Param
			for i := range prm {
				prm[i], _ = ps.Add(string(rune('q'+i)), []int{rows, D}, engine.Uniform(1))
			}
			r := make([]float64, rows*D)
			rng := rand.New(rand.NewSource(1))
			for i := range r {
				r[i] = rng.NormFloat64()
			}
			b.ResetTimer()
			for range b.N {
				s := engine.NewScope(ps, true)
				var out *gorgonia.Node
				var err error
				if c.window == 0 {
					out, err = Attention(s.Param(prm[0]), s.Param(prm[1]), s.Param(prm[2]), seqs, c.side*c.side, heads)
				} else {
					out, err = NeighbourhoodAttention(s.Param(prm[0]), s.Param(prm[1]), s.Param(prm[2]), seqs, c.side, c.side, heads, c.window)
				}
				if err != nil {
					b.Fatal(err)
				}
				rn, _ := s.Input("r", r, rows, D)
				prod, _ := gorgonia.HadamardProd(out, rn)
				l, _ := gorgonia.Sum(prod)
				if _, err := s.Run(l); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
