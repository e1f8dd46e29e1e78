package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/internal/runlock"
	"github.com/ncgn/ncgn/models"
	"github.com/ncgn/ncgn/schedules"
	"github.com/ncgn/ncgn/spec"
	"github.com/urfave/cli/v2"
)

func init() {
	register(&cli.Command{
		Name:  "train",
		Usage: "train a DMP (or baseline) generative model on point clouds or on features over fixed positions",
		Description: "Trains position generation on the clouds of --data (a .npy of shape (m, n, d)), or, with\n" +
			"--features, feature generation on fixed positions (--positions, one or more .npy files whose\n" +
			"coordinates are concatenated: shape (n, d) or (n,), or (m, n, d) / (m, n) with the same rows for\n" +
			"every sample, as `data simulate` writes positions.npy and times.npy). Features are used as given\n" +
			"(normalise them first: `data simulate` writes features_normalised.npy); positions are scaled per coordinate to [0, 1] by their maximum unless\n" +
			"--raw-positions. Writes DIR/config.json, checkpoints (atomic) and DIR/loss.csv; --resume continues\n" +
			"from the last checkpoint.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "data", Usage: "clouds `FILE.npy` of shape (m, n, d) (position generation; this or --features is required)"},
			&cli.StringFlag{Name: "features", Usage: "features `FILE.npy` of shape (m, n, F) (feature generation)"},
			&cli.StringSliceFlag{Name: "positions", Usage: "fixed positions `FILE.npy` for --features (repeatable)"},
			&cli.BoolFlag{Name: "raw-positions", Usage: "use --positions as given, not scaled to [0, 1]"},
			&cli.StringFlag{Name: "run", Usage: "run `DIR`: config.json, checkpoints and loss.csv go there (required)", Required: true},
			&cli.StringFlag{Name: "gnn", Value: "dmp", Usage: "graph: dmp, knn, long-short or full"},
			&cli.StringFlag{Name: "arch", Value: string(models.ArchReference), Usage: "network: reference (the authors' network) or ncgn (this project's first one; see docs/architecture.md); --resume keeps the run's"},
			&cli.StringFlag{Name: "conv", Value: "gat", Usage: "message passing: gcn or gat"},
			&cli.StringFlag{Name: "schedule", Value: "exp", Usage: "dmp schedule: exp, linear, log or relu"},
			&cli.StringFlag{Name: "generative", Value: "diffusion", Usage: "diffusion or flow"},
			&cli.StringFlag{Name: "coupling", Value: "independent", Usage: "pairing of data and noise in a training step: independent (the paper's) or ot (flow only: minibatch optimal transport, OT-CFM)"},
			&cli.IntFlag{Name: "epochs", Value: 10, Usage: "passes over the training data"},
			&cli.IntFlag{Name: "batch", Value: 128, Usage: "samples per training step"},
			&cli.Float64Flag{Name: "lr", Value: 1e-4, Usage: "Adam learning rate (after a 10-step linear warm-up)"},
			&cli.IntFlag{Name: "width", Value: 64, Usage: "hidden width of the network"},
			&cli.IntFlag{Name: "layers", Value: 3, Usage: "message-passing layers"},
			&cli.IntFlag{Name: "k", Value: 7, Usage: "k (k_end for dmp)"},
			&cli.IntFlag{Name: "checkpoint-every", Value: 100, Usage: "checkpoint every `N` steps (0: only at the end)"},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "seed of the initial parameters and of every training draw"},
			&cli.BoolFlag{Name: "normalize", Usage: "centre the data at their mean and scale the largest deviation to 1 (one map for the whole data set, kept in config.json; sample undoes it); --resume keeps the run's"},
			&cli.BoolFlag{Name: "resume", Usage: "continue from the last checkpoint of --run"},
			&cli.BoolFlag{Name: "quiet", Usage: "no progress bar"},
		},
		Action: trainAction,
	})
}

func trainAction(c *cli.Context) error {
	fail := func(format string, a ...any) error { return cli.Exit("ncgn train: "+fmt.Sprintf(format, a...), 1) }
	bad := func(format string, a ...any) error { return cli.Exit("ncgn train: "+fmt.Sprintf(format, a...), 2) }
	if err := rejectArgs(c, "train"); err != nil {
		return err
	}
	if err := positive(c, "train", "epochs", "batch", "lr", "width", "layers", "k"); err != nil {
		return err
	}
	task, file := spec.TaskPositions, c.String("data")
	if c.String("features") != "" {
		task, file = spec.TaskFeatures, c.String("features")
	}
	if (c.String("data") == "") == (c.String("features") == "") {
		return bad("give exactly one of --data (position generation) and --features (feature generation)")
	}
	arr, err := datasets.ReadNpy(file)
	if err != nil {
		return fail("%s: %v", file, err)
	}
	if len(arr.Shape) != 3 || arr.Shape[0] < 1 || arr.Shape[1] < 2 || arr.Shape[2] < 1 || (task == spec.TaskPositions && arr.Shape[2] > 3) {
		return fail("%s: shape %v, want (m, n, d) with n >= 2 (and d in 1..3 for positions)", file, arr.Shape)
	}
	m, n, d := arr.Shape[0], arr.Shape[1], arr.Shape[2]
	var positions []float64
	if task == spec.TaskFeatures {
		if len(c.StringSlice("positions")) == 0 {
			return fail("--features needs --positions")
		}
		if positions, _, err = datasets.FixedPositions(c.StringSlice("positions"), m, n, !c.Bool("raw-positions")); err != nil {
			return fail("--positions: %v", err)
		}
	} else if len(c.StringSlice("positions")) > 0 {
		return bad("--positions goes with --features")
	}
	graph := graphs.PlanConfig{Kind: graphs.Kind(c.String("gnn")), K: c.Int("k"), Schedule: schedules.Kind(c.String("schedule"))}
	if graph.Kind == graphs.Full {
		graph.K = 0
	} else {
		warnK(c, "train", graph.K, n)
	}
	if err := graph.Validate(); err != nil {
		return bad("%v", err)
	}
	conv := models.Conv(c.String("conv"))
	if conv != models.GCN && conv != models.GAT {
		return bad("--conv %q: want gcn or gat", conv)
	}
	arch := models.Arch(c.String("arch"))
	if arch != models.ArchReference && arch != models.ArchNCGN {
		return bad("--arch %q: want %s or %s", arch, models.ArchReference, models.ArchNCGN)
	}
	process := generative.Process(c.String("generative"))
	if err := process.Validate(); err != nil {
		return bad("--generative %q: want diffusion or flow", process)
	}
	coupling := generative.Coupling(c.String("coupling"))
	switch {
	case coupling != generative.CouplingIndependent && coupling != generative.CouplingOT:
		return bad("--coupling %q: want %s or %s", coupling, generative.CouplingIndependent, generative.CouplingOT)
	case coupling == generative.CouplingOT && process != generative.ProcessFlow:
		return bad("--coupling ot needs --generative flow (it pairs the ends of straight paths)")
	case coupling == generative.CouplingIndependent:
		coupling = "" // the default, kept out of config.json as before the option existed
	}
	rs := spec.Run{
		Task: task, Data: file, Positions: positions, Shape: generative.Shape{Nodes: n, Dim: d}, Graph: graph, Seed: c.Int64("seed"),
		Model: models.DMPConfig{Arch: arch, Width: c.Int("width"), Layers: c.Int("layers"), Conv: conv},
		Train: generative.TrainConfig{
			Process: process, Epochs: c.Int("epochs"), BatchSize: c.Int("batch"),
			LR: c.Float64("lr"), Seed: c.Int64("seed"), CheckpointEvery: c.Int("checkpoint-every"), Coupling: coupling,
		},
	}.WithDefaults()
	run := c.String("run")
	_, cfgErr := os.Stat(filepath.Join(run, spec.ConfigFile))
	_, ckErr := os.Stat(filepath.Join(run, "checkpoint.json"))
	if !c.Bool("resume") && (cfgErr == nil || ckErr == nil) {
		return fail("--run %s already holds a run (%s); continue it with --resume, or give another folder (nothing was written)", run, filepath.Join(run, spec.ConfigFile))
	}
	lock, err := runlock.Acquire(filepath.Join(run, ".lock"), "run folder "+run)
	if err != nil {
		return fail("%v", err)
	}
	defer lock.Release()
	if lock.Previous != "" {
		fmt.Fprintf(c.App.ErrWriter, "ncgn train: %s was locked by a process that stopped without releasing it (%s); taking it over\n", run, lock.Previous)
	}
	if c.Bool("resume") {
		old, err := spec.Load(run)
		if err != nil {
			return fail("--resume: %v", err)
		}
		if !c.IsSet("arch") { // the run's architecture (a config.json without one: the ncgn network)
			rs.Model.Arch = old.Model.Arch
		}
		rs.Normalize = old.Normalize
		if err := rs.SameNetwork(old); err != nil {
			return fail("--resume: %s: %v", filepath.Join(run, spec.ConfigFile), err)
		}
	}
	if c.Bool("normalize") && !c.Bool("resume") {
		all, err := generative.Split(arr.Data, rs.Shape)
		if err != nil {
			return fail("%s: %v", file, err)
		}
		if rs.Normalize, err = spec.FitAffine(all, d); err != nil {
			return fail("%s: --normalize: %v", file, err)
		}
	}
	if rs.Normalize == nil {
		warnRange(c, "train", file, arr.Data)
	}
	model, err := rs.Build()
	if err != nil {
		return bad("%v", err)
	}
	var progress io.Writer
	if !c.Bool("quiet") {
		progress = c.App.ErrWriter
	}
	tr, err := model.NewTrainer(run, progress)
	if err != nil {
		return bad("%v", err)
	}
	if c.Bool("resume") {
		if err := tr.Resume(); err != nil {
			if ckErr != nil && errors.Is(err, generative.ErrCheckpoint) {
				return fail("--resume: %v; the run stopped before its first checkpoint (%s holds only its config): start it again without --resume after removing %s", err, run, filepath.Join(run, spec.ConfigFile))
			}
			return fail("--resume: %v", err)
		}
	} else if err := rs.Save(run); err != nil {
		return fail("%v", err)
	}
	data, err := generative.Split(arr.Data, rs.Shape)
	if err != nil {
		return fail("%s: %v", file, err)
	}
	if rs.Normalize != nil {
		rs.Normalize.Apply(data)
	}
	res, err := tr.Train(context.Background(), data)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fail("interrupted; resume with --resume")
		}
		return fail("%v", err)
	}
	fmt.Fprintf(c.App.Writer, "trained %d steps; last loss %.6g; run in %s\n", tr.Steps(), res.Loss, run)
	return nil
}
