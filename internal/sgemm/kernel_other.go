//go:build !amd64 || purego

package sgemm

// Available is false where there is no assembly kernel.
var Available = false

var useAVX512 = false

// Kind names the kernel in use: none here.
func Kind() string { return "" }

// Kernel4x32 is not available here; callers check Available first.
func Kernel4x32(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	panic("sgemm: no kernel on this platform (check Available)")
}

// KernelT4x32 is not available here; callers check Available first.
func KernelT4x32(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	panic("sgemm: no kernel on this platform (check Available)")
}

// UseAVX512 changes nothing here.
func UseAVX512(on bool) (previous bool) { return false }
