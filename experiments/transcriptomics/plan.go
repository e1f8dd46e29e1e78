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
	for _, name := range []string{floorCell, ignoreCell, refNormCell} {
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
		if !r.owned[entryName(w.name, w.rep)] {
			continue
		}
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
	r.env.Logf("transcriptomics: preset %s, %d seed(s), shard %s: %d cell replicates to compute (%d networks to train), %d cached; writing into %s",
		r.p.Scale, len(r.reps), r.env.Shard, todo, len(nets), cached, r.env.OutDir)
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

// unit returns the key of a work item's unit: its network (trained once for the cells that
// use it) or, without one, the cell replicate itself.
func (w work) unit() string {
	if w.model != nil {
		return w.model.Name()
	}
	return entryName(w.name, w.rep)
}

// shardEntries returns the cell replicates of the wanted cells that env.Shard computes: the
// units in plan order, round robin over the shards (experiments.Shard).
func (r *runner) shardEntries(want map[string]bool) map[string]bool {
	units := map[string]int{}
	out := map[string]bool{}
	for _, w := range r.plan(want) {
		k, ok := units[w.unit()]
		if !ok {
			k = len(units)
			units[w.unit()] = k
		}
		if r.env.Shard.Owns(k) {
			out[entryName(w.name, w.rep)] = true
		}
	}
	return out
}

// missing returns the wanted cell replicates that the cache does not hold.
func (r *runner) missing(want map[string]bool) ([]string, error) {
	var out []string
	for _, w := range r.plan(want) {
		_, ok, err := r.cached(w.name, w.rep, w.model)
		if err != nil {
			return nil, err
		}
		if !ok {
			out = append(out, entryName(w.name, w.rep))
		}
	}
	return out, nil
}

// incomplete returns the error of a report run that found cells missing (nil if none).
func incomplete(missing []string) error { return experiments.Incomplete("transcriptomics", missing) }
