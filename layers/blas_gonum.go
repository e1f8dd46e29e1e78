//go:build !openblas || !cgo

package layers

// BLAS names the matrix-product library this binary uses: gonum's pure-Go BLAS (the default
// build; -tags openblas with cgo switches to OpenBLAS).
const BLAS = "gonum"
