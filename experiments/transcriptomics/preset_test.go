package transcriptomics

import (
	"errors"
	"slices"
	"testing"

	"github.com/ncgn/ncgn/experiments"
)

func TestPresets_Valid(t *testing.T) {
	for _, s := range experiments.Scales() {
		p, err := PresetFor(s)
		if err != nil {
			t.Errorf("%s: %v", s, err)
		}
		if p.Scale != s {
			t.Errorf("PresetFor(%s).Scale = %s", s, p.Scale)
		}
	}
	if _, err := PresetFor("huge"); !errors.Is(err, experiments.ErrConfig) {
		t.Errorf("PresetFor(huge) error %v, want ErrConfig", err)
	}
}

// TestPresets_Paper holds the paper preset to the paper's and the reference's sizes
// (REFERENCE.md §4, §5, §7; Appendix D.2).
func TestPresets_Paper(t *testing.T) {
	p := Presets()[experiments.Paper]
	checks := []struct {
		name      string
		got, want any
	}{
		{"train samples", p.TrainSamples, 10000},
		{"test samples", p.TestSamples, 2000},
		{"knockout samples", p.KnockoutSamples, 500},
		{"width", p.Width, 32},
		{"layers", p.Layers, 3},
		{"k", p.K, 5},
		{"epochs", p.Epochs, 300},
		{"batch", p.BatchSize, 128},
		{"lr", p.LR, 1e-3},
		{"warm-up", p.Warmup, 10},
		{"EMA", p.EMADecay, 0.95},
		{"Euler steps", p.EulerSteps, 200},
		{"figure 11 epochs", p.Fig11Epochs, 300},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("paper preset %s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if !slices.Equal(p.Fig11Layers, []int{2, 4, 8, 16, 32, 64}) {
		t.Errorf("paper preset figure 11 layers %v", p.Fig11Layers)
	}
}

func TestPreset_ValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*Preset)
	}{
		{"no training graphs", func(p *Preset) { p.TrainSamples = 0 }},
		{"floor size differs from test size", func(p *Preset) { p.FloorSamples = p.TestSamples + 1 }},
		{"epochs and steps", func(p *Preset) { p.Epochs = 3 }},
		{"neither epochs nor steps", func(p *Preset) { p.Steps = 0 }},
		{"zero lr", func(p *Preset) { p.LR = 0 }},
		{"EMA 1", func(p *Preset) { p.EMADecay = 1 }},
		{"no Euler steps", func(p *Preset) { p.EulerSteps = 0 }},
		{"zero layers in figure 11", func(p *Preset) { p.Fig11Layers = []int{2, 0} }},
		{"figure 11 epochs and steps", func(p *Preset) { p.Fig11Epochs = 1 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Presets()[experiments.Smoke]
			tc.modify(&p)
			if err := p.Validate(); !errors.Is(err, experiments.ErrConfig) {
				t.Fatalf("Validate error %v, want ErrConfig", err)
			}
		})
	}
}

func TestPaperTable3_Complete(t *testing.T) {
	if len(PaperTable3) != 6 {
		t.Fatalf("%d task rows, want 6", len(PaperTable3))
	}
	for task, row := range PaperTable3 {
		for _, m := range Methods() {
			if _, ok := row[m.Key()]; !ok {
				t.Errorf("paper Table 3 lacks %s / %s", task.Key(), m.Key())
			}
		}
		if len(row) != len(Methods()) {
			t.Errorf("paper Table 3 row %s has %d entries, want %d", task.Key(), len(row), len(Methods()))
		}
	}
	keys := []string{}
	for _, m := range Methods() {
		keys = append(keys, m.Key())
	}
	want := []string{"random", "knn-gcn", "knn-gat", "full-gcn", "full-gat", "dmp-gcn", "dmp-gat"}
	if !slices.Equal(keys, want) {
		t.Errorf("method keys %v, want %v", keys, want)
	}
}

func TestCellNames(t *testing.T) {
	p := Presets()[experiments.Small]
	names := CellNames(p)
	want := 3 + 6*7 + 3*len(p.Fig11Layers)
	if len(names) != want {
		t.Fatalf("%d cells, want %d", len(names), want)
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("cell %s twice", n)
		}
		seen[n] = true
	}
	for _, n := range []string{"table3/floor", "table3/ignore-condition", "table3/unconditional/random", "table3/knockout/dmp-gat", "figure11/knn/L16"} {
		if !seen[n] {
			t.Errorf("no cell %s", n)
		}
	}
}
