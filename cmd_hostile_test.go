package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileNpy writes a .npy file whose header declares shape but which holds only data bytes.
func hostileNpy(t *testing.T, dir, name, shape string, data int) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	h := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': %s, }", shape)
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	b.WriteString(h)
	b.Write(make([]byte, data))
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCLI_HostileNpyHeaders feeds train, eval and graph .npy files whose headers declare
// shapes that overflow or that the file does not hold: each exits 1 naming the file and the
// shape, without a panic or a large allocation.
func TestCLI_HostileNpyHeaders(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"overflow": hostileNpy(t, dir, "overflow.npy", "(4611686018427387904, 4, 1)", 0),
		"huge":     hostileNpy(t, dir, "huge.npy", "(100000000, 100000, 3)", 49),
		"large":    hostileNpy(t, dir, "large.npy", "(100000000, 2, 3)", 0),
	}
	for kind, f := range files {
		for _, args := range [][]string{
			{"train", "--data", f, "--run", filepath.Join(dir, "run-"+kind), "--epochs", "1"},
			{"eval", "--samples", f, "--reference", f},
			{"graph", "--points", f, "-t", "0.5"},
		} {
			out, code := runApp(args...)
			if code != 1 || !strings.Contains(out, f) || strings.Contains(out, "panic") || strings.Contains(out, "goroutine") {
				t.Errorf("%v: exit %d, want 1 with the file named and no panic:\n%s", args, code, out)
			}
		}
	}
}

// TestCLI_HandEditedConfig checks that sample refuses a run whose config.json asks for sizes
// beyond the limits (nodes 1e11, 100000 layers) with exit 1 naming the field, without a crash
// or a hang.
func TestCLI_HandEditedConfig(t *testing.T) {
	for name, cfg := range map[string]string{
		"nodes":  `{"task":"positions","shape":{"nodes":100000000000,"dim":3},"model":{"in":3,"out":3,"pos_dim":3},"graph":{"kind":"knn","k":3},"train":{"process":"flow"}}`,
		"layers": `{"task":"positions","shape":{"nodes":8,"dim":3},"model":{"in":3,"out":3,"pos_dim":3,"layers":100000},"graph":{"kind":"knn","k":3},"train":{"process":"flow"}}`,
	} {
		run := filepath.Join(t.TempDir(), "run")
		if err := os.MkdirAll(run, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(run, "config.json"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		out, code := runApp("sample", "--run", run, "--n", "2", "--out", filepath.Join(run, "s.npy"))
		if code != 1 || !strings.Contains(out, "config.json") || !strings.Contains(out, name) {
			t.Errorf("%s: exit %d, want 1 naming config.json and %s:\n%s", name, code, name, out)
		}
	}
}
