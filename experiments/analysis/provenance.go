package analysis

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/internal/atomicfile"
)

// provenance is what every results file states about how it was made.
type provenance struct {
	Preset      experiments.Scale `json:"preset"`
	Seed        int64             `json:"seed"`
	Data        string            `json:"data"`
	Seconds     float64           `json:"seconds"`      // the figure's computing time
	WallSeconds float64           `json:"wall_seconds"` // the run's wall time when the figure was written
	Cached      bool              `json:"cached"`
	Commit      string            `json:"commit"`   // the repository state of the writing run
	Code        string            `json:"code"`     // the fingerprint of the computing code
	CodeAt      string            `json:"code_at"`  // the commit of the computing code
	GoVersion   string            `json:"go"`       // toolchain
	CPUs        int               `json:"cpus"`     // GOMAXPROCS
	Created     string            `json:"created"`  // UTC
	Settings    Preset            `json:"settings"` // the whole preset
	Extra       map[string]string `json:"extra,omitempty"`
}

func (r *runner) provenance(data string, seconds float64, cachedResult bool) provenance {
	return provenance{Preset: r.p.Scale, Seed: r.env.Seed, Data: data, Seconds: seconds,
		WallSeconds: time.Since(r.start).Seconds(), Cached: cachedResult, Commit: r.env.Commit,
		Code: r.code.Short(), CodeAt: r.code.Commit, GoVersion: runtime.Version(), CPUs: runtime.GOMAXPROCS(0),
		Created: time.Now().UTC().Format(time.RFC3339), Settings: r.p}
}

// provColumns are appended to every csv row, so that a line stands on its own.
var provColumns = []string{"preset", "seed", "data", "seconds", "commit", "code"}

func (pv provenance) columns() []string {
	return []string{string(pv.Preset), strconv.FormatInt(pv.Seed, 10), pv.Data, strconv.FormatFloat(pv.Seconds, 'f', 2, 64), pv.Commit, pv.Code}
}

// writeCSV writes dir/name.csv: the header and rows, each followed by the provenance columns.
func writeCSV(dir, name string, header []string, rows [][]string, pv provenance) error {
	path := filepath.Join(dir, name+".csv")
	err := atomicfile.Write(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(append(append([]string(nil), header...), provColumns...)); err != nil {
			return err
		}
		for _, row := range rows {
			if err := cw.Write(append(append([]string(nil), row...), pv.columns()...)); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return fmt.Errorf("analysis: writing %s: %w", path, err)
	}
	return nil
}

// caption is a figure's caption file: the paper's claim, what ours shows, and the verdict.
type caption struct {
	Figure  string
	Title   string
	Claim   string // the paper's claim, in the paper's words where possible
	Method  string // how ours was computed
	Ours    string // what ours shows, with numbers
	Verdict string // "agrees", "partly", "does not agree", "unresolved" plus why
	Notes   []string
}

// writeCaption writes dir/<figure>.md.
func writeCaption(dir string, c caption, pv provenance) error {
	path := filepath.Join(dir, c.Figure+".md")
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", c.Title)
	fmt.Fprintf(&b, "**The paper's claim.** %s\n\n", c.Claim)
	fmt.Fprintf(&b, "**How ours is made.** %s\n\n", c.Method)
	fmt.Fprintf(&b, "**What ours shows.** %s\n\n", c.Ours)
	fmt.Fprintf(&b, "**Verdict.** %s\n\n", c.Verdict)
	for _, n := range c.Notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	if len(c.Notes) > 0 {
		b.WriteString("\n")
	}
	if !pv.Preset.Result() {
		b.WriteString("*Smoke preset: these numbers only show that the pipeline runs; they are not results.*\n\n")
	}
	cachedNote := ""
	if pv.Cached {
		cachedNote = " (reused from the cache)"
	}
	fmt.Fprintf(&b, "## Provenance\n\n")
	fmt.Fprintf(&b, "- preset: %s; seed: %d\n- data: %s\n", pv.Preset, pv.Seed, pv.Data)
	fmt.Fprintf(&b, "- computing time: %s%s; run wall time when written: %s (%s, %d CPUs)\n", experiments.FormatSeconds(pv.Seconds), cachedNote, experiments.FormatSeconds(pv.WallSeconds), pv.GoVersion, pv.CPUs)
	fmt.Fprintf(&b, "- commit: %s; code fingerprint %s (computing code at %s); written %s\n", pv.Commit, pv.Code, pv.CodeAt, pv.Created)
	settings, err := json.Marshal(pv.Settings)
	if err != nil {
		return fmt.Errorf("analysis: %w", err)
	}
	fmt.Fprintf(&b, "- settings: `%s`\n", settings)
	for _, k := range sortedKeys(pv.Extra) {
		fmt.Fprintf(&b, "- %s: %s\n", k, pv.Extra[k])
	}
	err = atomicfile.Write(path, func(w io.Writer) error { _, err := io.WriteString(w, b.String()); return err })
	if err != nil {
		return fmt.Errorf("analysis: writing %s: %w", path, err)
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}

func ff(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }
