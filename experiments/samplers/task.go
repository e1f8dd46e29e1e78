package samplers

import (
	"context"
	"fmt"
	"path/filepath"

	st "github.com/ncgn/ncgn/datasets/transcriptomics"
	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/modelnet40"
	"github.com/ncgn/ncgn/experiments/transcriptomics"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/models"
)

// Metric keys of a cell's values.
const (
	KeyW2      = "w2"      // the task's W2 (ModelNet40: × 10², as the paper's Table 1)
	KeyNNACD   = "nna_cd"  // 1-NNA-CD in percent (ModelNet40 only)
	KeyNFE     = "nfe"     // network evaluations per sample batch
	KeySeconds = "seconds" // wall time of sampling the test set's size of samples
)

// network is one trained network of a task: a graph with the GAT layer.
type network struct {
	Graph graphs.Kind
}

// Key returns the network's key in cell names, e.g. "dmp-gat".
func (n network) Key() string { return string(n.Graph) + "-gat" }

// Title returns the network's name, e.g. "DMP GAT".
func (n network) Title() string { return n.Graph.Title() + " GAT" }

// networks are the networks every task samples with: the paper's DMP and the kNN baseline.
var networks = []network{{graphs.DMP}, {graphs.KNN}}

// task is one of the paper's tasks as this experiment measures it: its settings, its
// networks (lent by the task's own experiment) and its scores.
type task struct {
	Name, Title string
	Process     generative.Process
	Settings    []Setting
	Paper       Setting // the paper's sampler (the preset's stand-in at smoke), the reference of every comparison
	Tables      Setting // the sampler of the task's own tables at this scale
	Metrics     []experiments.Metric
	// PaperW2 is the paper's W2 of each network (by key) with the paper's sampler.
	PaperW2 map[string]float64
	// Data says what the networks were trained on and what they are scored against.
	Data string
	// Network returns the cache name and key of a network in replicate k; TestKey a key of the
	// test set and of the sampling seed of replicate k.
	Network func(n network, k int) (name, key string, err error)
	TestKey func(k int) (string, error)
	// Trained returns the training time of network n in replicate k if it is trained.
	Trained func(n network, k int) (float64, bool)
	// Prepare trains network n of replicate k, or loads it from the cache.
	Prepare func(ctx context.Context, n network, k int) error
	// Generate samples the test set's size with network n of replicate k and setting s, and
	// returns the samples with the network evaluations per batch.
	Generate func(ctx context.Context, n network, k int, s Setting) ([][]float64, float64, error)
	// Score returns the task's metrics of gen and the W2 on reps resamples of the test set.
	Score func(ctx context.Context, gen [][]float64, reps int) (map[string]float64, []float64, error)
}

// sourceEnv returns the environment of the experiment called name that lends its networks:
// its output folder beside this experiment's, the same scale, seeds and writers, and the
// code state of env only when one is given (tests); otherwise the lending experiment
// fingerprints its own code, so that it and this experiment share the networks.
func sourceEnv(env experiments.Env, name string) experiments.Env {
	return experiments.Env{Scale: env.Scale, OutDir: filepath.Join(filepath.Dir(env.OutDir), name), Seed: env.Seed, Seeds: env.Seeds,
		Code: env.Code, Log: env.Log, Progress: env.Progress}
}

// modelNet40Task returns the ModelNet40 task of preset p, its networks those of
// experiments/modelnet40 with its default options (data from dataDir as that experiment finds
// them).
func modelNet40Task(env experiments.Env, p Preset) (*task, error) {
	se := sourceEnv(env, modelnet40.Name)
	se.Data = env.Data
	src, err := modelnet40.OpenSource(se)
	if err != nil {
		return nil, fmt.Errorf("samplers: %w", err)
	}
	mp := src.Preset()
	method := func(n network) modelnet40.Method { return modelnet40.Table1Method(models.GAT, n.Graph, false) }
	bootSeed := uint64(env.Seed)*7919 + 0x73616d70
	t := &task{
		Name: modelnet40.Name, Title: "ModelNet40", Process: generative.ProcessDiffusion,
		Settings: p.ModelNet40, Paper: p.ModelNet40Paper,
		Tables: Setting{Sampler: string(generative.SamplerDDPM), Steps: mp.SamplingSteps},
		Metrics: []experiments.Metric{
			{Key: KeyW2, Title: "W2 ×10⁻²", Description: "the paper's flattened W2 between the generated and the test clouds, × 10² (Table 1's unit); lower is better", Digits: 3},
			{Key: KeyNNACD, Title: "1-NNA-CD %", Description: "1-nearest-neighbour accuracy with the Chamfer distance, percent; 50 is ideal, 100 means every generated cloud is told from the test clouds", Digits: 1},
			{Key: KeyNFE, Title: "NFE", Description: "network evaluations per sample batch", Digits: 0},
			{Key: KeySeconds, Title: "seconds", Description: "wall time of sampling the test set's size of clouds", Digits: 1},
		},
		PaperW2: map[string]float64{"dmp-gat": modelnet40.PaperTable1[models.GAT]["dmp"], "knn-gat": modelnet40.PaperTable1[models.GAT]["knn"]},
		Data: fmt.Sprintf("the networks and test clouds of experiment modelnet40 at preset %s (%d points per cloud, %d test clouds; classes %v, all 40 when empty; DDPM T = %d, trained %d steps at batch %d)",
			mp.Scale, mp.Points, mp.TestClouds, mp.Classes, mp.Timesteps, mp.Steps, mp.BatchSize),
		Network: func(n network, k int) (string, string, error) { return src.Network(method(n), k) },
		TestKey: src.TestKey,
		Trained: func(n network, k int) (float64, bool) {
			rec, ok := src.Trained(method(n), k)
			return rec.Seconds, ok
		},
		Prepare: func(ctx context.Context, n network, k int) error { return src.Prepare(ctx, method(n), k) },
		Generate: func(ctx context.Context, n network, k int, s Setting) ([][]float64, float64, error) {
			return src.Generate(ctx, method(n), k, s.Sampler, s.Steps, 0)
		},
		Score: func(ctx context.Context, gen [][]float64, reps int) (map[string]float64, []float64, error) {
			v, boot, err := src.Score(ctx, gen, reps, bootSeed)
			if err != nil {
				return nil, nil, err
			}
			return map[string]float64{KeyW2: v[modelnet40.KeyW2], KeyNNACD: v[modelnet40.KeyNNACD]}, boot, nil
		},
	}
	return t, nil
}

// transcriptomicsTask returns the transcriptomics task of preset p, its networks those of
// experiments/transcriptomics with its default options, scored on unconditional generation.
func transcriptomicsTask(env experiments.Env, p Preset) (*task, error) {
	src, err := transcriptomics.OpenSource(sourceEnv(env, transcriptomics.Name))
	if err != nil {
		return nil, fmt.Errorf("samplers: %w", err)
	}
	tp := src.Preset()
	t := &task{
		Name: transcriptomics.Name, Title: "spatial transcriptomics (unconditional)", Process: generative.ProcessFlow,
		Settings: p.Transcriptomics, Paper: p.TranscriptomicsPaper,
		Tables: Setting{Sampler: string(generative.SolverEuler), Steps: tp.EulerSteps},
		Metrics: []experiments.Metric{
			{Key: KeyW2, Title: "W2", Description: "Table 3's flattened W2 of unconditional generation against the test graphs; lower is better", Digits: 3},
			{Key: KeyNFE, Title: "NFE", Description: "network evaluations per sample batch (dopri5: the mean over batches)", Digits: 1},
			{Key: KeySeconds, Title: "seconds", Description: "wall time of sampling the test set's size of graphs", Digits: 1},
		},
		PaperW2: map[string]float64{"dmp-gat": transcriptomics.PaperTable3[st.Unconditional]["dmp-gat"], "knn-gat": transcriptomics.PaperTable3[st.Unconditional]["knn-gat"]},
		Data: fmt.Sprintf("the networks and test graphs of experiment transcriptomics at preset %s (%s)",
			tp.Scale, transcriptomics.Description(tp)),
		Network: func(n network, k int) (string, string, error) { return src.Network(n.Graph, models.GAT, k) },
		TestKey: src.TestKey,
		Trained: func(n network, k int) (float64, bool) {
			rec, ok := src.Trained(n.Graph, models.GAT, k)
			return rec.Seconds, ok
		},
		Prepare: func(ctx context.Context, n network, k int) error { return src.Prepare(ctx, n.Graph, models.GAT, k) },
		Generate: func(ctx context.Context, n network, k int, s Setting) ([][]float64, float64, error) {
			return src.Generate(ctx, n.Graph, models.GAT, k, s.Sampler, s.Steps, s.Tolerance)
		},
		Score: func(ctx context.Context, gen [][]float64, reps int) (map[string]float64, []float64, error) {
			w2, boot, err := src.Score(ctx, gen, reps)
			if err != nil {
				return nil, nil, err
			}
			return map[string]float64{KeyW2: w2}, boot, nil
		},
	}
	return t, nil
}
