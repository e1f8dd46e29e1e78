package main

import (
	"math/rand"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/datasets"
)

func TestTrainSample_EndToEnd(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(1))
	clouds := &datasets.Array{Shape: []int{8, 10, 2}}
	for i := 0; i < 8*10*2; i++ {
		clouds.Data = append(clouds.Data, rng.Float64()-0.5)
	}
	data := filepath.Join(dir, "clouds.npy")
	if err := datasets.WriteNpy(data, clouds, "float32"); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	args := []string{"train", "--data", data, "--run", run, "--generative", "flow", "--epochs", "2", "--batch", "4",
		"--width", "4", "--layers", "1", "--k", "3", "--checkpoint-every", "2", "--quiet"}
	if out, errOut, code := runCLI(args...); code != 0 {
		t.Fatalf("train exited %d: %s %s", code, out, errOut)
	}
	// Resume to a later epoch continues from the checkpoint.
	resumed := append(append([]string(nil), args...), "--resume")
	resumed[8] = "3" // --epochs
	out, errOut, code := runCLI(resumed...)
	if code != 0 || !strings.Contains(out, "trained 6 steps") {
		t.Fatalf("resume exited %d: %s %s", code, out, errOut)
	}
	samples := filepath.Join(dir, "samples.npy")
	if out, errOut, code := runCLI("sample", "--run", run, "--n", "3", "--out", samples, "--steps", "5", "--quiet"); code != 0 {
		t.Fatalf("sample exited %d: %s %s", code, out, errOut)
	}
	a, err := datasets.ReadNpy(samples)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Shape, []int{3, 10, 2}) {
		t.Fatalf("samples shape %v, want [3 10 2]", a.Shape)
	}
	// Bad input: missing data, wrong shape, unknown graph, missing run folder.
	flat := filepath.Join(dir, "flat.npy")
	datasets.WriteNpy(flat, &datasets.Array{Shape: []int{4}, Data: []float64{1, 2, 3, 4}}, "float64")
	for _, tc := range [][]string{
		{"train", "--data", filepath.Join(dir, "missing.npy"), "--run", run},
		{"train", "--data", flat, "--run", run},
		{"train", "--data", data, "--run", run, "--gnn", "nosuch"},
		{"sample", "--run", filepath.Join(dir, "norun"), "--n", "2", "--out", samples},
	} {
		if _, errOut, code := runCLI(tc...); code == 0 || errOut == "" {
			t.Errorf("%v: exit %d, message %q", tc, code, errOut)
		}
	}
}
