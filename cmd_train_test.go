package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/experiments/exptest"
	"github.com/ncgn/ncgn/internal/runlock"
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

func TestTrainSample_Features(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(2))
	// 6 samples of 12 nodes with 3 features on a fixed 4 x 3 grid given as two per-sample files.
	feat := &datasets.Array{Shape: []int{6, 12, 3}}
	space := &datasets.Array{Shape: []int{6, 12}}
	times := &datasets.Array{Shape: []int{6, 12}}
	for k := 0; k < 6; k++ {
		for i := 0; i < 12; i++ {
			space.Data = append(space.Data, float64(i%4)*6)
			times.Data = append(times.Data, float64(i/4)*10)
			feat.Data = append(feat.Data, rng.Float64(), rng.Float64(), rng.Float64())
		}
	}
	paths := map[string]*datasets.Array{"f.npy": feat, "s.npy": space, "t.npy": times}
	for name, a := range paths {
		if err := datasets.WriteNpy(filepath.Join(dir, name), a, "float32"); err != nil {
			t.Fatal(err)
		}
	}
	run := filepath.Join(dir, "run")
	if out, errOut, code := runCLI("train", "--features", filepath.Join(dir, "f.npy"), "--positions", filepath.Join(dir, "s.npy"),
		"--positions", filepath.Join(dir, "t.npy"), "--run", run, "--generative", "flow", "--epochs", "1", "--batch", "3",
		"--width", "4", "--layers", "1", "--k", "3", "--quiet"); code != 0 {
		t.Fatalf("train exited %d: %s %s", code, out, errOut)
	}
	out := filepath.Join(dir, "samples.npy")
	if o, errOut, code := runCLI("sample", "--run", run, "--n", "2", "--out", out, "--steps", "3", "--quiet"); code != 0 {
		t.Fatalf("sample exited %d: %s %s", code, o, errOut)
	}
	a, err := datasets.ReadNpy(out)
	if err != nil || !reflect.DeepEqual(a.Shape, []int{2, 12, 3}) {
		t.Fatalf("samples: %v, shape %v", err, a)
	}
	// Positions that differ between samples are refused.
	space.Data[12] = 99
	datasets.WriteNpy(filepath.Join(dir, "s.npy"), space, "float32")
	if _, errOut, code := runCLI("train", "--features", filepath.Join(dir, "f.npy"), "--positions", filepath.Join(dir, "s.npy"),
		"--run", filepath.Join(dir, "run2"), "--quiet"); code == 0 || !strings.Contains(errOut, "differ") {
		t.Fatalf("varying positions: exit %d, %q", code, errOut)
	}
}

// TestTrain_Arch: new runs record their architecture (the reference by default); a
// config.json written before the field existed (no "arch") still means the ncgn network, for
// --resume and for sample, whose weights would not load into the other architecture.
func TestTrain_Arch(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(3))
	clouds := &datasets.Array{Shape: []int{4, 10, 2}}
	for i := 0; i < 4*10*2; i++ {
		clouds.Data = append(clouds.Data, rng.Float64()-0.5)
	}
	data := filepath.Join(dir, "clouds.npy")
	if err := datasets.WriteNpy(data, clouds, "float32"); err != nil {
		t.Fatal(err)
	}
	args := func(run string, extra ...string) []string {
		return append([]string{"train", "--data", data, "--run", run, "--generative", "flow", "--epochs", "1", "--batch", "4",
			"--width", "4", "--layers", "1", "--k", "3", "--checkpoint-every", "1", "--quiet"}, extra...)
	}
	ref := filepath.Join(dir, "ref")
	if out, errOut, code := runCLI(args(ref)...); code != 0 {
		t.Fatalf("train exited %d: %s %s", code, out, errOut)
	}
	if arch := readConfig(t, ref)["model"].(map[string]any)["arch"]; arch != "reference" {
		t.Fatalf("default run records arch %v, want reference", arch)
	}

	old := filepath.Join(dir, "old")
	if out, errOut, code := runCLI(args(old, "--arch", "ncgn")...); code != 0 {
		t.Fatalf("train exited %d: %s %s", code, out, errOut)
	}
	cfg := readConfig(t, old)
	delete(cfg["model"].(map[string]any), "arch") // as written before the field existed
	b, _ := json.Marshal(cfg)
	if err := os.WriteFile(filepath.Join(old, "config.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	samples := filepath.Join(dir, "samples.npy")
	if out, errOut, code := runCLI("sample", "--run", old, "--n", "2", "--out", samples, "--steps", "2", "--quiet"); code != 0 {
		t.Fatalf("sample of an arch-less run exited %d: %s %s", code, out, errOut)
	}
	resumed := args(old, "--resume")
	resumed[8] = "2" // --epochs
	if out, errOut, code := runCLI(resumed...); code != 0 {
		t.Fatalf("resume of an arch-less run exited %d: %s %s", code, out, errOut)
	}
	if _, errOut, code := runCLI(append(resumed, "--arch", "reference")...); code == 0 || !strings.Contains(errOut, "differ") {
		t.Fatalf("resuming an ncgn run as reference: exit %d, %q", code, errOut)
	}
	if _, errOut, code := runCLI(args(filepath.Join(dir, "bad"), "--arch", "torch")...); code != 2 || !strings.Contains(errOut, "--arch") {
		t.Fatalf("unknown arch: exit %d, %q", code, errOut)
	}
}

// TestSample_OldRunFolder samples from a run folder written before package spec existed
// (spec/testdata/old-pos): the samples are byte for byte those the old code wrote.
func TestSample_OldRunFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "samples.npy")
	run := filepath.Join("spec", "testdata", "old-pos")
	if o, errOut, code := runCLI("sample", "--run", run, "--n", "3", "--steps", "4", "--batch", "2", "--seed", "5", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("sample exited %d: %s %s", code, o, errOut)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(run, "samples.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("samples differ from those of the old code")
	}
}

// TestTrain_ResumeRefusesAnotherNetwork resumes a run with another width: refused, naming the
// field that differs.
func TestTrain_ResumeRefusesAnotherNetwork(t *testing.T) {
	dir, data := tinyCloudsFile(t)
	run := filepath.Join(dir, "run")
	args := []string{"train", "--data", data, "--run", run, "--generative", "flow", "--epochs", "1", "--batch", "2",
		"--width", "4", "--layers", "1", "--k", "2", "--quiet"}
	if o, errOut, code := runCLI(args...); code != 0 {
		t.Fatalf("train exited %d: %s %s", code, o, errOut)
	}
	args[12] = "8" // --width
	if _, errOut, code := runCLI(append(args, "--resume")...); code == 0 || !strings.Contains(errOut, `"model" differs`) {
		t.Fatalf("resume with another width: exit %d, %q", code, errOut)
	}
}

// TestTrain_RunFolderSafety checks that train on an existing run without --resume refuses
// before writing (config.json unchanged), that a locked run folder is refused naming the
// holder, and that --resume of a run stopped before its first checkpoint says how to start it.
func TestTrain_RunFolderSafety(t *testing.T) {
	dir, data := tinyCloudsFile(t)
	run := filepath.Join(dir, "run")
	args := []string{"train", "--data", data, "--run", run, "--generative", "flow", "--epochs", "1", "--batch", "2",
		"--width", "4", "--layers", "1", "--k", "2", "--quiet"}
	if o, errOut, code := runCLI(args...); code != 0 {
		t.Fatalf("train exited %d: %s %s", code, o, errOut)
	}
	before, err := os.ReadFile(filepath.Join(run, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	other := append([]string(nil), args...)
	other[6] = "diffusion" // --generative
	if _, errOut, code := runCLI(other...); code != 1 || !strings.Contains(errOut, "already holds a run") || !strings.Contains(errOut, "--resume") {
		t.Fatalf("train on an existing run: exit %d, %q", code, errOut)
	}
	after, _ := os.ReadFile(filepath.Join(run, "config.json"))
	if !bytes.Equal(before, after) {
		t.Fatal("a refused train overwrote config.json")
	}

	lock, err := runlock.Acquire(filepath.Join(run, ".lock"), "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(append(args, "--resume")...); code != 1 || !strings.Contains(errOut, "in use by another process") || !strings.Contains(errOut, "pid ") {
		t.Errorf("train on a locked run: exit %d, %q", code, errOut)
	}
	_ = lock.Release()

	early := filepath.Join(dir, "early")
	if err := os.MkdirAll(early, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(early, "config.json"), before, 0o644); err != nil {
		t.Fatal(err)
	}
	resume := append([]string(nil), args...)
	resume[4] = early
	if _, errOut, code := runCLI(append(resume, "--resume")...); code != 1 || !strings.Contains(errOut, "before its first checkpoint") {
		t.Errorf("resume without a checkpoint: exit %d, %q", code, errOut)
	}
}

// TestTrain_Normalize checks that data far outside [-1, 1] draw a warning, and that with
// --normalize the run keeps the map (config.json) and sample returns clouds in the data's range.
func TestTrain_Normalize(t *testing.T) {
	dir := t.TempDir()
	clouds := &datasets.Array{Shape: []int{4, 6, 2}}
	for i := 0; i < 4*6*2; i++ {
		clouds.Data = append(clouds.Data, 1e6+1e5*float64(i%7))
	}
	data := filepath.Join(dir, "clouds.npy")
	if err := datasets.WriteNpy(data, clouds, "float32"); err != nil {
		t.Fatal(err)
	}
	args := []string{"train", "--data", data, "--generative", "flow", "--epochs", "1", "--batch", "2", "--width", "4", "--layers", "1", "--k", "2", "--quiet"}
	_, errOut, code := runCLI(append(args, "--run", filepath.Join(dir, "plain"))...)
	if code != 0 || !strings.Contains(errOut, "far outside the range") || !strings.Contains(errOut, "--normalize") {
		t.Fatalf("plain: exit %d, %q", code, errOut)
	}
	run := filepath.Join(dir, "norm")
	_, errOut, code = runCLI(append(args, "--run", run, "--normalize")...)
	if code != 0 || strings.Contains(errOut, "far outside") {
		t.Fatalf("--normalize: exit %d, %q", code, errOut)
	}
	var cfg struct {
		Normalize *struct {
			Shift []float64 `json:"shift"`
			Scale float64   `json:"scale"`
		} `json:"normalize"`
	}
	b, err := os.ReadFile(filepath.Join(run, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cfg); err != nil || cfg.Normalize == nil || len(cfg.Normalize.Shift) != 2 || !(cfg.Normalize.Scale > 1e5) {
		t.Fatalf("config.json normalize %+v, %v", cfg.Normalize, err)
	}
	out := filepath.Join(dir, "s.npy")
	if o, e, code := runCLI("sample", "--run", run, "--n", "3", "--out", out, "--steps", "4", "--quiet"); code != 0 {
		t.Fatalf("sample: %d %s %s", code, o, e)
	}
	a, err := datasets.ReadNpy(out)
	if err != nil {
		t.Fatal(err)
	}
	var mean float64
	for _, v := range a.Data {
		mean += v / float64(len(a.Data))
	}
	if mean < 5e5 || mean > 2e6 {
		t.Errorf("samples' mean %g, want the data's range (about 1.3e6)", mean)
	}
}

// tinyCloudsFile writes four 6-point 2-D clouds to a .npy file in a temporary folder and
// returns the folder and the file.
func tinyCloudsFile(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	clouds := &datasets.Array{Shape: []int{4, 6, 2}}
	for i := 0; i < 4*6*2; i++ {
		clouds.Data = append(clouds.Data, float64(i%7)/7)
	}
	data := filepath.Join(dir, "clouds.npy")
	if err := datasets.WriteNpy(data, clouds, "float32"); err != nil {
		t.Fatal(err)
	}
	return dir, data
}

// TestSample_Samplers samples a diffusion run with DDIM (deterministic and with η) and refuses a
// flow solver, an η without DDIM and an η beyond 1, naming the samplers it knows.
func TestSample_Samplers(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join("spec", "testdata", "old-pos")
	outs := map[int]string{}
	for i, extra := range [][]string{{"--sampler", "ddim"}, {"--sampler", "ddim", "--eta", "0.5"}, {"--sampler", "ddpm"}, {"--sampler", "ddpm", "--batch-stats"}} {
		out := filepath.Join(dir, fmt.Sprintf("s%d.npy", i))
		outs[i] = out
		args := append([]string{"sample", "--run", run, "--n", "2", "--steps", "4", "--out", out, "--quiet"}, extra...)
		if o, errOut, code := runCLI(args...); code != 0 {
			t.Fatalf("%v: exit %d: %s %s", extra, code, o, errOut)
		}
		if _, err := os.Stat(out); err != nil {
			t.Fatalf("%v: %v", extra, err)
		}
	}
	// The reference network's batch norms: batch statistics give other samples than the
	// running estimates from the same noise.
	a, errA := datasets.ReadNpy(outs[2])
	b, errB := datasets.ReadNpy(outs[3])
	if errA != nil || errB != nil || reflect.DeepEqual(a.Data, b.Data) {
		t.Errorf("--batch-stats gave the same samples as the running estimates (%v, %v)", errA, errB)
	}
	// --clip bounds each step's x0 prediction: with a range of 0.05 the last step leaves the
	// samples within it but for that step's small noise, unlike the default range 1.
	clipped := filepath.Join(dir, "clip.npy")
	if o, errOut, code := runCLI("sample", "--run", run, "--n", "2", "--steps", "4", "--out", clipped, "--quiet", "--clip", "0.05"); code != 0 {
		t.Fatalf("--clip 0.05: exit %d: %s %s", code, o, errOut)
	}
	if in, wide := exptest.LargestNpy(t, clipped), exptest.LargestNpy(t, outs[2]); !(in < 0.1) || !(wide > 0.1) {
		t.Errorf("largest |value| %.3f with --clip 0.05 (want < 0.1), %.3f without (want > 0.1)", in, wide)
	}
	flowOut := filepath.Join(dir, "flow.npy")
	if _, errOut, code := runCLI("sample", "--run", filepath.Join("spec", "testdata", "old-feat"), "--n", "2", "--out", flowOut, "--quiet", "--clip", "0.5"); code != 2 || !strings.Contains(errOut, "only diffusion") {
		t.Errorf("--clip on a flow-matching run: exit %d, %q (want 2, naming diffusion)", code, errOut)
	}
	for _, c := range []struct {
		extra []string
		want  string
	}{
		{[]string{"--sampler", "heun"}, "ddpm, ddim"},
		{[]string{"--clip", "0"}, "--clip 0"},
		{[]string{"--clip", "-1"}, "--clip -1"},
		{[]string{"--eta", "0.5"}, "eta"},
		{[]string{"--sampler", "ddim", "--eta", "2"}, "eta"},
	} {
		out := filepath.Join(dir, "bad.npy")
		args := append([]string{"sample", "--run", run, "--n", "2", "--steps", "4", "--out", out, "--quiet"}, c.extra...)
		if _, errOut, code := runCLI(args...); code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q (want 2 and %q)", c.extra, code, errOut, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: wrote %s", c.extra, out)
		}
	}
}

// TestTrainSample_OTCouplingAndHeun trains flow matching with the OT coupling (kept in
// config.json) and samples it with Heun's solver and adaptively (dopri5, reporting its
// evaluations); DDIM on a flow run, OT with diffusion and an
// unknown coupling are usage errors.
func TestTrainSample_OTCouplingAndHeun(t *testing.T) {
	dir, data := tinyCloudsFile(t)
	run := filepath.Join(dir, "run")
	args := []string{"train", "--data", data, "--run", run, "--generative", "flow", "--coupling", "ot", "--epochs", "1", "--batch", "2",
		"--width", "4", "--layers", "1", "--k", "2", "--quiet"}
	if o, errOut, code := runCLI(args...); code != 0 {
		t.Fatalf("train exited %d: %s %s", code, o, errOut)
	}
	if cfg := readConfig(t, run); cfg["train"].(map[string]any)["coupling"] != "ot" {
		t.Fatalf("config.json train = %v, want coupling ot", cfg["train"])
	}
	out := filepath.Join(dir, "s.npy")
	if o, errOut, code := runCLI("sample", "--run", run, "--n", "2", "--steps", "3", "--sampler", "heun", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("sample --sampler heun exited %d: %s %s", code, o, errOut)
	}
	if o, errOut, code := runCLI("sample", "--run", run, "--n", "2", "--steps", "2", "--sampler", "dopri5", "--tolerance", "1e-4", "--out", out, "--quiet"); code != 0 || !strings.Contains(o, "network evaluations per batch") {
		t.Fatalf("sample --sampler dopri5 exited %d: %s %s", code, o, errOut)
	}
	if _, errOut, code := runCLI("sample", "--run", run, "--n", "2", "--sampler", "heun", "--tolerance", "1e-4", "--out", out, "--quiet"); code != 2 || !strings.Contains(errOut, "tolerance") {
		t.Errorf("--tolerance with heun: exit %d, %q", code, errOut)
	}
	if _, errOut, code := runCLI("sample", "--run", run, "--n", "2", "--sampler", "ddim", "--out", out, "--quiet"); code != 2 || !strings.Contains(errOut, "euler, midpoint, heun, dopri5") {
		t.Errorf("ddim on a flow run: exit %d, %q", code, errOut)
	}
	for _, bad := range [][]string{{"--generative", "diffusion", "--coupling", "ot"}, {"--generative", "flow", "--coupling", "sinkhorn"}} {
		a := append([]string{"train", "--data", data, "--run", filepath.Join(dir, "bad"), "--epochs", "1", "--quiet"}, bad...)
		if _, errOut, code := runCLI(a...); code != 2 || !strings.Contains(errOut, "--coupling") {
			t.Errorf("%v: exit %d, %q", bad, code, errOut)
		}
	}
}

// readConfig returns a run folder's config.json as generic JSON.
func readConfig(t *testing.T, run string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(run, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
