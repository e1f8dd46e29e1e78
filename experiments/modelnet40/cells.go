package modelnet40

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/metrics"
)

// CellRecord is what the cache keeps for one replicate of a cell.
type CellRecord struct {
	// Values holds the metrics by key (KeyW2, SetKeys).
	Values  map[string]float64 `json:"values"`
	Samples int                `json:"samples"` // generated (= test) clouds scored
	// Seconds is the wall time of the sampling and the scoring (the training is the model's).
	Seconds float64 `json:"seconds"`
	// SampleSeconds is the part of Seconds spent sampling.
	SampleSeconds float64 `json:"sample_seconds"`
	Model         string  `json:"model,omitempty"`
	// Commit and Fingerprint are the code state that computed the cell.
	Commit      string `json:"commit,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	Replicate   int    `json:"replicate,omitempty"`
	// Boots holds, by metric key (KeyW2, KeyMMDCD, KeyMMDEMD), the metric on
	// Preset.BootstrapReps resamples of the test clouds, the same resamples for every method and
	// replicate.
	Boots map[string][]float64 `json:"boots,omitempty"`
}

// sampleKey is the part of a cell's cache key that fixes its test data, its sampling, its
// scoring and the code that computes it.
type sampleKey struct {
	Code          string  `json:"code"`
	Data          dataKey `json:"data"`
	Timesteps     int     `json:"timesteps"`
	SamplingSteps int     `json:"sampling_steps"`
	Sampler       string  `json:"sampler,omitempty"`
	BatchStats    bool    `json:"batch_stats,omitempty"`
	ClipRange     float64 `json:"clip_range,omitempty"`
	SamplingSeed  int64   `json:"sampling_seed"`
	BootSeed      int64   `json:"bootstrap_seed"`
	BootstrapReps int     `json:"bootstrap_reps"`
	SetMetrics    bool    `json:"set_metrics"`
	SetClouds     int     `json:"set_clouds,omitempty"`
	Replicate     int     `json:"replicate"`
}

// entryName is the cache name of a cell's replicate: the cell's name for the first, with
// "/seedK" appended for the K-th.
func entryName(name string, rep Seeds) string {
	if rep.Replicate == 0 {
		return name
	}
	return fmt.Sprintf("%s/seed%d", name, rep.Replicate+1)
}

// model returns the network spec of method m in replicate rep (nil for a baseline).
func (r *runner) model(m Method, rep Seeds) *ModelSpec {
	if m.Baseline != "" {
		return nil
	}
	s := NewModelSpec(r.p, r.dk, rep, m)
	return &s
}

// cellKey returns the cache key of a cell's replicate.
func (r *runner) cellKey(m Method, rep Seeds) (string, error) {
	mk := ""
	if ms := r.model(m, rep); ms != nil {
		var err error
		if mk, err = ms.Key(r.code.Fingerprint); err != nil {
			return "", err
		}
	}
	return experiments.Key(struct {
		Cell   string    `json:"cell"`
		Sample sampleKey `json:"sample"`
		Model  string    `json:"model"`
	}{m.Cell(r.ref), sampleKey{Code: r.code.Fingerprint, Data: r.dk, Timesteps: r.p.Timesteps, SamplingSteps: r.p.SamplingSteps, Sampler: string(r.p.Sampler), BatchStats: r.p.BatchStats, ClipRange: r.p.ClipRange,
		SamplingSeed: rep.Sampling, BootSeed: rep.Boot, BootstrapReps: r.p.BootstrapReps, SetMetrics: r.p.SetMetrics, SetClouds: r.p.SetClouds, Replicate: rep.Replicate}, mk})
}

// cached returns the cached record of a cell's replicate, if any.
func (r *runner) cached(m Method, rep Seeds) (CellRecord, bool, error) {
	key, err := r.cellKey(m, rep)
	if err != nil {
		return CellRecord{}, false, err
	}
	var rec CellRecord
	ok, err := r.cache.Load(entryName(m.Cell(r.ref), rep), key, &rec)
	if err != nil {
		r.env.Logf("warning: %v; computing it again", err)
		return CellRecord{}, false, nil
	}
	return rec, ok, nil
}

// compute computes the selected cells that are not cached yet, replicate after replicate, in
// Methods order, caching each as soon as it is done.
func (r *runner) compute(ctx context.Context, selected []string) error {
	want := map[string]bool{}
	for _, c := range selected {
		want[c] = true
	}
	owned := r.owned(want)
	var todo, cached, done int
	nets := map[string]bool{}
	for _, rep := range r.reps {
		for _, m := range Methods(r.ref) {
			if !want[m.Cell(r.ref)] || !owned[entryName(m.Cell(r.ref), rep)] {
				continue
			}
			if _, ok, err := r.cached(m, rep); err != nil {
				return err
			} else if ok {
				cached++
				continue
			}
			todo++
			if ms := r.model(m, rep); ms != nil {
				if key, err := ms.Key(r.code.Fingerprint); err == nil {
					if _, ok := r.nets.Record(ms.Name(), key); !ok {
						nets[ms.Name()] = true
					}
				}
			}
		}
	}
	r.env.Logf("modelnet40: preset %s, %d seed(s), shard %s: %d cell replicates to compute (%d networks to train), %d cached; writing into %s",
		r.p.Scale, len(r.reps), r.env.Shard, todo, len(nets), cached, r.dir)
	for _, rep := range r.reps {
		for _, m := range Methods(r.ref) {
			name := m.Cell(r.ref)
			entry := entryName(name, rep)
			if !want[name] || !owned[entry] {
				continue
			}
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("modelnet40: stopped before cell %s: %w", entry, err)
			}
			if _, ok, err := r.cached(m, rep); err != nil {
				return err
			} else if ok {
				r.env.Logf("%s: reused from the cache", entry)
				continue
			}
			done++
			lock, err := r.cache.Lock(ctx, entry, func(h string) { r.env.Logf("%s: waiting: %s", entry, h) })
			if err != nil {
				return fmt.Errorf("modelnet40: %w", err)
			}
			if _, ok, err := r.cached(m, rep); err != nil || ok { // computed meanwhile by another process
				_ = lock.Release()
				if err != nil {
					return err
				}
				r.env.Logf("%s: computed by another process meanwhile", entry)
				continue
			}
			r.env.Logf("[%d/%d] %s: computing (%s)", done, todo, entry, m.Title())
			rec, err := r.computeCell(ctx, m, rep)
			if err != nil {
				_ = lock.Release()
				return err
			}
			rec.Commit, rec.Fingerprint, rec.Replicate = r.code.Commit, r.code.Fingerprint, rep.Replicate
			key, err := r.cellKey(m, rep)
			if err != nil {
				return err
			}
			err = r.cache.Store(entry, key, rec)
			_ = lock.Release()
			if err != nil {
				return fmt.Errorf("modelnet40: %w", err)
			}
			r.computed[entry] = true
			r.env.Logf("[%d/%d] %s: W2 %.3f x 10^-2 in %s; elapsed %s, %s", done, todo, entry, rec.Values[KeyW2],
				experiments.FormatSeconds(rec.Seconds), experiments.FormatSeconds(time.Since(r.start).Seconds()), r.eta(done, todo))
		}
	}
	return nil
}

// owned returns the wanted cell replicates of this run's shard: each cell replicate is a
// unit (its own network), in the order the run computes them, round robin over the shards.
func (r *runner) owned(want map[string]bool) map[string]bool {
	out := map[string]bool{}
	k := 0
	for _, rep := range r.reps {
		for _, m := range Methods(r.ref) {
			if !want[m.Cell(r.ref)] {
				continue
			}
			if r.env.Shard.Owns(k) {
				out[entryName(m.Cell(r.ref), rep)] = true
			}
			k++
		}
	}
	return out
}

// missing returns the wanted cell replicates that the cache does not hold.
func (r *runner) missing(want map[string]bool) ([]string, error) {
	var out []string
	for _, rep := range r.reps {
		for _, m := range Methods(r.ref) {
			if !want[m.Cell(r.ref)] {
				continue
			}
			if _, ok, err := r.cached(m, rep); err != nil {
				return nil, err
			} else if !ok {
				out = append(out, entryName(m.Cell(r.ref), rep))
			}
		}
	}
	return out, nil
}

// eta estimates the time left from the cells computed so far by this run.
func (r *runner) eta(done, todo int) string {
	if done >= todo {
		return "done"
	}
	per := time.Since(r.start).Seconds() / float64(done)
	return "about " + experiments.FormatSeconds(per*float64(todo-done)) + " left"
}

// computeCell generates the clouds of method m in replicate rep, scores them and keeps the
// generated set.
func (r *runner) computeCell(ctx context.Context, m Method, rep Seeds) (CellRecord, error) {
	d, err := r.loadData(ctx)
	if err != nil {
		return CellRecord{}, err
	}
	ref, err := r.reference(ctx)
	if err != nil {
		return CellRecord{}, err
	}
	var gen [][]float64
	var rec CellRecord
	sampleStart := time.Now()
	if m.Baseline != "" {
		gen = baselineClouds(m.Baseline, d, 3*r.p.Points, rep.Sampling)
	} else {
		ms := r.model(m, rep)
		if _, _, err := r.network(ctx, *ms); err != nil {
			return CellRecord{}, err
		}
		sampleStart = time.Now()
		if gen, err = r.generate(ctx, *ms, rep, string(r.p.Sampler), r.p.SamplingSteps, 0, nil); err != nil {
			return CellRecord{}, err
		}
		rec.Model = ms.Name()
	}
	rec.SampleSeconds = time.Since(sampleStart).Seconds()
	values, dSR, err := score(gen, ref)
	if err != nil {
		return CellRecord{}, fmt.Errorf("modelnet40: %s: %w", m.Cell(r.ref), err)
	}
	rec.Values, rec.Boots = values, map[string][]float64{}
	if rec.Boots[KeyW2], err = bootstrap(gen, ref, r.p.BootstrapReps, uint64(rep.Boot)); err != nil {
		return CellRecord{}, err
	}
	for d, key := range map[metrics.Distance]string{metrics.DistCD: KeyMMDCD, metrics.DistEMD: KeyMMDEMD} {
		scale := 1e3
		if d == metrics.DistEMD {
			scale = 1e2
		}
		if rec.Boots[key], err = bootstrapMMD(dSR[d], scale, r.p.BootstrapReps, uint64(rep.Boot)+1); err != nil {
			return CellRecord{}, err
		}
	}
	rec.Samples = len(gen)
	if err := r.keepSamples(m, rep, gen); err != nil {
		return CellRecord{}, err
	}
	rec.Seconds = time.Since(sampleStart).Seconds() // sampling and scoring; the training is the network's
	return rec, nil
}

// generate samples as many clouds as there are test clouds with the network of ms (trained if
// the cache lacks it) in replicate rep: the named sampler (generative.SampleConfig.WithSampler,
// with DDIM's eta) over steps levels, and nfe, if not nil, receives the network evaluations
// per batch the sampler used.
func (r *runner) generate(ctx context.Context, ms ModelSpec, rep Seeds, sampler string, steps int, eta float64, nfe *float64) ([][]float64, error) {
	d, err := r.loadData(ctx)
	if err != nil {
		return nil, err
	}
	net, _, err := r.network(ctx, ms)
	if err != nil {
		return nil, err
	}
	rs := ms.RunSpec()
	model, err := rs.WithNetwork(net)
	if err != nil {
		return nil, fmt.Errorf("modelnet40: %s: %w", ms.Name(), err)
	}
	cfg := rs.SampleConfig(len(d.Test))
	cfg.BatchSize, cfg.Seed, cfg.DDPM.SamplingSteps, cfg.Progress, cfg.NFE = r.p.SampleBatch, rep.Sampling, steps, r.env.Progress, nfe
	cfg.BatchStats = r.p.BatchStats
	if r.p.ClipRange > 0 {
		cfg.DDPM.ClipRange = r.p.ClipRange
	}
	if cfg, err = cfg.WithSampler(sampler, eta, 0); err != nil {
		return nil, fmt.Errorf("modelnet40: %w", err)
	}
	gen, err := generative.Sample(ctx, model.Denoiser, rs.Shape, cfg)
	if err != nil {
		return nil, fmt.Errorf("modelnet40: sampling %s: %w", ms.Name(), err)
	}
	return gen, nil
}

// baselineClouds returns the clouds of baseline b, as many as the test clouds of d, each of
// size values, drawn with seed: N(0, 1) values, the origin, or training clouds (drawn
// without replacement while there are enough, with it otherwise).
func baselineClouds(b Baseline, d *Data, size int, seed int64) [][]float64 {
	m := len(d.Test)
	switch b {
	case BaselineOrigin:
		out := make([][]float64, m)
		for i := range out {
			out[i] = make([]float64, size)
		}
		return out
	case BaselineTraining:
		rng := rand.New(rand.NewPCG(uint64(seed), 0x7261696e))
		perm := rng.Perm(len(d.Train))
		out := make([][]float64, m)
		for i := range out {
			var j int
			if i < len(perm) {
				j = perm[i]
			} else {
				j = rng.IntN(len(d.Train))
			}
			out[i] = append([]float64(nil), d.Train[j]...)
		}
		return out
	}
	return randomClouds(m, size, seed)
}

// randomClouds returns count clouds of size values drawn from N(0, 1): the DDPM prior, i.e.
// zero denoising steps (the paper's "random" column).
func randomClouds(count, size int, seed int64) [][]float64 {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x72616e64))
	out := make([][]float64, count)
	for i := range out {
		out[i] = make([]float64, size)
		for j := range out[i] {
			out[i][j] = rng.NormFloat64()
		}
	}
	return out
}

// keepSamples stores the generated set of a cell's replicate in the cache as float32 .npy
// (samples/CELL[/seedK].npy), for the pictures and the committed sets.
func (r *runner) keepSamples(m Method, rep Seeds, gen [][]float64) error {
	p, err := r.cache.Path("samples/"+entryName(m.Cell(r.ref), rep), ".npy")
	if err != nil {
		return fmt.Errorf("modelnet40: %w", err)
	}
	if err := datasets.WriteNpy(p, cloudArray(gen, r.p.Points), "float32"); err != nil {
		return fmt.Errorf("modelnet40: %w", err)
	}
	return nil
}

// cloudArray returns flat clouds as one (m, points, 3) array.
func cloudArray(clouds [][]float64, points int) *datasets.Array {
	a := &datasets.Array{Shape: []int{len(clouds), points, 3}, Data: make([]float64, 0, len(clouds)*points*3)}
	for _, c := range clouds {
		a.Data = append(a.Data, c...)
	}
	return a
}
