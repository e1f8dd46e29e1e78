package analysis

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/internal/atomicfile"
)

// panel is one plot of a figure: named lines (experiments.Series; NaN points left out).
type panel struct {
	Title, XLabel, YLabel string
	LogX, LogY            bool
	Series                []experiments.Series
	Dashed                map[string]bool // series drawn dashed without markers (references)
}

// build assembles the gonum plot of a panel.
func (pn panel) build() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = pn.Title
	p.Title.TextStyle.Font.Size = vg.Points(9)
	p.X.Label.Text, p.Y.Label.Text = pn.XLabel, pn.YLabel
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(7)
	n := 0
	for i, s := range pn.Series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("analysis: panel %q series %q: %d x, %d y: %w", pn.Title, s.Name, len(s.X), len(s.Y), experiments.ErrConfig)
		}
		var pts plotter.XYs
		for k := range s.X {
			x, y := s.X[k], s.Y[k]
			if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) || (pn.LogX && x <= 0) || (pn.LogY && y <= 0) {
				continue
			}
			pts = append(pts, plotter.XY{X: x, Y: y})
		}
		if len(pts) == 0 {
			continue
		}
		n++
		if pn.Dashed[s.Name] {
			l, err := plotter.NewLine(pts)
			if err != nil {
				return nil, fmt.Errorf("analysis: panel %q: %w", pn.Title, err)
			}
			l.Color = plotutil.Color(i)
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(l)
			p.Legend.Add(s.Name, l)
			continue
		}
		l, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, fmt.Errorf("analysis: panel %q: %w", pn.Title, err)
		}
		l.Color, sc.Color, sc.Shape = plotutil.Color(i), plotutil.Color(i), plotutil.Shape(i)
		l.Width, sc.Radius = vg.Points(1.2), vg.Points(2)
		if len(pts) > 40 {
			sc.Radius = 0
		}
		p.Add(l, sc)
		p.Legend.Add(s.Name, l, sc)
	}
	if n == 0 {
		return nil, fmt.Errorf("analysis: panel %q has no finite points: %w", pn.Title, experiments.ErrConfig)
	}
	if pn.LogX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	}
	if pn.LogY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	}
	return p, nil
}

// writePanels draws the panels in a grid of rows × cols into a PNG of width × height inches
// at 150 dpi, atomically, with title above.
func writePanels(path, title string, rows, cols int, panels []panel, width, height float64) error {
	if len(panels) != rows*cols {
		return fmt.Errorf("analysis: %d panels for a %d×%d grid: %w", len(panels), rows, cols, experiments.ErrConfig)
	}
	plots := make([][]*plot.Plot, rows)
	for i := range plots {
		plots[i] = make([]*plot.Plot, cols)
		for j := range plots[i] {
			p, err := panels[i*cols+j].build()
			if err != nil {
				return err
			}
			plots[i][j] = p
		}
	}
	img := vgimg.NewWith(vgimg.UseWH(vg.Length(width)*vg.Inch, vg.Length(height)*vg.Inch), vgimg.UseDPI(150))
	dc := draw.New(img)
	top := dc
	if title != "" {
		top.Max.Y -= vg.Points(16)
		f := plot.DefaultFont
		f.Size = vg.Points(10)
		ts := draw.TextStyle{Color: color.Black, Font: f, XAlign: draw.XCenter, YAlign: draw.YTop, Handler: plot.DefaultTextHandler}
		dc.FillText(ts, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: dc.Max.Y - vg.Points(3)}, title)
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 2, PadY: vg.Millimeter * 2, PadTop: vg.Millimeter, PadBottom: vg.Millimeter, PadLeft: vg.Millimeter, PadRight: vg.Millimeter}
	canvases := plot.Align(plots, tiles, top)
	for i := range plots {
		for j := range plots[i] {
			plots[i][j].Draw(canvases[i][j])
		}
	}
	err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
		return err
	})
	if err != nil {
		return fmt.Errorf("analysis: writing %s: %w", path, err)
	}
	return nil
}
