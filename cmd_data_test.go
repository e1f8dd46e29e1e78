package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/datasets/transcriptomics"
)

// runDataCommand runs the ncgn application with args and returns its exit code, stdout and stderr.
// The exit handler is replaced so that an exit code does not end the test binary.
func runDataCommand(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	out, errOut, code := runCLI(args...)
	return code, out, errOut
}

func dataSimulateArgs(out, grid, samples, seed string, extra ...string) []string {
	return append([]string{"data", "simulate", "transcriptomics", "--samples", samples, "--grid", grid, "--seed", seed, "--out", out}, extra...)
}

func readDataNpy(t *testing.T, path string, shape ...int) *datasets.Array {
	t.Helper()
	a, err := datasets.ReadNpy(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Shape) != len(shape) {
		t.Fatalf("%s: shape %v, want %v", filepath.Base(path), a.Shape, shape)
	}
	for i := range shape {
		if a.Shape[i] != shape[i] {
			t.Fatalf("%s: shape %v, want %v", filepath.Base(path), a.Shape, shape)
		}
	}
	return a
}

func TestDataSimulateTranscriptomics(t *testing.T) {
	dir := t.TempDir()
	train := filepath.Join(dir, "train")
	code, stdout, stderr := runDataCommand(t, dataSimulateArgs(train, "train", "3", "7")...)
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote 3 train samples") || !strings.Contains(stderr, "step 3 of 3") || strings.Contains(stderr, "\r") {
		t.Errorf("train: stdout %q, progress on stderr %q", stdout, stderr)
	}

	t.Run("train files", func(t *testing.T) {
		f := readDataNpy(t, filepath.Join(train, "features.npy"), 3, 100, 3)
		p := readDataNpy(t, filepath.Join(train, "positions.npy"), 3, 100)
		tm := readDataNpy(t, filepath.Join(train, "times.npy"), 3, 100)
		if p.Data[1] != 6 || p.Data[99] != 54 || tm.Data[10] != 10 || tm.Data[99] != 90 {
			t.Errorf("positions/times not the time-major train grid: s[1] %v s[99] %v t[10] %v t[99] %v", p.Data[1], p.Data[99], tm.Data[10], tm.Data[99])
		}
		if _, err := os.Stat(filepath.Join(train, "knockout.npy")); err == nil {
			t.Error("knockout.npy written for the train grid")
		}
		norm, err := transcriptomics.LoadNormalisation(filepath.Join(train, "normalisation.json"))
		if err != nil {
			t.Fatal(err)
		}
		if norm.Source != "train" || norm.Samples != 3 || norm.Mode != transcriptomics.TrueMinMax {
			t.Errorf("normalisation source %q samples %d mode %q", norm.Source, norm.Samples, norm.Mode)
		}
		for _, g := range []transcriptomics.Grid{transcriptomics.TrainGrid(), transcriptomics.TestGrid()} {
			if err := norm.Covers(g); err != nil {
				t.Errorf("train table does not cover grid %s: %v", g.Name, err)
			}
		}
		fn := readDataNpy(t, filepath.Join(train, "features_normalised.npy"), 3, 100, 3)
		lo, hi := fn.Data[0], fn.Data[0]
		for _, v := range fn.Data {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo < -1e-6 || hi > 1+1e-6 || hi-lo < 0.5 {
			t.Errorf("features_normalised.npy spans [%v, %v], want [0, 1] (the training table's own range)", lo, hi)
		}
		r, _ := norm.Range(18000)
		for k := 90 * 3; k < len(f.Data)/3; k++ { // sample 0, last time point
			if v := f.Data[k]; v < r.Min-1e-5 || v > r.Max+1e-5 {
				t.Fatalf("feature %v outside the table's range %+v at t = 90", v, r)
			}
		}
		var meta transcriptomics.Meta
		b, err := os.ReadFile(filepath.Join(train, "meta.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &meta); err != nil {
			t.Fatal(err)
		}
		if meta.Samples != 3 || meta.Seed != 7 || meta.Grid.Name != "train" || meta.Config != transcriptomics.DefaultConfig() || meta.WallSeconds <= 0 {
			t.Errorf("meta.json: %+v", meta)
		}
	})

	t.Run("same seed same bytes, other seed other bytes", func(t *testing.T) {
		again, other := filepath.Join(dir, "again"), filepath.Join(dir, "other")
		if code, _, stderr := runDataCommand(t, dataSimulateArgs(again, "train", "3", "7", "--workers", "1")...); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if code, _, stderr := runDataCommand(t, dataSimulateArgs(other, "train", "3", "8")...); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, name := range []string{"features.npy", "positions.npy", "times.npy", "normalisation.json"} {
			a, _ := os.ReadFile(filepath.Join(train, name))
			b, _ := os.ReadFile(filepath.Join(again, name))
			if len(a) == 0 || !bytes.Equal(a, b) {
				t.Errorf("%s differs between two runs with seed 7", name)
			}
		}
		a, _ := os.ReadFile(filepath.Join(train, "features.npy"))
		c, _ := os.ReadFile(filepath.Join(other, "features.npy"))
		if bytes.Equal(a, c) {
			t.Error("seeds 7 and 8 give the same features")
		}
	})

	t.Run("knockout grid with the training table", func(t *testing.T) {
		ko := filepath.Join(dir, "knockout")
		code, _, stderr := runDataCommand(t, dataSimulateArgs(ko, "knockout", "4", "7", "--normalisation", filepath.Join(train, "normalisation.json"))...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		f := readDataNpy(t, filepath.Join(ko, "features.npy"), 4, 96, 3)
		k := readDataNpy(t, filepath.Join(ko, "knockout.npy"), 4)
		for i, g := range k.Data {
			if g != 0 && g != 1 && g != 2 {
				t.Fatalf("knockout[%d] = %v", i, g)
			}
			for node := 0; node < 96; node++ {
				if v := f.Data[(i*96+node)*3+int(g)]; v != 0 {
					t.Fatalf("sample %d node %d: knocked-out gene %v = %v", i, node, g, v)
				}
			}
		}
		a, _ := os.ReadFile(filepath.Join(train, "normalisation.json"))
		b, _ := os.ReadFile(filepath.Join(ko, "normalisation.json"))
		if !bytes.Equal(a, b) {
			t.Error("the knockout folder's normalisation.json is not the training table")
		}
	})

	t.Run("test grid without a table", func(t *testing.T) {
		test := filepath.Join(dir, "test")
		if code, _, stderr := runDataCommand(t, dataSimulateArgs(test, "test", "2", "1", "--normalisation-mode", "reference")...); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		readDataNpy(t, filepath.Join(test, "features.npy"), 2, 96, 3)
		p := readDataNpy(t, filepath.Join(test, "positions.npy"), 2, 96)
		if p.Data[95] != 55 {
			t.Errorf("last test position %v, want 55", p.Data[95])
		}
		norm, err := transcriptomics.LoadNormalisation(filepath.Join(test, "normalisation.json"))
		if err != nil || norm.Source != "test" || norm.Mode != transcriptomics.ReferenceRunningMax {
			t.Fatalf("test normalisation %+v, %v", norm, err)
		}
	})
}

func TestDataSimulateTranscriptomics_Errors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	badConfig := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(badConfig, []byte(`{"dt": "fast"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	unstable := filepath.Join(dir, "unstable.json")
	if err := os.WriteFile(unstable, []byte(`{"dt": 0.05}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"zero samples", dataSimulateArgs(out, "train", "0", "1"), 2, "--samples 0"},
		{"samples not a number", dataSimulateArgs(out, "train", "many", "1"), 2, "samples"},
		{"unknown grid", dataSimulateArgs(out, "validation", "2", "1"), 2, `--grid "validation"`},
		{"no out", []string{"data", "simulate", "transcriptomics", "--samples", "2", "--grid", "train"}, 2, "--out"},
		{"out under a file", dataSimulateArgs(filepath.Join(file, "sub"), "train", "2", "1"), 1, "cannot write"},
		{"bad normalisation mode", dataSimulateArgs(out, "train", "2", "1", "--normalisation-mode", "median"), 2, "--normalisation-mode"},
		{"table for the train grid", dataSimulateArgs(out, "train", "2", "1", "--normalisation", file), 2, "only for test"},
		{"missing table", dataSimulateArgs(out, "test", "2", "1", "--normalisation", filepath.Join(dir, "none.json")), 1, "--normalisation"},
		{"malformed config", dataSimulateArgs(out, "train", "2", "1", "--config", badConfig), 2, "--config"},
		{"unstable config", dataSimulateArgs(out, "train", "2", "1", "--config", unstable), 2, "unstable"},
		{"stray argument", append(dataSimulateArgs(out, "train", "2", "1"), "extra"), 2, "unexpected arguments"},
		{"unknown data command", []string{"data", "simulate", "mnist"}, 2, `unknown command "mnist"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runDataCommand(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Fatalf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr, tc.code, tc.msg)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(out, "features.npy")); err == nil {
		t.Error("a failed run wrote features.npy")
	}
}
