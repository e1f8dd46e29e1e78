package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// CloudSet is one set of 3-D point clouds to draw: a name and flat clouds (x, y, z in a row).
type CloudSet struct {
	Name   string
	Clouds [][]float64
	Color  color.Color
}

// views are the three projections drawn of every cloud: (axis across, axis up, name).
var views = [3]struct {
	a, b int
	name string
}{{0, 1, "x-y"}, {0, 2, "x-z"}, {2, 1, "z-y"}}

// CloudGrid draws the sets one under the other into a PNG: one column per cloud (as many as
// the largest set holds), and for each set three rows, its clouds projected on x-y, x-z and
// z-y. Every tile of a set shares one square window, so that sizes compare across clouds;
// the first tile of each row names the set, the view and the window's half-width, so that
// sizes also compare across sets (a set of wide clouds is drawn at a smaller scale).
func CloudGrid(file, title string, sets []CloudSet) error {
	cols := 0
	for _, s := range sets {
		cols = max(cols, len(s.Clouds))
	}
	if cols == 0 {
		return fmt.Errorf("plot: cloud grid %s: no clouds", file)
	}
	rows := 3 * len(sets)
	tiles := make([][]*plot.Plot, rows)
	for si, s := range sets {
		half := cloudHalfWidth(s.Clouds)
		for vi, v := range views {
			row := make([]*plot.Plot, cols)
			for ci := range cols {
				p := plot.New()
				p.HideAxes()
				p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -half, half, -half, half
				if ci == 0 {
					p.Title.Text = fmt.Sprintf("%s %s (window ±%.2g)", s.Name, v.name, half)
					p.Title.TextStyle.Font.Size = vg.Points(8)
				}
				if ci < len(s.Clouds) {
					c := s.Clouds[ci]
					pts := make(plotter.XYs, len(c)/3)
					for k := range pts {
						pts[k] = plotter.XY{X: c[3*k+v.a], Y: c[3*k+v.b]}
					}
					sc, err := plotter.NewScatter(pts)
					if err != nil {
						return fmt.Errorf("plot: cloud grid %s: %w", file, err)
					}
					sc.GlyphStyle = draw.GlyphStyle{Color: s.Color, Radius: vg.Points(0.7), Shape: draw.CircleGlyph{}}
					p.Add(sc)
				}
				row[ci] = p
			}
			tiles[3*si+vi] = row
		}
	}
	tile := 1.1 * vg.Inch
	width, height := vg.Length(max(cols, 6))*tile, vg.Length(rows)*tile+0.4*vg.Inch
	img := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(96))
	dc := draw.New(img)
	head := dc
	head.Min.Y = dc.Max.Y - 0.4*vg.Inch
	head.FillText(draw.TextStyle{Color: color.Black, Font: font.Font{Typeface: plot.DefaultFont.Typeface, Variant: plot.DefaultFont.Variant, Style: plot.DefaultFont.Style, Weight: plot.DefaultFont.Weight, Size: vg.Points(11)}, XAlign: draw.XCenter, YAlign: draw.YCenter,
		Handler: plot.DefaultTextHandler}, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: (head.Min.Y + head.Max.Y) / 2}, title)
	body := dc
	body.Max.Y -= 0.4 * vg.Inch
	grid := plot.Align(tiles, draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(2), PadY: vg.Points(2)}, body)
	for i := range tiles {
		for j := range tiles[i] {
			tiles[i][j].Draw(grid[i][j])
		}
	}
	return writeFile(file, func(w io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
		return err
	})
}

// cloudHalfWidth returns half the side of a square window centred at 0 that holds every
// point of the clouds (5 % margin), at least 1e-9.
func cloudHalfWidth(clouds [][]float64) float64 {
	var m float64
	for _, c := range clouds {
		for _, v := range c {
			if !math.IsNaN(v) {
				m = math.Max(m, math.Abs(v))
			}
		}
	}
	return math.Max(1.05*m, 1e-9)
}
