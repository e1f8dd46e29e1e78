package optim

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/layers"
	"gorgonia.org/tensor"
)

// ClipEps is added to the norm in the clipping coefficient, as in torch.nn.utils.clip_grad_norm_.
const ClipEps = 1e-6

// ClipGradNorm rescales the gradients of params together so that their global L2 norm does
// not exceed maxNorm, like torch.nn.utils.clip_grad_norm_ with norm_type 2:
//
//	‖g‖ = sqrt( Σ_params Σ_i g_i² ),   c = maxNorm/(‖g‖ + 1e-6),   g ← c·g  when c < 1,
//
// and returns ‖g‖ (before clipping). Parameters without a gradient (buffers) are skipped, so
// ps.All() and ps.Learnables() give the same result. The norm is accumulated in float64 in
// parameter order (PyTorch accumulates float32 gradients in float32); c is rounded to the
// gradients' dtype before scaling. Note the 1e-6: a norm just below maxNorm is scaled by a
// factor just below 1, as in PyTorch.
//
// A NaN or Inf gradient entry returns the non-finite norm and an error (ErrNonFinite) naming the
// first parameter and flat index holding one, and leaves every gradient unchanged. maxNorm must
// be positive (+Inf disables clipping but still checks the norm).
func ClipGradNorm(params []*layers.Param, maxNorm float64) (float64, error) {
	if !(maxNorm > 0) {
		return 0, fmt.Errorf("optim: clip gradient norm: max norm %v (want > 0): %w", maxNorm, ErrConfig)
	}
	var dt tensor.Dtype
	ss := 0.0
	for _, p := range params {
		if p == nil {
			return 0, fmt.Errorf("optim: clip gradient norm: nil parameter: %w", ErrConfig)
		}
		if p.Grad == nil {
			continue
		}
		if dt == (tensor.Dtype{}) {
			dt = p.Grad.Dtype()
		}
		if err := checkTensor(p, "gradient", p.Grad, dt, p.Grad.Shape().TotalSize()); err != nil {
			return 0, fmt.Errorf("optim: clip gradient norm: %w", err)
		}
		if dt == tensor.Float32 {
			ss += sumSquares(p.Grad.Float32s())
		} else if dt == tensor.Float64 {
			ss += sumSquares(p.Grad.Float64s())
		} else {
			return 0, fmt.Errorf("optim: clip gradient norm: parameter %q: gradient dtype %v, want float32 or float64: %w",
				p.Name, dt, ErrShape)
		}
	}
	norm := math.Sqrt(ss)
	if math.IsInf(norm, 0) || math.IsNaN(norm) {
		if err := nonFiniteGrad(params); err != nil {
			return norm, err
		}
		// Every entry is finite but the squares overflowed (float64 gradients beyond 1e154).
		norm = scaledNorm(params)
		if math.IsInf(norm, 0) {
			return norm, fmt.Errorf("optim: clip gradient norm: norm overflows float64: %w", ErrNonFinite)
		}
	}
	c := maxNorm / (norm + ClipEps)
	if !(c < 1) {
		return norm, nil
	}
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		if dt == tensor.Float32 {
			scaleKernel(p.Grad.Float32s(), float32(c))
		} else {
			scaleKernel(p.Grad.Float64s(), c)
		}
	}
	return norm, nil
}

// nonFiniteGrad returns an error naming the first parameter with a NaN or Inf gradient, or nil.
func nonFiniteGrad(params []*layers.Param) error {
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		var i int
		var v float64
		if p.Grad.Dtype() == tensor.Float32 {
			x := p.Grad.Float32s()
			if i = firstNonFinite(x); i >= 0 {
				v = float64(x[i])
			}
		} else {
			x := p.Grad.Float64s()
			if i = firstNonFinite(x); i >= 0 {
				v = x[i]
			}
		}
		if i >= 0 {
			return fmt.Errorf("optim: clip gradient norm: gradient of %q is %v at flat index %d: %w", p.Name, v, i, ErrNonFinite)
		}
	}
	return nil
}

// scaledNorm returns the global L2 norm of the (finite) gradients of params without overflow,
// as s·sqrt(Σ (g/s)²) with s the largest magnitude.
func scaledNorm(params []*layers.Param) float64 {
	s := 0.0
	each := func(f func(float64)) {
		for _, p := range params {
			if p.Grad == nil {
				continue
			}
			for _, v := range p.Grad.Float64s() { // only float64 gradients can overflow
				f(v)
			}
		}
	}
	each(func(v float64) { s = math.Max(s, math.Abs(v)) })
	if s == 0 {
		return 0
	}
	ss := 0.0
	each(func(v float64) { ss += (v / s) * (v / s) })
	return s * math.Sqrt(ss)
}
