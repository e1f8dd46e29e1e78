package main

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/metrics"
)

// tolEvalGolden is the relative tolerance for eval against POT's ot.emd2.
const tolEvalGolden = 1e-9

// runEvalCommand runs "ncgn eval args..." in-process and returns stdout, stderr and the
// exit code (0 on success). The exit handler is replaced so that an error does not end the
// test binary.
func runEvalCommand(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runCLI(append([]string{"eval"}, args...)...)
}

// writeEvalNpy writes an array of the given shape into dir and returns its path.
func writeEvalNpy(t *testing.T, dir, name string, shape []int, data []float64) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := datasets.WriteNpy(p, &datasets.Array{Shape: shape, Data: data}, "float64"); err != nil {
		t.Fatal(err)
	}
	return p
}

// evalRandom returns size values drawn from N(shift, 1).
func evalRandom(rng *rand.Rand, size int, shift float64) []float64 {
	v := make([]float64, size)
	for i := range v {
		v[i] = shift + rng.NormFloat64()
	}
	return v
}

// TestEval_W2 checks the default metric against a hand-computed value and metrics.OT, in
// text and JSON output, for (m, n, d) and (m, D) inputs.
func TestEval_W2(t *testing.T) {
	dir := t.TempDir()
	// Two clouds of two 2-D points each; flattened, the optimal matching pairs sample 0 with
	// reference 1 (distance 1) and sample 1 with reference 0 (distance 2): OT = 3/2.
	s := writeEvalNpy(t, dir, "s.npy", []int{2, 2, 2}, []float64{0, 0, 0, 0, 5, 5, 5, 5})
	r := writeEvalNpy(t, dir, "r.npy", []int{2, 2, 2}, []float64{5, 5, 5, 3, 0, 0, 0, 1})
	sFlat := writeEvalNpy(t, dir, "sflat.npy", []int{2, 4}, []float64{0, 0, 0, 0, 5, 5, 5, 5})
	rFlat := writeEvalNpy(t, dir, "rflat.npy", []int{2, 4}, []float64{5, 5, 5, 3, 0, 0, 0, 1})
	tests := []struct {
		name string
		args []string
		want float64
	}{
		{"default metric", []string{"--samples", s, "--reference", r}, 1.5},
		{"normalize 2", []string{"--samples", s, "--reference", r, "--metric", "w2", "--normalize", "2"}, 0.75},
		{"flat input", []string{"--samples", sFlat, "--reference", rFlat}, 1.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runEvalCommand(t, append(tc.args, "--json")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var res metrics.Result
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("output %q is not one JSON object: %v", out, err)
			}
			if res.Metric != "W2" || res.Value != tc.want || res.Samples != 2 || res.Reference != 2 {
				t.Errorf("result %+v, want W2 = %v on 2 and 2 samples", res, tc.want)
			}
			text, _, code := runEvalCommand(t, tc.args...)
			if code != 0 || !strings.HasPrefix(text, "W2 = ") || !strings.Contains(text, "Euclidean") {
				t.Errorf("text output %q (exit %d)", text, code)
			}
		})
	}
}

// TestEval_GoldenPOT checks eval against POT's ot.emd2 on the (30, 3, 4) problem of
// metrics/testdata/golden_ot.json (scripts/golden_ot.py).
func TestEval_GoldenPOT(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("metrics", "testdata", "golden_ot.json"))
	if err != nil {
		t.Fatalf("golden values missing (regenerate with /usr/bin/python3 scripts/golden_ot.py): %v", err)
	}
	var g struct {
		OTProblems []struct {
			Name        string      `json:"name"`
			A           [][]float64 `json:"a"`
			B           [][]float64 `json:"b"`
			EMD2        float64     `json:"emd2"`
			SampleShape []int       `json:"sample_shape"`
		} `json:"ot_problems"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	checked := 0
	for _, p := range g.OTProblems {
		if len(p.SampleShape) != 2 {
			continue
		}
		t.Run(p.Name, func(t *testing.T) {
			shape := []int{len(p.A), p.SampleShape[0], p.SampleShape[1]}
			flat := func(x [][]float64) []float64 {
				var v []float64
				for _, row := range x {
					v = append(v, row...)
				}
				return v
			}
			s := writeEvalNpy(t, dir, "golden_s.npy", shape, flat(p.A))
			r := writeEvalNpy(t, dir, "golden_r.npy", shape, flat(p.B))
			const normalize = 3 // points per cloud
			out, errOut, code := runEvalCommand(t, "--samples", s, "--reference", r, "--normalize", "3", "--json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var res metrics.Result
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatal(err)
			}
			want := p.EMD2 / normalize
			if math.Abs(res.Value-want) > tolEvalGolden*math.Abs(want) {
				t.Errorf("eval w2 = %.17g, POT ot.emd2 / %d = %.17g", res.Value, normalize, want)
			}
			if res.PointsPerCloud != p.SampleShape[0] || res.Normalize != normalize {
				t.Errorf("result %+v: want %d points per cloud and normalize %d", res, p.SampleShape[0], normalize)
			}
		})
		checked++
	}
	if checked == 0 {
		t.Fatal("golden_ot.json holds no problem with a sample_shape")
	}
}

// TestEval_PointCloudMetrics checks the set metrics against the metrics package and "all".
func TestEval_PointCloudMetrics(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	const m, mr, n, d = 5, 4, 6, 3
	sData, rData := evalRandom(rng, m*n*d, 0), evalRandom(rng, mr*n*d, 0.5)
	s := writeEvalNpy(t, dir, "s.npy", []int{m, n, d}, sData)
	r := writeEvalNpy(t, dir, "r.npy", []int{mr, n, d}, rData)
	toClouds := func(data []float64, m int) [][][]float64 {
		c := make([][][]float64, m)
		for i := range c {
			c[i] = make([][]float64, n)
			for p := range c[i] {
				c[i][p] = data[(i*n+p)*d : (i*n+p+1)*d]
			}
		}
		return c
	}
	sc, rc := toClouds(sData, m), toClouds(rData, mr)
	cd, err := metrics.Evaluate(sc, rc, metrics.DistCD)
	if err != nil {
		t.Fatal(err)
	}
	emd, err := metrics.Evaluate(sc, rc, metrics.DistEMD)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]metrics.Result{
		"mmd-cd": cd[0], "cov-cd": cd[1], "1nna-cd": cd[2],
		"mmd-emd": emd[0], "cov-emd": emd[1], "1nna-emd": emd[2],
	}
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			out, errOut, code := runEvalCommand(t, "--samples", s, "--reference", r, "--metric", name, "--json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var res metrics.Result
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatal(err)
			}
			if res != w {
				t.Errorf("eval --metric %s = %+v, want %+v", name, res, w)
			}
		})
	}
	t.Run("all with different m", func(t *testing.T) {
		_, errOut, code := runEvalCommand(t, "--samples", s, "--reference", r, "--metric", "all")
		if code != 1 || !strings.Contains(errOut, "w2 needs as many samples") {
			t.Errorf("exit %d, stderr %q; want exit 1 naming w2's equal m", code, errOut)
		}
	})
	t.Run("all", func(t *testing.T) {
		r2 := writeEvalNpy(t, dir, "r2.npy", []int{m, n, d}, evalRandom(rng, m*n*d, 0.5))
		out, errOut, code := runEvalCommand(t, "--samples", s, "--reference", r2, "--metric", "all", "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var res []metrics.Result
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("output is not a JSON array: %v", err)
		}
		var names []string
		for _, x := range res {
			names = append(names, x.Metric)
		}
		if got := strings.Join(names, ","); got != "W2,MMD-CD,COV-CD,1-NNA-CD,MMD-EMD,COV-EMD,1-NNA-EMD" {
			t.Errorf("all gives %s", got)
		}
	})
}

func TestEval_Errors(t *testing.T) {
	dir := t.TempDir()
	good := writeEvalNpy(t, dir, "good.npy", []int{2, 3, 2}, make([]float64, 12))
	three := writeEvalNpy(t, dir, "three.npy", []int{3, 3, 2}, make([]float64, 18))
	otherShape := writeEvalNpy(t, dir, "other.npy", []int{2, 2, 3}, make([]float64, 12))
	flat := writeEvalNpy(t, dir, "flat.npy", []int{2, 6}, make([]float64, 12))
	vector := writeEvalNpy(t, dir, "vector.npy", []int{12}, make([]float64, 12))
	empty := writeEvalNpy(t, dir, "empty.npy", []int{0, 3, 2}, nil)
	nanData := make([]float64, 12)
	nanData[7] = math.NaN()
	nan := writeEvalNpy(t, dir, "nan.npy", []int{2, 3, 2}, nanData)
	garbage := filepath.Join(dir, "garbage.npy")
	if err := os.WriteFile(garbage, []byte("not an npy file"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.npy")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantMsg  string
	}{
		{"missing --samples", []string{"--reference", good}, 2, "--samples"},
		{"missing --reference", []string{"--samples", good}, 2, "--reference"},
		{"unknown metric", []string{"--samples", good, "--reference", good, "--metric", "fid"}, 2, "fid"},
		{"normalize zero", []string{"--samples", good, "--reference", good, "--normalize", "0"}, 2, "--normalize"},
		{"normalize negative", []string{"--samples", good, "--reference", good, "--normalize", "-3"}, 2, "--normalize"},
		{"normalize not a number", []string{"--samples", good, "--reference", good, "--normalize", "x"}, 2, "normalize"},
		{"normalize with a set metric", []string{"--samples", good, "--reference", good, "--metric", "mmd-cd", "--normalize", "4"}, 2, "w2 only"},
		{"stray argument", []string{"--samples", good, "--reference", good, "extra"}, 2, "extra"},
		{"missing file", []string{"--samples", missing, "--reference", good}, 1, "missing.npy"},
		{"not an npy file", []string{"--samples", good, "--reference", garbage}, 1, "garbage.npy"},
		{"NaN", []string{"--samples", nan, "--reference", good}, 1, "nan.npy"},
		{"mismatched m for w2", []string{"--samples", good, "--reference", three}, 1, "as many samples"},
		{"mismatched sample shapes", []string{"--samples", good, "--reference", otherShape}, 1, "same shape"},
		{"1-D array", []string{"--samples", vector, "--reference", vector}, 1, "vector.npy"},
		{"no samples", []string{"--samples", empty, "--reference", empty}, 1, "empty.npy"},
		{"set metric on flat samples", []string{"--samples", flat, "--reference", flat, "--metric", "cov-emd"}, 1, "(m, n, d)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runEvalCommand(t, tc.args...)
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.wantCode, errOut)
			}
			if !strings.Contains(errOut, tc.wantMsg) {
				t.Errorf("stderr %q does not name %q", errOut, tc.wantMsg)
			}
			if strings.Contains(out, " = ") {
				t.Errorf("a failed run printed a result: %q", out)
			}
		})
	}
}
