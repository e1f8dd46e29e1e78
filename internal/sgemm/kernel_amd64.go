//go:build amd64 && !purego

package sgemm

import "golang.org/x/sys/cpu"

// sgemm4x32 computes C[0:4, 0:32] = A·B[0:k, 0:32] (+ C when acc != 0) with AVX-512
// (kernel_amd64.s), A's element (i, p) at a[i·ars + p·aks]. Strides in elements.
//
//go:noescape
func sgemm4x32(k int, a *float32, ars int, aks int, b *float32, ldb int, c *float32, ldc int, acc int)

//go:noescape
func sgemm4x32avx2(k int, a *float32, ars int, aks int, b *float32, ldb int, c *float32, ldc int, acc int)

// Available reports whether this CPU (and OS) runs a kernel: AVX-512, or AVX2 with FMA.
var Available = cpu.X86.HasAVX512F || (cpu.X86.HasAVX2 && cpu.X86.HasFMA)

// useAVX512 selects the AVX-512 kernel (tests switch it off to check the AVX2 one).
var useAVX512 = cpu.X86.HasAVX512F

// UseAVX512 selects the AVX-512 kernel (on) or the AVX2 one (off) where the CPU has AVX-512,
// for tests and benchmarks of both; it returns the previous setting. Without AVX-512 it
// changes nothing.
func UseAVX512(on bool) (previous bool) {
	previous = useAVX512
	useAVX512 = on && cpu.X86.HasAVX512F
	return previous
}

// Kind names the kernel in use ("avx512", "avx2" or "" for none).
func Kind() string {
	switch {
	case !Available:
		return ""
	case useAVX512:
		return "avx512"
	}
	return "avx2"
}

// Kernel4x32 computes C[0:4, 0:32] = A[0:4, 0:k]·B[0:k, 0:32], or adds the product to C when
// acc is set. The caller guarantees that Available is true and the bounds: len(a) ≥ 3·lda + k,
// len(b) ≥ (k-1)·ldb + 32, len(c) ≥ 3·ldc + 32.
func Kernel4x32(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	call(k, a, lda, 1, b, ldb, c, ldc, acc)
}

// call runs sgemm4x32 on slices.
func call(k int, a []float32, ars, aks int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	flag := 0
	if acc {
		flag = 1
	}
	var ap, bp *float32
	if k > 0 {
		ap, bp = &a[0], &b[0]
	}
	if useAVX512 {
		sgemm4x32(k, ap, ars, aks, bp, ldb, &c[0], ldc, flag)
		return
	}
	sgemm4x32avx2(k, ap, ars, aks, bp, ldb, &c[0], ldc, flag)
}

// KernelT4x32 computes C[0:4, 0:32] = Aᵀ·B[0:k, 0:32] for A a k x 4 block with leading
// dimension lda (the columns of a stored matrix: the weight gradient Xᵀ·G), or adds it to C
// when acc is set. The caller guarantees Available and the bounds: len(a) ≥ (k-1)·lda + 4,
// len(b) ≥ (k-1)·ldb + 32, len(c) ≥ 3·ldc + 32.
func KernelT4x32(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	call(k, a, 1, lda, b, ldb, c, ldc, acc)
}
