package modelnet40

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/schedules"
)

// tableMetrics are the metrics of both tables, W2 (the paper's) first.
func tableMetrics(p Preset) []experiments.Metric {
	ms := []experiments.Metric{{Key: KeyW2, Title: "W2 × 10⁻², the paper's metric",
		Description: fmt.Sprintf("Exact optimal-transport cost between the set of generated clouds and the set of test clouds, each cloud flattened to one %d-vector in point order (Euclidean ground cost, uniform weights), divided by %d points, × 10². Order-dependent: a generated cloud's point order is arbitrary. Lower is better.", 3*p.Points, p.Points)}}
	ms = append(ms, experiments.Metric{Key: KeySpread, Title: "spread × 10⁻²",
		Description: "Root mean square distance of the generated points from the origin × 10² (the test clouds are centred): the quantity the paper's W2 mostly measures; real clouds give the training-clouds column's value. Closer to it is better.", Digits: 2})
	if !p.SetMetrics {
		return ms
	}
	return append(ms,
		experiments.Metric{Key: KeyMMDCD, Title: "MMD-CD × 10³", Description: "PointFlow's minimum matching distance under Chamfer distance (squared distances, means, both directions): mean over test clouds of the distance to the nearest generated cloud. Lower is better."},
		experiments.Metric{Key: KeyCOVCD, Title: "COV-CD, %", Description: "Share of test clouds that are the nearest (Chamfer) of at least one generated cloud. Higher is better.", Digits: 1},
		experiments.Metric{Key: KeyNNACD, Title: "1-NNA-CD, %", Description: "Leave-one-out accuracy of the 1-nearest-neighbour classifier (Chamfer) telling generated from test clouds: 50 is ideal, 100 trivially separable.", Digits: 1},
		experiments.Metric{Key: KeyMMDEMD, Title: "MMD-EMD × 10²", Description: "Minimum matching distance under the exact EMD (Euclidean, matching cost / points). Lower is better."},
		experiments.Metric{Key: KeyCOVEMD, Title: "COV-EMD, %", Description: "Coverage under EMD. Higher is better.", Digits: 1},
		experiments.Metric{Key: KeyNNAEMD, Title: "1-NNA-EMD, %", Description: "1-NNA under EMD: 50 is ideal.", Digits: 1},
	)
}

// replicates returns the cached records of every replicate of method m as table replicates
// (missing ones left out), and the records of the networks they used.
func (r *runner) replicates(m Method) ([]experiments.Replicate, error) {
	var out []experiments.Replicate
	for _, rep := range r.reps {
		rec, ok, err := r.cached(m, rep)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		out = append(out, experiments.Replicate{Index: rep.Replicate, Values: rec.Values, Boots: rec.Boots, Seconds: rec.Seconds,
			Computed: r.computed[entryName(m.Cell(r.ref), rep)], Commit: rec.Commit, Fingerprint: rec.Fingerprint})
	}
	return out, nil
}

// fill fills the cell of method m and returns its replicates and computation time (the cell's
// and its networks' training).
func (r *runner) fill(cell *experiments.Cell, m Method) ([]experiments.Replicate, float64, error) {
	reps, err := r.replicates(m)
	if err != nil {
		return nil, 0, err
	}
	keys := append([]string{KeyW2, KeySpread}, SetKeys...)
	seconds := cell.Fill(reps, keys...)
	for _, rep := range reps {
		if ms := r.model(m, r.reps[rep.Index]); ms != nil {
			if key, err := ms.Key(r.code.Fingerprint); err == nil {
				if rec, ok := r.nets.Record(ms.Name(), key); ok {
					seconds += rec.Seconds
				}
			}
		}
	}
	return reps, seconds, nil
}

// table1 assembles Table 1 from the cache.
func (r *runner) table1() (*experiments.Table, error) {
	t := &experiments.Table{Name: "table1", Title: "Table 1: 3-D shape generation on ModelNet40, GCN and GAT on four graphs (paper Section 5.1)",
		RowTitle: "layer", Metrics: tableMetrics(r.p)}
	for _, b := range Baselines {
		t.Columns = append(t.Columns, experiments.Header{Key: string(b), Title: b.Title()})
	}
	for _, g := range Table1Graphs {
		t.Columns = append(t.Columns, experiments.Header{Key: string(g), Title: g.Title()})
	}
	var compute float64
	recs := map[string][]experiments.Replicate{}
	for _, c := range Convs {
		t.Rows = append(t.Rows, experiments.Header{Key: string(c), Title: c.Title()})
		for _, col := range t.Columns {
			m := Method{Baseline: Baseline(col.Key)}
			if !slices.Contains(Baselines, m.Baseline) {
				m = Table1Method(c, graphs.Kind(col.Key), r.ref)
			}
			cell := experiments.Cell{Row: string(c), Column: col.Key, Name: m.Cell(r.ref)}
			if paper, ok := PaperTable1[c][col.Key]; ok {
				cell.Paper = &paper
			}
			reps, s, err := r.fill(&cell, m)
			if err != nil {
				return nil, err
			}
			if m.Baseline == "" || c == Convs[0] { // a baseline is one cell shown in both rows
				compute += s
			}
			recs[string(c)+"/"+col.Key] = reps
			t.Set(cell)
		}
	}
	for _, c := range Convs {
		for _, pair := range [][2]string{{"dmp", "knn"}, {"dmp", "long-short"}, {"long-short", "knn"}} {
			if err := r.compare(t, string(c)+"/"+pair[0], string(c)+"/"+pair[1], recs, PaperTable1[c][pair[0]], PaperTable1[c][pair[1]]); err != nil {
				return nil, err
			}
		}
	}
	t.Meta = r.meta(compute)
	t.Notes = r.notes("Table 1")
	return t, nil
}

// table2 assembles Table 2 from the cache: DMP GAT with each schedule, and with the exp
// schedule in the other diffusion orientation.
func (r *runner) table2() (*experiments.Table, error) {
	t := &experiments.Table{Name: "table2", Title: "Table 2: DMP GAT on ModelNet40 with the four adaptive schedules (paper Section 5.1.1)",
		RowTitle: "network", Metrics: tableMetrics(r.p)}
	t.Rows = []experiments.Header{{Key: "gat-dmp", Title: "DMP GAT"}}
	var compute float64
	recs := map[string][]experiments.Replicate{}
	other := Table2Method(schedules.Exp, !r.ref)
	var methods []Method
	for _, s := range schedules.Kinds {
		methods = append(methods, Table2Method(s, r.ref))
	}
	methods = append(methods, other)
	for _, m := range methods {
		col := string(m.Schedule)
		title := string(m.Schedule)
		var paper *float64
		if m == other {
			col = "exp-" + map[bool]string{true: "reference", false: "paper"}[m.ReferenceOrientation] + "-orientation"
			title = "exp, " + map[bool]string{true: "reference", false: "paper"}[m.ReferenceOrientation] + " orientation"
		} else {
			v := PaperTable2[m.Schedule]
			paper = &v
		}
		t.Columns = append(t.Columns, experiments.Header{Key: col, Title: title})
		cell := experiments.Cell{Row: "gat-dmp", Column: col, Paper: paper, Name: m.Cell(r.ref)}
		reps, s, err := r.fill(&cell, m)
		if err != nil {
			return nil, err
		}
		if m.Schedule != schedules.Exp || m == other { // exp is Table 1's DMP GAT, counted there
			compute += s
		}
		recs["gat-dmp/"+col] = reps
		t.Set(cell)
	}
	for _, s := range []schedules.Kind{schedules.Linear, schedules.Log, schedules.ReLU} {
		if err := r.compare(t, "gat-dmp/exp", "gat-dmp/"+string(s), recs, PaperTable2[schedules.Exp], PaperTable2[s]); err != nil {
			return nil, err
		}
	}
	oc := t.Columns[len(t.Columns)-1].Key
	if err := r.compareOnly(t, "gat-dmp/exp", "gat-dmp/"+oc, recs); err != nil {
		return nil, err
	}
	t.Meta = r.meta(compute)
	t.Notes = r.notes("Table 2")
	return t, nil
}

// compare adds the paired comparisons of cells a and b ("row/column"): W2 judged against the
// paper's numbers pa and pb, and MMD-EMD, which the paper does not report.
func (r *runner) compare(t *experiments.Table, a, b string, recs map[string][]experiments.Replicate, pa, pb float64) error {
	c, ok, err := experiments.ComparePaired(a, b, KeyW2, recs[a], recs[b], &pa, &pb)
	if err != nil {
		return err
	}
	if ok {
		t.Comparisons = append(t.Comparisons, c)
	}
	if !r.p.SetMetrics {
		return nil
	}
	c, ok, err = experiments.ComparePaired(a, b, KeyMMDEMD, recs[a], recs[b], nil, nil)
	if err != nil {
		return err
	}
	if ok {
		t.Comparisons = append(t.Comparisons, c)
	}
	return nil
}

// compareOnly adds the W2 and MMD-EMD comparisons of a and b, which the paper does not make.
func (r *runner) compareOnly(t *experiments.Table, a, b string, recs map[string][]experiments.Replicate) error {
	for _, k := range []string{KeyW2, KeyMMDEMD} {
		if k == KeyMMDEMD && !r.p.SetMetrics {
			continue
		}
		c, ok, err := experiments.ComparePaired(a, b, k, recs[a], recs[b], nil, nil)
		if err != nil {
			return err
		}
		if ok {
			t.Comparisons = append(t.Comparisons, c)
		}
	}
	return nil
}

// notes returns the paragraphs under a table's title: the protocol, the conventions, what the
// random baseline is, and the training of the networks.
func (r *runner) notes(which string) []string {
	p := r.p
	train := fmt.Sprintf("%d steps", p.Steps)
	if p.Epochs > 0 {
		train = fmt.Sprintf("%d epochs", p.Epochs)
	}
	orient := "the paper's orientation (t = 0 noise, t = 1 data: coarse graphs at high noise)"
	if r.ref {
		orient = "the reference code's inverted orientation (docs/REFERENCE.md §1: full resolution at the highest noise, the coarsest graph near the data)"
	}
	sampler := "DDPM"
	if p.Sampler == generative.SamplerDDIM {
		sampler = "DDIM (η = 0, the named option --sampler ddim; the paper samples with DDPM)"
	}
	clip := "[-1, 1] (diffusers' default, the reference's)"
	if p.ClipRange > 0 {
		clip = fmt.Sprintf("[-%.2f, %.2f], the data's box (the named option --clip data; the reference clips to [-1, 1])", p.ClipRange, p.ClipRange)
	}
	notes := []string{
		fmt.Sprintf("Protocol: one network per cell, the reference architecture (width %d, %d layers, k = %d; DMP with the reference's float voxels per dimension), "+
			"trained with DDPM (T = %d, linear betas 1e-4..0.02, ε prediction) in %s, %s at batch %d, Adam lr %g, warm-up %d steps, EMA %g, "+
			"training clouds in their stored (class) order as the reference's loaders give them; it generates as many clouds as there are test clouds "+
			"with its EMA weights in %d %s steps (evenly spaced over the %d indices), the x0 prediction of each step clipped to %s. The paper: 9843 training clouds, 300 epochs at batch 128, lr 1e-4, 1000 sampling steps, 2232 test clouds.",
			p.Width, p.Layers, p.K, p.Timesteps, orient, train, p.BatchSize, p.LR, p.Warmup, p.EMADecay, p.SamplingSteps, sampler, p.Timesteps, clip),
		"Random: every coordinate drawn from N(0, 1), the DDPM prior (zero denoising steps); this is what gives the paper's 8.624 (the same number for GCN and GAT). One cell, shown in both rows.",
		"Calibration columns (not in the paper; one cell each, shown in both rows): origin, every point at the origin; training clouds, real training clouds (as many as the test clouds, drawn per seed), what a perfect generator would score. With arbitrary point order the paper's W2 is about √((s_g + s_x) / n) (s: mean squared distance of a point from the origin, generated and test), a measure of spread: the origin beats real clouds on it, so read W2 beside the spread row and judge shape by the set metrics (docs/experiments.md, \"What the paper's W2 measures\").",
		"Clouds are scored as they are: test clouds centred at their mean and scaled so that their largest |coordinate| is 0.25 (the reference's normalisation), generated clouds as the network produced them (not normalised again). Set metrics follow PointFlow's definitions computed exactly (docs/metrics.md).",
		"Each cell: ours (paper); ours is the mean over training seeds ± the half-width of its 95 % Student-t interval (n = seeds). A comparison is resolved when the 95 % interval of the paired difference (over seeds and bootstrap resamples of the test clouds) excludes 0; only resolved comparisons are read as orderings.",
	}
	if p.BatchStats {
		notes = append(notes, "Named option --norm batch: sampling normalises with each sampling batch's own statistics (as in training) instead of the running estimates of training, the reference's way. The reference network shares one BatchNorm across the layers of each MLP, so its running estimates mix the statistics of different layers; this option shows what sampling with the running estimates costs. Generated clouds then depend on the batch they were drawn in.")
	}
	if p.ClipRange > 0 {
		notes = append(notes, "Named option --clip data: each DDPM step clips its x0 prediction to the data's box instead of [-1, 1]. The reference keeps diffusers' range 1, made for data in [-1, 1], while its clouds lie in [-0.25, 0.25]; at high noise the network's x0 predictions are poor and range-1 clipping lets them place points up to four times outside the box, which the later, low-noise steps do not pull back (docs/experiments.md, \"Why the clouds are blobs\").")
	}
	if r.p.SetMetrics && r.p.SetClouds > 0 && r.p.SetClouds < r.p.TestClouds {
		notes = append(notes, fmt.Sprintf("Set metrics (MMD, COV, 1-NNA) on %d of the generated and %d of the test clouds, spread evenly over the sets (exact EMD on all pairs of all clouds would take too long on this machine); W2 on all of them.", r.p.SetClouds, r.p.SetClouds))
	}
	if which == "Table 2" {
		notes = append(notes, "The exp column is Table 1's DMP GAT (the same cell). The last column is DMP GAT (exp) trained and sampled in the other diffusion orientation: with the reference's inverted time the schedule gives full resolution at the highest noise and the coarsest graph near the data (docs/REFERENCE.md §1, §9), the reverse of the paper's design; it shows what that defect does. The paper has no number for it.")
	}
	if r.data != nil && r.data.Source == "stored" {
		notes = append(notes, "The data are stored surface samples, not the mesh vertices of the official archive the paper uses: absolute W2 values are not comparable to the paper's to the digit, only orderings are.")
	}
	var parts []string
	for _, m := range Methods(r.ref) {
		ms := r.model(m, r.seeds)
		if ms == nil {
			continue
		}
		if key, err := ms.Key(r.code.Fingerprint); err == nil {
			if rec, ok := r.nets.Record(ms.Name(), key); ok {
				parts = append(parts, fmt.Sprintf("%s %s (final loss %.4f, %d parameters)", m.Title(), experiments.FormatSeconds(rec.Seconds), rec.FinalLoss, rec.Params))
			}
		}
	}
	if len(parts) > 0 {
		notes = append(notes, "Training wall time per network (first seed): "+strings.Join(parts, "; ")+".")
	}
	return notes
}

// write writes both tables and the pictures of every method computed so far.
func (r *runner) write(ctx context.Context) error {
	for _, build := range []func() (*experiments.Table, error){r.table1, r.table2} {
		t, err := build()
		if err != nil {
			return err
		}
		if err := r.env.WriteTable(r.dir, t); err != nil {
			return fmt.Errorf("modelnet40: %w", err)
		}
	}
	return r.writePictures(ctx)
}
