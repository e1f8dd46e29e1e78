package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/experiments"
)

func TestExperiment_HelpListsExperiments(t *testing.T) {
	out, code := runApp("experiment", "--help")
	if code != 0 || !strings.Contains(out, "transcriptomics") || !strings.Contains(out, "Table 3") {
		t.Fatalf("experiment --help: exit %d, output:\n%s", code, out)
	}
	out, code = runApp("--help")
	if code != 0 || !strings.Contains(out, "experiment") {
		t.Fatalf("--help does not list experiment:\n%s", out)
	}
}

func TestExperiment_BadInput(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown experiment", []string{"experiment", "nosuch"}, 2, "unknown command"},
		{"unknown scale", []string{"experiment", "transcriptomics", "--scale", "huge"}, 2, "--scale"},
		{"stray argument", []string{"experiment", "transcriptomics", "extra"}, 2, "unexpected argument"},
		{"unknown flag", []string{"experiment", "transcriptomics", "--nosuch"}, 2, "USAGE"},
		{"pattern selects nothing", []string{"experiment", "transcriptomics", "--scale", "smoke", "--only", "table4", "--out", dir}, 2, "table4"},
		{"unwritable out", []string{"experiment", "transcriptomics", "--scale", "smoke", "--out", blocker}, 1, "--out"},
		{"no seeds", []string{"experiment", "transcriptomics", "--scale", "smoke", "--seeds", "0", "--out", dir}, 2, "--seeds 0"},
		{"modelnet40 bad selection", []string{"experiment", "modelnet40", "--scale", "smoke", "--selection", "odd", "--out", dir}, 2, "--selection \"odd\""},
		{"modelnet40 missing data", []string{"experiment", "modelnet40", "--scale", "smoke", "--data", filepath.Join(dir, "none"), "--out", dir}, 1, "ModelNet40 data missing"},
		{"modelnet40 no data flag on transcriptomics", []string{"experiment", "transcriptomics", "--data", dir}, 2, "USAGE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, code := runApp(tc.args...)
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Fatalf("%v: exit %d (want %d), output lacks %q:\n%s", tc.args, code, tc.code, tc.want, out)
			}
		})
	}
}

func TestExperiment_ListCellsModelNet40(t *testing.T) {
	out, code := runApp("experiment", "modelnet40", "--scale", "smoke", "--list-cells")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, c := range []string{"table1/random", "table1/gcn-long-short", "table1/gat-dmp", "table2/gat-dmp-relu", "table2/gat-dmp-exp-reference-orientation"} {
		if !strings.Contains(out, c+"\n") && !strings.Contains(out, c+"\tneeds models/") {
			t.Errorf("--list-cells lacks %s:\n%s", c, out)
		}
	}
}

func TestExperiment_ListCells(t *testing.T) {
	out, code := runApp("experiment", "transcriptomics", "--scale", "smoke", "--list-cells")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, c := range []string{"table3/floor", "table3/unconditional/random", "table3/knockout/dmp-gat", "figure11/dmp/L2"} {
		if !strings.Contains(out, c+"\n") && !strings.Contains(out, c+"\tneeds models/") {
			t.Errorf("--list-cells lacks %s:\n%s", c, out)
		}
	}
}

// TestExperiment_SmokeOnly runs one cell of the smoke preset through the command line (the
// whole smoke preset runs in the experiments/transcriptomics tests).
func TestExperiment_SmokeOnly(t *testing.T) {
	out := t.TempDir()
	stdout, stderr, code := runCLI("experiment", "transcriptomics", "--scale", "smoke", "--out", out, "--only", "table3/unconditional/random", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "written to") || stderr != "" {
		t.Errorf("stdout %q, stderr %q (--quiet)", stdout, stderr)
	}
	for _, f := range []string{"table3.md", "table3.csv", "table3.json", "figure11.csv"} {
		if _, err := os.Stat(filepath.Join(out, "transcriptomics", f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	md, _ := os.ReadFile(filepath.Join(out, "transcriptomics", "table3.md"))
	if !strings.Contains(string(md), "| unconditional generation | 2.") {
		t.Errorf("table3.md lacks the random baseline's unconditional W2:\n%s", md)
	}
	// A non-default option writes into its own sub-folder, and the last line names it.
	stdout, stderr, code = runCLI("experiment", "transcriptomics", "--scale", "smoke", "--out", out, "--only", "table3/unconditional/random", "--quiet", "--sampler", "midpoint")
	if code != 0 {
		t.Fatalf("--sampler midpoint: exit %d: %s", code, stderr)
	}
	sub := filepath.Join(out, "transcriptomics", "sampler-midpoint")
	if _, err := os.Stat(filepath.Join(sub, "table3.md")); err != nil || !strings.Contains(stdout, "written to "+sub+"\n") {
		t.Errorf("--sampler midpoint: %v; stdout %q", err, stdout)
	}
}

func TestDefaultOut(t *testing.T) {
	base := filepath.Join("experiments", "out")
	cases := []struct {
		out   string
		set   bool
		scale experiments.Scale
		want  string
	}{
		{base, false, experiments.Small, base},
		{base, false, experiments.Smoke, filepath.Join(base, "smoke")},
		{base, false, experiments.Paper, filepath.Join(base, "paper")},
		{"/tmp/x", true, experiments.Smoke, "/tmp/x"},
		{"/tmp/x", true, experiments.Small, "/tmp/x"},
	}
	for _, c := range cases {
		if got := defaultOut(c.out, c.set, c.scale); got != c.want {
			t.Errorf("defaultOut(%q, %v, %s) = %q, want %q", c.out, c.set, c.scale, got, c.want)
		}
	}
}
