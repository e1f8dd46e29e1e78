package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ncgn/ncgn/internal/plot"
	"github.com/ncgn/ncgn/schedules"
)

func init() {
	register(&cli.Command{
		Name:  "schedule",
		Usage: "print an adaptive DMP schedule: supernodes s_t and neighbours k_t for t from 0 (noise) to 1 (data)",
		Description: "Prints, for evenly spaced t from 0 (pure noise) to 1 (data), the number of supernodes s_t,\n" +
			"the neighbours k_t and their product s_t*k_t (about k*N) of the paper's adaptive schedules with\n" +
			"the linear-time boundary conditions s_0 = sqrt(k N), s_1 = N, k_t = ceil(k N / s_t).\n" +
			"--plot draws the paper's Figure 5 (all four kinds) for the same N and k.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "kind", Value: string(schedules.Exp), Usage: "schedule form: linear, exp, log or relu"},
			&cli.IntFlag{Name: "nodes", Value: 400, Usage: "N, the number of nodes of a sample"},
			&cli.IntFlag{Name: "k", Value: 7, Usage: "k = k_end, the neighbours at full resolution"},
			&cli.IntFlag{Name: "steps", Value: 11, Usage: "how many evenly spaced t from 0 to 1 (at least 2)"},
			&cli.StringFlag{Name: "format", Value: "table", Usage: "output format: table, csv or json"},
			&cli.StringFlag{Name: "plot", Usage: "also draw Figure 5 (all four kinds) into this PNG `FILE`"},
			&cli.Float64Flag{Name: "curvature", Value: schedules.DefaultCurvature, Usage: "curvature c of the exp and log forms"},
			&cli.Float64Flag{Name: "split", Value: schedules.DefaultSplit, Usage: "split of the relu form, in (0, 1)"},
		},
		Action: runSchedule,
	})
}

func runSchedule(c *cli.Context) error {
	cfg := schedules.Config{
		Kind:      schedules.Kind(c.String("kind")),
		Nodes:     c.Int("nodes"),
		K:         c.Int("k"),
		Curvature: c.Float64("curvature"),
		Split:     c.Float64("split"),
	}
	steps, format := c.Int("steps"), c.String("format")
	if err := rejectArgs(c, "schedule"); err != nil {
		return err
	}
	if err := positive(c, "schedule", "curvature", "split"); err != nil {
		return err
	}
	switch {
	case cfg.Nodes < 1:
		return cli.Exit(fmt.Sprintf("ncgn schedule: --nodes %d: want at least 1", cfg.Nodes), 2)
	case cfg.K < 1:
		return cli.Exit(fmt.Sprintf("ncgn schedule: --k %d: want at least 1", cfg.K), 2)
	case steps < 2:
		return cli.Exit(fmt.Sprintf("ncgn schedule: --steps %d: want at least 2 (t = 0 and t = 1)", steps), 2)
	case format != "table" && format != "csv" && format != "json":
		return cli.Exit(fmt.Sprintf("ncgn schedule: --format %q: want table, csv or json", format), 2)
	}
	s, err := schedules.New(cfg)
	if err != nil {
		return cli.Exit(fmt.Sprintf("ncgn schedule: %v", err), 2)
	}
	cfg = s.Config()
	rows, err := schedules.Rows(s, steps)
	if err != nil {
		return cli.Exit(fmt.Sprintf("ncgn schedule: %v", err), 2)
	}
	w := c.App.Writer
	switch format {
	case "csv":
		err = schedules.WriteCSV(w, rows)
	case "json":
		err = schedules.WriteJSON(w, cfg, rows)
	default:
		err = schedules.WriteTable(w, cfg, rows)
	}
	if err != nil {
		return cli.Exit(fmt.Sprintf("ncgn schedule: writing the output: %v", err), 1)
	}
	if file := c.String("plot"); file != "" {
		if err := plot.Schedules(file, cfg); err != nil {
			return cli.Exit(fmt.Sprintf("ncgn schedule: --plot %s: %v", file, err), 1)
		}
		if format == "table" {
			fmt.Fprintf(w, "wrote %s\n", file)
		}
	}
	return nil
}
