package samplers

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/modelnet40"
	"github.com/ncgn/ncgn/experiments/transcriptomics"
)

// Name is the experiment's name on the command line and its output folder.
const Name = "samplers"

// taskNames are the tasks in the order a run computes them.
var taskNames = []string{transcriptomics.Name, modelnet40.Name}

// Experiment returns the registry entry of this experiment.
func Experiment() experiments.Experiment {
	return experiments.Experiment{
		Name:    Name,
		Section: "beyond the paper: Sections 5.1-5.2 sampled with other samplers",
		Summary: "sample quality against network evaluations for every sampler (DDPM, DDIM; Euler, midpoint, Heun, dopri5) on the DMP and kNN GAT networks of modelnet40 and transcriptomics, and the cheapest sampler that matches the paper's",
		Outputs: []string{"modelnet40.md", "modelnet40.csv", "modelnet40.json", "modelnet40-w2.png", "modelnet40-nna.png",
			"transcriptomics.md", "transcriptomics.csv", "transcriptomics.json", "transcriptomics-w2.png", "cheapest.md", "cheapest.csv", "cheapest.json"},
		Cells: func(s experiments.Scale) ([]string, error) {
			p, err := PresetFor(s)
			if err != nil {
				return nil, err
			}
			return CellNames(p), nil
		},
		Package: "github.com/ncgn/ncgn/experiments/samplers",
		Run:     Run,
		Data:    "ModelNet40 `DIR` for the modelnet40 task, as experiment modelnet40 reads it (default: ./data, then " + modelnet40.SharedData + "); transcriptomics simulates its own",
	}
}

// settings returns the settings of the task called name in p.
func (p Preset) settings(name string) []Setting {
	if name == modelnet40.Name {
		return p.ModelNet40
	}
	return p.Transcriptomics
}

// CellNames returns every cell of preset p in the order a run computes them:
// TASK/NETWORK/SETTING.
func CellNames(p Preset) []string {
	var out []string
	for _, t := range taskNames {
		for _, n := range networks {
			for _, s := range p.settings(t) {
				out = append(out, cellName(t, n, s))
			}
		}
	}
	return out
}

func cellName(task string, n network, s Setting) string { return task + "/" + n.Key() + "/" + s.Key() }

// entryName is the cache name of a cell's replicate k: the cell's name for the first, with
// "/seedK" appended for the K-th.
func entryName(cell string, k int) string {
	if k == 0 {
		return cell
	}
	return fmt.Sprintf("%s/seed%d", cell, k+1)
}

// record is what the cache keeps for one replicate of a cell.
type record struct {
	// Values holds the task's metrics, the network evaluations per batch (KeyNFE) and the
	// seconds of sampling (KeySeconds).
	Values map[string]float64 `json:"values"`
	// Boot holds the W2 on the preset's resamples of the test set.
	Boot    []float64 `json:"boot,omitempty"`
	Samples int       `json:"samples"`
	// Seconds is the wall time of sampling and scoring (the network's training is not in it).
	Seconds float64 `json:"seconds"`
	Network string  `json:"network"`
	// TrainSeconds is the network's training wall time as the lending experiment's cache
	// recorded it when the cell was computed (0: not known), so that the tables can state it
	// where that cache no longer holds the network's record (another code state trained it).
	TrainSeconds float64 `json:"train_seconds,omitempty"`
	Commit       string  `json:"commit,omitempty"`
	Fingerprint  string  `json:"fingerprint,omitempty"`
	Replicate    int     `json:"replicate,omitempty"`
}

// runner carries the state of one run.
type runner struct {
	env   experiments.Env
	p     Preset
	code  experiments.CodeState
	cache *experiments.Cache
	tasks map[string]*task // the tasks with selected cells, opened
	start time.Time
	// computed marks the cache entries this run computed.
	computed map[string]bool
}

// Run computes the selected cells (every cell by default), reusing the cached ones, and
// writes the tables and figures of the tasks they belong to into env.OutDir.
func Run(ctx context.Context, env experiments.Env) error {
	p, err := PresetFor(env.Scale)
	if err != nil {
		return err
	}
	selected, err := experiments.Select(CellNames(p), env.Only)
	if err != nil {
		return fmt.Errorf("samplers: %w", err)
	}
	cache, err := experiments.OpenCache(filepath.Join(env.OutDir, "cache"))
	if err != nil {
		return fmt.Errorf("samplers: %w", err)
	}
	code, err := env.CodeFor(Experiment().Package)
	if err != nil {
		return fmt.Errorf("samplers: %w", err)
	}
	r := &runner{env: env, p: p, code: code, cache: cache, tasks: map[string]*task{}, start: time.Now(), computed: map[string]bool{}}
	want := map[string]bool{}
	for _, c := range selected {
		want[c] = true
		name := c[:strings.Index(c, "/")]
		if r.tasks[name] != nil {
			continue
		}
		var t *task
		if name == modelnet40.Name {
			t, err = modelNet40Task(env, p)
		} else {
			t, err = transcriptomicsTask(env, p)
		}
		if err != nil {
			return err
		}
		r.tasks[name] = t
	}
	return experiments.Steps{
		Compute: func(ctx context.Context) error { return r.compute(ctx, want) },
		Write:   r.write,
		Missing: func() ([]string, error) { return r.missing(want) },
	}.Run(ctx, env, "samplers")
}

// unit is the work on one network: every selected setting sampled with it.
type unit struct {
	t        *task
	n        network
	k        int
	settings []Setting
}

// units returns the selected work network by network (task, replicate, network), the
// settings of each in preset order.
func (r *runner) units(want map[string]bool) []unit {
	var out []unit
	for _, name := range taskNames {
		t := r.tasks[name]
		if t == nil {
			continue
		}
		for k := range r.env.Replicates() {
			for _, n := range networks {
				u := unit{t: t, n: n, k: k}
				for _, s := range t.Settings {
					if want[cellName(t.Name, n, s)] {
						u.settings = append(u.settings, s)
					}
				}
				if len(u.settings) > 0 {
					out = append(out, u)
				}
			}
		}
	}
	return out
}

// cellKey returns the cache key of a cell's replicate: the code, the network's key, the test
// set and sampling seed, the setting and the resamples.
func (r *runner) cellKey(t *task, n network, k int, s Setting) (string, error) {
	name, nk, err := t.Network(n, k)
	if err != nil {
		return "", err
	}
	tk, err := t.TestKey(k)
	if err != nil {
		return "", err
	}
	return experiments.Key(struct {
		Code      string  `json:"code"`
		Cell      string  `json:"cell"`
		Network   string  `json:"network"`
		NetKey    string  `json:"network_key"`
		Test      string  `json:"test"`
		Setting   Setting `json:"setting"`
		Boot      int     `json:"bootstrap_reps"`
		Seed      int64   `json:"seed"`
		Replicate int     `json:"replicate"`
	}{r.code.Fingerprint, cellName(t.Name, n, s), name, nk, tk, s, r.p.BootstrapReps, r.env.Seed, k})
}

// cached returns the cached record of a cell's replicate, if any.
func (r *runner) cached(t *task, n network, k int, s Setting) (record, bool, error) {
	key, err := r.cellKey(t, n, k, s)
	if err != nil {
		return record{}, false, err
	}
	var rec record
	ok, err := r.cache.Load(entryName(cellName(t.Name, n, s), k), key, &rec)
	if err != nil {
		r.env.Logf("warning: %v; computing it again", err)
		return record{}, false, nil
	}
	return rec, ok, nil
}

// compute computes the selected cell replicates of this run's shard that are not cached,
// network by network, caching each as soon as it is done.
func (r *runner) compute(ctx context.Context, want map[string]bool) error {
	units := r.units(want)
	var todo, cached int
	var mine []unit
	for i, u := range units {
		if !r.env.Shard.Owns(i) {
			continue
		}
		mine = append(mine, u)
		for _, s := range u.settings {
			if _, ok, err := r.cached(u.t, u.n, u.k, s); err != nil {
				return err
			} else if ok {
				cached++
			} else {
				todo++
			}
		}
	}
	r.env.Logf("samplers: preset %s, %d seed(s), shard %s: %d cell replicates to compute on %d networks, %d cached; writing into %s",
		r.p.Scale, r.env.Replicates(), r.env.Shard, todo, len(mine), cached, r.env.OutDir)
	done := 0
	for _, u := range mine {
		for _, s := range u.settings {
			entry := entryName(cellName(u.t.Name, u.n, s), u.k)
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("samplers: stopped before cell %s: %w", entry, err)
			}
			if _, ok, err := r.cached(u.t, u.n, u.k, s); err != nil {
				return err
			} else if ok {
				continue
			}
			done++
			lock, err := r.cache.Lock(ctx, entry, func(h string) { r.env.Logf("%s: waiting: %s", entry, h) })
			if err != nil {
				return fmt.Errorf("samplers: %w", err)
			}
			rec, err := r.computeCell(ctx, u, s)
			if err == nil {
				var key string
				if key, err = r.cellKey(u.t, u.n, u.k, s); err == nil {
					err = r.cache.Store(entry, key, rec)
				}
			}
			_ = lock.Release()
			if err != nil {
				return fmt.Errorf("samplers: cell %s: %w", entry, err)
			}
			r.computed[entry] = true
			extra := ""
			if v, ok := rec.Values[KeyNNACD]; ok {
				extra = fmt.Sprintf(", 1-NNA-CD %.1f %%", v)
			}
			r.env.Logf("[%d/%d] %s: W2 %.4g%s, %.4g evaluations, %s; elapsed %s", done, todo, entry, rec.Values[KeyW2], extra,
				rec.Values[KeyNFE], experiments.FormatSeconds(rec.Seconds), experiments.FormatSeconds(time.Since(r.start).Seconds()))
		}
	}
	return nil
}

// computeCell samples with setting s from the unit's network and scores the samples.
func (r *runner) computeCell(ctx context.Context, u unit, s Setting) (record, error) {
	if err := u.t.Prepare(ctx, u.n, u.k); err != nil { // trained or loaded outside the timing
		return record{}, err
	}
	start := time.Now()
	gen, nfe, err := u.t.Generate(ctx, u.n, u.k, s)
	if err != nil {
		return record{}, err
	}
	sampling := time.Since(start).Seconds()
	values, boot, err := u.t.Score(ctx, gen, r.p.BootstrapReps)
	if err != nil {
		return record{}, err
	}
	name, _, err := u.t.Network(u.n, u.k)
	if err != nil {
		return record{}, err
	}
	values[KeyNFE], values[KeySeconds] = nfe, sampling
	trained, _ := u.t.Trained(u.n, u.k)
	return record{Values: values, Boot: boot, Samples: len(gen), Seconds: time.Since(start).Seconds(), Network: name, TrainSeconds: trained,
		Commit: r.code.Commit, Fingerprint: r.code.Fingerprint, Replicate: u.k}, nil
}

// missing returns the selected cell replicates the cache does not hold.
func (r *runner) missing(want map[string]bool) ([]string, error) {
	var out []string
	for _, u := range r.units(want) {
		for _, s := range u.settings {
			if _, ok, err := r.cached(u.t, u.n, u.k, s); err != nil {
				return nil, err
			} else if !ok {
				out = append(out, entryName(cellName(u.t.Name, u.n, s), u.k))
			}
		}
	}
	return out, nil
}

// meta returns the record of how a table of task t (nil: every task) was made.
func (r *runner) meta(data string, computeSeconds float64) experiments.Meta {
	return experiments.Meta{
		Experiment:     Name,
		Preset:         r.p.Scale,
		Seeds:          []experiments.Seed{{Name: "base", Value: r.env.Seed}},
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
