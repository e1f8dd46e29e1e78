package analysis

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ncgn/ncgn/datasets/geometricshapes"
	"github.com/ncgn/ncgn/experiments"
)

// Name is the experiment's name on the command line and its output folder.
const Name = "analysis"

// EnvZip names the environment variable that points at GeometricShapes' raw.zip; unset, the
// experiment reads DefaultZip (relative to the working directory: the module root).
const EnvZip = "NCGN_GEOMETRICSHAPES_ZIP"

// DefaultZip is where the shared data keeps GeometricShapes (../shared/data, see its README).
var DefaultZip = filepath.Join("..", "shared", "data", "geometric-shapes", "raw.zip")

// The cells, one per figure.
var cellNames = []string{"figure2", "figure3", "figure4", "figure5", "figure10"}

// Experiment returns the registry entry of this experiment.
func Experiment() experiments.Experiment {
	return experiments.Experiment{
		Name:    Name,
		Section: "Section 3, Appendix A and D.1",
		Summary: "the analysis behind noise-conditioned graphs: Figures 2 (optimal radius), 3 (GAT attention vs distance), 4 and 10 (coarse-graining vs Gromov-Wasserstein), 5 (schedules)",
		Outputs: []string{"figure2.{png,csv,md}", "figure3.{png,csv,md}", "figure4.{png,csv,md}", "figure5.{png,csv,md}", "figure10.{png,csv,md}"},
		Cells: func(s experiments.Scale) ([]string, error) {
			if _, err := PresetFor(s); err != nil {
				return nil, err
			}
			return append([]string(nil), cellNames...), nil
		},
		Package: "github.com/ncgn/ncgn/experiments/analysis",
		Run:     Run,
	}
}

// runner carries one run's state.
type runner struct {
	env   experiments.Env
	p     Preset
	cache *experiments.Cache
	start time.Time
	code  experiments.CodeState
	zip   string
	set   *geometricshapes.Set
}

// Run computes the selected figures (every figure by default), reusing cached computations,
// and writes each figure's png, csv and caption (md) into env.OutDir.
func Run(ctx context.Context, env experiments.Env) error {
	p, err := PresetFor(env.Scale)
	if err != nil {
		return err
	}
	selected, err := experiments.Select(cellNames, env.Only)
	if err != nil {
		return fmt.Errorf("analysis: %w", err)
	}
	cache, err := experiments.OpenCache(filepath.Join(env.OutDir, "cache"))
	if err != nil {
		return fmt.Errorf("analysis: %w", err)
	}
	r := &runner{env: env, p: p, cache: cache, start: time.Now(), zip: DefaultZip}
	if z := os.Getenv(EnvZip); z != "" {
		r.zip = z
	}
	r.code, err = experiments.CodeOf(Experiment().Package)
	if err != nil {
		env.Logf("analysis: no code fingerprint (%v); results are labelled with the commit only", err)
		r.code = experiments.CodeState{Fingerprint: "unknown", Commit: env.Commit}
	}
	if env.Report { // each figure is written as soon as it is computed: say which are missing
		var missing []string
		for _, c := range selected {
			if _, err := os.Stat(filepath.Join(env.OutDir, c+".png")); err != nil {
				missing = append(missing, c)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("analysis: figures missing from %s: %s: %w", env.OutDir, strings.Join(missing, ", "), experiments.ErrIncomplete)
		}
		return nil
	}
	for k, c := range selected {
		if !env.Shard.Owns(k) { // one figure is one unit of work
			continue
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("analysis: stopped before %s: %w", c, err)
		}
		t0 := time.Now()
		switch c {
		case "figure2":
			err = r.figure2()
		case "figure3":
			err = r.figure3(ctx)
		case "figure4":
			err = r.figure4(ctx)
		case "figure5":
			err = r.figure5()
		case "figure10":
			err = r.figure10(ctx)
		}
		if err != nil {
			return err
		}
		env.Logf("%s written to %s [%s]", c, env.OutDir, experiments.FormatSeconds(time.Since(t0).Seconds()))
	}
	return nil
}

// clouds loads the GeometricShapes clouds of the preset (train split, surface samples).
func (r *runner) clouds() (*geometricshapes.Set, error) {
	if r.set != nil {
		return r.set, nil
	}
	if _, err := os.Stat(r.zip); err != nil {
		return nil, fmt.Errorf("analysis: GeometricShapes archive %s: %v (set %s, or see ../shared/data/README.md): %w", r.zip, err, EnvZip, experiments.ErrConfig)
	}
	set, err := geometricshapes.Load(r.zip, geometricshapes.Config{Split: geometricshapes.Train, Points: r.p.Points, Seed: uint64(r.env.Seed)}, false)
	if err != nil {
		return nil, fmt.Errorf("analysis: %w", err)
	}
	if len(set.Clouds) > r.p.Clouds {
		set.Clouds, set.Labels = set.Clouds[:r.p.Clouds], set.Labels[:r.p.Clouds]
	}
	r.set = set
	return set, nil
}

// dataLine describes the clouds for the results files.
func (r *runner) dataLine() string {
	return fmt.Sprintf("GeometricShapes (%s, sha256 checked): the first %d classes, one cloud of %d surface samples each, train split, normalised to max |coordinate| 0.5",
		r.zip, r.p.Clouds, r.p.Points)
}

// cached loads the value of name for key, or computes and stores it; seconds is the time the
// computation took (when it was cached: then).
func cached[T any](r *runner, name string, key any, compute func() (T, error)) (T, float64, bool, error) {
	type rec struct {
		Value   T       `json:"value"`
		Seconds float64 `json:"seconds"`
		Commit  string  `json:"commit"`
	}
	var zero T
	k, err := experiments.Key(struct {
		Key  any    `json:"key"`
		Code string `json:"code"`
	}{key, r.code.Fingerprint})
	if err != nil {
		return zero, 0, false, fmt.Errorf("analysis: %w", err)
	}
	var got rec
	ok, err := r.cache.Load(name, k, &got)
	if err != nil {
		return zero, 0, false, fmt.Errorf("analysis: %w", err)
	}
	if ok && r.code.Fingerprint != "unknown" {
		r.env.Logf("%s: reused from the cache", name)
		return got.Value, got.Seconds, true, nil
	}
	t0 := time.Now()
	v, err := compute()
	if err != nil {
		return zero, 0, false, err
	}
	got = rec{Value: v, Seconds: time.Since(t0).Seconds(), Commit: r.env.Commit}
	if err := r.cache.Store(name, k, got); err != nil {
		return zero, 0, false, fmt.Errorf("analysis: %w", err)
	}
	return v, got.Seconds, false, nil
}
