package generative

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/ncgn/ncgn/internal/atomicfile"
)

// Checkpoint layout of a run folder (docs/generative.md):
//
//	checkpoint.json       the pointer to the latest checkpoint and its state (checkpointInfo);
//	                      written last, atomically: a checkpoint exists once it names it
//	step-00000100/        one folder per checkpoint, named by the completed step count
//	    params.bin        the training weights and buffers (layers.Params.Save)
//	    ema_params.bin    the EMA weights in the same format (load them to sample)
//	    optim.bin         the Adam state followed by the EMA state (optim streams)
//	loss.csv              step,epoch,loss,lr,steps_per_s; one row per step
const (
	checkpointFile   = "checkpoint.json"
	checkpointFormat = "ncgn-generative-checkpoint/1"
	paramsFile       = "params.bin"
	emaParamsFile    = "ema_params.bin"
	optimFile        = "optim.bin"
)

// checkpointDirRe matches the name of a checkpoint folder.
var checkpointDirRe = regexp.MustCompile(`^step-([0-9]{8,})$`)

// checkpointInfo is the content of checkpoint.json.
type checkpointInfo struct {
	Format        string      `json:"format"`
	Dir           string      `json:"dir"`             // folder of the checkpoint, relative to the run folder
	Step          int         `json:"step"`            // completed steps
	Epochs        int         `json:"epochs"`          // complete passes over the data
	StepsPerEpoch int         `json:"steps_per_epoch"` // ceil(samples / batch size)
	Samples       int         `json:"samples"`         // number of training samples
	Shape         Shape       `json:"shape"`
	Loss          float64     `json:"loss"`              // loss of the last step
	Seconds       float64     `json:"seconds,omitempty"` // training wall time up to here (Trainer.Seconds)
	Written       string      `json:"written"`
	Config        TrainConfig `json:"config"` // defaults applied
}

// checkpointDir is the folder name of the checkpoint after step completed steps.
func checkpointDir(step int) string { return fmt.Sprintf("step-%08d", step) }

// checkpoint writes the checkpoint of the current state, then prunes old ones.
func (tr *Trainer) checkpoint(loss float64, samples int, log *lossLog) error {
	run := tr.cfg.RunDir
	name := checkpointDir(tr.step)
	dir := filepath.Join(run, name)
	fail := func(err error) error {
		return fmt.Errorf("generative: checkpoint at step %d in %s: %w", tr.step, dir, err)
	}
	if err := tr.ps.Save(filepath.Join(dir, paramsFile)); err != nil {
		return fail(err)
	}
	if err := tr.ema.Swap(); err != nil {
		return fail(err)
	}
	serr := tr.ps.Save(filepath.Join(dir, emaParamsFile))
	if err := tr.ema.Swap(); err != nil {
		return fail(errors.Join(serr, err))
	}
	if serr != nil {
		return fail(serr)
	}
	err := atomicfile.Write(filepath.Join(dir, optimFile), func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		if err := tr.adam.Save(bw); err != nil {
			return err
		}
		if err := tr.ema.Save(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return fail(err)
	}
	if log != nil {
		if err := log.sync(); err != nil {
			return fail(err)
		}
	}
	spe := tr.stepsPerEpoch(samples)
	info := checkpointInfo{
		Format: checkpointFormat, Dir: name, Step: tr.step, Epochs: tr.step / spe, StepsPerEpoch: spe,
		Samples: samples, Shape: tr.shape, Loss: loss, Seconds: tr.Seconds(), Written: time.Now().UTC().Format(time.RFC3339), Config: tr.cfg,
	}
	js, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return fail(err)
	}
	js = append(js, '\n')
	if err := atomicfile.Write(filepath.Join(run, checkpointFile), func(w io.Writer) error {
		_, err := w.Write(js)
		return err
	}); err != nil {
		return fail(err)
	}
	tr.saved = tr.step
	return tr.prune()
}

// prune removes checkpoint folders beyond the KeepCheckpoints newest (by step), never the
// current one.
func (tr *Trainer) prune() error {
	if tr.cfg.KeepCheckpoints < 0 {
		return nil
	}
	entries, err := os.ReadDir(tr.cfg.RunDir)
	if err != nil {
		return fmt.Errorf("generative: pruning checkpoints in %s: %w", tr.cfg.RunDir, err)
	}
	type ck struct {
		name string
		step int
	}
	var cks []ck
	for _, e := range entries {
		m := checkpointDirRe.FindStringSubmatch(e.Name())
		if m == nil || !e.IsDir() {
			continue
		}
		s, err := strconv.Atoi(m[1])
		if err != nil {
			continue
		}
		cks = append(cks, ck{e.Name(), s})
	}
	// Folders of later steps are leftovers of an interrupted run that was resumed from an
	// earlier checkpoint: they are stale.
	sort.Slice(cks, func(i, j int) bool { return cks[i].step > cks[j].step })
	kept := 0
	for _, c := range cks {
		if c.step <= tr.step && kept < tr.cfg.KeepCheckpoints {
			kept++
			continue
		}
		if err := os.RemoveAll(filepath.Join(tr.cfg.RunDir, c.name)); err != nil {
			return fmt.Errorf("generative: pruning checkpoints in %s: %w", tr.cfg.RunDir, err)
		}
	}
	return nil
}

// readCheckpoint reads and checks the checkpoint.json of run.
func readCheckpoint(run string) (*checkpointInfo, error) {
	path := filepath.Join(run, checkpointFile)
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("generative: no checkpoint in %s (%s missing): %w", run, checkpointFile, ErrCheckpoint)
		}
		return nil, fmt.Errorf("generative: reading %s: %w", path, err)
	}
	return decodeCheckpoint(b, path)
}

// decodeCheckpoint parses and checks the content b of the checkpoint.json at path.
func decodeCheckpoint(b []byte, path string) (*checkpointInfo, error) {
	var info checkpointInfo
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&info); err != nil {
		return nil, fmt.Errorf("generative: %s: %v: %w", path, err, ErrCheckpoint)
	}
	switch {
	case info.Format != checkpointFormat:
		return nil, fmt.Errorf("generative: %s: format %q, want %q: %w", path, info.Format, checkpointFormat, ErrCheckpoint)
	case info.Dir != checkpointDir(info.Step):
		return nil, fmt.Errorf("generative: %s: folder %q for step %d, want %q: %w", path, info.Dir, info.Step, checkpointDir(info.Step), ErrCheckpoint)
	case info.Step < 1 || info.Samples < 1:
		return nil, fmt.Errorf("generative: %s: step %d, %d samples: %w", path, info.Step, info.Samples, ErrCheckpoint)
	}
	return &info, nil
}

// Resume loads the last checkpoint of cfg.RunDir into the trainer (parameters, optimiser and
// EMA state, step count) and cuts the loss log back to that step; the next Train continues
// from there and draws exactly what the uninterrupted run would have drawn. The checkpoint
// must have been written with the same configuration except when to stop, when to checkpoint
// and how to sample, and the same sample shape; Train then checks the number of samples. The
// trainer must be fresh; on error its state is unchanged.
func (tr *Trainer) Resume() error {
	run := tr.cfg.RunDir
	if run == "" {
		return fmt.Errorf("generative: resume: no run folder in the config: %w", ErrConfig)
	}
	if tr.step != 0 || tr.resumed {
		return fmt.Errorf("generative: resume: the trainer has already run %d steps: %w", tr.step, ErrCheckpoint)
	}
	info, err := readCheckpoint(run)
	if err != nil {
		return err
	}
	path := filepath.Join(run, checkpointFile)
	if d := firstDifference(info.Config.resumeKey(), tr.cfg.resumeKey()); d != "" {
		return fmt.Errorf("generative: resume from %s: the config differs in %s: %w", path, d, ErrCheckpoint)
	}
	if info.Shape != tr.shape {
		return fmt.Errorf("generative: resume from %s: sample shape %+v, now %+v: %w", path, info.Shape, tr.shape, ErrCheckpoint)
	}
	dir := filepath.Join(run, info.Dir)
	pBackup, err := tr.adam.MarshalBinary()
	if err != nil {
		return fmt.Errorf("generative: resume: %w", err)
	}
	eBackup, err := tr.ema.MarshalBinary()
	if err != nil {
		return fmt.Errorf("generative: resume: %w", err)
	}
	var vBackup bytes.Buffer
	if err := tr.ps.Encode(&vBackup); err != nil {
		return fmt.Errorf("generative: resume: %w", err)
	}
	restore := func() {
		_ = tr.ps.Decode(vBackup.Bytes())
		_ = tr.adam.UnmarshalBinary(pBackup)
		_ = tr.ema.UnmarshalBinary(eBackup)
	}
	if err := tr.ps.Load(filepath.Join(dir, paramsFile)); err != nil {
		return fmt.Errorf("generative: resume from %s: %w (%w)", dir, err, ErrCheckpoint)
	}
	ob, err := os.ReadFile(filepath.Join(dir, optimFile))
	if err != nil {
		restore()
		return fmt.Errorf("generative: resume from %s: %w (%w)", dir, err, ErrCheckpoint)
	}
	r := bytes.NewReader(ob)
	err = tr.adam.Load(r)
	if err == nil {
		err = tr.ema.Load(r)
	}
	if err == nil && r.Len() != 0 {
		err = fmt.Errorf("%d bytes after the EMA state", r.Len())
	}
	if err == nil && (tr.adam.Steps() != info.Step || tr.ema.Updates() != info.Step) {
		err = fmt.Errorf("optimiser at step %d, EMA after %d updates, checkpoint at step %d", tr.adam.Steps(), tr.ema.Updates(), info.Step)
	}
	if err != nil {
		restore()
		return fmt.Errorf("generative: resume from %s: %w (%w)", filepath.Join(dir, optimFile), err, ErrCheckpoint)
	}
	if err := truncateLossLog(run, info.Step); err != nil {
		restore()
		return err
	}
	tr.step, tr.saved, tr.resumed, tr.samples, tr.seconds = info.Step, info.Step, true, info.Samples, info.Seconds
	return nil
}

// LatestEMAParams returns the path of the EMA weights of the last checkpoint of run (what a
// sampler loads) and the number of training steps behind them.
func LatestEMAParams(run string) (path string, step int, err error) {
	info, err := readCheckpoint(run)
	if err != nil {
		return "", 0, err
	}
	return filepath.Join(run, info.Dir, emaParamsFile), info.Step, nil
}
