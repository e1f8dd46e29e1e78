package gemm

import (
	"math"
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/internal/sgemm"
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

// TestSgemmKernel checks the assembly kernel's products (sgemmKernel) against a float64
// product of the same float32 inputs: every row remainder (m mod 4), k from 0 up, widths with
// and without a ragged last group of columns, B plain and transposed, Aᵀ·B with 8 and 3
// columns of A, overwriting and accumulating, serial and parallel; and that it declines what
// it does not take.
func TestSgemmKernel(t *testing.T) {
	if !sgemm.Available {
		t.Skip("no AVX-512 or AVX2 on this machine: the kernel is not used, gonum computes every product")
	}
	prev := sgemm.UseAVX512(true)
	defer sgemm.UseAVX512(prev)
	kinds := []string{sgemm.Kind()}
	if sgemm.Kind() == "avx512" {
		kinds = append(kinds, "avx2")
	}
	for _, kind := range kinds {
		sgemm.UseAVX512(kind == "avx512")
		t.Run(kind, testSgemmKernel)
	}
}

func testSgemmKernel(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, m := range []int{1, 3, 4, 5, 17, 515} {
		for _, k := range []int{0, 1, 7, 64, 301} {
			for _, n := range []int{1, 3, 32, 64, 70, 96} {
				for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
					for _, beta := range []float32{0, 1} {
						for _, par := range []bool{false, true} {
							a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
							for _, s := range [][]float32{a, b, c} {
								for i := range s {
									s[i] = float32(rng.NormFloat64())
								}
							}
							ldb := n
							if tB == blas.Trans {
								ldb = k
							}
							want := make([]float64, m*n)
							for i := 0; i < m; i++ {
								for j := 0; j < n; j++ {
									s := float64(beta) * float64(c[i*n+j])
									for p := 0; p < k; p++ {
										bv := b[p*n+j]
										if tB == blas.Trans {
											bv = b[j*ldb+p]
										}
										s += float64(a[i*k+p]) * float64(bv)
									}
									want[i*n+j] = s
								}
							}
							if !sgemmKernel(blas.NoTrans, tB, m, n, k, 1, a, max(k, 1), b, max(ldb, 1), beta, c, n, par) {
								t.Fatalf("m %d n %d k %d tB %v: kernel declined", m, n, k, tB)
							}
							for i, w := range want {
								if math.Abs(float64(c[i])-w) > 1e-4*(1+math.Abs(w))*math.Sqrt(float64(k+1)) {
									t.Fatalf("m %d n %d k %d tB %v beta %v parallel %v: entry %d = %v, want %v", m, n, k, tB, beta, par, i, c[i], w)
								}
							}
						}
					}
				}
			}
		}
	}
	// Aᵀ·B: A [k, m], the weight gradient's shape, across the span and chunk boundaries.
	for _, k := range []int{1, 255, 257, 8193, 20000} {
		for _, beta := range []float32{0, 1} {
			for _, par := range []bool{false, true} {
				m, n := 8, 64
				if k%2 == 1 {
					m = 3 // the thin products' gradients: a ragged group of A's columns
				}
				a, b, c := make([]float32, k*m), make([]float32, k*n), make([]float32, m*n)
				for _, s := range [][]float32{a, b, c} {
					for i := range s {
						s[i] = float32(rng.NormFloat64())
					}
				}
				want := make([]float64, m*n)
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						s := float64(beta) * float64(c[i*n+j])
						for p := 0; p < k; p++ {
							s += float64(a[p*m+i]) * float64(b[p*n+j])
						}
						want[i*n+j] = s
					}
				}
				if !sgemmKernel(blas.Trans, blas.NoTrans, m, n, k, 1, a, m, b, n, beta, c, n, par) {
					t.Fatalf("Aᵀ·B with k %d: kernel declined", k)
				}
				for i, w := range want {
					if math.Abs(float64(c[i])-w) > 1e-4*(1+math.Abs(w))*math.Sqrt(float64(k+1)) {
						t.Fatalf("Aᵀ·B k %d beta %v parallel %v: entry %d = %v, want %v", k, beta, par, i, c[i], w)
					}
				}
			}
		}
	}
	if sgemmKernel(blas.NoTrans, blas.NoTrans, 1, 32, 1, 2, []float32{1}, 1, make([]float32, 32), 32, 0, make([]float32, 32), 32, false) {
		t.Fatal("alpha 2 taken")
	}
}
