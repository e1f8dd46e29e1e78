package layers

import (
	"fmt"

	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
)

// BatchNorm is batch normalisation over the rows of a [n, F] input (PyTorch's BatchNorm1d):
//
//	y = (x - mean) / sqrt(var + eps) * gamma + beta.
//
// In training the batch's mean and biased variance are used, and the running estimates are
// updated after the step as running = (1 - momentum) running + momentum batch (with the
// unbiased batch variance, as PyTorch does); in evaluation the running estimates are used, or,
// in a scope with BatchStats, the batch's statistics (the running estimates unchanged).
// The running estimates are buffers of the Params, so they persist across rebuilt graphs and
// are saved with the parameters.
type BatchNorm struct {
	cfg                 BatchNormConfig
	Gamma, Beta         *Param
	RunningMean, RunVar *Param
}

// BatchNormConfig configures a BatchNorm; zero values of optional fields are the defaults.
type BatchNormConfig struct {
	Features int
	Momentum float64 `json:"momentum,omitempty"` // default 0.1
	Eps      float64 `json:"eps,omitempty"`      // default 1e-5
}

// NewBatchNorm creates name+".gamma" (ones), name+".beta" (zeros) and the buffers
// name+".running_mean" (zeros) and name+".running_var" (ones).
func NewBatchNorm(ps *Params, name string, cfg BatchNormConfig) (*BatchNorm, error) {
	if cfg.Features < 1 {
		return nil, fmt.Errorf("layers: BatchNorm %q: %d features: %w", name, cfg.Features, ErrConfig)
	}
	if cfg.Momentum == 0 {
		cfg.Momentum = 0.1
	}
	if cfg.Eps == 0 {
		cfg.Eps = 1e-5
	}
	if !(cfg.Momentum > 0 && cfg.Momentum <= 1) || !(cfg.Eps > 0) {
		return nil, fmt.Errorf("layers: BatchNorm %q: momentum %v, eps %v: %w", name, cfg.Momentum, cfg.Eps, ErrConfig)
	}
	b := &BatchNorm{cfg: cfg}
	var err error
	f := cfg.Features
	if b.Gamma, err = ps.Add(name+".gamma", []int{1, f}, Ones()); err != nil {
		return nil, err
	}
	if b.Beta, err = ps.Add(name+".beta", []int{1, f}, Zeros()); err != nil {
		return nil, err
	}
	if b.RunningMean, err = ps.AddBuffer(name+".running_mean", []int{f}, Zeros()); err != nil {
		return nil, err
	}
	if b.RunVar, err = ps.AddBuffer(name+".running_var", []int{f}, Ones()); err != nil {
		return nil, err
	}
	return b, nil
}

// Forward normalises x; in a training scope it registers the running-statistics update.
func (b *BatchNorm) Forward(s *Scope, x *gorgonia.Node) (*gorgonia.Node, error) {
	return b.ForwardAct(s, x, Identity)
}

// ForwardAct normalises x and applies the activation act in the same fused op: one pass over
// the data forward and one backward instead of two each, and no stored pre-activation.
func (b *BatchNorm) ForwardAct(s *Scope, x *gorgonia.Node, act Activation) (*gorgonia.Node, error) {
	switch act {
	case "", Identity, GELU, ReLU:
	default:
		return nil, fmt.Errorf("layers: BatchNorm %q: activation %q: %w", b.Gamma.Name, act, ErrConfig)
	}
	if x.Dims() != 2 || x.Shape()[1] != b.cfg.Features {
		return nil, fmt.Errorf("layers: BatchNorm %q: input %v, want [n, %d]: %w", b.Gamma.Name, x.Shape(), b.cfg.Features, ErrShape)
	}
	var st *ops.NormState
	switch {
	case !s.Train && !s.BatchStats:
		st = b.evalState(act)
	case !s.Train: // evaluation with the batch's statistics: the running estimates stay
		st = ops.TrainNorm(act)
	default:
		st = ops.TrainNorm(act)
		s.AfterRun(func() error {
			mean, varUnbiased := st.BatchStats()
			if mean == nil { // the op did not run
				return nil
			}
			m := b.cfg.Momentum
			rm, rv := b.RunningMean.Float64s(), b.RunVar.Float64s()
			for j := range rm {
				rm[j] = (1-m)*rm[j] + m*mean[j]
				rv[j] = (1-m)*rv[j] + m*varUnbiased[j]
			}
			if err := b.RunningMean.SetFloat64s(rm); err != nil {
				return err
			}
			return b.RunVar.SetFloat64s(rv)
		})
	}
	return ops.BatchNorm(x, s.Param(b.Gamma), s.Param(b.Beta), b.cfg.Eps, st)
}

// evalState is the state of the BatchNorm in evaluation: its running mean and 1/std, with
// the activation act fused after it.
func (b *BatchNorm) evalState(act Activation) *ops.NormState {
	return b.evalStateAfterBias(act, nil)
}

// evalStateAfterBias is evalState for an input that still lacks the bias c ([Features] values)
// of the Linear before the norm: BN(x + c) uses the running mean minus c. The fused evaluation
// ops take it when a layer keeps the bias before its norm (MLPConfig.NormBias,
// MessageConfig.NormBias); with c nil it is evalState.
func (b *BatchNorm) evalStateAfterBias(act Activation, c []float64) *ops.NormState {
	v := b.RunVar.Float64s()
	invStd := make([]float64, len(v))
	for j := range v {
		invStd[j] = 1 / sqrt(v[j]+b.cfg.Eps)
	}
	mean := b.RunningMean.Float64s()
	for j := range c {
		mean[j] -= c[j]
	}
	return ops.EvalNorm(act, mean, invStd)
}
