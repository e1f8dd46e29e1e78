package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/analysis"
	"github.com/ncgn/ncgn/experiments/dit"
	"github.com/ncgn/ncgn/experiments/modelnet40"
	"github.com/ncgn/ncgn/experiments/samplers"
	"github.com/ncgn/ncgn/experiments/transcriptomics"
)

// experimentRegistry lists the experiments that `ncgn experiment` runs, one per paper section.
func experimentRegistry() (*experiments.Registry, error) {
	return experiments.NewRegistry(modelnet40.Experiment(), transcriptomics.Experiment(), analysis.Experiment(), samplers.Experiment(), dit.Experiment())
}

func init() {
	cmd := &cli.Command{
		Name:  "experiment",
		Usage: "reproduce a section of the paper: its tables and figures, at scale smoke, small or paper",
		Description: "Each experiment computes its cells (reusing those cached in OUT/NAME/cache, so a re-run or an\n" +
			"interrupted run continues where it stopped) and writes its tables (markdown, csv, json, with the\n" +
			"paper's numbers beside ours and the preset, seeds, data, wall time and commit) and figures into\n" +
			"OUT/NAME. See docs/experiments.md.",
		Action: dataParentAction("ncgn experiment"),
	}
	reg, err := experimentRegistry()
	if err != nil {
		cmd.Action = func(*cli.Context) error { return cli.Exit("ncgn experiment: "+err.Error(), 1) }
		register(cmd)
		return
	}
	for _, e := range reg.All() {
		cmd.Subcommands = append(cmd.Subcommands, experimentCommand(e))
	}
	register(cmd)
}

// experimentCommand returns the subcommand that runs e.
func experimentCommand(e experiments.Experiment) *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "scale", Value: string(experiments.Small), Usage: "`SCALE`: smoke (seconds, pipeline check), small (the committed results) or paper"},
		&cli.StringFlag{Name: "out", Value: filepath.Join("experiments", "out"), Usage: "output `DIR`; the experiment writes into DIR/" + e.Name + " (unset: experiments/out for small, the committed results; experiments/out/SCALE for smoke and paper)"},
		&cli.StringSliceFlag{Name: "only", Usage: "compute only the cells matching `CELL` (name, prefix or glob; repeatable)"},
		&cli.Int64Flag{Name: "seed", Value: 1, Usage: "base seed of every draw"},
		&cli.IntFlag{Name: "seeds", Value: 1, Usage: "compute every cell for `N` training seeds (network initialisation, training and sampling; same data) and report means with 95 % intervals"},
		&cli.BoolFlag{Name: "list-cells", Usage: "print the cell names of --scale and exit"},
		&cli.BoolFlag{Name: "quiet", Usage: "no log lines and no progress bars (progress bars are shown only on a terminal)"},
		&cli.StringFlag{Name: "shard", Usage: "compute only shard `I/N` of the cells (0 <= I < N; shards share --out), or auto: the index of a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with NCGN_SHARD_COUNT) or a SLURM job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT)"},
		&cli.BoolFlag{Name: "code-state", Usage: "print the code state of the experiment (its package, code fingerprint and commit) as one JSON line and exit; a file of these lines named by $NCGN_CODE_STATES stands in for the sources where they are absent (a container image)"},
		&cli.BoolFlag{Name: "report", Usage: "compute nothing: write the tables and figures from what --out holds and list the cells still missing (exit 1 while any are)"},
	}
	if e.Data != "" {
		flags = append(flags, &cli.StringFlag{Name: "data", EnvVars: []string{dataDirEnv}, Usage: e.Data})
	}
	for _, o := range e.Options {
		flags = append(flags, &cli.StringFlag{Name: o.Name, Value: o.Default, Usage: o.Usage + " (" + strings.Join(o.Values, "|") + ")"})
	}
	return &cli.Command{
		Name:  e.Name,
		Usage: e.Summary + " (paper " + e.Section + ")",
		Description: fmt.Sprintf("Writes %s into OUT/%s. --only selects cells by name, prefix or glob\n"+
			"(see --list-cells); the tables then show every cell computed so far.", strings.Join(e.Outputs, ", "), e.Name),
		Flags:        flags,
		OnUsageError: usageError,
		Action:       func(c *cli.Context) error { return experimentAction(c, e) },
	}
}

func experimentAction(c *cli.Context, e experiments.Experiment) error {
	name := "ncgn experiment " + e.Name
	bad := func(format string, a ...any) error { return cli.Exit(name+": "+fmt.Sprintf(format, a...), 2) }
	if c.Args().Present() {
		return bad("unexpected argument %q", c.Args().First())
	}
	scale, err := experiments.ParseScale(c.String("scale"))
	if err != nil {
		return bad("--scale %q: want smoke, small or paper", c.String("scale"))
	}
	cells, err := e.Cells(scale)
	if err != nil {
		return cli.Exit(name+": "+err.Error(), 1)
	}
	if c.Bool("code-state") {
		cs, err := experiments.CodeOf(e.Package)
		if err != nil {
			return cli.Exit(name+": "+err.Error(), 1)
		}
		b, err := json.Marshal(experiments.PackageState{Package: e.Package, CodeState: cs})
		if err != nil {
			return cli.Exit(name+": "+err.Error(), 1)
		}
		fmt.Fprintln(c.App.Writer, string(b))
		return nil
	}
	if c.Bool("list-cells") {
		var needs map[string][]string
		if e.Needs != nil {
			if needs, err = e.Needs(scale); err != nil {
				return cli.Exit(name+": "+err.Error(), 1)
			}
		}
		for _, cell := range cells {
			if n := needs[cell]; len(n) > 0 {
				fmt.Fprintf(c.App.Writer, "%s\tneeds %s\n", cell, strings.Join(n, ","))
			} else {
				fmt.Fprintln(c.App.Writer, cell)
			}
		}
		return nil
	}
	shard, err := experiments.ParseShard(c.String("shard"), os.Getenv)
	if err != nil {
		return bad("%v", strings.TrimPrefix(err.Error(), "experiments: "))
	}
	if shard.Count > 1 && c.Bool("report") {
		return bad("--report writes the whole tables: it takes no --shard")
	}
	out := defaultOut(c.String("out"), c.IsSet("out"), scale)
	if out == "" {
		return bad("--out is empty")
	}
	if _, err := experiments.Select(cells, c.StringSlice("only")); err != nil {
		return bad("--only: %v", err)
	}
	if n := c.Int("seeds"); n < 1 || n > 100 {
		return bad("--seeds %d: want 1 to 100", n)
	}
	dir := filepath.Join(out, e.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return cli.Exit(fmt.Sprintf("%s: --out %s: %v", name, out, err), 1)
	}
	// Results are not code: changes under the output folder, and under the committed results'
	// folder (where the networks another experiment lends live), do not make the run dirty.
	commit := experiments.Commit(".", out, c.String("out"))
	env := experiments.Env{Scale: scale, OutDir: dir, Only: c.StringSlice("only"), Seed: c.Int64("seed"),
		Seeds: c.Int("seeds"), Commit: commit, Options: map[string]string{}, Shard: shard, Report: c.Bool("report")}
	if e.Data != "" {
		env.Data = c.String("data")
	}
	for _, o := range e.Options {
		env.Options[o.Name] = c.String(o.Name)
		if _, err := e.Option(env, o.Name); err != nil {
			return bad("%v", strings.TrimPrefix(err.Error(), "experiments: "))
		}
	}
	if !c.Bool("quiet") {
		// A terminal gets progress bars; a log file plain progress lines every 30 s.
		env.Log, env.Progress = c.App.ErrWriter, c.App.ErrWriter
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt)
	defer stop()
	if err := e.Run(ctx, env); err != nil {
		if errors.Is(err, experiments.ErrConfig) {
			return cli.Exit(name+": "+err.Error(), 2)
		}
		return cli.Exit(fmt.Sprintf("%s (--out %s): %v", name, dir, err), 1)
	}
	where, err := e.Dir(env) // the options were checked above
	if err != nil {
		return bad("%v", strings.TrimPrefix(err.Error(), "experiments: "))
	}
	fmt.Fprintf(c.App.Writer, "%s: %s written to %s\n", name, strings.Join(e.Outputs, ", "), where)
	return nil
}

// defaultOut returns the output folder: out if --out was given; otherwise out (experiments/out,
// where the committed small-preset results live) for the small scale and out/SCALE for the
// others, so that a smoke check or a paper run never overwrites the committed tables.
func defaultOut(out string, set bool, scale experiments.Scale) string {
	if set || scale == experiments.Small {
		return out
	}
	return filepath.Join(out, string(scale))
}
