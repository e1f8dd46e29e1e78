package main

import (
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"math"
	"math/rand"
	"path/filepath"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/graphs"
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

// graphReport is the JSON output of the graph command.
type graphReport struct {
	File       string  `json:"file"`
	Index      int     `json:"index"`
	T          float64 `json:"t"`
	Noised     string  `json:"noised,omitempty"` // the process used by --noise
	GNN        string  `json:"gnn"`
	Schedule   string  `json:"schedule,omitempty"`
	K          int     `json:"k"`
	Dim        int     `json:"dim"`
	Points     int     `json:"points"`
	Scheduled  int     `json:"scheduled_supernodes"` // s_t (dmp) or points
	Voxels     int     `json:"voxels_per_dim,omitempty"`
	Supernodes int     `json:"supernodes"`
	Coarsened  bool    `json:"coarsened"`
	Edges      int     `json:"edges"`      // coarse edges
	Neighbours int     `json:"neighbours"` // k_t (dmp), k, or points-1 (full)
	MeanEdge   float64 `json:"mean_edge_length"`
	MeanFine   float64 `json:"mean_distance_to_supernode"`
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
	r := graphReport{
		File: file, Index: index, T: t, Noised: noised, GNN: string(cfg.Kind), K: cfg.K, Dim: dim,
		Points: n, Scheduled: p.Scheduled, Supernodes: p.Supernodes, Coarsened: p.Coarsened,
		Edges: p.Edges.Len(), Neighbours: p.Neighbours,
		MeanEdge: graphMeanAttr(p.EdgeAttr), MeanFine: graphMeanAttr(p.FineAttr),
	}
	if cfg.Kind == graphs.DMP {
		r.Schedule = string(cfg.Schedule)
		if r.Schedule == "" {
			r.Schedule = string(schedules.Exp)
		}
		if p.Coarsened {
			r.Voxels = graphs.VoxelsPerDim(p.Scheduled, dim, cfg.FloatRoot)
		}
	}
	w := c.App.Writer
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(r)
	} else {
		err = graphWriteText(w, r)
	}
	if err != nil {
		return cli.Exit(fmt.Sprintf("ncgn graph: writing the output: %v", err), 1)
	}
	if out := c.String("plot"); out != "" {
		if err := graphPlot(out, p, graphTitle(r)); err != nil {
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
// (REFERENCE.md §1, in this project's orientation: t = 1 is step 0).
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

// graphMeanAttr returns the mean of the first of each pair of attributes (a length).
func graphMeanAttr(attr []float64) float64 {
	if len(attr) < 2 {
		return 0
	}
	var s float64
	for i := 0; i < len(attr); i += 2 {
		s += attr[i]
	}
	return s / float64(len(attr)/2)
}

func graphWriteText(w io.Writer, r graphReport) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	cloud := r.File
	if r.Index != 0 {
		cloud += fmt.Sprintf(" [%d]", r.Index)
	}
	fmt.Fprintf(tw, "cloud\t%s: %d points, %d-D\n", cloud, r.Points, r.Dim)
	noise := "points taken as x_t"
	if r.Noised != "" {
		noise = "points noised to level t (" + r.Noised + ")"
	}
	fmt.Fprintf(tw, "noise level\tt = %v (0 = pure noise, 1 = data); %s\n", r.T, noise)
	switch r.GNN {
	case string(graphs.DMP):
		fmt.Fprintf(tw, "graph\tdmp, %s schedule, k = %d: s_t = %d supernodes, k_t = %d neighbours\n", r.Schedule, r.K, r.Scheduled, r.Neighbours)
		if r.Coarsened {
			fmt.Fprintf(tw, "supernodes\t%d (voxel clustering, %d cells per dimension, %d cells occupied)\n", r.Supernodes, r.Voxels, r.Supernodes)
		} else {
			fmt.Fprintf(tw, "supernodes\t%d (full resolution: s_t = N)\n", r.Supernodes)
		}
	case string(graphs.Full):
		fmt.Fprintf(tw, "graph\tfull: every node receives from all %d others\n", r.Neighbours)
		fmt.Fprintf(tw, "supernodes\t%d (full resolution)\n", r.Supernodes)
	default:
		fmt.Fprintf(tw, "graph\t%s, k = %d\n", r.GNN, r.K)
		fmt.Fprintf(tw, "supernodes\t%d (full resolution)\n", r.Supernodes)
	}
	fmt.Fprintf(tw, "coarse edges\t%d (%d per supernode), mean length %.4g\n", r.Edges, min(r.Neighbours, r.Supernodes-1), r.MeanEdge)
	fmt.Fprintf(tw, "fine edges\t%d (one per point to its supernode), mean length %.4g\n", r.Points, r.MeanFine)
	return tw.Flush()
}

func graphTitle(r graphReport) string {
	g := r.GNN
	if r.GNN == string(graphs.DMP) {
		g = fmt.Sprintf("dmp (%s, k = %d, k_t = %d)", r.Schedule, r.K, r.Neighbours)
	} else if r.GNN != string(graphs.Full) {
		g = fmt.Sprintf("%s (k = %d)", r.GNN, r.K)
	}
	noise := ""
	if r.Noised != "" {
		noise = ", noised (" + r.Noised + ")"
	}
	if !r.Coarsened {
		return fmt.Sprintf("%s, t = %v%s: %s\n%d points at full resolution, %d edges (x-y projection)",
			filepath.Base(r.File), r.T, noise, g, r.Points, r.Edges)
	}
	return fmt.Sprintf("%s, t = %v%s: %s\n%d points, %d supernodes, %d coarse edges (x-y projection)",
		filepath.Base(r.File), r.T, noise, g, r.Points, r.Supernodes, r.Edges)
}

// graphMaxDrawn is the most edges graphPlot draws; beyond it every m-th edge is drawn.
const graphMaxDrawn = 20000

// graphPlot draws the x-y projection of a plan: the points coloured by supernode, the coarse
// edges as lines between supernode positions and, when coarsened, the supernodes as rings.
func graphPlot(file string, p *graphs.Plan, title string) error {
	pl := plot.New()
	pl.Title.Text = title
	pl.X.Label.Text = "x"
	pl.Y.Label.Text = "y"
	if p.Dim == 1 {
		pl.Y.Label.Text = "(1-D cloud)"
	}
	// undirected pairs, each once, in edge order
	seen := make(map[[2]int]bool, p.Edges.Len())
	var pairs [][2]int
	for m, j := range p.Edges.Src {
		i := p.Edges.Dst[m]
		key := [2]int{min(i, j), max(i, j)}
		if !seen[key] {
			seen[key] = true
			pairs = append(pairs, key)
		}
	}
	if every := (len(pairs) + graphMaxDrawn - 1) / graphMaxDrawn; every > 1 {
		kept := pairs[:0]
		for m := 0; m < len(pairs); m += every {
			kept = append(kept, pairs[m])
		}
		pl.Title.Text += fmt.Sprintf(", 1 in %d edges drawn", every)
		pairs = kept
	}
	width := vg.Points(0.6)
	if len(pairs) > 3000 {
		width = vg.Points(0.25)
	}
	pl.Add(&graphSegments{pos: p.SuperPos, dim: p.Dim, pairs: pairs,
		style: draw.LineStyle{Color: color.NRGBA{R: 60, G: 60, B: 60, A: 110}, Width: width}})
	pts := make(plotter.XYs, p.N)
	for i := range pts {
		pts[i] = graphXY(p.Pos, p.Dim, i)
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return err
	}
	radius := vg.Points(1.6)
	if p.N > 2000 {
		radius = vg.Points(1)
	}
	sc.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		return draw.GlyphStyle{Color: graphColor(p.Assign[i]), Radius: radius, Shape: draw.CircleGlyph{}}
	}
	pl.Add(sc)
	if p.Coarsened {
		sup := make(plotter.XYs, p.Supernodes)
		for c := range sup {
			sup[c] = graphXY(p.SuperPos, p.Dim, c)
		}
		fill, err := plotter.NewScatter(sup)
		if err != nil {
			return err
		}
		fill.GlyphStyleFunc = func(c int) draw.GlyphStyle {
			return draw.GlyphStyle{Color: graphColor(c), Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
		}
		ring, err := plotter.NewScatter(sup)
		if err != nil {
			return err
		}
		ring.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(4), Shape: draw.RingGlyph{}}
		pl.Add(fill, ring)
	}
	// a square data window, so that the projection is not stretched
	xmin, xmax, ymin, ymax := plotter.XYRange(pts)
	cx, cy := (xmin+xmax)/2, (ymin+ymax)/2
	half := math.Max(xmax-xmin, ymax-ymin)/2*1.05 + 1e-9
	pl.X.Min, pl.X.Max, pl.Y.Min, pl.Y.Max = cx-half, cx+half, cy-half, cy+half
	wt, err := pl.WriterTo(7*vg.Inch, 7.4*vg.Inch, "png")
	if err != nil {
		return err
	}
	return datasets.WriteAtomic(file, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}

// graphXY is the x-y projection of point i (y = 0 for 1-D clouds).
func graphXY(pos []float64, dim, i int) plotter.XY {
	xy := plotter.XY{X: pos[i*dim]}
	if dim > 1 {
		xy.Y = pos[i*dim+1]
	}
	return xy
}

// graphColor is a distinct colour for supernode c: hues spaced by the golden angle.
func graphColor(c int) color.Color {
	h := math.Mod(float64(c)*0.618033988749895, 1) * 6
	s, v := 0.75, 0.88
	f := h - math.Floor(h)
	p, q, u := v*(1-s), v*(1-s*f), v*(1-s*(1-f))
	var r, g, b float64
	switch int(h) % 6 {
	case 0:
		r, g, b = v, u, p
	case 1:
		r, g, b = q, v, p
	case 2:
		r, g, b = p, v, u
	case 3:
		r, g, b = p, q, v
	case 4:
		r, g, b = u, p, v
	default:
		r, g, b = v, p, q
	}
	return color.NRGBA{R: uint8(255 * r), G: uint8(255 * g), B: uint8(255 * b), A: 255}
}

// graphSegments is a plotter of line segments between points of a position array.
type graphSegments struct {
	pos   []float64
	dim   int
	pairs [][2]int
	style draw.LineStyle
}

// Plot draws the segments; it implements plot.Plotter.
func (s *graphSegments) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, e := range s.pairs {
		a, b := graphXY(s.pos, s.dim, e[0]), graphXY(s.pos, s.dim, e[1])
		line := []vg.Point{{X: trX(a.X), Y: trY(a.Y)}, {X: trX(b.X), Y: trY(b.Y)}}
		c.StrokeLines(s.style, c.ClipLinesXY(line)...)
	}
}

// DataRange returns the range of the segments' end points; it implements plot.DataRanger.
func (s *graphSegments) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for i := 0; i < len(s.pos)/s.dim; i++ {
		xy := graphXY(s.pos, s.dim, i)
		xmin, xmax = math.Min(xmin, xy.X), math.Max(xmax, xy.X)
		ymin, ymax = math.Min(ymin, xy.Y), math.Max(ymax, xy.Y)
	}
	return
}

var _ interface {
	plot.Plotter
	plot.DataRanger
} = (*graphSegments)(nil)
