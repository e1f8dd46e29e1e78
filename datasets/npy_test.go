package datasets

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"codeberg.org/sbinet/npyio"
)

func TestNpy_RoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, dt := range []string{"float32", "float64"} {
		for _, shape := range [][]int{{5}, {2, 3}, {2, 3, 4}, {0, 3}} {
			a := &Array{Shape: shape}
			a.Data = make([]float64, a.Size())
			for i := range a.Data {
				a.Data[i] = float64(i)*0.5 - 1
			}
			p := filepath.Join(dir, dt+".npy")
			if err := WriteNpy(p, a, dt); err != nil {
				t.Fatal(err)
			}
			b, err := ReadNpy(p)
			if err != nil {
				t.Fatalf("%s %v: %v", dt, shape, err)
			}
			if !reflect.DeepEqual(a.Shape, b.Shape) || (len(a.Data) > 0 && !reflect.DeepEqual(a.Data, b.Data)) {
				t.Fatalf("%s %v: got %v %v", dt, shape, b.Shape, b.Data)
			}
		}
	}
}

func TestNpy_RealModelNet(t *testing.T) {
	p := "../../shared/data/modelnet40-1024/ModelNet40/airplane/train/airplane_0001.npy"
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data absent (%v); see ../shared/data/README.md", err)
	}
	a, err := ReadNpy(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Shape, []int{1024, 3}) {
		t.Fatalf("shape %v, want [1024 3]", a.Shape)
	}
	for _, v := range a.Data {
		if math.Abs(v) > 1.0001 {
			t.Fatalf("value %v outside the unit sphere", v)
		}
	}
}

func TestNpy_BadInput(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.npy")
	os.WriteFile(garbage, []byte("hello, this is not numpy"), 0o644)
	if _, err := ReadNpy(garbage); !errors.Is(err, ErrFormat) {
		t.Fatalf("garbage: got %v, want ErrFormat", err)
	}
	if _, err := ReadNpy(filepath.Join(dir, "missing.npy")); err == nil {
		t.Fatal("missing file: no error")
	}
	nan := filepath.Join(dir, "nan.npy")
	if err := WriteNpy(nan, &Array{Shape: []int{2}, Data: []float64{1, math.NaN()}}, "float64"); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadNpy(nan); !errors.Is(err, ErrFormat) {
		t.Fatalf("NaN: got %v, want ErrFormat", err)
	}
	// a truncated file
	good := filepath.Join(dir, "good.npy")
	WriteNpy(good, &Array{Shape: []int{100}, Data: make([]float64, 100)}, "float32")
	raw, _ := os.ReadFile(good)
	os.WriteFile(good, raw[:len(raw)-17], 0o644)
	if _, err := ReadNpy(good); err == nil {
		t.Fatal("truncated: no error")
	}
}

// TestNpy_IntegerTypes reads int64, int32 and uint8 arrays written by npyio (as NumPy writes
// labels and 8-bit images) as float64 values.
func TestNpy_IntegerTypes(t *testing.T) {
	dir := t.TempDir()
	for name, v := range map[string]any{
		"int64": []int64{-3, 0, 7, 1 << 40}, "int32": []int32{-3, 0, 7, 1 << 20}, "uint8": []uint8{0, 1, 128, 255},
	} {
		p := filepath.Join(dir, name+".npy")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := npyio.Write(f, v); err != nil {
			t.Fatal(err)
		}
		f.Close()
		a, err := ReadNpy(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := map[string][]float64{"int64": {-3, 0, 7, 1 << 40}, "int32": {-3, 0, 7, 1 << 20}, "uint8": {0, 1, 128, 255}}[name]
		if !reflect.DeepEqual(a.Data, want) || len(a.Shape) != 1 || a.Shape[0] != 4 {
			t.Errorf("%s: read %v %v, want [4] %v", name, a.Shape, a.Data, want)
		}
	}
}
