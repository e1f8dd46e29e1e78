package experiments

import (
	"fmt"
	"math"
	"strings"

	"github.com/ncgn/ncgn/experiments/stats"
)

// Table is a results table declared as data: rows and columns (e.g. tasks × methods), one or
// more metrics per cell, and for the first (primary) metric the paper's number beside ours.
// Its Meta says how the numbers were made. WriteTable writes it as markdown, csv and json.
type Table struct {
	Name     string   `json:"name"`      // file stem, e.g. "table3"
	Title    string   `json:"title"`     // e.g. "Table 3: W2 on spatiotemporal transcriptomics"
	Notes    []string `json:"notes"`     // paragraphs printed under the title: what a cell holds, deviations
	RowTitle string   `json:"row_title"` // header of the first column, e.g. "task"
	Rows     []Header `json:"rows"`
	Columns  []Header `json:"columns"`
	// Metrics[0] is the primary metric, the one the paper reports; the others are ours only.
	Metrics []Metric `json:"metrics"`
	Cells   []Cell   `json:"cells"`
	// Comparisons are the pairs of cells the table compares (the paper's claims among them),
	// each with its interval and whether it resolves an order.
	Comparisons []stats.Comparison `json:"comparisons,omitempty"`
	Meta        Meta               `json:"meta"`
}

// Header names a row or a column: Key is stable (files, cell names), Title is for people.
type Header struct {
	Key   string `json:"key"`
	Title string `json:"title"`
}

// Metric is one number computed per cell.
type Metric struct {
	Key         string `json:"key"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Digits      int    `json:"digits"` // decimals printed in markdown (default 3)
}

// Cell holds the numbers of one (row, column) pair. A metric absent from Values was not
// computed (e.g. a cell outside --only that is not cached yet).
type Cell struct {
	Row    string             `json:"row"`
	Column string             `json:"column"`
	Values map[string]float64 `json:"values"`
	// Paper is the paper's number for the primary metric; nil where the paper has none.
	Paper *float64 `json:"paper,omitempty"`
	// Seconds is the wall time spent computing the cell (its share of shared work, such as
	// training the model it uses, is not included); Cached says it was reused from the cache.
	Seconds float64 `json:"seconds"`
	Cached  bool    `json:"cached"`
	Name    string  `json:"name,omitempty"` // the cell's name for --only
	// Summaries hold, for metrics measured once per training seed, every seed's value, their
	// mean (which is also the metric's entry in Values) and its interval.
	Summaries map[string]stats.Summary `json:"summaries,omitempty"`
	// Bootstrap holds, per metric, the interval over resamples of the test samples (the
	// percentile interval of the seeds' mean under resampling).
	Bootstrap map[string][2]float64 `json:"bootstrap,omitempty"`
	// Commit is the code state that computed the cell (CodeState.Commit), Fingerprint its
	// source fingerprint; a cell of several seeds computed at different states names them all.
	Commit      string `json:"commit,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

// Meta records how a table was made (DESIGN.md: preset, seeds, data source, wall time and
// commit, beside the paper's number).
type Meta struct {
	Experiment string `json:"experiment"`
	Preset     Scale  `json:"preset"`
	// Seeds are the seeds of the run: the base seed first, then those derived from it.
	Seeds []Seed `json:"seeds"`
	Data  string `json:"data"` // what the data are and their sizes
	// Settings are the preset's sizes and hyper-parameters, as JSON-serialisable data.
	Settings any `json:"settings,omitempty"`
	// WallSeconds is the wall time of the run that wrote the table; ComputeSeconds the total
	// wall time of every cell and model it shows, including those computed by earlier runs
	// and reused from the cache.
	WallSeconds    float64 `json:"wall_seconds"`
	ComputeSeconds float64 `json:"compute_seconds"`
	// Commit is the repository state of the run that wrote the table; CodeStates the distinct
	// states (commits) that computed its cells, set by WriteTable: more than one means the
	// table mixes code states, and its header says so.
	Commit     string   `json:"commit"`
	CodeStates []string `json:"code_states,omitempty"`
	Created    string   `json:"created"` // RFC 3339
	GoVersion  string   `json:"go_version"`
	CPUs       int      `json:"cpus"` // runtime.GOMAXPROCS(0)
}

// Seed is one named seed of a run.
type Seed struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
}

// Set stores the cell (row, column), replacing an existing one.
func (t *Table) Set(c Cell) {
	for i := range t.Cells {
		if t.Cells[i].Row == c.Row && t.Cells[i].Column == c.Column {
			t.Cells[i] = c
			return
		}
	}
	t.Cells = append(t.Cells, c)
}

// Cell returns the cell (row, column), or nil.
func (t *Table) Cell(row, column string) *Cell {
	for i := range t.Cells {
		if t.Cells[i].Row == row && t.Cells[i].Column == column {
			return &t.Cells[i]
		}
	}
	return nil
}

// Missing returns "row/column" for every declared (row, column) pair that has no value of the
// primary metric.
func (t *Table) Missing() []string {
	var out []string
	for _, r := range t.Rows {
		for _, c := range t.Columns {
			cell := t.Cell(r.Key, c.Key)
			if cell == nil {
				out = append(out, r.Key+"/"+c.Key)
				continue
			}
			if _, ok := cell.Values[t.Metrics[0].Key]; !ok {
				out = append(out, r.Key+"/"+c.Key)
			}
		}
	}
	return out
}

// Validate returns an error wrapping ErrTable naming what is inconsistent: a missing name or
// metric, duplicate keys, a cell outside the declared rows, columns or metrics, a duplicate
// cell, or a value that is NaN or infinite.
func (t *Table) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("experiments: table %q: %s: %w", t.Name, fmt.Sprintf(format, a...), ErrTable)
	}
	if t.Name == "" {
		return bad("no name")
	}
	if len(t.Metrics) == 0 {
		return bad("no metrics")
	}
	rows, cols, mets := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, set := range []struct {
		what string
		keys []string
		into map[string]bool
	}{
		{"row", headerKeys(t.Rows), rows},
		{"column", headerKeys(t.Columns), cols},
		{"metric", metricKeys(t.Metrics), mets},
	} {
		for _, k := range set.keys {
			if k == "" || set.into[k] {
				return bad("%s key %q empty or repeated", set.what, k)
			}
			set.into[k] = true
		}
	}
	seen := map[[2]string]bool{}
	for _, c := range t.Cells {
		if !rows[c.Row] || !cols[c.Column] {
			return bad("cell (%q, %q) outside the declared rows and columns", c.Row, c.Column)
		}
		if seen[[2]string{c.Row, c.Column}] {
			return bad("cell (%q, %q) twice", c.Row, c.Column)
		}
		seen[[2]string{c.Row, c.Column}] = true
		for k, v := range c.Values {
			if !mets[k] {
				return bad("cell (%q, %q) has undeclared metric %q", c.Row, c.Column, k)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return bad("cell (%q, %q) metric %q is %v", c.Row, c.Column, k, v)
			}
		}
		if c.Paper != nil && (math.IsNaN(*c.Paper) || math.IsInf(*c.Paper, 0)) {
			return bad("cell (%q, %q) paper value is %v", c.Row, c.Column, *c.Paper)
		}
		for k, sm := range c.Summaries {
			if !mets[k] || sm.N != len(sm.Values) || sm.N == 0 {
				return bad("cell (%q, %q) summary of %q: metric undeclared or %d values for n = %d", c.Row, c.Column, k, len(sm.Values), sm.N)
			}
			if v, ok := c.Values[k]; !ok || v != sm.Mean {
				return bad("cell (%q, %q) summary of %q: mean %v, value %v", c.Row, c.Column, k, sm.Mean, c.Values[k])
			}
		}
	}
	for _, cp := range t.Comparisons {
		for _, name := range []string{cp.A, cp.B} {
			row, col, ok := strings.Cut(name, "/")
			if !ok || t.Cell(row, col) == nil {
				return bad("comparison of %q and %q: no cell %q", cp.A, cp.B, name)
			}
		}
		if !mets[cp.Metric] {
			return bad("comparison of %q and %q: undeclared metric %q", cp.A, cp.B, cp.Metric)
		}
	}
	return nil
}

// codeStates returns the distinct commits of t's cells, in order of first appearance.
func (t *Table) codeStates() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range t.Cells {
		for _, cm := range strings.Split(c.Commit, ",") {
			if cm != "" && !seen[cm] {
				seen[cm] = true
				out = append(out, cm)
			}
		}
	}
	return out
}

func headerKeys(hs []Header) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.Key
	}
	return out
}

func metricKeys(ms []Metric) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Key
	}
	return out
}
