package optim

import (
	"bytes"
	"errors"
	"math/rand"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/layers"
	"gorgonia.org/tensor"
)

// ckptSpecs is a small model: a weight, a buffer and a bias.
var ckptSpecs = []pspec{
	{name: "w", shape: []int{3, 4}},
	{name: "bn.mean", shape: []int{4}, buffer: true},
	{name: "b", shape: []int{4}},
}

// trainSteps runs n steps of Adam and EMA with gradients drawn from rng, also moving the buffer.
func trainSteps(t *testing.T, ps *layers.Params, a *Adam, e *EMA, rng *rand.Rand, n int) {
	t.Helper()
	for range n {
		for _, p := range ps.Learnables() {
			g := make([]float64, p.Value.Shape().TotalSize())
			for i := range g {
				g[i] = rng.NormFloat64()
			}
			setGrad(t, ps, p.Name, g)
		}
		buf := ps.Get("bn.mean").Float64s()
		for i := range buf {
			buf[i] += rng.Float64()
		}
		mustSet(t, ps, "bn.mean", buf...)
		if err := a.Step(); err != nil {
			t.Fatal(err)
		}
		if err := e.Update(); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot returns every value, moment and EMA value as float64, in a fixed order.
func snapshot(ps *layers.Params, a *Adam, e *EMA) [][]float64 {
	var out [][]float64
	for _, p := range ps.All() {
		m, v := a.Moments(p.Name)
		out = append(out, p.Float64s(), m, v, e.Value(p.Name))
	}
	return out
}

// TestState_ResumeBitIdentical trains 4 steps, saves Adam and EMA state into one stream, loads
// them into a fresh optimiser and EMA over a copy of the parameters, trains both 3 more steps
// with the same gradients and checks that every bit agrees with the uninterrupted run.
func TestState_ResumeBitIdentical(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		t.Run(dt.String(), func(t *testing.T) {
			cfg := Config{Kind: KindAdamW, LR: 0.01, WeightDecay: 0.01, WarmupSteps: 3}
			ps := newTestParams(t, dt, 1, ckptSpecs...)
			a, err := NewAdam(ps, cfg)
			if err != nil {
				t.Fatal(err)
			}
			e, err := NewEMA(ps, EMAConfig{Decay: 0.9})
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewSource(5))
			trainSteps(t, ps, a, e, rng, 4)

			var ckpt bytes.Buffer
			if err := a.Save(&ckpt); err != nil {
				t.Fatal(err)
			}
			if err := e.Save(&ckpt); err != nil {
				t.Fatal(err)
			}
			// A fresh run: other initial values, default configs; the parameters are restored
			// by whoever checkpoints them (here by hand), the optimiser state by Load.
			ps2 := newTestParams(t, dt, 99, ckptSpecs...)
			for _, p := range ps.All() {
				mustSet(t, ps2, p.Name, p.Float64s()...)
			}
			a2, err := NewAdam(ps2, Config{})
			if err != nil {
				t.Fatal(err)
			}
			e2, err := NewEMA(ps2, EMAConfig{})
			if err != nil {
				t.Fatal(err)
			}
			if err := a2.Load(&ckpt); err != nil {
				t.Fatal(err)
			}
			if err := e2.Load(&ckpt); err != nil {
				t.Fatal(err)
			}
			if ckpt.Len() != 0 {
				t.Fatalf("%d bytes left after loading both states", ckpt.Len())
			}
			if a2.Steps() != 4 || a2.Config() != a.Config() || e2.Updates() != 4 || e2.Config() != e.Config() {
				t.Fatalf("restored steps %d config %+v, EMA updates %d config %+v", a2.Steps(), a2.Config(), e2.Updates(), e2.Config())
			}

			rngAt := rng.Int63()
			trainSteps(t, ps, a, e, rand.New(rand.NewSource(rngAt)), 3)
			trainSteps(t, ps2, a2, e2, rand.New(rand.NewSource(rngAt)), 3)
			want, got := snapshot(ps, a, e), snapshot(ps2, a2, e2)
			for i := range want {
				assertBitEqual(t, "resumed state "+ps.All()[i/4].Name, got[i], want[i])
			}

			// MarshalBinary is Save; marshalling the restored optimiser gives the same bytes.
			b1, err := a.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			b2, err := a2.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b1, b2) {
				t.Error("MarshalBinary of the resumed optimiser differs")
			}
			if err := a2.UnmarshalBinary(b1); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestState_LoadErrors(t *testing.T) {
	src := newTestParams(t, tensor.Float64, 1, ckptSpecs...)
	a, err := NewAdam(src, Config{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEMA(src, EMAConfig{})
	if err != nil {
		t.Fatal(err)
	}
	trainSteps(t, src, a, e, rand.New(rand.NewSource(1)), 2)
	adamState, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	emaState, err := e.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	flip := func(b []byte, i int) []byte {
		c := append([]byte(nil), b...)
		c[i] ^= 0x10
		return c
	}
	tests := []struct {
		name  string
		specs []pspec
		dt    tensor.Dtype
		data  []byte
		in    string // the error says this
	}{
		{"renamed parameter", []pspec{{name: "w", shape: []int{3, 4}}, {name: "bias", shape: []int{4}}}, tensor.Float64,
			adamState, `tensor 1 is "b", the Params have "bias"`},
		{"reshaped parameter", []pspec{{name: "w", shape: []int{4, 3}}, {name: "b", shape: []int{4}}}, tensor.Float64,
			adamState, `tensor "w" has shape (3, 4), the Params' (4, 3)`},
		{"extra parameter", append(ckptSpecs[:1:1], pspec{name: "b", shape: []int{4}}, pspec{name: "c", shape: []int{1}}), tensor.Float64,
			adamState, "state holds 2 tensors, the Params 3"},
		{"other dtype", ckptSpecs, tensor.Float32, adamState, "values of 8 bytes"},
		{"EMA state for Adam", ckptSpecs, tensor.Float64, emaState, `kind "ema", want "adam"`},
		{"not state", ckptSpecs, tensor.Float64, []byte("PK\x03\x04 a zip file, not state"), "not ncgn optimiser state"},
		{"empty", ckptSpecs, tensor.Float64, nil, "truncated"},
		{"corrupt value", ckptSpecs, tensor.Float64, flip(adamState, len(adamState)-20), "checksum"},
		{"trailing bytes", ckptSpecs, tensor.Float64, append(append([]byte(nil), adamState...), 0), "1 bytes after the end"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := newTestParams(t, tc.dt, 2, tc.specs...)
			b, err := NewAdam(ps, Config{LR: 0.5})
			if err != nil {
				t.Fatal(err)
			}
			err = b.UnmarshalBinary(tc.data)
			if !errors.Is(err, ErrState) {
				t.Fatalf("error %v, want ErrState", err)
			}
			if !strings.Contains(err.Error(), tc.in) || !strings.HasPrefix(err.Error(), "optim: load Adam state: ") {
				t.Errorf("error %q does not say %s", err, tc.in)
			}
			if b.Steps() != 0 || b.Config().LR != 0.5 {
				t.Errorf("a failed load changed the optimiser: steps %d, lr %v", b.Steps(), b.Config().LR)
			}
		})
	}
	// Every truncation of a valid state is an error, never a panic or a partial load.
	for _, data := range [][]byte{adamState, emaState} {
		for n := range len(data) {
			ps := newTestParams(t, tensor.Float64, 2, ckptSpecs...)
			b, err := NewAdam(ps, Config{})
			if err != nil {
				t.Fatal(err)
			}
			f, err := NewEMA(ps, EMAConfig{})
			if err != nil {
				t.Fatal(err)
			}
			errA, errE := b.UnmarshalBinary(data[:n]), f.UnmarshalBinary(data[:n])
			if !errors.Is(errA, ErrState) || !errors.Is(errE, ErrState) {
				t.Fatalf("state cut to %d of %d bytes: errors %v, %v; want ErrState", n, len(data), errA, errE)
			}
			if b.Steps() != 0 || f.Updates() != 0 {
				t.Fatalf("state cut to %d bytes was partly loaded", n)
			}
		}
	}
}

// failWriter accepts n bytes, then fails.
type failWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *failWriter) Write(b []byte) (int, error) {
	if len(b) > w.n {
		k := w.n
		w.n = 0
		return k, errDiskFull
	}
	w.n -= len(b)
	return len(b), nil
}

// TestState_SaveErrors checks that a failing writer's error reaches the caller, wherever the
// write fails, and that state with an invalid config is refused on load.
func TestState_SaveErrors(t *testing.T) {
	ps := newTestParams(t, tensor.Float32, 1, modelNetSpecs()[:3]...)
	a, err := NewAdam(ps, Config{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEMA(ps, EMAConfig{})
	if err != nil {
		t.Fatal(err)
	}
	full, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	fullEMA, err := e.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 10, 1 << 15, len(fullEMA) - 2, len(full) - 2} {
		if err := a.Save(&failWriter{n: n}); !errors.Is(err, errDiskFull) {
			t.Errorf("Adam.Save failing after %d bytes: error %v, want the writer's", n, err)
		}
		if n >= len(fullEMA) {
			continue
		}
		if err := e.Save(&failWriter{n: n}); !errors.Is(err, errDiskFull) {
			t.Errorf("EMA.Save failing after %d bytes: error %v, want the writer's", n, err)
		}
	}

	a.cfg.Beta1 = 2 // only reachable from inside the package: state that Validate refuses
	bad, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewAdam(ps, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.UnmarshalBinary(bad); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "beta1") {
		t.Errorf("loading beta1 = 2: error %v, want ErrConfig naming beta1", err)
	}
	if b.Config().Beta1 != DefaultBeta1 {
		t.Errorf("a refused load changed beta1 to %v", b.Config().Beta1)
	}
}
