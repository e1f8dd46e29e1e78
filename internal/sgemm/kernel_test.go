package sgemm

import (
	"math"
	"math/rand"
	"testing"
)

// TestKernels checks both kernels on one 4 x 32 block against a float64 triple loop: A plain
// (Kernel4x32) and A read by columns (KernelT4x32), overwriting and accumulating, with leading
// dimensions wider than the block.
func TestKernels(t *testing.T) {
	if !Available {
		t.Skip("no AVX-512 or AVX2 on this machine (or -tags purego): the kernels are not used")
	}
	kinds := []bool{useAVX512}
	if useAVX512 { // the AVX2 kernel runs on an AVX-512 machine too
		kinds = append(kinds, false)
	}
	defer func(v bool) { useAVX512 = v }(useAVX512)
	for _, avx512 := range kinds {
		useAVX512 = avx512
		t.Run(Kind(), testKernels)
	}
}

func testKernels(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	fill := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	for _, k := range []int{0, 1, 5, 64, 257} {
		for _, acc := range []bool{false, true} {
			const lda, ldb, ldc = 300, 40, 36
			a, at, b, c := fill(4*lda), fill(max(k, 1)*8), fill(max(k, 1)*ldb), fill(4*ldc)
			want, wantT := make([]float64, 4*32), make([]float64, 4*32)
			for i := 0; i < 4; i++ {
				for j := 0; j < 32; j++ {
					s, sT := 0.0, 0.0
					if acc {
						s, sT = float64(c[i*ldc+j]), float64(c[i*ldc+j])
					}
					for p := 0; p < k; p++ {
						s += float64(a[i*lda+p]) * float64(b[p*ldb+j])
						sT += float64(at[p*8+i]) * float64(b[p*ldb+j]) // A's columns, leading dimension 8
					}
					want[i*32+j], wantT[i*32+j] = s, sT
				}
			}
			cT := append([]float32(nil), c...)
			Kernel4x32(k, a, lda, b, ldb, c, ldc, acc)
			KernelT4x32(k, at, 8, b, ldb, cT, ldc, acc)
			for i := 0; i < 4; i++ {
				for j := 0; j < ldc; j++ {
					if j >= 32 { // beyond the block: untouched
						if c[i*ldc+j] != cT[i*ldc+j] {
							t.Fatalf("k %d: column %d outside the block written", k, j)
						}
						continue
					}
					tol := 1e-4 * math.Sqrt(float64(k+1)) * (1 + math.Abs(want[i*32+j]))
					if math.Abs(float64(c[i*ldc+j])-want[i*32+j]) > tol || math.Abs(float64(cT[i*ldc+j])-wantT[i*32+j]) > tol {
						t.Fatalf("k %d acc %v: C[%d][%d] = %v / %v, want %v / %v", k, acc, i, j, c[i*ldc+j], cT[i*ldc+j], want[i*32+j], wantT[i*32+j])
					}
				}
			}
		}
	}
}
