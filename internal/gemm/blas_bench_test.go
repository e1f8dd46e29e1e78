package gemm

import (
	"flag"
	"fmt"
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/internal/sgemm"
	"gonum.org/v1/gonum/blas"
)

// BenchmarkGemm times the build's float32 matrix product (Impl) on the shapes of a DMP
// step: the per-point [51200, 64]·[64, 64] of the forward pass and the two products of its
// backward pass, and reports GFLOP/s. The name gives the BLAS and the kernel in use
// (gonum+avx512, openblas+avx2, ...); -args -avx2 times the AVX2 kernel on an AVX-512 machine.
func BenchmarkGemm(b *testing.B) {
	if *avx2Only {
		defer sgemm.UseAVX512(sgemm.UseAVX512(false))
	}
	const m, k, n = 51200, 64, 64
	rng := rand.New(rand.NewSource(1))
	fill := func(s int) []float32 {
		v := make([]float32, s)
		for i := range v {
			v[i] = rng.Float32() - 0.5
		}
		return v
	}
	a, w, g := fill(m*k), fill(k*n), fill(m*n)
	for _, tc := range []struct {
		name          string
		tA, tB        blas.Transpose
		rows, cols, K int
		x, y          []float32
		lda, ldb      int
	}{
		{"A·W", blas.NoTrans, blas.NoTrans, m, n, k, a, w, k, n},
		{"G·Wᵀ", blas.NoTrans, blas.Trans, m, k, n, g, w, n, n},
		{"Aᵀ·G", blas.Trans, blas.NoTrans, k, n, m, a, g, k, n},
	} {
		b.Run(fmt.Sprintf("%s+%s/%s", BLAS, sgemm.Kind(), tc.name), func(b *testing.B) {
			c := make([]float32, tc.rows*tc.cols)
			for i := 0; i < b.N; i++ {
				Impl.Sgemm(tc.tA, tc.tB, tc.rows, tc.cols, tc.K, 1, tc.x, tc.lda, tc.y, tc.ldb, 0, c, tc.cols)
			}
			b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

var avx2Only = flag.Bool("avx2", false, "BenchmarkGemm: use the AVX2 kernel even where the CPU has AVX-512")
