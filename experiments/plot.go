package experiments

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/ncgn/ncgn/internal/atomicfile"
)

// LinePlot is a figure of lines with markers, e.g. a metric against a number of layers.
type LinePlot struct {
	Title   string
	Caption string // printed under the title, smaller; may hold several lines
	XLabel  string
	YLabel  string
	// Log2X draws the x axis in log scale with ticks at the x values of the series (for
	// powers of two such as 2, 4, ..., 64).
	Log2X bool
	// LogX draws the x axis in log scale with ticks at the powers of ten (for values spread
	// over decades, such as network evaluations).
	LogX   bool
	Series []Series
	// Lines are horizontal reference lines (e.g. the random baseline), drawn dashed.
	Lines []HLine
}

// Series is one named line; points whose X or Y is NaN are left out.
type Series struct {
	Name string
	X, Y []float64
}

// HLine is a named horizontal reference line at height Y.
type HLine struct {
	Name string
	Y    float64
}

// WritePNG draws the plot into a PNG file of width × height inches at 150 dpi, atomically.
func (lp LinePlot) WritePNG(path string, width, height float64) error {
	p, err := lp.build()
	if err != nil {
		return err
	}
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(width)*vg.Inch, vg.Length(height)*vg.Inch), vgimg.UseDPI(150))
	p.Draw(draw.New(c))
	err = atomicfile.Write(path, func(w io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
		return err
	})
	if err != nil {
		return fmt.Errorf("experiments: writing plot %s: %w", path, err)
	}
	return nil
}

// build assembles the gonum plot.
func (lp LinePlot) build() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = lp.Title
	if lp.Caption != "" {
		p.Title.Text += "\n" + lp.Caption
	}
	p.Title.TextStyle.Font.Size = vg.Points(10)
	p.X.Label.Text, p.Y.Label.Text = lp.XLabel, lp.YLabel
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	var xs []float64
	entries := 0 // legend entries
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for i, s := range lp.Series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("experiments: plot %q series %q has %d x and %d y values: %w", lp.Title, s.Name, len(s.X), len(s.Y), ErrConfig)
		}
		var pts plotter.XYs
		for k := range s.X {
			x, y := s.X[k], s.Y[k]
			if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) || ((lp.Log2X || lp.LogX) && x <= 0) {
				continue
			}
			pts = append(pts, plotter.XY{X: x, Y: y})
			xs = append(xs, x)
			ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
		}
		if len(pts) == 0 {
			continue
		}
		l, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, fmt.Errorf("experiments: plot %q series %q: %w", lp.Title, s.Name, err)
		}
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.5)
		sc.Color = plotutil.Color(i)
		sc.Shape = plotutil.Shape(i)
		sc.Radius = vg.Points(3)
		p.Add(l, sc)
		p.Legend.Add(s.Name, l, sc)
		entries++
	}
	if len(xs) == 0 {
		return nil, fmt.Errorf("experiments: plot %q has no finite points: %w", lp.Title, ErrConfig)
	}
	xmin, xmax := xs[0], xs[0]
	for _, x := range xs {
		xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
	}
	for i, h := range lp.Lines {
		if math.IsNaN(h.Y) || math.IsInf(h.Y, 0) {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: h.Y}, {X: xmax, Y: h.Y}})
		if err != nil {
			return nil, fmt.Errorf("experiments: plot %q line %q: %w", lp.Title, h.Name, err)
		}
		l.Color = color.Gray{Y: uint8(96 + 32*(i%3))}
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		if i%2 == 1 {
			l.Dashes = []vg.Length{vg.Points(1.5), vg.Points(2)} // dotted
		}
		l.Width = vg.Points(1)
		p.Add(l)
		p.Legend.Add(h.Name, l)
		entries++
		ymin, ymax = math.Min(ymin, h.Y), math.Max(ymax, h.Y)
	}
	pad := 0.05 * (ymax - ymin)
	if pad == 0 {
		pad = 0.1
	}
	// Head room above the lines for the legend (top right).
	p.Y.Min, p.Y.Max = math.Max(0, ymin-pad), ymax+pad+0.12*float64(entries)*(ymax-ymin+2*pad)
	if lp.LogX && !lp.Log2X {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
		p.X.Min, p.X.Max = xmin/1.15, xmax*1.15
		if xmin == xmax {
			p.X.Min, p.X.Max = xmin/2, xmax*2
		}
	}
	if lp.Log2X {
		p.X.Scale = plot.LogScale{}
		ticks := plot.ConstantTicks(nil)
		seen := map[float64]bool{}
		for _, x := range xs {
			if !seen[x] {
				seen[x] = true
				ticks = append(ticks, plot.Tick{Value: x, Label: strconv.FormatFloat(x, 'g', -1, 64)})
			}
		}
		p.X.Tick.Marker = ticks
		p.X.Min, p.X.Max = xmin/1.15, xmax*1.15
		if xmin == xmax {
			p.X.Min, p.X.Max = xmin/2, xmax*2
		}
	}
	return p, nil
}
