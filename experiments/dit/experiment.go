package dit

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/models"
	"gorgonia.org/tensor"
)

// Name is the experiment's name on the command line and its output folder.
const Name = "dit"

// Option names.
const (
	OptSource   = "source"
	OptWindows  = "windows"
	OptVariance = "variance"
)

// Experiment returns the registry entry of this experiment.
func Experiment() experiments.Experiment {
	return experiments.Experiment{
		Name:    Name,
		Section: "Section 5.3, Appendix B.4 and C",
		Summary: "image generation with DiT against DiT-DMP (Table 4): FID, sFID, IS, precision and recall on a classifier's features, attention pairs and FLOPs per step, sample grids with and without guidance",
		Outputs: []string{"table4.md", "table4.csv", "table4.json", "bands.md", "bands.csv", "bands.json", "grids/"},
		Cells: func(s experiments.Scale) ([]string, error) {
			if _, err := PresetFor(s); err != nil {
				return nil, err
			}
			return CellNames(), nil
		},
		Package: "github.com/ncgn/ncgn/experiments/dit",
		Run:     Run,
		Data:    "the images `DIR`: MNIST's IDX files (default: ./data/mnist, then " + SharedMNIST + "), a folder of class sub-folders (--source folder) or a latents .npy (--source latents)",
		Options: []experiments.Option{
			{Name: OptSource, Usage: "what --data holds: mnist (IDX files), folder (class sub-folders of PNG/JPEG, RGB) or latents (.npy [N, C, S, S], labels.npy beside it)",
				Values: []string{SourceMNIST, SourceFolder, SourceLatents}, Default: SourceMNIST},
			{Name: OptWindows, Usage: "DiT-DMP's attention windows: matched (the baseline's attention pairs at every patch size, the paper's claim) or reference (the reference code's 7, 5, 3)",
				Values: []string{models.WindowsMatched, models.WindowsReference}, Default: models.WindowsMatched},
			{Name: OptVariance, Usage: "the networks' variances: learned (the reference's DiT: a second output and the hybrid loss with improved DDPM's bound) or fixed (ε only, the posterior variance)",
				Values: []string{"learned", "fixed"}, Default: "learned"},
		},
	}
}

// Cell names: one per model and the held-out real images.
const cellData = "table4/data"

// CellNames returns every cell in the order a run computes them.
func CellNames() []string {
	return []string{cellData, cellOf(ModelDiT), cellOf(ModelDiTDMP)}
}

func cellOf(m Model) string { return "table4/" + string(m) }

// Seeds are the seeds of a run, derived from the base seed.
type Seeds struct {
	Base       int64 `json:"base"`
	Classifier int64 `json:"classifier"`
	Init       int64 `json:"init"`
	Training   int64 `json:"training"`
	Sampling   int64 `json:"sampling"`
	Replicate  int   `json:"replicate,omitempty"`
}

const replicateStride = 1_000_003

// DeriveSeeds returns the seeds of base seed base; both models share them (common random
// numbers).
func DeriveSeeds(base int64) Seeds {
	b := base * 1000
	return Seeds{Base: base, Classifier: b + 20, Init: b + 10, Training: b + 11, Sampling: b + 100}
}

// ForReplicate returns the seeds of replicate k.
func (s Seeds) ForReplicate(k int) Seeds {
	d := int64(k-s.Replicate) * replicateStride
	s.Init, s.Training, s.Sampling, s.Replicate = s.Init+d, s.Training+d, s.Sampling+d, k
	return s
}

// runner carries the state of one run.
type runner struct {
	env      experiments.Env
	p        Preset
	source   string
	dir      string
	seeds    Seeds
	reps     []Seeds
	code     experiments.CodeState
	cache    *experiments.Cache
	data     *Data
	eval     *evaluator
	clsRec   classifierRecord
	start    time.Time
	computed map[string]bool
}

// Run computes the selected cells (all by default), reusing cached ones, and writes Table 4
// and the sample grids into env.OutDir (a sub-folder for non-default options).
func Run(ctx context.Context, env experiments.Env) error {
	e := Experiment()
	p, err := PresetFor(env.Scale)
	if err != nil {
		return err
	}
	source, err := e.Option(env, OptSource)
	if err != nil {
		return err
	}
	if p.Windows, err = e.Option(env, OptWindows); err != nil {
		return err
	}
	variance, err := e.Option(env, OptVariance)
	if err != nil {
		return err
	}
	p.LearnSigma = variance == "learned"
	dir, err := e.Dir(env)
	if err != nil {
		return err
	}
	selected, err := experiments.Select(CellNames(), env.Only)
	if err != nil {
		return fmt.Errorf("dit: %w", err)
	}
	data, err := loadData(source, env.Data, p)
	if err != nil {
		return err
	}
	cache, err := experiments.OpenCache(filepath.Join(dir, "cache"))
	if err != nil {
		return fmt.Errorf("dit: %w", err)
	}
	code, err := env.CodeFor(e.Package)
	if err != nil {
		return fmt.Errorf("dit: %w", err)
	}
	seeds := DeriveSeeds(env.Seed)
	r := &runner{env: env, p: p, source: source, dir: dir, seeds: seeds, code: code, cache: cache, data: data, start: time.Now(), computed: map[string]bool{}}
	for k := range env.Replicates() {
		r.reps = append(r.reps, seeds.ForReplicate(k))
	}
	env.Logf("dit: %s; preset %s, %d cell(s) x %d seed(s), writing into %s", data.Desc, p.Scale, len(selected), len(r.reps), dir)
	return experiments.Steps{
		Compute: func(ctx context.Context) error { return r.compute(ctx, selected) },
		Write:   r.write,
		Missing: func() ([]string, error) { return r.missing(selected) },
	}.Run(ctx, env, "dit")
}

// missing returns the replicates of the selected cells that the cache lacks.
func (r *runner) missing(selected []string) ([]string, error) {
	var missing []string
	for _, w := range r.work(selected) {
		if _, ok, err := r.cached(w.cell, w.rep); err != nil {
			return nil, err
		} else if !ok {
			missing = append(missing, entryName(w.cell, w.rep))
		}
	}
	return missing, nil
}

// cellRep is one replicate of one cell.
type cellRep struct {
	cell string
	rep  Seeds
}

// work returns the selected cell replicates in the order a run computes them, seed by seed:
// every seed for a model, the first only for the held-out real images (no network).
func (r *runner) work(selected []string) []cellRep {
	var out []cellRep
	for _, rep := range r.reps {
		for _, cell := range selected {
			if cell != cellData || rep.Replicate == 0 {
				out = append(out, cellRep{cell, rep})
			}
		}
	}
	return out
}

// entryName is the cache name of a cell's replicate.
func entryName(cell string, rep Seeds) string {
	if rep.Replicate == 0 {
		return cell
	}
	return fmt.Sprintf("%s/seed%d", cell, rep.Replicate+1)
}

// cellRecord is what the cache keeps for one replicate of a cell.
type cellRecord struct {
	// Values holds the metrics without guidance (KeyFID, …) and with it (KeyFID+guidedSuffix, …).
	Values        map[string]float64 `json:"values"`
	Images        int                `json:"images"`
	Seconds       float64            `json:"seconds"` // sampling and scoring
	SampleSeconds float64            `json:"sample_seconds"`
	Network       string             `json:"network,omitempty"`
	Commit        string             `json:"commit,omitempty"`
	Fingerprint   string             `json:"fingerprint,omitempty"`
	Replicate     int                `json:"replicate,omitempty"`
}

// guidedSuffix marks the metrics of guided sampling in a record.
const guidedSuffix = "_guided"

// netRecord is what the cache keeps about a trained network.
type netRecord struct {
	Model   Model   `json:"model"`
	Steps   int     `json:"steps"`
	Loss    float64 `json:"loss"`
	Seconds float64 `json:"seconds"`
	Params  int     `json:"params"`
	Commit  string  `json:"commit,omitempty"`
}

// netName is the cache name of model m's network in replicate rep.
func netName(m Model, rep Seeds) string {
	n := "models/" + string(m)
	if rep.Replicate > 0 {
		n += fmt.Sprintf("-seed%d", rep.Replicate+1)
	}
	return n
}

// netKey is the cache key of model m's network in replicate rep.
func (r *runner) netKey(m Model, rep Seeds) (string, error) {
	cfg := r.p.ditConfig(r.data.Train.Channels, r.data.Train.Size, r.data.Train.Classes)
	tc := r.trainConfig(m, rep)
	return experiments.Key(struct {
		Code    string           `json:"code"`
		Model   Model            `json:"model"`
		DiT     models.DiTConfig `json:"dit"`
		Windows string           `json:"windows,omitempty"`
		Train   TrainConfig      `json:"train"`
		Data    string           `json:"data"`
		Init    int64            `json:"init"`
	}{r.code.Fingerprint, m, cfg, map[bool]string{true: r.p.Windows}[m == ModelDiTDMP], tc, r.data.Key, rep.Init})
}

func (r *runner) trainConfig(m Model, rep Seeds) TrainConfig {
	tc := r.p.Train
	tc.SharedIndex, tc.Seed = m == ModelDiTDMP, rep.Training
	return tc
}

// cellKey is the cache key of a cell's replicate.
func (r *runner) cellKey(cell string, rep Seeds) (string, error) {
	var nk string
	for _, m := range Models {
		if cell == cellOf(m) {
			var err error
			if nk, err = r.netKey(m, rep); err != nil {
				return "", err
			}
		}
	}
	ck, err := r.classifierKey()
	if err != nil {
		return "", err
	}
	return experiments.Key(struct {
		Code       string       `json:"code"`
		Cell       string       `json:"cell"`
		Network    string       `json:"network"`
		Classifier string       `json:"classifier"`
		Sample     SampleConfig `json:"sample"`
		Gen        int          `json:"gen_images"`
		Seed       int64        `json:"sampling_seed"`
		Replicate  int          `json:"replicate"`
	}{r.code.Fingerprint, cell, nk, ck, r.p.Sample, r.p.GenImages, rep.Sampling, rep.Replicate})
}

func (r *runner) classifierKey() (string, error) {
	return experiments.Key(struct {
		Code  string                  `json:"code"`
		Data  string                  `json:"data"`
		Cfg   models.ClassifierConfig `json:"config"`
		Steps int                     `json:"steps"`
		LR    float64                 `json:"lr"`
		Seed  int64                   `json:"seed"`
	}{r.code.Fingerprint, r.data.Key, r.p.Classifier, r.p.ClassifierSteps, r.p.ClassifierLR, r.seeds.Classifier})
}

// cached returns the cached record of a cell's replicate.
func (r *runner) cached(cell string, rep Seeds) (cellRecord, bool, error) {
	key, err := r.cellKey(cell, rep)
	if err != nil {
		return cellRecord{}, false, err
	}
	var rec cellRecord
	ok, err := r.cache.Load(entryName(cell, rep), key, &rec)
	if err != nil {
		r.env.Logf("warning: %v; computing it again", err)
		return cellRecord{}, false, nil
	}
	return rec, ok, nil
}

// compute computes the selected cells that the cache lacks, seed by seed.
func (r *runner) compute(ctx context.Context, selected []string) error {
	for k, w := range r.work(selected) {
		if !r.env.Shard.Owns(k) {
			continue
		}
		cell, rep := w.cell, w.rep
		entry := entryName(cell, rep)
		if _, ok, err := r.cached(cell, rep); err != nil {
			return err
		} else if ok {
			r.env.Logf("%s: reused from the cache", entry)
			continue
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("dit: stopped before cell %s: %w", entry, err)
		}
		lock, err := r.cache.Lock(ctx, entry, func(h string) { r.env.Logf("%s: waiting: %s", entry, h) })
		if err != nil {
			return fmt.Errorf("dit: %w", err)
		}
		if _, ok, err := r.cached(cell, rep); err != nil || ok { // computed meanwhile by another shard
			_ = lock.Release()
			if err != nil {
				return err
			}
			continue
		}
		rec, err := r.computeCell(ctx, cell, rep)
		if err == nil {
			rec.Commit, rec.Fingerprint, rec.Replicate = r.code.Commit, r.code.Fingerprint, rep.Replicate
			var key string
			if key, err = r.cellKey(cell, rep); err == nil {
				err = r.cache.Store(entry, key, rec)
			}
		}
		_ = lock.Release()
		if err != nil {
			return err
		}
		r.computed[entry] = true
		r.env.Logf("%s: FID %.3f (guided %.3f), IS %.3f in %s; elapsed %s", entry, rec.Values[KeyFID], rec.Values[KeyFID+guidedSuffix], rec.Values[KeyIS],
			experiments.FormatSeconds(rec.Seconds), experiments.FormatSeconds(time.Since(r.start).Seconds()))
	}
	return nil
}

// evaluator returns the metrics' evaluator, training the classifier on first use (cached).
func (r *runner) evaluator(ctx context.Context) (*evaluator, error) {
	if r.eval != nil {
		return r.eval, nil
	}
	key, err := r.classifierKey()
	if err != nil {
		return nil, err
	}
	cfg := r.p.Classifier
	cfg.Channels, cfg.Size, cfg.Classes = r.data.Train.Channels, r.data.Train.Size, max(r.data.Train.Classes, 2)
	weights, err := r.cache.Path("classifier", ".params")
	if err != nil {
		return nil, fmt.Errorf("dit: %w", err)
	}
	// Shards share the classifier: one trains it, the others wait and load it.
	lock, err := r.cache.Lock(ctx, "classifier", func(h string) { r.env.Logf("classifier: waiting: %s", h) })
	if err != nil {
		return nil, fmt.Errorf("dit: %w", err)
	}
	defer lock.Release()
	var rec classifierRecord
	var c *models.Classifier
	if ok, _ := r.cache.Load("classifier", key, &rec); ok {
		ps, err := layers.NewParams(tensor.Float32, r.seeds.Classifier)
		if err != nil {
			return nil, err
		}
		if c, err = models.NewClassifier(ps, cfg); err != nil {
			return nil, fmt.Errorf("dit: %w", err)
		}
		if err := ps.Load(weights); err != nil {
			r.env.Logf("warning: classifier weights: %v; training it again", err)
			c = nil
		}
	}
	if c == nil {
		r.env.Logf("classifier: training %d steps at batch 128 on %d images", r.p.ClassifierSteps, r.data.Train.Len())
		if c, rec, err = trainClassifier(ctx, r.p.Classifier, r.p.ClassifierSteps, r.p.ClassifierLR, r.data.Train, r.data.Ref, r.seeds.Classifier); err != nil {
			return nil, err
		}
		if err := c.Params().Save(weights); err != nil {
			return nil, fmt.Errorf("dit: %w", err)
		}
		if err := r.cache.Store("classifier", key, rec); err != nil {
			return nil, fmt.Errorf("dit: %w", err)
		}
		r.env.Logf("classifier: %.1f %% right on the %d reference images (loss %.4f) after %s", 100*rec.Accuracy, r.data.Ref.Len(), rec.Loss, experiments.FormatSeconds(rec.Seconds))
	}
	r.clsRec = rec
	if r.eval, err = newEvaluator(c, imagesOf(r.data.Ref)); err != nil {
		return nil, err
	}
	return r.eval, nil
}

// network returns model m's trained network of replicate rep (EMA weights), from the cache or
// trained (resuming from its checkpoints).
func (r *runner) network(ctx context.Context, m Model, rep Seeds) (network, netRecord, error) {
	key, err := r.netKey(m, rep)
	if err != nil {
		return nil, netRecord{}, err
	}
	name := netName(m, rep)
	ps, err := layers.NewParams(tensor.Float32, rep.Init)
	if err != nil {
		return nil, netRecord{}, err
	}
	cfg := r.p.ditConfig(r.data.Train.Channels, r.data.Train.Size, r.data.Train.Classes)
	net, err := newNetwork(ps, m, cfg, r.p.Windows, r.p.Train.Timesteps)
	if err != nil {
		return nil, netRecord{}, err
	}
	weights, err := r.cache.Path(name, ".params")
	if err != nil {
		return nil, netRecord{}, fmt.Errorf("dit: %w", err)
	}
	var rec netRecord
	if ok, _ := r.cache.Load(name, key, &rec); ok {
		if err := ps.Load(weights); err == nil {
			r.env.Logf("%s: reused from the cache (%d steps, loss %.4f, trained in %s)", name, rec.Steps, rec.Loss, experiments.FormatSeconds(rec.Seconds))
			return net, rec, nil
		}
		r.env.Logf("warning: %s: weights unreadable; training again", name)
	}
	runDir, err := r.cache.Path(fmt.Sprintf("runs/%s-%s", filepath.Base(name), key[:12]), "")
	if err != nil {
		return nil, netRecord{}, fmt.Errorf("dit: %w", err)
	}
	r.env.Logf("%s: training %d steps at batch %d (%d parameters)", name, r.p.Train.Steps, r.p.Train.BatchSize, ps.Count())
	res, err := train(ctx, net, r.data.Train.Classes, r.trainConfig(m, rep), r.data.Train, runDir, func(f string, a ...any) { r.env.Logf(name+": "+f, a...) })
	if err != nil {
		return nil, netRecord{}, err
	}
	rec = netRecord{Model: m, Steps: res.Steps, Loss: res.Loss, Seconds: res.Seconds, Params: ps.Count(), Commit: r.code.Commit}
	if err := ps.Save(weights); err != nil {
		return nil, netRecord{}, fmt.Errorf("dit: %w", err)
	}
	if err := r.cache.Store(name, key, rec); err != nil {
		return nil, netRecord{}, fmt.Errorf("dit: %w", err)
	}
	_ = os.RemoveAll(runDir)
	r.env.Logf("%s: trained %d steps in %s, loss %.4f", name, rec.Steps, experiments.FormatSeconds(rec.Seconds), rec.Loss)
	return net, rec, nil
}

// computeCell samples (without and with guidance) and scores one cell's replicate; the held-out
// real images are scored as they are.
func (r *runner) computeCell(ctx context.Context, cell string, rep Seeds) (cellRecord, error) {
	ev, err := r.evaluator(ctx)
	if err != nil {
		return cellRecord{}, err
	}
	if cell == cellData {
		start := time.Now()
		held := imagesOf(r.data.Held)
		if len(held) < 4 {
			return cellRecord{}, fmt.Errorf("dit: %d held-out real images: too few to score: %w", len(held), ErrNoData)
		}
		v, err := ev.score(held)
		if err != nil {
			return cellRecord{}, err
		}
		// The held-out images stand in for both columns; a new map, since keys added to a map
		// while ranging over it may be visited again (the record had "fid_guided_guided").
		both := make(map[string]float64, 2*len(v))
		for k, x := range v {
			both[k], both[k+guidedSuffix] = x, x
		}
		return cellRecord{Values: both, Images: len(held), Seconds: time.Since(start).Seconds()}, nil
	}
	m := Model(strings.TrimPrefix(cell, "table4/"))
	net, _, err := r.network(ctx, m, rep)
	if err != nil {
		return cellRecord{}, err
	}
	d := r.data.Train
	classes := d.Classes
	labels := make([]int, r.p.GenImages)
	for j := range labels {
		labels[j] = j % max(classes, 1)
	}
	start := time.Now()
	rec := cellRecord{Values: map[string]float64{}, Images: len(labels), Network: netName(m, rep)}
	for _, guided := range []bool{false, true} {
		sc := r.p.Sample
		sc.Clip = r.data.Clip
		suffix := ""
		if guided {
			suffix = guidedSuffix
		} else {
			sc.Guidance = 1
		}
		s0 := time.Now()
		imgs, err := sample(ctx, net, classes, d.Channels, d.Size, 0, labels, sc, rep.Sampling, func(f string, a ...any) { r.env.Logf(entryName(cell, rep)+": "+f, a...) })
		if err != nil {
			return cellRecord{}, err
		}
		rec.SampleSeconds += time.Since(s0).Seconds()
		v, err := ev.score(imgs)
		if err != nil {
			return cellRecord{}, err
		}
		for k, x := range v {
			rec.Values[k+suffix] = x
		}
		if rep.Replicate == 0 {
			if err := r.grid(m, guided, imgs, classes); err != nil {
				return cellRecord{}, err
			}
		}
	}
	// Where the two networks differ: their noise prediction on held-out images in each of
	// DiT-DMP's patch bands (bandsTable).
	bands, err := patchBands(d.Size, r.p.Patch, r.p.Train.Timesteps)
	if err != nil {
		return cellRecord{}, err
	}
	mse, err := heldOutMSE(ctx, net, r.data.Held, bands, r.p.Train.Timesteps, r.p.Sample.Batch, rep.Sampling)
	if err != nil {
		return cellRecord{}, err
	}
	maps.Copy(rec.Values, mse)
	rec.Seconds = time.Since(start).Seconds()
	return rec, nil
}

// grid writes the first seed's samples of model m as a grid: one row per class (up to 10),
// GridPerClass images each.
func (r *runner) grid(m Model, guided bool, imgs [][]float64, classes int) error {
	rows := min(max(classes, 1), 10)
	cols := r.p.GridPerClass
	var tiles [][]float64
	for c := range rows {
		for k := range cols {
			j := c + k*max(classes, 1)
			if j >= len(imgs) {
				return nil // too few samples for a full grid (smoke)
			}
			tiles = append(tiles, imgs[j])
		}
	}
	name := fmt.Sprintf("%s-unguided.png", m)
	if guided {
		name = fmt.Sprintf("%s-guidance-%g.png", m, r.p.Sample.Guidance)
	}
	path := filepath.Join(r.dir, "grids", name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("dit: %w", err)
	}
	return writeGrid(path, tiles, r.data.Train.Channels, r.data.Train.Size, rows, cols, r.data.Clip)
}

// meta returns the record of how the table was made.
func (r *runner) meta(computeSeconds float64) experiments.Meta {
	s := r.seeds
	return experiments.Meta{
		Experiment: Name, Preset: r.p.Scale,
		Seeds: []experiments.Seed{{Name: "base", Value: s.Base}, {Name: "classifier", Value: s.Classifier}, {Name: "init", Value: s.Init},
			{Name: "training", Value: s.Training}, {Name: "sampling", Value: s.Sampling}},
		Data: r.data.Desc, Settings: r.p, WallSeconds: time.Since(r.start).Seconds(), ComputeSeconds: computeSeconds,
		Commit: r.env.Commit, Created: time.Now().UTC().Format(time.RFC3339), GoVersion: runtime.Version(), CPUs: runtime.GOMAXPROCS(0),
	}
}
