package experiments

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ncgn/ncgn/internal/atomicfile"
)

// WriteTable writes t into dir as NAME.md (for people), NAME.csv (one line per cell and
// metric) and NAME.json (the whole Table), each atomically (temporary file, then rename), and
// returns the paths written. dir is created if missing.
//
// A table without any computed cell does not replace one that has computed cells (a --report
// run of code whose fingerprint differs from that of the cached cells finds none of them):
// WriteTable then writes nothing and returns an error wrapping ErrKept that names the commits
// that computed the cells shown and how to render them again.
func WriteTable(dir string, t *Table) ([]string, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if err := keep(dir, t); err != nil {
		return nil, err
	}
	t.Meta.CodeStates = t.codeStates()
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

// computed reports the number of cells of t with at least one value.
func (t *Table) computed() int {
	n := 0
	for _, c := range t.Cells {
		if len(c.Values) > 0 {
			n++
		}
	}
	return n
}

// keep returns an error wrapping ErrKept when t has no computed cell and dir's NAME.json shows
// computed cells; an absent or unreadable NAME.json is replaced.
func keep(dir string, t *Table) error {
	if t.computed() > 0 {
		return nil
	}
	p := filepath.Join(dir, t.Name+".json")
	b, err := os.ReadFile(p)
	if err != nil {
		return nil
	}
	var old Table
	if json.Unmarshal(b, &old) != nil {
		return nil
	}
	n := old.computed()
	if n == 0 {
		return nil
	}
	var states []string
	for _, c := range old.Cells {
		if len(c.Values) == 0 {
			continue
		}
		s := c.Commit
		if s == "" {
			s = old.Meta.Commit
		}
		if len(c.Fingerprint) >= 12 {
			s += " (fingerprint " + c.Fingerprint[:12] + ")"
		}
		if !slices.Contains(states, s) {
			states = append(states, s)
		}
	}
	return fmt.Errorf("experiments: kept %s: it shows %d computed cells, computed at %s, and this run (code at %s) has none: "+
		"the cache holds no cell for this code, whose fingerprint differs from theirs. Render them at their commit "+
		"(git worktree add DIR COMMIT, then the same command with --report there) or compute them with this code "+
		"(the same command without --report): %w", strings.TrimSuffix(p, ".json")+".{md,csv,json}", n,
		strings.Join(states, ", "), t.Meta.Commit, ErrKept)
}

// WriteTable writes t into dir (the function WriteTable) and logs where. A table that
// WriteTable keeps (its error wraps ErrKept: the new table has no computed cell and the files
// show computed ones) is logged and passed over in a computing run, which may have computed
// other tables' cells; under --report it fails the run with the reason.
func (env Env) WriteTable(dir string, t *Table) error {
	_, err := WriteTable(dir, t)
	switch {
	case errors.Is(err, ErrKept) && !env.Report:
		env.Logf("%v", err)
		return nil
	case err != nil:
		return err
	}
	env.Logf("%s written to %s", t.Name, filepath.Join(dir, t.Name+".md"))
	return nil
}

// WriteJSON writes t as indented JSON.
func WriteJSON(w io.Writer, t *Table) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(t)
}

// CSVHeader is the header line of WriteCSV.
var CSVHeader = []string{"table", "row", "column", "metric", "ours", "paper", "lo", "hi", "n_seeds", "per_seed", "boot_lo", "boot_hi", "preset", "seeds", "commit", "seconds", "cached"}

// WriteCSV writes one line per declared (row, column) pair and metric, in the order of the
// rows, the columns and the metrics: "ours" is empty where the value was not computed (the
// mean over seeds where there are several), "paper" is the paper's number (primary metric
// only), lo and hi the interval over seeds, per_seed the seeds' values (";"-separated),
// boot_lo and boot_hi the bootstrap interval over test samples, and commit the code state that
// computed the cell (the writing run's where the cell records none). The preset and the seeds
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
				lo, hi, nSeeds, perSeed, blo, bhi := "", "", "", "", "", ""
				commit := t.Meta.Commit
				if cell != nil {
					if v, ok := cell.Values[m.Key]; ok {
						ours = formatFloat(v)
					}
					if i == 0 && cell.Paper != nil {
						paper = formatFloat(*cell.Paper)
					}
					if sm, ok := cell.Summaries[m.Key]; ok {
						nSeeds = strconv.Itoa(sm.N)
						if sm.N > 1 {
							lo, hi = formatFloat(sm.Lo), formatFloat(sm.Hi)
						}
						vs := make([]string, len(sm.Values))
						for j, v := range sm.Values {
							vs[j] = formatFloat(v)
						}
						perSeed = strings.Join(vs, ";")
					}
					if b, ok := cell.Bootstrap[m.Key]; ok {
						blo, bhi = formatFloat(b[0]), formatFloat(b[1])
					}
					if cell.Commit != "" {
						commit = cell.Commit
					}
					secs = strconv.FormatFloat(cell.Seconds, 'f', 1, 64)
					cached = strconv.FormatBool(cell.Cached)
				}
				if err := cw.Write([]string{t.Name, r.Key, c.Key, m.Key, ours, paper, lo, hi, nSeeds, perSeed, blo, bhi, string(t.Meta.Preset), seeds, commit, secs, cached}); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// formatFloat writes v in the shortest form that reads back exactly.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

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
	p("| commit | `%s` (the run that wrote this file) |\n", m.Commit)
	switch len(m.CodeStates) {
	case 0:
	case 1:
		p("| computed at | every cell at `%s` |\n", m.CodeStates[0])
	default:
		p("| computed at | **the cells come from %d code states**: %s (per row in the last column) |\n", len(m.CodeStates), "`"+strings.Join(m.CodeStates, "`, `")+"`")
	}
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
			p("Each cell: ours (paper).")
			if t.hasSummaries() {
				p(" Ours is the mean over training seeds ± the half-width of its 95 %% Student-t interval (n = seeds; one seed has none).")
			}
			p("\n\n")
		}
		p("| %s |", escapeCell(t.RowTitle))
		for _, c := range t.Columns {
			p(" %s |", escapeCell(c.Title))
		}
		if i == 0 {
			p(" computed at |")
		}
		cols := len(t.Columns)
		if i == 0 {
			cols++
		}
		p("\n|---|%s\n", strings.Repeat("---|", cols))
		for _, r := range t.Rows {
			p("| %s |", escapeCell(r.Title))
			for _, c := range t.Columns {
				p(" %s |", markdownCell(t.Cell(r.Key, c.Key), met, i == 0))
			}
			if i == 0 {
				p(" %s |", t.rowCommits(r.Key))
			}
			p("\n")
		}
		p("\n")
	}
	if len(t.Comparisons) > 0 {
		p("## Comparisons\n\n")
		p("A − B over the seeds both share, with its 95 %% interval: the wider of the two-level bootstrap's (seeds resampled, and within each seed the test samples, paired) and the paired Student-t interval over seeds; an order is claimed only where the interval excludes 0, never from one seed (its seed noise is unknown). Verdict: against the paper's order of the same pair.\n\n")
		p("| A | B | metric | A − B | interval | seeds | paper | verdict |\n|---|---|---|---|---|---|---|---|\n")
		for _, c := range t.Comparisons {
			paper := c.Paper
			if paper == "" {
				paper = "—"
			}
			interval := fmt.Sprintf("[%.4f, %.4f]", c.Lo, c.Hi)
			if c.Seeds < 2 && c.Lo == c.Hi {
				interval = "none" // one seed without test-sample resamples
			}
			p("| %s | %s | %s | %.4f | %s | %d | %s | %s |\n", escapeCell(c.A), escapeCell(c.B), c.Metric, c.Diff, interval, c.Seeds, paper, c.Verdict)
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

// hasSummaries reports whether any cell carries a summary over seeds.
func (t *Table) hasSummaries() bool {
	for _, c := range t.Cells {
		if len(c.Summaries) > 0 {
			return true
		}
	}
	return false
}

// rowCommits returns the distinct commits (12 characters) that computed the cells of row.
func (t *Table) rowCommits(row string) string {
	var out []string
	seen := map[string]bool{}
	for _, c := range t.Cells {
		if c.Row != row {
			continue
		}
		for _, cm := range strings.Split(c.Commit, ",") {
			if cm == "" {
				continue
			}
			short := ShortCommit(cm)
			if !seen[short] {
				seen[short] = true
				out = append(out, "`"+short+"`")
			}
		}
	}
	if len(out) == 0 {
		return "—"
	}
	return strings.Join(out, " ")
}

// ShortCommit returns a commit's first 12 characters, keeping a "+dirty" suffix.
func ShortCommit(c string) string {
	if len(c) <= 12 {
		return c
	}
	if strings.HasSuffix(c, "+dirty") {
		return c[:12] + "+dirty"
	}
	return c[:12]
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
			if sm, ok := c.Summaries[m.Key]; ok && sm.N > 1 {
				ours += " ± " + strconv.FormatFloat(sm.HalfWidth(), 'f', digits, 64) + fmt.Sprintf(" (n = %d)", sm.N)
			} else if ok {
				ours += " (n = 1)"
			}
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

// ReadTable reads a table written by WriteTable's JSON (NAME.json).
func ReadTable(path string) (*Table, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("experiments: %w", err)
	}
	var t Table
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("experiments: %s: %w", path, err)
	}
	return &t, nil
}
