package models

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ncgn/ncgn/layers"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// tinyDiTDMP returns a class-conditional DiT-DMP on size×size×2 inputs with coarsest patch
// maxPatch.
func tinyDiTDMP(t *testing.T, size, maxPatch int, windows string, learnSigma ...bool) *DiTDMP {
	t.Helper()
	ps, err := layers.NewParams(tensor.Float64, 4)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DiTTiny
	cfg.InChannels, cfg.Size, cfg.Patch, cfg.Classes, cfg.Depth = 2, size, maxPatch, 3, 1
	cfg.LearnSigma = len(learnSigma) > 0 && learnSigma[0]
	d, err := NewDiTDMP(ps, DiTDMPConfig{DiT: cfg, Windows: windows})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// dmpInput returns B random images of d patchified at patch p.
func dmpInput(d *DiTDMP, B, p int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 2))
	cfg := d.Config().DiT
	var x []float64
	for range B {
		img := make([]float64, cfg.InChannels*cfg.Size*cfg.Size)
		for i := range img {
			img[i] = r.NormFloat64()
		}
		x = append(x, Patchify(img, cfg.InChannels, cfg.Size, p)...)
	}
	return x
}

// TestDiTDMP_Schedule checks the paper's setting on a 32×32 input: patch 4, 2, 1 at the
// reference's DDPM steps, the cost-matched windows 9 (full attention on 8×8), 3, 1 by default
// and the reference's 7, 5, 3 as the option, the stored 8×8 kernel and one final layer per
// patch size.
func TestDiTDMP_Schedule(t *testing.T) {
	for _, c := range []struct {
		windows string
		want    map[int]int
	}{{WindowsMatched, map[int]int{4: 9, 2: 3, 1: 1}}, {WindowsReference, map[int]int{4: 7, 2: 5, 1: 3}}} {
		d := tinyDiTDMP(t, 32, 4, c.windows)
		if got := d.PatchSizes(); len(got) != 3 || got[0] != 4 || got[2] != 1 {
			t.Fatalf("patch sizes %v, want [4 2 1]", got)
		}
		for p, w := range c.want {
			if got := d.Window(p); got != w {
				t.Errorf("%s windows: patch %d has window %d, want %d", c.windows, p, got, w)
			}
		}
		for step, want := range map[int]int{999: 4, 231: 4, 230: 2, 52: 2, 51: 1, 0: 1} {
			if p, err := d.PatchAt(step); err != nil || p != want {
				t.Errorf("step %d: patch %d (%v), want %d", step, p, err, want)
			}
		}
		if _, err := d.PatchAt(1000); !errors.Is(err, ErrInput) {
			t.Errorf("step 1000: error %v, want ErrInput", err)
		}
		ps := d.Params()
		if w := ps.Get("dit.x_embed.w"); w == nil || w.Value.Shape()[0] != 8*8*2 {
			t.Errorf("stored kernel %v, want [128, 16]", w)
		}
		for _, p := range []int{4, 2, 1} {
			name := fmt.Sprintf("dit.final.p%d.linear.w", p)
			if f := ps.Get(name); f == nil || f.Value.Shape()[1] != p*p*2 {
				t.Errorf("final layer %s: %v", name, f)
			}
		}
	}
}

// TestDiTDMP_ZeroAtInit checks adaLN-Zero at every patch size: the output has the patch's
// shape and is exactly zero.
func TestDiTDMP_ZeroAtInit(t *testing.T) {
	d := tinyDiTDMP(t, 8, 2, WindowsMatched)
	for _, p := range []int{2, 1} {
		s := layers.NewScope(d.Params(), false)
		T := (8 / p) * (8 / p)
		x, err := s.Input("x", dmpInput(d, 2, p, 1), 2*T, p*p*2)
		if err != nil {
			t.Fatal(err)
		}
		out, err := d.Forward(s, x, p, []float64{3, 999}, []int{0, 3})
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Run(nil, out)
		if err != nil {
			t.Fatal(err)
		}
		if sh := res.Values[0].Shape(); sh[0] != 2*T || sh[1] != p*p*2 {
			t.Fatalf("patch %d: output shape %v, want [%d %d]", p, sh, 2*T, p*p*2)
		}
		for _, v := range res.Values[0].Data().([]float64) {
			if v != 0 {
				t.Fatalf("patch %d: output %v at initialisation, want zero", p, v)
			}
		}
	}
}

// TestDiTDMP_PositionAtStoredGrid checks the upsampled position embedding: at a token grid as
// wide as the stored grid it is the sin-cos embedding itself; on a finer grid each row is a
// convex-like combination whose rows stay finite and differ from token to token.
func TestDiTDMP_PositionAtStoredGrid(t *testing.T) {
	ps, _ := layers.NewParams(tensor.Float64, 1)
	cfg := DiTTiny
	cfg.InChannels, cfg.Size, cfg.Patch = 1, 8, 2
	d, err := NewDiTDMP(ps, DiTDMPConfig{DiT: cfg, StoredGrid: 4})
	if err != nil {
		t.Fatal(err)
	}
	want := PosEmbed2D(cfg.Hidden, 4)
	for i, v := range d.patches[2].pos {
		if math.Abs(v-want[i]) > 1e-12 {
			t.Fatalf("position embedding at the stored grid differs at %d: %v, want %v", i, v, want[i])
		}
	}
	fine := d.patches[1].pos
	if len(fine) != 64*cfg.Hidden {
		t.Fatalf("position embedding of the 8×8 grid has %d values, want %d", len(fine), 64*cfg.Hidden)
	}
	for i := 1; i < 64; i++ {
		same := true
		for j := range cfg.Hidden {
			same = same && fine[i*cfg.Hidden+j] == fine[(i-1)*cfg.Hidden+j]
		}
		if same {
			t.Fatalf("tokens %d and %d share their position embedding", i-1, i)
		}
	}
}

// TestDiTDMP_Gradient checks the training-mode gradients of sum(out · r) + sum(v · r2) (v
// the learned variance values) with respect to the stored patch kernel (reached through the
// resize), the embedding bias, the final layer and variance head of the patch in use and a
// block's query map against five-point finite differences, at both patch sizes, with the
// reference's windows (neighbourhood attention of window 3 on the 8×8 grid of patch 1).
func TestDiTDMP_Gradient(t *testing.T) {
	d := tinyDiTDMP(t, 8, 2, WindowsReference, true)
	rng := rand.New(rand.NewPCG(9, 10))
	for _, p := range d.Params().All() { // leave adaLN-Zero's zeros: every path carries gradient
		v := p.Float64s()
		for i := range v {
			v[i] += 0.2 * rng.NormFloat64()
		}
		if err := p.SetFloat64s(v); err != nil {
			t.Fatal(err)
		}
	}
	for _, patch := range []int{2, 1} {
		T := (8 / patch) * (8 / patch)
		if patch == 1 && d.Window(1) >= 8 {
			t.Fatalf("patch 1 window %d covers the grid: the test would not reach neighbourhood attention", d.Window(1))
		}
		x := dmpInput(d, 2, patch, 11)
		r, r2 := make([]float64, 2*T*patch*patch*2), make([]float64, 2*T*patch*patch*2)
		for i := range r {
			r[i], r2[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		loss := func() float64 {
			s := layers.NewScope(d.Params(), true)
			xn, _ := s.Input("x", x, 2*T, patch*patch*2)
			y, v, err := d.ForwardVar(s, xn, patch, []float64{5, 700}, []int{1, 3})
			if err != nil {
				t.Fatal(err)
			}
			rn, _ := s.Input("r", r, 2*T, patch*patch*2)
			r2n, _ := s.Input("r2", r2, 2*T, patch*patch*2)
			prod, _ := gorgonia.HadamardProd(y, rn)
			prod2, _ := gorgonia.HadamardProd(v, r2n)
			l1, _ := gorgonia.Sum(prod)
			l2, _ := gorgonia.Sum(prod2)
			l, _ := gorgonia.Add(l1, l2)
			res, err := s.Run(l)
			if err != nil {
				t.Fatal(err)
			}
			return res.Loss
		}
		var params []*layers.Param
		for _, name := range []string{"dit.x_embed.w", "dit.x_embed.b", fmt.Sprintf("dit.final.p%d.linear.w", patch), fmt.Sprintf("dit.final.p%d.variance.w", patch), "dit.block0.attn.q.w"} {
			params = append(params, d.Params().Get(name))
		}
		for name, e := range fdErrors(t, params, loss, 1e-4, func(n int) int { return n / 24 }) {
			if e > 1e-6 {
				t.Errorf("patch %d: %s gradient relative error %.2e", patch, name, e)
			}
		}
	}
}

// TestDiTDMP_BadInput checks the errors of a wrong patch size, a wrong input shape and a bad
// configuration.
func TestDiTDMP_BadInput(t *testing.T) {
	d := tinyDiTDMP(t, 8, 2, WindowsMatched)
	s := layers.NewScope(d.Params(), false)
	x, _ := s.Input("x", dmpInput(d, 1, 2, 1), 16, 8)
	if _, err := d.Forward(s, x, 4, []float64{1}, []int{0}); !errors.Is(err, ErrInput) {
		t.Errorf("patch 4: error %v, want ErrInput", err)
	}
	if _, err := d.Forward(s, x, 1, []float64{1}, []int{0}); !errors.Is(err, ErrInput) {
		t.Errorf("patch-2 tokens at patch 1: error %v, want ErrInput", err)
	}
	if _, err := d.Forward(s, x, 2, []float64{1}, nil); !errors.Is(err, ErrInput) {
		t.Errorf("no labels for a class-conditional model: error %v, want ErrInput", err)
	}
	ps, _ := layers.NewParams(tensor.Float64, 1)
	cfg := DiTTiny
	cfg.InChannels, cfg.Size, cfg.Patch = 1, 8, 2
	if _, err := NewDiTDMP(ps, DiTDMPConfig{DiT: cfg, Windows: "wide"}); !errors.Is(err, ErrConfig) {
		t.Errorf("windows \"wide\": error %v, want ErrConfig", err)
	}
	cfg.Patch = 3
	if _, err := NewDiTDMP(ps, DiTDMPConfig{DiT: cfg}); !errors.Is(err, ErrConfig) {
		t.Errorf("patch 3 on 8×8: error %v, want ErrConfig", err)
	}
}
