package modelnet40

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"time"

	mn "github.com/ncgn/ncgn/datasets/modelnet40"
	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/trained"
	"github.com/ncgn/ncgn/generative"
)

// Name is the experiment's name on the command line and its output folder.
const Name = "modelnet40"

// Option names and values.
const (
	OptSelection   = "selection"
	OptOrientation = "orientation"
	OrientPaper    = "paper"
	OrientRef      = "reference"
	OptSampler     = "sampler"
	OptNorm        = "norm"
	NormRunning    = "running"
	NormBatch      = "batch"
	OptClip        = "clip"
	ClipReference  = "reference"
	ClipData       = "data"
)

// Experiment returns the registry entry of this experiment.
func Experiment() experiments.Experiment {
	return experiments.Experiment{
		Name:    Name,
		Section: "Section 5.1 and 5.1.1",
		Summary: "3-D shape generation on ModelNet40: Table 1 (GCN, GAT x random, kNN, long-short, DMP) and Table 2 (DMP GAT x linear, exp, log, relu schedules), with W2 and the PointFlow set metrics",
		Outputs: []string{"table1.md", "table1.csv", "table1.json", "table2.md", "table2.csv", "table2.json", "pictures/", "samples/"},
		Cells: func(s experiments.Scale) ([]string, error) {
			if _, err := PresetFor(s); err != nil {
				return nil, err
			}
			return CellNames(false), nil
		},
		Needs: func(s experiments.Scale) (map[string][]string, error) {
			p, err := PresetFor(s)
			if err != nil {
				return nil, err
			}
			out := map[string][]string{}
			for _, m := range Methods(false) {
				if m.Baseline == "" {
					out[m.Cell(false)] = []string{NewModelSpec(p, dataKey{}, DeriveSeeds(1), m).Name()}
				}
			}
			return out, nil
		},
		Package: "github.com/ncgn/ncgn/experiments/modelnet40",
		Run:     Run,
		Data:    "ModelNet40 `DIR`: <class>/<split>/*.off (the official archive, `ncgn data fetch modelnet40`) or *.npy clouds (default: ./data, then " + SharedData + ")",
		Options: []experiments.Option{
			{Name: OptSelection, Usage: "test clouds: reference (the first N with at least 400 points, in class order, as the reference; drops the last classes) or balanced (as many from each class)",
				Values: []string{string(SelectReference), string(SelectBalanced)}, Default: string(SelectReference)},
			{Name: OptOrientation, Usage: "diffusion time of every network: paper (t = 0 noise, coarse graphs at high noise) or reference (the reference code's inverted time, docs/REFERENCE.md §1)",
				Values: []string{OrientPaper, OrientRef}, Default: OrientPaper},
			{Name: OptSampler, Usage: "reverse step of sampling, over the preset's sampling steps: ddpm (the paper's) or ddim (deterministic, η = 0)",
				Values: []string{string(generative.SamplerDDPM), string(generative.SamplerDDIM)}, Default: string(generative.SamplerDDPM)},
			{Name: OptNorm, Usage: "batch normalisation when sampling: running (the reference's: the running estimates of training) or batch (each sampling batch's own statistics, as in training; a named option, docs/experiments.md)",
				Values: []string{NormRunning, NormBatch}, Default: NormRunning},
			{Name: OptClip, Usage: "range of DDPM's x0 prediction when sampling: reference ([-1, 1], diffusers' default, which the reference keeps for clouds in [-0.25, 0.25]) or data (the data's box [-0.25, 0.25]; a named option, docs/experiments.md)",
				Values: []string{ClipReference, ClipData}, Default: ClipReference},
		},
	}
}

// CellNames returns every cell in the order a run computes them.
func CellNames(ref bool) []string {
	var out []string
	for _, m := range Methods(ref) {
		out = append(out, m.Cell(ref))
	}
	return out
}

// runner carries the state of one run.
type runner struct {
	env      experiments.Env
	p        Preset
	ref      bool   // every network in the reference orientation (--orientation reference)
	dir      string // where the tables go: env.OutDir, or a sub-folder for non-default options
	root     string
	layout   mn.Layout
	dk       dataKey
	seeds    Seeds
	reps     []Seeds
	code     experiments.CodeState
	cache    *experiments.Cache
	nets     *trained.Networks
	start    time.Time
	data     *Data
	refSet   *reference
	computed map[string]bool // cache entries computed by this run
}

// Run computes the selected cells of env (every cell by default), reusing the cached ones, and
// writes Tables 1 and 2, the pictures and the generated sets into env.OutDir (a sub-folder
// named after the options for non-default ones); the cache is in that folder's cache/.
func Run(ctx context.Context, env experiments.Env) error {
	r, err := open(env)
	if err != nil {
		return err
	}
	selected, err := experiments.Select(CellNames(r.ref), env.Only)
	if err != nil {
		return fmt.Errorf("modelnet40: %w", err)
	}
	env.Logf("modelnet40: data %s (%s layout), preset %s, %d cell(s) x %d seed(s)", r.root, r.layout, r.p.Scale, len(selected), len(r.reps))
	want := map[string]bool{}
	for _, c := range selected {
		want[c] = true
	}
	return experiments.Steps{
		Compute: func(ctx context.Context) error { return r.compute(ctx, selected) },
		Write:   func() error { return r.write(ctx) },
		Missing: func() ([]string, error) { return r.missing(want) },
	}.Run(ctx, env, "modelnet40")
}

// open returns the runner of env: the preset with the options of env, the output folder
// they select, the data folder, the cache, the code state and the seeds of every replicate.
func open(env experiments.Env) (*runner, error) {
	e := Experiment()
	p, err := PresetFor(env.Scale)
	if err != nil {
		return nil, err
	}
	sel, err := e.Option(env, OptSelection)
	if err != nil {
		return nil, err
	}
	orient, err := e.Option(env, OptOrientation)
	if err != nil {
		return nil, err
	}
	if p, err = p.WithSelection(Selection(sel)); err != nil {
		return nil, err
	}
	sampler, err := e.Option(env, OptSampler)
	if err != nil {
		return nil, err
	}
	norm, err := e.Option(env, OptNorm)
	if err != nil {
		return nil, err
	}
	clip, err := e.Option(env, OptClip)
	if err != nil {
		return nil, err
	}
	ref := orient == OrientRef
	if norm == NormBatch {
		p.BatchStats = true
	}
	if clip == ClipData {
		p.ClipRange = mn.ReferenceScale
	}
	if sampler != string(generative.SamplerDDPM) {
		p.Sampler = generative.DDPMSampler(sampler)
	}
	dir, err := e.Dir(env)
	if err != nil {
		return nil, err
	}
	root, err := FindData(env.Data)
	if err != nil {
		return nil, err
	}
	listing, err := mn.List(root, mn.Train)
	if err != nil {
		return nil, fmt.Errorf("modelnet40: %w (%w)", err, ErrNoData)
	}
	cache, err := experiments.OpenCache(filepath.Join(dir, "cache"))
	if err != nil {
		return nil, fmt.Errorf("modelnet40: %w", err)
	}
	// The networks live in the default folder's cache whatever the options: a variant that
	// changes only the sampling (sampler, norm, clip) or the test selection reuses them, and one
	// that changes the training (orientation) has its own names and keys there.
	netCache, err := experiments.OpenCache(filepath.Join(env.OutDir, "cache"))
	if err != nil {
		return nil, fmt.Errorf("modelnet40: %w", err)
	}
	code, err := env.CodeFor(e.Package)
	if err != nil {
		return nil, fmt.Errorf("modelnet40: %w", err)
	}
	seeds := DeriveSeeds(env.Seed)
	r := &runner{env: env, p: p, ref: ref, dir: dir, root: root, layout: listing.Layout, dk: newDataKey(root, listing.Layout, p, seeds), seeds: seeds,
		code: code, cache: cache, nets: trained.New(netCache, code, env), start: time.Now(), computed: map[string]bool{}}
	for k := range env.Replicates() {
		r.reps = append(r.reps, seeds.ForReplicate(k))
	}
	return r, nil
}

// loadData reads the clouds on first use.
func (r *runner) loadData(ctx context.Context) (*Data, error) {
	if r.data != nil {
		return r.data, nil
	}
	r.env.Logf("reading ModelNet40 from %s", r.root)
	d, err := Load(ctx, r.root, r.p, r.seeds, nil)
	if err != nil {
		return nil, err
	}
	r.env.Logf("read %d training and %d test clouds in %s", len(d.Train), len(d.Test), experiments.FormatSeconds(d.Seconds))
	r.data = d
	return d, nil
}

// reference returns the test clouds and their within-set distances, computed on first use.
func (r *runner) reference(ctx context.Context) (*reference, error) {
	if r.refSet != nil {
		return r.refSet, nil
	}
	d, err := r.loadData(ctx)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	ref, err := newReference(d.Test, r.p.SetMetrics, r.p.SetClouds)
	if err != nil {
		return nil, err
	}
	r.env.Logf("distances among the %d test clouds in %s", len(d.Test), experiments.FormatSeconds(time.Since(start).Seconds()))
	r.refSet = ref
	return ref, nil
}

// meta returns the record of how the run's tables were made.
func (r *runner) meta(computeSeconds float64) experiments.Meta {
	s := r.seeds
	data := fmt.Sprintf("ModelNet40 from %s (not read in this run: every cell shown was cached)", r.root)
	if r.data != nil {
		data = r.data.Description(r.p)
	}
	return experiments.Meta{
		Experiment: Name,
		Preset:     r.p.Scale,
		Seeds: []experiments.Seed{{Name: "base", Value: s.Base}, {Name: "train_data", Value: s.TrainData}, {Name: "test_data", Value: s.TestData},
			{Name: "init", Value: s.Init}, {Name: "training", Value: s.Training}, {Name: "sampling", Value: s.Sampling}, {Name: "bootstrap", Value: s.Boot}},
		Data:           data,
		Settings:       r.p,
		WallSeconds:    time.Since(r.start).Seconds(),
		ComputeSeconds: computeSeconds,
		Commit:         r.env.Commit,
		Created:        time.Now().UTC().Format(time.RFC3339),
		GoVersion:      runtime.Version(),
		CPUs:           runtime.GOMAXPROCS(0),
	}
}
