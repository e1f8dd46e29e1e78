//go:build openblas && cgo

package gemm

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/tensor"
)

// BLAS names the matrix-product library this binary uses.
const BLAS = "openblas"

// openBLAS is gonum's pure-Go BLAS with the two matrix products that dominate a step (Sgemm,
// Dgemm) sent to OpenBLAS through cgo. Build with -tags openblas (needs cgo and Debian's
// libopenblas-dev); the default build stays pure Go.
//
// OpenBLAS runs single-threaded and the products are split here, by rows of the result (or,
// for the short-and-wide products of the backward pass, by the inner dimension with a fixed
// reduction order) across GOMAXPROCS goroutines: OpenBLAS's own threads busy-wait and fight
// the Go scheduler for the same cores, and the split keeps results independent of timing.
// With serial set nothing is split: the caller is already parallel (op_dense_eval.go).
type openBLAS struct {
	gonum.Implementation
	serial bool
}

// Impl computes the ops' products, split across cores.
var Impl Gemmer = openBLAS{}

// Serial computes the products of one block of rows inside kernels that are already
// parallel over blocks (op_dense_eval.go): OpenBLAS on the calling goroutine, unsplit.
var Serial Gemmer = openBLAS{serial: true}

func init() {
	C.openblas_set_num_threads(1)
	tensor.Use(openBLAS{})
}

// gemmMinWork is the number of multiply-adds below which a product is not split.
const gemmMinWork = 1 << 20

// splitGemm runs a product C = alpha op(A) op(B) + beta C, calling gemm on parts: by rows of C
// when m is large, by the inner dimension k otherwise (partial products into scratch, added in
// order). gemm(tA, tB, m, n, k, alpha, aOff, bOff, beta, c, cOff) computes one part.
func splitGemm[T float32 | float64](tA, tB blas.Transpose, m, n, k int, lda, ldb int, beta T, c []T, ldc int,
	gemm func(m, n, k int, aOff, bOff int, beta T, c []T, cOff, ldc int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || m*n*k < gemmMinWork {
		gemm(m, n, k, 0, 0, beta, c, 0, ldc)
		return
	}
	var wg sync.WaitGroup
	if m >= 2*workers*8 {
		chunk := (m + workers - 1) / workers
		for lo := 0; lo < m; lo += chunk {
			hi := min(lo+chunk, m)
			aOff := lo * lda // rows of op(A): rows of A, or columns of A when transposed
			if tA != blas.NoTrans {
				aOff = lo
			}
			wg.Add(1)
			go func(lo, hi, aOff int) {
				defer wg.Done()
				gemm(hi-lo, n, k, aOff, 0, beta, c, lo*ldc, ldc)
			}(lo, hi, aOff)
		}
		wg.Wait()
		return
	}
	// Split k: part 0 accumulates into C with beta, the others into scratch, added in order.
	chunk := (k + workers - 1) / workers
	var parts [][]T
	for lo := 0; lo < k; lo += chunk {
		hi := min(lo+chunk, k)
		aOff := lo // columns of op(A): columns of A, or rows of A when transposed
		if tA != blas.NoTrans {
			aOff = lo * lda
		}
		bOff := lo * ldb // rows of op(B)
		if tB != blas.NoTrans {
			bOff = lo
		}
		var dst []T
		dstBeta, dstLd := beta, ldc
		if lo == 0 {
			dst = c
		} else {
			dst = make([]T, m*n)
			parts = append(parts, dst)
			dstBeta, dstLd = 0, n
		}
		wg.Add(1)
		go func(kk, aOff, bOff int, dst []T, b T, ld int) {
			defer wg.Done()
			gemm(m, n, kk, aOff, bOff, b, dst, 0, ld)
		}(hi-lo, aOff, bOff, dst, dstBeta, dstLd)
	}
	wg.Wait()
	for _, p := range parts {
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			for j, v := range p[i*n : (i+1)*n] {
				row[j] += v
			}
		}
	}
}

func trans(t blas.Transpose) C.enum_CBLAS_TRANSPOSE {
	if t == blas.NoTrans {
		return C.CblasNoTrans
	}
	return C.CblasTrans
}

// Sgemm computes C = alpha op(A) op(B) + beta C in float32 (row-major). The products the
// assembly kernel takes go there (sgemm_kernel.go: 2-4 times OpenBLAS's rate on these skinny
// shapes), the others to OpenBLAS.
func (o openBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if sgemmKernel(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, !o.serial) {
		return
	}
	if k == 0 || len(a) == 0 || len(b) == 0 {
		gonum.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemm := func(m, n, k, aOff, bOff int, beta float32, c []float32, cOff, ldc int) {
		C.cblas_sgemm(C.CblasRowMajor, trans(tA), trans(tB), C.blasint(m), C.blasint(n), C.blasint(k), C.float(alpha),
			(*C.float)(unsafe.Pointer(&a[aOff])), C.blasint(lda), (*C.float)(unsafe.Pointer(&b[bOff])), C.blasint(ldb), C.float(beta),
			(*C.float)(unsafe.Pointer(&c[cOff])), C.blasint(ldc))
	}
	if o.serial {
		gemm(m, n, k, 0, 0, beta, c, 0, ldc)
		return
	}
	splitGemm(tA, tB, m, n, k, lda, ldb, beta, c, ldc, gemm)
}

// Dgemm computes C = alpha op(A) op(B) + beta C in float64 (row-major).
func (o openBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || len(a) == 0 || len(b) == 0 {
		gonum.Implementation{}.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemm := func(m, n, k, aOff, bOff int, beta float64, c []float64, cOff, ldc int) {
		C.cblas_dgemm(C.CblasRowMajor, trans(tA), trans(tB), C.blasint(m), C.blasint(n), C.blasint(k), C.double(alpha),
			(*C.double)(unsafe.Pointer(&a[aOff])), C.blasint(lda), (*C.double)(unsafe.Pointer(&b[bOff])), C.blasint(ldb), C.double(beta),
			(*C.double)(unsafe.Pointer(&c[cOff])), C.blasint(ldc))
	}
	if o.serial {
		gemm(m, n, k, 0, 0, beta, c, 0, ldc)
		return
	}
	splitGemm(tA, tB, m, n, k, lda, ldb, beta, c, ldc, gemm)
}
