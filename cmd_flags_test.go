package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/datasets"
)

// TestCLI_UsageErrors checks that usage errors exit 2 everywhere: a missing required flag,
// a stray argument, and a zero where a positive number is needed (no silent default).
func TestCLI_UsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "--data", "x.npy"}, `Required flag "run"`},
		{[]string{"sample", "--run", "r", "--out", "o.npy"}, `Required flag "n"`},
		{[]string{"train", "--data", "x.npy", "--run", "r", "extra"}, `unexpected argument "extra"`},
		{[]string{"sample", "--run", "r", "--n", "2", "--out", "o.npy", "extra"}, `unexpected argument "extra"`},
		{[]string{"graph", "--points", "p.npy", "-t", "0.5", "extra"}, `unexpected argument "extra"`},
		{[]string{"schedule", "extra"}, `unexpected argument "extra"`},
		{[]string{"train", "--data", "x.npy", "--run", "r", "--batch", "0"}, "--batch 0: want a positive number"},
		{[]string{"train", "--data", "x.npy", "--run", "r", "--width", "0"}, "--width 0"},
		{[]string{"train", "--data", "x.npy", "--run", "r", "--layers", "0"}, "--layers 0"},
		{[]string{"train", "--data", "x.npy", "--run", "r", "--epochs", "0"}, "--epochs 0"},
		{[]string{"schedule", "--curvature", "0"}, "--curvature 0"},
		{[]string{"graph", "--points", "p.npy", "-t", "0.5", "--split", "0"}, "--split 0"},
	} {
		out, code := runApp(tc.args...)
		if code != 2 || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d (want 2), output lacks %q:\n%s", tc.args, code, tc.want, out)
		}
	}
}

// TestCLI_WarnsOfClampedK checks that -k beyond the points of a cloud is said, not silent.
func TestCLI_WarnsOfClampedK(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.npy")
	a := &datasets.Array{Shape: []int{6, 2}}
	for i := range 12 {
		a.Data = append(a.Data, float64(i%5)/5)
	}
	if err := datasets.WriteNpy(p, a, "float32"); err != nil {
		t.Fatal(err)
	}
	out, code := runApp("graph", "--points", p, "-t", "0.5", "--gnn", "knn", "-k", "500")
	if code != 0 || !strings.Contains(out, "-k 500 but the clouds have 6 points") {
		t.Errorf("graph -k 500 on 6 points: exit %d:\n%s", code, out)
	}
}
