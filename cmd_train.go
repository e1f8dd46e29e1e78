package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/internal/atomicfile"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/models"
	"github.com/ncgn/ncgn/schedules"
	"github.com/urfave/cli/v2"
	"gorgonia.org/tensor"
)

// runConfig is DIR/config.json of a training run: everything needed to rebuild the network.
type runConfig struct {
	Task  string                 `json:"task"` // "positions": clouds of shape (m, n, d) are generated
	Data  string                 `json:"data"`
	Shape generative.Shape       `json:"shape"`
	Model models.DMPConfig       `json:"model"`
	Graph graphs.PlanConfig      `json:"graph"`
	Train generative.TrainConfig `json:"train"`
	Seed  int64                  `json:"seed"`
}

func init() {
	register(&cli.Command{
		Name:  "train",
		Usage: "train a DMP (or baseline) generative model on point clouds of shape (m, n, d)",
		Description: "Trains position generation on the clouds of --data (a .npy of shape (m, n, d)) and writes\n" +
			"DIR/config.json, checkpoints (atomic) and DIR/loss.csv. --resume continues from the last checkpoint.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "data", Usage: "clouds `FILE.npy` of shape (m, n, d)", Required: true},
			&cli.StringFlag{Name: "run", Usage: "run `DIR`", Required: true},
			&cli.StringFlag{Name: "gnn", Value: "dmp", Usage: "graph: dmp, knn, long-short or full"},
			&cli.StringFlag{Name: "conv", Value: "gat", Usage: "message passing: gcn or gat"},
			&cli.StringFlag{Name: "schedule", Value: "exp", Usage: "dmp schedule: exp, linear, log or relu"},
			&cli.StringFlag{Name: "generative", Value: "diffusion", Usage: "diffusion or flow"},
			&cli.IntFlag{Name: "epochs", Value: 10},
			&cli.IntFlag{Name: "batch", Value: 128},
			&cli.Float64Flag{Name: "lr", Value: 1e-4},
			&cli.IntFlag{Name: "width", Value: 64},
			&cli.IntFlag{Name: "layers", Value: 3},
			&cli.IntFlag{Name: "k", Value: 7, Usage: "k (k_end for dmp)"},
			&cli.IntFlag{Name: "checkpoint-every", Value: 100, Usage: "checkpoint every `N` steps"},
			&cli.Int64Flag{Name: "seed", Value: 1},
			&cli.BoolFlag{Name: "resume", Usage: "continue from the last checkpoint of --run"},
			&cli.BoolFlag{Name: "quiet", Usage: "no progress bar"},
		},
		Action: trainAction,
	})
}

func trainAction(c *cli.Context) error {
	fail := func(format string, a ...any) error { return cli.Exit("ncgn train: "+fmt.Sprintf(format, a...), 1) }
	bad := func(format string, a ...any) error { return cli.Exit("ncgn train: "+fmt.Sprintf(format, a...), 2) }
	arr, err := datasets.ReadNpy(c.String("data"))
	if err != nil {
		return fail("--data %s: %v", c.String("data"), err)
	}
	if len(arr.Shape) != 3 || arr.Shape[0] < 1 || arr.Shape[1] < 2 || arr.Shape[2] < 1 || arr.Shape[2] > 3 {
		return fail("--data %s: shape %v, want (m, n, d) with d in 1..3", c.String("data"), arr.Shape)
	}
	m, n, d := arr.Shape[0], arr.Shape[1], arr.Shape[2]
	graph := graphs.PlanConfig{Kind: graphs.Kind(c.String("gnn")), K: c.Int("k"), Schedule: schedules.Kind(c.String("schedule"))}
	if graph.Kind == graphs.Full {
		graph.K = 0
	}
	if err := graph.Validate(); err != nil {
		return bad("%v", err)
	}
	conv := models.Conv(c.String("conv"))
	if conv != models.GCN && conv != models.GAT {
		return bad("--conv %q: want gcn or gat", conv)
	}
	rc := runConfig{
		Task: "positions", Data: c.String("data"), Shape: generative.Shape{Nodes: n, Dim: d}, Graph: graph, Seed: c.Int64("seed"),
		Model: models.DMPConfig{In: d, Out: d, PosDim: d, Width: c.Int("width"), Layers: c.Int("layers"), Conv: conv},
		Train: generative.TrainConfig{
			Process: generative.Process(c.String("generative")), Epochs: c.Int("epochs"), BatchSize: c.Int("batch"),
			LR: c.Float64("lr"), Seed: c.Int64("seed"), CheckpointEvery: c.Int("checkpoint-every"),
		},
	}
	if err := rc.Train.Process.Validate(); err != nil {
		return bad("--generative %q: want diffusion or flow", rc.Train.Process)
	}
	run := c.String("run")
	cfgPath := filepath.Join(run, "config.json")
	if c.Bool("resume") {
		var old runConfig
		b, err := os.ReadFile(cfgPath)
		if err != nil {
			return fail("--resume: %v", err)
		}
		if err := json.Unmarshal(b, &old); err != nil {
			return fail("--resume: %s: %v", cfgPath, err)
		}
		if old.Model != rc.Model || old.Graph != rc.Graph || old.Shape != rc.Shape {
			return fail("--resume: the model, graph or data shape differ from %s", cfgPath)
		}
	}
	den, err := buildDenoiser(rc)
	if err != nil {
		return bad("%v", err)
	}
	tc := rc.Train
	tc.RunDir = run
	if !c.Bool("quiet") {
		tc.Progress = c.App.ErrWriter
	}
	tr, err := generative.NewTrainer(den, rc.Shape, tc)
	if err != nil {
		return bad("%v", err)
	}
	if c.Bool("resume") {
		if err := tr.Resume(); err != nil {
			return fail("--resume: %v", err)
		}
	} else if err := atomicfile.Write(cfgPath, func(w io.Writer) error {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(rc)
	}); err != nil {
		return fail("%v", err)
	}
	data := make([][]float64, m)
	for i := range data {
		data[i] = arr.Data[i*n*d : (i+1)*n*d]
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

// buildDenoiser rebuilds the network of a run (float32 parameters, seeded).
func buildDenoiser(rc runConfig) (*models.PositionDenoiser, error) {
	ps, err := layers.NewParams(tensor.Float32, rc.Seed)
	if err != nil {
		return nil, err
	}
	net, err := models.NewDMP(ps, rc.Model)
	if err != nil {
		return nil, err
	}
	return models.NewPositionDenoiser(net, rc.Graph, rc.Shape.Nodes, rc.Seed)
}
