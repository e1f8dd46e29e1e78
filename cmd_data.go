package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/datasets/transcriptomics"
	"github.com/ncgn/ncgn/internal/progress"
)

// dataCmd is the parent of the data commands; other files add their subcommands with
// registerData (package-level variables are set before any init function runs).
var dataCmd = &cli.Command{
	Name:   "data",
	Usage:  "make, fetch and inspect data sets",
	Action: dataParentAction("ncgn data"),
}

// dataSimulateCmd groups the simulated data sets; add one with registerDataSimulate.
var dataSimulateCmd = &cli.Command{
	Name:   "simulate",
	Usage:  "simulate a synthetic data set",
	Action: dataParentAction("ncgn data simulate"),
}

// dataParentAction shows the help of a command that only groups subcommands, and rejects an
// unknown subcommand with exit code 2.
func dataParentAction(path string) cli.ActionFunc {
	return func(c *cli.Context) error {
		_ = cli.ShowSubcommandHelp(c)
		if c.Args().Present() {
			return cli.Exit(fmt.Sprintf("%s: unknown command %q", path, c.Args().First()), 2)
		}
		return nil
	}
}

// registerData adds a subcommand to `ncgn data`.
func registerData(c *cli.Command) {
	dataCmd.Subcommands = append(dataCmd.Subcommands, dataSubcommand(c))
}

// registerDataSimulate adds a subcommand to `ncgn data simulate`.
func registerDataSimulate(c *cli.Command) {
	dataSimulateCmd.Subcommands = append(dataSimulateCmd.Subcommands, dataSubcommand(c))
}

// dataSubcommand gives a subcommand the application's usage-error handling (exit code 2).
func dataSubcommand(c *cli.Command) *cli.Command {
	if c.OnUsageError == nil {
		c.OnUsageError = usageError
	}
	return c
}

func init() {
	register(dataCmd)
	registerData(dataSimulateCmd)
	registerDataSimulate(transcriptomicsCmd)
}

const transcriptomicsName = "ncgn data simulate transcriptomics"

var transcriptomicsCmd = &cli.Command{
	Name:  "transcriptomics",
	Usage: "simulate the reaction-diffusion transcriptomics data (paper Section 5.2, Appendix B.3)",
	Description: "Simulates the Bmp-Sox9-Wnt reaction-diffusion system (300 points, dt 0.005, explicit Euler) and\n" +
		"records it on a grid: train (10 times x 10 space points), test (8 x 12) or knockout (test grid,\n" +
		"one gene per sample held at 0). Writes to --out:\n" +
		"  features.npy       (N, nodes, 3) float32, raw units, genes sox9, bmp, wnt\n" +
		"  positions.npy      (N, nodes) float32, raw space 0..55\n" +
		"  times.npy          (N, nodes) float32, raw time 0..90\n" +
		"  knockout.npy       (N,) float64, knocked-out gene per sample (knockout grid only)\n" +
		"  normalisation.json per-time-step min/max (train: of these simulations; test grids: the\n" +
		"                     --normalisation table if given, else these simulations' own, marked by source)\n" +
		"  meta.json          configuration, seed, grid, count, wall time\n" +
		"Nodes are time-major: node = time_index * space_points + space_index.\n" +
		"See docs/transcriptomics-data.md.",
	Flags: []cli.Flag{
		&cli.IntFlag{Name: "samples", Usage: "number of simulations (>= 1)"},
		&cli.StringFlag{Name: "grid", Usage: "train, test or knockout"},
		&cli.Uint64Flag{Name: "seed", Value: 0, Usage: "seed of every random draw"},
		&cli.StringFlag{Name: "out", Usage: "output folder (created if missing)"},
		&cli.IntFlag{Name: "workers", Value: 0, Usage: "parallel simulations (0: all cores)"},
		&cli.StringFlag{Name: "normalisation-mode", Value: "true", Usage: "true: true min/max over the samples; reference: emulate the reference's running-max defect"},
		&cli.StringFlag{Name: "normalisation", Usage: "test and knockout grids: a training normalisation.json to copy into --out"},
		&cli.StringFlag{Name: "config", Usage: "JSON file of simulator settings (fields of transcriptomics.Config; missing fields keep the defaults)"},
		&cli.BoolFlag{Name: "exact-frame-times", Usage: "store the state after exactly k steps under label k (default: after k+1, as the reference)"},
	},
	Action: simulateTranscriptomics,
}

func simulateTranscriptomics(c *cli.Context) error {
	usage := func(format string, a ...any) error {
		return cli.Exit(fmt.Sprintf(transcriptomicsName+": "+format, a...), 2)
	}
	fail := func(format string, a ...any) error {
		return cli.Exit(fmt.Sprintf(transcriptomicsName+": "+format, a...), 1)
	}
	if c.Args().Present() {
		return usage("unexpected arguments %q (all settings are flags)", c.Args().Slice())
	}
	n := c.Int("samples")
	if n < 1 {
		return usage("--samples %d: need at least 1 simulation", n)
	}
	grid, err := transcriptomics.GridByName(c.String("grid"))
	if err != nil {
		return usage("--grid %q: want train, test or knockout", c.String("grid"))
	}
	out := c.String("out")
	if out == "" {
		return usage("--out: an output folder is required")
	}
	workers := c.Int("workers")
	if workers < 0 {
		return usage("--workers %d: must be >= 0 (0 uses all cores)", workers)
	}
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var mode transcriptomics.NormalisationMode
	switch c.String("normalisation-mode") {
	case "true":
		mode = transcriptomics.TrueMinMax
	case "reference":
		mode = transcriptomics.ReferenceRunningMax
	default:
		return usage("--normalisation-mode %q: want true or reference", c.String("normalisation-mode"))
	}
	normFrom := c.String("normalisation")
	if normFrom != "" && grid.Name == transcriptomics.GridTrain {
		return usage("--normalisation %s: only for test and knockout grids; the train grid computes its own table", normFrom)
	}

	cfg := transcriptomics.DefaultConfig()
	if path := c.String("config"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return fail("--config: %v", err)
		}
		if err := json.Unmarshal(b, &cfg); err != nil {
			return usage("--config %s: not a JSON simulator configuration: %v", path, err)
		}
	}
	if c.Bool("exact-frame-times") {
		cfg.ExactFrameTimes = true
	}
	if err := cfg.Validate(); err != nil {
		return usage("%v", err)
	}
	if err := grid.Validate(cfg); err != nil {
		return usage("--grid %s does not fit the configuration: %v", grid.Name, err)
	}
	var copied *transcriptomics.Normalisation
	if normFrom != "" {
		if copied, err = transcriptomics.LoadNormalisation(normFrom); err != nil {
			return fail("--normalisation: %v", err)
		}
		if err := copied.Covers(grid); err != nil {
			return fail("--normalisation %s: %v", normFrom, err)
		}
	}
	if err := datasets.CheckWritable(out); err != nil {
		return fail("--out %s: cannot write there: %v", out, err)
	}

	desc := "simulating " + grid.Name
	bar := progress.New(c.App.ErrWriter, n, 0, desc)
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt)
	defer stop()
	start := time.Now()
	ds, err := transcriptomics.Generate(ctx, transcriptomics.Request{
		Config: cfg, Grid: grid, Samples: n, Seed: c.Uint64("seed"), Workers: workers,
	}, func(done int) { bar.Set(done, desc) })
	wall := time.Since(start).Seconds()
	bar.Finish()
	if err != nil {
		return fail("%v", err)
	}

	norm := copied
	if norm == nil {
		if norm, err = ds.Normalisation(mode, grid.Name); err != nil {
			return fail("normalisation of the %s simulations: %v", grid.Name, err)
		}
	}
	meta, err := transcriptomics.Write(out, ds, norm, transcriptomics.WriteInfo{
		NormalisationFrom: normFrom, Workers: workers, WallSeconds: wall, Version: Version, Commit: commit(),
	})
	if err != nil {
		return fail("%v", err)
	}
	meanSample := meta.SampleSecondsMean
	fmt.Fprintf(c.App.Writer, "wrote %d %s samples (%d nodes) to %s in %.2f s (%d workers, %.1f ms per sample on one worker)\n",
		n, grid.Name, grid.Nodes(), out, wall, workers, 1000*meanSample)
	return nil
}
