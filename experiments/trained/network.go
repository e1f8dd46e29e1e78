package trained

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/models"
	"github.com/ncgn/ncgn/spec"
)

// DefaultCheckpointEvery is the checkpoint interval (optimiser steps) of Request.CheckpointEvery 0.
const DefaultCheckpointEvery = 50

// Request says which network to reuse or train.
type Request struct {
	// Name is the cache entry of the network, e.g. "models/dmp-gat-L3-S2000".
	Name string
	// Key identifies the weights: the hash of everything that determines them, the code's
	// fingerprint included (experiments.Key).
	Key string
	// Net builds the freshly initialised network (spec.Run.Network); its positions, if any,
	// do not matter.
	Net spec.Run
	// Spec is recorded in Record.Spec: the experiment's own description of the network.
	Spec any
	// Summary describes the training in a few words for the log.
	Summary string
	// Train returns the training run (Net's network, the training positions and settings) and
	// its data; it is called only when the network must be trained.
	Train func(ctx context.Context) (spec.Run, [][]float64, error)
	// CheckpointEvery is the checkpoint interval in optimiser steps (0: DefaultCheckpointEvery).
	CheckpointEvery int
}

// Record is what the cache keeps about a trained network beside its weights.
type Record struct {
	Spec      json.RawMessage `json:"spec"`
	Steps     int             `json:"steps"`      // optimiser steps taken
	FinalLoss float64         `json:"final_loss"` // loss of the last step
	Seconds   float64         `json:"seconds"`    // wall time of the training (all sessions)
	Params    int             `json:"params"`     // number of learnable values
	// Commit and Fingerprint are the code state that trained it (experiments.CodeState).
	Commit      string `json:"commit,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

// Networks reuses or trains the networks of one experiment run and remembers those it has.
type Networks struct {
	cache   *experiments.Cache
	code    experiments.CodeState
	env     experiments.Env
	nets    map[string]*models.DMP
	records map[string]Record
}

// New returns the networks of a run that caches in cache, with the code state code and the
// log and progress writers of env.
func New(cache *experiments.Cache, code experiments.CodeState, env experiments.Env) *Networks {
	return &Networks{cache: cache, code: code, env: env, nets: map[string]*models.DMP{}, records: map[string]Record{}}
}

// Record returns the cached record of network name under key, if any.
func (n *Networks) Record(name, key string) (Record, bool) {
	if rec, ok := n.records[name]; ok {
		return rec, true
	}
	var rec Record
	ok, err := n.cache.Load(name, key, &rec)
	if err != nil || !ok {
		return Record{}, false
	}
	return rec, true
}

// Network returns the network of req with its EMA weights: from this run's memory, from the
// cache, or trained (and then cached).
func (n *Networks) Network(ctx context.Context, req Request) (*models.DMP, Record, error) {
	name := req.Name
	if net, ok := n.nets[name]; ok {
		return net, n.records[name], nil
	}
	fail := func(err error) (*models.DMP, Record, error) {
		return nil, Record{}, fmt.Errorf("trained: model %s: %w", name, err)
	}
	net, err := req.Net.Network()
	if err != nil {
		return fail(err)
	}
	weights, err := n.cache.Path(name, ".params")
	if err != nil {
		return fail(err)
	}
	// Another process (a shard) may be training it: wait for it, then look in the cache.
	lock, err := n.cache.Lock(ctx, name, func(holder string) { n.env.Logf("%s: waiting: %s", name, holder) })
	if err != nil {
		return fail(err)
	}
	defer lock.Release()
	var rec Record
	found, err := n.cache.Load(name, req.Key, &rec)
	if err != nil {
		n.env.Logf("warning: %v; training again", err)
	}
	if found {
		err := net.Params().Load(weights)
		if err == nil {
			n.env.Logf("%s: reused from the cache (%d steps, loss %.4f, trained in %s)", name, rec.Steps, rec.FinalLoss, experiments.FormatSeconds(rec.Seconds))
			n.nets[name], n.records[name] = net, rec
			return net, rec, nil
		}
		n.env.Logf("warning: %s: %v; training again", name, err)
	}
	if req.Train == nil {
		return fail(errors.New("no training data given"))
	}
	rs, data, err := req.Train(ctx)
	if err != nil {
		return fail(err)
	}
	rs.Train.CheckpointEvery = req.CheckpointEvery
	if rs.Train.CheckpointEvery == 0 {
		rs.Train.CheckpointEvery = DefaultCheckpointEvery
	}
	model, err := rs.WithNetwork(net)
	if err != nil {
		return fail(err)
	}
	runDir, err := n.cache.Path(fmt.Sprintf("runs/%s-%s", filepath.Base(name), req.Key[:min(12, len(req.Key))]), "")
	if err != nil {
		return fail(err)
	}
	tr, err := model.NewTrainer(runDir, n.env.Progress)
	if err != nil {
		return fail(err)
	}
	specJSON, err := json.Marshal(req.Spec)
	if err != nil {
		return fail(err)
	}
	if _, err := os.Stat(filepath.Join(runDir, "checkpoint.json")); err == nil {
		if err := tr.Resume(); err != nil { // the checkpoint carries the training time so far
			return fail(fmt.Errorf("resuming from %s: %w", runDir, err))
		}
		n.env.Logf("%s: resuming training at step %d", name, tr.Steps())
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fail(err)
	} else {
		if err := rs.Save(runDir); err != nil { // the run folder's config.json, as train writes it
			return fail(err)
		}
		n.env.Logf("%s: training (%s)", name, req.Summary)
	}
	res, err := tr.Train(ctx, data)
	if err != nil {
		return fail(err)
	}
	rec = Record{Spec: specJSON, Steps: res.Steps, FinalLoss: res.Loss, Seconds: tr.Seconds(),
		Params: net.Params().Count(), Commit: n.code.Commit, Fingerprint: n.code.Fingerprint}
	if err := tr.EMA().CopyTo(net.Params()); err != nil {
		return fail(fmt.Errorf("EMA weights: %w", err))
	}
	if err := net.Params().Save(weights); err != nil {
		return fail(err)
	}
	if err := n.cache.Store(name, req.Key, rec); err != nil {
		return fail(err)
	}
	if lossPath, err := n.cache.Path(name, ".loss.csv"); err == nil { // keep the loss curve
		_ = os.Rename(filepath.Join(runDir, "loss.csv"), lossPath)
	}
	_ = os.RemoveAll(runDir) // the weights are cached; the checkpoints are no longer needed
	n.env.Logf("%s: trained %d steps in %s, final loss %.4f", name, rec.Steps, experiments.FormatSeconds(rec.Seconds), rec.FinalLoss)
	n.nets[name], n.records[name] = net, rec
	return net, rec, nil
}
