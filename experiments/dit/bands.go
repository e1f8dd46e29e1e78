package dit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/ncgn/ncgn/datasets/images"
	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/models"
	"github.com/ncgn/ncgn/schedules"
)

// Band is a range of DDPM indices, Lo … Hi, over which DiT-DMP runs at one patch size.
type Band struct {
	Patch int `json:"patch"`
	Lo    int `json:"lo"`
	Hi    int `json:"hi"`
}

// Key is the band's metric key in a cell record: the held-out ε-MSE at DiT-DMP's patch p.
func (b Band) Key() string { return fmt.Sprintf("eps_mse_p%d", b.Patch) }

// Title names the band for people.
func (b Band) Title() string {
	return fmt.Sprintf("indices %d–%d (DiT-DMP patch %d)", b.Lo, b.Hi, b.Patch)
}

// patchBands returns DiT-DMP's patch bands for a size × size input, coarsest patch maxPatch,
// over timesteps DDPM indices: coarse (the noisiest indices) first.
func patchBands(size, maxPatch, timesteps int) ([]Band, error) {
	sched, err := schedules.NewPatchSchedule(schedules.PatchConfig{Latent: size, MaxPatch: maxPatch, TrainSteps: timesteps})
	if err != nil {
		return nil, fmt.Errorf("dit: %w", err)
	}
	var out []Band
	for i := timesteps - 1; i >= 0; i-- {
		st, err := sched.AtStep(i)
		if err != nil {
			return nil, fmt.Errorf("dit: %w", err)
		}
		if n := len(out); n > 0 && out[n-1].Patch == st.Patch {
			out[n-1].Lo = i
			continue
		}
		out = append(out, Band{Patch: st.Patch, Lo: i, Hi: i})
	}
	return out, nil
}

// bandImages is the number of held-out images (at most) each band's ε-MSE is measured on.
const bandImages = 256

// heldOutMSE returns, per band, the mean squared error of net's noise prediction on the
// held-out images: image j noised at an index drawn uniformly in the band with noise of its
// own stream from seed, so two networks given the same seed see the same noisy images (common
// random numbers). The images keep their labels (the conditional prediction); each band's
// batches share the band's patch size, as DiT-DMP needs.
func heldOutMSE(ctx context.Context, net network, set *images.Set, bands []Band, timesteps, batch int, seed int64) (map[string]float64, error) {
	ddpm, err := generative.NewDDPM(generative.DDPMConfig{Timesteps: timesteps})
	if err != nil {
		return nil, fmt.Errorf("dit: %w", err)
	}
	n := min(set.Len(), bandImages)
	if n == 0 {
		return nil, fmt.Errorf("dit: no held-out images for the ε-MSE: %w", ErrNoData)
	}
	C, S := set.Channels, set.Size
	per := C * S * S
	out := map[string]float64{}
	batch = max(batch, 1)
	for bi, band := range bands {
		// Both networks run at the patch they use for the band's indices (DiT: its one).
		p, err := net.PatchAt(band.Lo)
		if err != nil {
			return nil, err
		}
		var sum float64
		for first := 0; first < n; first += batch {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("dit: held-out ε-MSE stopped: %w", err)
			}
			B := min(first+batch, n) - first
			x, target := make([]float64, 0, B*per), make([]float64, 0, B*per)
			steps := make([]float64, B)
			var labels []int
			if set.Labels != nil {
				labels = make([]int, B)
			}
			xt, eps := make([]float64, per), make([]float64, per)
			for b := range B {
				j := first + b
				r := rand.New(rand.NewPCG(uint64(seed), uint64(bi)<<32|uint64(j)))
				idx := band.Lo + r.IntN(band.Hi-band.Lo+1)
				for k := range eps {
					eps[k] = r.NormFloat64()
				}
				if err := ddpm.AddNoise(xt, set.Image(j), eps, idx); err != nil {
					return nil, fmt.Errorf("dit: %w", err)
				}
				x = append(x, models.Patchify(xt, C, S, p)...)
				target = append(target, models.Patchify(eps, C, S, p)...)
				steps[b] = float64(idx)
				if labels != nil {
					labels[b] = set.Labels[j]
				}
			}
			s := layers.NewScope(net.Params(), false)
			xn, err := s.Input("x", x, B*(S/p)*(S/p), p*p*C)
			if err != nil {
				return nil, err
			}
			e, _, err := net.Forward(s, xn, p, steps, labels)
			if err != nil {
				return nil, err
			}
			res, err := s.Run(nil, e)
			if err != nil {
				return nil, fmt.Errorf("dit: held-out ε-MSE in %s: %w", band.Title(), err)
			}
			for k, v := range engine.ToFloat64s(res.Values[0]) {
				d := v - target[k]
				sum += d * d
			}
		}
		out[band.Key()] = sum / float64(n*per)
	}
	return out, nil
}

// keyEpsMSE is the bands table's metric.
const keyEpsMSE = "eps_mse"

// writeBands writes bands.{md,csv,json}: each model's held-out ε-MSE in each of DiT-DMP's patch
// bands, means over seeds with intervals, and DiT-DMP against DiT per band, so a reader sees at
// which noise levels (and so at which patch size) the two networks differ. reps holds each
// model's replicates with their cell records' values (the bands' by Band.Key; a record
// without them is left out).
func (r *runner) writeBands(reps map[Model][]experiments.Replicate) error {
	bands, err := patchBands(r.data.Train.Size, r.p.Patch, r.p.Train.Timesteps)
	if err != nil {
		return err
	}
	t := &experiments.Table{
		Name:     "bands",
		Title:    "Held-out ε-MSE in DiT-DMP's patch bands: where DiT-DMP and DiT differ",
		RowTitle: "model",
		Rows:     []experiments.Header{{Key: string(ModelDiT), Title: "DiT (patch " + fmt.Sprint(r.p.Patch) + ", full attention)"}, {Key: string(ModelDiTDMP), Title: "DiT-DMP (" + r.p.Windows + " windows)"}},
		Metrics: []experiments.Metric{{Key: keyEpsMSE, Title: "held-out ε-MSE",
			Description: "mean squared error of the predicted noise on held-out images noised at an index drawn uniformly in the band (the same images, indices and noise for both networks); lower is better", Digits: 4}},
	}
	for _, b := range bands {
		t.Columns = append(t.Columns, experiments.Header{Key: fmt.Sprintf("p%d", b.Patch), Title: b.Title()})
	}
	split := func(m Model, b Band) []experiments.Replicate {
		var out []experiments.Replicate
		for _, rep := range reps[m] {
			if v, ok := rep.Values[b.Key()]; ok {
				rep.Values = map[string]float64{keyEpsMSE: v}
				out = append(out, rep)
			}
		}
		return out
	}
	for _, m := range Models {
		for _, b := range bands {
			if rs := split(m, b); len(rs) > 0 {
				c := experiments.Cell{Row: string(m), Column: fmt.Sprintf("p%d", b.Patch), Name: "table4/" + string(m)}
				c.Fill(rs, keyEpsMSE)
				t.Set(c)
			}
		}
	}
	for _, b := range bands {
		col := fmt.Sprintf("p%d", b.Patch)
		c, ok, err := experiments.ComparePaired(string(ModelDiTDMP)+"/"+col, string(ModelDiT)+"/"+col, keyEpsMSE, split(ModelDiTDMP, b), split(ModelDiT, b), nil, nil)
		if err != nil {
			return err
		}
		if ok {
			t.Comparisons = append(t.Comparisons, c)
		}
	}
	t.Notes = []string{
		fmt.Sprintf("A diagnostic beside Table 4, not in the paper: the networks of Table 4's cells (EMA weights), each evaluated on up to %d of the %d held-out real images with their labels (no guidance) in every band of DDPM indices over which DiT-DMP keeps one patch size (the paper's schedule: the noisiest indices at the coarsest patch). DiT runs at patch %d throughout. The training loss weighs the bands by their share of the indices: %s.",
			bandImages, r.data.Held.Len(), r.p.Patch, bandShares(bands, r.p.Train.Timesteps)),
		"The time is counted in Table 4's cells, which compute it.",
	}
	t.Meta = r.meta(0)
	if err := r.env.WriteTable(r.dir, t); err != nil {
		return fmt.Errorf("dit: %w", err)
	}
	return nil
}

// bandShares describes each band's share of the DDPM indices.
func bandShares(bands []Band, timesteps int) string {
	var parts []string
	for _, b := range bands {
		parts = append(parts, fmt.Sprintf("patch %d on %.1f %%", b.Patch, 100*float64(b.Hi-b.Lo+1)/float64(timesteps)))
	}
	return strings.Join(parts, ", ")
}
