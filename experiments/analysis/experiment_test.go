package analysis

import (
	"context"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/experiments"
)

// sharedZip is GeometricShapes' archive as seen from this package's folder.
var sharedZip = filepath.Join("..", "..", "..", "shared", "data", "geometric-shapes", "raw.zip")

func needData(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(sharedZip); err != nil {
		t.Skipf("GeometricShapes not found at %s (../shared/data beside the checkout): %v", sharedZip, err)
	}
	t.Setenv(EnvZip, sharedZip)
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// TestRun_Smoke runs the smoke preset end to end into a temporary folder and checks every
// output file, the provenance columns, Figure 2's numbers, and that a second run reuses the
// cached computations.
func TestRun_Smoke(t *testing.T) {
	needData(t)
	out := filepath.Join(t.TempDir(), Name)
	var log strings.Builder
	env := experiments.Env{Scale: experiments.Smoke, OutDir: out, Seed: 1, Commit: "test", Log: &log}
	if err := Run(context.Background(), env); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	for _, fig := range cellNames {
		for _, ext := range []string{".png", ".csv", ".md"} {
			if st, err := os.Stat(filepath.Join(out, fig+ext)); err != nil || st.Size() == 0 {
				t.Errorf("output %s%s: %v", fig, ext, err)
			}
		}
		md, _ := os.ReadFile(filepath.Join(out, fig+".md"))
		for _, want := range []string{"The paper's claim", "What ours shows", "Verdict", "preset: smoke", "commit: test"} {
			if !strings.Contains(string(md), want) {
				t.Errorf("%s.md lacks %q", fig, want)
			}
		}
		recs := readCSV(t, filepath.Join(out, fig+".csv"))
		h := recs[0]
		if len(recs) < 2 || h[len(h)-6] != "preset" || h[len(h)-1] != "code" || recs[1][len(h)-6] != "smoke" || recs[1][len(h)-2] != "test" {
			t.Errorf("%s.csv: header %v, first row %v: want the provenance columns", fig, h, recs[1])
		}
	}
	// Figure 2: the 11 SNRs of the issue, r* falling.
	recs := readCSV(t, filepath.Join(out, "figure2.csv"))
	if recs[0][0] != "snr" || recs[0][1] != "r_star" {
		t.Fatalf("figure2.csv header %v", recs[0])
	}
	prev := math.Inf(1)
	got := 0
	for _, r := range recs[1:] {
		if r[4] != "paper" {
			continue
		}
		snr, _ := strconv.ParseFloat(r[0], 64)
		rs, _ := strconv.ParseFloat(r[1], 64)
		if snr != PaperSNRs()[got] || !(rs < prev) || !(rs > 0 && rs <= 1) {
			t.Errorf("figure2.csv row %v", r)
		}
		prev = rs
		got++
	}
	if got != len(PaperSNRs()) {
		t.Errorf("figure2.csv has %d paper rows, want %d", got, len(PaperSNRs()))
	}
	// A second run reuses the expensive parts.
	log.Reset()
	if err := Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"gw-curves: reused from the cache", "attention: reused from the cache"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("second run: no %q in\n%s", want, log.String())
		}
	}
}

func TestRun_Errors(t *testing.T) {
	env := experiments.Env{Scale: "huge", OutDir: t.TempDir()}
	if err := Run(context.Background(), env); !errors.Is(err, experiments.ErrConfig) {
		t.Errorf("scale huge: %v, want ErrConfig", err)
	}
	env = experiments.Env{Scale: experiments.Smoke, OutDir: t.TempDir(), Only: []string{"figure99"}}
	if err := Run(context.Background(), env); !errors.Is(err, experiments.ErrConfig) {
		t.Errorf("--only figure99: %v, want ErrConfig", err)
	}
	t.Setenv(EnvZip, filepath.Join(t.TempDir(), "missing.zip"))
	env = experiments.Env{Scale: experiments.Smoke, OutDir: t.TempDir(), Only: []string{"figure4"}}
	if err := Run(context.Background(), env); !errors.Is(err, experiments.ErrConfig) || !strings.Contains(err.Error(), "missing.zip") {
		t.Errorf("missing data: %v, want an ErrConfig naming the archive", err)
	}
}

func TestPresets_Valid(t *testing.T) {
	for _, s := range experiments.Scales() {
		if _, err := PresetFor(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	p := Presets()[experiments.Smoke]
	p.Clusters = []int{p.Points + 1}
	if err := p.Validate(); !errors.Is(err, experiments.ErrConfig) {
		t.Errorf("clusters > points: %v", err)
	}
}

// TestRun_ReportAndShard checks that a report of a folder without figures lists them as
// missing, and that a shard computes only its own figures.
func TestRun_ReportAndShard(t *testing.T) {
	needData(t)
	out := t.TempDir()
	err := Run(context.Background(), experiments.Env{Scale: experiments.Smoke, OutDir: out, Report: true, Only: []string{"figure2", "figure5"}})
	if !errors.Is(err, experiments.ErrIncomplete) || !strings.Contains(err.Error(), "figure2, figure5") {
		t.Fatalf("report of an empty folder: %v", err)
	}
	env := experiments.Env{Scale: experiments.Smoke, OutDir: out, Only: []string{"figure2", "figure5"}, Shard: experiments.Shard{Index: 1, Count: 2}}
	if err := Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "figure2.png")); err == nil {
		t.Error("shard 1/2 computed figure2, shard 0's")
	}
	if _, err := os.Stat(filepath.Join(out, "figure5.png")); err != nil {
		t.Errorf("shard 1/2 did not compute figure5: %v", err)
	}
}
