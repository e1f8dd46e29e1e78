package dit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/models"
	"gorgonia.org/tensor"
)

// Compute metric keys of Table 4 (per network evaluation of one image, averaged over the
// DDPM indices).
const (
	KeyPairs  = "pairs"
	KeyGFLOPs = "gflops"
)

// write assembles Table 4 from the cache and writes it.
func (r *runner) write() error {
	g := r.p.Sample.Guidance
	t := &experiments.Table{
		Name:     "table4",
		Title:    "Table 4: DiT against DiT-DMP (paper Section 5.3), metrics on a classifier's features",
		RowTitle: "model",
		Rows:     []experiments.Header{{Key: string(ModelDiT), Title: "DiT (patch " + fmt.Sprint(r.p.Patch) + ", full attention)"}, {Key: string(ModelDiTDMP), Title: "DiT-DMP (" + r.p.Windows + " windows)"}, {Key: "data", Title: "held-out real images"}},
		Columns:  []experiments.Header{{Key: "unguided", Title: "no guidance"}, {Key: "guided", Title: fmt.Sprintf("guidance %g", g)}},
		Metrics: []experiments.Metric{
			{Key: KeyFID, Title: "FID (classifier features)", Description: "Fréchet distance between Gaussians fitted to the classifier's hidden features of the generated and the reference images; lower is better", Digits: 3},
			{Key: KeySFID, Title: "sFID (classifier spatial features)", Description: fmt.Sprintf("the same on the first %d per-patch features of the classifier's spatial layer; lower is better", sfidChannels), Digits: 3},
			{Key: KeyIS, Title: "IS (classifier)", Description: "Inception Score on the classifier's class probabilities (between 1 and the number of classes); higher is better", Digits: 3},
			{Key: KeyPrecision, Title: "precision", Description: "Kynkäänniemi et al.'s precision (k = 3) on the hidden features; higher is better", Digits: 3},
			{Key: KeyRecall, Title: "recall", Description: "Kynkäänniemi et al.'s recall (k = 3) on the hidden features; higher is better", Digits: 3},
			{Key: KeyPairs, Title: "attention pairs per evaluation", Description: "query-key pairs per head and block of one network evaluation of one image, averaged over the DDPM indices", Digits: 0},
			{Key: KeyGFLOPs, Title: "GFLOPs per evaluation", Description: "floating-point operations of one network evaluation of one image (linear layers and attention), averaged over the DDPM indices", Digits: 3},
		},
	}
	costs := map[Model]Cost{}
	cfg := r.p.ditConfig(r.data.Train.Channels, r.data.Train.Size, r.data.Train.Classes)
	for _, m := range Models {
		ps, _ := layers.NewParams(tensor.Float32, 1)
		net, err := newNetwork(ps, m, cfg, r.p.Windows, r.p.Train.Timesteps)
		if err != nil {
			return err
		}
		if costs[m], err = modelCost(net, cfg, r.p.Train.Timesteps); err != nil {
			return err
		}
	}
	// DiT-DMP's compute under the other window setting, for the notes (no network of it needed).
	other := models.WindowsReference
	if r.p.Windows == models.WindowsReference {
		other = models.WindowsMatched
	}
	ps, _ := layers.NewParams(tensor.Float32, 1)
	otherNet, err := newNetwork(ps, ModelDiTDMP, cfg, other, r.p.Train.Timesteps)
	if err != nil {
		return err
	}
	otherCost, err := modelCost(otherNet, cfg, r.p.Train.Timesteps)
	if err != nil {
		return err
	}
	var seconds float64
	reps := map[string][]experiments.Replicate{}
	bandReps := map[Model][]experiments.Replicate{} // each model's cell records, for writeBands
	for _, w := range r.work(CellNames()) {
		cell, rep, row := w.cell, w.rep, strings.TrimPrefix(w.cell, "table4/")
		rec, ok, err := r.cached(cell, rep)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if cell != cellData {
			bandReps[Model(row)] = append(bandReps[Model(row)], experiments.Replicate{Index: rep.Replicate, Values: rec.Values,
				Computed: r.computed[entryName(cell, rep)], Commit: rec.Commit, Fingerprint: rec.Fingerprint})
		}
		for _, col := range []string{"unguided", "guided"} {
			suffix := map[string]string{"unguided": "", "guided": guidedSuffix}[col]
			v := map[string]float64{}
			for _, k := range []string{KeyFID, KeySFID, KeyIS, KeyPrecision, KeyRecall} {
				if x, ok := rec.Values[k+suffix]; ok {
					v[k] = x
				}
			}
			if c, ok := costs[Model(row)]; ok {
				v[KeyPairs], v[KeyGFLOPs] = c.Pairs, c.FLOPs/1e9
			}
			reps[row+"/"+col] = append(reps[row+"/"+col], experiments.Replicate{Index: rep.Replicate, Values: v, Seconds: rec.Seconds / 2,
				Computed: r.computed[entryName(cell, rep)], Commit: rec.Commit, Fingerprint: rec.Fingerprint})
		}
	}
	keys := []string{KeyFID, KeySFID, KeyIS, KeyPrecision, KeyRecall, KeyPairs, KeyGFLOPs}
	for _, row := range t.Rows {
		for _, col := range t.Columns {
			rs := reps[row.Key+"/"+col.Key]
			if len(rs) == 0 {
				continue
			}
			c := experiments.Cell{Row: row.Key, Column: col.Key, Name: "table4/" + row.Key}
			seconds += c.Fill(rs, keys...)
			if col.Key == "guided" {
				if v, ok := PaperTable4[KeyFID][Model(row.Key)]; ok {
					c.Paper = &v
				}
			}
			t.Set(c)
		}
	}
	for _, col := range []string{"unguided", "guided"} {
		for _, k := range []string{KeyFID, KeySFID, KeyIS, KeyPrecision, KeyRecall} {
			var pa, pb *float64
			if a, ok := PaperTable4[k][ModelDiTDMP]; ok {
				b := PaperTable4[k][ModelDiT]
				pa, pb = &a, &b
			}
			c, ok, err := experiments.ComparePaired(string(ModelDiTDMP)+"/"+col, string(ModelDiT)+"/"+col, k, reps[string(ModelDiTDMP)+"/"+col], reps[string(ModelDiT)+"/"+col], pa, pb)
			if err != nil {
				return err
			}
			if ok {
				t.Comparisons = append(t.Comparisons, c)
			}
		}
	}
	var trained []string
	for _, m := range Models {
		for _, rep := range r.reps {
			key, err := r.netKey(m, rep)
			if err != nil {
				return err
			}
			var nr netRecord
			if ok, _ := r.cache.Load(netName(m, rep), key, &nr); ok {
				seconds += nr.Seconds
				trained = append(trained, fmt.Sprintf("%s %s (%d parameters, loss %.4f)", netName(m, rep), experiments.FormatSeconds(nr.Seconds), nr.Params, nr.Loss))
			}
		}
	}
	t.Notes = r.notes(costs, other, otherCost, trained)
	t.Meta = r.meta(seconds)
	if err := r.env.WriteTable(r.dir, t); err != nil {
		return fmt.Errorf("dit: %w", err)
	}
	return r.writeBands(bandReps)
}

// sigmaLoss and sigmaSampling describe the variances in the notes.
func sigmaLoss(learned bool) string {
	if learned {
		return " plus improved DDPM's variational bound on learned variances with the mean held fixed (DiT's learn_sigma and hybrid loss, the reference's)"
	}
	return " only (--variance fixed: no learned variances; the reference's DiT learns them)"
}

func sigmaSampling(learned bool) string {
	if learned {
		return "each step's variance interpolated by the network between the posterior's and β"
	}
	return "the posterior variance"
}

// notes explain Table 4: what was trained and how, the metrics' network, the paper's numbers,
// the compute per patch size.
func (r *runner) notes(costs map[Model]Cost, other string, otherCost Cost, trained []string) []string {
	p := r.p
	var paper []string
	for _, k := range []string{KeyFID, KeySFID, KeyIS, KeyPrecision, KeyRecall} {
		paper = append(paper, fmt.Sprintf("%s %.3f → %.3f", k, PaperTable4[k][ModelDiT], PaperTable4[k][ModelDiTDMP]))
	}
	var perPatch []string
	for _, m := range Models {
		c := costs[m]
		ps := make([]int, 0, len(c.ByPatch))
		for q := range c.ByPatch {
			ps = append(ps, q)
		}
		slices.Sort(ps)
		slices.Reverse(ps)
		var parts []string
		for _, q := range ps {
			pc := c.ByPatch[q]
			parts = append(parts, fmt.Sprintf("patch %d on %.1f %% of the steps: %.0f tokens, %.0f pairs, %.4f GFLOPs", q, 100*c.Share[q], pc.Tokens, pc.Pairs, pc.FLOPs/1e9))
		}
		perPatch = append(perPatch, fmt.Sprintf("%s: %s", m.Title(), strings.Join(parts, "; ")))
	}
	ratio := costs[ModelDiTDMP].FLOPs / costs[ModelDiT].FLOPs
	cls := "not trained in this run (every cell cached)"
	if r.clsRec.Steps > 0 {
		cls = fmt.Sprintf("%.1f %% right on the reference images after %d steps", 100*r.clsRec.Accuracy, r.clsRec.Steps)
	}
	tr := strings.Join(trained, "; ")
	if tr == "" {
		tr = "none trained yet"
	}
	return []string{
		fmt.Sprintf("Protocol: class-conditional DDPM (T = %d, linear betas) ε-prediction with MSE%s, %d steps at batch %d, Adam lr %g, EMA %g, label dropout %g; DiT-DMP draws one step per batch (the reference's), DiT one per image. Both networks: width %d, depth %d, %d heads, patch %d (DiT-DMP: patches %d down to 1 by noise level through the paper's schedule, curvature 10). Sampling: %d DDPM steps over the %d (%s), %d images per model (labels cycling over the classes), with and without classifier-free guidance (scale %g, on every channel).",
			p.Train.Timesteps, sigmaLoss(p.LearnSigma), p.Train.Steps, p.Train.BatchSize, p.Train.LR, p.Train.EMADecay, p.Train.LabelDropout, p.Hidden, p.Depth, p.Heads, p.Patch, p.Patch, p.Sample.Steps, p.Sample.Timesteps, sigmaSampling(p.LearnSigma), p.GenImages, p.Sample.Guidance),
		fmt.Sprintf("Metrics: no Inception network is available, so every metric is computed on a classifier trained here on the training images (models.Classifier: 4 × 4 patch features, width %d, hidden %d; %s); the reference set is %d real images. They are not comparable in absolute value with the paper's, which are on ImageNet 256 with Inception features (DiT %s DiT-DMP: %s; the paper's FID stands beside our guided column, the reference sampler's default). The held-out real images give the metrics' floor.",
			p.Classifier.Width, p.Classifier.Hidden, cls, r.data.Ref.Len(), "→", strings.Join(paper, ", ")),
		fmt.Sprintf("Compute per network evaluation of one image (%s windows): %s. DiT-DMP costs %.2f× DiT's FLOPs and %.2f× its attention pairs on average; with the %s windows it would compute %.0f pairs (%.2f× DiT's) and %.4f GFLOPs (%.2f×). With the matched windows its attention pairs never exceed DiT's at any patch, but its linear layers grow with the tokens (4× at patch 2, 16× at patch 1), so \"equal compute\" holds for the attention only (docs/REFERENCE.md §8).",
			p.Windows, strings.Join(perPatch, " | "), ratio, costs[ModelDiTDMP].Pairs/costs[ModelDiT].Pairs,
			other, otherCost.Pairs, otherCost.Pairs/costs[ModelDiT].Pairs, otherCost.FLOPs/1e9, otherCost.FLOPs/costs[ModelDiT].FLOPs),
		"Training: " + tr + ".",
	}
}
