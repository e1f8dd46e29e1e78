package main

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// fitTol is the tolerance of fitted exponents on exact power laws (rounding only).
const fitTol = 1e-12

func TestFitPowerLaw(t *testing.T) {
	cases := []struct {
		name    string
		n, y    []float64
		p, c    float64
		wantErr bool
	}{
		{name: "linear", n: []float64{400, 1600, 6400, 25600}, y: []float64{4, 16, 64, 256}, p: 1, c: 0.01},
		{name: "quadratic", n: []float64{50, 100, 200}, y: []float64{7.5, 30, 120}, p: 2, c: 0.003},
		{name: "flat", n: []float64{1, 10}, y: []float64{5, 5}, p: 0, c: 5},
		{name: "one point", n: []float64{400}, y: []float64{1}, wantErr: true},
		{name: "same size", n: []float64{400, 400}, y: []float64{1, 2}, wantErr: true},
		{name: "zero time", n: []float64{400, 800}, y: []float64{0, 2}, wantErr: true},
		{name: "NaN", n: []float64{400, 800}, y: []float64{math.NaN(), 2}, wantErr: true},
		{name: "lengths", n: []float64{400, 800}, y: []float64{1}, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pl, err := fitPowerLaw(tc.n, tc.y)
			if tc.wantErr {
				if !errors.Is(err, errFit) {
					t.Fatalf("err = %v, want errFit", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(pl.Exponent-tc.p) > fitTol || math.Abs(pl.Coef-tc.c) > fitTol*tc.c*1e3 || math.Abs(pl.R2-1) > fitTol {
				t.Errorf("fit = %+v, want p = %v, c = %v, R² = 1", pl, tc.p, tc.c)
			}
		})
	}
}

// TestFitPowerLaw_Noisy checks the least-squares exponent on points off a power law, against
// the value computed by hand: u = log(1, 2, 4), v = log(1, 3, 8) -> p = Σ du dv / Σ du².
func TestFitPowerLaw_Noisy(t *testing.T) {
	n, y := []float64{1, 2, 4}, []float64{1, 3, 8}
	l2 := math.Log(2)
	du := []float64{-l2, 0, l2}
	mv := (math.Log(1) + math.Log(3) + math.Log(8)) / 3
	want := (du[0]*(math.Log(1)-mv) + du[2]*(math.Log(8)-mv)) / (2 * l2 * l2)
	pl, err := fitPowerLaw(n, y)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(pl.Exponent-want) > fitTol || !(pl.R2 < 1 && pl.R2 > 0.9) {
		t.Errorf("fit = %+v, want p = %v and 0.9 < R² < 1", pl, want)
	}
}

func TestParseBenchLine(t *testing.T) {
	cases := []struct {
		name, line   string
		ok           bool
		full, family string
		size         int
		metrics      map[string]float64
	}{
		{name: "scaling", line: "BenchmarkScaling/dmp-gat/N=1600-2   \t       3\t1234567 ns/op\t  12.5 ms/cloud\t  512 B/op\t 7 allocs/op",
			ok: true, full: "BenchmarkScaling/dmp-gat/N=1600", family: "BenchmarkScaling/dmp-gat", size: 1600,
			metrics: map[string]float64{"ns/op": 1234567, "ms/cloud": 12.5, "B/op": 512, "allocs/op": 7}},
		{name: "no size", line: "BenchmarkTrainStep/modelnet-dmp-gat-2  1  2.5e+09 ns/op", ok: true,
			full: "BenchmarkTrainStep/modelnet-dmp-gat", family: "BenchmarkTrainStep/modelnet-dmp-gat", metrics: map[string]float64{"ns/op": 2.5e9}},
		{name: "trailing name", line: "BenchmarkX/N=400/gat 2 10 ns/op", ok: true,
			full: "BenchmarkX/N=400/gat", family: "BenchmarkX/gat", size: 400, metrics: map[string]float64{"ns/op": 10}},
		{name: "header", line: "goos: linux"},
		{name: "pass", line: "PASS"},
		{name: "log", line: "BenchmarkX/N=400 some log text here"},
		{name: "odd fields", line: "BenchmarkX/N=400 2 10 ns/op 5"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, ok := parseBenchLine(tc.line)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if l.Name != tc.full || l.Family != tc.family || l.Size != tc.size {
				t.Errorf("got %q %q %d, want %q %q %d", l.Name, l.Family, l.Size, tc.full, tc.family, tc.size)
			}
			for k, v := range tc.metrics {
				if l.Metrics[k] != v {
					t.Errorf("metric %s = %v, want %v", k, l.Metrics[k], v)
				}
			}
		})
	}
}

func TestReport(t *testing.T) {
	in := strings.Join([]string{
		"goos: linux",
		"BenchmarkScaling/dmp-gat/N=400-2 1 100 ns/op 2 ms/cloud",
		"BenchmarkScaling/dmp-gat/N=1600-2 1 100 ns/op 8 ms/cloud",
		"BenchmarkScaling/dmp-gat/N=1600-2 1 100 ns/op 9 ms/cloud",
		"BenchmarkScaling/dmp-gat/N=1600-2 1 100 ns/op 7 ms/cloud",
		"BenchmarkScaling/full-gat/N=50-2 1 100 ns/op 1 ms/cloud",
		"BenchmarkScaling/full-gat/N=100-2 1 100 ns/op 4 ms/cloud",
		"BenchmarkScaling/lonely/N=100-2 1 100 ns/op 4 ms/cloud",
		"PASS",
	}, "\n")
	var out strings.Builder
	n, err := report(&out, strings.NewReader(in), "ms/cloud")
	if err != nil || n != 2 {
		t.Fatalf("report = %d, %v; want 2 families", n, err)
	}
	for _, want := range []string{"EXPONENT dmp-gat p=1.000", "EXPONENT full-gat p=2.000", "local p=1.00  (median of 3 results)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "lonely") {
		t.Errorf("a family with one size was fitted:\n%s", out.String())
	}
}
