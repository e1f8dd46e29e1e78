package layers

import (
	"github.com/ncgn/ncgn/internal/sgemm"
	"gonum.org/v1/gonum/blas"
)

// transASpan is the number of rows of the inner dimension that one partial sum of
// sgemmTransA covers: a fixed split, so the order of the sum does not depend on the number of
// cores; transAChunk the rows taken at a time, so that A's and B's rows stay in cache while the
// kernel passes over them for every block of C.
const (
	transAChunk = 256
	transASpan  = 8192
)

// sgemmTransA computes C = Aᵀ·B (+ C) for A [k, m] and B [k, n] with m a multiple of 4: the
// weight gradients of a layer (m, n the layer's widths, k the rows of the batch). The kernel
// reads Aᵀ's rows as A's columns; each span of transASpan rows of the inner dimension is summed
// into its own partial product, and the partials are added in order.
func sgemmTransA(m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, parallel bool) bool {
	if m%4 != 0 || k == 0 || len(a) < (k-1)*lda+m || len(b) < (k-1)*ldb+n || len(c) < (m-1)*ldc+n {
		return false
	}
	spans := (k + transASpan - 1) / transASpan
	part := make([]float32, spans*m*n)
	run := func(lo, hi int) {
		for sp := lo; sp < hi; sp++ {
			p := part[sp*m*n : (sp+1)*m*n]
			for r0 := sp * transASpan; r0 < min((sp+1)*transASpan, k); r0 += transAChunk {
				rows := min(transAChunk, k-r0, (sp+1)*transASpan-r0)
				for i := 0; i < m; i += 4 {
					for j := 0; j < n; j += 32 {
						sgemm.KernelT4x32(rows, a[r0*lda+i:], lda, b[r0*ldb+j:], ldb, p[i*n+j:], n, r0 > sp*transASpan)
					}
				}
			}
		}
	}
	if parallel {
		parallelFor(spans, transASpan*m*n, run)
	} else {
		run(0, spans)
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
		}
		for sp := 0; sp < spans; sp++ {
			pr := part[sp*m*n+i*n : sp*m*n+(i+1)*n]
			for j := range row {
				row[j] += pr[j]
			}
		}
	}
	return true
}

// sgemmKernel computes C = op(A)·op(B) (beta 0) or C += op(A)·op(B) (beta 1) with the
// assembly kernel (sgemm_amd64.s) when it applies: a CPU with AVX-512, alpha 1, A not
// transposed, n a multiple of 32, and B not transposed or small enough to transpose here (the
// [W, W] weights of a layer). It reports whether it did; otherwise the caller falls back to
// gonum. With parallel set the blocks of four rows are spread over the cores.
//
// Results agree with gonum's to float32 rounding (the kernel fuses the multiply-adds and sums
// in another order); they do not depend on the number of cores.
func sgemmKernel(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, parallel bool) bool {
	if !sgemm.Available || alpha != 1 || (beta != 0 && beta != 1) || n < 32 || n%32 != 0 || m == 0 {
		return false
	}
	if tA != blas.NoTrans {
		return tB == blas.NoTrans && sgemmTransA(m, n, k, a, lda, b, ldb, beta, c, ldc, parallel)
	}
	if k == 0 { // C = 0·... (+ C)
		if len(c) < (m-1)*ldc+n {
			return false
		}
		if beta == 0 {
			for i := 0; i < m; i++ {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return true
	}
	if tB != blas.NoTrans {
		if k*n > 1<<16 {
			return false
		}
		bt := make([]float32, k*n) // B is [n, k] with leading dimension ldb; Bᵀ is [k, n]
		for j := 0; j < n; j++ {
			for p := 0; p < k; p++ {
				bt[p*n+j] = b[j*ldb+p]
			}
		}
		b, ldb = bt, n
	}
	if len(a) < (m-1)*lda+k || len(b) < (k-1)*ldb+n || len(c) < (m-1)*ldc+n {
		return false
	}
	acc := beta == 1
	full := m / 4
	block := func(lo, hi int) {
		for r := lo; r < hi; r++ {
			for j := 0; j < n; j += 32 {
				sgemm.Kernel4x32(k, a[4*r*lda:], lda, b[j:], ldb, c[4*r*ldc+j:], ldc, acc)
			}
		}
	}
	if parallel {
		parallelFor(full, 4*n*k, block)
	} else {
		block(0, full)
	}
	if rest := m - 4*full; rest > 0 {
		// The last rows, padded to four with zero rows in scratch.
		a4, c4 := make([]float32, 4*k), make([]float32, 4*n)
		for i := 0; i < rest; i++ {
			copy(a4[i*k:(i+1)*k], a[(4*full+i)*lda:])
			if acc {
				copy(c4[i*n:(i+1)*n], c[(4*full+i)*ldc:])
			}
		}
		for j := 0; j < n; j += 32 {
			sgemm.Kernel4x32(k, a4, k, b[j:], ldb, c4[j:], n, acc)
		}
		for i := 0; i < rest; i++ {
			copy(c[(4*full+i)*ldc:(4*full+i)*ldc+n], c4[i*n:(i+1)*n])
		}
	}
	return true
}
