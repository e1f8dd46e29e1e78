package datasets

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestFixedPositions(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, shape []int, data []float64) string {
		p := filepath.Join(dir, name)
		if err := WriteNpy(p, &Array{Shape: shape, Data: data}, "float64"); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// 3 nodes: space (n,), time per sample (m = 2, n), a 2-column file (n, 2).
	space := write("space.npy", []int{3}, []float64{0, 27, 54})
	times := write("times.npy", []int{2, 3}, []float64{0, 45, -90, 0, 45, -90})
	both := write("both.npy", []int{3, 2}, []float64{1, 2, 3, 4, 5, 6})
	pos, d, err := FixedPositions([]string{space, times, both}, 2, 3, true)
	if err != nil {
		t.Fatal(err)
	}
	s5, s6 := 1.0/5, 1.0/6 // each column times the inverse of its largest |value|
	want := []float64{0, 0, 1 * s5, 2 * s6, 0.5, 0.5, 3 * s5, 4 * s6, 1, -1, 5 * s5, 6 * s6}
	if d != 4 || !slices.Equal(pos, want) {
		t.Fatalf("positions %v (d = %d), want %v (d = 4)", pos, d, want)
	}
	raw, _, err := FixedPositions([]string{space}, 2, 3, false)
	if err != nil || !slices.Equal(raw, []float64{0, 27, 54}) {
		t.Fatalf("raw positions %v, %v", raw, err)
	}
	differ := write("differ.npy", []int{2, 3}, []float64{0, 1, 2, 0, 1, 3})
	for _, tc := range []struct {
		files []string
		want  string
	}{
		{nil, "no files"},
		{[]string{differ}, "sample 1's positions differ"},
		{[]string{write("four.npy", []int{4}, []float64{1, 2, 3, 4})}, "does not give 3 nodes"},
		{[]string{filepath.Join(dir, "missing.npy")}, "missing.npy"},
	} {
		if _, _, err := FixedPositions(tc.files, 2, 3, true); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.files, err, tc.want)
		} else if len(tc.files) == 0 && !errors.Is(err, ErrFormat) {
			t.Errorf("no files: %v does not wrap ErrFormat", err)
		}
	}
}
