package transcriptomics

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	st "github.com/ncgn/ncgn/datasets/transcriptomics"
	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/graphs"
)

// computeFigure11 computes the wanted Figure 11 cells that are not cached yet: the
// unconditional W2 of a GCN network of each graph and layer count.
func (r *runner) computeFigure11(ctx context.Context, want map[string]bool) error {
	for _, rep := range r.reps {
		for _, g := range Graphs() {
			for _, l := range r.p.Fig11Layers {
				name := figure11Cell(g, l)
				if !want[name] {
					continue
				}
				spec := Figure11Model(r.p, rep, g, l)
				err := r.computeCell(ctx, name, rep, &spec, func() (CellRecord, error) { return r.modelCell(ctx, spec, st.Unconditional, rep) })
				if err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// figure11Table assembles the data of Figure 11 from the cache: rows are layer counts,
// columns graphs, one metric (the unconditional W2).
func (r *runner) figure11Table(t3 *experiments.Table) (*experiments.Table, error) {
	t := &experiments.Table{
		Name:     "figure11",
		Title:    "Figure 11: unconditional W2 against the number of message-passing layers (GCN, width 32)",
		RowTitle: "layers",
		Metrics: []experiments.Metric{{Key: "w2", Title: "Unconditional W2 (the paper's metric)",
			Description: "Flattened W2 of unconditional samples against the test set, divided by 8. Lower is better. The paper prints no numbers for this figure."}},
	}
	for _, l := range r.p.Fig11Layers {
		t.Rows = append(t.Rows, experiments.Header{Key: "L" + strconv.Itoa(l), Title: strconv.Itoa(l)})
	}
	for _, g := range Graphs() {
		t.Columns = append(t.Columns, experiments.Header{Key: string(g), Title: g.Title()})
	}
	var compute float64
	recs := map[string][]CellRecord{}
	for _, g := range Graphs() {
		for _, l := range r.p.Fig11Layers {
			name := figure11Cell(g, l)
			cell := experiments.Cell{Row: "L" + strconv.Itoa(l), Column: string(g), Name: name, Values: map[string]float64{}}
			model := func(rep Seeds) *ModelSpec { s := Figure11Model(r.p, rep, g, l); return &s }
			rs, err := r.replicates(name, model)
			if err != nil {
				return nil, err
			}
			recs[name] = rs
			compute += r.fill(&cell, rs, "w2")
			for _, rec := range rs {
				if mr, ok := r.modelRecord(*model(r.reps[rec.Replicate])); ok {
					compute += mr.Seconds
				}
			}
			t.Set(cell)
		}
	}
	for _, l := range r.p.Fig11Layers {
		for _, pair := range [][2]graphs.Kind{{graphs.DMP, graphs.KNN}, {graphs.DMP, graphs.Full}, {graphs.KNN, graphs.Full}} {
			a, b := figure11Cell(pair[0], l), figure11Cell(pair[1], l)
			row := "L" + strconv.Itoa(l)
			cmp, ok, err := r.compare(row+"/"+string(pair[0]), row+"/"+string(pair[1]), a, b, recs[a], recs[b], nil, nil)
			if err != nil {
				return nil, err
			}
			if ok {
				t.Comparisons = append(t.Comparisons, cmp)
			}
		}
	}
	t.Meta = r.meta(compute)
	t.Notes = []string{r.figure11Caption(t3)}
	return t, nil
}

// figure11Caption states what the figure shows and how its networks were trained.
func (r *runner) figure11Caption(t3 *experiments.Table) string {
	p := r.p
	train := plural(p.Fig11Steps, "step")
	if p.Fig11Epochs > 0 {
		train = plural(p.Fig11Epochs, "epoch")
	}
	s := fmt.Sprintf("Preset %s: GCN networks of width %d with %v message-passing layers, each trained for %s at batch %d on %d graphs "+
		"(the paper: 2 to 64 layers, 300 epochs on 10000 graphs); %d %s steps; W2 of %d unconditional samples against the %d test graphs.",
		p.Scale, p.Width, p.Fig11Layers, train, p.BatchSize, p.TrainSamples, p.EulerSteps, solverName(p.Solver), p.TestSamples, p.TestSamples)
	rnd := randomW2(t3)
	if !math.IsNaN(rnd) {
		s += fmt.Sprintf(" Random (N(0, 1)) W2 = %.3f (the paper: %.3f), off the plot's scale", rnd, PaperFigure11Random)
	}
	if fl, ok, _ := r.cached(floorCell, r.seeds, nil); ok {
		s += fmt.Sprintf("; dashed line: the floor, true simulations against the test graphs, W2 = %.3f", fl.W2)
	}
	if !math.IsNaN(rnd) {
		s += "."
	}
	return s
}

// randomW2 returns the random baseline's unconditional W2 from Table 3, or NaN.
func randomW2(t3 *experiments.Table) float64 {
	if t3 == nil {
		return math.NaN()
	}
	if c := t3.Cell(st.Unconditional.Key(), "random"); c != nil {
		if v, ok := c.Values["w2"]; ok {
			return v
		}
	}
	return math.NaN()
}

// writeFigure11 writes figure11.{md,csv,json} and, once a cell has a number, figure11.png;
// it reports whether it wrote the plot.
func (r *runner) writeFigure11(t3 *experiments.Table) (bool, error) {
	t, err := r.figure11Table(t3)
	if err != nil {
		return false, err
	}
	if err := r.env.WriteTable(r.env.OutDir, t); err != nil {
		return false, fmt.Errorf("transcriptomics: %w", err)
	}
	lp := experiments.LinePlot{
		Title:   "Figure 11: unconditional W2 vs message-passing layers (GCN, width 32)",
		Caption: fmt.Sprintf("preset %s, %s: %s\ncomputed at %s", r.p.Scale, plural(len(r.reps), "seed"), trainingLine(r.p), strings.Join(shortStates(t.Meta.CodeStates), ", ")),
		XLabel:  "message-passing layers",
		YLabel:  "W2 (unconditional)",
		Log2X:   true,
	}
	for _, g := range Graphs() {
		s := experiments.Series{Name: g.Title()}
		for _, l := range r.p.Fig11Layers {
			y := math.NaN()
			if c := t.Cell("L"+strconv.Itoa(l), string(g)); c != nil {
				if v, ok := c.Values["w2"]; ok {
					y = v
				}
			}
			s.X, s.Y = append(s.X, float64(l)), append(s.Y, y)
		}
		lp.Series = append(lp.Series, s)
	}
	// The random baseline (about 2.4) is far above the networks: it is stated in the caption
	// rather than drawn, which would squash the curves.
	if rnd := randomW2(t3); !math.IsNaN(rnd) {
		lp.Caption += fmt.Sprintf("; random (N(0, 1)): W2 = %.3f, off the scale", rnd)
	}
	if fl, ok, _ := r.cached(floorCell, r.seeds, nil); ok {
		lp.Lines = append(lp.Lines, experiments.HLine{Name: "floor (simulations)", Y: fl.W2})
	}
	if len(t.Missing()) == len(t.Rows)*len(t.Columns) {
		return false, nil
	}
	if err := lp.WritePNG(filepath.Join(r.env.OutDir, "figure11.png"), 6, 4.5); err != nil {
		return false, fmt.Errorf("transcriptomics: %w", err)
	}
	return true, nil
}

// trainingLine summarises Figure 11's training for the plot's caption.
func trainingLine(p Preset) string {
	if p.Fig11Epochs > 0 {
		return fmt.Sprintf("%s on %d graphs, %d %s steps, %d test graphs", plural(p.Fig11Epochs, "epoch"), p.TrainSamples, p.EulerSteps, solverName(p.Solver), p.TestSamples)
	}
	return fmt.Sprintf("%s (batch %d) on %d graphs, %d %s steps, %d test graphs", plural(p.Fig11Steps, "step"), p.BatchSize, p.TrainSamples, p.EulerSteps, solverName(p.Solver), p.TestSamples)
}

// plural returns "1 step" or "n steps".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
