package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/datasets/geometricshapes"
)

// modelnetTree writes a point-cloud folder with n objects of k points per class and split.
func modelnetTree(t *testing.T, root string, classes []string, n, k int) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range classes {
		for _, s := range []string{"train", "test"} {
			for j := 1; j <= n; j++ {
				a := &datasets.Array{Shape: []int{k, 3}, Data: make([]float64, 3*k)}
				for i := range a.Data {
					a.Data[i] = r.Float64()
				}
				if err := datasets.WriteNpy(filepath.Join(root, c, s, fmt.Sprintf("%s_%04d.npy", c, j)), a, "float32"); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// readCloudsMeta reads the JSON record written beside a clouds file.
func readCloudsMeta(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func TestDataPrepareModelNet40(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "ModelNet40")
	modelnetTree(t, root, []string{"chair", "airplane"}, 3, 20)
	out := filepath.Join(dir, "out", "clouds.npy")
	args := []string{"data", "prepare", "modelnet40", "--root", dir, "--split", "test", "--points", "16",
		"--classes", "chair,airplane", "--limit", "5", "--seed", "3", "--out", out}
	code, stdout, stderr := runDataCommand(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote 5 test clouds of 16 points (2 classes, stored points)") {
		t.Errorf("stdout %q", stdout)
	}
	if strings.Contains(stderr, "loading") {
		t.Errorf("a progress bar for 5 objects: %q", stderr)
	}
	a := readDataNpy(t, out, 5, 16, 3)
	for i := 0; i < 5; i++ {
		m := 0.0
		for _, v := range a.Data[i*48 : (i+1)*48] {
			m = math.Max(m, math.Abs(v))
		}
		if math.Abs(m-0.25) > 1e-7 {
			t.Errorf("cloud %d: max |x| %v, want 0.25 (float32)", i, m)
		}
	}
	meta := readCloudsMeta(t, filepath.Join(dir, "out", "clouds.json"))
	labels := fmt.Sprint(meta["labels"])
	files := fmt.Sprint(meta["files"])
	if labels != "[airplane airplane airplane chair chair]" || !strings.HasPrefix(files, "[airplane/test/airplane_0001.npy ") ||
		meta["point_source"] != "stored" || meta["layout"] != "npy" || meta["from"] != root {
		t.Errorf("record: labels %s, files %s, source %v, layout %v, from %v", labels, files, meta["point_source"], meta["layout"], meta["from"])
	}
	counts := meta["counts"].(map[string]any)
	if counts["kept"] != 5.0 || counts["considered"] != 5.0 || counts["listed"] != 6.0 {
		t.Errorf("counts %v", counts)
	}
	cfg := meta["config"].(map[string]any)
	if cfg["points"] != 16.0 || cfg["seed"] != 3.0 || cfg["limit"] != 5.0 || cfg["scale"] != 0.249999995 {
		t.Errorf("config %v", cfg)
	}

	t.Run("same bytes with one worker", func(t *testing.T) {
		out1 := filepath.Join(dir, "w1.npy")
		if code, _, stderr := runDataCommand(t, append(args[:len(args)-1], out1, "--workers", "1")...); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		b0, _ := os.ReadFile(out)
		b1, _ := os.ReadFile(out1)
		if !bytes.Equal(b0, b1) {
			t.Error("one worker wrote other bytes")
		}
	})
	t.Run("train reads it", func(t *testing.T) {
		run := filepath.Join(dir, "run")
		if out, errOut, code := runCLI("train", "--data", out, "--run", run, "--generative", "flow", "--epochs", "1", "--batch", "5",
			"--width", "4", "--layers", "1", "--k", "3", "--quiet"); code != 0 {
			t.Fatalf("train exited %d: %s %s", code, out, errOut)
		}
	})
}

func TestDataPrepareModelNet40_Progress(t *testing.T) {
	dir := t.TempDir()
	modelnetTree(t, dir, []string{"a", "b"}, progressMinObjects/2, 4)
	out := filepath.Join(dir, "c.npy")
	code, _, stderr := runDataCommand(t, "data", "prepare", "modelnet40", "--root", dir, "--split", "train", "--points", "4", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// stderr is not a terminal here: plain lines, no carriage-return frames
	if want := fmt.Sprintf("loading train: step %d of %d (100 %%)", progressMinObjects, progressMinObjects); !strings.Contains(stderr, want) || strings.Contains(stderr, "\r") {
		t.Errorf("no plain progress line on stderr: %q", stderr)
	}
	code, _, stderr = runDataCommand(t, "data", "prepare", "modelnet40", "--root", dir, "--split", "train", "--points", "4", "--out", out, "--quiet")
	if code != 0 || stderr != "" {
		t.Errorf("--quiet: exit %d, stderr %q", code, stderr)
	}
}

func TestDataPrepareModelNet40_Errors(t *testing.T) {
	dir := t.TempDir()
	modelnetTree(t, dir, []string{"a"}, 2, 8)
	out := filepath.Join(dir, "c.npy")
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no split", []string{"--root", dir, "--out", out}, 2, "--split: train or test is required"},
		{"bad split", []string{"--root", dir, "--split", "val", "--out", out}, 2, `--split "val"`},
		{"no out", []string{"--root", dir, "--split", "test"}, 2, "--out: an output FILE.npy is required"},
		{"out not npy", []string{"--root", dir, "--split", "test", "--out", "c.csv"}, 2, `--out "c.csv"`},
		{"points", []string{"--root", dir, "--split", "test", "--points", "0", "--out", out}, 2, "--points 0"},
		{"source", []string{"--root", dir, "--split", "test", "--source", "faces", "--out", out}, 2, `--source "faces"`},
		{"scale", []string{"--root", dir, "--split", "test", "--scale", "-1", "--out", out}, 2, "--scale -1"},
		{"limit", []string{"--root", dir, "--split", "test", "--limit", "-1", "--out", out}, 2, "--limit -1"},
		{"empty classes", []string{"--root", dir, "--split", "test", "--classes", ",", "--out", out}, 2, "--classes"},
		{"argument", []string{"--root", dir, "--split", "test", "--out", out, "extra"}, 2, "unexpected arguments"},
		{"missing root", []string{"--root", filepath.Join(dir, "nope"), "--split", "test", "--out", out}, 1, "nope does not exist"},
		{"unknown class", []string{"--root", dir, "--split", "test", "--classes", "zebra", "--out", out}, 1, `class "zebra"`},
		{"too few points", []string{"--root", dir, "--split", "test", "--out", out}, 1, "2 with fewer than 400 points"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runDataCommand(t, append([]string{"data", "prepare", "modelnet40"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, stderr %q; want %d with %q", code, stderr, tc.code, tc.msg)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed run wrote the output")
	}
}

func TestDataPrepareGeometricShapes(t *testing.T) {
	const shared = "../shared/data/geometric-shapes/raw.zip"
	dir := t.TempDir()
	// A small archive of another digest needs --skip-checksum.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, s := range []string{"train", "test"} {
		w, _ := zw.Create("raw/3d_tri/" + s + "/3d_tri.off")
		w.Write([]byte("OFF\n4 2 0\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n3 0 1 2\n3 0 1 3\n"))
	}
	zw.Close()
	small := filepath.Join(dir, "small.zip")
	os.WriteFile(small, buf.Bytes(), 0o644)
	out := filepath.Join(dir, "shapes.npy")
	code, _, stderr := runDataCommand(t, "data", "prepare", "geometricshapes", "--zip", small, "--split", "train", "--out", out)
	if code != 1 || !strings.Contains(stderr, "checksum mismatch") {
		t.Errorf("other archive without --skip-checksum: exit %d, %q", code, stderr)
	}
	code, stdout, stderr := runDataCommand(t, "data", "prepare", "geometricshapes", "--zip", small, "--skip-checksum",
		"--split", "test", "--points", "32", "--per-class", "3", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote 3 test clouds of 32 points (1 shapes, surface points, 3 per shape)") {
		t.Errorf("stdout %q", stdout)
	}
	readDataNpy(t, out, 3, 32, 3)
	meta := readCloudsMeta(t, filepath.Join(dir, "shapes.json"))
	if fmt.Sprint(meta["files"]) != "[raw/3d_tri/test/3d_tri.off raw/3d_tri/test/3d_tri.off raw/3d_tri/test/3d_tri.off]" || meta["sha256"] != nil {
		t.Errorf("record: files %v, sha256 %v", meta["files"], meta["sha256"])
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--split", "train", "--out", out}, "--zip: the GeometricShapes raw.zip is required"},
		{[]string{"--zip", small, "--split", "train", "--per-class", "0", "--out", out}, "--per-class 0"},
	} {
		if code, _, stderr := runDataCommand(t, append([]string{"data", "prepare", "geometricshapes"}, tc.args...)...); code != 2 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, %q", tc.args, code, stderr)
		}
	}

	if _, err := os.Stat(shared); err != nil {
		t.Skipf("shared GeometricShapes archive absent (%v); see ../shared/data/README.md", err)
	}
	code, stdout, stderr = runDataCommand(t, "data", "prepare", "geometricshapes", "--zip", shared, "--split", "train",
		"--source", "vertices", "--points", "400", "--out", out)
	if code != 0 {
		t.Fatalf("shared archive: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote 7 train clouds") || !strings.Contains(stdout, "skipped 33 shapes (33 with fewer than 400 vertices") {
		t.Errorf("stdout %q", stdout)
	}
	meta = readCloudsMeta(t, filepath.Join(dir, "shapes.json"))
	if meta["sha256"] != geometricshapes.SHA256 || len(meta["classes"].([]any)) != 40 {
		t.Errorf("record: sha256 %v, %d classes", meta["sha256"], len(meta["classes"].([]any)))
	}
}

func TestDataFetchModelNet40(t *testing.T) {
	t.Run("unreachable", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL + "/ModelNet40.zip"
		srv.Close()
		code, _, stderr := runDataCommand(t, "data", "fetch", "modelnet40", "--out", t.TempDir(), "--url", url, "--quiet")
		if code != 1 || !strings.Contains(stderr, "cannot reach "+url) || !strings.Contains(stderr, "network is unreachable") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("download, resume, extract", func(t *testing.T) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, s := range []string{"train", "test"} {
			w, _ := zw.Create("ModelNet40/cube/" + s + "/cube_0001.off")
			w.Write([]byte("OFF\n8 6 0\n0 0 0\n1 0 0\n1 1 0\n0 1 0\n0 0 1\n1 0 1\n1 1 1\n0 1 1\n" +
				"4 0 3 2 1\n4 4 5 6 7\n4 0 1 5 4\n4 2 3 7 6\n4 1 2 6 5\n4 0 4 7 3\n"))
		}
		zw.Close()
		body := buf.Bytes()
		var (
			mu     sync.Mutex
			ranges []string
		)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			ranges = append(ranges, r.Header.Get("Range"))
			mu.Unlock()
			http.ServeContent(w, r, "ModelNet40.zip", time.Unix(0, 0), bytes.NewReader(body))
		}))
		defer srv.Close()
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "ModelNet40.zip.part"), body[:100], 0o644)
		code, stdout, stderr := runDataCommand(t, "data", "fetch", "modelnet40", "--out", dir, "--url", srv.URL+"/ModelNet40.zip")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		mu.Lock()
		defer mu.Unlock()
		if !reflect.DeepEqual(ranges, []string{"bytes=100-"}) || !strings.Contains(stdout, "downloaded (resumed after 100 bytes)") ||
			!strings.Contains(stdout, "extracted 2 files") || !strings.Contains(stderr, "downloading ModelNet40.zip") {
			t.Errorf("ranges %q, stdout %q, stderr %q", ranges, stdout, stderr)
		}
		out := filepath.Join(dir, "cube.npy")
		code, _, stderr = runDataCommand(t, "data", "prepare", "modelnet40", "--root", dir, "--split", "train", "--points", "8", "--out", out)
		if code != 0 {
			t.Fatalf("prepare after fetch: exit %d: %s", code, stderr)
		}
		readDataNpy(t, out, 1, 8, 3)
	})
	t.Run("bad digest flag", func(t *testing.T) {
		code, _, stderr := runDataCommand(t, "data", "fetch", "modelnet40", "--out", t.TempDir(), "--sha256", "xyz")
		if code != 2 || !strings.Contains(stderr, "not 64 hex digits") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
}

// TestDataPrepareModelNet40_SkipBad checks that one malformed file stops the strict default
// (naming it and the --skip-bad flag) and that --skip-bad keeps the others and lists it.
func TestDataPrepareModelNet40_SkipBad(t *testing.T) {
	dir := t.TempDir()
	modelnetTree(t, dir, []string{"a"}, 3, 8)
	bad := filepath.Join(dir, "a", "test", "a_0002.npy")
	if err := os.WriteFile(bad, []byte("not a numpy file"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "c.npy")
	args := []string{"data", "prepare", "modelnet40", "--root", dir, "--split", "test", "--points", "8", "--out", out, "--quiet"}
	code, _, stderr := runDataCommand(t, args...)
	if code != 1 || !strings.Contains(stderr, bad) || !strings.Contains(stderr, "--skip-bad") {
		t.Fatalf("strict: exit %d, stderr %q", code, stderr)
	}
	code, stdout, stderr := runDataCommand(t, append(args, "--skip-bad")...)
	if code != 0 || !strings.Contains(stderr, "skipped a malformed file") || !strings.Contains(stderr, bad) || !strings.Contains(stdout, "wrote 2 test clouds") || !strings.Contains(stdout, "1 malformed") {
		t.Fatalf("--skip-bad: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
