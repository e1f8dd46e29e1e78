package transcriptomics

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"time"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/trained"
	"github.com/ncgn/ncgn/generative"
)

// Name is the experiment's name on the command line and its output folder.
const Name = "transcriptomics"

// Experiment returns the registry entry of this experiment.
func Experiment() experiments.Experiment {
	return experiments.Experiment{
		Name:    Name,
		Section: "Section 5.2, Appendix B.3 and D.2",
		Summary: "spatiotemporal transcriptomics: Table 3 (six tasks x random, kNN, fully connected, DMP x GCN, GAT) and Figure 11 (W2 vs layers)",
		Outputs: []string{"table3.md", "table3.csv", "table3.json", "figure11.png", "figure11.csv", "figure11.md", "figure11.json"},
		Cells: func(s experiments.Scale) ([]string, error) {
			p, err := PresetFor(s)
			if err != nil {
				return nil, err
			}
			return CellNames(p), nil
		},
		Needs: func(s experiments.Scale) (map[string][]string, error) {
			p, err := PresetFor(s)
			if err != nil {
				return nil, err
			}
			r := &runner{p: p, seeds: DeriveSeeds(1)}
			r.reps = []Seeds{r.seeds}
			all := map[string]bool{}
			for _, c := range CellNames(p) {
				all[c] = true
			}
			out := map[string][]string{}
			for _, w := range r.plan(all) {
				if w.model != nil {
					out[w.name] = []string{w.model.Name()}
				}
			}
			return out, nil
		},
		Package: "github.com/ncgn/ncgn/experiments/transcriptomics",
		Run:     Run,
		Options: []experiments.Option{
			{Name: OptSampler, Usage: "ODE solver of sampling over the preset's steps: euler (the paper's), midpoint, heun (2 evaluations per step) or dopri5 (adaptive, tolerance 1e-3, first step 1/steps)",
				Values: generative.Samplers(generative.ProcessFlow), Default: string(generative.SolverEuler)},
		},
	}
}

// OptSampler names the sampler option; a non-default value writes under OUT/sampler-NAME.
const OptSampler = "sampler"

// runner carries the state of one run: the preset, the seeds, the cache, and the data and
// networks, made when first needed.
type runner struct {
	env       experiments.Env
	p         Preset
	seeds     Seeds   // the first replicate's; the data seeds of every replicate
	reps      []Seeds // one per training seed (env.Seeds), reps[0] = seeds
	code      experiments.CodeState
	cache     *experiments.Cache
	start     time.Time
	data      *Data
	nets      *trained.Networks
	simulated float64 // seconds spent simulating the data in this run (0: not simulated)
	// computed marks the cells computed by this run (the others were reused from the cache).
	computed map[string]bool
	// todo and done count the cell replicates this run computes (announce, progress).
	todo, done int
	// owned holds the cell replicates of this run's shard (all of them without --shard).
	owned map[string]bool
}

// Run computes the selected cells of env (every cell by default), reusing the cached ones,
// and writes Table 3 (as soon as its cells are done) and Figure 11 into env.OutDir; the
// cache is env.OutDir/cache.
func Run(ctx context.Context, env experiments.Env) error {
	r, err := open(env)
	if err != nil {
		return err
	}
	env = r.env
	selected, err := experiments.Select(CellNames(r.p), env.Only)
	if err != nil {
		return fmt.Errorf("transcriptomics: %w", err)
	}
	want := map[string]bool{}
	for _, c := range selected {
		want[c] = true
	}
	r.owned = r.shardEntries(want)
	if !env.Report {
		if err := r.announce(want); err != nil {
			return err
		}
		if err := r.computeTable3(ctx, want); err != nil {
			return err
		}
	}
	t3, err := r.table3()
	if err != nil {
		return err
	}
	if err := env.WriteTable(env.OutDir, t3); err != nil {
		return fmt.Errorf("transcriptomics: %w", err)
	}
	env.Logf("wall time so far %s", experiments.FormatSeconds(time.Since(r.start).Seconds()))
	if !env.Report {
		if err := r.computeFigure11(ctx, want); err != nil {
			return err
		}
	}
	plotted, err := r.writeFigure11(t3)
	if err != nil {
		return err
	}
	if plotted {
		env.Logf("figure 11 written to %s (wall time %s)", filepath.Join(env.OutDir, "figure11.png"), experiments.FormatSeconds(time.Since(r.start).Seconds()))
	} else {
		env.Logf("figure 11: no cell computed yet, so no figure11.png; its table is written (wall time %s)", experiments.FormatSeconds(time.Since(r.start).Seconds()))
	}
	if env.Report {
		missing, err := r.missing(want)
		if err != nil {
			return err
		}
		return incomplete(missing)
	}
	return nil
}

// open returns the runner of env: the preset with the options of env (a non-default sampler
// writes into OUT/sampler-NAME), the cache, the code state and the seeds of every replicate.
func open(env experiments.Env) (*runner, error) {
	p, err := PresetFor(env.Scale)
	if err != nil {
		return nil, err
	}
	sampler, err := Experiment().Option(env, OptSampler)
	if err != nil {
		return nil, err
	}
	if sampler != string(generative.SolverEuler) {
		p.Solver = generative.FlowSolver(sampler)
	}
	if env.OutDir, err = Experiment().Dir(env); err != nil {
		return nil, err
	}
	cache, err := experiments.OpenCache(filepath.Join(env.OutDir, "cache"))
	if err != nil {
		return nil, fmt.Errorf("transcriptomics: %w", err)
	}
	code, err := env.CodeFor(Experiment().Package)
	if err != nil {
		return nil, fmt.Errorf("transcriptomics: %w", err)
	}
	r := &runner{env: env, p: p, seeds: DeriveSeeds(env.Seed), code: code, cache: cache, start: time.Now(),
		nets: trained.New(cache, code, env), computed: map[string]bool{}}
	for k := range env.Replicates() {
		r.reps = append(r.reps, r.seeds.ForReplicate(k))
	}
	return r, nil
}

// loadData simulates the data sets on first use.
func (r *runner) loadData(ctx context.Context) (*Data, error) {
	if r.data != nil {
		return r.data, nil
	}
	if d, ok := r.storedData(); ok {
		r.env.Logf("simulated data reused from %s", filepath.Join(r.cache.Dir, dataFile))
		r.data = d
		return d, nil
	}
	r.env.Logf("simulating %d + %d + %d + %d graphs", r.p.TrainSamples, r.p.TestSamples, r.p.KnockoutSamples, r.p.FloorSamples)
	d, err := Simulate(ctx, r.p, r.seeds, r.env.Progress)
	if err != nil {
		return nil, err
	}
	r.env.Logf("simulated in %s", experiments.FormatSeconds(d.Seconds))
	if err := r.storeData(d); err != nil {
		r.env.Logf("warning: keeping the simulated data: %v", err)
	}
	r.simulated = d.Seconds
	r.data = d
	return d, nil
}

// meta returns the record of how the run's tables were made.
func (r *runner) meta(computeSeconds float64) experiments.Meta {
	s := r.seeds
	return experiments.Meta{
		Experiment: Name,
		Preset:     r.p.Scale,
		Seeds: []experiments.Seed{{Name: "base", Value: s.Base}, {Name: "train_data", Value: s.Train}, {Name: "test_data", Value: s.Test},
			{Name: "knockout_data", Value: s.Knockout}, {Name: "floor_data", Value: s.Floor}, {Name: "init", Value: s.Init},
			{Name: "training", Value: s.Training}, {Name: "sampling", Value: s.Sampling}},
		Data:           Description(r.p),
		Settings:       r.p,
		WallSeconds:    time.Since(r.start).Seconds(),
		ComputeSeconds: computeSeconds,
		Commit:         r.env.Commit,
		Created:        time.Now().UTC().Format(time.RFC3339),
		GoVersion:      runtime.Version(),
		CPUs:           runtime.GOMAXPROCS(0),
	}
}
