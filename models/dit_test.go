package models

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/layers/optim"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/tensor"
)

// tinyDiT returns a tiny class-conditional DiT on 8×8×1 images with 2×2 patches.
func tinyDiT(t *testing.T) *DiT {
	t.Helper()
	ps, err := layers.NewParams(tensor.Float64, 3)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DiTTiny
	cfg.InChannels, cfg.Size, cfg.Patch, cfg.Classes = 1, 8, 2, 3
	d, err := NewDiT(ps, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// ditInput returns B random patchified images of d.
func ditInput(d *DiT, B int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	cfg := d.Config()
	var x []float64
	for range B {
		img := make([]float64, cfg.InChannels*cfg.Size*cfg.Size)
		for i := range img {
			img[i] = r.NormFloat64()
		}
		x = append(x, Patchify(img, cfg.InChannels, cfg.Size, cfg.Patch)...)
	}
	return x
}

// TestDiT_ZeroAtInit checks adaLN-Zero: at initialisation every gate and the final linear map
// are zero, so the output is exactly zero whatever the input, step and label.
func TestDiT_ZeroAtInit(t *testing.T) {
	d := tinyDiT(t)
	s := layers.NewScope(d.Params(), false)
	x, err := s.Input("x", ditInput(d, 2, 1), 2*d.Config().Tokens(), 4)
	if err != nil {
		t.Fatal(err)
	}
	out, err := d.Forward(s, x, []float64{3, 999}, []int{0, 3})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(nil, out)
	if err != nil {
		t.Fatal(err)
	}
	if sh := res.Values[0].Shape(); sh[0] != 32 || sh[1] != 4 {
		t.Fatalf("output shape %v, want [32 4]", sh)
	}
	for _, v := range res.Values[0].Data().([]float64) {
		if v != 0 {
			t.Fatalf("output %v at initialisation, want all zero (adaLN-Zero)", v)
		}
	}
}

// TestDiT_LearnsAndUsesConditioning trains the tiny DiT with Adam to map one input to a fixed
// target for each of two labels: the loss falls by more than half, and the two labels give
// different outputs (the conditioning reaches the blocks).
func TestDiT_LearnsAndUsesConditioning(t *testing.T) {
	d := tinyDiT(t)
	opt, err := optim.NewAdam(d.Params(), optim.Config{LR: 3e-3})
	if err != nil {
		t.Fatal(err)
	}
	x := ditInput(d, 2, 2)
	target := ditInput(d, 2, 3)
	T := d.Config().Tokens()
	step := func(train bool) float64 {
		s := layers.NewScope(d.Params(), train)
		xn, err := s.Input("x", x, 2*T, 4)
		if err != nil {
			t.Fatal(err)
		}
		tn, err := s.Input("target", target, 2*T, 4)
		if err != nil {
			t.Fatal(err)
		}
		out, err := d.Forward(s, xn, []float64{10, 10}, []int{1, 2})
		if err != nil {
			t.Fatal(err)
		}
		loss, err := ops.MSE(out, tn)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Run(loss)
		if err != nil {
			t.Fatal(err)
		}
		if train {
			if err := opt.Step(); err != nil {
				t.Fatal(err)
			}
		}
		return res.Loss
	}
	first := step(true)
	var last float64
	for range 150 {
		last = step(true)
	}
	if !(last < first/2) {
		t.Errorf("loss %v after 150 steps, from %v: want below half", last, first)
	}
	// The labels alone must change the output: the same image under labels 1 and 2.
	s := layers.NewScope(d.Params(), false)
	xs := append(append([]float64{}, x[:T*4]...), x[:T*4]...)
	xn, _ := s.Input("x", xs, 2*T, 4)
	o, err := d.Forward(s, xn, []float64{10, 10}, []int{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(nil, o)
	if err != nil {
		t.Fatal(err)
	}
	v := res.Values[0].Data().([]float64)
	var diff float64
	for i := range T * 4 {
		diff = math.Max(diff, math.Abs(v[i]-v[T*4+i]))
	}
	if diff < 1e-6 {
		t.Errorf("labels 1 and 2 give the same output for the same image (largest difference %v)", diff)
	}
}

// TestPatchify_RoundTrip checks that Unpatchify inverts Patchify and the token layout of one
// known pixel.
func TestPatchify_RoundTrip(t *testing.T) {
	const C, S, p = 2, 4, 2
	img := make([]float64, C*S*S)
	for i := range img {
		img[i] = float64(i)
	}
	tok := Patchify(img, C, S, p)
	// token 1 (grid row 0, column 1), patch position (1, 0), channel 1: pixel (1, 2) of channel 1
	if got, want := tok[1*p*p*C+(1*p+0)*C+1], img[1*S*S+1*S+2]; got != want {
		t.Errorf("token value %v, want %v", got, want)
	}
	back := Unpatchify(tok, C, S, p)
	for i := range img {
		if back[i] != img[i] {
			t.Fatalf("round trip: %v, want %v", back, img)
		}
	}
}

// TestEmbeddings checks the fixed embeddings: timestep features at t = 0 are [1…, 0…]; the
// position embedding of token (0, 0) is [0…, 1…, 0…, 1…], and every entry lies in [-1, 1].
func TestEmbeddings(t *testing.T) {
	f := TimestepFeatures([]float64{0}, 8)
	for i, v := range f {
		if want := map[bool]float64{true: 1, false: 0}[i < 4]; v != want {
			t.Fatalf("features at t = 0: %v", f)
		}
	}
	pe := PosEmbed2D(8, 3)
	if len(pe) != 9*8 {
		t.Fatalf("%d values, want 72", len(pe))
	}
	for i, v := range pe[:8] {
		if want := map[bool]float64{true: 0, false: 1}[i%4 < 2]; v != want {
			t.Fatalf("token (0, 0): %v", pe[:8])
		}
	}
	for _, v := range pe {
		if v < -1 || v > 1 {
			t.Fatalf("entry %v outside [-1, 1]", v)
		}
	}
}

// TestDiT_BadInput checks the configuration and input errors.
func TestDiT_BadInput(t *testing.T) {
	ps, _ := layers.NewParams(tensor.Float64, 1)
	cfg := DiTTiny
	cfg.InChannels, cfg.Size, cfg.Patch = 1, 7, 2
	if _, err := NewDiT(ps, cfg); !errors.Is(err, ErrConfig) {
		t.Errorf("size 7, patch 2: %v", err)
	}
	d := tinyDiT(t)
	s := layers.NewScope(d.Params(), false)
	x, _ := s.Input("x", make([]float64, 16*4), 16, 4)
	if _, err := d.Forward(s, x, []float64{1}, []int{4}); !errors.Is(err, ErrInput) {
		t.Errorf("label 4 of 3 classes: %v", err)
	}
	if _, err := d.Forward(s, x, []float64{1, 2}, []int{0, 0}); !errors.Is(err, ErrInput) {
		t.Errorf("16 tokens for 2 images of 16: %v", err)
	}
}
