package main

import (
	"context"
	"fmt"
	"math"
	"path/filepath"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/spec"
	"github.com/urfave/cli/v2"
)

func init() {
	register(&cli.Command{
		Name:  "sample",
		Usage: "generate samples from a trained run (EMA weights of its last checkpoint)",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "run", Usage: "run `DIR` written by train (required)", Required: true},
			&cli.IntFlag{Name: "n", Usage: "number of samples", Required: true, DefaultText: "none, required"},
			&cli.StringFlag{Name: "out", Usage: "samples `FILE.npy`, shape (n, nodes, d) (required)", Required: true},
			&cli.IntFlag{Name: "steps", Usage: "sampling steps (0 = the process's default: 1000 DDPM, 200 Euler); midpoint and heun make 2 network evaluations per step"},
			&cli.StringFlag{Name: "sampler", Usage: "sampler `NAME`: ddpm (default, respaced to --steps) or ddim for diffusion; euler (default), midpoint, heun or dopri5 (adaptive) for flow matching"},
			&cli.Float64Flag{Name: "tolerance", Usage: "dopri5's relative and absolute error per step (default 1e-3); --steps sets its first step"},
			&cli.Float64Flag{Name: "eta", Usage: "DDIM's noise scale in [0, 1] (0: deterministic; 1 with all steps: DDPM's sampler)"},
			&cli.Float64Flag{Name: "clip", Usage: "DDPM: clip each step's x0 prediction to [-`R`, R] (default 1, diffusers'; set your data's range unless train --normalize mapped them into [-1, 1])"},
			&cli.BoolFlag{Name: "batch-stats", Usage: "normalise with each sampling batch's own statistics instead of the running estimates of training (samples then depend on --batch)"},
			&cli.IntFlag{Name: "batch", Value: 128, Usage: "samples per network call"},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "seed of the initial noise and of every sampling draw"},
			&cli.BoolFlag{Name: "quiet", Usage: "no progress bar"},
		},
		Action: sampleAction,
	})
}

func sampleAction(c *cli.Context) error {
	fail := func(format string, a ...any) error { return cli.Exit("ncgn sample: "+fmt.Sprintf(format, a...), 1) }
	if err := rejectArgs(c, "sample"); err != nil {
		return err
	}
	if c.Int("n") < 1 || c.Int("steps") < 0 || c.Int("batch") < 1 {
		return cli.Exit(fmt.Sprintf("ncgn sample: --n %d, --steps %d, --batch %d: want n, batch >= 1 and steps >= 0", c.Int("n"), c.Int("steps"), c.Int("batch")), 2)
	}
	run := c.String("run")
	rs, err := spec.Load(run)
	if err != nil {
		return fail("--run %s: %v (is it a run folder written by train?)", run, err)
	}
	model, err := rs.Build()
	if err != nil {
		return fail("%s: %v", filepath.Join(run, spec.ConfigFile), err)
	}
	ema, step, err := generative.LatestEMAParams(run)
	if err != nil {
		return fail("%v", err)
	}
	if err := model.Params().Load(ema); err != nil {
		return fail("%v", err)
	}
	sc := rs.SampleConfig(c.Int("n"))
	sc.BatchSize, sc.Seed, sc.BatchStats = c.Int("batch"), c.Int64("seed"), c.Bool("batch-stats")
	if s := c.Int("steps"); s > 0 {
		sc.DDPM.SamplingSteps = s
		sc.Flow.Steps = s
	}
	if sc, err = sc.WithSampler(c.String("sampler"), c.Float64("eta"), c.Float64("tolerance")); err != nil {
		return cli.Exit("ncgn sample: --sampler/--eta/--tolerance: "+err.Error(), 2)
	}
	if c.IsSet("clip") {
		r := c.Float64("clip")
		if sc.Process != generative.ProcessDiffusion {
			return cli.Exit(fmt.Sprintf("ncgn sample: --clip %v: the run is %s, and only diffusion clips its x0 prediction", r, sc.Process), 2)
		}
		if !(r > 0) || math.IsInf(r, 0) {
			return cli.Exit(fmt.Sprintf("ncgn sample: --clip %v: want a finite range > 0", r), 2)
		}
		sc.DDPM.ClipRange = r
	}
	if err := sc.WithDefaults().Validate(); err != nil {
		return cli.Exit("ncgn sample: --sampler/--eta/--steps: "+err.Error(), 2)
	}
	if !c.Bool("quiet") {
		sc.Progress = c.App.ErrWriter
	}
	var nfe float64
	sc.NFE = &nfe
	samples, err := generative.Sample(context.Background(), model.Denoiser, rs.Shape, sc)
	if err != nil {
		return fail("%v", err)
	}
	if rs.Normalize != nil {
		rs.Normalize.Undo(samples)
	}
	arr := &datasets.Array{Shape: []int{len(samples), rs.Shape.Nodes, rs.Shape.Dim}}
	for _, s := range samples {
		arr.Data = append(arr.Data, s...)
	}
	if err := datasets.WriteNpy(c.String("out"), arr, "float32"); err != nil {
		return fail("--out: %v", err)
	}
	fmt.Fprintf(c.App.Writer, "wrote %d samples of %d x %d (EMA weights after %d steps; %.4g network evaluations per batch) to %s\n", len(samples), rs.Shape.Nodes, rs.Shape.Dim, step, nfe, c.String("out"))
	return nil
}
