package transcriptomics

import (
	"context"
	"fmt"
	"math/rand/v2"

	st "github.com/ncgn/ncgn/datasets/transcriptomics"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/models"
)

// TaskSet returns the test set a task is scored on: the knockout set for gene knockout, the
// test set otherwise, with the grid and the knocked-out gene of each sample (NoKnockout).
func (d *Data) TaskSet(task st.Task) (st.Grid, [][]float64, []st.Gene) {
	if task == st.GeneKnockout {
		return st.KnockoutGrid(), d.Knockout, d.KnockoutGene
	}
	genes := make([]st.Gene, len(d.Test))
	for j := range genes {
		genes[j] = st.NoKnockout
	}
	return st.TestGrid(), d.Test, genes
}

// Conditioning returns what task fixes in each generated sample j, taken from test sample
// truth[j] (knocked-out gene genes[j]): the sampler's Condition (one mask and one set of values
// per sample) and the masks (true = known). Unconditional generation gives nil, nil. The
// knocked-out gene is held at the normalised value of raw 0 (st.HoldRawZero), the value of
// the ground truth; the reference holds normalised 0 (docs/REFERENCE.md §9).
func Conditioning(task st.Task, g st.Grid, truth [][]float64, genes []st.Gene, norm *st.Normalisation) (*generative.Condition, [][]bool, error) {
	if task == st.Unconditional {
		return nil, nil, nil
	}
	size := g.Nodes() * st.NumGenes
	cond := &generative.Condition{Mask: make([]bool, 0, len(truth)*size), Values: make([]float64, 0, len(truth)*size)}
	masks := make([][]bool, len(truth))
	for j, x := range truth {
		c, err := task.Condition(g, x, genes[j], norm, st.HoldRawZero)
		if err != nil {
			return nil, nil, fmt.Errorf("transcriptomics: task %q, test sample %d: %w", task.Name(), j, err)
		}
		masks[j] = c.Mask
		cond.Mask = append(cond.Mask, c.Mask...)
		cond.Values = append(cond.Values, c.Values...)
	}
	return cond, masks, nil
}

// RandomSamples returns the random baseline for count samples of size values each: every
// entry drawn from N(0, 1) (the flow's source distribution), sample j from its own PCG stream
// (seed, j); cond, if not nil, then replaces the known entries.
func RandomSamples(count, size int, seed int64, cond *generative.Condition) ([][]float64, error) {
	out := make([][]float64, count)
	for j := range out {
		r := rand.New(rand.NewPCG(uint64(seed), uint64(j)))
		out[j] = make([]float64, size)
		for k := range out[j] {
			out[j][k] = r.NormFloat64()
		}
		if cond != nil {
			if err := cond.Apply(out[j], j, 1); err != nil {
				return nil, fmt.Errorf("transcriptomics: random baseline, sample %d: %w", j, err)
			}
		}
	}
	return out, nil
}

// sampling is how a network generates: the solver (generative.SampleConfig.WithSampler; ""
// is Euler), its steps, dopri5's tolerance, and where to report the network evaluations per
// batch (nil: nowhere).
type sampling struct {
	solver string
	steps  int
	tol    float64
	nfe    *float64
}

// tableSampling is the sampling of the tables: the preset's solver and steps.
func (r *runner) tableSampling() sampling {
	return sampling{solver: string(r.p.Solver), steps: r.p.EulerSteps}
}

// generateTask generates one sample per test sample of the task with net (its EMA weights
// loaded) on the task's grid, conditioned as the task says, sampled as s says, and returns
// the samples, the test samples and the masks.
func (r *runner) generateTask(ctx context.Context, net *models.DMP, ms ModelSpec, task st.Task, rep Seeds, s sampling) (gen, truth [][]float64, masks [][]bool, err error) {
	data, err := r.loadData(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	g, truth, genes := data.TaskSet(task)
	cond, masks, err := Conditioning(task, g, truth, genes, data.Norm)
	if err != nil {
		return nil, nil, nil, err
	}
	rs := ms.RunSpec(g, data.Config)
	model, err := rs.WithNetwork(net)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("transcriptomics: model %s on the %s grid: %w", ms.Name(), g.Name, err)
	}
	cfg := rs.SampleConfig(len(truth))
	cfg.BatchSize, cfg.Seed, cfg.Flow.Steps = r.p.SampleBatch, rep.Sampling+int64(task), s.steps
	cfg.Condition, cfg.Progress, cfg.NFE = cond, r.env.Progress, s.nfe
	if cfg, err = cfg.WithSampler(s.solver, 0, s.tol); err != nil {
		return nil, nil, nil, fmt.Errorf("transcriptomics: %w", err)
	}
	gen, err = generative.Sample(ctx, model.Denoiser, rs.Shape, cfg)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("transcriptomics: model %s, task %q: %w", ms.Name(), task.Name(), err)
	}
	return gen, truth, masks, nil
}
