package samplers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	mn "github.com/ncgn/ncgn/datasets/modelnet40"
	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/exptest"
)

func TestSetting_KeyTitle(t *testing.T) {
	for _, tc := range []struct {
		s          Setting
		key, title string
		per        int
	}{
		{Setting{Sampler: "ddpm", Steps: 1000}, "ddpm-1000", "DDPM, 1000 steps", 1},
		{Setting{Sampler: "ddim", Steps: 50}, "ddim-50", "DDIM, 50 steps", 1},
		{Setting{Sampler: "heun", Steps: 10}, "heun-10", "heun, 10 steps", 2},
		{Setting{Sampler: "midpoint", Steps: 5}, "midpoint-5", "midpoint, 5 steps", 2},
		{Setting{Sampler: "dopri5", Steps: 10, Tolerance: 1e-3}, "dopri5-tol1e-03", "dopri5, tolerance 1e-03", 0},
	} {
		if got := tc.s.Key(); got != tc.key {
			t.Errorf("%+v: key %q, want %q", tc.s, got, tc.key)
		}
		if got := tc.s.Title(); got != tc.title {
			t.Errorf("%+v: title %q, want %q", tc.s, got, tc.title)
		}
		if got := tc.s.EvalsPerStep(); got != tc.per {
			t.Errorf("%+v: %d evaluations per step, want %d", tc.s, got, tc.per)
		}
	}
}

func TestPresets_Validate(t *testing.T) {
	for s, p := range Presets() {
		if err := p.Validate(); err != nil {
			t.Errorf("preset %s: %v", s, err)
		}
	}
	small := Presets()[experiments.Small]
	bad := map[string]func(p *Preset){
		"no paper sampler":    func(p *Preset) { p.ModelNet40 = p.ModelNet40[:1] },
		"setting twice":       func(p *Preset) { p.Transcriptomics = append(p.Transcriptomics, p.Transcriptomics[0]) },
		"flow solver on DDPM": func(p *Preset) { p.ModelNet40 = append(p.ModelNet40, Setting{Sampler: "heun", Steps: 4}) },
		"tolerance of Euler": func(p *Preset) {
			p.Transcriptomics = append(p.Transcriptomics, Setting{Sampler: "euler", Steps: 3, Tolerance: 0.1})
		},
		"dopri5 with no tolerance": func(p *Preset) { p.Transcriptomics = append(p.Transcriptomics, Setting{Sampler: "dopri5", Steps: 3}) },
		"zero steps":               func(p *Preset) { p.ModelNet40 = append(p.ModelNet40, Setting{Sampler: "ddim", Steps: 0}) },
		"one resample":             func(p *Preset) { p.BootstrapReps = 1 },
	}
	for name, mutate := range bad {
		p := small
		p.ModelNet40 = append([]Setting(nil), small.ModelNet40...)
		p.Transcriptomics = append([]Setting(nil), small.Transcriptomics...)
		mutate(&p)
		if err := p.Validate(); !errors.Is(err, experiments.ErrConfig) {
			t.Errorf("%s: error %v, want ErrConfig", name, err)
		}
	}
}

// TestCheapest checks the choice of the cheapest match on made-up results: a cheaper setting
// resolved worse on W2 is passed over, the next one that is not resolved worse is chosen, and
// a task whose paper's sampler has no result chooses nothing.
func TestCheapest(t *testing.T) {
	paper := Setting{Sampler: "euler", Steps: 200}
	cheapWorse := Setting{Sampler: "euler", Steps: 2}
	mid := Setting{Sampler: "heun", Steps: 5}
	tk := &task{Name: "x", Paper: paper, Settings: []Setting{cheapWorse, mid, paper},
		Metrics: []experiments.Metric{{Key: KeyW2}, {Key: KeyNFE}, {Key: KeySeconds}}}
	n := networks[0]
	res := &results{t: tk, reps: map[string][]experiments.Replicate{}}
	add := func(s Setting, nfe float64, w2 ...float64) {
		for k, v := range w2 {
			res.reps[cellName("x", n, s)] = append(res.reps[cellName("x", n, s)], experiments.Replicate{Index: k,
				Values: map[string]float64{KeyW2: v, KeyNFE: nfe, KeySeconds: nfe / 10}})
		}
	}
	if _, ok, err := res.cheapest(n); ok || err != nil {
		t.Fatalf("no results: ok %v, err %v; want neither", ok, err)
	}
	add(paper, 200, 1.0, 1.1, 0.9)
	add(cheapWorse, 2, 3.0, 3.2, 2.9) // worse on every seed: resolved worse
	add(mid, 10, 1.05, 1.0, 0.95)     // within seed noise
	best, ok, err := res.cheapest(n)
	if err != nil || !ok {
		t.Fatalf("cheapest: ok %v, err %v", ok, err)
	}
	if best.s != mid {
		t.Fatalf("cheapest %s, want %s (euler-2 is resolved worse)", best.s.Key(), mid.Key())
	}
	if len(best.comps) != 1 || best.comps[0].Resolved {
		t.Errorf("comparisons of %s: %+v, want one unresolved", mid.Key(), best.comps)
	}
	note := (&runner{}).cheapestNote(res, n, best)
	if !strings.Contains(note, "20× fewer network evaluations") {
		t.Errorf("note %q does not give the 20× saving", note)
	}
}

// TestRun_Smoke runs the smoke preset end to end with two seeds on a synthetic ModelNet40
// folder: every cell has its metrics and its network evaluations, the paper's sampler carries
// the paper's number, the networks go into the sibling experiments' caches, a second run
// computes nothing, and --report with a missing cell says so.
func TestRun_Smoke(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "data")
	if err := mn.WriteSynthetic(data, map[string]int{"airplane": 12, "bathtub": 12}, map[string]int{"airplane": 5, "bathtub": 5}, 110); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "out", Name)
	log := &exptest.Log{}
	env := experiments.Env{Scale: experiments.Smoke, OutDir: out, Seed: 1, Seeds: 2, Commit: "test", Data: data, Log: log,
		Code: experiments.CodeState{Fingerprint: "fp-test", Commit: "abc123"}}
	if err := Run(context.Background(), env); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	p := Presets()[experiments.Smoke]
	for _, f := range []string{"modelnet40.md", "modelnet40.json", "modelnet40-w2.png", "modelnet40-nna.png",
		"transcriptomics.md", "transcriptomics.csv", "transcriptomics-w2.png", "cheapest.md", "cheapest.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("output %s: %v", f, err)
		}
	}
	for _, task := range []struct {
		name     string
		settings []Setting
		paper    Setting
		nna      bool
	}{{"modelnet40", p.ModelNet40, p.ModelNet40Paper, true}, {"transcriptomics", p.Transcriptomics, p.TranscriptomicsPaper, false}} {
		tb := exptest.ReadTable(t, filepath.Join(out, task.name+".json"))
		if len(tb.Cells) != len(task.settings)*len(networks) {
			t.Errorf("%s: %d cells, want %d", task.name, len(tb.Cells), len(task.settings)*len(networks))
		}
		for _, s := range task.settings {
			for _, n := range networks {
				c := tb.Cell(s.Key(), n.Key())
				if c == nil {
					t.Errorf("%s: no cell %s/%s", task.name, s.Key(), n.Key())
					continue
				}
				if v := c.Values[KeyW2]; !(v > 0) || math.IsInf(v, 0) || c.Summaries[KeyW2].N != 2 {
					t.Errorf("%s %s/%s: W2 %v over %d seeds", task.name, s.Key(), n.Key(), v, c.Summaries[KeyW2].N)
				}
				if v, ok := c.Values[KeyNNACD]; ok != task.nna || (ok && !(v >= 0 && v <= 100)) {
					t.Errorf("%s %s/%s: 1-NNA-CD %v (present %v, want %v)", task.name, s.Key(), n.Key(), v, ok, task.nna)
				}
				nfe := c.Values[KeyNFE]
				if per := s.EvalsPerStep(); per > 0 && nfe != float64(per*s.Steps) {
					t.Errorf("%s %s/%s: %g evaluations, want %d", task.name, s.Key(), n.Key(), nfe, per*s.Steps)
				} else if per == 0 && !(nfe >= 6) {
					t.Errorf("%s %s/%s: dopri5 used %g evaluations, want at least one step's 6", task.name, s.Key(), n.Key(), nfe)
				}
				if (c.Paper != nil) != (s == task.paper) {
					t.Errorf("%s %s/%s: paper number %v", task.name, s.Key(), n.Key(), c.Paper)
				}
				if c.Commit != "abc123" {
					t.Errorf("%s %s/%s: computed at %q", task.name, s.Key(), n.Key(), c.Commit)
				}
			}
		}
		if want := (len(task.settings) - 1) * len(networks) * (1 + map[bool]int{true: 1}[task.nna]); len(tb.Comparisons) != want {
			t.Errorf("%s: %d comparisons, want %d", task.name, len(tb.Comparisons), want)
		}
	}
	ch := exptest.ReadTable(t, filepath.Join(out, "cheapest.json"))
	if len(ch.Rows) != 2*len(networks) || len(ch.Cells) != 2*2*len(networks) {
		t.Errorf("cheapest: %d rows and %d cells, want %d and %d", len(ch.Rows), len(ch.Cells), 2*len(networks), 4*len(networks))
	}
	for _, f := range []string{"modelnet40/cache/models/gat-dmp-exp-S2.json", "modelnet40/cache/models/gat-knn-S2-seed2.json",
		"transcriptomics/cache/models/dmp-gat-L3-S2.json"} {
		if _, err := os.Stat(filepath.Join(root, "out", f)); err != nil {
			t.Errorf("network not in the lending experiment's cache: %v", err)
		}
	}

	second := &exptest.Log{}
	env.Log = second
	if err := Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(second.String(), " 0 cell replicates to compute") {
		t.Errorf("second run computed cells again:\n%s", second)
	}

	// The tables state the networks' training time from the cells even where the lending
	// experiments' caches no longer hold the networks (another code state replaced them).
	for _, f := range []string{"modelnet40/cache/models", "transcriptomics/cache/models"} {
		if err := os.RemoveAll(filepath.Join(root, "out", f)); err != nil {
			t.Fatal(err)
		}
	}
	env.Report, env.Log = true, &exptest.Log{}
	if err := Run(context.Background(), env); err != nil {
		t.Fatalf("report without the lent networks: %v\n%s", err, env.Log)
	}
	for _, f := range []string{"modelnet40.md", "transcriptomics.md"} {
		md, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("(%d network(s) found,", 2*len(networks)); !strings.Contains(string(md), want) {
			t.Errorf("%s without the lent networks does not say %q", f, want)
		}
	}

	env.Report, env.Seeds, env.Log = true, 3, &exptest.Log{}
	if err := Run(context.Background(), env); !errors.Is(err, experiments.ErrIncomplete) || !strings.Contains(err.Error(), "/seed3") {
		t.Errorf("report with a third seed: error %v, want ErrIncomplete naming the seed3 cells", err)
	}
}

// TestRun_BadInput checks that a missing ModelNet40 folder and an unknown cell are clear
// errors, and that transcriptomics cells alone need no ModelNet40 data.
func TestRun_BadInput(t *testing.T) {
	out := filepath.Join(t.TempDir(), Name)
	env := experiments.Env{Scale: experiments.Smoke, OutDir: out, Seed: 1, Data: filepath.Join(t.TempDir(), "nothing"),
		Code: experiments.CodeState{Fingerprint: "fp-test", Commit: "abc123"}}
	if err := Run(context.Background(), env); err == nil || !strings.Contains(err.Error(), "nothing") {
		t.Errorf("missing data: error %v, want one naming the folder", err)
	}
	env.Only = []string{"no-such-cell"}
	if err := Run(context.Background(), env); !errors.Is(err, experiments.ErrConfig) {
		t.Errorf("unknown cell: error %v, want ErrConfig", err)
	}
	env.Only = []string{"transcriptomics/knn-gat/euler-2"}
	if err := Run(context.Background(), env); err != nil {
		t.Errorf("transcriptomics alone: %v", err)
	}
}
