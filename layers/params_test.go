package layers

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gorgonia.org/tensor"
)

func newTestModel(t *testing.T, dt tensor.Dtype, seed int64) *Params {
	t.Helper()
	ps, err := NewParams(dt, seed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewMLP(ps, "mlp", MLPConfig{Dims: []int{3, 8, 2}, Norm: true}); err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestParams_DeterministicInit(t *testing.T) {
	a, b, c := newTestModel(t, tensor.Float32, 7), newTestModel(t, tensor.Float32, 7), newTestModel(t, tensor.Float32, 8)
	same, differ := true, false
	for i, p := range a.All() {
		pa, pb, pc := p.Float64s(), b.All()[i].Float64s(), c.All()[i].Float64s()
		for k := range pa {
			same = same && pa[k] == pb[k]
			differ = differ || pa[k] != pc[k]
		}
	}
	if !same || !differ {
		t.Fatalf("same seed equal: %v, other seed differs: %v", same, differ)
	}
	// PyTorch's Linear bounds: |w| <= 1/sqrt(fan_in).
	for _, v := range a.Get("mlp.0.w").Float64s() {
		if math.Abs(v) > 1/math.Sqrt(3)+1e-7 {
			t.Fatalf("weight %v outside ±1/sqrt(3)", v)
		}
	}
	if g := a.Get("mlp.norm0.gamma").Float64s(); g[0] != 1 {
		t.Fatalf("BatchNorm gamma starts at %v, want 1", g[0])
	}
	if a.Count() != (3*8+8)+(8*2+2)+2*8+2*2 { // two Linears, a BatchNorm after each
		t.Fatalf("count %d", a.Count())
	}
}

func TestParams_SaveLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "params.bin")
	a := newTestModel(t, tensor.Float32, 1)
	a.Get("mlp.norm0.running_mean").SetFloat64s([]float64{1, 2, 3, 4, 5, 6, 7, 8})
	if err := a.Save(p); err != nil {
		t.Fatal(err)
	}
	b := newTestModel(t, tensor.Float32, 2)
	if err := b.Load(p); err != nil {
		t.Fatal(err)
	}
	for i, pa := range a.All() {
		va, vb := pa.Float64s(), b.All()[i].Float64s()
		for k := range va {
			if va[k] != vb[k] {
				t.Fatalf("%s differs after load", pa.Name)
			}
		}
	}
	// Damaged, truncated and mismatched files are refused and leave the model unchanged.
	raw, _ := os.ReadFile(p)
	before := b.Get("mlp.0.w").Float64s()
	for name, content := range map[string][]byte{
		"truncated": raw[:len(raw)-9],
		"flipped":   append(append([]byte(nil), raw[:100]...), append([]byte{raw[100] ^ 1}, raw[101:]...)...),
		"garbage":   []byte("hello"),
	} {
		q := filepath.Join(dir, name)
		os.WriteFile(q, content, 0o644)
		if err := b.Load(q); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("%s: got %v, want ErrCorrupt", name, err)
		}
	}
	other, _ := NewParams(tensor.Float32, 1)
	NewMLP(other, "mlp", MLPConfig{Dims: []int{3, 9, 2}, Norm: true})
	if err := other.Load(p); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("other layout: got %v, want ErrCorrupt", err)
	}
	if after := b.Get("mlp.0.w").Float64s(); after[0] != before[0] {
		t.Fatal("a refused load changed the parameters")
	}
	if err := b.Load(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("missing file accepted")
	}
}
