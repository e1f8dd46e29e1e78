package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/ncgn/ncgn/datasets"
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

// scheduleRow is one line of the schedule command's output.
type scheduleRow struct {
	T          float64 `json:"t"`
	Supernodes int     `json:"supernodes"`
	Neighbours int     `json:"neighbours"`
	Product    int     `json:"product"`
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
	rows := make([]scheduleRow, steps)
	for i := range rows {
		t := float64(i) / float64(steps-1)
		st := s.At(schedules.NoiseLevel(t))
		rows[i] = scheduleRow{T: t, Supernodes: st.Supernodes, Neighbours: st.Neighbours, Product: st.EdgeBudget()}
	}
	w := c.App.Writer
	switch format {
	case "csv":
		err = writeScheduleCSV(w, rows)
	case "json":
		err = writeScheduleJSON(w, cfg, rows)
	default:
		err = writeScheduleTable(w, cfg, rows)
	}
	if err != nil {
		return cli.Exit(fmt.Sprintf("ncgn schedule: writing the output: %v", err), 1)
	}
	if file := c.String("plot"); file != "" {
		if err := plotSchedules(file, cfg); err != nil {
			return cli.Exit(fmt.Sprintf("ncgn schedule: --plot %s: %v", file, err), 1)
		}
		if format == "table" {
			fmt.Fprintf(w, "wrote %s\n", file)
		}
	}
	return nil
}

// scheduleT formats t in its shortest exact form (0, 0.1, 0.25, ...).
func scheduleT(t float64) string { return strconv.FormatFloat(t, 'f', -1, 64) }

func writeScheduleTable(w io.Writer, cfg schedules.Config, rows []scheduleRow) error {
	fmt.Fprintf(w, "%s schedule: N = %d, k = %d", cfg.Kind, cfg.Nodes, cfg.K)
	switch cfg.Kind {
	case schedules.Exp, schedules.Log:
		fmt.Fprintf(w, ", curvature %g", cfg.Curvature)
	case schedules.ReLU:
		fmt.Fprintf(w, ", split %g", cfg.Split)
	}
	fmt.Fprintf(w, "; s_0 = ceil(sqrt(kN)) = %d, s_1 = N; k N = %d\n", rows[0].Supernodes, cfg.K*cfg.Nodes)
	fmt.Fprintln(w, "t = 0 is pure noise, t = 1 is data")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "t\tsupernodes\tneighbours\tproduct\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", scheduleT(r.T), r.Supernodes, r.Neighbours, r.Product)
	}
	return tw.Flush()
}

func writeScheduleCSV(w io.Writer, rows []scheduleRow) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"t", "supernodes", "neighbours"}); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write([]string{scheduleT(r.T), strconv.Itoa(r.Supernodes), strconv.Itoa(r.Neighbours)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeScheduleJSON(w io.Writer, cfg schedules.Config, rows []scheduleRow) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Config schedules.Config `json:"config"`
		Steps  []scheduleRow    `json:"steps"`
	}{cfg, rows})
}

// scheduleColors are the line colours of the four kinds in Figure 5.
var scheduleColors = map[schedules.Kind]color.Color{
	schedules.Linear: color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	schedules.Exp:    color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	schedules.Log:    color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	schedules.ReLU:   color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
}

// plotSchedules draws the paper's Figure 5 for cfg's N and k: supernodes s_t (top) and
// neighbours k_t (bottom) against t for the four schedule forms, into a PNG file.
func plotSchedules(file string, cfg schedules.Config) error {
	const points = 1001
	top, bottom := plot.New(), plot.New()
	top.Title.Text = fmt.Sprintf("Adaptive schedules, N = %d, k = %d (t = 0 noise, t = 1 data)", cfg.Nodes, cfg.K)
	top.Y.Label.Text = "supernodes s_t"
	bottom.Y.Label.Text = "neighbours k_t (kNN)"
	bottom.X.Label.Text = "noise level t"
	top.X.Label.Text = "noise level t"
	top.Add(plotter.NewGrid())
	bottom.Add(plotter.NewGrid())
	top.Legend.Top, top.Legend.Left = true, true // the lines start at the bottom left; one legend serves both panels
	for _, kind := range schedules.Kinds {
		k := cfg
		k.Kind = kind
		s, err := schedules.New(k)
		if err != nil {
			return err
		}
		sup, nb := make(plotter.XYs, points), make(plotter.XYs, points)
		for i := range points {
			t := float64(i) / (points - 1)
			st := s.At(schedules.NoiseLevel(t))
			sup[i] = plotter.XY{X: t, Y: float64(st.Supernodes)}
			nb[i] = plotter.XY{X: t, Y: float64(st.Neighbours)}
		}
		for _, pair := range []struct {
			p   *plot.Plot
			xys plotter.XYs
		}{{top, sup}, {bottom, nb}} {
			l, err := plotter.NewLine(pair.xys)
			if err != nil {
				return err
			}
			l.Color = scheduleColors[kind]
			l.Width = vg.Points(1.5)
			pair.p.Add(l)
			if pair.p == top {
				top.Legend.Add(string(kind), l)
			}
		}
	}
	const w, h = 6 * vg.Inch, 7 * vg.Inch
	img := vgimg.New(w, h)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(12)}
	plots := [][]*plot.Plot{{top}, {bottom}}
	canvases := plot.Align(plots, tiles, dc)
	top.Draw(canvases[0][0])
	bottom.Draw(canvases[1][0])
	return datasets.WriteAtomic(file, func(out io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(out)
		return err
	})
}
