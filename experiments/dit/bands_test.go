package dit

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ncgn/ncgn/datasets/images"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/models"
	"gorgonia.org/tensor"
)

// TestPatchBands checks the bands of the paper's schedule on a 32 × 32 input (docs/REFERENCE.md
// §8: patch 4 for indices 231 … 999, 2 for 52 … 230, 1 for 0 … 51) and that they tile the indices.
func TestPatchBands(t *testing.T) {
	got, err := patchBands(32, 4, 1000)
	if err != nil {
		t.Fatal(err)
	}
	want := []Band{{4, 231, 999}, {2, 52, 230}, {1, 0, 51}}
	if len(got) != len(want) {
		t.Fatalf("bands %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("band %d: %v, want %v", i, got[i], want[i])
		}
	}
	if _, err := patchBands(30, 4, 1000); err == nil {
		t.Error("a 30 × 30 input with patch 4: no error")
	}
}

// TestHeldOutMSE_FreshNetworks: freshly initialised DiT and DiT-DMP predict zero noise
// (adaLN-Zero's zero final layers), so their ε-MSE in every band is the mean square of the drawn
// noise: about 1, and the same for both (common random numbers: same images, indices, noise).
func TestHeldOutMSE_FreshNetworks(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	set := &images.Set{Channels: 1, Size: 8, Classes: 2}
	for i := range 40 {
		for range 64 {
			set.Data = append(set.Data, 2*r.Float64()-1)
		}
		set.Labels = append(set.Labels, i%2)
	}
	cfg := models.DiTConfig{Size: 8, Patch: 4, InChannels: 1, OutChannels: 1, Hidden: 8, Depth: 1, Heads: 2, Classes: 2}
	bands, err := patchBands(8, 4, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got [2]map[string]float64
	for i, m := range Models {
		ps, err := layers.NewParams(tensor.Float32, 3)
		if err != nil {
			t.Fatal(err)
		}
		net, err := newNetwork(ps, m, cfg, models.WindowsMatched, 100)
		if err != nil {
			t.Fatal(err)
		}
		if got[i], err = heldOutMSE(context.Background(), net, set, bands, 100, 16, 7); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range bands {
		a, d := got[0][b.Key()], got[1][b.Key()]
		// 40 images × 64 values of ε²: the mean is 1 ± about 0.03 (one standard deviation).
		if math.Abs(a-1) > 0.15 || math.Abs(a-d) > 1e-5 {
			t.Errorf("%s: DiT %v, DiT-DMP %v; want both about 1 and equal", b.Title(), a, d)
		}
	}
	if _, err := heldOutMSE(context.Background(), nil, &images.Set{Channels: 1, Size: 8}, bands, 100, 16, 7); err == nil {
		t.Error("no held-out images: no error")
	}
}
