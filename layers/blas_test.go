package layers

import (
	"math"
	"math/rand"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/tensor"
)

// TestBLAS_MatchesGonum checks the matrix products of the BLAS in use (OpenBLAS split across
// goroutines under -tags openblas, gonum otherwise) against gonum's reference implementation
// for every transpose combination and for shapes that are and are not split.
func TestBLAS_MatchesGonum(t *testing.T) {
	impl := tensor.WhichBLAS()
	rng := rand.New(rand.NewSource(1))
	for _, sh := range [][3]int{{3, 4, 5}, {512, 64, 64}, {64, 64, 4096}, {1000, 33, 70}} {
		m, n, k := sh[0], sh[1], sh[2]
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				a, b := make([]float64, m*k), make([]float64, k*n)
				for i := range a {
					a[i] = rng.NormFloat64()
				}
				for i := range b {
					b[i] = rng.NormFloat64()
				}
				lda, ldb := k, n
				if tA == blas.Trans {
					lda = m
				}
				if tB == blas.Trans {
					ldb = k
				}
				c0 := make([]float64, m*n)
				for i := range c0 {
					c0[i] = rng.NormFloat64()
				}
				want := append([]float64(nil), c0...)
				got := append([]float64(nil), c0...)
				gonum.Implementation{}.Dgemm(tA, tB, m, n, k, 1.5, a, lda, b, ldb, 0.5, want, n)
				impl.Dgemm(tA, tB, m, n, k, 1.5, a, lda, b, ldb, 0.5, got, n)
				a32, b32, g32 := make([]float32, len(a)), make([]float32, len(b)), make([]float32, len(c0))
				for i, v := range a {
					a32[i] = float32(v)
				}
				for i, v := range b {
					b32[i] = float32(v)
				}
				for i, v := range c0 {
					g32[i] = float32(v)
				}
				impl.Sgemm(tA, tB, m, n, k, 1.5, a32, lda, b32, ldb, 0.5, g32, n)
				for i := range want {
					if math.Abs(got[i]-want[i]) > 1e-9*(1+math.Abs(want[i])) || math.Abs(float64(g32[i])-want[i]) > 1e-3*(1+math.Abs(want[i])) {
						t.Fatalf("%s %v tA=%v tB=%v: entry %d = %v (float32 %v), want %v", BLAS, sh, tA, tB, i, got[i], g32[i], want[i])
					}
				}
			}
		}
	}
}
