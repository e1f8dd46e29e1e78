package gemm

import (
	par "github.com/ncgn/ncgn/internal/parallel"
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

// sgemmTransA computes C = Aᵀ·B (+ C) for A [k, m] and B [k, n] with n a multiple of 32: the
// weight gradients of a layer (m, n the layer's widths, k the rows of the batch). The kernel
// reads Aᵀ's rows as A's columns; each span of transASpan rows of the inner dimension is summed
// into its own partial product, and the partials are added in order.
func sgemmTransA(m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, parallel bool) bool {
	if k == 0 || len(a) < (k-1)*lda+m || len(b) < (k-1)*ldb+n || len(c) < (m-1)*ldc+n {
		return false
	}
	m4 := (m + 3) &^ 3 // A's columns are read four at a time: a ragged last group is padded
	spans := (k + transASpan - 1) / transASpan
	part := make([]float32, spans*m4*n)
	run := func(lo, hi int) {
		var pad []float32
		if m4 != m {
			pad = make([]float32, transAChunk*m4)
		}
		for sp := lo; sp < hi; sp++ {
			p := part[sp*m4*n : (sp+1)*m4*n]
			for r0 := sp * transASpan; r0 < min((sp+1)*transASpan, k); r0 += transAChunk {
				rows := min(transAChunk, k-r0, (sp+1)*transASpan-r0)
				ac, ldac := a[r0*lda:], lda
				if pad != nil { // the chunk's rows with zero columns up to m4
					for r := 0; r < rows; r++ {
						copy(pad[r*m4:r*m4+m], a[(r0+r)*lda:(r0+r)*lda+m])
					}
					ac, ldac = pad, m4
				}
				for i := 0; i < m4; i += 4 {
					for j := 0; j < n; j += 32 {
						sgemm.KernelT4x32(rows, ac[i:], ldac, b[r0*ldb+j:], ldb, p[i*n+j:], n, r0 > sp*transASpan)
					}
				}
			}
		}
	}
	if parallel {
		par.For(spans, transASpan*m*n, run)
	} else {
		run(0, spans)
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
		}
		for sp := 0; sp < spans; sp++ {
			pr := part[sp*m4*n+i*n : sp*m4*n+(i+1)*n]
			for j := range row {
				row[j] += pr[j]
			}
		}
	}
	return true
}

// sgemmKernel computes C = op(A)·op(B) (beta 0) or C += op(A)·op(B) (beta 1) with the
// assembly kernel (internal/sgemm) when it applies: a CPU with AVX-512, alpha 1, B not
// transposed or small enough to transpose here (the weights of a layer), and A not transposed
// or transposed with B plain (sgemmTransA). Columns beyond the last multiple of 32 (an output
// layer's 3, an attention vector's 1) go through a zero-padded copy of B's last columns. It
// reports whether it did; otherwise the caller falls back to gonum or OpenBLAS. With parallel
// set the blocks of four rows are spread over the cores.
//
// Results agree with gonum's to float32 rounding (the kernel fuses the multiply-adds and sums
// in another order); they do not depend on the number of cores.
func sgemmKernel(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, parallel bool) bool {
	if !sgemm.Available || alpha != 1 || (beta != 0 && beta != 1) || m == 0 || n == 0 {
		return false
	}
	if tA != blas.NoTrans {
		return tB == blas.NoTrans && n%32 == 0 && sgemmTransA(m, n, k, a, lda, b, ldb, beta, c, ldc, parallel)
	}
	if len(c) < (m-1)*ldc+n {
		return false
	}
	if k == 0 { // C = 0·... (+ C)
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
	if len(a) < (m-1)*lda+k || len(b) < (k-1)*ldb+n {
		return false
	}
	nFull := n &^ 31
	tail := n - nFull
	var bTail []float32 // B's last tail columns, zero-padded to 32
	if tail > 0 {
		if k*32 > 1<<20 {
			return false
		}
		bTail = make([]float32, k*32)
		for p := 0; p < k; p++ {
			copy(bTail[p*32:p*32+tail], b[p*ldb+nFull:p*ldb+n])
		}
	}
	acc := beta == 1
	// rows4 computes four rows of C (c4, leading dimension ldc4) from four rows of A (a4, lda4);
	// scratch holds the padded tail block.
	rows4 := func(a4 []float32, lda4 int, c4 []float32, ldc4 int, scratch []float32) {
		for j := 0; j < nFull; j += 32 {
			sgemm.Kernel4x32(k, a4, lda4, b[j:], ldb, c4[j:], ldc4, acc)
		}
		if tail > 0 {
			if acc {
				for i := 0; i < 4; i++ {
					copy(scratch[i*32:i*32+tail], c4[i*ldc4+nFull:i*ldc4+n])
				}
			}
			sgemm.Kernel4x32(k, a4, lda4, bTail, 32, scratch, 32, acc)
			for i := 0; i < 4; i++ {
				copy(c4[i*ldc4+nFull:i*ldc4+n], scratch[i*32:i*32+tail])
			}
		}
	}
	full := m / 4
	block := func(lo, hi int) {
		scratch := make([]float32, 4*32)
		for r := lo; r < hi; r++ {
			rows4(a[4*r*lda:], lda, c[4*r*ldc:], ldc, scratch)
		}
	}
	if parallel {
		par.For(full, 4*n*k, block)
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
		rows4(a4, k, c4, n, make([]float32, 4*32))
		for i := 0; i < rest; i++ {
			copy(c[(4*full+i)*ldc:(4*full+i)*ldc+n], c4[i*n:(i+1)*n])
		}
	}
	return true
}
