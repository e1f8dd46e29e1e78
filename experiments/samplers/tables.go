package samplers

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/stats"
)

// results holds what the cache has of one task: every replicate of every cell, by cell name.
type results struct {
	t    *task
	reps map[string][]experiments.Replicate
	// comps memoises compare by cell (the task table and the cheapest table both ask).
	comps map[string][]stats.Comparison
	// trained holds the networks' training seconds recorded in the cells, by network and
	// replicate.
	trained map[netRep]float64
}

// netRep names one network of one replicate.
type netRep struct {
	n network
	k int
}

// collect reads every cached replicate of task t's cells.
func (r *runner) collect(t *task) (*results, error) {
	res := &results{t: t, reps: map[string][]experiments.Replicate{}, trained: map[netRep]float64{}}
	for k := range r.env.Replicates() {
		for _, n := range networks {
			for _, s := range t.Settings {
				rec, ok, err := r.cached(t, n, k, s)
				if err != nil {
					return nil, err
				}
				if !ok {
					continue
				}
				if rec.TrainSeconds > 0 {
					res.trained[netRep{n, k}] = rec.TrainSeconds
				}
				cell := cellName(t.Name, n, s)
				rep := experiments.Replicate{Index: k, Values: rec.Values, Seconds: rec.Seconds,
					Computed: r.computed[entryName(cell, k)], Commit: rec.Commit, Fingerprint: rec.Fingerprint}
				if len(rec.Boot) > 0 {
					rep.Boots = map[string][]float64{KeyW2: rec.Boot}
				}
				res.reps[cell] = append(res.reps[cell], rep)
			}
		}
	}
	return res, nil
}

// mean returns the mean over replicates of metric key in cell (NaN without any).
func (res *results) mean(cell, key string) float64 {
	var sum float64
	var n int
	for _, rep := range res.reps[cell] {
		if v, ok := rep.Values[key]; ok {
			sum, n = sum+v, n+1
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// qualityKeys are the task's quality metrics (all but NFE and seconds), W2 first.
func (t *task) qualityKeys() []string {
	var out []string
	for _, m := range t.Metrics {
		if m.Key != KeyNFE && m.Key != KeySeconds {
			out = append(out, m.Key)
		}
	}
	return out
}

// compare returns the paired comparisons of setting s against the paper's sampler on network
// n, one per quality metric (those with a shared replicate), named as cells of the task's
// table ("SETTING/NETWORK").
func (res *results) compare(n network, s Setting) ([]stats.Comparison, error) {
	a, b := cellName(res.t.Name, n, s), cellName(res.t.Name, n, res.t.Paper)
	if c, ok := res.comps[a]; ok {
		return c, nil
	}
	var out []stats.Comparison
	for _, key := range res.t.qualityKeys() {
		c, ok, err := experiments.ComparePaired(s.Key()+"/"+n.Key(), res.t.Paper.Key()+"/"+n.Key(), key, res.reps[a], res.reps[b], nil, nil)
		if err != nil {
			return nil, fmt.Errorf("samplers: %w", err)
		}
		if ok {
			out = append(out, c)
		}
	}
	if res.comps == nil {
		res.comps = map[string][]stats.Comparison{}
	}
	res.comps[a] = out
	return out, nil
}

// match is the outcome of comparing a setting with the paper's sampler on one network.
type match struct {
	s     Setting
	nfe   float64
	comps []stats.Comparison
	// worse names the metrics on which the setting is resolved worse than the paper's sampler.
	worse []string
}

// matches returns, for network n, every setting that has results, cheapest first (mean NFE,
// then W2), with its comparisons against the paper's sampler.
func (res *results) matches(n network) ([]match, error) {
	var out []match
	for _, s := range res.t.Settings {
		cell := cellName(res.t.Name, n, s)
		if len(res.reps[cell]) == 0 {
			continue
		}
		m := match{s: s, nfe: res.mean(cell, KeyNFE)}
		if s != res.t.Paper {
			comps, err := res.compare(n, s)
			if err != nil {
				return nil, err
			}
			if len(comps) == 0 {
				continue // no replicate shared with the paper's sampler: nothing to judge
			}
			m.comps = comps
			for _, c := range comps {
				if c.Resolved && c.Diff > 0 {
					m.worse = append(m.worse, c.Metric)
				}
			}
		}
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b match) int {
		if c := cmp.Compare(a.nfe, b.nfe); c != 0 {
			return c
		}
		return cmp.Compare(res.mean(cellName(res.t.Name, n, a.s), KeyW2), res.mean(cellName(res.t.Name, n, b.s), KeyW2))
	})
	return out, nil
}

// cheapest returns the cheapest setting not resolved worse than the paper's sampler on any
// quality metric (the paper's sampler itself when none is), and whether the paper's sampler
// has results at all.
func (res *results) cheapest(n network) (match, bool, error) {
	if len(res.reps[cellName(res.t.Name, n, res.t.Paper)]) == 0 {
		return match{}, false, nil
	}
	ms, err := res.matches(n)
	if err != nil {
		return match{}, false, err
	}
	for _, m := range ms {
		if len(m.worse) == 0 {
			return m, true, nil
		}
	}
	return match{}, false, nil // unreachable: the paper's sampler has no comparison, so nothing worse

}

// taskTable returns the table of task t: every setting (rows) × network (columns).
func (r *runner) taskTable(res *results) (*experiments.Table, error) {
	t := res.t
	tb := &experiments.Table{
		Name:     t.Name,
		Title:    fmt.Sprintf("Samplers on %s: quality against network evaluations", t.Title),
		RowTitle: "sampler",
		Metrics:  t.Metrics,
	}
	for _, n := range networks {
		tb.Columns = append(tb.Columns, experiments.Header{Key: n.Key(), Title: n.Title()})
	}
	var seconds float64
	for _, s := range t.Settings {
		title := s.Title()
		switch s {
		case t.Paper:
			title += " (the paper's)"
		case t.Tables:
			title += fmt.Sprintf(" (experiment %s's tables at this preset)", t.Name)
		}
		tb.Rows = append(tb.Rows, experiments.Header{Key: s.Key(), Title: title})
		for _, n := range networks {
			name := cellName(t.Name, n, s)
			reps := res.reps[name]
			if len(reps) == 0 {
				continue
			}
			c := experiments.Cell{Row: s.Key(), Column: n.Key(), Name: name}
			keys := make([]string, len(t.Metrics))
			for i, m := range t.Metrics {
				keys[i] = m.Key
			}
			seconds += c.Fill(reps, keys...)
			if s == t.Paper {
				if v, ok := t.PaperW2[n.Key()]; ok {
					c.Paper = &v
				}
			}
			tb.Set(c)
		}
	}
	for _, n := range networks {
		for _, s := range t.Settings {
			if s == t.Paper {
				continue
			}
			comps, err := res.compare(n, s)
			if err != nil {
				return nil, err
			}
			tb.Comparisons = append(tb.Comparisons, comps...)
		}
	}
	trainedSeconds, trainedCount := 0.0, 0
	for k := range r.env.Replicates() {
		for _, n := range networks {
			sec, ok := t.Trained(n, k)
			if !ok {
				sec, ok = res.trained[netRep{n, k}]
			}
			if ok {
				trainedSeconds += sec
				trainedCount++
			}
		}
	}
	tb.Notes = []string{
		fmt.Sprintf("Each cell: one sample per test sample drawn with the row's sampler from the column's network, the same sampling seed for every sampler of a seed; means over %d training seed(s) with the 95 %% Student-t interval. The paper's number (with its own sampler, its own data and training) stands beside the paper's sampler only; it is not comparable in absolute value at this preset.", r.env.Replicates()),
		fmt.Sprintf("Networks: %s. They are experiment %s's, shared with it through its cache; their training (%d network(s) found, %s in all) is not counted in the wall time above, which is sampling and scoring.",
			t.Data, t.Name, trainedCount, experiments.FormatSeconds(trainedSeconds)),
		"Comparisons: every sampler against the paper's (A − B, paired over seeds and, for W2, over resamples of the test set); a sampler is resolved worse only where the interval lies above 0.",
	}
	tb.Meta = r.meta(t.Data, seconds)
	return tb, nil
}

// cheapestTable returns the table of the cheapest sampler that matches the paper's per task
// and network, and one sentence per row saying what was compared.
func (r *runner) cheapestTable(all []*results) (*experiments.Table, error) {
	tb := &experiments.Table{
		Name:     "cheapest",
		Title:    "The cheapest sampler that matches the paper's",
		RowTitle: "task, network: sampler",
		Columns:  []experiments.Header{{Key: "paper", Title: "the paper's sampler"}, {Key: "cheapest", Title: "cheapest match"}},
	}
	tb.Metrics = []experiments.Metric{
		{Key: KeyW2, Title: "W2", Description: "the task's W2 (ModelNet40: the paper's flattened W2 × 10², Table 1's unit; transcriptomics: Table 3's unconditional W2); lower is better", Digits: 3},
		{Key: KeyNNACD, Title: "1-NNA-CD %", Description: "ModelNet40 only: 1-nearest-neighbour accuracy with the Chamfer distance, percent; 50 is ideal", Digits: 1},
		{Key: KeyNFE, Title: "NFE", Description: "network evaluations per sample batch", Digits: 1},
		{Key: KeySeconds, Title: "seconds", Description: "wall time of sampling the test set's size of samples", Digits: 1},
	}
	var data []string
	var seconds float64
	for _, res := range all {
		t := res.t
		data = append(data, t.Title+": "+t.Data)
		for _, n := range networks {
			best, ok, err := res.cheapest(n)
			if err != nil {
				return nil, err
			}
			row := t.Name + "-" + n.Key()
			if !ok {
				tb.Rows = append(tb.Rows, experiments.Header{Key: row, Title: fmt.Sprintf("%s, %s: not computed yet", t.Title, n.Title())})
				continue
			}
			title := fmt.Sprintf("%s, %s: %s (paper's: %s)", t.Title, n.Title(), best.s.Title(), t.Paper.Title())
			if best.s == t.Paper {
				title = fmt.Sprintf("%s, %s: the paper's %s (no cheaper sampler matches)", t.Title, n.Title(), t.Paper.Title())
			}
			tb.Rows = append(tb.Rows, experiments.Header{Key: row, Title: title})
			keys := make([]string, len(t.Metrics))
			for i, m := range t.Metrics {
				keys[i] = m.Key
			}
			for _, cs := range []struct {
				col string
				s   Setting
			}{{"paper", t.Paper}, {"cheapest", best.s}} {
				col, s := cs.col, cs.s
				c := experiments.Cell{Row: row, Column: col, Name: cellName(t.Name, n, s)}
				seconds += c.Fill(res.reps[cellName(t.Name, n, s)], keys...)
				if col == "paper" {
					if v, ok := t.PaperW2[n.Key()]; ok {
						c.Paper = &v
					}
				}
				tb.Set(c)
			}
			for _, c := range best.comps {
				c.A, c.B = row+"/cheapest", row+"/paper"
				tb.Comparisons = append(tb.Comparisons, c)
			}
			tb.Notes = append(tb.Notes, r.cheapestNote(res, n, best))
		}
	}
	tb.Notes = append([]string{"A sampler matches the paper's when none of the task's quality metrics is resolved worse (the 95 % interval of the paired difference over seeds and test resamples reaches 0 or below); the cheapest is the one with the fewest network evaluations per batch among those that match. With few seeds the intervals are wide, so \"matches\" means \"not shown worse\", not \"shown equal\"."}, tb.Notes...)
	tb.Meta = r.meta(strings.Join(data, "; "), seconds)
	return tb, nil
}

// cheapestNote says in one sentence what the cheapest match of network n saves.
func (r *runner) cheapestNote(res *results, n network, best match) string {
	t := res.t
	paperCell := cellName(t.Name, n, t.Paper)
	head := fmt.Sprintf("%s, %s: ", t.Title, n.Title())
	if best.s == t.Paper {
		return head + "no cheaper sampler matches " + t.Paper.Title() + "."
	}
	bestCell := cellName(t.Name, n, best.s)
	var diffs []string
	for _, c := range best.comps {
		diffs = append(diffs, fmt.Sprintf("%s difference %+.4f [%.4f, %.4f]", c.Metric, c.Diff, c.Lo, c.Hi))
	}
	return head + fmt.Sprintf("%s matches %s (%s) with %.3g× fewer network evaluations (%.4g against %.4g) and %.3g× less sampling time.",
		best.s.Title(), t.Paper.Title(), strings.Join(diffs, "; "), res.mean(paperCell, KeyNFE)/best.nfe, best.nfe, res.mean(paperCell, KeyNFE),
		res.mean(paperCell, KeySeconds)/res.mean(bestCell, KeySeconds))
}

// write writes the tables and figures of the opened tasks and the cheapest table.
func (r *runner) write() error {
	var all []*results
	for _, name := range taskNames {
		t := r.tasks[name]
		if t == nil {
			continue
		}
		res, err := r.collect(t)
		if err != nil {
			return err
		}
		all = append(all, res)
		tb, err := r.taskTable(res)
		if err != nil {
			return err
		}
		if err := r.env.WriteTable(r.env.OutDir, tb); err != nil {
			return fmt.Errorf("samplers: %w", err)
		}
		if err := r.figures(res); err != nil {
			return err
		}
	}
	if len(all) == 0 {
		return nil
	}
	tb, err := r.cheapestTable(all)
	if err != nil {
		return err
	}
	if err := r.env.WriteTable(r.env.OutDir, tb); err != nil {
		return fmt.Errorf("samplers: %w", err)
	}
	return nil
}
