package benchmarks

import (
	"fmt"
	"math/rand"

	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/models"
	"github.com/ncgn/ncgn/schedules"
	"github.com/ncgn/ncgn/spec"
)

// task names the paper configuration a workload follows; the values are the peer's --task.
type task string

const (
	// modelNet is the ModelNet40 configuration: DDPM on the 3-D positions of point clouds, the
	// graph built on the noisy positions (REFERENCE.md §3).
	modelNet task = "modelnet"
	// spatial is the transcriptomics configuration: flow matching on 3 node features on fixed
	// 2-D positions (the 10 x 10 grid (s/54, t/90)); the network's input is [features, positions].
	spatial task = "st"
)

// The paper's configurations (REFERENCE.md §4, the peer's CFG): points per sample, width,
// k (k_end of the DMP schedule, the neighbours of knn and long-short), features per node,
// position dimension, learning rate and the sampler's number of network evaluations.
const (
	modelNetPoints = 400
	modelNetWidth  = 64
	modelNetK      = 7
	modelNetLR     = 1e-4
	modelNetNFE    = 1000 // DDPM steps

	spatialSide     = 10 // the grid is spatialSide x spatialSide
	spatialFeatures = 3
	spatialWidth    = 32
	spatialK        = 5
	spatialLR       = 1e-3
	spatialNFE      = 200 // Euler steps

	paperBatch  = 128
	paperLayers = 3
	warmupSteps = 10
)

// levelsStratified is the trainer's stratified level rule (generative.LevelsStratified): one
// u ~ U(0, 1) per step and t_b = (b + u)/B, so that steps of small batches (the scaling
// benchmark at large N) cost what a large batch costs on average. The default, "", draws
// t ~ U(0, 1) per sample (the peer and the paper).
const levelsStratified = generative.LevelsStratified

// workload is one benchmark configuration: a task at a size, with a graph kind and a
// message-passing layer.
type workload struct {
	task   task
	kind   graphs.Kind
	conv   models.Conv
	batch  int // samples per step
	nodes  int // nodes per sample (spatial: fixed by the grid)
	width  int
	layers int
	k      int
	levels generative.LevelRule
	arch   models.Arch // the network: the reference's (the peer's) unless a benchmark says otherwise
}

// modelNetWorkload is the paper's ModelNet40 configuration: 400 points, batch 128, width 64,
// 3 layers, k = 7.
func modelNetWorkload(kind graphs.Kind, conv models.Conv) workload {
	return workload{task: modelNet, kind: kind, conv: conv, batch: paperBatch, nodes: modelNetPoints,
		width: modelNetWidth, layers: paperLayers, k: modelNetK, arch: models.ArchReference}
}

// spatialWorkload is the paper's transcriptomics configuration: 100 nodes, batch 128, width 32,
// 3 layers, k = 5.
func spatialWorkload(kind graphs.Kind, conv models.Conv) workload {
	return workload{task: spatial, kind: kind, conv: conv, batch: paperBatch, nodes: spatialSide * spatialSide,
		width: spatialWidth, layers: paperLayers, k: spatialK, arch: models.ArchReference}
}

// name is the workload's benchmark name, <task>-<kind>-<conv>, e.g. modelnet-dmp-gat.
func (w workload) name() string { return fmt.Sprintf("%s-%s-%s", w.task, w.kind, w.conv) }

// dims returns the position dimension and the model's input and output features per node.
func (w workload) dims() (posDim, in, out int) {
	if w.task == modelNet {
		return 3, 3, 3
	}
	return 2, spatialFeatures + 2, spatialFeatures
}

// rig is a workload made concrete: the spec.Run of the workload built as `train` builds it, the
// generative.Trainer and generative.Sampler that `train` and `sample` run, and the synthetic
// data. Its steps are the trainer's and the sampler's own (Trainer.Step, SampleBatch.Step):
// the benchmarks time exactly what users run, phase by phase.
type rig struct {
	w     workload
	seed  int64
	ps    *layers.Params
	den   generative.Denoiser
	stats *models.GraphStats // the denoiser's last graphs
	tr    *generative.Trainer
	smp   *generative.Sampler
	batch *generative.SampleBatch
	dyn   generative.Dynamics // noises the sampling states
	pool  [][]float64         // 2·batch synthetic data samples, nodes x (3 positions | 3 features)
	grid  []float64           // spatial: the fixed positions, nodes x 2
}

// newRig builds the workload's model (float32 parameters, as the trainer uses), its trainer
// and sampler, and its synthetic data, all drawn from seed:
//
//   - modelNet: clouds uniform in [-0.5, 0.5]^3 (the peer's synthetic ModelNet40);
//   - spatial: features uniform in [0, 1] on the 10 x 10 grid of positions (s/54, t/90),
//     s in {0, 6, …, 54} (fastest), t in {0, 10, …, 90}.
//
// The graphs follow the peer (the reference): FloatRoot voxels per dimension, and DDPM with
// ReferenceOrientation, so that the graph at each noise level has the peer's size.
func newRig(w workload, seed int64) (*rig, error) {
	_, _, out := w.dims()
	r := &rig{w: w, seed: seed}
	run := spec.Run{
		Shape: generative.Shape{Nodes: w.nodes, Dim: out},
		Model: models.DMPConfig{Arch: w.arch, Width: w.width, Layers: w.layers, Conv: w.conv},
		Graph: graphs.PlanConfig{Kind: w.kind, K: w.k, FloatRoot: true},
		Train: generative.TrainConfig{Steps: 1 << 30, BatchSize: w.batch, WarmupSteps: warmupSteps, Seed: seed, Levels: w.levels},
		Seed:  seed,
	}
	rng := rand.New(rand.NewSource(seed))
	r.pool = make([][]float64, max(2*w.batch, 2))
	if w.task == modelNet {
		run.Task, run.Data = spec.TaskPositions, "synthetic clouds uniform in [-0.5, 0.5]^3"
		run.Train.Process, run.Train.LR = generative.ProcessDiffusion, modelNetLR
		run.Train.DDPM = generative.DDPMConfig{Timesteps: modelNetNFE, ReferenceOrientation: true}
		for i := range r.pool {
			r.pool[i] = make([]float64, w.nodes*3)
			for k := range r.pool[i] {
				r.pool[i][k] = rng.Float64() - 0.5
			}
		}
	} else {
		if w.nodes != spatialSide*spatialSide {
			return nil, fmt.Errorf("benchmarks: %s: %d nodes, the grid has %d", w.name(), w.nodes, spatialSide*spatialSide)
		}
		r.grid = spatialGrid()
		run.Task, run.Positions, run.Data = spec.TaskFeatures, r.grid, "synthetic features uniform in [0, 1] on the 10 x 10 grid"
		run.Train.Process, run.Train.LR = generative.ProcessFlow, spatialLR
		run.Train.Flow = generative.FlowConfig{Steps: spatialNFE, ReferenceGrid: true}
		for i := range r.pool {
			r.pool[i] = make([]float64, w.nodes*spatialFeatures)
			for k := range r.pool[i] {
				r.pool[i][k] = rng.Float64()
			}
		}
	}
	run = run.WithDefaults()
	model, err := run.Build()
	if err != nil {
		return nil, fmt.Errorf("benchmarks: %s: %w", w.name(), err)
	}
	r.ps, r.den = model.Params(), model.Denoiser
	switch d := model.Denoiser.(type) {
	case *models.PositionDenoiser:
		r.stats = &d.Last
	case *models.FeatureDenoiser:
		r.stats = &d.Last
	default:
		return nil, fmt.Errorf("benchmarks: %s: denoiser %T reports no graphs", w.name(), d)
	}
	if r.tr, err = model.NewTrainer("", nil); err != nil {
		return nil, fmt.Errorf("benchmarks: %s: %w", w.name(), err)
	}
	scfg := run.SampleConfig(w.batch)
	scfg.BatchSize, scfg.Seed = w.batch, seed
	if r.smp, err = generative.NewSampler(r.den, run.Shape, scfg); err != nil {
		return nil, fmt.Errorf("benchmarks: %s: %w", w.name(), err)
	}
	if r.batch, err = r.smp.Batch(0, w.batch); err != nil {
		return nil, fmt.Errorf("benchmarks: %s: %w", w.name(), err)
	}
	if r.dyn, err = generative.NewDynamics(run.Train.Process, run.Train.DDPM, run.Train.Flow); err != nil {
		return nil, err
	}
	return r, nil
}

// spatialGrid returns the transcriptomics positions (s/54, t/90) of the peer's st_grid.
func spatialGrid() []float64 {
	g := make([]float64, 0, 2*spatialSide*spatialSide)
	for ti := range spatialSide {
		for si := range spatialSide {
			g = append(g, float64(6*si)/54, float64(10*ti)/90)
		}
	}
	return g
}

// stepTimes are the parts of one step, in nanoseconds, and the size of its graph.
type stepTimes struct {
	data   int64 // training: draws of t and noise, noising, targets
	plan   int64 // graphs.NewPlans + graphs.NewBatch + the network input's assembly
	net    int64 // the expression graph, forward (+ backward in training), read-out
	update int64 // training: Adam + EMA; sampling: the DDPM or Euler update
	nodes  int   // supernodes in the batch
	edges  int   // coarse edges in the batch
	loss   float64
}

// total is the whole step.
func (s stepTimes) total() int64 { return s.data + s.plan + s.net + s.update }

// timesOf splits a step's report into the benchmark's parts: the denoiser's graph building
// (its Last.Plan) is taken out of the report's Forward phase.
func (r *rig) timesOf(rep generative.StepReport) stepTimes {
	plan := r.stats.Plan
	return stepTimes{data: int64(rep.Data), plan: int64(plan), net: int64(rep.Forward-plan) + int64(rep.Run),
		update: int64(rep.Update), nodes: r.stats.Supernodes, edges: r.stats.Edges, loss: rep.Loss}
}

// trainStep runs the trainer's next step on the pool (Trainer.Step: a batch of the epoch's
// permutation, the draws of the step's stream, Plans, forward, MSE loss, backward, the
// gradient checks, Adam and EMA).
func (r *rig) trainStep() (stepTimes, error) {
	rep, err := r.tr.Step(r.pool)
	if err != nil {
		return stepTimes{}, fmt.Errorf("benchmarks: %s: %w", r.w.name(), err)
	}
	return r.timesOf(rep), nil
}

// sampleEval returns the k-th of picks evaluations spread evenly over the sampler's levels, as
// the peer picks them (ModelNet40: DDPM indices 999 … 0, the k-th evaluation at index 999 - k;
// transcriptomics: Euler steps 0 … 199), and the level there.
func (r *rig) sampleEval(k, picks int) (int, schedules.NoiseLevel) {
	levels := r.smp.Levels()
	e := 0
	if picks > 1 {
		e = int(float64(k%picks)*float64(len(levels)-1)/float64(picks-1) + 0.5)
	}
	return e, levels[e]
}

// prepareSample sets the sampling batch's state to fresh synthetic data noised to the level of
// the k-th of picks evaluations (the peer's sampling state: an untrained model's own
// trajectory is not data-like) and returns the evaluation. It is not part of a timed step.
func (r *rig) prepareSample(k, picks int) (int, error) {
	w := r.w
	_, _, out := w.dims()
	n := w.nodes * out
	rng := rand.New(rand.NewSource(r.seed*1_000_033 + int64(k)))
	e, t := r.sampleEval(k, picks)
	noise, scratch := make([]float64, n), make([]float64, n)
	x := r.batch.State().X
	for b, j := range rng.Perm(len(r.pool))[:w.batch] {
		for m := range noise {
			noise[m] = rng.NormFloat64()
		}
		if err := r.dyn.TrainPair(x[b*n:(b+1)*n], scratch, r.pool[j], noise, t); err != nil {
			return 0, err
		}
	}
	return e, nil
}

// sampleStep runs the sampler's evaluation e on the batch's state (SampleBatch.Step: the
// Plans at its level, the forward pass in evaluation mode, the DDPM or Euler update).
func (r *rig) sampleStep(e int) (stepTimes, error) {
	rep, err := r.batch.Step(e)
	if err != nil {
		return stepTimes{}, fmt.Errorf("benchmarks: %s: %w", r.w.name(), err)
	}
	return r.timesOf(rep), nil
}
