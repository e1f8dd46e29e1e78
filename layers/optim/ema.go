package optim

import (
	"fmt"
	"slices"

	"github.com/ncgn/ncgn/layers"
	"gorgonia.org/tensor"
)

// DefaultEMADecay is the reference's EMA decay.
const DefaultEMADecay = 0.95

// BufferMode says what an EMA does with the non-learnable buffers of a Params (BatchNorm
// running statistics).
type BufferMode string

const (
	// BuffersAverage averages buffers like weights. It is the reference's behaviour: its ema()
	// walks the state_dict, which holds the buffers too.
	BuffersAverage BufferMode = "average"
	// BuffersCopy copies buffers as they are at every Update, so the EMA model uses the live
	// running statistics.
	BuffersCopy BufferMode = "copy"
)

// EMAConfig configures an EMA; zero values are the defaults.
type EMAConfig struct {
	Decay   float64    `json:"decay"`   // d in (0, 1); default 0.95 (the reference's)
	Buffers BufferMode `json:"buffers"` // "average" (default, the reference's) or "copy"
}

// WithDefaults returns c with its zero fields set to the defaults.
func (c EMAConfig) WithDefaults() EMAConfig {
	if c.Decay == 0 {
		c.Decay = DefaultEMADecay
	}
	if c.Buffers == "" {
		c.Buffers = BuffersAverage
	}
	return c
}

// Validate checks 0 < d < 1 and the buffer mode.
func (c EMAConfig) Validate() error {
	if !(c.Decay > 0 && c.Decay < 1) {
		return fmt.Errorf("optim: EMA decay %v (want in (0, 1)): %w", c.Decay, ErrConfig)
	}
	if c.Buffers != BuffersAverage && c.Buffers != BuffersCopy {
		return fmt.Errorf("optim: EMA buffers %q (want %q or %q): %w", c.Buffers, BuffersAverage, BuffersCopy, ErrConfig)
	}
	return nil
}

// EMA is an exponential moving average of every tensor of a layers.Params, learnables and
// buffers, in the Params' dtype. It starts as a copy of the current values and each Update sets
//
//	ema ← d·ema + (1-d)·param
//
// for learnables (and for buffers under BuffersAverage; under BuffersCopy, ema ← buffer), in
// the dtype's arithmetic, as the reference's td*decay + sd*(1-decay). Sampling uses the EMA
// weights: Swap them into the Params and back, or CopyTo a second Params of the same layout.
type EMA struct {
	cfg     EMAConfig
	ps      *layers.Params
	params  []*layers.Param // ps.All() when made
	sizes   []int
	average []bool // per tensor: averaged (true) or copied
	updates int
	swapped bool
	v32     store[float32]
	v64     store[float64]
	parts   [][]span
}

// NewEMA returns an EMA of every tensor of ps, initialised to their current values; cfg's zero
// fields take their defaults.
func NewEMA(ps *layers.Params, cfg EMAConfig) (*EMA, error) {
	if ps == nil {
		return nil, fmt.Errorf("optim: NewEMA: nil Params: %w", ErrConfig)
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := &EMA{cfg: cfg, ps: ps, params: append([]*layers.Param(nil), ps.All()...)}
	e.sizes = sizesOf(e.params)
	if err := checkParams(e.params, e.sizes, ps.Dtype(), false); err != nil {
		return nil, fmt.Errorf("optim: NewEMA: %w", err)
	}
	e.setMode(cfg.Buffers)
	if ps.Dtype() == tensor.Float32 {
		e.v32 = make(store[float32], len(e.params))
		for i, p := range e.params {
			e.v32[i] = append([]float32(nil), p.Value.Float32s()...)
		}
	} else {
		e.v64 = make(store[float64], len(e.params))
		for i, p := range e.params {
			e.v64[i] = append([]float64(nil), p.Value.Float64s()...)
		}
	}
	e.setWorkers(defaultWorkers(sum(e.sizes)))
	return e, nil
}

// setMode records per tensor whether Update averages it.
func (e *EMA) setMode(m BufferMode) {
	e.average = make([]bool, len(e.params))
	for i, p := range e.params {
		e.average[i] = p.Learnable || m == BuffersAverage
	}
}

// setWorkers splits the element-wise work over n goroutines.
func (e *EMA) setWorkers(n int) { e.parts = partition(e.sizes, n) }

// Config returns the configuration in use, defaults applied.
func (e *EMA) Config() EMAConfig { return e.cfg }

// Updates returns the number of Update calls since NewEMA (restored by Load).
func (e *EMA) Updates() int { return e.updates }

// Swapped reports whether the EMA weights are swapped into the Params.
func (e *EMA) Swapped() bool { return e.swapped }

// check verifies that the Params still have the layout the EMA was made for.
func (e *EMA) check(op string) error {
	if n := len(e.ps.All()); n != len(e.params) {
		return fmt.Errorf("optim: EMA %s: Params hold %d tensors, %d when the EMA was made: %w", op, n, len(e.params), ErrState)
	}
	if err := checkParams(e.params, e.sizes, e.ps.Dtype(), false); err != nil {
		return fmt.Errorf("optim: EMA %s: %w", op, err)
	}
	return nil
}

// Update folds the current parameter values into the average. It is an error while swapped.
func (e *EMA) Update() error {
	if e.swapped {
		return fmt.Errorf("optim: EMA update %d: EMA weights are swapped into the Params; Swap back first: %w", e.updates, ErrState)
	}
	if err := e.check("update"); err != nil {
		return err
	}
	if e.v32 != nil {
		emaUpdate(e, e.v32, data32)
	} else {
		emaUpdate(e, e.v64, data64)
	}
	e.updates++
	return nil
}

// emaUpdate runs emaKernel (or a copy for copied buffers) over every span of the partition.
func emaUpdate[T float](e *EMA, v store[T], data func(*tensor.Dense) []T) {
	d, omd := T(e.cfg.Decay), T(1-e.cfg.Decay)
	run(e.parts, func(s span) {
		p := data(e.params[s.t].Value)[s.lo:s.hi]
		if e.average[s.t] {
			emaKernel(v[s.t][s.lo:s.hi], p, d, omd)
		} else {
			copy(v[s.t][s.lo:s.hi], p)
		}
	})
}

// Swap exchanges the EMA values with the values of the Params, element by element (the
// tensors themselves stay in place, so anything holding them sees the change). Call it once
// to sample with the EMA weights and once more to restore the training weights:
//
//	if err := ema.Swap(); err != nil { ... } // Params now hold the EMA weights
//	... sample ...
//	if err := ema.Swap(); err != nil { ... } // training weights back
//
// Do not train while swapped: Update, Save and CopyTo refuse.
func (e *EMA) Swap() error {
	if err := e.check("swap"); err != nil {
		return err
	}
	if e.v32 != nil {
		swapAll(e.params, e.v32, data32)
	} else {
		swapAll(e.params, e.v64, data64)
	}
	e.swapped = !e.swapped
	return nil
}

func swapAll[T float](params []*layers.Param, v store[T], data func(*tensor.Dense) []T) {
	for i, p := range params {
		x, y := data(p.Value), v[i]
		for j := range y {
			x[j], y[j] = y[j], x[j]
		}
	}
}

// CopyTo writes the EMA values into dst, which must hold tensors of the same names and shapes in
// the same order (e.g. a second model built with the same configuration); its dtype may differ
// (values are converted). Errors name the first mismatching tensor; dst is then unchanged.
func (e *EMA) CopyTo(dst *layers.Params) error {
	if e.swapped {
		return fmt.Errorf("optim: EMA copy: EMA weights are swapped into the Params; Swap back first: %w", ErrState)
	}
	if dst == nil {
		return fmt.Errorf("optim: EMA copy: nil destination Params: %w", ErrConfig)
	}
	all := dst.All()
	if len(all) != len(e.params) {
		return fmt.Errorf("optim: EMA copy: destination holds %d tensors, the EMA %d: %w", len(all), len(e.params), ErrShape)
	}
	for i, q := range all {
		p := e.params[i]
		if q.Name != p.Name || !slices.Equal(q.Value.Shape(), p.Value.Shape()) {
			return fmt.Errorf("optim: EMA copy: destination tensor %d is %q %v, the EMA's %q %v: %w",
				i, q.Name, q.Value.Shape(), p.Name, p.Value.Shape(), ErrShape)
		}
		if err := checkTensor(q, "value", q.Value, dst.Dtype(), e.sizes[i]); err != nil {
			return fmt.Errorf("optim: EMA copy: destination %w", err)
		}
	}
	for i, q := range all {
		if err := q.SetFloat64s(e.value(i)); err != nil {
			return fmt.Errorf("optim: EMA copy: %w", err)
		}
	}
	return nil
}

// value returns a float64 copy of the EMA values of tensor i.
func (e *EMA) value(i int) []float64 {
	if e.v32 != nil {
		return widen(e.v32[i])
	}
	return append([]float64(nil), e.v64[i]...)
}

// Value returns a float64 copy of the EMA values of the tensor called name, or nil.
func (e *EMA) Value(name string) []float64 {
	for i, p := range e.params {
		if p.Name == name {
			return e.value(i)
		}
	}
	return nil
}
