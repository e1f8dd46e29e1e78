// Package sgemm holds the assembly micro-kernels of ncgn's float32 matrix products: a block of
// four rows by 32 columns of C = A·B (+ C), with AVX-512 or else AVX2 and FMA
// (kernel_amd64.s), the shape of every
// per-point product of a DMP step (an [n, W] by [W, W] product, W a multiple of 32). The
// driver that tiles a whole product with it, and falls back to gonum or OpenBLAS for other
// shapes and CPUs, is in package layers (sgemm_kernel.go). It lives in its own package
// because a package that uses cgo (layers under -tags openblas) cannot hold Go assembly.
//
// Build with -tags purego to leave the kernel out (Available is then false).
package sgemm
