package models

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// BilinearResize returns the [to², from²] matrix that resizes a from × from patch (row-major)
// to to × to by bilinear interpolation with half-pixel centres, as jax.image.resize does
// without antialiasing (FlexiViT's resize): output pixel o samples the input at
// s = (o + 1/2)·from/to − 1/2 with the triangle kernel max(0, 1 − |s − i|), its weights
// normalised to sum to 1 over the pixels inside the patch.
func BilinearResize(from, to int) (*mat.Dense, error) {
	if from < 1 || to < 1 {
		return nil, fmt.Errorf("models: bilinear resize from %d to %d: %w", from, to, ErrConfig)
	}
	r := make([][]float64, to) // the 1-D resize, [to][from]
	for o := range to {
		r[o] = make([]float64, from)
		s := (float64(o)+0.5)*float64(from)/float64(to) - 0.5
		var z float64
		for i := range from {
			w := math.Max(0, 1-math.Abs(s-float64(i)))
			r[o][i] = w
			z += w
		}
		for i := range from {
			r[o][i] /= z
		}
	}
	m := mat.NewDense(to*to, from*from, nil)
	for oy := range to {
		for ox := range to {
			for iy := range from {
				for ix := range from {
					m.Set(oy*to+ox, iy*from+ix, r[oy][iy]*r[ox][ix])
				}
			}
		}
	}
	return m, nil
}

// PIResizePatchEmbedding resizes the weights of a patch embedding (a Linear [from²·channels,
// out] on tokens whose values are in (row, column, channel) order, as Patchify writes them)
// to patches of to × to by FlexiViT's pseudo-inverse resize (Beyer et al. 2023): for each
// channel and output unit, the from × from kernel w becomes ŵ = pinv(Bᵀ) w with B =
// BilinearResize(from, to), the solution of min ‖Bᵀŵ − w‖. When to ≥ from, Bᵀ has full row
// rank, so ⟨B x, ŵ⟩ = ⟨x, w⟩ for every patch x: a resized input embeds exactly as the
// original did. Equal sizes return the weights unchanged.
func PIResizePatchEmbedding(w []float64, from, to, channels, out int) ([]float64, error) {
	if channels < 1 || out < 1 || len(w) != from*from*channels*out {
		return nil, fmt.Errorf("models: patch embedding of %d weights as [%d²·%d, %d]: %w", len(w), from, channels, out, ErrConfig)
	}
	b, err := BilinearResize(from, to)
	if err != nil {
		return nil, err
	}
	// pinv(Bᵀ) by the SVD of Bᵀ = U S Vᵀ: pinv = V S⁺ Uᵀ, [to², from²].
	var svd mat.SVD
	if !svd.Factorize(b.T(), mat.SVDThin) {
		return nil, fmt.Errorf("models: SVD of the %d -> %d resize failed: %w", from, to, ErrConfig)
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	vals := svd.Values(nil)
	tol := 1e-10 * vals[0]
	sInv := mat.NewDense(len(vals), len(vals), nil)
	for i, s := range vals {
		if s > tol {
			sInv.Set(i, i, 1/s)
		}
	}
	var pinv, tmp mat.Dense
	tmp.Mul(&v, sInv)
	pinv.Mul(&tmp, u.T())
	n, m := to*to, from*from
	res := make([]float64, n*channels*out)
	kernel := make([]float64, m)
	for ch := range channels {
		for d := range out {
			for k := range m {
				kernel[k] = w[(k*channels+ch)*out+d]
			}
			for j := range n {
				var s float64
				for k := range m {
					s += pinv.At(j, k) * kernel[k]
				}
				res[(j*channels+ch)*out+d] = s
			}
		}
	}
	return res, nil
}
