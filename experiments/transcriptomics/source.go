package transcriptomics

import (
	"context"
	"fmt"

	st "github.com/ncgn/ncgn/datasets/transcriptomics"
	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/trained"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/models"
)

// Source lends this experiment's trained Table 3 networks, test set and score to another
// experiment (experiments/samplers): a network it asks for is reused from this experiment's
// cache, or trained into it, exactly as a run of this experiment would, so the two
// experiments share their networks.
type Source struct {
	r *runner
}

// OpenSource returns the source of env, whose OutDir is this experiment's output folder.
func OpenSource(env experiments.Env) (*Source, error) {
	r, err := open(env)
	if err != nil {
		return nil, err
	}
	return &Source{r: r}, nil
}

// Preset returns the preset the source's networks are trained with.
func (s *Source) Preset() Preset { return s.r.p }

// Code returns the code state that keys the source's networks.
func (s *Source) Code() experiments.CodeState { return s.r.code }

func (s *Source) spec(g graphs.Kind, c models.Conv, k int) (ModelSpec, error) {
	if k < 0 || k >= len(s.r.reps) {
		return ModelSpec{}, fmt.Errorf("transcriptomics: replicate %d of %d: %w", k, len(s.r.reps), experiments.ErrConfig)
	}
	return Table3Model(s.r.p, s.r.reps[k], g, c), nil
}

// Network returns the cache name and key of the Table 3 network of graph g and layer c in
// replicate k (0 for the first seed): what a result computed from it depends on.
func (s *Source) Network(g graphs.Kind, c models.Conv, k int) (name, key string, err error) {
	ms, err := s.spec(g, c, k)
	if err != nil {
		return "", "", err
	}
	key, err = ms.Key(s.r.code.Fingerprint)
	return ms.Name(), key, err
}

// Trained returns the record of the Table 3 network of graph g and layer c in replicate k when
// the cache holds it (its training time, steps and final loss).
func (s *Source) Trained(g graphs.Kind, c models.Conv, k int) (trained.Record, bool) {
	name, key, err := s.Network(g, c, k)
	if err != nil {
		return trained.Record{}, false
	}
	return s.r.nets.Record(name, key)
}

// TestKey returns a key of the test set and of the sampling seed of replicate k: with the
// network's key, it fixes what Generate draws and what Score compares against.
func (s *Source) TestKey(k int) (string, error) {
	if k < 0 || k >= len(s.r.reps) {
		return "", fmt.Errorf("transcriptomics: replicate %d of %d: %w", k, len(s.r.reps), experiments.ErrConfig)
	}
	sk := s.r.sampleKey(s.r.reps[k])
	sk.EulerSteps, sk.Solver, sk.BootstrapReps = 0, "", 0 // the caller's sampling, no bootstrap
	return experiments.Key(sk)
}

// Prepare trains the Table 3 network of graph g and layer c in replicate k, or loads it from
// the cache.
func (s *Source) Prepare(ctx context.Context, g graphs.Kind, c models.Conv, k int) error {
	ms, err := s.spec(g, c, k)
	if err != nil {
		return err
	}
	_, _, err = s.r.trainedNet(ctx, ms)
	return err
}

// Generate samples unconditionally one graph per test graph with the Table 3 network of graph
// g and layer c in replicate k (trained if the cache lacks it), with the named flow solver
// (euler, midpoint, heun, dopri5 with tolerance tol) over steps steps (dopri5: its first step
// is 1/steps), and returns them with the network evaluations per batch.
func (s *Source) Generate(ctx context.Context, g graphs.Kind, c models.Conv, k int, solver string, steps int, tol float64) ([][]float64, float64, error) {
	ms, err := s.spec(g, c, k)
	if err != nil {
		return nil, 0, err
	}
	net, _, err := s.r.trainedNet(ctx, ms)
	if err != nil {
		return nil, 0, err
	}
	var nfe float64
	gen, _, _, err := s.r.generateTask(ctx, net, ms, st.Unconditional, s.r.reps[k], sampling{solver: solver, steps: steps, tol: tol, nfe: &nfe})
	return gen, nfe, err
}

// Score returns Table 3's unconditional W2 of the generated graphs gen (one per test graph)
// against the test set, and the W2 on the resamples of the test set Table 3 uses, reps of
// them (none for reps < 2).
func (s *Source) Score(ctx context.Context, gen [][]float64, reps int) (float64, []float64, error) {
	data, err := s.r.loadData(ctx)
	if err != nil {
		return 0, nil, err
	}
	g, truth, _ := data.TaskSet(st.Unconditional)
	rec, err := score(st.Unconditional, g, gen, truth, nil, "")
	if err != nil {
		return 0, nil, err
	}
	boot, err := s.r.bootW2(st.Unconditional, g, gen, truth, reps)
	return rec.Scores.W2, boot, err
}
