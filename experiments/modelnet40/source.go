package modelnet40

import (
	"context"
	"fmt"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/trained"
	"github.com/ncgn/ncgn/metrics"
)

// Source lends this experiment's trained networks, test clouds and scores to another
// experiment (experiments/samplers): a network it asks for is reused from this experiment's
// cache, or trained into it, exactly as a run of this experiment with the same options would,
// so the two experiments share their networks.
type Source struct {
	r    *runner
	test [][][]float64 // the test clouds as point lists and their CD distances, made on first use
	cd   [][]float64
}

// OpenSource returns the source of env, whose OutDir is this experiment's output folder
// (its options select the sub-folder as for Run).
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

// Network returns the cache name and key of the network of method m in replicate k (0 for the
// first seed): what a result computed from it depends on.
func (s *Source) Network(m Method, k int) (name, key string, err error) {
	ms, err := s.spec(m, k)
	if err != nil {
		return "", "", err
	}
	key, err = ms.Key(s.r.code.Fingerprint)
	return ms.Name(), key, err
}

// Trained returns the record of the network of method m in replicate k when the cache holds
// it (its training time, steps and final loss).
func (s *Source) Trained(m Method, k int) (trained.Record, bool) {
	name, key, err := s.Network(m, k)
	if err != nil {
		return trained.Record{}, false
	}
	return s.r.nets.Record(name, key)
}

// TestKey returns a key of the test clouds and of the sampling seed of replicate k: with the
// network's key, it fixes what Generate draws and what Score compares against.
func (s *Source) TestKey(k int) (string, error) {
	if k < 0 || k >= len(s.r.reps) {
		return "", fmt.Errorf("modelnet40: replicate %d of %d: %w", k, len(s.r.reps), experiments.ErrConfig)
	}
	return experiments.Key(struct {
		Data     dataKey `json:"data"`
		Sampling int64   `json:"sampling_seed"`
	}{s.r.dk, s.r.reps[k].Sampling})
}

func (s *Source) spec(m Method, k int) (ModelSpec, error) {
	if m.Baseline != "" || k < 0 || k >= len(s.r.reps) {
		return ModelSpec{}, fmt.Errorf("modelnet40: no network for %s in replicate %d of %d: %w", m.Title(), k, len(s.r.reps), experiments.ErrConfig)
	}
	return *s.r.model(m, s.r.reps[k]), nil
}

// Prepare trains the network of method m in replicate k, or loads it from the cache.
func (s *Source) Prepare(ctx context.Context, m Method, k int) error {
	ms, err := s.spec(m, k)
	if err != nil {
		return err
	}
	_, _, err = s.r.network(ctx, ms)
	return err
}

// Generate samples one cloud per test cloud with the network of method m in replicate k
// (trained if the cache lacks it), with the named DDPM sampler (ddpm or ddim, eta for DDIM)
// over steps levels, and returns them with the network evaluations per batch.
func (s *Source) Generate(ctx context.Context, m Method, k int, sampler string, steps int, eta float64) ([][]float64, float64, error) {
	ms, err := s.spec(m, k)
	if err != nil {
		return nil, 0, err
	}
	var nfe float64
	gen, err := s.r.generate(ctx, ms, s.r.reps[k], sampler, steps, eta, &nfe)
	return gen, nfe, err
}

// Score returns the paper's W2 × 10² (KeyW2) and 1-NNA-CD in percent (KeyNNACD) of the
// generated clouds gen (one per test cloud) against the test clouds, and the W2 × 10² on reps
// resamples of the clouds drawn from seed (generated cloud j and test cloud j together; none
// for reps < 2).
func (s *Source) Score(ctx context.Context, gen [][]float64, reps int, seed uint64) (map[string]float64, []float64, error) {
	d, err := s.r.loadData(ctx)
	if err != nil {
		return nil, nil, err
	}
	if len(gen) != len(d.Test) {
		return nil, nil, fmt.Errorf("modelnet40: %d generated clouds for %d test clouds: %w", len(gen), len(d.Test), experiments.ErrConfig)
	}
	if s.cd == nil {
		s.test = points(d.Test)
		if s.cd, err = metrics.PairwiseWithin(s.test, metrics.DistCD); err != nil {
			return nil, nil, fmt.Errorf("modelnet40: test clouds: %w", err)
		}
	}
	w2, err := metrics.FlattenedW2(gen, d.Test, float64(s.r.p.Points))
	if err != nil {
		return nil, nil, fmt.Errorf("modelnet40: W2: %w", err)
	}
	g := points(gen)
	dSS, err := metrics.PairwiseWithin(g, metrics.DistCD)
	if err != nil {
		return nil, nil, fmt.Errorf("modelnet40: CD: %w", err)
	}
	dSR, err := metrics.Pairwise(g, s.test, metrics.DistCD)
	if err != nil {
		return nil, nil, fmt.Errorf("modelnet40: CD: %w", err)
	}
	nna, err := metrics.OneNNA(dSS, s.cd, dSR)
	if err != nil {
		return nil, nil, fmt.Errorf("modelnet40: 1-NNA-CD: %w", err)
	}
	boots, err := bootstrap(gen, &reference{flat: d.Test}, reps, seed)
	if err != nil {
		return nil, nil, err
	}
	return map[string]float64{KeyW2: 100 * w2, KeyNNACD: nna}, boots, nil
}
