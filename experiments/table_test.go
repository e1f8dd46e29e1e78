package experiments

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/experiments/stats"
)

func f(v float64) *float64 { return &v }

// sampleTable is a 2 x 2 table with two metrics and one cell missing.
func sampleTable() *Table {
	return &Table{
		Name:     "table9",
		Title:    "Table 9: a test",
		Notes:    []string{"A note."},
		RowTitle: "task",
		Rows:     []Header{{"a", "task a"}, {"b", "task b"}},
		Columns:  []Header{{"x", "method x"}, {"y", "method | y"}},
		Metrics:  []Metric{{Key: "w2", Title: "W2"}, {Key: "rmse", Title: "RMSE", Digits: 2}},
		Cells: []Cell{
			{Row: "a", Column: "x", Values: map[string]float64{"w2": 0.81234, "rmse": 0.5}, Paper: f(0.812), Seconds: 3.25},
			{Row: "a", Column: "y", Values: map[string]float64{"w2": 1.5}, Paper: f(2.03)},
			{Row: "b", Column: "x", Values: map[string]float64{"w2": 2, "rmse": 1.25}, Cached: true},
		},
		Meta: Meta{Experiment: "test", Preset: Small, Seeds: []Seed{{"base", 1}, {"data", 1001}}, Data: "toy",
			WallSeconds: 125, ComputeSeconds: 3700, Commit: "abc+dirty", Created: "2025-01-01T00:00:00Z", GoVersion: "go1.26", CPUs: 2},
	}
}

func TestTable_Validate(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*Table)
	}{
		{"no name", func(t *Table) { t.Name = "" }},
		{"no metrics", func(t *Table) { t.Metrics = nil }},
		{"repeated row", func(t *Table) { t.Rows = append(t.Rows, Header{"a", "again"}) }},
		{"cell outside rows", func(t *Table) { t.Cells = append(t.Cells, Cell{Row: "c", Column: "x"}) }},
		{"duplicate cell", func(t *Table) { t.Cells = append(t.Cells, Cell{Row: "a", Column: "x"}) }},
		{"undeclared metric", func(t *Table) { t.Cells[0].Values["mmd"] = 1 }},
		{"NaN value", func(t *Table) { t.Cells[0].Values["w2"] = math.NaN() }},
		{"infinite paper", func(t *Table) { t.Cells[0].Paper = f(math.Inf(1)) }},
		{"summary off its value", func(t *Table) {
			t.Cells[0].Summaries = map[string]stats.Summary{"w2": stats.Summarize([]float64{1, 2})}
		}},
		{"comparison of a missing cell", func(t *Table) { t.Comparisons = []stats.Comparison{{A: "a/x", B: "b/y", Metric: "w2"}} }},
	}
	if err := sampleTable().Validate(); err != nil {
		t.Fatalf("valid table: %v", err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tab := sampleTable()
			tc.modify(tab)
			if err := tab.Validate(); !errors.Is(err, ErrTable) {
				t.Fatalf("Validate error %v, want ErrTable", err)
			}
		})
	}
}

func TestTable_SetAndMissing(t *testing.T) {
	tab := sampleTable()
	if got := tab.Missing(); len(got) != 1 || got[0] != "b/y" {
		t.Fatalf("Missing() = %v, want [b/y]", got)
	}
	tab.Set(Cell{Row: "b", Column: "y", Values: map[string]float64{"w2": 3}})
	tab.Set(Cell{Row: "a", Column: "x", Values: map[string]float64{"w2": 9}})
	if len(tab.Cells) != 4 || tab.Cell("a", "x").Values["w2"] != 9 || len(tab.Missing()) != 0 {
		t.Fatalf("after Set: %d cells, a/x = %v, missing %v", len(tab.Cells), tab.Cell("a", "x").Values, tab.Missing())
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b, sampleTable()); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"# Table 9: a test",
		"| preset | small |",
		"| seeds | base=1; data=1001 |",
		"| wall time | 1 h 01 min of computation in the cells and networks shown (cached ones included); the run that wrote this file took 2 min 05 s |",
		"| commit | `abc+dirty` (the run that wrote this file) |",
		"A note.",
		"Each cell: ours (paper).",
		"| task | method x | method \\| y | computed at |",
		"| task a | 0.812 (0.812) | 1.500 (2.03) | — |",
		"| task b | 2.000 | — |",
		"## RMSE",
		"| task a | 0.50 | — |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "not results") {
		t.Errorf("a small-preset table carries the smoke warning")
	}
	tab := sampleTable()
	tab.Meta.Preset = Smoke
	b.Reset()
	if err := WriteMarkdown(&b, tab); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "they are not results") {
		t.Errorf("a smoke table lacks the warning:\n%s", b.String())
	}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, sampleTable()); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// header + 2 rows x 2 columns x 2 metrics
	if len(recs) != 1+8 {
		t.Fatalf("%d csv records, want 9", len(recs))
	}
	if strings.Join(recs[0], ",") != strings.Join(CSVHeader, ",") {
		t.Fatalf("header %v", recs[0])
	}
	want := []string{"table9", "a", "x", "w2", "0.81234", "0.812", "", "", "", "", "", "", "small", "base=1; data=1001", "abc+dirty", "3.2", "false"}
	if strings.Join(recs[1], ",") != strings.Join(want, ",") {
		t.Errorf("first line %v, want %v", recs[1], want)
	}
	// The paper's number only on the primary metric; missing values empty.
	if recs[2][3] != "rmse" || recs[2][5] != "" {
		t.Errorf("second line %v: want metric rmse without a paper value", recs[2])
	}
	if last := recs[8]; last[1] != "b" || last[2] != "y" || last[4] != "" {
		t.Errorf("last line %v: want b/y with an empty value", last)
	}
}

func TestWriteTable_FilesAndJSONRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	paths, err := WriteTable(dir, sampleTable())
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 3 {
		t.Fatalf("paths %v", paths)
	}
	b, err := os.ReadFile(filepath.Join(dir, "table9.json"))
	if err != nil {
		t.Fatal(err)
	}
	var back Table
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Cell("a", "x").Values["w2"] != 0.81234 || *back.Cell("a", "y").Paper != 2.03 || back.Meta.Commit != "abc+dirty" {
		t.Errorf("JSON round trip lost values: %+v", back.Cells)
	}
	bad := sampleTable()
	bad.Cells[0].Values["w2"] = math.NaN()
	if _, err := WriteTable(dir, bad); !errors.Is(err, ErrTable) {
		t.Errorf("WriteTable of an invalid table: %v, want ErrTable", err)
	}
}

func TestFormatSeconds(t *testing.T) {
	cases := []struct {
		s    float64
		want string
	}{{0.04, "0.0 s"}, {12.34, "12.3 s"}, {65, "1 min 05 s"}, {3725, "1 h 02 min"}}
	for _, tc := range cases {
		if got := FormatSeconds(tc.s); got != tc.want {
			t.Errorf("FormatSeconds(%v) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

// TestWriteTable_SeedsIntervalsCommits writes a table whose cells hold several seeds and come
// from two code states, with a comparison: the markdown shows mean ± half-width (n), the
// mixed states in its header and per row, and the comparison with its verdict; the csv has
// the interval, the per-seed values and each cell's own commit.
func TestWriteTable_SeedsIntervalsCommits(t *testing.T) {
	tab := sampleTable()
	s := stats.Summarize([]float64{0.8, 0.82, 0.84})
	tab.Cells[0].Values["w2"], tab.Cells[0].Summaries = s.Mean, map[string]stats.Summary{"w2": s}
	tab.Cells[0].Bootstrap = map[string][2]float64{"w2": {0.79, 0.85}}
	tab.Cells[0].Commit = "1111111111111111"
	tab.Cells[1].Commit = "2222222222222222+dirty"
	c, err := stats.Paired([]float64{0.8, 0.82, 0.84}, []float64{1.4, 1.5, 1.6}, nil, nil, 200, 1)
	if err != nil {
		t.Fatal(err)
	}
	c.A, c.B, c.Metric = "a/x", "a/y", "w2"
	c.Judge(f(0.812), f(2.03))
	tab.Comparisons = []stats.Comparison{c}
	dir := t.TempDir()
	if _, err := WriteTable(dir, tab); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "table9.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| task a | 0.820 ± 0.050 (n = 3) (0.812) | 1.500 (2.03) | `111111111111` `222222222222+dirty` |",
		"**the cells come from 2 code states**",
		"| a/x | a/y | w2 | -0.6800 |",
		"| reproduced |",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	f, err := os.Open(filepath.Join(dir, "table9.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	first := strings.Join(recs[1], ",")
	if !strings.Contains(first, ",3,0.8;0.82;0.84,0.79,0.85,") || !strings.Contains(first, ",1111111111111111,") {
		t.Errorf("first csv line %s: want n = 3, the seeds' values, the bootstrap interval and the cell's commit", first)
	}
}

// TestWriteTable_KeepsComputedCells checks that a table without computed cells (a --report
// run of code whose cells are cached under another fingerprint) does not replace a table that
// shows computed cells: nothing is written, the error wraps ErrKept and names the commit that
// computed them; a table with a computed cell replaces it, and an empty table replaces an
// empty one.
func TestWriteTable_KeepsComputedCells(t *testing.T) {
	dir := t.TempDir()
	old := sampleTable()
	old.Cells[0].Commit, old.Cells[0].Fingerprint = "296c889", "694f04af185bc34d98c7"
	if _, err := WriteTable(dir, old); err != nil {
		t.Fatal(err)
	}
	before := map[string][]byte{}
	for _, ext := range []string{".md", ".csv", ".json"} {
		b, err := os.ReadFile(filepath.Join(dir, "table9"+ext))
		if err != nil {
			t.Fatal(err)
		}
		before[ext] = b
	}
	empty := sampleTable()
	empty.Meta.Commit = "cf425a3"
	for i := range empty.Cells {
		empty.Cells[i].Values = nil
	}
	_, err := WriteTable(dir, empty)
	if !errors.Is(err, ErrKept) {
		t.Fatalf("empty table over computed cells: err = %v, want ErrKept", err)
	}
	for _, want := range []string{"296c889 (fingerprint 694f04af185b)", "abc+dirty", "3 computed cells", "cf425a3", "--report"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	for ext, b := range before {
		got, err := os.ReadFile(filepath.Join(dir, "table9"+ext))
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("table9%s changed by a kept write (err %v)", ext, err)
		}
	}
	one := sampleTable()
	one.Cells = one.Cells[:1]
	if _, err := WriteTable(dir, one); err != nil {
		t.Fatalf("table with a computed cell: %v", err)
	}
	for i := range empty.Cells {
		empty.Cells[i].Values = nil
	}
	empty.Cells = nil
	if _, err := WriteTable(dir, empty); !errors.Is(err, ErrKept) {
		t.Fatalf("empty table over one computed cell: err = %v, want ErrKept", err)
	}
	if _, err := WriteTable(t.TempDir(), empty); err != nil {
		t.Fatalf("empty table into an empty folder: %v", err)
	}
}

// TestEnvWriteTable_Kept checks Env.WriteTable on a table that WriteTable keeps: a computing
// run logs the reason and goes on, a --report run fails with it.
func TestEnvWriteTable_Kept(t *testing.T) {
	dir := t.TempDir()
	if _, err := WriteTable(dir, sampleTable()); err != nil {
		t.Fatal(err)
	}
	empty := sampleTable()
	empty.Cells = nil
	var log bytes.Buffer
	if err := (Env{Log: &log}).WriteTable(dir, empty); err != nil || !strings.Contains(log.String(), "kept") {
		t.Errorf("computing run: err %v, log %q; want nil and the reason logged", err, log.String())
	}
	if err := (Env{Report: true}).WriteTable(dir, empty); !errors.Is(err, ErrKept) {
		t.Errorf("report run: err %v, want ErrKept", err)
	}
	log.Reset()
	if err := (Env{Log: &log}).WriteTable(dir, sampleTable()); err != nil || !strings.Contains(log.String(), "table9 written to") {
		t.Errorf("computed table: err %v, log %q", err, log.String())
	}
}
