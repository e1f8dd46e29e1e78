package transcriptomics

import (
	"time"

	st "github.com/ncgn/ncgn/datasets/transcriptomics"
	"github.com/ncgn/ncgn/experiments"
)

// work lists the cell replicates a run computes, in order, with their networks (nil for
// cells without one).
type work struct {
	name  string
	rep   Seeds
	model *ModelSpec
}

// plan returns the wanted cell replicates in the order the run computes them.
func (r *runner) plan(want map[string]bool) []work {
	var out []work
	for _, name := range []string{floorCell, ignoreCell} {
		if want[name] {
			out = append(out, work{name: name, rep: r.seeds})
		}
	}
	for _, rep := range r.reps {
		for _, m := range Methods() {
			for _, task := range st.Tasks() {
				if name := table3Cell(task, m); want[name] {
					w := work{name: name, rep: rep}
					if !m.Random {
						s := Table3Model(r.p, rep, m.Graph, m.Conv)
						w.model = &s
					}
					out = append(out, w)
				}
			}
		}
	}
	for _, rep := range r.reps {
		for _, g := range Graphs() {
			for _, l := range r.p.Fig11Layers {
				if name := figure11Cell(g, l); want[name] {
					s := Figure11Model(r.p, rep, g, l)
					out = append(out, work{name: name, rep: rep, model: &s})
				}
			}
		}
	}
	return out
}

// announce logs what the run will do: the cells to compute and those cached, the networks to
// train, where the output goes; and sets the count that the progress lines use.
func (r *runner) announce(want map[string]bool) error {
	var todo, cached int
	nets := map[string]bool{}
	for _, w := range r.plan(want) {
		_, ok, err := r.cached(w.name, w.rep, w.model)
		if err != nil {
			return err
		}
		if ok {
			cached++
			continue
		}
		todo++
		if w.model != nil {
			if _, ok := r.modelRecord(*w.model); !ok {
				nets[w.model.Name()] = true
			}
		}
	}
	r.todo = todo
	r.env.Logf("transcriptomics: preset %s, %d seed(s): %d cell replicates to compute (%d networks to train), %d cached; writing into %s",
		r.p.Scale, len(r.reps), todo, len(nets), cached, r.env.OutDir)
	return nil
}

// progress logs, after a computed cell, the cells done of the run's and an estimate of the
// time left (the mean time per cell so far, networks included).
func (r *runner) progress() string {
	r.done++
	el := time.Since(r.start).Seconds()
	left := "done"
	if r.done < r.todo {
		left = "about " + experiments.FormatSeconds(el/float64(r.done)*float64(r.todo-r.done)) + " left"
	}
	return experiments.FormatSeconds(el) + " elapsed, " + left
}
