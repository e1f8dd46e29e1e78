package optim

import (
	"math/rand"
	"strconv"
	"testing"

	"github.com/ncgn/ncgn/layers"
	"gorgonia.org/tensor"
)

// benchNorm keeps benchmark results alive.
var benchNorm float64

// modelNetSpecs is a parameter layout of the ModelNet40 model's size, 226,000 scalars in 31
// tensors: 15 weights of 125×120, 15 biases of 64 and one vector of 40.
func modelNetSpecs() []pspec {
	var s []pspec
	for i := range 15 {
		s = append(s,
			pspec{name: "layer" + strconv.Itoa(i) + ".w", shape: []int{125, 120}},
			pspec{name: "layer" + strconv.Itoa(i) + ".b", shape: []int{64}})
	}
	return append(s, pspec{name: "out.b", shape: []int{40}})
}

// benchParams returns float32 parameters of the ModelNet40 size with random gradients.
func benchParams(b *testing.B) *layers.Params {
	ps := newTestParams(b, tensor.Float32, 1, modelNetSpecs()...)
	if n := ps.Count(); n != 226000 {
		b.Fatalf("%d parameters, want 226000", n)
	}
	rng := rand.New(rand.NewSource(1))
	for _, p := range ps.Learnables() {
		g := p.Grad.Data().([]float32)
		for i := range g {
			g[i] = float32(rng.NormFloat64())
		}
	}
	return ps
}

// BenchmarkAdamStepEMA is one optimiser step plus one EMA update over 226,000 float32
// parameters, on one goroutine and split over two.
func BenchmarkAdamStepEMA(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run("N=226000/workers="+strconv.Itoa(workers), func(b *testing.B) {
			ps := benchParams(b)
			a, err := NewAdam(ps, Config{LR: 1e-4, WarmupSteps: 10})
			if err != nil {
				b.Fatal(err)
			}
			e, err := NewEMA(ps, EMAConfig{})
			if err != nil {
				b.Fatal(err)
			}
			a.setWorkers(workers)
			e.setWorkers(workers)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := a.Step(); err != nil {
					b.Fatal(err)
				}
				if err := e.Update(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkClipGradNorm is the global norm over 226,000 float32 gradients (not clipped:
// max norm +Inf, so every iteration sees the same gradients).
func BenchmarkClipGradNorm(b *testing.B) {
	b.Run("N=226000", func(b *testing.B) {
		ps := benchParams(b)
		params := ps.Learnables()
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			n, err := ClipGradNorm(params, 1e30)
			if err != nil {
				b.Fatal(err)
			}
			benchNorm = n
		}
	})
}

// BenchmarkAdamSave is writing the optimiser state of 226,000 float32 parameters to memory.
func BenchmarkAdamSave(b *testing.B) {
	b.Run("N=226000", func(b *testing.B) {
		ps := benchParams(b)
		a, err := NewAdam(ps, Config{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			data, err := a.MarshalBinary()
			if err != nil {
				b.Fatal(err)
			}
			benchNorm = float64(len(data))
		}
	})
}
