package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
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
// A Model without "arch" (written before the field existed) is the ncgn network
// (models.DMPConfig.Arch's zero value); new runs record their architecture.
type runConfig struct {
	// Task is "positions" (clouds of shape (m, n, d) are generated; the graph is built on the
	// noisy positions) or "features" (features (m, n, F) are generated on fixed positions).
	Task      string                 `json:"task"`
	Positions []float64              `json:"positions,omitempty"` // features task: n x PosDim fixed positions
	Data      string                 `json:"data"`
	Shape     generative.Shape       `json:"shape"`
	Model     models.DMPConfig       `json:"model"`
	Graph     graphs.PlanConfig      `json:"graph"`
	Train     generative.TrainConfig `json:"train"`
	Seed      int64                  `json:"seed"`
}

func init() {
	register(&cli.Command{
		Name:  "train",
		Usage: "train a DMP (or baseline) generative model on point clouds or on features over fixed positions",
		Description: "Trains position generation on the clouds of --data (a .npy of shape (m, n, d)), or, with\n" +
			"--features, feature generation on fixed positions (--positions, one or more .npy files whose\n" +
			"coordinates are concatenated: shape (n, d) or (n,), or (m, n, d) / (m, n) with the same rows for\n" +
			"every sample, as `data simulate` writes positions.npy and times.npy). Features are used as given\n" +
			"(normalise them first); positions are scaled per coordinate to [0, 1] by their maximum unless\n" +
			"--raw-positions. Writes DIR/config.json, checkpoints (atomic) and DIR/loss.csv; --resume continues\n" +
			"from the last checkpoint.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "data", Usage: "clouds `FILE.npy` of shape (m, n, d) (position generation)"},
			&cli.StringFlag{Name: "features", Usage: "features `FILE.npy` of shape (m, n, F) (feature generation)"},
			&cli.StringSliceFlag{Name: "positions", Usage: "fixed positions `FILE.npy` for --features (repeatable)"},
			&cli.BoolFlag{Name: "raw-positions", Usage: "use --positions as given, not scaled to [0, 1]"},
			&cli.StringFlag{Name: "run", Usage: "run `DIR`", Required: true},
			&cli.StringFlag{Name: "gnn", Value: "dmp", Usage: "graph: dmp, knn, long-short or full"},
			&cli.StringFlag{Name: "arch", Value: string(models.ArchReference), Usage: "network: reference (the authors' network) or ncgn (this project's first one; see docs/architecture.md); --resume keeps the run's"},
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
	task, file := "positions", c.String("data")
	if c.String("features") != "" {
		task, file = "features", c.String("features")
	}
	if (c.String("data") == "") == (c.String("features") == "") {
		return bad("give exactly one of --data (position generation) and --features (feature generation)")
	}
	arr, err := datasets.ReadNpy(file)
	if err != nil {
		return fail("%s: %v", file, err)
	}
	if len(arr.Shape) != 3 || arr.Shape[0] < 1 || arr.Shape[1] < 2 || arr.Shape[2] < 1 || (task == "positions" && arr.Shape[2] > 3) {
		return fail("%s: shape %v, want (m, n, d) with n >= 2 (and d in 1..3 for positions)", file, arr.Shape)
	}
	m, n, d := arr.Shape[0], arr.Shape[1], arr.Shape[2]
	var positions []float64
	posDim := d
	if task == "features" {
		if positions, posDim, err = readPositions(c.StringSlice("positions"), m, n, !c.Bool("raw-positions")); err != nil {
			return fail("%v", err)
		}
	} else if len(c.StringSlice("positions")) > 0 {
		return bad("--positions goes with --features")
	}
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
	arch := models.Arch(c.String("arch"))
	if arch != models.ArchReference && arch != models.ArchNCGN {
		return bad("--arch %q: want %s or %s", arch, models.ArchReference, models.ArchNCGN)
	}
	rc := runConfig{
		Task: task, Data: file, Positions: positions, Shape: generative.Shape{Nodes: n, Dim: d}, Graph: graph, Seed: c.Int64("seed"),
		Model: models.DMPConfig{Arch: arch, In: d, Out: d, PosDim: posDim, Width: c.Int("width"), Layers: c.Int("layers"), Conv: conv},
		Train: generative.TrainConfig{
			Process: generative.Process(c.String("generative")), Epochs: c.Int("epochs"), BatchSize: c.Int("batch"),
			LR: c.Float64("lr"), Seed: c.Int64("seed"), CheckpointEvery: c.Int("checkpoint-every"),
		},
	}
	if task == "features" {
		rc.Model.In = d + posDim // the network sees [features, positions]
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
		if old.Model.Arch == "" { // written before the field: the ncgn network
			old.Model.Arch = models.ArchNCGN
		}
		if !c.IsSet("arch") {
			rc.Model.Arch = old.Model.Arch
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
func buildDenoiser(rc runConfig) (generative.Denoiser, error) {
	ps, err := layers.NewParams(tensor.Float32, rc.Seed)
	if err != nil {
		return nil, err
	}
	net, err := models.NewDMP(ps, rc.Model)
	if err != nil {
		return nil, err
	}
	switch rc.Task {
	case "positions":
		return models.NewPositionDenoiser(net, rc.Graph, rc.Shape.Nodes)
	case "features":
		return models.NewFeatureDenoiser(net, rc.Graph, rc.Positions, rc.Shape.Dim)
	}
	return nil, fmt.Errorf("task %q: want positions or features", rc.Task)
}

// readPositions reads the fixed positions of a features run: each file gives one coordinate
// ((n,) or (m, n)) or several ((n, d) or (m, n, d)); per-sample files must repeat the same
// positions for every sample. With unit set, each coordinate is divided by its largest absolute
// value (the reference's s/54 and t/90 on the training grid).
func readPositions(files []string, m, n int, unit bool) ([]float64, int, error) {
	if len(files) == 0 {
		return nil, 0, fmt.Errorf("--features needs --positions")
	}
	var cols [][]float64
	for _, f := range files {
		a, err := datasets.ReadNpy(f)
		if err != nil {
			return nil, 0, err
		}
		sh := a.Shape
		per := 1 // samples stored in the file
		if len(sh) >= 1 && len(sh) <= 3 && sh[0] == m && (len(sh) == 3 || (len(sh) == 2 && sh[1] == n && sh[0] != n)) {
			per, sh = m, sh[1:]
		}
		if len(sh) == 1 {
			sh = []int{sh[0], 1}
		}
		if len(sh) != 2 || sh[0] != n {
			return nil, 0, fmt.Errorf("--positions %s: shape %v does not give %d nodes (want (n,), (n, d), (m, n) or (m, n, d) with n = %d, m = %d)", f, a.Shape, n, n, m)
		}
		size := sh[0] * sh[1]
		for k := 1; k < per; k++ {
			for i := 0; i < size; i++ {
				if a.Data[k*size+i] != a.Data[i] {
					return nil, 0, fmt.Errorf("--positions %s: sample %d's positions differ from sample 0's (feature generation needs fixed positions)", f, k)
				}
			}
		}
		for j := 0; j < sh[1]; j++ {
			col := make([]float64, n)
			for i := range col {
				col[i] = a.Data[i*sh[1]+j]
			}
			cols = append(cols, col)
		}
	}
	d := len(cols)
	pos := make([]float64, n*d)
	for j, col := range cols {
		scale := 1.0
		if unit {
			mx := 0.0
			for _, v := range col {
				mx = max(mx, math.Abs(v))
			}
			if mx > 0 {
				scale = 1 / mx
			}
		}
		for i, v := range col {
			pos[i*d+j] = v * scale
		}
	}
	return pos, d, nil
}
