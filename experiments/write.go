package experiments

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ncgn/ncgn/internal/atomicfile"
)

// WriteTable writes t into dir as NAME.md (for people), NAME.csv (one line per cell and
// metric) and NAME.json (the whole Table), each atomically (temporary file, then rename), and
// returns the paths written. dir is created if missing.
func WriteTable(dir string, t *Table) ([]string, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("experiments: table %q: %w", t.Name, err)
	}
	var paths []string
	for _, f := range []struct {
		ext   string
		write func(io.Writer, *Table) error
	}{{".md", WriteMarkdown}, {".csv", WriteCSV}, {".json", WriteJSON}} {
		p := filepath.Join(dir, t.Name+f.ext)
		if err := atomicfile.Write(p, func(w io.Writer) error { return f.write(w, t) }); err != nil {
			return paths, fmt.Errorf("experiments: writing %s: %w", p, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// WriteJSON writes t as indented JSON.
func WriteJSON(w io.Writer, t *Table) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(t)
}

// CSVHeader is the header line of WriteCSV.
var CSVHeader = []string{"table", "row", "column", "metric", "ours", "paper", "preset", "seeds", "commit", "seconds", "cached"}

// WriteCSV writes one line per declared (row, column) pair and metric, in the order of the
// rows, the columns and the metrics: "ours" is empty where the value was not computed, and
// "paper" is the paper's number (primary metric only). The preset, the seeds and the commit
// are repeated on every line so that a line stands on its own.
func WriteCSV(w io.Writer, t *Table) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	seeds := FormatSeeds(t.Meta.Seeds)
	for _, r := range t.Rows {
		for _, c := range t.Columns {
			cell := t.Cell(r.Key, c.Key)
			for i, m := range t.Metrics {
				ours, paper, secs, cached := "", "", "", ""
				if cell != nil {
					if v, ok := cell.Values[m.Key]; ok {
						ours = strconv.FormatFloat(v, 'g', -1, 64)
					}
					if i == 0 && cell.Paper != nil {
						paper = strconv.FormatFloat(*cell.Paper, 'g', -1, 64)
					}
					secs = strconv.FormatFloat(cell.Seconds, 'f', 1, 64)
					cached = strconv.FormatBool(cell.Cached)
				}
				if err := cw.Write([]string{t.Name, r.Key, c.Key, m.Key, ours, paper, string(t.Meta.Preset), seeds, t.Meta.Commit, secs, cached}); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// FormatSeeds returns the seeds as "name=value" pairs separated by "; ".
func FormatSeeds(seeds []Seed) string {
	parts := make([]string, len(seeds))
	for i, s := range seeds {
		parts[i] = fmt.Sprintf("%s=%d", s.Name, s.Value)
	}
	return strings.Join(parts, "; ")
}

// FormatSeconds returns a duration in seconds as "1 h 02 min", "4 min 05 s" or "12.3 s".
func FormatSeconds(s float64) string {
	d := time.Duration(s * float64(time.Second)).Round(time.Second)
	switch {
	case d >= time.Hour:
		return fmt.Sprintf("%d h %02d min", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%d min %02d s", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%.1f s", s)
}

// WriteMarkdown writes t for people: the title, a warning for the smoke scale, the record
// of how it was made (preset, seeds, data, wall time, commit), the notes, then one table per
// metric; in the primary metric's table each cell reads "ours (paper)".
func WriteMarkdown(w io.Writer, t *Table) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	p("# %s\n\n", t.Title)
	if !t.Meta.Preset.Result() {
		p("**Preset %q: these numbers only show that the pipeline runs; they are not results.**\n\n", t.Meta.Preset)
	}
	m := t.Meta
	p("| | |\n|---|---|\n")
	p("| experiment | %s |\n", m.Experiment)
	p("| preset | %s |\n", m.Preset)
	p("| seeds | %s |\n", FormatSeeds(m.Seeds))
	p("| data | %s |\n", escapeCell(m.Data))
	p("| wall time | %s of computation in the cells and networks shown (cached ones included); the run that wrote this file took %s |\n", FormatSeconds(m.ComputeSeconds), FormatSeconds(m.WallSeconds))
	p("| commit | `%s` |\n", m.Commit)
	p("| created | %s |\n", m.Created)
	p("| machine | %d CPUs, %s |\n\n", m.CPUs, m.GoVersion)
	for _, n := range t.Notes {
		p("%s\n\n", n)
	}
	for i, met := range t.Metrics {
		p("## %s\n\n", met.Title)
		if met.Description != "" {
			p("%s\n\n", met.Description)
		}
		if i == 0 && t.hasPaper() {
			p("Each cell: ours (paper).\n\n")
		}
		p("| %s |", escapeCell(t.RowTitle))
		for _, c := range t.Columns {
			p(" %s |", escapeCell(c.Title))
		}
		p("\n|---|%s\n", strings.Repeat("---|", len(t.Columns)))
		for _, r := range t.Rows {
			p("| %s |", escapeCell(r.Title))
			for _, c := range t.Columns {
				p(" %s |", markdownCell(t.Cell(r.Key, c.Key), met, i == 0))
			}
			p("\n")
		}
		p("\n")
	}
	if m.Settings != nil {
		js, err := json.MarshalIndent(m.Settings, "", "  ")
		if err != nil {
			return fmt.Errorf("experiments: table %q settings: %w", t.Name, err)
		}
		p("## Settings\n\n```json\n%s\n```\n", js)
	}
	return bw.Flush()
}

// hasPaper reports whether any cell carries the paper's number.
func (t *Table) hasPaper() bool {
	for _, c := range t.Cells {
		if c.Paper != nil {
			return true
		}
	}
	return false
}

// markdownCell formats one value, with the paper's number in parentheses when paper is set.
func markdownCell(c *Cell, m Metric, paper bool) string {
	digits := m.Digits
	if digits == 0 {
		digits = 3
	}
	ours := "—"
	if c != nil {
		if v, ok := c.Values[m.Key]; ok {
			ours = strconv.FormatFloat(v, 'f', digits, 64)
		}
	}
	if paper && c != nil && c.Paper != nil {
		return fmt.Sprintf("%s (%s)", ours, strconv.FormatFloat(*c.Paper, 'f', -1, 64))
	}
	return ours
}

// escapeCell keeps a string from breaking a markdown table row.
func escapeCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
