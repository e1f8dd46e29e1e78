package plot

import (
	"fmt"
	"image/color"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/ncgn/ncgn/schedules"
)

// scheduleColours are the line colours of the four kinds in Figure 5.
var scheduleColours = map[schedules.Kind]color.Color{
	schedules.Linear: color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	schedules.Exp:    color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	schedules.Log:    color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	schedules.ReLU:   color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
}

// Schedules draws the paper's Figure 5 for cfg's N and k: supernodes s_t (top) and
// neighbours k_t (bottom) against t for the four schedule forms, into a PNG file.
func Schedules(file string, cfg schedules.Config) error {
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
			l.Color = scheduleColours[kind]
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
	return writeFile(file, func(out io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(out)
		return err
	})
}
