package transcriptomics

import (
	"context"
	"fmt"

	st "github.com/ncgn/ncgn/datasets/transcriptomics"
	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/trained"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/models"
	"github.com/ncgn/ncgn/schedules"
	"github.com/ncgn/ncgn/spec"
)

// ModelSpec is everything that determines a trained network: the graph, the layer, the
// architecture, the training and its data and seeds.
type ModelSpec struct {
	// Arch is the network's architecture; empty means models.ArchReference (the authors'
	// network, the default of every table), and the key is computed with it filled in.
	Arch      models.Arch `json:"arch,omitempty"`
	Graph     graphs.Kind `json:"graph"`
	Conv      models.Conv `json:"conv"`
	Layers    int         `json:"layers"`
	Width     int         `json:"width"`
	K         int         `json:"k"`
	Epochs    int         `json:"epochs,omitempty"`
	Steps     int         `json:"steps,omitempty"`
	BatchSize int         `json:"batch_size"`
	LR        float64     `json:"lr"`
	Warmup    int         `json:"warmup_steps"`
	EMADecay  float64     `json:"ema_decay"`

	TrainSamples int   `json:"train_samples"`
	DataSeed     int64 `json:"data_seed"`
	InitSeed     int64 `json:"init_seed"`
	TrainSeed    int64 `json:"train_seed"`
	// Replicate numbers the training seed (Seeds.Replicate); 0 for the first.
	Replicate int `json:"replicate,omitempty"`
}

// Table3Model returns the spec of the Table 3 network of (graph, conv) under preset p.
func Table3Model(p Preset, seeds Seeds, g graphs.Kind, c models.Conv) ModelSpec {
	return ModelSpec{Arch: models.ArchReference, Graph: g, Conv: c, Layers: p.Layers, Width: p.Width, K: p.K, Epochs: p.Epochs, Steps: p.Steps,
		BatchSize: p.BatchSize, LR: p.LR, Warmup: p.Warmup, EMADecay: p.EMADecay,
		TrainSamples: p.TrainSamples, DataSeed: seeds.Train, InitSeed: seeds.Init, TrainSeed: seeds.Training,
		Replicate: seeds.Replicate}
}

// Figure11Model returns the spec of the Figure 11 network of graph with the given number of
// GCN layers under preset p.
func Figure11Model(p Preset, seeds Seeds, g graphs.Kind, layers int) ModelSpec {
	m := Table3Model(p, seeds, g, models.GCN)
	m.Layers, m.Epochs, m.Steps = layers, p.Fig11Epochs, p.Fig11Steps
	return m
}

// arch returns the spec's architecture, the reference when unset.
func (m ModelSpec) arch() models.Arch {
	if m.Arch == "" {
		return models.ArchReference
	}
	return m.Arch
}

// Name returns the cache name of the network, e.g. "models/dmp-gcn-L3-S400" (the reference
// architecture, first seed), "models/dmp-gcn-L3-ncgn-S400" (another architecture) or
// "models/dmp-gcn-L3-S400-seed2" (the second training seed).
func (m ModelSpec) Name() string {
	n := fmt.Sprintf("models/%s-%s-L%d", m.Graph, m.Conv, m.Layers)
	if a := m.arch(); a != models.ArchReference {
		n += "-" + string(a)
	}
	if m.Steps > 0 {
		n += fmt.Sprintf("-S%d", m.Steps)
	} else {
		n += fmt.Sprintf("-E%d", m.Epochs)
	}
	if m.Replicate > 0 {
		n += fmt.Sprintf("-seed%d", m.Replicate+1)
	}
	return n
}

// Key returns the cache key of the network trained by the code of fingerprint code
// (experiments.CodeState): a change of the code it depends on retrains it.
func (m ModelSpec) Key(code string) (string, error) {
	m.Arch = m.arch()
	return experiments.Key(struct {
		Code string    `json:"code"`
		Spec ModelSpec `json:"spec"`
	}{code, m})
}

// RunSpec returns the run spec of the network on grid g of the simulator configuration cfg
// (the training grid to train it, a test grid to sample with it): feature generation of the
// three genes on the grid's 2-D positions (s/54, t/90), the graph (DMP with the exp schedule
// and k_end = K, kNN with k = K, or fully connected), flow matching with the spec's training
// settings, parameters initialised from InitSeed, the spec's architecture (the reference when
// unset). The spec package builds the network.
func (m ModelSpec) RunSpec(g st.Grid, cfg st.Config) spec.Run {
	return spec.Run{
		Task: spec.TaskFeatures, Positions: g.Positions(cfg), Shape: generative.Shape{Nodes: g.Nodes(), Dim: st.NumGenes},
		Data:  fmt.Sprintf("simulated transcriptomics, %s grid (%d training samples, data seed %d)", g.Name, m.TrainSamples, m.DataSeed),
		Model: models.DMPConfig{Arch: m.arch(), In: st.NumGenes + 2, Out: st.NumGenes, PosDim: 2, Width: m.Width, Layers: m.Layers, Conv: m.Conv},
		Graph: graphs.PlanConfig{Kind: m.Graph, K: m.K, Schedule: schedules.Exp},
		Train: generative.TrainConfig{Process: generative.ProcessFlow, Epochs: m.Epochs, Steps: m.Steps, BatchSize: m.BatchSize,
			LR: m.LR, WarmupSteps: m.Warmup, EMADecay: m.EMADecay, Seed: m.TrainSeed},
		Seed: m.InitSeed,
	}
}

// ModelRecord is what the cache keeps about a trained network beside its weights.
type ModelRecord = trained.Record

// trainedNet returns the network of spec with its EMA weights, from the cache or trained on
// data.Train (and then cached); training checkpoints, so an interrupted run resumes.
func (r *runner) trainedNet(ctx context.Context, ms ModelSpec) (*models.DMP, ModelRecord, error) {
	key, err := ms.Key(r.code.Fingerprint)
	if err != nil {
		return nil, ModelRecord{}, err
	}
	// The network does not depend on the positions; the data's configuration comes in for
	// training.
	return r.nets.Network(ctx, trained.Request{Name: ms.Name(), Key: key, Net: ms.RunSpec(st.TrainGrid(), st.DefaultConfig()),
		Spec: ms, Summary: trainingSummary(ms),
		Train: func(ctx context.Context) (spec.Run, [][]float64, error) {
			data, err := r.loadData(ctx)
			if err != nil {
				return spec.Run{}, nil, err
			}
			return ms.RunSpec(st.TrainGrid(), data.Config), data.Train, nil
		}})
}

// trainingSummary describes the training of spec in a few words.
func trainingSummary(m ModelSpec) string {
	n := plural(m.Steps, "step")
	if m.Epochs > 0 {
		n = plural(m.Epochs, "epoch")
	}
	return fmt.Sprintf("%s at batch %d on %d graphs, %d layers, width %d", n, m.BatchSize, m.TrainSamples, m.Layers, m.Width)
}
