package optim

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/layers"
	"gorgonia.org/tensor"
)

// Adam is the Adam optimiser of Kingma & Ba (2015) over the learnable parameters of a
// layers.Params, with PyTorch's exact semantics (torch.optim.Adam, or torch.optim.AdamW for
// KindAdamW). At step t = 1, 2, ... (t counts steps including the current one), with gradient g:
//
//	g  ← g + λ·p                      (KindAdam: L2 weight decay)
//	p  ← p·(1 - lr·λ)                 (KindAdamW: decoupled weight decay)
//	m  ← β1·m + (1-β1)·g
//	v  ← β2·v + (1-β2)·g²
//	p  ← p - lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps)
//
// eps is added after the square root of the bias-corrected second moment, as PyTorch does.
// Float32 parameters are updated in float32 arithmetic, float64 ones in float64, with the
// operations, their order and their fused multiply-adds as in PyTorch's CPU kernels: against
// torch 1.13 (AVX2) every value of testdata/golden_adam.json agrees bit for bit in both dtypes.
//
// Adam keeps its state by parameter position (Param.Index), so the Params must not gain
// parameters after NewAdam; Step reports it if they do.
type Adam struct {
	cfg    Config
	ps     *layers.Params
	nAll   int // len(ps.All()) when made
	params []*layers.Param
	sizes  []int
	step   int // steps taken
	m32    store[float32]
	v32    store[float32]
	m64    store[float64]
	v64    store[float64]
	parts  [][]span
}

// NewAdam returns an optimiser for the learnable parameters of ps with zero moments and step
// count 0; cfg's zero fields take their defaults.
func NewAdam(ps *layers.Params, cfg Config) (*Adam, error) {
	if ps == nil {
		return nil, fmt.Errorf("optim: NewAdam: nil Params: %w", ErrConfig)
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &Adam{cfg: cfg, ps: ps, nAll: len(ps.All()), params: ps.Learnables()}
	a.sizes = sizesOf(a.params)
	if err := checkParams(a.params, a.sizes, ps.Dtype(), true); err != nil {
		return nil, fmt.Errorf("optim: NewAdam: %w", err)
	}
	if ps.Dtype() == tensor.Float32 {
		a.m32, a.v32 = newStore[float32](a.sizes), newStore[float32](a.sizes)
	} else {
		a.m64, a.v64 = newStore[float64](a.sizes), newStore[float64](a.sizes)
	}
	a.setWorkers(defaultWorkers(sum(a.sizes)))
	return a, nil
}

// setWorkers splits the element-wise work over n goroutines.
func (a *Adam) setWorkers(n int) { a.parts = partition(a.sizes, n) }

// Config returns the configuration in use, defaults applied.
func (a *Adam) Config() Config { return a.cfg }

// Steps returns the number of steps taken; the next Step has 0-based index Steps() and
// PyTorch step count Steps()+1.
func (a *Adam) Steps() int { return a.step }

// LR returns the learning rate the next Step will use: cfg.LR times the warm-up factor at
// 0-based step index Steps() (see Warmup).
func (a *Adam) LR() float64 {
	return Warmup{Steps: a.cfg.WarmupSteps}.LR(a.cfg.LR, a.step)
}

// Step applies one update at the scheduled learning rate LR().
func (a *Adam) Step() error { return a.StepLR(a.LR()) }

// StepLR applies one update at learning rate lr (for schedules other than the warm-up). The
// gradients are read from Param.Grad and left unchanged. Nothing is updated when it returns an
// error.
func (a *Adam) StepLR(lr float64) error {
	if !finiteIn(lr, 0, math.MaxFloat64) {
		return fmt.Errorf("optim: Adam step %d: learning rate %v (want finite, ≥ 0): %w", a.step, lr, ErrConfig)
	}
	if n := len(a.ps.All()); n != a.nAll {
		return fmt.Errorf("optim: Adam step %d: Params hold %d tensors, %d when the optimiser was made: %w",
			a.step, n, a.nAll, ErrState)
	}
	if err := checkParams(a.params, a.sizes, a.ps.Dtype(), true); err != nil {
		return fmt.Errorf("optim: Adam step %d: %w", a.step, err)
	}
	a.step++
	if a.m32 != nil {
		adamStep(a, a.m32, a.v32, newAdamCoef[float32](a.cfg, lr, a.step), data32)
	} else {
		adamStep(a, a.m64, a.v64, newAdamCoef[float64](a.cfg, lr, a.step), data64)
	}
	return nil
}

// adamStep runs adamKernel over every span of the partition.
func adamStep[T float](a *Adam, m, v store[T], c adamCoef[T], data func(*tensor.Dense) []T) {
	run(a.parts, func(s span) {
		p := a.params[s.t]
		adamKernel(data(p.Value)[s.lo:s.hi], data(p.Grad)[s.lo:s.hi], m[s.t][s.lo:s.hi], v[s.t][s.lo:s.hi], c)
	})
}

// Moments returns copies of the first and second moments m and v of the parameter called
// name as float64, or nil slices when no learnable parameter has that name.
func (a *Adam) Moments(name string) (m, v []float64) {
	for i, p := range a.params {
		if p.Name != name {
			continue
		}
		if a.m32 != nil {
			return widen(a.m32[i]), widen(a.v32[i])
		}
		return widen(a.m64[i]), widen(a.v64[i])
	}
	return nil, nil
}

// widen copies x into a new []float64.
func widen[T float](x []T) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}
