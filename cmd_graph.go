package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"

	"github.com/urfave/cli/v2"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/internal/plot"
	"github.com/ncgn/ncgn/schedules"
)

func init() {
	register(&cli.Command{
		Name:  "graph",
		Usage: "show the graph a noise-conditioned network uses for one point cloud at noise level t",
		Description: "Builds, for the cloud in --points at noise level --t (0 = pure noise, 1 = data), the graph\n" +
			"the network would see: for dmp the supernodes (voxel clusters) s_t and their kNN graph with k_t\n" +
			"from the schedule; for knn, long-short and full the baseline graphs at full resolution.\n" +
			"The points are taken as the current positions x_t; --noise first noises clean data to level t.\n" +
			"--plot draws the x-y projection: points coloured by supernode, coarse edges as lines (the\n" +
			"paper's Figure 1 on real data). Input: .npy of shape (n, d) or (m, n, d), float32 or float64, d in 1..3.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "points", Usage: "point cloud `FILE.npy` of shape (n, d) or (m, n, d)"},
			&cli.IntFlag{Name: "index", Usage: "which cloud of an (m, n, d) file, from 0"},
			&cli.Float64Flag{Name: "t", Usage: "noise level t in [0, 1] (0 = pure noise, 1 = data)", DefaultText: "none, required"},
			&cli.StringFlag{Name: "gnn", Value: string(graphs.DMP), Usage: "graph kind: dmp, knn, long-short or full"},
			&cli.StringFlag{Name: "schedule", Value: string(schedules.Exp), Usage: "dmp schedule: linear, exp, log or relu"},
			&cli.IntFlag{Name: "k", Value: 7, Usage: "k: k_end of the dmp schedule, or the neighbours of knn and long-short"},
			&cli.Float64Flag{Name: "curvature", Value: schedules.DefaultCurvature, Usage: "curvature of the exp and log schedules"},
			&cli.Float64Flag{Name: "split", Value: schedules.DefaultSplit, Usage: "split of the relu schedule, in (0, 1)"},
			&cli.BoolFlag{Name: "float-root", Usage: "voxels per dimension as the reference computes them (int(s**(1/d)): 64 -> 3)"},
			&cli.BoolFlag{Name: "noise", Usage: "noise the points to level t first, as the generative process would"},
			&cli.StringFlag{Name: "process", Value: "ddpm", Usage: "with --noise: ddpm (1000 linear-beta steps, step floor(1000(1-t))) or fm (x_t = t x + (1-t) eps)"},
			&cli.Int64Flag{Name: "seed", Usage: "seed of the noise and of the long-short edges"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: text or json"},
			&cli.StringFlag{Name: "plot", Usage: "draw the graph into this PNG `FILE`"},
		},
		Action: runGraph,
	})
}

func runGraph(c *cli.Context) error {
	file, index, t := c.String("points"), c.Int("index"), c.Float64("t")
	cfg := graphs.PlanConfig{
		Kind:      graphs.Kind(c.String("gnn")),
		K:         c.Int("k"),
		Schedule:  schedules.Kind(c.String("schedule")),
		Curvature: c.Float64("curvature"),
		Split:     c.Float64("split"),
		FloatRoot: c.Bool("float-root"),
	}
	format, process := c.String("format"), c.String("process")
	if err := rejectArgs(c, "graph"); err != nil {
		return err
	}
	if err := positive(c, "graph", "curvature", "split"); err != nil {
		return err
	}
	switch {
	case file == "":
		return cli.Exit("ncgn graph: --points FILE.npy is required", 2)
	case !c.IsSet("t"):
		return cli.Exit("ncgn graph: --t is required (a noise level in [0, 1]; 0 = pure noise, 1 = data)", 2)
	case schedules.NoiseLevel(t).Validate() != nil:
		return cli.Exit(fmt.Sprintf("ncgn graph: --t %v: want a noise level in [0, 1] (0 = pure noise, 1 = data)", t), 2)
	case cfg.K < 1:
		return cli.Exit(fmt.Sprintf("ncgn graph: --k %d: want at least 1", cfg.K), 2)
	case index < 0:
		return cli.Exit(fmt.Sprintf("ncgn graph: --index %d: want at least 0", index), 2)
	case format != "text" && format != "json":
		return cli.Exit(fmt.Sprintf("ncgn graph: --format %q: want text or json", format), 2)
	case process != "ddpm" && process != "fm":
		return cli.Exit(fmt.Sprintf("ncgn graph: --process %q: want ddpm or fm", process), 2)
	}
	if err := cfg.Validate(); err != nil {
		return cli.Exit(fmt.Sprintf("ncgn graph: --gnn %s --schedule %s: %v", cfg.Kind, cfg.Schedule, err), 2)
	}
	pos, n, dim, err := graphLoadCloud(file, index, c.IsSet("index"))
	if err != nil {
		return err
	}
	if cfg.Kind != graphs.Full {
		warnK(c, "graph", cfg.K, n)
	}
	rng := rand.New(rand.NewSource(c.Int64("seed")))
	noised := ""
	if c.Bool("noise") {
		graphNoise(pos, t, process, rng)
		noised = process
	}
	p, err := graphs.NewPlan(pos, n, dim, schedules.NoiseLevel(t), cfg, rng)
	if err != nil {
		return cli.Exit(fmt.Sprintf("ncgn graph: %s: %v", file, err), 1)
	}
	r := graphs.NewReport(p, cfg)
	r.File, r.Index, r.T, r.Noised = file, index, t, noised
	w := c.App.Writer
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(r)
	} else {
		err = r.WriteText(w)
	}
	if err != nil {
		return cli.Exit(fmt.Sprintf("ncgn graph: writing the output: %v", err), 1)
	}
	if out := c.String("plot"); out != "" {
		if err := plot.Plan(out, p, r.Title()); err != nil {
			return cli.Exit(fmt.Sprintf("ncgn graph: --plot %s: %v", out, err), 1)
		}
		if format == "text" {
			fmt.Fprintf(w, "wrote %s\n", out)
		}
	}
	return nil
}

// graphLoadCloud reads one cloud from a .npy file of shape (n, d) or (m, n, d), d in 1..3.
func graphLoadCloud(file string, index int, indexSet bool) (pos []float64, n, dim int, err error) {
	a, err := datasets.ReadNpy(file)
	if err != nil {
		return nil, 0, 0, cli.Exit(fmt.Sprintf("ncgn graph: --points %s: %v", file, err), 1)
	}
	switch len(a.Shape) {
	case 2:
		if indexSet && index != 0 {
			return nil, 0, 0, cli.Exit(fmt.Sprintf("ncgn graph: --index %d: %s holds one cloud of shape %v", index, file, a.Shape), 2)
		}
		n, dim, pos = a.Shape[0], a.Shape[1], a.Data
	case 3:
		m := a.Shape[0]
		if index >= m {
			return nil, 0, 0, cli.Exit(fmt.Sprintf("ncgn graph: --index %d: %s holds %d clouds (shape %v)", index, file, m, a.Shape), 2)
		}
		n, dim = a.Shape[1], a.Shape[2]
		pos = a.Data[index*n*dim : (index+1)*n*dim]
	default:
		return nil, 0, 0, cli.Exit(fmt.Sprintf("ncgn graph: --points %s: shape %v, want (n, d) or (m, n, d)", file, a.Shape), 1)
	}
	if dim < 1 || dim > 3 || n < 1 {
		return nil, 0, 0, cli.Exit(fmt.Sprintf("ncgn graph: --points %s: shape %v: want n >= 1 points of dimension d in 1..3", file, a.Shape), 1)
	}
	return append([]float64(nil), pos...), n, dim, nil
}

// graphNoise replaces pos by a draw of x_t given the data x = pos, in place: for "fm" the
// flow-matching path x_t = t x + (1-t) eps; for "ddpm" x_t = sqrt(abar) x + sqrt(1-abar) eps at
// DDPM step floor(1000 (1-t)) (capped at 999) of 1000 steps with linear betas 1e-4..0.02
// (docs/REFERENCE.md §1, in this project's orientation: t = 1 is step 0).
func graphNoise(pos []float64, t float64, process string, rng *rand.Rand) {
	a, b := t, 1-t
	if process == "ddpm" {
		const steps = 1000
		step := min(int(math.Floor(steps*(1-t))), steps-1)
		abar := 1.0
		for i := 0; i <= step; i++ {
			beta := 1e-4 + (0.02-1e-4)*float64(i)/(steps-1)
			abar *= 1 - beta
		}
		a, b = math.Sqrt(abar), math.Sqrt(1-abar)
	}
	for i, x := range pos {
		pos[i] = a*x + b*rng.NormFloat64()
	}
}
