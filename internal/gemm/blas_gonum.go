//go:build !openblas || !cgo

package gemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// BLAS names the matrix-product library this binary uses: gonum's pure-Go BLAS with an
// AVX-512 kernel for the products of a layer where the CPU has it (the default build; -tags
// openblas with cgo switches to OpenBLAS).
const BLAS = "gonum"

// goBLAS is gonum's BLAS with the float32 products that sgemmKernel takes sent there.
type goBLAS struct {
	gonum.Implementation
	serial bool
}

// Sgemm computes C = alpha op(A) op(B) + beta C in float32 (row-major).
func (g goBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if sgemmKernel(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, !g.serial) {
		return
	}
	g.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Impl computes the ops' products, split across cores.
var Impl Gemmer = goBLAS{}

// Serial computes the products of one block of rows inside kernels that are already
// parallel over blocks (op_dense_eval.go).
var Serial Gemmer = goBLAS{serial: true}
