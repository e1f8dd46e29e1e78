package benchmarks

import (
	"fmt"
	"math/rand"

	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/layers/optim"
	"github.com/ncgn/ncgn/models"
	"github.com/ncgn/ncgn/schedules"
	"gorgonia.org/tensor"
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

// levelRule says how a training step draws the noise level of each sample.
type levelRule int

const (
	// levelsUniform draws t ~ U(0, 1) independently per sample (the peer and the trainer).
	levelsUniform levelRule = iota
	// levelsStratified draws one u ~ U(0, 1) per step and gives sample b the level
	// t_b = (b + u)/B: each t is still U(0, 1), but every step covers [0, 1] evenly, so that
	// steps of small batches (the scaling benchmark at large N) cost what a large batch costs
	// on average.
	levelsStratified
)

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
	levels levelRule
}

// modelNetWorkload is the paper's ModelNet40 configuration: 400 points, batch 128, width 64,
// 3 layers, k = 7.
func modelNetWorkload(kind graphs.Kind, conv models.Conv) workload {
	return workload{task: modelNet, kind: kind, conv: conv, batch: paperBatch, nodes: modelNetPoints,
		width: modelNetWidth, layers: paperLayers, k: modelNetK}
}

// spatialWorkload is the paper's transcriptomics configuration: 100 nodes, batch 128, width 32,
// 3 layers, k = 5.
func spatialWorkload(kind graphs.Kind, conv models.Conv) workload {
	return workload{task: spatial, kind: kind, conv: conv, batch: paperBatch, nodes: spatialSide * spatialSide,
		width: spatialWidth, layers: paperLayers, k: spatialK}
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

// rig is a workload made concrete: the model, its optimiser and EMA, the process, the
// synthetic data and scratch buffers. It runs training and sampling steps the way
// generative.Trainer and generative.Sample do, timing their parts separately.
type rig struct {
	w     workload
	seed  int64
	ps    *layers.Params
	net   *models.DMP
	adam  *optim.Adam
	ema   *optim.EMA
	graph graphs.PlanConfig
	ddpm  *generative.DDPM         // modelNet
	flow  *generative.FlowMatching // spatial
	pool  [][]float64              // 2·batch synthetic data samples, nodes x (3 positions | 3 features)
	grid  []float64                // spatial: the fixed positions, nodes x 2

	xt, target, in []float64 // scratch: noisy samples, targets, network input
}

// newRig builds the workload's model (float32 parameters, as the trainer uses) and its
// synthetic data, all drawn from seed:
//
//   - modelNet: clouds uniform in [-0.5, 0.5]^3 (the peer's synthetic ModelNet40);
//   - spatial: features uniform in [0, 1] on the 10 x 10 grid of positions (s/54, t/90),
//     s in {0, 6, …, 54} (fastest), t in {0, 10, …, 90}.
//
// The graphs follow the peer (the reference): FloatRoot voxels per dimension, and DDPM with
// ReferenceOrientation, so that the graph at each noise level has the peer's size.
func newRig(w workload, seed int64) (*rig, error) {
	posDim, in, out := w.dims()
	ps, err := layers.NewParams(tensor.Float32, seed)
	if err != nil {
		return nil, err
	}
	net, err := models.NewDMP(ps, models.DMPConfig{In: in, Out: out, PosDim: posDim, Width: w.width, Layers: w.layers, Conv: w.conv})
	if err != nil {
		return nil, fmt.Errorf("benchmarks: %s: %w", w.name(), err)
	}
	lr := modelNetLR
	if w.task == spatial {
		lr = spatialLR
	}
	r := &rig{w: w, seed: seed, ps: ps, net: net,
		graph: graphs.PlanConfig{Kind: w.kind, K: w.k, FloatRoot: true}}
	if r.adam, err = optim.NewAdam(ps, optim.Config{LR: lr, WarmupSteps: warmupSteps}); err != nil {
		return nil, fmt.Errorf("benchmarks: %s: %w", w.name(), err)
	}
	if r.ema, err = optim.NewEMA(ps, optim.EMAConfig{}); err != nil {
		return nil, fmt.Errorf("benchmarks: %s: %w", w.name(), err)
	}
	rng := rand.New(rand.NewSource(seed))
	r.pool = make([][]float64, max(2*w.batch, 2))
	if w.task == modelNet {
		if r.ddpm, err = generative.NewDDPM(generative.DDPMConfig{Timesteps: modelNetNFE, ReferenceOrientation: true}); err != nil {
			return nil, err
		}
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
		if r.flow, err = generative.NewFlowMatching(generative.FlowConfig{Steps: spatialNFE, ReferenceGrid: true}); err != nil {
			return nil, err
		}
		r.grid = spatialGrid()
		for i := range r.pool {
			r.pool[i] = make([]float64, w.nodes*spatialFeatures)
			for k := range r.pool[i] {
				r.pool[i][k] = rng.Float64()
			}
		}
	}
	size := w.batch * w.nodes * out
	r.xt, r.target = make([]float64, size), make([]float64, size)
	r.in = make([]float64, w.batch*w.nodes*in)
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
	plan   int64 // graphs.NewPlans + graphs.NewBatch (+ the network input's assembly)
	net    int64 // the expression graph, forward (+ backward in training), read-out
	update int64 // training: Adam + EMA; sampling: the DDPM or Euler update
	nodes  int   // supernodes in the batch
	edges  int   // coarse edges in the batch
	loss   float64
}

// total is the whole step.
func (s stepTimes) total() int64 { return s.data + s.plan + s.net + s.update }

// drawLevels returns one noise level per sample by the workload's rule.
func (r *rig) drawLevels(rng *rand.Rand) []schedules.NoiseLevel {
	ts := make([]schedules.NoiseLevel, r.w.batch)
	u := rng.Float64()
	for b := range ts {
		if r.w.levels == levelsStratified {
			ts[b] = schedules.NoiseLevel((float64(b) + u) / float64(r.w.batch))
		} else {
			ts[b] = schedules.NoiseLevel(rng.Float64())
		}
	}
	return ts
}

// batchGraph builds the Plans of the current samples r.xt (modelNet: on the noisy positions;
// spatial: on the grid) at levels ts, and the network input r.in.
func (r *rig) batchGraph(ts []schedules.NoiseLevel, seed int64) (*graphs.Batch, error) {
	w := r.w
	posDim, in, out := w.dims()
	samples := make([][]float64, w.batch)
	for b := range samples {
		if w.task == modelNet {
			samples[b] = r.xt[b*w.nodes*out : (b+1)*w.nodes*out]
		} else {
			samples[b] = r.grid
		}
	}
	plans, err := graphs.NewPlans(samples, posDim, ts, r.graph, seed)
	if err != nil {
		return nil, fmt.Errorf("benchmarks: %s: %w", w.name(), err)
	}
	bt, err := graphs.NewBatch(plans)
	if err != nil {
		return nil, fmt.Errorf("benchmarks: %s: %w", w.name(), err)
	}
	if w.task == modelNet {
		copy(r.in, r.xt)
	} else { // [features, positions] per node, as models.FeatureDenoiser
		for b := range w.batch {
			for j := range w.nodes {
				row := r.in[(b*w.nodes+j)*in:]
				copy(row, r.xt[(b*w.nodes+j)*out:(b*w.nodes+j+1)*out])
				copy(row[out:], r.grid[j*posDim:(j+1)*posDim])
			}
		}
	}
	return bt, nil
}

// trainStep runs training step i: B samples of the pool, a level per sample, the noisy input
// and target (DDPM: ε; flow matching: x_1 - x_0), the Plans, forward, MSE loss, backward,
// Adam and EMA. Step i draws from its own stream, so a seed fixes every step.
func (r *rig) trainStep(i int) (stepTimes, error) {
	var st stepTimes
	w := r.w
	_, _, out := w.dims()
	n := w.nodes * out
	rng := rand.New(rand.NewSource(r.seed*1_000_003 + int64(i)))
	idx := rng.Perm(len(r.pool))[:w.batch]
	t0 := nowNs()
	ts := r.drawLevels(rng)
	for b, j := range idx {
		x1, dst, tgt := r.pool[j], r.xt[b*n:(b+1)*n], r.target[b*n:(b+1)*n]
		for k := range tgt {
			tgt[k] = rng.NormFloat64() // ε, or x_0 for flow matching
		}
		if r.ddpm != nil {
			di, err := r.ddpm.TrainIndex(ts[b])
			if err != nil {
				return st, err
			}
			if err := r.ddpm.AddNoise(dst, x1, tgt, di); err != nil {
				return st, err
			}
		} else {
			if err := r.flow.Interpolate(dst, tgt, x1, ts[b]); err != nil {
				return st, err
			}
			if err := r.flow.Target(tgt, tgt, x1); err != nil {
				return st, err
			}
		}
	}
	t1 := nowNs()
	bt, err := r.batchGraph(ts, r.seed*1_000_003+int64(i))
	if err != nil {
		return st, err
	}
	t2 := nowNs()
	s := layers.NewScope(r.ps, true)
	pred, err := r.net.Forward(s, bt, r.in)
	if err != nil {
		return st, fmt.Errorf("benchmarks: %s: %w", w.name(), err)
	}
	target, err := s.Input("target", r.target, w.batch*w.nodes, out)
	if err != nil {
		return st, err
	}
	loss, err := layers.MSE(pred, target)
	if err != nil {
		return st, err
	}
	res, err := s.Run(loss)
	if err != nil {
		return st, fmt.Errorf("benchmarks: %s: step %d: %w", w.name(), i, err)
	}
	t3 := nowNs()
	if err := r.adam.Step(); err != nil {
		return st, err
	}
	if err := r.ema.Update(); err != nil {
		return st, err
	}
	t4 := nowNs()
	st = stepTimes{data: t1 - t0, plan: t2 - t1, net: t3 - t2, update: t4 - t3, nodes: bt.S, edges: bt.Edges.Len(), loss: res.Loss}
	return st, nil
}

// sampleLevel returns the k-th of picks evaluations spread evenly over the sampler's grid, as
// the peer picks them: the DDPM index (modelNet, from T-1 down to 0) or the Euler step
// (spatial, from 0 up to S-1), and the network's level there.
func (r *rig) sampleLevel(k, picks int) (int, schedules.NoiseLevel) {
	nfe := modelNetNFE
	if r.flow != nil {
		nfe = spatialNFE
	}
	p := 0
	if picks > 1 {
		p = int(float64(k%picks)*float64(nfe-1)/float64(picks-1) + 0.5)
	}
	if r.ddpm != nil {
		i := nfe - 1 - p
		return i, r.ddpm.Level(i)
	}
	return p, r.flow.Grid()[p]
}

// prepareSample sets r.xt to fresh synthetic data noised to the k-th of picks sampling levels
// (the peer's sampling state: an untrained model's own trajectory is not data-like) and
// returns the index or step and the level. It is not part of a timed sampling step.
func (r *rig) prepareSample(k, picks int) (int, schedules.NoiseLevel, error) {
	w := r.w
	_, _, out := w.dims()
	n := w.nodes * out
	rng := rand.New(rand.NewSource(r.seed*1_000_033 + int64(k)))
	i, t := r.sampleLevel(k, picks)
	noise := make([]float64, n)
	for b, j := range rng.Perm(len(r.pool))[:w.batch] {
		for m := range noise {
			noise[m] = rng.NormFloat64()
		}
		dst := r.xt[b*n : (b+1)*n]
		if r.ddpm != nil {
			if err := r.ddpm.AddNoise(dst, r.pool[j], noise, i); err != nil {
				return 0, 0, err
			}
		} else if err := r.flow.Interpolate(dst, noise, r.pool[j], t); err != nil {
			return 0, 0, err
		}
	}
	return i, t, nil
}

// sampleStep runs one sampling step at DDPM index or Euler step i and level t from the state
// r.xt: the Plans at t, the forward pass in evaluation mode (BatchNorm running statistics),
// and the update (DDPM: ancestral step to index i-1 with fresh noise; flow: x ← x + v/S).
func (r *rig) sampleStep(i int, t schedules.NoiseLevel, k int) (stepTimes, error) {
	var st stepTimes
	w := r.w
	ts := make([]schedules.NoiseLevel, w.batch)
	for b := range ts {
		ts[b] = t
	}
	t0 := nowNs()
	bt, err := r.batchGraph(ts, r.seed*1_000_037+int64(k))
	if err != nil {
		return st, err
	}
	t1 := nowNs()
	s := layers.NewScope(r.ps, false)
	pred, err := r.net.Forward(s, bt, r.in)
	if err != nil {
		return st, fmt.Errorf("benchmarks: %s: %w", w.name(), err)
	}
	res, err := s.Run(nil, pred)
	if err != nil {
		return st, fmt.Errorf("benchmarks: %s: sampling at t = %v: %w", w.name(), float64(t), err)
	}
	v, err := float64s(res.Values[0])
	if err != nil {
		return st, err
	}
	t2 := nowNs()
	if r.ddpm != nil {
		rng := rand.New(rand.NewSource(r.seed*1_000_039 + int64(k)))
		z := r.target // scratch
		for m := range z {
			z[m] = rng.NormFloat64()
		}
		if err := r.ddpm.Step(r.xt, r.xt, v, i, i-1, z); err != nil {
			return st, err
		}
	} else if err := r.flow.Step(r.xt, v); err != nil {
		return st, err
	}
	t3 := nowNs()
	st = stepTimes{plan: t1 - t0, net: t2 - t1, update: t3 - t2, nodes: bt.S, edges: bt.Edges.Len()}
	return st, nil
}

// float64s returns the values of a float32 or float64 tensor as float64.
func float64s(t *tensor.Dense) ([]float64, error) {
	switch d := t.Data().(type) {
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out, nil
	case []float64:
		return d, nil
	}
	return nil, fmt.Errorf("benchmarks: network output of dtype %v", t.Dtype())
}
