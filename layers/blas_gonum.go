//go:build !openblas || !cgo

package layers

import "gonum.org/v1/gonum/blas/gonum"

// BLAS names the matrix-product library this binary uses: gonum's pure-Go BLAS (the default
// build; -tags openblas with cgo switches to OpenBLAS).
const BLAS = "gonum"

// blasImpl computes MatMul's products.
var blasImpl gemmer = gonum.Implementation{}

// blasSerial computes the products of one block of rows inside kernels that are already
// parallel over blocks (op_dense_eval.go).
var blasSerial gemmer = gonum.Implementation{}
