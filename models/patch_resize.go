package models

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Resize2D returns the [to², from²] matrix of the separable resize whose 1-D matrix along
// each axis is r ([to][from]): a from × from patch (row-major) to to × to.
func Resize2D(r [][]float64) *mat.Dense {
	to, from := len(r), len(r[0])
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
	return m
}

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
	return Resize2D(r), nil
}

// CubicResize returns the 1-D matrix [to][from] of PyTorch's bicubic interpolation
// (F.interpolate(mode="bicubic", align_corners=False)) along one axis of from values to to.
// Without antialiasing: Keys' cubic convolution with A = −0.75 at the source position
// s = (o + 1/2)·from/to − 1/2, the four taps' indices clamped into the input (the border
// value repeated). With antialiasing (torch's antialiased path, as PIL): the cubic with
// a = −0.5 stretched by the downscale factor f = max(from/to, 1) around the centre
// (o + 1/2)·from/to, over the inputs within 2f of it, normalised to sum to 1; for upsampling
// (f = 1) it is the a = −0.5 cubic over the inputs inside the patch, renormalised.
func CubicResize(from, to int, antialias bool) ([][]float64, error) {
	if from < 1 || to < 1 {
		return nil, fmt.Errorf("models: bicubic resize from %d to %d: %w", from, to, ErrConfig)
	}
	scale := float64(from) / float64(to)
	r := make([][]float64, to)
	for o := range to {
		r[o] = make([]float64, from)
		if !antialias {
			const a = -0.75
			s := scale*(float64(o)+0.5) - 0.5
			i0 := math.Floor(s)
			t := s - i0
			w := [4]float64{cubicKernel(t+1, a), cubicKernel(t, a), cubicKernel(1-t, a), cubicKernel(2-t, a)}
			for k, wk := range w {
				i := min(max(int(i0)-1+k, 0), from-1)
				r[o][i] += wk
			}
			continue
		}
		const a = -0.5
		f := math.Max(scale, 1)
		support := 2 * f
		centre := scale * (float64(o) + 0.5)
		lo := max(int(centre-support+0.5), 0)
		hi := min(int(centre+support+0.5), from)
		var z float64
		for i := lo; i < hi; i++ {
			w := cubicKernel((float64(i)-centre+0.5)/f, a)
			r[o][i] = w
			z += w
		}
		for i := lo; i < hi; i++ {
			r[o][i] /= z
		}
	}
	return r, nil
}

// cubicKernel is Keys' cubic convolution kernel with parameter a at x.
func cubicKernel(x, a float64) float64 {
	x = math.Abs(x)
	switch {
	case x <= 1:
		return ((a+2)*x-(a+3))*x*x + 1
	case x < 2:
		return ((a*x-5*a)*x+8*a)*x - 4*a
	}
	return 0
}

// PIResizeMatrix returns FlexiViT's pseudo-inverse resize of a patch-embedding kernel for the
// patch resize b ([to², from²], e.g. BilinearResize): P = pinv(bᵀ), [to², from²], so that the
// kernel w (from², row-major) becomes P w, the solution of min ‖bᵀŵ − w‖. When to ≥ from, bᵀ
// has full row rank and ⟨b x, P w⟩ = ⟨x, w⟩ for every patch x.
func PIResizeMatrix(b *mat.Dense) (*mat.Dense, error) {
	var svd mat.SVD
	if !svd.Factorize(b.T(), mat.SVDThin) {
		r, c := b.Dims()
		return nil, fmt.Errorf("models: SVD of the [%d, %d] resize failed: %w", r, c, ErrConfig)
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
	pinv.Mul(&tmp, u.T()) // V S⁺ Uᵀ
	return &pinv, nil
}

// PIResizePatchEmbedding resizes the weights of a patch embedding (a Linear [from²·channels,
// out] on tokens whose values are in (row, column, channel) order, as Patchify writes them)
// to patches of to × to by FlexiViT's pseudo-inverse resize (Beyer et al. 2023) with the
// bilinear resize: for each channel and output unit, the from × from kernel w becomes
// ŵ = pinv(Bᵀ) w with B = BilinearResize(from, to) (PIResizeMatrix). When to ≥ from, a
// resized input embeds exactly as the original did. Equal sizes return the weights unchanged.
func PIResizePatchEmbedding(w []float64, from, to, channels, out int) ([]float64, error) {
	if channels < 1 || out < 1 || len(w) != from*from*channels*out {
		return nil, fmt.Errorf("models: patch embedding of %d weights as [%d²·%d, %d]: %w", len(w), from, channels, out, ErrConfig)
	}
	b, err := BilinearResize(from, to)
	if err != nil {
		return nil, err
	}
	pinv, err := PIResizeMatrix(b)
	if err != nil {
		return nil, err
	}
	n, m := to*to*channels, from*from*channels
	var res mat.Dense
	res.Mul(mat.NewDense(n, m, ChannelResize(pinv, channels)), mat.NewDense(m, out, w))
	return res.RawMatrix().Data, nil
}

// ChannelResize returns the [to²·channels, from²·channels] matrix that applies the patch
// matrix p ([to², from²]) to every channel of a token in (row, column, channel) order (the
// Kronecker product p ⊗ I): the resized embedding weights of all channels at once are
// ChannelResize(PIResizeMatrix(B)) · W.
func ChannelResize(p *mat.Dense, channels int) []float64 {
	n, m := p.Dims()
	out := make([]float64, n*channels*m*channels)
	for j := range n {
		for k := range m {
			v := p.At(j, k)
			for ch := range channels {
				out[(j*channels+ch)*m*channels+k*channels+ch] = v
			}
		}
	}
	return out
}
