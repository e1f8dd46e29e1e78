package transcriptomics

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/exptest"
)

// TestRun_Smoke runs the smoke preset end to end into a temporary folder: a first run
// stopped after its first network is trained, a second run that resumes and completes, and a
// third that reuses every cached cell. It checks the files, that every cell has a number,
// that the conditional cells have their extra metrics, and that the cached run reproduces the
// numbers; then that --only computes one cell, with the same number, into a fresh folder.
func TestRun_Smoke(t *testing.T) {
	out := filepath.Join(t.TempDir(), Name)
	env := experiments.Env{Scale: experiments.Smoke, OutDir: out, Seed: 1, Commit: "test"}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := &exptest.Log{Text: "models/knn-gcn-L3-S2: trained", Cancel: cancel}
	env.Log = stop
	err := Run(ctx, env)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: error %v, want context.Canceled\n%s", err, stop.String())
	}

	resumed := &exptest.Log{}
	env.Log = resumed
	if err := Run(context.Background(), env); err != nil {
		t.Fatalf("second run: %v\n%s", err, resumed.String())
	}
	if !regexp.MustCompile(`preset smoke, 1 seed\(s\), shard all: \d+ cell replicates to compute \(\d+ networks to train\), [1-9]\d* cached; writing into `).MatchString(resumed.String()) ||
		!regexp.MustCompile(`\[\d+/\d+\] table3/\S+: W2 .*elapsed, about .* left`).MatchString(resumed.String()) {
		t.Errorf("second run does not announce its plan or its progress:\n%s", resumed.String())
	}
	if !strings.Contains(resumed.String(), "simulated data reused") || strings.Contains(resumed.String(), "simulating ") {
		t.Errorf("second run simulated the data again:\n%s", resumed.String())
	}
	if !strings.Contains(resumed.String(), "models/knn-gcn-L3-S2: reused from the cache") {
		t.Errorf("second run did not reuse the network trained by the first:\n%s", resumed.String())
	}
	for _, f := range []string{"table3.md", "table3.csv", "table3.json", "figure11.png", "figure11.csv", "figure11.md", "figure11.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("output %s: %v", f, err)
		}
	}
	t3 := exptest.ReadTable(t, filepath.Join(out, "table3.json"))
	if notes := strings.Join(t3.Notes, "\n"); !regexp.MustCompile(`random baseline scores \d\.\d{3} .* normalised the reference's way the same random samples score \d\.\d{3}`).MatchString(notes) {
		t.Errorf("table 3 does not explain the random baseline's normalisation:\n%s", notes)
	}
	f11 := exptest.ReadTable(t, filepath.Join(out, "figure11.json"))
	for _, tab := range []*experiments.Table{t3, f11} {
		if m := tab.Missing(); len(m) != 0 {
			t.Errorf("%s: cells without a number: %v", tab.Name, m)
		}
		if tab.Meta.Preset != experiments.Smoke || tab.Meta.Commit != "test" || len(tab.Meta.Seeds) == 0 || tab.Meta.Data == "" {
			t.Errorf("%s: meta %+v", tab.Name, tab.Meta)
		}
	}
	if len(t3.Cells) != 6*7 {
		t.Errorf("table 3 has %d cells, want 42", len(t3.Cells))
	}
	for _, c := range t3.Cells {
		if c.Paper == nil {
			t.Errorf("table 3 cell %s/%s has no paper value", c.Row, c.Column)
		}
		_, rmse := c.Values["paired_rmse"]
		if _, gen := c.Values["w2_generated"]; !gen || rmse != (c.Row != "unconditional") {
			t.Errorf("table 3 cell %s/%s metrics %v", c.Row, c.Column, c.Values)
		}
	}
	md, _ := os.ReadFile(filepath.Join(out, "table3.md"))
	if !strings.Contains(string(md), "they are not results") || !strings.Contains(string(md), "(0.812)") ||
		!strings.Contains(string(md), "Floor: ") || !strings.Contains(string(md), "ignores the condition") {
		t.Errorf("table3.md lacks the smoke warning or the paper's numbers:\n%s", md)
	}

	again := &exptest.Log{}
	env.Log = again
	start := time.Now()
	if err := Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(again.String(), "training") || strings.Contains(again.String(), "simulating") {
		t.Errorf("third run trained or simulated although everything is cached:\n%s", again.String())
	}
	t3again := exptest.ReadTable(t, filepath.Join(out, "table3.json"))
	for _, c := range t3again.Cells {
		if !c.Cached {
			t.Errorf("third run: cell %s/%s not marked cached", c.Row, c.Column)
		}
		if prev := t3.Cell(c.Row, c.Column); prev.Values["w2"] != c.Values["w2"] {
			t.Errorf("cell %s/%s: W2 %v, then %v from the cache", c.Row, c.Column, prev.Values["w2"], c.Values["w2"])
		}
	}
	t.Logf("cached run: %v", time.Since(start))

	only := filepath.Join(t.TempDir(), Name)
	onlyEnv := experiments.Env{Scale: experiments.Smoke, OutDir: only, Seed: 1, Commit: "test", Only: []string{"table3/forward_sim/dmp-gcn"}}
	if err := Run(context.Background(), onlyEnv); err != nil {
		t.Fatal(err)
	}
	t3only := exptest.ReadTable(t, filepath.Join(only, "table3.json"))
	if n := len(t3only.Missing()); n != 6*7-1 {
		t.Errorf("--only run: %d cells missing, want 41", n)
	}
	got, want := t3only.Cell("forward_sim", "dmp-gcn").Values["w2"], t3.Cell("forward_sim", "dmp-gcn").Values["w2"]
	if got != want {
		t.Errorf("--only run: W2 %v, full run %v (the same seeds must give the same number)", got, want)
	}
	if _, err := os.Stat(filepath.Join(only, "figure11.png")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("--only run without figure 11 cells wrote figure11.png (%v)", err)
	}

	if err := Run(context.Background(), experiments.Env{Scale: experiments.Smoke, OutDir: only, Only: []string{"table4"}}); !errors.Is(err, experiments.ErrConfig) {
		t.Errorf("--only table4: %v, want ErrConfig", err)
	}
}

// TestRun_SeedsAndCodeStates runs the unconditional row of the smoke preset for two training
// seeds: every cell then holds both seeds' values, their mean and interval, a bootstrap
// interval and the code state that computed it, and the table compares the graphs. A second
// run with the same code reuses every cell; a run with another code fingerprint (what a
// changed line in layers/ or models/ gives, see experiments.Fingerprint) recomputes them all
// and labels them with the new state.
func TestRun_SeedsAndCodeStates(t *testing.T) {
	out := filepath.Join(t.TempDir(), Name)
	env := experiments.Env{Scale: experiments.Smoke, OutDir: out, Seed: 1, Seeds: 2, Commit: "test",
		Only: []string{"table3/unconditional/*"}, Code: experiments.CodeState{Fingerprint: "one", Commit: "commit-one"}}
	log := &exptest.Log{}
	env.Log = log
	if err := Run(context.Background(), env); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	t3 := exptest.ReadTable(t, filepath.Join(out, "table3.json"))
	for _, m := range Methods() {
		c := t3.Cell("unconditional", m.Key())
		s, ok := c.Summaries["w2"]
		if !ok || s.N != 2 || len(s.Values) != 2 || s.Values[0] == s.Values[1] || c.Values["w2"] != s.Mean {
			t.Errorf("%s: summary %+v of values %v, want two different seeds and their mean", m.Key(), s, c.Values)
		}
		if b, ok := c.Bootstrap["w2"]; !ok || !(b[0] < b[1]) {
			t.Errorf("%s: bootstrap interval %v", m.Key(), c.Bootstrap)
		}
		if c.Commit != "commit-one" || c.Fingerprint != "one" {
			t.Errorf("%s: computed at %q (%q), want commit-one", m.Key(), c.Commit, c.Fingerprint)
		}
	}
	if len(t3.Comparisons) != 6 || t3.Comparisons[0].Seeds != 2 || t3.Comparisons[0].Verdict == "" {
		t.Errorf("comparisons %+v, want the 6 graph pairs of the row over 2 seeds", t3.Comparisons)
	}
	if len(t3.Meta.CodeStates) != 1 || t3.Meta.CodeStates[0] != "commit-one" {
		t.Errorf("code states %v", t3.Meta.CodeStates)
	}

	again := &exptest.Log{}
	env.Log = again
	if err := Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(again.String(), "training") || strings.Contains(again.String(), ": W2 ") {
		t.Errorf("same code: something was computed again:\n%s", again.String())
	}

	changed := &exptest.Log{}
	env.Log, env.Code = changed, experiments.CodeState{Fingerprint: "two", Commit: "commit-two"}
	if err := Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(changed.String(), ": trained "); n != 2*6 {
		t.Errorf("changed code: %d networks trained, want all 12 (6 graphs x 2 seeds):\n%s", n, changed.String())
	}
	t3 = exptest.ReadTable(t, filepath.Join(out, "table3.json"))
	if c := t3.Cell("unconditional", "dmp-gat"); c.Commit != "commit-two" {
		t.Errorf("changed code: cell computed at %q, want commit-two", c.Commit)
	}
}

// TestRun_SamplerOption samples with Heun's solver (--sampler heun): the tables go to their
// own folder and say which solver made them; a DDPM sampler is refused naming the option.
func TestRun_SamplerOption(t *testing.T) {
	out := filepath.Join(t.TempDir(), Name)
	env := experiments.Env{Scale: experiments.Smoke, OutDir: out, Seed: 1, Commit: "test",
		Only: []string{"table3/unconditional/dmp-gat"}, Options: map[string]string{OptSampler: "heun"}}
	if err := Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	t3 := exptest.ReadTable(t, filepath.Join(out, "sampler-heun", "table3.json"))
	if c := t3.Cell("unconditional", "dmp-gat"); c == nil || !(c.Values["w2"] > 0) {
		t.Errorf("DMP GAT cell under Heun: %v", c)
	}
	if !strings.Contains(strings.Join(t3.Notes, " "), "heun") {
		t.Errorf("notes do not name the solver: %q", t3.Notes)
	}
	env.Options = map[string]string{OptSampler: "ddim"}
	if err := Run(context.Background(), env); !errors.Is(err, experiments.ErrConfig) || !strings.Contains(err.Error(), "sampler") {
		t.Errorf("ddim for a flow experiment: %v, want ErrConfig naming the option", err)
	}
}
