package modelnet40

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteSynthetic checks that the synthetic folder lists as the .npy layout with the asked
// classes and counts, and that the same arguments write the same bytes.
func TestWriteSynthetic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	train, test := map[string]int{"chair": 2, "airplane": 3}, map[string]int{"airplane": 1, "chair": 1}
	for _, root := range []string{a, b} {
		if err := WriteSynthetic(root, train, test, 7); err != nil {
			t.Fatal(err)
		}
	}
	l, err := List(a, Train)
	if err != nil {
		t.Fatal(err)
	}
	if l.Layout != LayoutNpy || len(l.Classes) != 2 || len(l.Objects) != 5 {
		t.Errorf("listing: layout %s, classes %v, %d objects; want npy, 2 classes, 5 objects", l.Layout, l.Classes, len(l.Objects))
	}
	f := filepath.Join("airplane", Train, "airplane_0002.npy")
	x, err1 := os.ReadFile(filepath.Join(a, f))
	y, err2 := os.ReadFile(filepath.Join(b, f))
	if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
		t.Errorf("%s differs between two writes (%v, %v)", f, err1, err2)
	}
	if err := WriteSynthetic(t.TempDir(), train, test, 0); !errors.Is(err, ErrConfig) {
		t.Errorf("0 points: error %v, want ErrConfig", err)
	}
}
