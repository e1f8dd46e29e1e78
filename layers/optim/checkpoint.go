package optim

import (
	"bytes"
	"encoding"
	"fmt"
	"io"
)

var (
	_ encoding.BinaryMarshaler   = (*Adam)(nil)
	_ encoding.BinaryUnmarshaler = (*Adam)(nil)
	_ encoding.BinaryMarshaler   = (*EMA)(nil)
	_ encoding.BinaryUnmarshaler = (*EMA)(nil)
)

// Save writes the optimiser state (config, step count, first and second moments) to w in the
// format described in state.go.
func (a *Adam) Save(w io.Writer) error {
	var err error
	if a.m32 != nil {
		err = saveState(w, "adam", a.cfg, a.step, a.params, a.m32, a.v32)
	} else {
		err = saveState(w, "adam", a.cfg, a.step, a.params, a.m64, a.v64)
	}
	if err != nil {
		return fmt.Errorf("optim: save Adam state: %w", err)
	}
	return nil
}

// Load replaces the optimiser state with state written by Save for parameters of the same
// layout: the same learnable names, in the same order, with the same shapes and dtype. As
// torch's load_state_dict, it restores the hyperparameters too. Errors name the mismatching
// parameter; on error the optimiser is unchanged.
func (a *Adam) Load(r io.Reader) error {
	var cfg Config
	var step int
	var err error
	var s32 []store[float32]
	var s64 []store[float64]
	if a.m32 != nil {
		step, s32, err = loadState[float32](r, "adam", &cfg, a.params, 2)
	} else {
		step, s64, err = loadState[float64](r, "adam", &cfg, a.params, 2)
	}
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		return fmt.Errorf("optim: load Adam state: %w", err)
	}
	if s32 != nil {
		a.m32, a.v32 = s32[0], s32[1]
	} else {
		a.m64, a.v64 = s64[0], s64[1]
	}
	a.cfg, a.step = cfg, step
	return nil
}

// MarshalBinary returns what Save writes.
func (a *Adam) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	err := a.Save(&b)
	return b.Bytes(), err
}

// UnmarshalBinary loads state from data as Load does; trailing bytes are an error.
func (a *Adam) UnmarshalBinary(data []byte) error {
	r := bytes.NewReader(data)
	c := *a
	if err := c.Load(r); err != nil {
		return err
	}
	if r.Len() != 0 {
		return fmt.Errorf("optim: load Adam state: %d bytes after the end: %w", r.Len(), ErrState)
	}
	*a = c
	return nil
}

// Save writes the EMA state (config, update count, averaged values of every tensor) to w in the
// format described in state.go. It is an error while swapped.
func (e *EMA) Save(w io.Writer) error {
	if e.swapped {
		return fmt.Errorf("optim: save EMA state: EMA weights are swapped into the Params; Swap back first: %w", ErrState)
	}
	var err error
	if e.v32 != nil {
		err = saveState(w, "ema", e.cfg, e.updates, e.params, e.v32)
	} else {
		err = saveState(w, "ema", e.cfg, e.updates, e.params, e.v64)
	}
	if err != nil {
		return fmt.Errorf("optim: save EMA state: %w", err)
	}
	return nil
}

// Load replaces the EMA state with state written by Save for Params of the same layout (every
// tensor, buffers included: names, order, shapes, dtype), config included. Errors name the
// mismatching tensor; on error the EMA is unchanged. It is an error while swapped.
func (e *EMA) Load(r io.Reader) error {
	if e.swapped {
		return fmt.Errorf("optim: load EMA state: EMA weights are swapped into the Params; Swap back first: %w", ErrState)
	}
	var cfg EMAConfig
	var n int
	var err error
	var s32 []store[float32]
	var s64 []store[float64]
	if e.v32 != nil {
		n, s32, err = loadState[float32](r, "ema", &cfg, e.params, 1)
	} else {
		n, s64, err = loadState[float64](r, "ema", &cfg, e.params, 1)
	}
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		return fmt.Errorf("optim: load EMA state: %w", err)
	}
	if s32 != nil {
		e.v32 = s32[0]
	} else {
		e.v64 = s64[0]
	}
	e.cfg, e.updates = cfg, n
	e.setMode(cfg.Buffers)
	return nil
}

// MarshalBinary returns what Save writes.
func (e *EMA) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	err := e.Save(&b)
	return b.Bytes(), err
}

// UnmarshalBinary loads state from data as Load does; trailing bytes are an error.
func (e *EMA) UnmarshalBinary(data []byte) error {
	r := bytes.NewReader(data)
	c := *e
	if err := c.Load(r); err != nil {
		return err
	}
	if r.Len() != 0 {
		return fmt.Errorf("optim: load EMA state: %d bytes after the end: %w", r.Len(), ErrState)
	}
	*e = c
	return nil
}
