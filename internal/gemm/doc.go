// Package gemm holds the matrix products of ncgn's ops: gonum's pure-Go BLAS with the float32
// products of a layer sent to the Go-assembly kernel of internal/sgemm where the CPU has it
// (the default build), or OpenBLAS through cgo under -tags openblas. Impl splits a product
// across cores; Serial does not (for callers that are already parallel). Sums are taken in a
// fixed order, so results do not depend on the number of cores.
package gemm

import "gonum.org/v1/gonum/blas"

// Gemmer computes the general matrix products C = alpha op(A) op(B) + beta C (row-major).
type Gemmer interface {
	Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
	Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int)
}
