package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ncgn/ncgn/graphs"
)

// maxDrawn is the most edges Plan draws; beyond it every m-th edge is drawn.
const maxDrawn = 20000

// Plan draws the x-y projection of a plan: the points coloured by supernode, the coarse
// edges as lines between supernode positions and, when coarsened, the supernodes as rings.
func Plan(file string, p *graphs.Plan, title string) error {
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
	if every := (len(pairs) + maxDrawn - 1) / maxDrawn; every > 1 {
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
	pl.Add(&segments{pos: p.SuperPos, dim: p.Dim, pairs: pairs,
		style: draw.LineStyle{Color: color.NRGBA{R: 60, G: 60, B: 60, A: 110}, Width: width}})
	pts := make(plotter.XYs, p.N)
	for i := range pts {
		pts[i] = xy(p.Pos, p.Dim, i)
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
		return draw.GlyphStyle{Color: colour(p.Assign[i]), Radius: radius, Shape: draw.CircleGlyph{}}
	}
	pl.Add(sc)
	if p.Coarsened {
		sup := make(plotter.XYs, p.Supernodes)
		for c := range sup {
			sup[c] = xy(p.SuperPos, p.Dim, c)
		}
		fill, err := plotter.NewScatter(sup)
		if err != nil {
			return err
		}
		fill.GlyphStyleFunc = func(c int) draw.GlyphStyle {
			return draw.GlyphStyle{Color: colour(c), Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
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
	return writeFile(file, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}

// xy is the x-y projection of point i (y = 0 for 1-D clouds).
func xy(pos []float64, dim, i int) plotter.XY {
	xy := plotter.XY{X: pos[i*dim]}
	if dim > 1 {
		xy.Y = pos[i*dim+1]
	}
	return xy
}

// colour is a distinct colour for supernode c: hues spaced by the golden angle.
func colour(c int) color.Color {
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

// segments is a plotter of line segments between points of a position array.
type segments struct {
	pos   []float64
	dim   int
	pairs [][2]int
	style draw.LineStyle
}

// Plot draws the segments; it implements plot.Plotter.
func (s *segments) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, e := range s.pairs {
		a, b := xy(s.pos, s.dim, e[0]), xy(s.pos, s.dim, e[1])
		line := []vg.Point{{X: trX(a.X), Y: trY(a.Y)}, {X: trX(b.X), Y: trY(b.Y)}}
		c.StrokeLines(s.style, c.ClipLinesXY(line)...)
	}
}

// DataRange returns the range of the segments' end points; it implements plot.DataRanger.
func (s *segments) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for i := 0; i < len(s.pos)/s.dim; i++ {
		xy := xy(s.pos, s.dim, i)
		xmin, xmax = math.Min(xmin, xy.X), math.Max(xmax, xy.X)
		ymin, ymax = math.Min(ymin, xy.Y), math.Max(ymax, xy.Y)
	}
	return
}

var _ interface {
	plot.Plotter
	plot.DataRanger
} = (*segments)(nil)
